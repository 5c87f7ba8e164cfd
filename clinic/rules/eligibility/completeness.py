"""HS_INTAKE_INCOMPLETE: nothing passes by being unanswered (clinical-reference §3 [D]).

An intake with unanswered safety items, without a blood pressure, or without the intake screens
(the protocol's `intake_screens`, by default AUDIT-C, DAST-10 and the C-SSRS screener; the primary
scale of each indication (§2.1); YMRS for any bipolar diagnosis) cannot be scheduled. The finding
is a blocking one that lists everything still missing — also no indication recorded, a blood
pressure at the uncontrolled level not yet rechecked, and a benzodiazepine without its
lorazepam-equivalent dose — not a clinical contraindication.
"""

from typing import Any

from clinic.rules import scales
from clinic.rules.eligibility.blood_pressure import awaiting_recheck, reading_data, shown, uncontrolled_level
from clinic.rules.eligibility.criteria_settings import CriteriaSettings
from clinic.rules.eligibility.intake import BloodPressure, Intake
from clinic.rules.eligibility.trigger import Trigger
from clinic.rules.safety_history import SAFETY_ITEMS


def required_screens(intake: Intake, protocol: CriteriaSettings) -> dict[str, str]:
    """Each intake screen this intake needs, with why (§3 intake set [D]; primary scales §2.1)."""
    needed = {code: "intake screen" for code in protocol.intake_screens}
    for indication in intake.indications:
        needed.setdefault(protocol.primary_scales[indication], f"primary scale for {indication}")
    if intake.is_bipolar():
        needed.setdefault("ymrs", "bipolar disorder")
    return needed


def intake_incomplete(intake: Intake, protocol: CriteriaSettings) -> Trigger | None:
    """§3 HS_INTAKE_INCOMPLETE [D]: safety items not answered, screens not done, no indication, no blood pressure
    or one not yet rechecked, benzodiazepine doses not recorded."""
    items = [{"item": name, "label": label, "rule": rule} for name, label, rule in SAFETY_ITEMS
             if intake.safety.get(name) is None]
    screens = {code: why for code, why in required_screens(intake, protocol).items()
               if getattr(intake.screens, code) is None}
    rechecks = awaiting_recheck(intake, protocol)
    measurements = (["blood_pressure"] if not intake.blood_pressures else []) + (
        ["blood_pressure_recheck"] if rechecks else [])
    doses = [med.name for med in intake.medications
             if med.drug_class == "benzodiazepine" and med.lorazepam_equivalent_mg_per_day is None]
    if not (items or screens or not intake.indications or measurements or doses):
        return None
    return Trigger(" ".join(_parts(intake, items=items, screens=screens, rechecks=rechecks, doses=doses,
                                   protocol=protocol)),
                   {"safety_items": items, "screens": list(screens), "indication_missing": not intake.indications,
                    "measurements": measurements, "blood_pressure_rechecks": [reading_data(bp) for bp in rechecks],
                    "benzodiazepine_doses": doses})


def _parts(intake: Intake, *, items: list[dict[str, Any]], screens: dict[str, str], rechecks: list[BloodPressure],
           doses: list[str], protocol: CriteriaSettings) -> list[str]:
    parts = []
    if items:
        parts.append(f"Not yet answered: {'; '.join(item['label'] for item in items)}.")
    if not intake.indications:
        parts.append("No indication recorded: record what is being treated.")
    if screens:
        parts.append("Screens not done: " + ", ".join(f"{scales.instrument(code).name} ({why})"
                                                      for code, why in screens.items()) + ".")
    if not intake.blood_pressures:
        parts.append("Seated blood pressure not recorded.")
    parts.extend(f"Blood pressure {shown(reading)} is at or above {uncontrolled_level(protocol)}: recheck the blood "
                 f"pressure after {protocol.htn_recheck_after_minutes} minutes' rest." for reading in rechecks)
    if doses:
        parts.append(f"Lorazepam-equivalent dose not recorded for: {', '.join(doses)}.")
    return parts

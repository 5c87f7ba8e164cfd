"""Long-term safety: cumulative ketamine exposure and the monitoring that falls due.

Source: clinical-reference §8. No limit on total dose or infusion count exists [U], so nothing is
capped unless the clinic sets a cap [D]. Monitoring defaults [D]: bladder questions before every
infusion, any yes → prescriber review before dosing; LFTs at baseline if CA_HEPATIC, then every 6
months in maintenance (a product default, not evidence); a memory and concentration question at
each maintenance visit and a formal screen every 6 months; AUDIT-C and DAST-10 every 6 months;
YMRS before each infusion for every patient with a bipolar diagnosis, whatever the indication,
holding at the YMRS scale's own threshold (`clinic.rules.scales.ymrs.YmrsProtocol`, §7.2: 12).

Windows are calendar dates ending on `on_date`: "the last 30 days" is `on_date` and the 29 dates
before it. Doses after `on_date` are left out, so a total can be asked "as of" any date.
"""

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from clinic.rules.errors import DomainError
from clinic.rules.protocol import InvalidProtocol, require_at_least_one, tagged
from clinic.rules.response import checked_score
from clinic.rules.scales import ymrs
from clinic.rules.scales.ymrs import YmrsProtocol

SOURCE = "clinical-reference §8 long-term and repeated-treatment safety"
BLADDER_SYMPTOMS = ("DYSURIA", "URGENCY", "FREQUENCY", "NOCTURIA", "HAEMATURIA", "BLADDER_PAIN")
MG_PER_KG_DISPLAY_STEP = Decimal("0.01")


class InvalidDose(DomainError):
    code = "INVALID_DOSE"


class BladderAnswerMissing(DomainError):
    code = "BLADDER_ANSWER_MISSING"


class InvalidMonitoringInput(DomainError):
    code = "INVALID_MONITORING_INPUT"


@dataclass(frozen=True)
class LongTermProtocol:
    """The clinic's long-term settings, defaults from clinical-reference §8."""

    window_days: tuple[int, ...] = field(default=(30, 90, 365), metadata=tagged("D", "§8: last 30, 90 and 365 days"))
    cap_total_mg: Decimal | None = field(
        default=None, metadata=tagged("D", "§8: no cap unless the clinic sets one; no limit exists [U]"))
    cap_total_infusions: int | None = field(
        default=None, metadata=tagged("D", "§8: no cap unless the clinic sets one; no limit exists [U]"))
    bladder_symptoms: tuple[str, ...] = field(
        default=BLADDER_SYMPTOMS, metadata=tagged("D", "§8: dysuria, urgency, frequency, nocturia, haematuria and "
                                                       "bladder pain [8, 11, 52]"))
    lft_every_months: int = field(default=6, metadata=tagged("D", "§8: product default, not evidence"))
    lft_in_maintenance_only_if_ca_hepatic: bool = field(
        default=False, metadata=tagged("D", "§8 reads either way; by default every maintenance patient is tested"))
    cognition_screen_every_months: int = field(default=6, metadata=tagged("D", "§8; esketamine label warning [11]"))
    misuse_screen_every_months: int = field(default=6, metadata=tagged("D", "§8: AUDIT-C and DAST-10 [11, 12]"))

    def __post_init__(self) -> None:
        if not self.window_days or any(days < 1 for days in self.window_days):
            raise InvalidProtocol("Exposure windows are whole numbers of days, 1 or more.", field="window_days")
        require_at_least_one(self, ("lft_every_months", "cognition_screen_every_months", "misuse_screen_every_months"))
        if self.cap_total_mg is not None and self.cap_total_mg <= 0:
            raise InvalidProtocol("A cumulative mg cap must be above 0, or unset.", field="cap_total_mg")
        if self.cap_total_infusions is not None and self.cap_total_infusions < 1:
            raise InvalidProtocol("An infusion-count cap must be at least 1, or unset.", field="cap_total_infusions")


DEFAULT_PROTOCOL = LongTermProtocol()


@dataclass(frozen=True)
class Dose:
    """One infusion as given: the mg actually delivered (after pauses or an early stop) and the
    dosing weight it was ordered on."""

    given_on: date
    delivered_mg: Decimal
    dosing_weight_kg: Decimal


@dataclass(frozen=True)
class Totals:
    infusions: int
    total_mg: Decimal
    total_mg_per_kg: Decimal

    @property
    def total_mg_per_kg_display(self) -> Decimal:
        return self.total_mg_per_kg.quantize(MG_PER_KG_DISPLAY_STEP, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Exposure:
    on_date: date
    all_time: Totals
    windows: dict[int, Totals]


def cumulative_exposure(doses: Sequence[Dose], *, on_date: date,
                        protocol: LongTermProtocol = DEFAULT_PROTOCOL) -> Exposure:
    """Running totals (mg, mg/kg, infusions) and the same over the last 30, 90 and 365 days, as
    shown at ordering (clinical-reference §8 [D]). mg/kg per infusion is delivered mg ÷ dosing
    weight, unrounded; only `total_mg_per_kg_display` is rounded."""
    for number, dose in enumerate(doses, start=1):
        _check_dose(number, dose)
    given = [dose for dose in doses if dose.given_on <= on_date]
    windows = {days: _totals([dose for dose in given if (on_date - dose.given_on).days < days])
               for days in protocol.window_days}
    return Exposure(on_date, _totals(given), windows)


def _totals(doses: Sequence[Dose]) -> Totals:
    return Totals(len(doses), sum((dose.delivered_mg for dose in doses), Decimal(0)),
                  sum((dose.delivered_mg / dose.dosing_weight_kg for dose in doses), Decimal(0)))


def _check_dose(number: int, dose: Dose) -> None:
    if isinstance(dose.given_on, datetime) or not isinstance(dose.given_on, date):
        raise InvalidDose(f"Dose {number} needs the date it was given, not {dose.given_on!r}.",
                          field=f"doses[{number}]")
    for name, low_ok in (("delivered_mg", True), ("dosing_weight_kg", False)):
        value = getattr(dose, name)
        if not isinstance(value, Decimal) or not value.is_finite() or value < 0 or (value == 0 and not low_ok):
            raise InvalidDose(f"Dose {number}: {name} must be a Decimal {'of 0 or more' if low_ok else 'above 0'}; "
                              f"{value!r} was recorded. Correct the infusion record.", field=f"doses[{number}].{name}")


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    source: str = SOURCE


def cap_findings(exposure: Exposure, *, planned_mg: Decimal = Decimal(0),
                 protocol: LongTermProtocol = DEFAULT_PROTOCOL) -> tuple[Finding, ...]:
    """Findings when the clinic has set a cumulative cap and this exposure, with the planned dose,
    would pass it. With no cap set (the default, §8) there is never a finding."""
    findings = []
    if protocol.cap_total_mg is not None and exposure.all_time.total_mg + planned_mg > protocol.cap_total_mg:
        findings.append(Finding("CUMULATIVE_MG_CAP", f"{exposure.all_time.total_mg} mg given plus {planned_mg} mg "
                                f"planned passes the clinic's cap of {protocol.cap_total_mg} mg. The prescriber "
                                "reviews before ordering."))
    if protocol.cap_total_infusions is not None and exposure.all_time.infusions + 1 > protocol.cap_total_infusions:
        findings.append(Finding("CUMULATIVE_INFUSION_CAP", f"{exposure.all_time.infusions} infusions given; one more "
                                f"passes the clinic's cap of {protocol.cap_total_infusions}. The prescriber reviews "
                                "before ordering."))
    return tuple(findings)


def add_months(on: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter (31 Aug + 6 = 28/29 Feb)."""
    index = on.month - 1 + months
    year, month = on.year + index // 12, index % 12 + 1
    return on.replace(year=year, month=month, day=min(on.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Patient:
    """What monitoring depends on. Dates are None when the thing has never happened.

    `bipolar` is true for any bipolar diagnosis (F31.x), a TRD_BIPOLAR indication or a yes to the
    intake's bipolar safety question (§2.1, §3, §8); callers take it from
    `clinic.rules.eligibility` Intake.is_bipolar(). It has no default, so a caller cannot leave
    the YMRS out by forgetting it.
    """

    indication: str
    ca_hepatic: bool
    infusion_today: bool
    bipolar: bool
    maintenance_started_on: date | None = None
    last_lft_on: date | None = None
    last_cognition_screen_on: date | None = None
    last_audit_c_on: date | None = None
    last_dast10_on: date | None = None


@dataclass(frozen=True)
class MonitoringItem:
    """One check and whether it is due on the date asked about; `due_on` is the date it falls
    due (None for checks tied to each infusion or visit)."""

    code: str
    due: bool
    due_on: date | None
    action: str
    source: str


def monitoring_due(patient: Patient, *, on_date: date, protocol: LongTermProtocol = DEFAULT_PROTOCOL,
                   ymrs_protocol: YmrsProtocol = ymrs.DEFAULT_PROTOCOL) -> tuple[MonitoringItem, ...]:
    """Every long-term check that applies to the patient, due or not (clinical-reference §8 [D]).

    The YMRS is due before each infusion for a bipolar patient, whatever the indication (§8 mania
    row); its hold threshold is the YMRS scale's setting in `ymrs_protocol` (§7.2)."""
    _check_patient(patient, on_date)
    in_maintenance = patient.maintenance_started_on is not None
    items = [_per_infusion("BLADDER_QUESTIONS", patient.infusion_today, "Ask the yes/no bladder questions before "
                           "dosing; any yes → prescriber review.", "§8 bladder [8, 11, 52]")]
    # A TRD_BIPOLAR indication is bipolar even if a caller's flag disagrees: the YMRS is never dropped.
    if patient.bipolar or patient.indication == "TRD_BIPOLAR":
        items.append(_per_infusion("YMRS", patient.infusion_today, "Score the YMRS before dosing; hold at or above "
                                   f"{ymrs_protocol.hold_next_infusion_at_or_above} for the prescriber's review.",
                                   "§8 mania: every bipolar diagnosis (F31.x), whatever the indication; §7.2 [41]"))
    if patient.ca_hepatic and patient.last_lft_on is None:
        items.append(MonitoringItem("LFT_BASELINE", True, on_date, "Order baseline liver function tests (CA_HEPATIC).",
                                    "§8 liver [11, 13, 54, 55]"))
    if in_maintenance and (patient.ca_hepatic or not protocol.lft_in_maintenance_only_if_ca_hepatic):
        items.append(_every("LFT_MAINTENANCE", patient.last_lft_on or patient.maintenance_started_on,
                            protocol.lft_every_months, on_date, "Order liver function tests.",
                            "§8 liver: product default, not evidence"))
    if in_maintenance:
        items.append(_per_infusion("COGNITION_QUESTION", patient.infusion_today, "Ask the memory and concentration "
                                   "question.", "§8 cognition [11, 53]"))
        items.append(_every("COGNITION_SCREEN", patient.last_cognition_screen_on or patient.maintenance_started_on,
                            protocol.cognition_screen_every_months, on_date, "Complete the clinic's formal "
                            "cognitive screen.", "§8 cognition [11, 53]"))
    items.append(_every("AUDIT_C", patient.last_audit_c_on, protocol.misuse_screen_every_months, on_date,
                        "Have the patient complete the AUDIT-C.", "§8 misuse [11, 12]"))
    items.append(_every("DAST_10", patient.last_dast10_on, protocol.misuse_screen_every_months, on_date,
                        "Have the patient complete the DAST-10.", "§8 misuse [11, 12]"))
    return tuple(items)


def _per_infusion(code: str, infusion_today: bool, action: str, source: str) -> MonitoringItem:
    return MonitoringItem(code, infusion_today, None, action, source)


def _every(code: str, last_on: date | None, months: int, on_date: date, action: str, source: str) -> MonitoringItem:
    due_on = on_date if last_on is None else add_months(last_on, months)
    return MonitoringItem(code, on_date >= due_on, due_on, action, source)


def _check_patient(patient: Patient, on_date: date) -> None:
    if not isinstance(patient.bipolar, bool):
        raise InvalidMonitoringInput("Whether the patient has a bipolar diagnosis is not recorded; answer the intake's "
                                     "bipolar question before monitoring is listed.", field="bipolar")
    dates = {name: getattr(patient, name) for name in ("maintenance_started_on", "last_lft_on",
                                                        "last_cognition_screen_on", "last_audit_c_on",
                                                        "last_dast10_on")}
    for name, value in dates.items():
        if value is not None and value > on_date:
            raise InvalidMonitoringInput(f"{name} ({value}) is after the date asked about ({on_date}). Check the date.",
                                         field=name)


def bladder_review(answers: Mapping[str, bool], *,
                   protocol: LongTermProtocol = DEFAULT_PROTOCOL) -> Finding | None:
    """Before every infusion: a yes to any bladder question → prescriber review before dosing;
    urinalysis at the prescriber's discretion (clinical-reference §8 [D]; [8, 11, 52]). Every
    question must be answered yes or no."""
    for symptom in protocol.bladder_symptoms:
        if not isinstance(answers.get(symptom), bool):
            raise BladderAnswerMissing(f"Answer the bladder question on {symptom.replace('_', ' ').lower()} with yes "
                                       "or no before dosing.", field=symptom)
    unknown = set(answers) - set(protocol.bladder_symptoms)
    if unknown:
        raise BladderAnswerMissing(f"Unknown bladder question(s): {', '.join(sorted(unknown))}.",
                                   field=sorted(unknown)[0])
    yes = [symptom for symptom in protocol.bladder_symptoms if answers[symptom]]
    if not yes:
        return None
    named = ", ".join(symptom.replace("_", " ").lower() for symptom in yes)
    return Finding("BLADDER_REVIEW", f"Bladder symptoms reported: {named}. The prescriber reviews before dosing; "
                   "urinalysis at the prescriber's discretion.", "§8 bladder [8, 11, 52]")


def ymrs_hold(total: Any, *, ymrs_protocol: YmrsProtocol = ymrs.DEFAULT_PROTOCOL) -> Finding | None:
    """YMRS before each infusion for every bipolar patient: at or above the YMRS scale's hold
    threshold (§7.2 [D]: 12), hold the infusion for the prescriber's review (clinical-reference §8;
    cut-off per [41]). The threshold is the scale's one setting, so this and the score's alert agree."""
    score = checked_score(total, scale="ymrs", field="ymrs_total")
    threshold = ymrs_protocol.hold_next_infusion_at_or_above
    if score < threshold:
        return None
    return Finding("YMRS_HOLD", f"YMRS {score}, at or above {threshold}: hold the infusion until the prescriber has "
                   "reviewed the patient for mania.", "§8; §7.2 YMRS [41]")


"""The intake blood pressure: the latest reading for CA_HTN, and readings at the uncontrolled level,
confirmed or still to recheck, for HS_HTN_UNCONTROLLED (clinical-reference §3).

A reading at or above the uncontrolled level ([D] SBP ≥ 180 or DBP ≥ 110 mmHg) is confirmed by any
later reading at least the protocol's rest ([D] 5 minutes) after it that is also at or above the
level. A reading at that level with no reading that long after it awaits its recheck, and the intake
is incomplete until it is done (HS_INTAKE_INCOMPLETE); a recheck below the level confirms nothing.
"""

from datetime import timedelta
from typing import Any

from clinic.rules.eligibility.criteria_settings import CriteriaSettings
from clinic.rules.eligibility.intake import BloodPressure, Intake
from clinic.rules.eligibility.trigger import Trigger, answered, yes_items


def uncontrolled_level(protocol: CriteriaSettings) -> str:
    return f"{protocol.htn_uncontrolled_systolic_mmhg}/{protocol.htn_uncontrolled_diastolic_mmhg} mmHg"


def shown(reading: BloodPressure) -> str:
    return f"{reading.systolic_mmhg}/{reading.diastolic_mmhg} mmHg at {reading.measured_at:%Y-%m-%d %H:%M}"


def reading_data(reading: BloodPressure) -> dict[str, Any]:
    return {"measured_at": reading.measured_at.isoformat(), "systolic_mmhg": reading.systolic_mmhg,
            "diastolic_mmhg": reading.diastolic_mmhg}


def _at_uncontrolled_level(reading: BloodPressure, protocol: CriteriaSettings) -> bool:
    return (reading.systolic_mmhg >= protocol.htn_uncontrolled_systolic_mmhg
            or reading.diastolic_mmhg >= protocol.htn_uncontrolled_diastolic_mmhg)


def _rechecks(reading: BloodPressure, intake: Intake, protocol: CriteriaSettings) -> list[BloodPressure]:
    """The readings taken at least the protocol's rest after `reading`, earliest first."""
    rest = timedelta(minutes=protocol.htn_recheck_after_minutes)
    return sorted((later for later in intake.blood_pressures if later.measured_at - reading.measured_at >= rest),
                  key=lambda later: later.measured_at)


def confirmed_uncontrolled(intake: Intake, protocol: CriteriaSettings) -> tuple[BloodPressure, BloodPressure] | None:
    """The first reading at the uncontrolled level with the first recheck that confirms it, or None."""
    for reading in sorted(intake.blood_pressures, key=lambda reading: reading.measured_at):
        if _at_uncontrolled_level(reading, protocol):
            confirming = [later for later in _rechecks(reading, intake, protocol)
                          if _at_uncontrolled_level(later, protocol)]
            if confirming:
                return reading, confirming[0]
    return None


def awaiting_recheck(intake: Intake, protocol: CriteriaSettings) -> list[BloodPressure]:
    """Readings at the uncontrolled level with no reading the protocol's rest after them (none once confirmed)."""
    if confirmed_uncontrolled(intake, protocol) is not None:
        return []
    return sorted((reading for reading in intake.blood_pressures
                   if _at_uncontrolled_level(reading, protocol) and not _rechecks(reading, intake, protocol)),
                  key=lambda reading: reading.measured_at)


def hypertension_uncontrolled(intake: Intake, protocol: CriteriaSettings) -> Trigger | None:
    """§3 HS_HTN_UNCONTROLLED: clinician flag, or [D] an intake BP ≥ 180/110 mmHg confirmed on a recheck after
    5 min ([13, 28])."""
    names = yes_items(intake, "HS_HTN_UNCONTROLLED")
    confirmed = confirmed_uncontrolled(intake, protocol)
    if not names and confirmed is None:
        return None
    parts = [answered(names)] if names else []
    if confirmed is not None:
        first, recheck = confirmed
        parts.append(f"Intake BP {shown(first)}, confirmed on the recheck ({shown(recheck)}): at or above "
                     f"{uncontrolled_level(protocol)}.")
    readings = [reading_data(reading) for reading in confirmed or ()]
    return Trigger(" ".join(parts), {"items": names, "readings": readings})


def hypertension(intake: Intake, protocol: CriteriaSettings) -> Trigger | None:
    """§3 CA_HTN: controlled hypertension, or the latest intake BP > 140/90 mmHg (BP surges [18, 19]; [11])."""
    controlled = intake.said_yes("hypertension_controlled")
    latest = max(intake.blood_pressures, key=lambda reading: reading.measured_at, default=None)
    high_bp = latest is not None and (latest.systolic_mmhg > protocol.htn_systolic_above_mmhg
                                      or latest.diastolic_mmhg > protocol.htn_diastolic_above_mmhg)
    if not (controlled or high_bp):
        return None
    parts = (["Controlled hypertension."] if controlled else []) + (
        [f"Latest intake BP {shown(latest)} is above {protocol.htn_systolic_above_mmhg}/"
         f"{protocol.htn_diastolic_above_mmhg}."] if high_bp else [])
    return Trigger(" ".join(parts), {"controlled_hypertension": controlled,
                                     "latest_reading": None if latest is None else reading_data(latest)})

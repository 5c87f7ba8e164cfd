"""The intake blood pressure: the highest readings of the latest date for CA_HTN, and readings at the
uncontrolled level, confirmed or still to recheck, for HS_HTN_UNCONTROLLED (clinical-reference §3).

Several results of one kind on one date: the most serious counts (§3). CA_HTN therefore reads every
reading of the latest date with readings, and the highest systolic and the highest diastolic among
them, which may come from different readings: 150/95 then 130/80 keeps the caution. A reading's date
is read in the time zone its time carries, so callers pass the clinic's local times.

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
from clinic.rules.typed_values import day_text


def uncontrolled_level(protocol: CriteriaSettings) -> str:
    return f"{protocol.htn_uncontrolled_systolic_mmhg}/{protocol.htn_uncontrolled_diastolic_mmhg} mmHg"


def shown(reading: BloodPressure) -> str:
    # The day only: the chart keeps a measurement's day and when it was entered, not the minute it
    # was taken, so a time here could name a moment nobody measured.
    return f"{reading.systolic_mmhg}/{reading.diastolic_mmhg} mmHg on {day_text(reading.measured_at.date())}"


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


def latest_day_readings(intake: Intake) -> list[BloodPressure]:
    """The readings of the latest date with readings, earliest first (each dated in its own time zone)."""
    latest = max((reading.measured_at.date() for reading in intake.blood_pressures), default=None)
    return sorted((reading for reading in intake.blood_pressures if reading.measured_at.date() == latest),
                  key=lambda reading: reading.measured_at)


def hypertension(intake: Intake, protocol: CriteriaSettings) -> Trigger | None:
    """§3 CA_HTN: controlled hypertension, or an intake BP > 140/90 mmHg (BP surges [18, 19]; [11]); of several
    readings, the highest systolic and diastolic of the latest date count (§3: the most serious result counts)."""
    controlled = intake.said_yes("hypertension_controlled")
    readings = latest_day_readings(intake)
    systolic = max((reading.systolic_mmhg for reading in readings), default=None)
    diastolic = max((reading.diastolic_mmhg for reading in readings), default=None)
    high_bp = bool(readings) and (systolic > protocol.htn_systolic_above_mmhg
                                  or diastolic > protocol.htn_diastolic_above_mmhg)
    if not (controlled or high_bp):
        return None
    parts = ["Controlled hypertension."] if controlled else []
    if high_bp:
        parts.append(f"Intake BP on {day_text(readings[0].measured_at.date())}: "
                     + ", ".join(f"{reading.systolic_mmhg}/{reading.diastolic_mmhg} mmHg" for reading in readings)
                     + f"; the highest, {systolic}/{diastolic}, is above {protocol.htn_systolic_above_mmhg}/"
                       f"{protocol.htn_diastolic_above_mmhg}.")
    return Trigger(" ".join(parts), {"controlled_hypertension": controlled,
                                     "readings": [reading_data(reading) for reading in readings],
                                     "highest_systolic_mmhg": systolic, "highest_diastolic_mmhg": diastolic})

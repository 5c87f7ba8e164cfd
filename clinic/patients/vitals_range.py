"""The chart's latest blood pressure and heart rate against the vitals protocol's limits
(clinical-reference §5.3, clinic.rules.vitals.thresholds), with the limits shown beside them.

Until the clinic's protocol record exists the limits are the rules' defaults. A limit the protocol
leaves unset (the heart rate's low limit ships without a value) is shown as not set: the reading is
not called within range on that side.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from clinic.rules.vitals.thresholds import DEFAULT_PROTOCOL, VitalsProtocol


@dataclass(frozen=True)
class LatestVital:
    label: str
    shown: str  # "152/94 mmHg"
    measured_on: dt.date
    limits: str  # "caution above 140/90 mmHg": the alert the limit raises on an infusion day (§5.3)
    outside: tuple[str, ...]  # what is outside the limits, in words
    not_set: tuple[str, ...]  # the limits the protocol leaves unset


def latest_vitals(latest: dict[str, Any], *, protocol: VitalsProtocol = DEFAULT_PROTOCOL) -> tuple[LatestVital, ...]:
    """The latest blood pressure and heart rate of clinic.patients.queries.latest_measurements, each
    checked against the protocol's pre-infusion limits."""
    vitals = []
    if "systolic_mmhg" in latest:
        _, measured_on, measurement = latest["systolic_mmhg"]
        vitals.append(_blood_pressure(measurement.systolic_mmhg, measurement.diastolic_mmhg, measured_on, protocol))
    if "heart_rate_bpm" in latest:
        value, measured_on, _ = latest["heart_rate_bpm"]
        vitals.append(_heart_rate(value, measured_on, protocol))
    return tuple(vitals)


def _blood_pressure(systolic: int, diastolic: int, measured_on: dt.date, protocol: VitalsProtocol) -> LatestVital:
    systolic_limit = protocol.pre_bp_caution_systolic_above_mmhg
    diastolic_limit = protocol.pre_bp_caution_diastolic_above_mmhg
    outside = (([f"systolic {systolic} is above {systolic_limit}"] if systolic > systolic_limit else [])
               + ([f"diastolic {diastolic} is above {diastolic_limit}"] if diastolic > diastolic_limit else []))
    return LatestVital("Blood pressure", f"{systolic}/{diastolic} mmHg", measured_on,
                       f"caution above {systolic_limit}/{diastolic_limit} mmHg", tuple(outside), ())


def _heart_rate(value: int, measured_on: dt.date, protocol: VitalsProtocol) -> LatestVital:
    high = protocol.hr_high_above_bpm
    low = protocol.hr_low_below_bpm
    outside = ([f"{value} is above {high}"] if value > high else []) + (
        [f"{value} is below {low}"] if low is not None and value < low else [])
    limits = f"below {low} or above {high} bpm" if low is not None else f"above {high} bpm"
    return LatestVital("Heart rate", f"{value} bpm", measured_on, f"alert {limits}", tuple(outside),
                       ("low limit not set",) if low is None else ())

"""The chart's latest blood pressure and heart rate, each with the most severe infusion-day limit it
crosses and every limit beside it (clinic.rules.vitals.chart_limits, clinical-reference §5.3).

The limits are the vitals section of the site's protocol version in force, which the chart passes in.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from clinic.rules.vitals.chart_limits import LimitCheck, check_blood_pressure, check_heart_rate
from clinic.rules.vitals.thresholds import VitalsProtocol


@dataclass(frozen=True)
class LatestVital:
    label: str
    shown: str  # "152/94 mmHg"
    measured_on: dt.date
    check: LimitCheck


def latest_vitals(latest: dict[str, Any], *, protocol: VitalsProtocol) -> tuple[LatestVital, ...]:
    """The latest blood pressure and heart rate of clinic.patients.queries.latest_measurements, each
    checked against the protocol's limits."""
    vitals = []
    if "systolic_mmhg" in latest:
        _, measured_on, measurement = latest["systolic_mmhg"]
        systolic, diastolic = measurement.systolic_mmhg, measurement.diastolic_mmhg
        vitals.append(LatestVital("Blood pressure", f"{systolic}/{diastolic} mmHg", measured_on, check_blood_pressure(
            systolic_mmhg=systolic, diastolic_mmhg=diastolic, protocol=protocol)))
    if "heart_rate_bpm" in latest:
        value, measured_on, _ = latest["heart_rate_bpm"]
        vitals.append(LatestVital("Heart rate", f"{value} bpm", measured_on,
                                  check_heart_rate(heart_rate_bpm=value, protocol=protocol)))
    return tuple(vitals)

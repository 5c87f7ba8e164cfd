"""A patient's latest blood pressure and heart rate on the chart, against the infusion-day limits of
clinical-reference §5.3: the most severe limit crossed, with every limit and its source.

Before an infusion a blood pressure meets three limits [D]: PRE_BP_CAUTION (above 140/90 mmHg,
Spravato label [11]), PRE_BP_HOLD (at or above 160/100) and BP_STOP (at or above 200/120 on any
reading [42]). BP_PAUSE applies only once the pump runs, so a resting reading is not compared with
it. The heart rate meets HR_HIGH (above 120 bpm [42]) and HR_LOW, which ships without a value: an
unset limit is named as not set, never counted as passed.
"""

from dataclasses import dataclass

from clinic.rules.vitals.alerts import RULES
from clinic.rules.vitals.thresholds import DEFAULT_PROTOCOL, VitalsProtocol

SOURCE = "clinical-reference §5.3 [D]: the pre-infusion blood-pressure limits and the heart-rate limits"
HR_LOW_NOT_SET = "low limit not set by the medical director"


@dataclass(frozen=True)
class Limit:
    code: str  # the §5.3 alert the limit raises: "PRE_BP_HOLD"
    level: str  # "caution", "hold", "stop" or "pause": what the alert asks before or during an infusion
    limit: str  # "at or above 160/100 mmHg"
    source: str


@dataclass(frozen=True)
class LimitCheck:
    crossed: Limit | None  # the most severe limit the value crosses
    limits: tuple[Limit, ...]  # least severe first
    not_set: tuple[str, ...]


def _limit(code: str, level: str, limit: str) -> Limit:
    return Limit(code, level, limit, RULES[code].source)


def blood_pressure_limits(protocol: VitalsProtocol = DEFAULT_PROTOCOL) -> tuple[Limit, Limit, Limit]:
    """Caution, hold and stop, as PRE_BP_CAUTION, PRE_BP_HOLD and BP_STOP set them (§5.3)."""
    p = protocol
    return (
        _limit("PRE_BP_CAUTION", "caution",
               f"above {p.pre_bp_caution_systolic_above_mmhg}/{p.pre_bp_caution_diastolic_above_mmhg} mmHg"),
        _limit("PRE_BP_HOLD", "hold", f"at or above {p.pre_bp_hold_systolic_at_or_above_mmhg}/"
                                      f"{p.pre_bp_hold_diastolic_at_or_above_mmhg} mmHg"),
        _limit("BP_STOP", "stop", f"at or above {p.bp_stop_systolic_at_or_above_mmhg}/"
                                  f"{p.bp_stop_diastolic_at_or_above_mmhg} mmHg"),
    )


def check_blood_pressure(*, systolic_mmhg: int, diastolic_mmhg: int,
                         protocol: VitalsProtocol = DEFAULT_PROTOCOL) -> LimitCheck:
    """The most severe of caution, hold and stop that the reading crosses; either number crossing is enough."""
    p = protocol
    caution, hold, stop = limits = blood_pressure_limits(p)
    crossed = None
    if systolic_mmhg >= p.bp_stop_systolic_at_or_above_mmhg or diastolic_mmhg >= p.bp_stop_diastolic_at_or_above_mmhg:
        crossed = stop
    elif systolic_mmhg >= p.pre_bp_hold_systolic_at_or_above_mmhg \
            or diastolic_mmhg >= p.pre_bp_hold_diastolic_at_or_above_mmhg:
        crossed = hold
    elif systolic_mmhg > p.pre_bp_caution_systolic_above_mmhg or diastolic_mmhg > p.pre_bp_caution_diastolic_above_mmhg:
        crossed = caution
    return LimitCheck(crossed, limits, ())


def check_heart_rate(*, heart_rate_bpm: int, protocol: VitalsProtocol = DEFAULT_PROTOCOL) -> LimitCheck:
    """HR_HIGH above its limit, HR_LOW below its limit once the medical director has set one."""
    high = _limit("HR_HIGH", "pause", f"above {protocol.hr_high_above_bpm} bpm")
    low_bpm = protocol.hr_low_below_bpm
    if low_bpm is None:
        crossed = high if heart_rate_bpm > protocol.hr_high_above_bpm else None
        return LimitCheck(crossed, (high,), (HR_LOW_NOT_SET,))
    low = _limit("HR_LOW", "pause", f"below {low_bpm} bpm")
    crossed = high if heart_rate_bpm > protocol.hr_high_above_bpm else low if heart_rate_bpm < low_bpm else None
    return LimitCheck(crossed, (low, high), ())

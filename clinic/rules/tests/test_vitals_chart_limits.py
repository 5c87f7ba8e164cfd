"""The chart's latest blood pressure and heart rate against the §5.3 limits: the most severe crossed.

Defaults (clinical-reference §5.3 [D]): PRE_BP_CAUTION above 140/90 mmHg, PRE_BP_HOLD at or above
160/100, BP_STOP at or above 200/120, HR_HIGH above 120 bpm, HR_LOW unset. HR_LOW 50 below is a
test value standing in for a medical director's setting.
"""

import dataclasses
from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic.rules.vitals import PRE, Reading, VitalsProtocol, alerts_for_reading
from clinic.rules.vitals.chart_limits import (
    HR_LOW_NOT_SET,
    check_blood_pressure,
    check_heart_rate,
)
from clinic.rules.vitals.thresholds import DEFAULT_PROTOCOL, FORUM_SOURCE, HOLD_SOURCE, LABEL_SOURCE

SET = VitalsProtocol(spo2_low_below_percent=92, rr_low_below_per_min=8, rr_high_above_per_min=24,
                     hr_low_below_bpm=50)


def crossed_code(systolic: int, diastolic: int) -> str | None:
    crossed = check_blood_pressure(systolic_mmhg=systolic, diastolic_mmhg=diastolic).crossed
    return None if crossed is None else crossed.code


@pytest.mark.parametrize(("systolic", "diastolic", "code"), [
    (139, 80, None), (140, 80, None), (141, 80, "PRE_BP_CAUTION"),
    (120, 89, None), (120, 90, None), (120, 91, "PRE_BP_CAUTION"),
    (159, 80, "PRE_BP_CAUTION"), (160, 80, "PRE_BP_HOLD"), (161, 80, "PRE_BP_HOLD"),
    (150, 99, "PRE_BP_CAUTION"), (150, 100, "PRE_BP_HOLD"), (150, 101, "PRE_BP_HOLD"),
    (199, 80, "PRE_BP_HOLD"), (200, 80, "BP_STOP"), (201, 80, "BP_STOP"),
    (170, 119, "PRE_BP_HOLD"), (170, 120, "BP_STOP"), (170, 121, "BP_STOP"),
    (170, 105, "PRE_BP_HOLD"),
])
def test_a_blood_pressure_shows_the_most_severe_limit_it_crosses(systolic, diastolic, code):
    assert crossed_code(systolic, diastolic) == code


def test_each_blood_pressure_limit_is_given_with_its_level_and_source():
    check = check_blood_pressure(systolic_mmhg=170, diastolic_mmhg=105)

    assert [(limit.code, limit.level, limit.limit, limit.source) for limit in check.limits] == [
        ("PRE_BP_CAUTION", "caution", "above 140/90 mmHg", LABEL_SOURCE),
        ("PRE_BP_HOLD", "hold", "at or above 160/100 mmHg", HOLD_SOURCE),
        ("BP_STOP", "stop", "at or above 200/120 mmHg", FORUM_SOURCE),
    ]
    assert (check.crossed, check.not_set) == (check.limits[1], ())


def test_a_clinic_protocol_moves_the_limits():
    protocol = dataclasses.replace(DEFAULT_PROTOCOL, pre_bp_hold_systolic_at_or_above_mmhg=150)

    check = check_blood_pressure(systolic_mmhg=150, diastolic_mmhg=80, protocol=protocol)

    assert (check.crossed.code, check.crossed.limit) == ("PRE_BP_HOLD", "at or above 150/100 mmHg")


@pytest.mark.parametrize(("heart_rate", "code"), [(119, None), (120, None), (121, "HR_HIGH"), (20, None)])
def test_a_heart_rate_above_the_high_limit_is_crossed_and_the_unset_low_limit_is_named(heart_rate, code):
    check = check_heart_rate(heart_rate_bpm=heart_rate)

    assert (None if check.crossed is None else check.crossed.code) == code
    assert [(limit.code, limit.level, limit.limit, limit.source) for limit in check.limits] == [
        ("HR_HIGH", "pause", "above 120 bpm", FORUM_SOURCE)]
    assert check.not_set == (HR_LOW_NOT_SET,) == ("low limit not set by the medical director",)


@pytest.mark.parametrize(("heart_rate", "code"), [
    (49, "HR_LOW"), (50, None), (51, None), (120, None), (121, "HR_HIGH"),
])
def test_a_set_low_heart_rate_limit_is_checked_on_both_sides(heart_rate, code):
    check = check_heart_rate(heart_rate_bpm=heart_rate, protocol=SET)

    assert (None if check.crossed is None else check.crossed.code) == code
    assert [(limit.code, limit.limit) for limit in check.limits] == [("HR_LOW", "below 50 bpm"),
                                                                     ("HR_HIGH", "above 120 bpm")]
    assert check.not_set == ()


@given(systolic=st.integers(min_value=60, max_value=260), diastolic=st.integers(min_value=30, max_value=159))
def test_the_chart_names_the_most_severe_blood_pressure_alert_a_pre_infusion_reading_raises(systolic, diastolic):
    """The chart and the infusion-day alerts never disagree: same limits, same sides."""
    severity = ("PRE_BP_CAUTION", "PRE_BP_HOLD", "BP_STOP")
    reading = Reading(datetime(2026, 11, 24, 9, 0), systolic, min(diastolic, systolic - 1), 75, 97, 14)
    raised = [alert.code for alert in alerts_for_reading(reading, phase=PRE, protocol=SET)
              if alert.code in severity]

    expected = max(raised, key=severity.index, default=None)

    assert crossed_code(reading.systolic_mmhg, reading.diastolic_mmhg) == expected

"""VITALS_INCOMPLETE: a set recorded without SpO₂ or respiratory rate (clinical-reference §5.2–§5.3).

SpO₂ < 92 %, RR 8–24/min and HR < 50 are test values standing in for the medical director's
settings; the reference ships none.
"""

import dataclasses
from datetime import datetime, timedelta

import pytest

from clinic.rules import vitals
from clinic.rules.vitals import BLOCKED, INFUSION, MAY_START, POST, PRE, Reading, VitalsProtocol

START = datetime(2026, 11, 24, 9, 0)
SET = VitalsProtocol(spo2_low_below_percent=92, rr_low_below_per_min=8, rr_high_above_per_min=24,
                     hr_low_below_bpm=50)
BASELINE = Reading(START - timedelta(minutes=10), 130, 80, 75, 97, 14)


def reading(minute, spo2=97, rate=14, systolic=130, diastolic=80):
    return Reading(START + timedelta(minutes=minute), systolic, diastolic, 75, spo2, rate)


@pytest.mark.parametrize(("spo2", "rate", "expected"), [
    (None, 14, ["SpO₂ not recorded in the 09:20 set; it is overdue from 09:25. Complete the set: both are monitored "
                "continuously."]),
    (97, None, ["Respiratory rate not recorded in the 09:20 set; it is overdue from 09:25. Complete the set: both "
                "are monitored continuously."]),
    (None, None, ["SpO₂ and respiratory rate not recorded in the 09:20 set; it is overdue from 09:25. Complete the "
                  "set: both are monitored continuously."]),
    (97, 14, []),
])
def test_a_set_without_spo2_or_rr_is_incomplete(spo2, rate, expected):
    """clinical-reference §5.3 VITALS_INCOMPLETE [D]: a due timepoint recorded without SpO₂ or RR (both monitored
    continuously, §5.2); the nurse completes the set, overdue after 5 min; the alert names what is missing."""
    alerts = vitals.alerts_for_reading(reading(20, spo2, rate), phase=INFUSION, protocol=SET, baseline=BASELINE)

    assert [alert.message for alert in alerts] == expected
    assert [(alert.code, alert.actions, alert.overdue_at) for alert in alerts] == [
        ("VITALS_INCOMPLETE", ("COMPLETE_SET",), START + timedelta(minutes=25))] * len(expected)


@pytest.mark.parametrize(("phase", "minute", "instruction"), [
    (PRE, -5, "Complete the set before the infusion starts."),
    (INFUSION, 20, "Complete the set: both are monitored continuously."),
    (POST, 70, "Complete the set: both are monitored continuously."),
])
def test_every_timepoint_needs_the_whole_set(phase, minute, instruction):
    """clinical-reference §5.2: SpO₂ and RR are recorded before the start, through the infusion and until discharge;
    §5.3 VITALS_INCOMPLETE applies at each."""
    alert, = vitals.alerts_for_reading(reading(minute, rate=None), phase=phase, protocol=SET, baseline=BASELINE)

    assert alert.code == "VITALS_INCOMPLETE"
    assert alert.message.endswith(instruction)


@pytest.mark.parametrize(("within_min", "overdue_at"), [(5, "09:25"), (10, "09:30")])
def test_the_overdue_time_follows_the_clinics_setting(within_min, overdue_at):
    """clinical-reference §5.3 VITALS_INCOMPLETE [D]: overdue after 5 min, a setting the medical director may change."""
    protocol = dataclasses.replace(SET, vitals_complete_within_min=within_min)

    alert, = vitals.alerts_for_reading(reading(20, spo2=None), phase=INFUSION, protocol=protocol, baseline=BASELINE)

    assert f"overdue from {overdue_at}" in alert.message


def test_the_day_series_flags_each_incomplete_set():
    """clinical-reference §5.3 VITALS_INCOMPLETE across a day: each incomplete set, in time order; a complete
    one adds nothing."""
    alerts = vitals.alerts_for_series([BASELINE, reading(10, spo2=None), reading(20), reading(30, rate=None)],
                                      start_at=START, protocol=SET)

    assert [(alert.code, alert.taken_at.minute) for alert in alerts] == [("VITALS_INCOMPLETE", 10),
                                                                          ("VITALS_INCOMPLETE", 30)]


@pytest.mark.parametrize(("spo2", "rate", "state"), [(None, 14, BLOCKED), (97, None, BLOCKED), (97, 14, MAY_START)])
def test_an_incomplete_pre_infusion_set_blocks_the_start(spo2, rate, state):
    """clinical-reference §5.2: the pre-infusion set records SpO₂ and RR; §5.3: an incomplete set is completed
    before the start."""
    decision = vitals.start_decision([reading(-5, spo2, rate)], start_at=START, protocol=SET)

    assert decision.state == state


def test_an_incomplete_set_does_not_count_towards_resuming():
    """clinical-reference §5.3 RESUME: below every pause limit on 2 readings 5 min apart; a set without SpO₂
    cannot show that."""
    paused = [reading(25, systolic=185, diastolic=100)]

    incomplete = vitals.resume_decision([*paused, reading(30), reading(35, spo2=None)], prescriber_approved=True,
                                        protocol=SET)
    complete = vitals.resume_decision([*paused, reading(30), reading(35)], prescriber_approved=True, protocol=SET)

    assert (incomplete.allowed, complete.allowed) == (False, True)

"""Whether an infusion may start: PRE_BP_HOLD, PRE_BP_CAUTION and the pre-infusion set
(clinical-reference §5.2–§5.3).

SpO₂ < 92 %, RR 8–24/min and HR < 50 are test values standing in for the medical director's
settings; the reference ships none.
"""

from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic.rules import vitals
from clinic.rules.vitals import BLOCKED, DO_NOT_START, MAY_START, Acknowledgement, Reading, VitalsProtocol

START = datetime(2026, 11, 24, 9, 0)
SET = VitalsProtocol(spo2_low_below_percent=92, rr_low_below_per_min=8, rr_high_above_per_min=24,
                     hr_low_below_bpm=50)


def at(minute):
    return START + timedelta(minutes=minute)


def bp(minute, systolic, diastolic, heart=75, spo2=97, rate=14, **more):
    return Reading(at(minute), systolic, diastolic, heart, spo2, rate, **more)


def ack(code, minute):
    return Acknowledgement(code, at(minute))


def decide(*readings, acks=(), start_minute=0, protocol=SET):
    return vitals.start_decision(list(readings), start_at=at(start_minute), acknowledgements=acks, protocol=protocol)


FIRST = bp(-15, 195, 115)
EVERY_ACK = (ack("PRE_BP_HOLD", -14), ack("PRE_BP_CAUTION", -1), ack("BP_STOP", -1))


@pytest.mark.parametrize(("readings", "acks", "state"), [
    # A first pre-infusion reading of 195/115 blocks the start.
    ((FIRST,), (), BLOCKED),
    # Acknowledged, by any code, it is still blocked.
    ((FIRST,), EVERY_ACK, BLOCKED),
    # A recheck 4 min later, below the limit, is not the recheck: still blocked.
    ((FIRST, bp(-11, 138, 88)), EVERY_ACK, BLOCKED),
    # A recheck 5 min later below 160/100 (and below the caution limit): may start.
    ((FIRST, bp(-10, 138, 88)), (), MAY_START),
    # A recheck 5 min later still at or above 160/100: do not start.
    ((FIRST, bp(-10, 170, 95)), (), DO_NOT_START),
    ((FIRST, bp(-10, 170, 95)), EVERY_ACK, DO_NOT_START),
])
def test_a_first_reading_of_195_over_115(readings, acks, state):
    """clinical-reference §5.3 PRE_BP_HOLD [D]: SBP ≥ 160 or DBP ≥ 100 on any pre-infusion reading blocks the start
    until a recheck after 5 min rest is below it; still at or above it → do not start. An
    acknowledgement alone never unblocks it."""
    assert decide(*readings, acks=acks).state == state


@pytest.mark.parametrize(("readings", "acks", "state"), [
    # One reading: 159/99 is a caution (the prescriber acknowledges); 160/100, 160/99, 159/100 hold.
    ((bp(-10, 159, 99),), (), BLOCKED),
    ((bp(-10, 159, 99),), (ack("PRE_BP_CAUTION", -5),), MAY_START),
    ((bp(-10, 160, 100),), (ack("PRE_BP_CAUTION", -5),), BLOCKED),
    ((bp(-10, 160, 99),), (ack("PRE_BP_CAUTION", -5),), BLOCKED),
    ((bp(-10, 159, 100),), (ack("PRE_BP_CAUTION", -5),), BLOCKED),
    # The recheck 5 min after 195/115: 159/99 lifts the hold; 160/100, 160/99 and 159/100 do not.
    ((FIRST, bp(-10, 159, 99)), (ack("PRE_BP_CAUTION", -9),), MAY_START),
    ((FIRST, bp(-10, 160, 100)), (ack("PRE_BP_CAUTION", -9),), DO_NOT_START),
    ((FIRST, bp(-10, 160, 99)), (ack("PRE_BP_CAUTION", -9),), DO_NOT_START),
    ((FIRST, bp(-10, 159, 100)), (ack("PRE_BP_CAUTION", -9),), DO_NOT_START),
])
def test_the_hold_limit_edges(readings, acks, state):
    """clinical-reference §5.3 [D]: PRE_BP_HOLD at SBP ≥ 160 or DBP ≥ 100 (either one); PRE_BP_CAUTION above 140/90
    needs the prescriber's acknowledgement before the start, and that acknowledgement stays possible."""
    assert decide(*readings, acks=acks).state == state


@pytest.mark.parametrize(("readings", "state"), [
    # The hold lifts only 5 min after the last reading at the limit.
    ((FIRST, bp(-11, 170, 95), bp(-10, 138, 88)), BLOCKED),
    ((FIRST, bp(-11, 170, 95), bp(-6, 138, 88)), MAY_START),
    # A reading still at the limit 5 min after the one that opened the hold is its recheck.
    ((FIRST, bp(-11, 138, 88), bp(-10, 170, 95)), DO_NOT_START),
    # Once refused, a later low reading does not bring the start back.
    ((FIRST, bp(-10, 170, 95), bp(-4, 120, 80)), DO_NOT_START),
    # A new reading at the limit after the hold lifted opens a new hold.
    ((FIRST, bp(-10, 138, 88), bp(-8, 165, 85)), BLOCKED),
])
def test_a_recheck_counts_only_after_5_minutes_rest(readings, state):
    """clinical-reference §5.3 PRE_BP_HOLD [D]: a recheck after 5 min rest; fail safe both ways: a low reading lifts the
    hold only 5 min after the last high one, a high one refuses the start 5 min after the first."""
    assert decide(*readings).state == state


def test_a_caution_acknowledgement_counts_only_for_the_reading_it_follows():
    """clinical-reference §5.3 PRE_BP_CAUTION [D]: the prescriber acknowledges before the start, after the reading
    (an earlier acknowledgement, or one timed after the start, does not count)."""
    reading = bp(-10, 150, 85)

    before = decide(reading, acks=(ack("PRE_BP_CAUTION", -11),))
    after_start = decide(reading, acks=(ack("PRE_BP_CAUTION", 1),))
    at_reading = decide(reading, acks=(ack("PRE_BP_CAUTION", -10),))

    assert (before.state, after_start.state, at_reading.state) == (BLOCKED, BLOCKED, MAY_START)
    assert before.reasons == ("BP 150/85 mmHg at 08:50: the prescriber acknowledges this reading before the start.",)


def test_the_blocked_hold_says_when_to_recheck_and_that_acknowledging_does_not_lift_it():
    """clinical-reference §5.3 PRE_BP_HOLD [D]: recheck after 5 min rest; the prescriber's acknowledgement is
    not enough."""
    decision = decide(FIRST, bp(-11, 150, 85), acks=EVERY_ACK)

    assert decision.reasons == (
        "BP was at or above 160/100 at 08:45. Recheck after 5 min rest, at 08:50 or later: the infusion may start "
        "only once a recheck is below it. An acknowledgement does not lift this hold.",)
    assert [alert.code for alert in decision.alerts] == ["PRE_BP_HOLD", "PRE_BP_CAUTION"]
    assert decision.may_start is False


def test_do_not_start_says_the_prescriber_decides_on_rescheduling():
    """clinical-reference §5.3 PRE_BP_HOLD [D]: still at or above it on recheck → do not start; the prescriber
    decides."""
    decision = decide(FIRST, bp(-10, 170, 95))

    assert decision.reasons == ("The recheck at 08:50 is still at or above 160/100: do not start the infusion "
                                "today. The prescriber decides on rescheduling.",)
    assert [(alert.code, alert.actions) for alert in decision.alerts] == [
        ("PRE_BP_HOLD", ("HOLD", "RECHECK")), ("PRE_BP_HOLD", ("HOLD", "PRESCRIBER_DECIDES"))]


@pytest.mark.parametrize(("readings", "state", "reason_starts"), [
    ((), BLOCKED, "No pre-infusion reading is charted."),
    ((bp(-16, 130, 80),), BLOCKED, "The last pre-infusion reading, at 08:44, is more than 15 min before the start."),
    ((bp(-15, 130, 80),), MAY_START, None),
    ((bp(-5, 130, 80, spo2=90),), BLOCKED, "SpO₂ 90 %, below 92 %. Do not start the infusion"),
    ((bp(-10, 130, 80, spo2=90), bp(-5, 130, 80)), MAY_START, None),
    ((bp(-5, 205, 100), bp(0, 130, 80)), DO_NOT_START, "BP 205/100 mmHg, at or above 200/120. Do not start"),
    ((bp(-5, 130, 80, symptoms=frozenset({"CHEST_PAIN"})),), DO_NOT_START, "Reported: chest pain."),
])
def test_the_pre_infusion_set_itself(readings, state, reason_starts):
    """clinical-reference §5.2 [D]: a pre-infusion set ≤ 15 min before the start; §5.3: SPO2_LOW before the start
    means do not start while it lasts; after BP_STOP or SYMPTOM_STOP the infusion does not start."""
    decision = decide(*readings)

    assert decision.state == state
    assert decision.reasons[0].startswith(reason_starts) if reason_starts else decision.reasons == ()


def test_every_reason_comes_back_at_once():
    """clinical-reference §5.2–§5.3: a recheck still at or above PRE_BP_HOLD (do not start), a set more than 15 min
    before the start, SPO2_LOW and an unacknowledged PRE_BP_CAUTION are all listed at once, and the do-not-start
    refusal decides the state."""
    decision = decide(FIRST, bp(-10, 170, 95), bp(-9, 150, 85, spo2=90), start_minute=10)

    assert decision.state == DO_NOT_START
    assert [reason[:40] for reason in decision.reasons] == [
        "The recheck at 08:50 is still at or abov", "The last pre-infusion reading, at 08:51,",
        "SpO₂ 90 %, below 92 %. Do not start the ", "BP 150/85 mmHg at 08:51: the prescriber "]


def test_refuses_a_reading_after_the_start_and_unset_thresholds():
    """clinical-reference §5.3: unset SpO₂/RR/HR-low limits block every infusion; a reading cannot postdate the
    start."""
    with pytest.raises(vitals.ReadingAfterStart) as error:
        decide(bp(1, 130, 80))
    with pytest.raises(vitals.ThresholdNotSet):
        decide(bp(-5, 130, 80), protocol=VitalsProtocol())

    assert error.value.field == "readings"


minutes = st.integers(-15, 0)
pressures = st.tuples(st.integers(120, 200), st.integers(60, 115)).filter(lambda pair: pair[1] < pair[0])
codes = st.sampled_from(("PRE_BP_HOLD", "PRE_BP_CAUTION", "BP_STOP", "SPO2_LOW"))


@given(readings=st.lists(st.tuples(minutes, pressures), min_size=1, max_size=5),
       acks=st.lists(st.tuples(codes, minutes), max_size=4))
def test_no_acknowledgement_ever_lifts_a_hold(readings, acks):
    """clinical-reference §5.3 PRE_BP_HOLD [D], property: whatever is acknowledged, the infusion may start only when
    the last reading at the hold limit is followed, at least 5 min later, by one below it."""
    charted = [bp(minute, systolic, diastolic) for minute, (systolic, diastolic) in readings]
    decision = decide(*charted, acks=[ack(code, minute) for code, minute in acks])

    high = [reading.taken_at for reading in charted if reading.systolic_mmhg >= 160 or reading.diastolic_mmhg >= 100]
    low = [reading.taken_at for reading in charted if reading.systolic_mmhg < 160 and reading.diastolic_mmhg < 100]
    if decision.may_start and high:
        assert any(when - max(high) >= timedelta(minutes=5) for when in low)

"""Maintenance interval, benefit–risk review and taper proposal (clinical-reference §6.4)."""

import dataclasses
import itertools
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from clinic.rules import maintenance
from clinic.rules.maintenance import MaintenanceProtocol, propose_interval

D = Decimal


@pytest.mark.parametrize(("weeks", "now_pct", "last_pct", "early", "expected", "change", "earlier"), [
    # Responder (≥ 50 %) at this and the last visit → + 1 week, up to 6.
    (3, D(50), D(50), False, 4, "lengthen", False),
    (5, D(80), D(60), False, 6, "lengthen", False),
    (6, D(80), D(60), False, 6, "keep", False),
    # Responder now but not last time, or no last visit → keep.
    (3, D(50), D("49.9"), False, 3, "keep", False),
    (3, D(50), None, False, 3, "keep", False),
    # Improvement below 50 % → − 1 week, down to 2; at 2, an earlier visit.
    (4, D("49.9"), D(70), False, 3, "shorten", False),
    (3, D(10), D(70), False, 2, "shorten", False),
    (2, D(10), D(70), False, 2, "keep", True),
    # Symptoms returning early → − 1 week and an earlier visit, even when the score is still good.
    (4, D(70), D(70), True, 3, "shorten", True),
    (2, D(70), D(70), True, 2, "keep", True),
])
def test_interval_adjustment_table(weeks, now_pct, last_pct, early, expected, change, earlier):
    """§6.4 [D]: responder at this and the last visit → + 1 week up to the maximum; improvement
    below 50 % or symptoms returning early → − 1 week down to the minimum, or an earlier visit."""
    proposal = propose_interval(current_interval_weeks=weeks, improvement_pct=now_pct, last_improvement_pct=last_pct,
                                symptoms_returned_early=early)

    assert (proposal.interval_weeks, proposal.change, proposal.earlier_visit) == (expected, change, earlier)
    assert "proposal" in proposal.note.lower()


def test_unmeasurable_improvement_keeps_the_interval():
    """A baseline of 0 gives no improvement (§6.2 not_evaluable): the interval stays, the prescriber judges."""
    proposal = propose_interval(current_interval_weeks=4, improvement_pct=None, last_improvement_pct=D(60))

    assert (proposal.interval_weeks, proposal.change) == (4, "keep")
    assert "baseline of 0" in proposal.reason


@pytest.mark.parametrize("weeks", [1, 7, 0, True, "3", 2.5])
def test_refuses_an_interval_outside_2_to_6_weeks(weeks):
    """Nothing is clamped: an interval outside the clinic's 2–6 weeks is refused."""
    with pytest.raises(maintenance.IntervalOutOfRange) as error:
        propose_interval(current_interval_weeks=weeks, improvement_pct=D(60), last_improvement_pct=D(60))

    assert error.value.field == "current_interval_weeks"


@pytest.mark.parametrize("value", [50.0, "50", True, D("NaN")])
def test_refuses_an_improvement_that_is_not_a_decimal(value):
    with pytest.raises(maintenance.InvalidImprovement):
        propose_interval(current_interval_weeks=3, improvement_pct=value, last_improvement_pct=None)


@given(weeks=st.integers(2, 6), now=st.decimals(-100, 100, places=1), last=st.none() | st.decimals(-100, 100, places=1),
       early=st.booleans())
def test_interval_stays_within_2_to_6_weeks(weeks, now, last, early):
    """Property: whatever the scores, the proposal is within the protocol's 2–6 weeks and moves at
    most one step."""
    proposal = propose_interval(current_interval_weeks=weeks, improvement_pct=now, last_improvement_pct=last,
                                symptoms_returned_early=early)

    assert 2 <= proposal.interval_weeks <= 6
    assert abs(proposal.interval_weeks - weeks) <= 1


@given(weeks=st.integers(1, 12), low=st.integers(1, 6), span=st.integers(0, 6), now=st.decimals(-100, 100, places=0))
def test_interval_stays_within_any_clinic_range(weeks, low, span, now):
    """Property: a clinic's own min/max are kept too."""
    assume(low <= weeks <= low + span)
    protocol = MaintenanceProtocol(min_interval_weeks=low, max_interval_weeks=low + span,
                                   starting_interval_weeks=low)

    proposal = propose_interval(current_interval_weeks=weeks, improvement_pct=now, last_improvement_pct=now,
                                protocol=protocol)

    assert low <= proposal.interval_weeks <= low + span


def test_first_maintenance_visit_is_day_14_after_infusion_6():
    """§6.4 [D]: first maintenance infusion at day 14 after infusion 6, ahead of the 18-day median relapse [17]."""
    assert maintenance.first_visit_date(sixth_infusion_on=date(2026, 12, 18)) == date(2027, 1, 1)


def test_next_visit_is_one_interval_after_the_last():
    assert maintenance.next_visit_date(last_visit_on=date(2027, 1, 1), interval_weeks=3) == date(2027, 1, 22)


def test_next_visit_refuses_an_interval_outside_the_range():
    with pytest.raises(maintenance.IntervalOutOfRange):
        maintenance.next_visit_date(last_visit_on=date(2027, 1, 1), interval_weeks=8)


@pytest.mark.parametrize(("on_date", "due", "overdue"), [
    (date(2027, 3, 31), False, 0), (date(2027, 4, 1), True, 0), (date(2027, 4, 11), True, 10)])
def test_benefit_risk_review_every_90_days(on_date, due, overdue):
    """§6.4 [D]: benefit–risk review every 90 days (ASA [12]); 1 Jan + 90 days = 1 Apr 2027."""
    status = maintenance.benefit_risk_review(last_review_on=date(2027, 1, 1), on_date=on_date)

    assert (status.due_on, status.is_due, status.days_overdue) == (date(2027, 4, 1), due, overdue)


def test_benefit_risk_review_refuses_a_date_before_the_last_review():
    with pytest.raises(maintenance.DatesOutOfOrder):
        maintenance.benefit_risk_review(last_review_on=date(2027, 1, 1), on_date=date(2026, 12, 31))


def test_taper_widens_one_week_at_a_time_to_the_maximum_then_stops():
    """§6.4: taper is the prescriber's and patient's decision; the rule only proposes widening
    intervals (the protocol's 1-week step) up to 6 weeks, the last being the final infusion."""
    proposal = maintenance.propose_taper(last_visit_on=date(2027, 1, 1), current_interval_weeks=3)

    assert [(visit.visit_on, visit.interval_weeks, visit.final) for visit in proposal.visits] == [
        (date(2027, 1, 29), 4, False), (date(2027, 3, 5), 5, False), (date(2027, 4, 16), 6, True)]
    assert "proposal only" in proposal.note.lower()


def test_taper_may_widen_beyond_the_maximum_when_the_prescriber_says_so():
    proposal = maintenance.propose_taper(last_visit_on=date(2027, 1, 1), current_interval_weeks=6,
                                         until_interval_weeks=8)

    assert [visit.interval_weeks for visit in proposal.visits] == [7, 8]


def test_taper_at_the_final_interval_is_one_last_visit():
    proposal = maintenance.propose_taper(last_visit_on=date(2027, 1, 1), current_interval_weeks=6)

    assert [(visit.interval_weeks, visit.final) for visit in proposal.visits] == [(6, True)]


def test_taper_with_a_wider_step_ends_exactly_on_the_final_interval():
    protocol = MaintenanceProtocol(step_weeks=2)

    proposal = maintenance.propose_taper(last_visit_on=date(2027, 1, 1), current_interval_weeks=2,
                                         until_interval_weeks=7, protocol=protocol)

    assert [visit.interval_weeks for visit in proposal.visits] == [4, 6, 7]


@pytest.mark.parametrize(("current", "until", "field"), [
    (4, 3, "until_interval_weeks"), (0, 6, "current_interval_weeks"), (3, True, "until_interval_weeks")])
def test_taper_refuses_a_narrowing_or_impossible_interval(current, until, field):
    with pytest.raises(maintenance.IntervalOutOfRange) as error:
        maintenance.propose_taper(last_visit_on=date(2027, 1, 1), current_interval_weeks=current,
                                  until_interval_weeks=until)

    assert error.value.field == field


@given(current=st.integers(1, 12), extra=st.integers(0, 12), step=st.integers(1, 4))
def test_taper_intervals_never_narrow(current, extra, step):
    """Property: a taper's intervals rise, and its dates run forward."""
    proposal = maintenance.propose_taper(last_visit_on=date(2027, 1, 1), current_interval_weeks=current,
                                         until_interval_weeks=current + extra,
                                         protocol=MaintenanceProtocol(step_weeks=step, max_interval_weeks=12))
    weeks = [current] + [visit.interval_weeks for visit in proposal.visits]

    dates = [date(2027, 1, 1)] + [visit.visit_on for visit in proposal.visits]

    assert all(later > earlier for earlier, later in itertools.pairwise(weeks[1:]))
    assert all(later > earlier for earlier, later in itertools.pairwise(dates))
    assert weeks[-1] == current + extra and proposal.visits[-1].final


@pytest.mark.parametrize("settings_", [dict(min_interval_weeks=0), dict(min_interval_weeks=7),
                                       dict(starting_interval_weeks=8), dict(step_weeks=0),
                                       dict(responder_min_improvement_pct=D(0))])
def test_refuses_an_impossible_protocol(settings_):
    with pytest.raises(maintenance.InvalidProtocol):
        MaintenanceProtocol(**settings_)


def test_every_protocol_field_names_its_tag_and_source():
    for spec in dataclasses.fields(MaintenanceProtocol):
        assert spec.metadata["tag"] == "D" and spec.metadata["source"].startswith("§6.4")

"""Maintenance interval, benefit–risk review and taper proposal (clinical-reference §6.4)."""

import dataclasses
import itertools
from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from clinic.rules import maintenance, response
from clinic.rules.maintenance import MaintenanceProtocol, propose_interval
from clinic.rules.response import (
    NO_AGREED_THRESHOLD,
    NON_RESPONSE,
    NOT_EVALUABLE,
    PARTIAL,
    REMISSION,
    RESPONSE,
    WORSE,
)

CATEGORIES = st.sampled_from(response.CATEGORIES)


@pytest.mark.parametrize(("weeks", "now", "last", "relapse", "early", "expected", "change", "earlier"), [
    # Response or remission at this and the last visit → + 1 week, up to 6.
    (3, RESPONSE, RESPONSE, False, False, 4, "lengthen", False),
    (5, REMISSION, RESPONSE, False, False, 6, "lengthen", False),
    (3, RESPONSE, REMISSION, False, False, 4, "lengthen", False),
    (6, REMISSION, REMISSION, False, False, 6, "keep", False),
    # At this visit only (or no last visit) → keep.
    (3, RESPONSE, PARTIAL, False, False, 3, "keep", False),
    (3, REMISSION, None, False, False, 3, "keep", False),
    # Partial → − 1 week, down to 2.
    (4, PARTIAL, RESPONSE, False, False, 3, "shorten", False),
    (2, PARTIAL, RESPONSE, False, False, 2, "keep", False),
    # Non-response or worse without relapse shortens too.
    (3, NON_RESPONSE, PARTIAL, False, False, 2, "shorten", False),
    (4, WORSE, PARTIAL, False, False, 3, "shorten", False),
    # Relapse or symptoms returning early → an earlier visit and − 1 week; remission never shortens.
    (4, RESPONSE, RESPONSE, True, False, 3, "shorten", True),
    (4, RESPONSE, RESPONSE, False, True, 3, "shorten", True),
    (2, NON_RESPONSE, RESPONSE, True, False, 2, "keep", True),
    (4, REMISSION, REMISSION, False, True, 4, "keep", True),
    (4, REMISSION, REMISSION, True, False, 4, "keep", True),
    # A visit the rules cannot grade keeps the interval for the prescriber to judge.
    (4, NOT_EVALUABLE, RESPONSE, False, False, 4, "keep", False),
    (4, NO_AGREED_THRESHOLD, NO_AGREED_THRESHOLD, False, False, 4, "keep", False),
])
def test_interval_adjustment_table(weeks, now, last, relapse, early, expected, change, earlier):
    """clinical-reference §6.4 [D]: response or remission at this and the last visit → + 1 week up to
    the maximum; at this one only → keep; partial → − 1 week down to the minimum; relapse or symptoms
    returning early → an earlier visit; remission never shortens the interval."""
    proposal = propose_interval(current_interval_weeks=weeks, category=now, last_category=last, relapse=relapse,
                                symptoms_returned_early=early)

    assert (proposal.interval_weeks, proposal.change, proposal.earlier_visit) == (expected, change, earlier)
    assert "proposal" in proposal.note.lower()


def test_remission_with_early_symptoms_says_why_the_interval_stays():
    """clinical-reference §6.4 [D]: remission never shortens the interval."""
    proposal = propose_interval(current_interval_weeks=4, category=REMISSION, last_category=REMISSION,
                                symptoms_returned_early=True)

    assert "never shortens" in proposal.reason


def test_unclassifiable_visit_keeps_the_interval_for_the_prescriber():
    """clinical-reference §6.2: a not-evaluable visit has no class; §6.4 keeps the interval."""
    proposal = propose_interval(current_interval_weeks=4, category=NOT_EVALUABLE, last_category=RESPONSE)

    assert (proposal.interval_weeks, proposal.change) == (4, "keep")
    assert "not evaluable" in proposal.reason


@pytest.mark.parametrize("weeks", [1, 7, 0, True, "3", 2.5])
def test_refuses_an_interval_outside_2_to_6_weeks(weeks):
    """clinical-reference §6.4 [D] 2–6 weeks: nothing is clamped, an interval outside them is refused."""
    with pytest.raises(maintenance.IntervalOutOfRange) as error:
        propose_interval(current_interval_weeks=weeks, category=RESPONSE, last_category=RESPONSE)

    assert error.value.field == "current_interval_weeks"


@pytest.mark.parametrize(("category", "last", "field"), [
    ("responder", RESPONSE, "category"), (None, RESPONSE, "category"), (RESPONSE, "good", "last_category")])
def test_refuses_a_class_that_is_not_one_of_section_6_2(category, last, field):
    """clinical-reference §6.2 names the classes; anything else is refused naming the field."""
    with pytest.raises(maintenance.UnknownCategory) as error:
        propose_interval(current_interval_weeks=3, category=category, last_category=last)

    assert error.value.field == field


@given(weeks=st.integers(2, 6), now=CATEGORIES, last=st.none() | CATEGORIES, relapse=st.booleans(),
       early=st.booleans())
def test_interval_stays_within_2_to_6_weeks(weeks, now, last, relapse, early):
    """clinical-reference §6.4, property: the proposal stays within 2–6 weeks, moves at most one
    step, and never shortens on remission."""
    proposal = propose_interval(current_interval_weeks=weeks, category=now, last_category=last, relapse=relapse,
                                symptoms_returned_early=early)

    assert 2 <= proposal.interval_weeks <= 6
    assert abs(proposal.interval_weeks - weeks) <= 1
    assert now != REMISSION or proposal.interval_weeks >= weeks


@given(weeks=st.integers(1, 12), low=st.integers(1, 6), span=st.integers(0, 6), now=CATEGORIES)
def test_interval_stays_within_any_clinic_range(weeks, low, span, now):
    """clinical-reference §6.4 [D], property: a clinic's own min/max are kept too."""
    assume(low <= weeks <= low + span)
    protocol = MaintenanceProtocol(min_interval_weeks=low, max_interval_weeks=low + span,
                                   starting_interval_weeks=low, first_visit_days_after_induction=7 * low)

    proposal = propose_interval(current_interval_weeks=weeks, category=now, last_category=now, protocol=protocol)

    assert low <= proposal.interval_weeks <= low + span


def test_first_maintenance_visit_is_day_14_after_infusion_6():
    """clinical-reference §6.4 [D]: first maintenance infusion at day 14 after infusion 6, ahead of the 18-day
    median relapse [17]."""
    assert maintenance.first_visit_date(sixth_infusion_on=date(2026, 12, 18)) == date(2027, 1, 1)


def test_next_visit_is_one_interval_after_the_last():
    """clinical-reference §6.4 [D]: the next due date counts from the visit actually given."""

    assert maintenance.next_visit_date(last_visit_on=date(2027, 1, 1), interval_weeks=3) == date(2027, 1, 22)


def test_next_visit_refuses_an_interval_outside_the_range():
    """clinical-reference §6.4 [D]: intervals run 2–6 weeks; 8 is refused, not clamped."""

    with pytest.raises(maintenance.IntervalOutOfRange):
        maintenance.next_visit_date(last_visit_on=date(2027, 1, 1), interval_weeks=8)


@pytest.mark.parametrize(("on_date", "due", "overdue"), [
    (date(2027, 3, 31), False, 0), (date(2027, 4, 1), True, 0), (date(2027, 4, 11), True, 10)])
def test_benefit_risk_review_every_90_days(on_date, due, overdue):
    """clinical-reference §6.4 [D]: benefit–risk review every 90 days (ASA [12]); 1 Jan + 90 days = 1 Apr 2027."""
    status = maintenance.benefit_risk_review(last_review_on=date(2027, 1, 1), on_date=on_date)

    assert (status.due_on, status.is_due, status.days_overdue) == (date(2027, 4, 1), due, overdue)


def test_benefit_risk_review_refuses_a_date_before_the_last_review():
    """clinical-reference §6.4: a review date before the last review is a typing error."""

    with pytest.raises(maintenance.DatesOutOfOrder):
        maintenance.benefit_risk_review(last_review_on=date(2027, 1, 1), on_date=date(2026, 12, 31))


def test_taper_widens_one_week_at_a_time_to_the_maximum_then_stops():
    """clinical-reference §6.4: taper is the prescriber's and patient's decision; the rule only proposes widening
    intervals (the protocol's 1-week step) up to 6 weeks, the last being the final infusion."""
    proposal = maintenance.propose_taper(last_visit_on=date(2027, 1, 1), current_interval_weeks=3)

    assert [(visit.visit_on, visit.interval_weeks, visit.final) for visit in proposal.visits] == [
        (date(2027, 1, 29), 4, False), (date(2027, 3, 5), 5, False), (date(2027, 4, 16), 6, True)]
    assert "proposal only" in proposal.note.lower()


def test_taper_may_widen_beyond_the_maximum_when_the_prescriber_says_so():
    """clinical-reference §6.4: taper is the prescriber's and patient's decision, so it may pass 6 weeks."""

    proposal = maintenance.propose_taper(last_visit_on=date(2027, 1, 1), current_interval_weeks=6,
                                         until_interval_weeks=8)

    assert [visit.interval_weeks for visit in proposal.visits] == [7, 8]


def test_taper_at_the_final_interval_is_one_last_visit():
    """clinical-reference §6.4: at the final interval, the taper is one last visit."""

    proposal = maintenance.propose_taper(last_visit_on=date(2027, 1, 1), current_interval_weeks=6)

    assert [(visit.interval_weeks, visit.final) for visit in proposal.visits] == [(6, True)]


def test_taper_with_a_wider_step_ends_exactly_on_the_final_interval():
    """clinical-reference §6.4 [D]: a 2-week step still ends on the final interval chosen."""

    protocol = MaintenanceProtocol(step_weeks=2)

    proposal = maintenance.propose_taper(last_visit_on=date(2027, 1, 1), current_interval_weeks=2,
                                         until_interval_weeks=7, protocol=protocol)

    assert [visit.interval_weeks for visit in proposal.visits] == [4, 6, 7]


@pytest.mark.parametrize(("current", "until", "field"), [
    (4, 3, "until_interval_weeks"), (0, 6, "current_interval_weeks"), (3, True, "until_interval_weeks")])
def test_taper_refuses_a_narrowing_or_impossible_interval(current, until, field):
    """clinical-reference §6.4: a taper only widens the interval."""

    with pytest.raises(maintenance.IntervalOutOfRange) as error:
        maintenance.propose_taper(last_visit_on=date(2027, 1, 1), current_interval_weeks=current,
                                  until_interval_weeks=until)

    assert error.value.field == field


@given(current=st.integers(1, 12), extra=st.integers(0, 12), step=st.integers(1, 4))
def test_taper_intervals_never_narrow(current, extra, step):
    """clinical-reference §6.4, property: a taper's intervals rise, and its dates run forward."""
    proposal = maintenance.propose_taper(last_visit_on=date(2027, 1, 1), current_interval_weeks=current,
                                         until_interval_weeks=current + extra,
                                         protocol=MaintenanceProtocol(step_weeks=step, max_interval_weeks=12))
    weeks = [current] + [visit.interval_weeks for visit in proposal.visits]

    dates = [date(2027, 1, 1)] + [visit.visit_on for visit in proposal.visits]

    assert all(later > earlier for earlier, later in itertools.pairwise(weeks[1:]))
    assert all(later > earlier for earlier, later in itertools.pairwise(dates))
    assert weeks[-1] == current + extra and proposal.visits[-1].final


@pytest.mark.parametrize(("settings_", "field"), [
    (dict(min_interval_weeks=0), "min_interval_weeks"), (dict(min_interval_weeks=7), "min_interval_weeks"),
    (dict(starting_interval_weeks=8), "starting_interval_weeks"), (dict(step_weeks=0), "step_weeks"),
    (dict(relapse_visit_within_days=0), "relapse_visit_within_days"),
    (dict(window_tolerance_days=-1), "window_tolerance_days"),
    (dict(first_visit_days_after_induction=13), "first_visit_days_after_induction"),
])
def test_refuses_an_impossible_protocol(settings_, field):
    """clinical-reference §6.4 [D]: a first visit before the 2-week minimum would have a window that
    never opens; a negative tolerance or a relapse visit "within 0 days" is impossible."""
    with pytest.raises(maintenance.InvalidProtocol) as error:
        MaintenanceProtocol(**settings_)

    assert error.value.field == field


def test_every_setting_ships_the_reference_default_with_its_tag():
    """clinical-reference §6.4 [D]: every 2–6 weeks, ± 1 week steps, the first visit at day 14 (a
    2-week interval), a window of ± 3 days, a visit within 7 days on relapse and a benefit–risk
    review every 90 days; each a [D] default."""
    shipped = {spec.name: (spec.default, spec.metadata["tag"]) for spec in dataclasses.fields(MaintenanceProtocol)}

    assert shipped == {"min_interval_weeks": (2, "D"), "max_interval_weeks": (6, "D"), "step_weeks": (1, "D"),
                       "first_visit_days_after_induction": (14, "D"), "starting_interval_weeks": (2, "D"),
                       "window_tolerance_days": (3, "D"), "relapse_visit_within_days": (7, "D"),
                       "benefit_risk_review_every_days": (90, "D")}

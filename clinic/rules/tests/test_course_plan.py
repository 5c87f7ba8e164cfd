"""Induction series: proposal, validation, scheduling request and futility (clinical-reference §6.1)."""

import dataclasses
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic.rules import course_plan
from clinic.rules.course_plan import InductionProtocol, propose_induction, validate_series

D = Decimal
MONDAY = date(2026, 12, 7)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def days(*numbers):
    """Dates from day numbers, day 1 being MONDAY (§6.1 counts infusion 1 as day 1)."""
    return [MONDAY + timedelta(days=number - 1) for number in numbers]


def codes(findings):
    return [finding.code for finding in findings]


def test_thrice_weekly_gives_six_infusions_in_12_days():
    """§6.1 [L]: thrice weekly, 6 infusions in 12 days [17, 22]: Mon Wed Fri Mon Wed Fri."""
    proposal = propose_induction(start_on=MONDAY, open_weekdays=WEEKDAYS, sessions_per_week=3)

    assert [visit.target_on for visit in proposal.visits] == days(1, 3, 5, 8, 10, 12)
    assert proposal.visits[-1].day == 12
    assert proposal.findings == ()


def test_twice_weekly_gives_six_infusions_over_3_weeks():
    """§6.1 [L]: twice weekly, 6 infusions over 3 weeks [5, 6]: Mon Thu × 3, infusion 6 on day 18."""
    proposal = propose_induction(start_on=MONDAY, open_weekdays=WEEKDAYS, sessions_per_week=2)

    assert [visit.target_on for visit in proposal.visits] == days(1, 4, 8, 11, 15, 18)
    assert proposal.findings == ()


def test_proposal_starts_on_the_first_open_day_and_steps_over_closed_dates():
    """A Sunday start moves to Monday; a closed Wednesday moves that visit to Thursday, and the
    rest keep the §6.1 spacing."""
    proposal = propose_induction(start_on=MONDAY - timedelta(days=1), open_weekdays=WEEKDAYS, sessions_per_week=3,
                                 closed_dates=[MONDAY + timedelta(days=2)])

    assert [visit.target_on for visit in proposal.visits] == days(1, 4, 8, 10, 12, 15)
    assert proposal.findings == ()


def test_each_visit_window_runs_from_the_minimum_to_the_maximum_gap():
    """§6.1: each visit may move between 2 and 7 days after the previous one's target."""
    visit = propose_induction(start_on=MONDAY, open_weekdays=WEEKDAYS, sessions_per_week=3).visits[1]

    assert (visit.earliest_on, visit.latest_on) == (MONDAY + timedelta(days=2), MONDAY + timedelta(days=7))


def test_a_clinic_open_once_a_week_gets_its_series_flagged_not_stretched_silently():
    """Open on Wednesdays only: infusion 6 falls on day 36, after day 28 (§6.1 flag)."""
    proposal = propose_induction(start_on=MONDAY, open_weekdays=["wed"], sessions_per_week=3)

    assert proposal.visits[-1].day == 36
    assert codes(proposal.findings) == ["INDUCTION_LATE"]


def test_closed_week_interrupts_the_proposed_series():
    closed = [MONDAY + timedelta(days=offset) for offset in range(7, 14)]

    proposal = propose_induction(start_on=MONDAY, open_weekdays=WEEKDAYS, sessions_per_week=3, closed_dates=closed)

    assert "INTERRUPTED" in codes(proposal.findings)


@pytest.mark.parametrize("per_week", [1, 4, "3"])
def test_refuses_a_pattern_other_than_twice_or_thrice_weekly(per_week):
    with pytest.raises(course_plan.PatternNotAllowed) as error:
        propose_induction(start_on=MONDAY, open_weekdays=WEEKDAYS, sessions_per_week=per_week)

    assert error.value.field == "sessions_per_week"


def test_refuses_thrice_weekly_when_the_clinic_allows_2_in_7_days():
    protocol = InductionProtocol(max_per_rolling_7_days=2)

    with pytest.raises(course_plan.PatternNotAllowed):
        propose_induction(start_on=MONDAY, open_weekdays=WEEKDAYS, sessions_per_week=3, protocol=protocol)


@pytest.mark.parametrize("open_days", [[], ["monday"]])
def test_refuses_without_known_open_weekdays(open_days):
    with pytest.raises(course_plan.NoOpenDays) as error:
        propose_induction(start_on=MONDAY, open_weekdays=open_days, sessions_per_week=3)

    assert error.value.field == "open_weekdays"


@pytest.mark.parametrize(("day_numbers", "expected"), [
    # Minimum gap 2 calendar days: 1 day (or the same day) is too short, 2 is fine.
    ((1, 2), ["GAP_TOO_SHORT"]),
    ((1, 1), ["GAP_TOO_SHORT"]),
    ((1, 3), []),
    # Maximum gap 7: 7 is fine, 8 flags "interrupted".
    ((1, 8), []),
    ((1, 9), ["INTERRUPTED"]),
    # At most 3 in any 7 consecutive dates.
    ((1, 3, 5), []),
    ((1, 3, 5, 7), ["TOO_MANY_IN_7_DAYS"]),
    ((1, 3, 5, 8), []),
    # Dates out of order.
    ((3, 1), ["OUT_OF_ORDER"]),
    # Infusion 6: target days 12–21, flag after day 28.
    ((1, 3, 5, 8, 10, 12), []),
    ((1, 3, 5, 7, 9, 11), ["TOO_MANY_IN_7_DAYS"] * 3 + ["OUTSIDE_TARGET_WINDOW"]),
    ((1, 4, 8, 11, 15, 21), []),
    ((1, 4, 8, 11, 15, 22), ["OUTSIDE_TARGET_WINDOW"]),
    ((1, 7, 13, 19, 25, 28), ["OUTSIDE_TARGET_WINDOW"]),
    ((1, 7, 13, 19, 25, 29), ["INDUCTION_LATE"]),
    # A seventh infusion is past the induction.
    ((1, 3, 5, 8, 10, 12, 15), ["MORE_THAN_INDUCTION"]),
])
def test_validation_table(day_numbers, expected):
    """Clinical-reference §6.1 settings, both sides of every limit (days counted from infusion 1 = day 1)."""
    findings = validate_series(days(*day_numbers))

    assert codes(findings) == expected


def test_flags_carry_their_kind_and_the_infusions_concerned():
    findings = validate_series(days(1, 2, 10))

    assert [(f.code, f.kind, f.infusions) for f in findings] == [("GAP_TOO_SHORT", "violation", (1, 2)),
                                                                 ("INTERRUPTED", "flag", (2, 3))]
    assert "Move infusion 2 to 2026-12-09 or later" in findings[0].message


def test_returns_every_violation_at_once():
    """Style habit 6: every finding, not the first."""
    findings = validate_series(days(1, 2, 3, 4, 20, 30, 31))

    assert set(codes(findings)) == {"GAP_TOO_SHORT", "TOO_MANY_IN_7_DAYS", "INTERRUPTED", "INDUCTION_LATE",
                                    "MORE_THAN_INDUCTION"}


def test_target_window_day_21_is_inside_and_day_22_is_outside_on_the_message():
    finding = validate_series(days(1, 4, 8, 11, 15, 22))[0]

    assert (finding.infusions, finding.kind) == ((6,), "flag")
    assert "day 22, outside the target of days 12–21" in finding.message


@pytest.mark.parametrize(("as_of_day", "expected"), [(10, []), (11, ["INTERRUPTED"])])
def test_an_unfinished_series_is_interrupted_after_7_days(as_of_day, expected):
    """§6.1: beyond 7 days since the last infusion, flag "interrupted"."""
    assert codes(validate_series(days(1, 3), as_of=days(as_of_day)[0])) == expected


@pytest.mark.parametrize(("given", "as_of_day", "expected"), [
    ((1, 4, 8, 13), 19, []),
    ((1, 4, 8, 13), 20, ["OUTSIDE_TARGET_WINDOW"]),
    ((1, 7, 13, 19, 25), 28, ["OUTSIDE_TARGET_WINDOW"]),
    ((1, 7, 13, 19, 25), 29, ["INDUCTION_LATE"]),
])
def test_an_unfinished_series_is_flagged_when_it_can_no_longer_end_in_the_window(given, as_of_day, expected):
    """§6.1 target days 12–21, flag after 28. With 2 infusions left, from day 19 infusion 6 can
    still fall on day 21 (2 days apart); from day 20 it cannot come before day 22."""
    assert codes(validate_series(days(*given), as_of=days(as_of_day)[0])) == expected


def test_empty_series_has_no_findings():
    assert validate_series([], as_of=MONDAY) == ()


def test_refuses_a_datetime_for_a_date():
    with pytest.raises(course_plan.InvalidSeries) as error:
        validate_series([MONDAY, datetime(2026, 12, 9, 9, 0)])

    assert error.value.field == "dates[2]"


def test_refuses_as_of_before_the_last_infusion():
    with pytest.raises(course_plan.DatesOutOfOrder):
        validate_series(days(1, 3), as_of=MONDAY)


@given(start=st.dates(date(2026, 1, 1), date(2027, 12, 31)),
       open_days=st.sets(st.sampled_from(course_plan.WEEKDAYS), min_size=1),
       per_week=st.sampled_from([2, 3]),
       closed=st.sets(st.dates(date(2026, 1, 1), date(2028, 3, 31)), max_size=20))
def test_proposals_never_break_a_spacing_rule(start, open_days, per_week, closed):
    """Property: a proposal is in date order, on open dates only, and breaks no spacing rule;
    anything left for the prescriber is a flag, never a violation."""
    proposal = propose_induction(start_on=start, open_weekdays=open_days, sessions_per_week=per_week,
                                 closed_dates=closed)
    dates = [visit.target_on for visit in proposal.visits]

    assert len(dates) == 6 and dates == sorted(dates) and dates[0] >= start
    assert all(course_plan.WEEKDAYS[on.weekday()] in open_days and on not in closed for on in dates)
    assert all(finding.kind == "flag" for finding in proposal.findings)


def test_series_request_exposes_the_scheduling_numbers():
    """Design §4.3 request fields from §6.1: 6 sessions, 2–7 days apart, ≤ 3 per 7 days, by day 21."""
    request = course_plan.series_request(earliest_on=MONDAY)

    assert request.as_request_fields() == {"sessions": 6, "earliest": "2026-12-07", "latest": "2026-12-27",
                                           "min_gap_days": 2, "max_gap_days": 7, "max_per_7_days": 3,
                                           "previous_dates": []}


def test_series_request_for_the_rest_of_a_started_series():
    """Infusions already given are previous_dates (design §4.3); day 21 counts from infusion 1."""
    request = course_plan.series_request(earliest_on=days(6)[0], previous_dates=days(3, 1))

    assert (request.sessions, request.latest, request.previous_dates) == (4, days(21)[0], tuple(days(1, 3)))


def test_series_request_refuses_a_complete_series():
    with pytest.raises(course_plan.SeriesComplete):
        course_plan.series_request(earliest_on=days(20)[0], previous_dates=days(1, 3, 5, 8, 10, 12))


def test_series_request_after_the_window_needs_the_prescribers_latest_date():
    with pytest.raises(course_plan.WindowPassed) as error:
        course_plan.series_request(earliest_on=days(22)[0], previous_dates=days(1, 3))

    assert error.value.field == "latest_on"
    request = course_plan.series_request(earliest_on=days(22)[0], previous_dates=days(1, 3), latest_on=days(35)[0])
    assert request.latest == days(35)[0]


@pytest.mark.parametrize(("given", "current", "due", "prompted"), [
    (2, 20, False, False),
    (3, 16, True, True),
    (3, 15, True, False),
    (5, 16, True, True),
])
def test_futility_check_after_infusion_3(given, current, due, prompted):
    """§6.1: after infusion 3, improvement < 25 % → prompt prescriber review [1]. From 20: 16 is
    20 %, 15 is 25 %."""
    check = course_plan.futility_check(baseline=20, current=current, infusions_given=given, scale="phq9")

    assert (check.due, check.review_prompted) == (due, prompted)


def test_futility_check_with_a_baseline_of_0_prompts_review():
    check = course_plan.futility_check(baseline=0, current=0, infusions_given=3, scale="phq9")

    assert (check.review_prompted, check.improvement_pct) == (True, None)


@pytest.mark.parametrize("given", [-1, True, 2.5])
def test_futility_check_refuses_an_impossible_count(given):
    with pytest.raises(course_plan.InvalidSeries):
        course_plan.futility_check(baseline=20, current=10, infusions_given=given, scale="phq9")


def test_futility_check_refuses_an_impossible_score():
    with pytest.raises(course_plan.DomainError) as error:
        course_plan.futility_check(baseline=30, current=10, infusions_given=3, scale="phq9")

    assert error.value.code == "SCORE_OUT_OF_RANGE"


@pytest.mark.parametrize("settings_", [dict(induction_count=0), dict(min_gap_calendar_days=0),
                                       dict(min_gap_calendar_days=8), dict(max_per_rolling_7_days=8),
                                       dict(target_window_min_days=22), dict(late_after_day=20),
                                       dict(futility_check_after_infusion=7)])
def test_refuses_an_impossible_protocol(settings_):
    with pytest.raises(course_plan.InvalidProtocol):
        InductionProtocol(**settings_)


def test_every_protocol_field_names_its_tag_and_source():
    tags = {spec.name: spec.metadata["tag"] for spec in dataclasses.fields(InductionProtocol)}

    assert all(spec.metadata["source"].startswith("§6.1") for spec in dataclasses.fields(InductionProtocol))
    assert tags["allowed_sessions_per_week"] == "L" and tags["induction_count"] == "D"
    assert InductionProtocol().futility_min_improvement_pct == D(25)

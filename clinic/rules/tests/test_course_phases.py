"""A course's phase moves, what is due next and the reviews (clinical-reference §6.1–§6.4)."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic.rules import course_phases
from clinic.rules.course_phases import (
    ASSESSMENT,
    FINAL,
    INDUCTION,
    MAINTENANCE,
    MOVES,
    PHASES,
    REFERRED,
    STOPPED,
    TAPER,
    check_phase_change,
    next_due,
    reviews,
)
from clinic.rules.course_plan import InductionProtocol
from clinic.rules.errors import DomainError
from clinic.rules.maintenance import MaintenanceProtocol
from clinic.rules.response import ResponseProtocol

MAINT = MaintenanceProtocol()
PLAN = course_phases.induction_plan(InductionProtocol())
DECIDED = date(2026, 12, 2)


def change(from_phase, to_phase, **kwargs):
    if from_phase == ASSESSMENT:
        kwargs.setdefault("assessment_result", "response")
    return check_phase_change(from_phase=from_phase, to_phase=to_phase, reason=kwargs.pop("reason", "Agreed."),
                              protocol=kwargs.pop("protocol", MAINT), **kwargs)


@pytest.mark.parametrize(("from_phase", "to_phase"), [
    (INDUCTION, ASSESSMENT), (INDUCTION, STOPPED), (ASSESSMENT, INDUCTION), (ASSESSMENT, STOPPED),
    (MAINTENANCE, TAPER), (MAINTENANCE, STOPPED), (TAPER, STOPPED),
])
def test_allowed_moves_without_interval_or_alternatives(from_phase, to_phase):
    move = change(from_phase, to_phase)

    assert (move.from_phase, move.to_phase, move.interval_weeks, move.alternatives) == (
        from_phase, to_phase, None, ())
    assert move.assessment_result == ("response" if from_phase == ASSESSMENT else None)


@pytest.mark.parametrize(("from_phase", "to_phase"), [
    (INDUCTION, MAINTENANCE), (INDUCTION, TAPER), (INDUCTION, INDUCTION), (ASSESSMENT, TAPER),
    (ASSESSMENT, ASSESSMENT), (MAINTENANCE, INDUCTION), (MAINTENANCE, ASSESSMENT), (TAPER, REFERRED),
    (TAPER, INDUCTION), (TAPER, TAPER),
])
def test_refuses_moves_the_reference_does_not_allow(from_phase, to_phase):
    with pytest.raises(course_phases.PhaseChangeNotAllowed) as refused:
        change(from_phase, to_phase, interval_weeks=4, alternatives=["TMS"])

    assert refused.value.field == "to_phase"
    assert "It can move to:" in refused.value.message


@pytest.mark.parametrize("final", sorted(FINAL))
@pytest.mark.parametrize("to_phase", PHASES)
def test_stopped_and_referred_are_final(final, to_phase):
    with pytest.raises(course_phases.CourseClosed) as refused:
        change(final, to_phase, interval_weeks=4, alternatives=["TMS"])

    assert "nothing follows" in refused.value.message


def test_every_phase_has_a_label_and_its_moves():
    assert set(MOVES) == set(PHASES) == set(course_phases.LABELS)
    assert all(MOVES[phase] == () for phase in FINAL)


@pytest.mark.parametrize("reason", ["", "   \n"])
def test_refuses_a_decision_without_its_reason(reason):
    with pytest.raises(course_phases.ReasonRequired):
        change(INDUCTION, STOPPED, reason=reason)


def test_keeps_the_reason_trimmed():
    assert change(INDUCTION, STOPPED, reason="  Patient's choice.\n").reason == "Patient's choice."


@pytest.mark.parametrize("from_phase", [ASSESSMENT, MAINTENANCE, TAPER])
def test_maintenance_needs_its_interval(from_phase):
    with pytest.raises(course_phases.IntervalRequired) as refused:
        change(from_phase, MAINTENANCE)

    assert refused.value.message == "Maintenance needs its interval: one infusion every 2–6 weeks (§6.4)."


@pytest.mark.parametrize("weeks", [1, 7, 0, -2, True])
def test_refuses_an_interval_outside_the_protocols_bounds(weeks):
    with pytest.raises(DomainError) as refused:
        change(ASSESSMENT, MAINTENANCE, interval_weeks=weeks)

    assert (refused.value.code, refused.value.field) == ("INTERVAL_OUT_OF_RANGE", "interval_weeks")
    assert "outside the clinic's 2–6 weeks" in refused.value.message


def test_the_interval_bounds_are_the_protocols():
    protocol = MaintenanceProtocol(min_interval_weeks=3, max_interval_weeks=8, first_visit_days_after_induction=21,
                                   starting_interval_weeks=3)

    assert change(ASSESSMENT, MAINTENANCE, interval_weeks=8, protocol=protocol).interval_weeks == 8
    with pytest.raises(DomainError, match="outside the clinic's 3–8 weeks"):
        change(ASSESSMENT, MAINTENANCE, interval_weeks=2, protocol=protocol)


@pytest.mark.parametrize("weeks", [2, 4, 6])
def test_maintenance_keeps_its_interval_and_a_new_one_replaces_it(weeks):
    assert change(ASSESSMENT, MAINTENANCE, interval_weeks=weeks).interval_weeks == weeks
    assert change(MAINTENANCE, MAINTENANCE, interval_weeks=weeks).interval_weeks == weeks


def test_an_interval_is_dropped_outside_maintenance():
    assert change(MAINTENANCE, TAPER, interval_weeks=4).interval_weeks is None


def test_a_referral_names_the_alternatives_in_the_references_order():
    move = change(ASSESSMENT, REFERRED, alternatives=["PSYCHOTHERAPY", "TMS"])

    assert move.alternatives == ("TMS", "PSYCHOTHERAPY")


@pytest.mark.parametrize(("alternatives", "words"), [([], "names the alternatives"), (["REIKI"], "REIKI")])
def test_refuses_a_referral_without_known_alternatives(alternatives, words):
    with pytest.raises(course_phases.AlternativesRequired, match=words):
        change(INDUCTION, REFERRED, alternatives=alternatives)


@pytest.mark.parametrize(("from_phase", "to_phase", "reason"), [
    (INDUCTION, STOPPED, "course_stopped"), (MAINTENANCE, STOPPED, "course_stopped"),
    (INDUCTION, REFERRED, "alternative_referral"), (ASSESSMENT, REFERRED, "alternative_referral"),
    (ASSESSMENT, MAINTENANCE, "induction_assessment"), (ASSESSMENT, INDUCTION, "induction_assessment"),
    (INDUCTION, ASSESSMENT, None), (MAINTENANCE, MAINTENANCE, None), (MAINTENANCE, TAPER, None),
    (TAPER, MAINTENANCE, None),
])
def test_letters_follow_decisions_that_end_the_course_or_decide_the_assessment(from_phase, to_phase, reason):
    assert change(from_phase, to_phase, interval_weeks=3, alternatives=["ECT"]).letter_reason == reason


@pytest.mark.parametrize("to_phase", [MAINTENANCE, INDUCTION])
@pytest.mark.parametrize("result", [None, "", "no_agreed_threshold", "better"])
def test_a_decision_continuing_after_the_assessment_records_its_result(to_phase, result):
    with pytest.raises(course_phases.AssessmentResultRequired) as refused:
        change(ASSESSMENT, to_phase, interval_weeks=4, alternatives=["TMS"], assessment_result=result)

    assert refused.value.field == "assessment_result"
    assert "remission, response, partial response, no response, worse than at baseline, not evaluable" in \
        refused.value.message


@pytest.mark.parametrize("to_phase", sorted(FINAL))
def test_stopping_or_referring_after_the_assessment_may_leave_the_result_out(to_phase):
    move = change(ASSESSMENT, to_phase, alternatives=["TMS"], assessment_result=None)

    assert move.assessment_result is None
    assert change(ASSESSMENT, to_phase, alternatives=["TMS"], assessment_result="worse").assessment_result == "worse"
    with pytest.raises(course_phases.AssessmentResultRequired):
        change(ASSESSMENT, to_phase, alternatives=["TMS"], assessment_result="better")


@pytest.mark.parametrize("result", course_phases.ASSESSMENT_RESULTS)
def test_the_assessment_result_is_kept_only_leaving_the_assessment(result):
    assert change(ASSESSMENT, MAINTENANCE, interval_weeks=4, assessment_result=result).assessment_result == result
    assert change(INDUCTION, STOPPED, assessment_result=result).assessment_result is None


def test_the_induction_plan_is_the_protocols():
    plan = course_phases.induction_plan(InductionProtocol(induction_count=8, late_after_day=30))

    assert plan == {"count": 8, "sessions_per_week": [2, 3], "min_gap_days": 2, "max_gap_days": 7,
                    "max_per_7_days": 3, "target_window_days": [12, 21], "late_after_day": 30,
                    "futility_check_after": 3}


def test_the_plan_in_words():
    assert course_phases.plan_in_words(PLAN) == (
        "6 infusions, twice or thrice weekly: at least 2 days apart (never on consecutive days) and at most 7, no "
        "more than 3 in any 7 days; infusion 6 on day 12–21, flagged after day 28.")


def due(phase, given=(), interval=None, since=DECIDED):
    return next_due(phase=phase, plan=PLAN, infusion_dates=list(given), phase_since=since, interval_weeks=interval,
                    maintenance=MAINT, response=ResponseProtocol())


def test_induction_without_infusions_waits_for_the_booking():
    found = due(INDUCTION)

    assert (found.code, found.due_on, found.opens_on, found.closes_on) == ("INDUCTION_INFUSION", None, None, None)
    assert found.reason.startswith("Infusion 1 of 6: book the induction series.")


def test_next_induction_infusion_lies_between_the_gaps():
    found = due(INDUCTION, [date(2026, 12, 7), date(2026, 12, 9)])

    assert (found.due_on, found.opens_on, found.closes_on) == (date(2026, 12, 11), date(2026, 12, 11),
                                                              date(2026, 12, 16))
    assert found.reason.startswith("Infusion 3 of 6")


def test_after_the_last_induction_infusion_the_assessment_is_due():
    assert due(INDUCTION, [date(2026, 12, day) for day in (1, 3, 5, 8, 10, 12)]).code == "ASSESSMENT"


def test_assessment_score_is_due_one_to_seven_days_after_infusion_6():
    found = due(ASSESSMENT, [date(2026, 12, day) for day in (1, 3, 5, 8, 10, 12)])

    assert (found.code, found.opens_on, found.closes_on) == ("END_OF_INDUCTION_SCORE", date(2026, 12, 13),
                                                             date(2026, 12, 19))


def test_assessment_without_infusions_says_what_it_waits_for():
    found = due(ASSESSMENT)

    assert found.due_on is None
    assert "wait for the infusions to be recorded" in found.reason


def test_maintenance_without_infusions_counts_from_the_decision():
    found = due(MAINTENANCE, interval=4)

    assert (found.due_on, found.opens_on, found.closes_on) == (date(2026, 12, 30), date(2026, 12, 27),
                                                              date(2027, 1, 2))
    assert "after the maintenance decision (2 Dec 2026), since no infusion is recorded yet" in found.reason


def test_first_maintenance_visit_is_day_14_after_infusion_6():
    sixth = date(2026, 11, 27)
    found = due(MAINTENANCE, [sixth - timedelta(days=2 * n) for n in range(5, -1, -1)], interval=4)

    assert (found.due_on, found.opens_on, found.closes_on) == (date(2026, 12, 11), date(2026, 12, 11),
                                                              date(2026, 12, 14))


def test_next_maintenance_visit_counts_from_the_visit_given():
    found = due(MAINTENANCE, [date(2026, 12, 10)], interval=3, since=date(2026, 12, 1))

    assert (found.due_on, found.opens_on, found.closes_on) == (date(2026, 12, 31), date(2026, 12, 28),
                                                              date(2027, 1, 3))


@given(weeks=st.integers(min_value=2, max_value=6), offset=st.integers(min_value=0, max_value=400))
def test_a_maintenance_window_never_opens_before_the_minimum_interval(weeks, offset):
    last = date(2026, 1, 1) + timedelta(days=offset)

    found = due(MAINTENANCE, [last], interval=weeks, since=last)

    assert found.opens_on >= last + timedelta(weeks=MAINT.min_interval_weeks)
    assert found.opens_on <= found.due_on <= found.closes_on


def test_maintenance_without_its_interval_is_refused():
    with pytest.raises(course_phases.IntervalRequired):
        due(MAINTENANCE)


@pytest.mark.parametrize(("phase", "code"), [(TAPER, "TAPER_VISIT"), (STOPPED, "NOTHING"), (REFERRED, "NOTHING")])
def test_taper_and_closed_courses_schedule_nothing(phase, code):
    found = due(phase)

    assert (found.code, found.due_on) == (code, None)


def course_reviews(phase=INDUCTION, last_review_on=None, infusions=0, on=date(2026, 12, 2)):
    return reviews(phase=phase, opened_on=date(2026, 12, 1), last_review_on=last_review_on,
                   infusions_given=infusions, on_date=on, induction=InductionProtocol(), maintenance=MAINT)


def test_induction_shows_the_futility_check_and_the_90_day_review():
    futility, review = course_reviews()

    assert (futility.code, futility.due_on, futility.is_due) == ("FUTILITY_CHECK", None, False)
    assert "0 infusions recorded so far" in futility.message
    assert (review.code, review.due_on, review.is_due) == ("BENEFIT_RISK_REVIEW", date(2027, 3, 1), False)


def test_the_futility_check_falls_due_after_infusion_3():
    assert course_reviews(infusions=3)[0].is_due


def test_the_90_day_review_counts_from_the_last_signed_decision_and_says_overdue():
    [review] = course_reviews(MAINTENANCE, last_review_on=date(2026, 12, 20), on=date(2027, 3, 25))

    assert (review.due_on, review.is_due) == (date(2027, 3, 20), True)
    assert "due 20 Mar 2027, 5 days overdue" in review.message


@pytest.mark.parametrize("phase", sorted(FINAL))
def test_a_closed_course_needs_no_review(phase):
    assert course_reviews(phase) == ()

"""A treatment course's phases, the moves between them, what is due next and the reviews the
reference requires.

Source: clinical-reference §6.1–§6.4 and §8. A course runs induction → assessment (after infusion
6, §6.3) → maintenance (§6.4), taper, stopped or referred to an alternative. The prescriber decides
every move and signs it with a reason; stopped and referred are final. From the assessment, a
partial response may go back to induction for more infusions (§6.3); a non-response stops, and a
referral names the alternatives chosen (§6.3 list). Maintenance carries its interval, inside the
protocol's 2–6 weeks (§6.4 [D]); taper and stop are shared decisions the system records and never
schedules (§6.4).

What is due next and the reviews are computed from dates the caller passes in: the infusions
given (recorded by the infusion day, later) and the dates of the course's decisions. With no
infusion recorded, every infusion-dependent date says that it waits for one.
"""

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from clinic.rules.course_plan import InductionProtocol
from clinic.rules.errors import DomainError
from clinic.rules.maintenance import (
    ALTERNATIVES,
    IntervalOutOfRange,
    MaintenanceProtocol,
    first_visit_window,
    visit_window,
)
from clinic.rules.response import NON_RESPONSE, NOT_EVALUABLE, PARTIAL, REMISSION, RESPONSE, WORSE, ResponseProtocol

SOURCE = "clinical-reference §6.1–§6.4"
INDUCTION, ASSESSMENT, MAINTENANCE, TAPER, STOPPED, REFERRED = (
    "induction", "assessment", "maintenance", "taper", "stopped", "referred")
PHASES = (INDUCTION, ASSESSMENT, MAINTENANCE, TAPER, STOPPED, REFERRED)
LABELS: Mapping[str, str] = {
    INDUCTION: "Induction", ASSESSMENT: "Assessment after induction", MAINTENANCE: "Maintenance",
    TAPER: "Taper", STOPPED: "Stopped", REFERRED: "Referred to an alternative",
}
FINAL = frozenset({STOPPED, REFERRED})
# Where each phase may go next (§6.3–§6.4); final phases go nowhere.
MOVES: Mapping[str, tuple[str, ...]] = {
    INDUCTION: (ASSESSMENT, STOPPED, REFERRED),
    ASSESSMENT: (MAINTENANCE, INDUCTION, STOPPED, REFERRED),
    MAINTENANCE: (MAINTENANCE, TAPER, STOPPED, REFERRED),
    TAPER: (MAINTENANCE, STOPPED),
    STOPPED: (),
    REFERRED: (),
}
ALTERNATIVE_CODES = tuple(option.code for option in ALTERNATIVES)
ALTERNATIVE_LABELS: Mapping[str, str] = {option.code: option.label for option in ALTERNATIVES}
# The end-of-induction class the prescriber records when deciding the assessment (§6.2–§6.3). A scale
# without an agreed threshold gives no computed class: the prescriber decides without one, recorded as
# not evaluable, as §6.2 records a baseline too low to measure against.
ASSESSMENT_RESULTS = (REMISSION, RESPONSE, PARTIAL, NON_RESPONSE, WORSE, NOT_EVALUABLE)
ASSESSMENT_RESULT_LABELS: Mapping[str, str] = {
    REMISSION: "Remission", RESPONSE: "Response", PARTIAL: "Partial response", NON_RESPONSE: "No response",
    WORSE: "Worse than at baseline", NOT_EVALUABLE: "Not evaluable (the prescriber decides without a class)",
}
# The letters a decision produces: the reasons the letters take.
COURSE_STOPPED, ALTERNATIVE_REFERRAL, INDUCTION_ASSESSMENT = (
    "course_stopped", "alternative_referral", "induction_assessment")


def _day(on: date) -> str:
    return f"{on.day} {on:%b %Y}"


class PhaseChangeNotAllowed(DomainError):
    code = "PHASE_CHANGE_NOT_ALLOWED"
    field = "to_phase"


class CourseClosed(DomainError):
    code = "COURSE_CLOSED"
    field = "to_phase"


class ReasonRequired(DomainError):
    code = "REASON_REQUIRED"
    field = "reason"


class IntervalRequired(DomainError):
    code = "INTERVAL_REQUIRED"
    field = "interval_weeks"


class AlternativesRequired(DomainError):
    code = "ALTERNATIVES_REQUIRED"
    field = "alternatives"


class AssessmentResultRequired(DomainError):
    code = "ASSESSMENT_RESULT_REQUIRED"
    field = "assessment_result"


@dataclass(frozen=True)
class PhaseChange:
    """A checked move: the interval it carries (maintenance only), the alternatives (referral only) and
    the end-of-induction class (a decision leaving the assessment only)."""

    from_phase: str
    to_phase: str
    reason: str
    interval_weeks: int | None
    alternatives: tuple[str, ...]
    assessment_result: str | None
    letter_reason: str | None


def check_phase_change(*, from_phase: str, to_phase: str, reason: str, interval_weeks: int | None = None,
                       alternatives: Collection[str] = (), assessment_result: str | None = None,
                       protocol: MaintenanceProtocol) -> PhaseChange:
    """The move, checked against §6.3–§6.4: allowed from this phase, with a reason, an interval inside
    the protocol's bounds for maintenance, the chosen alternatives for a referral and, leaving the
    assessment for maintenance or more infusions, the end-of-induction class the decision rests on."""
    if from_phase in FINAL:
        raise CourseClosed(f"The course is {LABELS[from_phase].lower()}: nothing follows. Open a new course from a "
                           "new eligibility decision if treatment starts again.")
    if to_phase not in MOVES.get(from_phase, ()):
        allowed = ", ".join(LABELS[phase].lower() for phase in MOVES.get(from_phase, ()))
        raise PhaseChangeNotAllowed(f"A course in {LABELS.get(from_phase, from_phase).lower()} cannot move to "
                                    f"{LABELS.get(to_phase, to_phase).lower()}. It can move to: {allowed}.")
    if not reason.strip():
        raise ReasonRequired("Give the reason for this decision: it is signed and kept with the course.")
    interval = _checked_interval(to_phase, interval_weeks, protocol)
    chosen = _checked_alternatives(to_phase, alternatives)
    result = _checked_result(from_phase, to_phase, assessment_result)
    return PhaseChange(from_phase, to_phase, reason.strip(), interval, chosen, result,
                       letter_reason(from_phase, to_phase))


def _checked_result(from_phase: str, to_phase: str, assessment_result: str | None) -> str | None:
    """Required when the assessment continues the course (its letter reports the result); optional when
    it stops or refers (a consent withdrawn may stop a course before any result)."""
    if from_phase != ASSESSMENT or (to_phase in FINAL and not assessment_result):
        return None
    if assessment_result not in ASSESSMENT_RESULTS:
        known = ", ".join(ASSESSMENT_RESULT_LABELS[code].split(" (")[0].lower() for code in ASSESSMENT_RESULTS)
        raise AssessmentResultRequired("Record the end-of-induction result the decision rests on: the primary "
                                       f"scale's score 1–7 days after the last induction infusion against the "
                                       f"baseline, as one of {known} (§6.2).")
    return assessment_result


def _checked_interval(to_phase: str, interval_weeks: int | None, protocol: MaintenanceProtocol) -> int | None:
    if to_phase != MAINTENANCE:
        return None
    low, high = protocol.min_interval_weeks, protocol.max_interval_weeks
    if interval_weeks is None:
        raise IntervalRequired(f"Maintenance needs its interval: one infusion every {low}–{high} weeks (§6.4).")
    if isinstance(interval_weeks, bool) or not isinstance(interval_weeks, int) or not low <= interval_weeks <= high:
        raise IntervalOutOfRange(f"An interval of {interval_weeks!r} weeks is outside the clinic's {low}–{high} "
                                 "weeks. Choose a whole number of weeks inside them.", field="interval_weeks")
    return interval_weeks


def _checked_alternatives(to_phase: str, alternatives: Collection[str]) -> tuple[str, ...]:
    if to_phase != REFERRED:
        return ()
    unknown = sorted(set(alternatives) - set(ALTERNATIVE_CODES))
    if unknown:
        raise AlternativesRequired(f"Unknown alternative(s): {', '.join(unknown)}. Choose from "
                                   f"{', '.join(ALTERNATIVE_CODES)}.")
    if not alternatives:
        raise AlternativesRequired("A referral names the alternatives chosen with the patient: TMS, ECT, "
                                   "esketamine, a medication change or psychotherapy (§6.3).")
    return tuple(code for code in ALTERNATIVE_CODES if code in alternatives)


def letter_reason(from_phase: str, to_phase: str) -> str | None:
    """The letters a decision produces: stopping, a referral, and the outcome of the assessment after
    infusion 6 (maintenance, or more infusions). Other moves change no one outside the clinic."""
    if to_phase == STOPPED:
        return COURSE_STOPPED
    if to_phase == REFERRED:
        return ALTERNATIVE_REFERRAL
    if from_phase == ASSESSMENT:
        return INDUCTION_ASSESSMENT
    return None


def induction_plan(protocol: InductionProtocol) -> dict[str, Any]:
    """The induction as data a booking takes (count, spacing, window), JSON-plain (§6.1)."""
    return {
        "count": protocol.induction_count,
        "sessions_per_week": list(protocol.allowed_sessions_per_week),
        "min_gap_days": protocol.min_gap_calendar_days,
        "max_gap_days": protocol.max_gap_days,
        "max_per_7_days": protocol.max_per_rolling_7_days,
        "target_window_days": [protocol.target_window_min_days, protocol.target_window_max_days],
        "late_after_day": protocol.late_after_day,
        "futility_check_after": protocol.futility_check_after_infusion,
    }


def plan_in_words(plan: Mapping[str, Any]) -> str:
    """The stored plan as a clinician reads it."""
    per_week = " or ".join({2: "twice", 3: "thrice"}.get(n, f"{n} times") for n in plan["sessions_per_week"])
    low, high = plan["target_window_days"]
    return (f"{plan['count']} infusions, {per_week} weekly: at least {plan['min_gap_days']} days apart (never on "
            f"consecutive days) and at most {plan['max_gap_days']}, no more than {plan['max_per_7_days']} in any 7 "
            f"days; infusion {plan['count']} on day {low}–{high}, flagged after day {plan['late_after_day']}.")


@dataclass(frozen=True)
class NextDue:
    """What is due next: `due_on` and its window (both ends included), or None when a date waits for
    something not yet recorded; `reason` says why, in words."""

    code: str
    due_on: date | None
    opens_on: date | None
    closes_on: date | None
    reason: str


def next_due(*, phase: str, plan: Mapping[str, Any], infusion_dates: Sequence[date], phase_since: date,
             interval_weeks: int | None, maintenance: MaintenanceProtocol,
             response: ResponseProtocol) -> NextDue:
    """What the course needs next (§6.1–§6.4). `infusion_dates` are the infusions given, oldest first
    (none until the infusion day records them); `phase_since` is the date the current phase was
    signed."""
    if phase == INDUCTION:
        return _next_induction(plan, infusion_dates)
    if phase == ASSESSMENT:
        return _assessment(plan, infusion_dates, response)
    if phase == MAINTENANCE:
        return _next_maintenance(plan, infusion_dates, phase_since, interval_weeks, maintenance)
    if phase == TAPER:
        return NextDue("TAPER_VISIT", None, None, None, "Taper: the prescriber and the patient agree each visit; the "
                       "system records them and schedules none (§6.4).")
    return NextDue("NOTHING", None, None, None, f"The course is {LABELS[phase].lower()}: nothing is due.")


def _next_induction(plan: Mapping[str, Any], given: Sequence[date]) -> NextDue:
    count = plan["count"]
    if not given:
        return NextDue("INDUCTION_INFUSION", None, None, None, f"Infusion 1 of {count}: book the induction series. "
                       "The dates wait for the booking; the baseline is the last primary-scale score taken in the 7 "
                       "days before infusion 1.")
    if len(given) >= count:
        return NextDue("ASSESSMENT", None, None, None, f"All {count} induction infusions are given: move the course "
                       "to its assessment (§6.3).")
    last = given[-1]
    opens, closes = last + timedelta(plan["min_gap_days"]), last + timedelta(plan["max_gap_days"])
    return NextDue("INDUCTION_INFUSION", opens, opens, closes, f"Infusion {len(given) + 1} of {count}: at least "
                   f"{plan['min_gap_days']} and at most {plan['max_gap_days']} days after infusion {len(given)} "
                   "(§6.1).")


def _assessment(plan: Mapping[str, Any], given: Sequence[date], response: ResponseProtocol) -> NextDue:
    count = plan["count"]
    low, high = response.end_score_min_days_after_sixth, response.end_score_max_days_after_sixth
    if len(given) < count:
        return NextDue("END_OF_INDUCTION_SCORE", None, None, None, f"The primary-scale score {low}–{high} days after "
                       f"infusion {count}, then the prescriber's decision (§6.2–§6.3). The dates wait for the "
                       "infusions to be recorded.")
    last = given[count - 1]
    return NextDue("END_OF_INDUCTION_SCORE", last + timedelta(low), last + timedelta(low), last + timedelta(high),
                   f"The primary-scale score {low}–{high} days after infusion {count}, then the prescriber decides: "
                   "maintenance, more infusions, stop or an alternative (§6.3).")


def _next_maintenance(plan: Mapping[str, Any], given: Sequence[date], since: date, interval_weeks: int | None,
                      protocol: MaintenanceProtocol) -> NextDue:
    if interval_weeks is None:
        raise IntervalRequired("A maintenance course carries its interval; record it with the decision.")
    after_decision = [on for on in given if on >= since]
    if after_decision:
        window = visit_window(last_visit_on=after_decision[-1], interval_weeks=interval_weeks, protocol=protocol)
        why = f"one {interval_weeks}-week interval after the last infusion ({_day(after_decision[-1])})"
    elif len(given) >= plan["count"]:
        window = first_visit_window(sixth_infusion_on=given[-1], protocol=protocol)
        why = f"day {protocol.first_visit_days_after_induction} after the last induction infusion"
    else:
        # No infusion recorded yet: the decision's date stands in for the last infusion until the infusion
        # day records one.
        window = visit_window(last_visit_on=since, interval_weeks=interval_weeks, protocol=protocol)
        why = (f"one {interval_weeks}-week interval after the maintenance decision ({_day(since)}), since no "
               "infusion is recorded yet; once infusions are recorded it counts from the last one given")
    return NextDue("MAINTENANCE_INFUSION", window.due_on, window.opens_on, window.closes_on,
                   f"Maintenance infusion due {why}, ± {protocol.window_tolerance_days} days, never sooner than "
                   f"{protocol.min_interval_weeks} weeks after the last infusion (§6.4).")


@dataclass(frozen=True)
class Review:
    """A review the reference requires: `is_due` on the date asked about; `due_on` None when it waits
    for infusions to be recorded."""

    code: str
    due_on: date | None
    is_due: bool
    message: str


def reviews(*, phase: str, opened_on: date, last_review_on: date | None, infusions_given: int, on_date: date,
            induction: InductionProtocol, maintenance: MaintenanceProtocol) -> tuple[Review, ...]:
    """The futility check after infusion 3 (§6.1 [D]; [1]) while in induction, and the benefit–risk
    review every 90 days from the course's opening or its last signed decision (§6.4 [D]; ASA [12]),
    for any course still open."""
    if phase in FINAL:
        return ()
    found = []
    if phase == INDUCTION:
        after = induction.futility_check_after_infusion
        done = infusions_given >= after
        found.append(Review("FUTILITY_CHECK", None, done, (
            f"Futility check after infusion {after}: improvement below {induction.futility_min_improvement_pct} % "
            f"against the baseline prompts a prescriber review (§6.1). {infusions_given} infusion"
            f"{'s' if infusions_given != 1 else ''} recorded so far.")))
    since = max(opened_on, last_review_on) if last_review_on else opened_on
    due_on = since + timedelta(days=maintenance.benefit_risk_review_every_days)
    overdue = (on_date - due_on).days
    status = f", {overdue} day{'s' if overdue != 1 else ''} overdue" if overdue > 0 else ""
    found.append(Review("BENEFIT_RISK_REVIEW", due_on, on_date >= due_on, (
        f"Benefit–risk review every {maintenance.benefit_risk_review_every_days} days, from the course's opening or "
        f"its last signed decision ({_day(since)}): due {_day(due_on)}{status} (§6.4; ASA [12]).")))
    return tuple(found)

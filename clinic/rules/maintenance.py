"""Maintenance: what the rules propose after infusion 6, each visit classified against the course
baseline, relapse, the interval and the visit window, the benefit–risk review and a proposed taper.

Source: clinical-reference §6.3–§6.4 and §8 (misuse row). The clinic's plan [D]: one infusion every
2–6 weeks; the first at day 14 after infusion 6, ahead of the 18-day median time to relapse [17];
each visit due within ± 3 days, never opening before the last infusion plus 2 weeks, the next due
date counted from the visit actually given; each visit classified against the course baseline as
in §6.2; response or remission at this visit and the last → interval + 1 week up to the maximum, at
this one only → keep; partial → − 1 week down to the minimum; remission never shortens; relapse
(MADRS ≥ 22 [7], or on other scales a former responder now non-responding or worse) or symptoms
returning early → a visit within 7 days and a prescriber review; a benefit–risk review every 90
days [12]. The misuse screen (an early request, a dose above the protocol's) is in `misuse`. Taper and
stop are decisions the prescriber and the patient share: the rules only propose, and book nothing.

Each protocol field carries `metadata` {"tag", "source", "verified"}: "D" is a shipped default
the medical director may change, "U" an unverified value a settings page must show as such.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from clinic.rules.errors import DomainError
from clinic.rules.protocol import InvalidProtocol, require_at_least_one, tagged
from clinic.rules.response import (
    CATEGORIES,
    NON_RESPONSE,
    PARTIAL,
    REMISSION,
    RESPONSE,
    WORSE,
    Classification,
    ResponseProtocol,
    classify,
)
from clinic.rules.response import DEFAULT_PROTOCOL as DEFAULT_RESPONSE

SOURCE = "clinical-reference §6.4 (maintenance rules [D]); relapse timing [17]; ASA review call [12]"
LENGTHEN, KEEP, SHORTEN = "lengthen", "keep", "shorten"
RESPONDED = (REMISSION, RESPONSE)
PROPOSAL_NOTE = ("A proposal only: the prescriber and the patient decide, and the system books "
                 "nothing until they do.")


class IntervalOutOfRange(DomainError):
    code = "INTERVAL_OUT_OF_RANGE"


class DatesOutOfOrder(DomainError):
    code = "DATES_OUT_OF_ORDER"


class UnknownCategory(DomainError):
    code = "UNKNOWN_CATEGORY"


@dataclass(frozen=True)
class MaintenanceProtocol:
    """The clinic's maintenance settings [D], defaults from clinical-reference §6.4."""

    min_interval_weeks: int = field(default=2, metadata=tagged("D", "§6.4 maint_min_weeks"))
    max_interval_weeks: int = field(default=6, metadata=tagged("D", "§6.4 maint_max_weeks"))
    step_weeks: int = field(default=1, metadata=tagged("D", "§6.4: propose the interval ± 1 week"))
    first_visit_days_after_induction: int = field(
        default=14, metadata=tagged("D", "§6.4: day 14 after infusion 6, ahead of the 18-day median relapse [17]"))
    starting_interval_weeks: int = field(
        default=2, metadata=tagged("D", "§6.4: the day-14 first visit is a 2-week interval"))
    window_tolerance_days: int = field(default=3, metadata=tagged("D", "§6.4 maint_window_tolerance_days"))
    relapse_visit_within_days: int = field(
        default=7, metadata=tagged("D", "§6.4: relapse or symptoms returning early → a visit within 7 days"))
    benefit_risk_review_every_days: int = field(default=90, metadata=tagged("D", "§6.4; ASA guidance 2025 [12]"))

    def __post_init__(self) -> None:
        if not 1 <= self.min_interval_weeks <= self.max_interval_weeks:
            raise InvalidProtocol(f"The maintenance interval range {self.min_interval_weeks}–"
                                  f"{self.max_interval_weeks} weeks is impossible. Set a minimum of at least 1 "
                                  "week and a maximum no shorter than the minimum.", field="min_interval_weeks")
        if not self.min_interval_weeks <= self.starting_interval_weeks <= self.max_interval_weeks:
            raise InvalidProtocol(f"The starting interval of {self.starting_interval_weeks} weeks lies outside "
                                  f"{self.min_interval_weeks}–{self.max_interval_weeks} weeks. Set it inside them.",
                                  field="starting_interval_weeks")
        require_at_least_one(self, ("step_weeks", "first_visit_days_after_induction", "relapse_visit_within_days",
                                    "benefit_risk_review_every_days"))
        if self.first_visit_days_after_induction < 7 * self.min_interval_weeks:
            raise InvalidProtocol(f"A first visit {self.first_visit_days_after_induction} days after infusion 6 "
                                  f"comes before the {self.min_interval_weeks}-week minimum interval, so its window "
                                  "could never open. Set it no earlier than the minimum.",
                                  field="first_visit_days_after_induction")
        if self.window_tolerance_days < 0:
            raise InvalidProtocol("The window tolerance cannot be negative; 0 means the due date only.",
                                  field="window_tolerance_days")


DEFAULT_PROTOCOL = MaintenanceProtocol()


@dataclass(frozen=True)
class VisitWindow:
    """The dates a maintenance visit may fall on, both ends included; `due_on` is the target."""

    due_on: date
    opens_on: date
    closes_on: date

    def contains(self, on: date) -> bool:
        return self.opens_on <= on <= self.closes_on


def first_visit_date(*, sixth_infusion_on: date, protocol: MaintenanceProtocol = DEFAULT_PROTOCOL) -> date:
    """The first maintenance infusion: day 14 after infusion 6 by default (clinical-reference §6.4)."""
    return sixth_infusion_on + timedelta(days=protocol.first_visit_days_after_induction)


def next_visit_date(*, last_visit_on: date, interval_weeks: int,
                    protocol: MaintenanceProtocol = DEFAULT_PROTOCOL) -> date:
    """The date one interval after the visit actually given (clinical-reference §6.4)."""
    _check_interval(interval_weeks, protocol)
    return last_visit_on + timedelta(weeks=interval_weeks)


def first_visit_window(*, sixth_infusion_on: date, protocol: MaintenanceProtocol = DEFAULT_PROTOCOL) -> VisitWindow:
    """The first maintenance visit's window: day 14 after infusion 6 ± 3 days, opening no earlier
    than infusion 6 plus the 2-week minimum (clinical-reference §6.4 [D])."""
    return _window(sixth_infusion_on, first_visit_date(sixth_infusion_on=sixth_infusion_on, protocol=protocol),
                   protocol)


def visit_window(*, last_visit_on: date, interval_weeks: int,
                 protocol: MaintenanceProtocol = DEFAULT_PROTOCOL) -> VisitWindow:
    """The next visit's window: due one interval after the visit actually given, ± 3 days, opening
    no earlier than that visit plus the 2-week minimum (clinical-reference §6.4 [D])."""
    return _window(last_visit_on, next_visit_date(last_visit_on=last_visit_on, interval_weeks=interval_weeks,
                                                  protocol=protocol), protocol)


def relapse_window(*, assessed_on: date, protocol: MaintenanceProtocol = DEFAULT_PROTOCOL) -> VisitWindow:
    """Relapse or symptoms returning early: a visit on one of the 7 days after the assessment
    (clinical-reference §6.4 [D]); the minimum interval gives way to it."""
    visit_by = assessed_on + timedelta(days=protocol.relapse_visit_within_days)
    return VisitWindow(visit_by, assessed_on + timedelta(days=1), visit_by)


def _window(last_visit_on: date, due_on: date, protocol: MaintenanceProtocol) -> VisitWindow:
    tolerance = timedelta(days=protocol.window_tolerance_days)
    # The tolerance must not pull a visit closer to the last one than the minimum interval.
    opens_on = max(due_on - tolerance, last_visit_on + timedelta(weeks=protocol.min_interval_weeks))
    return VisitWindow(due_on, opens_on, due_on + tolerance)


MAINTENANCE, PRESCRIBER_REVIEW, STOP = "maintenance", "prescriber_review", "stop"


@dataclass(frozen=True)
class CourseOption:
    code: str
    label: str
    source: str


ALTERNATIVES = (
    CourseOption("TMS", "Transcranial magnetic stimulation", "§6.3"),
    CourseOption("ECT", "Electroconvulsive therapy", "§6.3"),
    CourseOption("ESKETAMINE", "Esketamine (Spravato) under its REMS", "§6.3; §10 [11]"),
    CourseOption("MEDICATION_CHANGE", "Medication change or augmentation", "§6.3"),
    CourseOption("PSYCHOTHERAPY", "Psychotherapy", "§6.3"),
)
MORE_INFUSIONS = CourseOption("MORE_INFUSIONS", "More infusions", "§6.3; escalation common in practice [6]")
PLAN_MAINTENANCE = CourseOption("MAINTENANCE", "Plan maintenance", "§6.3–§6.4")


@dataclass(frozen=True)
class AfterInductionProposal:
    """What the rules propose after infusion 6; the prescriber decides and the decision is recorded."""

    proposal: str
    classification: Classification
    options: tuple[CourseOption, ...]
    message: str
    first_maintenance_window: VisitWindow | None = None
    starting_interval_weeks: int | None = None

    @property
    def first_maintenance_on(self) -> date | None:
        return self.first_maintenance_window.due_on if self.first_maintenance_window else None


def propose_after_induction(*, classification: Classification, sixth_infusion_on: date,
                            response_protocol: ResponseProtocol = DEFAULT_RESPONSE,
                            protocol: MaintenanceProtocol = DEFAULT_PROTOCOL) -> AfterInductionProposal:
    """Clinical-reference §6.3 [D]: remission or response → maintenance, first visit day 14 after
    infusion 6 with its window (§6.4); partial → prescriber review (more infusions, or titration
    0.5 → 0.75 mg/kg [5]); non-response or worse → stop and list TMS, ECT, esketamine, medication
    change or augmentation, psychotherapy. A course the rules cannot classify (not evaluable, no
    agreed threshold) goes to the prescriber with every option."""
    caveat = " This rests on an unverified threshold [U]." if classification.unverified else ""
    titrate = CourseOption("TITRATE", f"Titrate the dose, e.g. {response_protocol.titration_from_mg_per_kg} → "
                           f"{response_protocol.titration_to_mg_per_kg} mg/kg", "§6.3; Cusin 2017 [5]")
    category = classification.category
    if category in RESPONDED:
        window = first_visit_window(sixth_infusion_on=sixth_infusion_on, protocol=protocol)
        return AfterInductionProposal(MAINTENANCE, classification, (PLAN_MAINTENANCE,),
                                      f"{category.capitalize()} after induction: plan maintenance, first infusion on "
                                      f"{window.due_on:%Y-%m-%d} (window {window.opens_on:%Y-%m-%d} to "
                                      f"{window.closes_on:%Y-%m-%d}), then every {protocol.starting_interval_weeks} "
                                      f"weeks. The prescriber decides.{caveat}",
                                      window, protocol.starting_interval_weeks)
    if category == PARTIAL:
        return AfterInductionProposal(PRESCRIBER_REVIEW, classification, (MORE_INFUSIONS, titrate),
                                      f"Partial response after induction: the prescriber reviews more infusions or "
                                      f"a dose titration.{caveat}")
    if category in (NON_RESPONSE, WORSE):
        what = "No response" if category == NON_RESPONSE else "Worse than at baseline"
        return AfterInductionProposal(STOP, classification, ALTERNATIVES,
                                      f"{what} after induction: stop, and discuss the alternatives with the "
                                      f"patient. Record the choice and any referral.{caveat}")
    return AfterInductionProposal(PRESCRIBER_REVIEW, classification,
                                  (PLAN_MAINTENANCE, MORE_INFUSIONS, titrate, *ALTERNATIVES),
                                  "The rules cannot classify this course (" + category.replace("_", " ") + "): the "
                                  f"prescriber reviews the course and chooses.{caveat}")


@dataclass(frozen=True)
class IntervalProposal:
    """A proposed next interval; `earlier_visit` asks for a visit within the relapse window instead."""

    interval_weeks: int
    change: str
    earlier_visit: bool
    reason: str
    note: str = PROPOSAL_NOTE


def propose_interval(*, current_interval_weeks: int, category: str, last_category: str | None,
                     relapse: bool = False, symptoms_returned_early: bool = False,
                     protocol: MaintenanceProtocol = DEFAULT_PROTOCOL) -> IntervalProposal:
    """The next interval from this visit's and the last visit's §6.2 class (clinical-reference
    §6.4 [D]); never leaves the protocol's 2–6 weeks, and remission never shortens it.

    `last_category` is the last visit's class (the end-of-induction class before the first
    maintenance visit), None when there is none.
    """
    _check_interval(current_interval_weeks, protocol)
    for name, value in (("category", category), ("last_category", last_category)):
        _check_category(name, value, optional=name == "last_category")
    if relapse or symptoms_returned_early:
        why = "Relapse" if relapse else "Symptoms returned before the planned visit"
        if category == REMISSION:
            return IntervalProposal(current_interval_weeks, KEEP, True, f"{why}: propose an earlier visit. The score "
                                    "is in remission, which never shortens the interval.")
        return _shorten(current_interval_weeks, f"{why}: propose an earlier visit", True, protocol)
    if category in RESPONDED:
        if last_category in RESPONDED:
            return _lengthen(current_interval_weeks, protocol)
        return IntervalProposal(current_interval_weeks, KEEP, False,
                                f"{category.capitalize()} at this visit but not at the last one; keep the interval.")
    if category in (PARTIAL, NON_RESPONSE, WORSE):
        return _shorten(current_interval_weeks, f"{category.replace('_', ' ').capitalize()} at this visit", False,
                        protocol)
    return IntervalProposal(current_interval_weeks, KEEP, False, "This visit cannot be classified against the "
                            f"baseline ({category.replace('_', ' ')}); keep the interval and let the prescriber judge.")


def _check_category(name: str, value: Any, *, optional: bool) -> None:
    if value in CATEGORIES or (optional and value is None):
        return
    raise UnknownCategory(f"{name} {value!r} is not a §6.2 class; send one of {', '.join(CATEGORIES)}.", field=name)


def _shorten(current_weeks: int, why: str, earlier: bool, protocol: MaintenanceProtocol) -> IntervalProposal:
    proposed = max(protocol.min_interval_weeks, current_weeks - protocol.step_weeks)
    if proposed == current_weeks:
        return IntervalProposal(proposed, KEEP, earlier, f"{why}. The interval is already at the "
                                f"{protocol.min_interval_weeks}-week minimum.")
    return IntervalProposal(proposed, SHORTEN, earlier,
                            f"{why}. Shorten the interval from {current_weeks} to {proposed} weeks.")


def _lengthen(current_weeks: int, protocol: MaintenanceProtocol) -> IntervalProposal:
    proposed = min(protocol.max_interval_weeks, current_weeks + protocol.step_weeks)
    if proposed == current_weeks:
        return IntervalProposal(proposed, KEEP, False, "Response or remission at this and the last visit, and the "
                                f"interval is already at the {protocol.max_interval_weeks}-week maximum.")
    return IntervalProposal(proposed, LENGTHEN, False, "Response or remission at this and the last visit: lengthen "
                            f"the interval from {current_weeks} to {proposed} weeks.")


def _check_interval(weeks: int, protocol: MaintenanceProtocol) -> None:
    if isinstance(weeks, bool) or not isinstance(weeks, int) or not (
            protocol.min_interval_weeks <= weeks <= protocol.max_interval_weeks):
        raise IntervalOutOfRange(f"A maintenance interval of {weeks!r} weeks is outside the clinic's "
                                 f"{protocol.min_interval_weeks}–{protocol.max_interval_weeks} weeks. Enter the "
                                 "interval the patient is on, in whole weeks.", field="current_interval_weeks")


@dataclass(frozen=True)
class VisitAssessment:
    """One maintenance visit against the course baseline, and what the rules propose next."""

    classification: Classification
    relapse: bool
    prescriber_review: bool
    interval: IntervalProposal
    next_window: VisitWindow
    reasons: tuple[str, ...]
    note: str = PROPOSAL_NOTE


def assess_visit(*, visit_on: date, baseline: Any, current: Any, scale: str, previous_categories: Sequence[str],
                 current_interval_weeks: int, symptoms_returned_early: bool = False,
                 protocol: MaintenanceProtocol = DEFAULT_PROTOCOL,
                 response_protocol: ResponseProtocol = DEFAULT_RESPONSE) -> VisitAssessment:
    """Classify the visit's score against the course baseline (§6.2), look for relapse, and propose
    the interval and the next window (clinical-reference §6.4 [D]).

    `previous_categories` are the course's earlier classes, oldest first: the end-of-induction
    class, then each earlier maintenance visit's. A relapse, symptoms returning early, or a class
    the rules cannot grade (non-response, worse, not evaluable, no agreed threshold) asks for a
    prescriber review.
    """
    classification = classify(baseline=baseline, current=current, scale=scale, protocol=response_protocol)
    for index, category in enumerate(previous_categories):
        _check_category(f"previous_categories[{index}]", category, optional=False)
    reasons = _relapse_reasons(classification, previous_categories, response_protocol)
    relapse = bool(reasons)
    interval = propose_interval(current_interval_weeks=current_interval_weeks, category=classification.category,
                                last_category=previous_categories[-1] if previous_categories else None,
                                relapse=relapse, symptoms_returned_early=symptoms_returned_early, protocol=protocol)
    if interval.earlier_visit:
        window = relapse_window(assessed_on=visit_on, protocol=protocol)
    else:
        window = visit_window(last_visit_on=visit_on, interval_weeks=interval.interval_weeks, protocol=protocol)
    review = relapse or symptoms_returned_early or classification.category not in (*RESPONDED, PARTIAL)
    return VisitAssessment(classification, relapse, review, interval, window, (*reasons, interval.reason))


def _relapse_reasons(classification: Classification, previous_categories: Sequence[str],
                     response_protocol: ResponseProtocol) -> tuple[str, ...]:
    threshold = response_protocol.criteria_for(classification.scale).relapse_at_or_above
    if threshold is not None:
        if classification.current >= threshold.value:
            return (f"Relapse: score {classification.current} is at or above {threshold.value} "
                    f"[{threshold.tag}] ({threshold.source}). Propose a visit within the relapse window and a "
                    "prescriber review.",)
        return ()
    if classification.category in (NON_RESPONSE, WORSE) and any(c in RESPONDED for c in previous_categories):
        return (f"Relapse: the patient had responded and is now {classification.category.replace('_', ' ')} "
                "against the course baseline (§6.4 [D]). Propose a visit within the relapse window and a prescriber "
                "review.",)
    return ()


@dataclass(frozen=True)
class ReviewStatus:
    due_on: date
    is_due: bool
    days_overdue: int


def benefit_risk_review(*, last_review_on: date, on_date: date,
                        protocol: MaintenanceProtocol = DEFAULT_PROTOCOL) -> ReviewStatus:
    """Benefit–risk review every 90 days in maintenance (clinical-reference §6.4 [D]; ASA [12]).

    `last_review_on` is the last review, or the start of maintenance when there has been none.
    """
    if on_date < last_review_on:
        raise DatesOutOfOrder(f"The date asked about ({on_date}) is before the last review ({last_review_on}). "
                              "Check both dates.", field="on_date")
    due_on = last_review_on + timedelta(days=protocol.benefit_risk_review_every_days)
    return ReviewStatus(due_on, on_date >= due_on, max(0, (on_date - due_on).days))


@dataclass(frozen=True)
class TaperVisit:
    visit_on: date
    interval_weeks: int
    final: bool


@dataclass(frozen=True)
class TaperProposal:
    visits: tuple[TaperVisit, ...]
    note: str = PROPOSAL_NOTE


def propose_taper(*, last_visit_on: date, current_interval_weeks: int, until_interval_weeks: int | None = None,
                  protocol: MaintenanceProtocol = DEFAULT_PROTOCOL) -> TaperProposal:
    """A proposed taper: each interval one step wider than the last, up to `until_interval_weeks`
    (default the protocol's maximum), after which the last visit is the final infusion.

    Clinical-reference §6.4: taper and stop are shared decisions of prescriber and patient; the
    system records them and never schedules them. The reference gives no taper schedule, so the
    widening step is the protocol's interval step [D] and nothing here is booked.
    """
    until = protocol.max_interval_weeks if until_interval_weeks is None else until_interval_weeks
    if isinstance(current_interval_weeks, bool) or not isinstance(current_interval_weeks, int) \
            or current_interval_weeks < 1:
        raise IntervalOutOfRange(f"The current interval must be a whole number of weeks, at least 1; "
                                 f"{current_interval_weeks!r} was sent.", field="current_interval_weeks")
    if isinstance(until, bool) or not isinstance(until, int) or until < current_interval_weeks:
        raise IntervalOutOfRange(f"A taper widens the interval: choose a final interval of at least the current "
                                 f"{current_interval_weeks} weeks, not {until!r}.", field="until_interval_weeks")
    intervals = [*range(current_interval_weeks + protocol.step_weeks, until, protocol.step_weeks), until]
    visits, visit_on = [], last_visit_on
    for index, weeks in enumerate(intervals, start=1):
        visit_on += timedelta(weeks=weeks)
        visits.append(TaperVisit(visit_on, weeks, final=index == len(intervals)))
    return TaperProposal(tuple(visits))

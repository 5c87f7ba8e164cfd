"""Maintenance: the interval between infusions, the benefit–risk review and a proposed taper.

Source: clinical-reference §6.4. The clinic's plan [D]: one infusion every 2–6 weeks; the first at
day 14 after infusion 6, ahead of the 18-day median time to relapse [17]; responder at this visit
and the last → interval + 1 week up to the maximum; improvement below 50 % or symptoms returning
early → interval − 1 week down to the minimum, or an earlier visit; a benefit–risk review every 90
days [12]. Taper and stop are decisions the prescriber and the patient share: the rules only
propose figures, and never book anything.

Each protocol field carries `metadata` {"tag", "source", "verified"}: "D" is a shipped default
the medical director may change, "U" an unverified value a settings page must show as such.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from clinic.rules.errors import DomainError
from clinic.rules.protocol import InvalidProtocol, require_at_least_one, tagged

SOURCE = "clinical-reference §6.4 (maintenance rules [D]); relapse timing [17]; ASA review call [12]"
LENGTHEN, KEEP, SHORTEN = "lengthen", "keep", "shorten"
PROPOSAL_NOTE = ("A proposal only: the prescriber and the patient decide, and the system books "
                 "nothing until they do.")


class IntervalOutOfRange(DomainError):
    code = "INTERVAL_OUT_OF_RANGE"


class DatesOutOfOrder(DomainError):
    code = "DATES_OUT_OF_ORDER"


class InvalidImprovement(DomainError):
    code = "INVALID_IMPROVEMENT"


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
    responder_min_improvement_pct: Decimal = field(
        default=Decimal(50), metadata=tagged("D", "§6.4: improvement below 50 % shortens; response ≥ 50 % (§6.2)"))
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
        require_at_least_one(self, ("step_weeks", "first_visit_days_after_induction", "benefit_risk_review_every_days"))
        if not 0 < self.responder_min_improvement_pct <= 100:
            raise InvalidProtocol("The responder improvement must be above 0 % and at most 100 %.",
                                  field="responder_min_improvement_pct")


DEFAULT_PROTOCOL = MaintenanceProtocol()


@dataclass(frozen=True)
class IntervalProposal:
    """A proposed next interval; `earlier_visit` asks for a visit sooner than the plan."""

    interval_weeks: int
    change: str
    earlier_visit: bool
    reason: str
    note: str = PROPOSAL_NOTE


def propose_interval(*, current_interval_weeks: int, improvement_pct: Decimal | None,
                     last_improvement_pct: Decimal | None, symptoms_returned_early: bool = False,
                     protocol: MaintenanceProtocol = DEFAULT_PROTOCOL) -> IntervalProposal:
    """The next maintenance interval from this visit's and the last visit's improvement over
    baseline (clinical-reference §6.4 [D]). Never leaves the protocol's 2–6 weeks.

    `improvement_pct` is None when it cannot be measured (baseline 0); the interval then stays.
    """
    _check_interval(current_interval_weeks, protocol)
    threshold = protocol.responder_min_improvement_pct
    for name, value in (("improvement_pct", improvement_pct), ("last_improvement_pct", last_improvement_pct)):
        _check_improvement(name, value)
    if symptoms_returned_early or (improvement_pct is not None and improvement_pct < threshold):
        return _shorten(current_interval_weeks, symptoms_returned_early, protocol)
    if improvement_pct is None:
        return IntervalProposal(current_interval_weeks, KEEP, False,
                                "Improvement cannot be measured against a baseline of 0; keep the interval "
                                "and let the prescriber judge.")
    if last_improvement_pct is not None and last_improvement_pct >= threshold:
        return _lengthen(current_interval_weeks, protocol)
    return IntervalProposal(current_interval_weeks, KEEP, False,
                            f"Responder at this visit (≥ {threshold} %) but not at the last one; keep the interval.")


def _check_improvement(name: str, value: Any) -> None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return
    if isinstance(value, Decimal) and value.is_finite():
        return
    raise InvalidImprovement(f"{name} must be a percentage as a Decimal, not {value!r}.", field=name)


def _shorten(current_weeks: int, returned_early: bool, protocol: MaintenanceProtocol) -> IntervalProposal:
    proposed = max(protocol.min_interval_weeks, current_weeks - protocol.step_weeks)
    why = ("Symptoms returned before the planned visit" if returned_early
           else f"Improvement is below {protocol.responder_min_improvement_pct} %")
    if proposed == current_weeks:
        return IntervalProposal(proposed, KEEP, True, f"{why}, and the interval is already at the "
                                f"{protocol.min_interval_weeks}-week minimum: propose an earlier visit.")
    return IntervalProposal(proposed, SHORTEN, returned_early,
                            f"{why}: shorten the interval from {current_weeks} to {proposed} weeks.")


def _lengthen(current_weeks: int, protocol: MaintenanceProtocol) -> IntervalProposal:
    proposed = min(protocol.max_interval_weeks, current_weeks + protocol.step_weeks)
    if proposed == current_weeks:
        return IntervalProposal(proposed, KEEP, False, "Responder at this and the last visit, and the interval is "
                                f"already at the {protocol.max_interval_weeks}-week maximum.")
    return IntervalProposal(proposed, LENGTHEN, False, "Responder at this and the last visit: lengthen the "
                            f"interval from {current_weeks} to {proposed} weeks.")


def _check_interval(weeks: int, protocol: MaintenanceProtocol) -> None:
    if isinstance(weeks, bool) or not isinstance(weeks, int) or not (
            protocol.min_interval_weeks <= weeks <= protocol.max_interval_weeks):
        raise IntervalOutOfRange(f"A maintenance interval of {weeks!r} weeks is outside the clinic's "
                                 f"{protocol.min_interval_weeks}–{protocol.max_interval_weeks} weeks. Enter the "
                                 "interval the patient is on, in whole weeks.", field="current_interval_weeks")


def next_visit_date(*, last_visit_on: date, interval_weeks: int,
                    protocol: MaintenanceProtocol = DEFAULT_PROTOCOL) -> date:
    """The date one interval after the last visit (clinical-reference §6.4)."""
    _check_interval(interval_weeks, protocol)
    return last_visit_on + timedelta(weeks=interval_weeks)


def first_visit_date(*, sixth_infusion_on: date, protocol: MaintenanceProtocol = DEFAULT_PROTOCOL) -> date:
    """The first maintenance infusion: day 14 after infusion 6 by default (clinical-reference §6.4)."""
    return sixth_infusion_on + timedelta(days=protocol.first_visit_days_after_induction)


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

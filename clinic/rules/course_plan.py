"""Induction series: proposed target dates, every rule a series of dates breaks, the numbers the
scheduling engine books by, and the futility check after infusion 3.

Source: clinical-reference §6.1. Published schedules [L]: thrice weekly, 6 infusions in 12 days
[17, 22] or 2 weeks [31]; twice weekly, 6 over 3 weeks [5, 6]; both gave similar results [32]. The
clinic's settings [D]: 6 infusions; target 12–21 days, flag if infusion 6 falls after day 28; gaps
of at least 2 calendar days (never consecutive days); beyond 7 days flag "interrupted"; at most 3
in any 7 consecutive dates; after infusion 3, improvement < 25 % prompts a prescriber review [1].

Days are counted as the reference's "6 infusions in 12 days" counts them: infusion 1 falls on day
1, so Monday to the Friday of the next week is day 12. A gap is the difference of calendar dates
(design §4.3), closed days included.
"""

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from clinic.rules.errors import DomainError
from clinic.rules.maintenance import DatesOutOfOrder
from clinic.rules.protocol import InvalidProtocol, tagged
from clinic.rules.response import checked_score, percent_improvement

SOURCE = "clinical-reference §6.1 (induction settings [D]; published schedules [5, 6, 17, 22, 31, 32])"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
VIOLATION, FLAG = "violation", "flag"


class InvalidSeries(DomainError):
    code = "INVALID_SERIES"


class NoOpenDays(DomainError):
    code = "NO_OPEN_DAYS"


class PatternNotAllowed(DomainError):
    code = "PATTERN_NOT_ALLOWED"


class SeriesComplete(DomainError):
    code = "SERIES_COMPLETE"


class WindowPassed(DomainError):
    code = "WINDOW_PASSED"


@dataclass(frozen=True)
class InductionProtocol:
    """The clinic's induction settings, defaults from clinical-reference §6.1."""

    induction_count: int = field(default=6, metadata=tagged("D", "§6.1 induction_count"))
    allowed_sessions_per_week: tuple[int, ...] = field(
        default=(2, 3), metadata=tagged("L", "§6.1: twice [5, 6] or thrice weekly [17, 22, 31]; similar results [32]"))
    min_gap_calendar_days: int = field(
        default=2, metadata=tagged("D", "§6.1 min_gap_calendar_days (never consecutive days)"))
    max_gap_days: int = field(default=7, metadata=tagged("D", "§6.1 max_gap_days: beyond this, flag \"interrupted\""))
    max_per_rolling_7_days: int = field(default=3, metadata=tagged("D", "§6.1 max_per_rolling_7_days"))
    target_window_min_days: int = field(default=12, metadata=tagged("D", "§6.1 induction_window_days: target 12–21"))
    target_window_max_days: int = field(default=21, metadata=tagged("D", "§6.1 induction_window_days: target 12–21"))
    late_after_day: int = field(default=28, metadata=tagged("D", "§6.1: flag if infusion 6 falls after day 28"))
    futility_check_after_infusion: int = field(
        default=3, metadata=tagged("D", "§6.1 futility_check_after; APA consensus [1]"))
    futility_min_improvement_pct: Decimal = field(
        default=Decimal(25), metadata=tagged("D", "§6.1: improvement < 25 % → prompt prescriber review [1]"))

    def __post_init__(self) -> None:
        if self.induction_count < 1:
            raise InvalidProtocol("An induction needs at least 1 infusion.", field="induction_count")
        if not 1 <= self.min_gap_calendar_days <= self.max_gap_days:
            raise InvalidProtocol(f"Gaps of {self.min_gap_calendar_days}–{self.max_gap_days} days are impossible. Set "
                                  "a minimum gap of at least 1 day and a maximum no shorter.",
                                  field="min_gap_calendar_days")
        if not 1 <= self.max_per_rolling_7_days <= 7:
            raise InvalidProtocol("At most 1 to 7 infusions fit in 7 consecutive dates.",
                                  field="max_per_rolling_7_days")
        if not 1 <= self.target_window_min_days <= self.target_window_max_days <= self.late_after_day:
            raise InvalidProtocol("The target window must start on day 1 or later, end no earlier than it starts, "
                                  "and end no later than the late-flag day.", field="target_window_min_days")
        if not 1 <= self.futility_check_after_infusion <= self.induction_count:
            raise InvalidProtocol("The futility check must come after an infusion of the induction.",
                                  field="futility_check_after_infusion")


DEFAULT_PROTOCOL = InductionProtocol()


@dataclass(frozen=True)
class Finding:
    """One rule a series breaks. `kind` is "violation" (a spacing rule) or "flag" (for the
    prescriber to decide); `infusions` are 1-based positions in the series."""

    code: str
    kind: str
    infusions: tuple[int, ...]
    message: str
    source: str = SOURCE


def day_number(first_on: date, on: date) -> int:
    """Day 1 is the date of infusion 1 (clinical-reference §6.1: "6 infusions in 12 days")."""
    return (on - first_on).days + 1


def validate_series(dates: Sequence[date], *, protocol: InductionProtocol = DEFAULT_PROTOCOL,
                    as_of: date | None = None) -> tuple[Finding, ...]:
    """Every rule of clinical-reference §6.1 the induction dates break, in series order.

    `dates` are the infusion dates in the order given or booked. With `as_of` (the date asked
    about), a series not yet complete is also flagged when it is interrupted or can no longer end
    inside the window.
    """
    _check_dates(dates, as_of)
    if not dates:
        return ()
    findings = [*_gap_findings(dates, protocol), *_crowding_findings(dates, protocol)]
    findings += _window_findings(dates, protocol, as_of)
    return tuple(findings)


def _check_dates(dates: Sequence[date], as_of: date | None) -> None:
    for position, on in enumerate(dates, start=1):
        if isinstance(on, datetime) or not isinstance(on, date):
            raise InvalidSeries(f"Infusion {position} needs a calendar date, not {on!r}.", field=f"dates[{position}]")
    if as_of is not None and dates and as_of < max(dates):
        raise DatesOutOfOrder(f"The date asked about ({as_of}) is before the last infusion ({max(dates)}). "
                              "Check the dates.", field="as_of")


def _gap_findings(dates: Sequence[date], protocol: InductionProtocol) -> list[Finding]:
    findings = []
    for position in range(2, len(dates) + 1):
        earlier, later = dates[position - 2], dates[position - 1]
        gap_days = (later - earlier).days
        pair = (position - 1, position)
        if gap_days < 0:
            findings.append(Finding("OUT_OF_ORDER", VIOLATION, pair, f"Infusion {position} ({later}) is dated before "
                                    f"infusion {position - 1} ({earlier}). Put the series in date order."))
        elif gap_days < protocol.min_gap_calendar_days:
            findings.append(Finding("GAP_TOO_SHORT", VIOLATION, pair, f"Infusions {position - 1} and {position} are "
                                    f"{gap_days} day(s) apart; the minimum is {protocol.min_gap_calendar_days}. Move "
                                    f"infusion {position} to {earlier + timedelta(protocol.min_gap_calendar_days)} "
                                    "or later."))
        elif gap_days > protocol.max_gap_days:
            findings.append(_interrupted(pair, earlier, gap_days, protocol))
    return findings


def _interrupted(pair: tuple[int, ...], earlier: date, gap_days: int, protocol: InductionProtocol) -> Finding:
    return Finding("INTERRUPTED", FLAG, pair, f"{gap_days} days after infusion {pair[0]} ({earlier}), more than the "
                   f"{protocol.max_gap_days}-day maximum: the series is interrupted. The prescriber decides whether "
                   "to continue or restart.")


def _crowding_findings(dates: Sequence[date], protocol: InductionProtocol) -> list[Finding]:
    # Any 7 consecutive dates holding too many infusions can be shifted to start on one of them.
    findings = []
    for start in sorted(set(dates)):
        inside = tuple(position for position, on in enumerate(dates, start=1) if 0 <= (on - start).days <= 6)
        if len(inside) > protocol.max_per_rolling_7_days:
            findings.append(Finding("TOO_MANY_IN_7_DAYS", VIOLATION, inside, f"{len(inside)} infusions fall within "
                                    f"the 7 days from {start}; at most {protocol.max_per_rolling_7_days} are allowed. "
                                    "Move one of them later."))
    return findings


def _window_findings(dates: Sequence[date], protocol: InductionProtocol, as_of: date | None) -> list[Finding]:
    count, first_on = protocol.induction_count, dates[0]
    findings = []
    if len(dates) > count:
        findings.append(Finding("MORE_THAN_INDUCTION", FLAG, tuple(range(count + 1, len(dates) + 1)),
                                f"The series has {len(dates)} infusions; the induction has {count}. Infusions after "
                                f"{count} need the prescriber's decision (§6.3)."))
    if len(dates) >= count:
        findings += _end_day_findings(day_number(first_on, dates[count - 1]), (count,), protocol)
    elif as_of is not None:
        gap_days = (as_of - dates[-1]).days
        if gap_days > protocol.max_gap_days:
            findings.append(_interrupted((len(dates),), dates[-1], gap_days, protocol))
        # Even at the minimum gap from here on, infusion `count` cannot come sooner than this.
        soonest_on = max(as_of, dates[-1] + timedelta(protocol.min_gap_calendar_days))
        soonest_day = day_number(first_on, soonest_on) + (count - len(dates) - 1) * protocol.min_gap_calendar_days
        if soonest_day > protocol.target_window_max_days:
            findings += _end_day_findings(soonest_day, (), protocol, pending=True)
    return findings


def _end_day_findings(day: int, infusions: tuple[int, ...], protocol: InductionProtocol,
                      pending: bool = False) -> list[Finding]:
    low, high, late = protocol.target_window_min_days, protocol.target_window_max_days, protocol.late_after_day
    when = "can now fall no earlier than" if pending else "falls on"
    if day > late:
        return [Finding("INDUCTION_LATE", FLAG, infusions, f"Infusion {protocol.induction_count} {when} day {day}, "
                        f"after day {late}. The prescriber decides whether the induction still counts.")]
    if pending or not low <= day <= high:
        return [Finding("OUTSIDE_TARGET_WINDOW", FLAG, infusions, f"Infusion {protocol.induction_count} {when} day "
                        f"{day}, outside the target of days {low}–{high}. The prescriber is told; no action needed.")]
    return []


@dataclass(frozen=True)
class ProposedVisit:
    """A target date; the window is where the visit may move if the previous one keeps its target."""

    index: int
    target_on: date
    earliest_on: date
    latest_on: date
    day: int


@dataclass(frozen=True)
class InductionProposal:
    visits: tuple[ProposedVisit, ...]
    findings: tuple[Finding, ...]
    note: str = "Target dates only: the scheduling engine books the series against chairs and staff."


def propose_induction(*, start_on: date, open_weekdays: Collection[str], sessions_per_week: int,
                      closed_dates: Collection[date] = (),
                      protocol: InductionProtocol = DEFAULT_PROTOCOL) -> InductionProposal:
    """Target dates for the induction from `start_on` on the clinic's open weekdays
    ("mon" … "sun"), spread `sessions_per_week` (twice or thrice weekly, §6.1 [L]) and kept to the
    spacing rules of §6.1 [D]. The proposal carries every finding of `validate_series`, so a clinic
    open too rarely sees its series flagged rather than silently stretched."""
    if sessions_per_week not in protocol.allowed_sessions_per_week or \
            sessions_per_week > protocol.max_per_rolling_7_days:
        raise PatternNotAllowed(f"{sessions_per_week!r} infusions a week is not an allowed pattern. Choose one of "
                                f"{', '.join(map(str, protocol.allowed_sessions_per_week))} a week, at most "
                                f"{protocol.max_per_rolling_7_days}.", field="sessions_per_week")
    unknown = sorted(set(open_weekdays) - set(WEEKDAYS))
    if unknown:
        raise NoOpenDays(f"Unknown weekday(s) {', '.join(map(str, unknown))}; use mon, tue, wed, thu, fri, sat, sun.",
                         field="open_weekdays")
    if not open_weekdays:
        raise NoOpenDays("The clinic has no open weekday. Set its opening hours first.", field="open_weekdays")
    is_open = _opening(open_weekdays, closed_dates)
    first_on = _next_open(start_on, is_open)
    dates = [first_on]
    for index in range(1, protocol.induction_count):
        ideal_on = first_on + timedelta(days=index * 7 // sessions_per_week)
        candidate = max(ideal_on, dates[-1] + timedelta(protocol.min_gap_calendar_days))
        while not is_open(candidate) or _count_in_week_ending(dates, candidate) >= protocol.max_per_rolling_7_days:
            candidate += timedelta(days=1)
        dates.append(candidate)
    return InductionProposal(_visits(dates, protocol), validate_series(dates, protocol=protocol))


def _opening(open_weekdays: Collection[str], closed_dates: Collection[date]) -> Callable[[date], bool]:
    open_numbers = {WEEKDAYS.index(day) for day in open_weekdays}
    closed = set(closed_dates)
    return lambda on: on.weekday() in open_numbers and on not in closed


def _next_open(on: date, is_open: Callable[[date], bool]) -> date:
    while not is_open(on):
        on += timedelta(days=1)
    return on


def _count_in_week_ending(dates: Sequence[date], on: date) -> int:
    return sum(1 for given in dates if 0 <= (on - given).days <= 6)


def _visits(dates: Sequence[date], protocol: InductionProtocol) -> tuple[ProposedVisit, ...]:
    visits = []
    for index, target_on in enumerate(dates, start=1):
        previous_on = dates[index - 2] if index > 1 else None
        earliest_on = previous_on + timedelta(protocol.min_gap_calendar_days) if previous_on else target_on
        latest_on = previous_on + timedelta(protocol.max_gap_days) if previous_on else target_on
        visits.append(ProposedVisit(index, target_on, earliest_on, latest_on, day_number(dates[0], target_on)))
    return tuple(visits)


@dataclass(frozen=True)
class SeriesRequest:
    """The induction's booking rules in the scheduling engine's terms (design §4.3 request)."""

    sessions: int
    earliest: date
    latest: date
    min_gap_days: int
    max_gap_days: int
    max_per_7_days: int
    previous_dates: tuple[date, ...]

    def as_request_fields(self) -> dict[str, Any]:
        return {"sessions": self.sessions, "earliest": self.earliest.isoformat(), "latest": self.latest.isoformat(),
                "min_gap_days": self.min_gap_days, "max_gap_days": self.max_gap_days,
                "max_per_7_days": self.max_per_7_days,
                "previous_dates": [on.isoformat() for on in self.previous_dates]}


def series_request(*, earliest_on: date, previous_dates: Sequence[date] = (), latest_on: date | None = None,
                   protocol: InductionProtocol = DEFAULT_PROTOCOL) -> SeriesRequest:
    """The remaining induction as a scheduling request: every session between `earliest_on` and,
    unless the prescriber gives `latest_on`, the last day of the target window (day 21 from
    infusion 1), spaced by §6.1's gaps and 7-day limit. Infusions already given are
    `previous_dates`; day 1 is the first of them."""
    _check_dates(previous_dates, None)
    remaining = protocol.induction_count - len(previous_dates)
    if remaining <= 0:
        raise SeriesComplete(f"All {protocol.induction_count} induction infusions are given. Plan maintenance or "
                             "record the prescriber's decision instead (§6.3).", field="previous_dates")
    first_on = min(previous_dates) if previous_dates else earliest_on
    latest = latest_on or first_on + timedelta(days=protocol.target_window_max_days - 1)
    if latest < earliest_on:
        raise WindowPassed(f"The induction's target window ended on {latest}. The prescriber decides whether to "
                           "continue; to book the rest, give the latest date they accept.", field="latest_on")
    return SeriesRequest(remaining, earliest_on, latest, protocol.min_gap_calendar_days, protocol.max_gap_days,
                         protocol.max_per_rolling_7_days, tuple(sorted(previous_dates)))


@dataclass(frozen=True)
class FutilityCheck:
    due: bool
    review_prompted: bool
    improvement_pct: Decimal | None
    message: str
    source: str = "clinical-reference §6.1 futility_check_after [D]; APA consensus [1]"


def futility_check(*, baseline: Any, current: Any, infusions_given: int, scale: str,
                   protocol: InductionProtocol = DEFAULT_PROTOCOL) -> FutilityCheck:
    """After infusion 3, improvement below 25 % prompts a prescriber review: few patients respond
    after more than 3 infusions if they had no response before (clinical-reference §6.1; [1]).
    A baseline of 0 cannot show improvement, so it prompts the review as well."""
    if isinstance(infusions_given, bool) or not isinstance(infusions_given, int) or infusions_given < 0:
        raise InvalidSeries(f"The number of infusions given must be a whole number, 0 or more; {infusions_given!r} "
                            "was sent.", field="infusions_given")
    after = protocol.futility_check_after_infusion
    if infusions_given < after:
        return FutilityCheck(False, False, None, f"The futility check is due after infusion {after}.")
    pct = percent_improvement(baseline=checked_score(baseline, scale=scale, field="baseline"),
                              current=checked_score(current, scale=scale, field="current"))
    threshold = protocol.futility_min_improvement_pct
    if pct is None:
        return FutilityCheck(True, True, None, "The baseline score is 0, so improvement cannot be measured. The "
                             "prescriber reviews whether to continue.")
    if pct < threshold:
        return FutilityCheck(True, True, pct, f"Improvement after {infusions_given} infusions is below {threshold} %: "
                             "few patients respond later. The prescriber reviews whether to continue.")
    return FutilityCheck(True, False, pct, f"Improvement is at least {threshold} %; continue the induction.")

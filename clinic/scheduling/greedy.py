"""First-come, earliest-fit booking: the baseline, and the CP-SAT solver's hint and fallback.

Requests are taken in input order, priority ignored, as a front desk books by phone. For each one,
series start dates are tried from the earliest; each visit goes on the first allowed date at the
earliest slot where a chair, a nurse on a covering shift with room to monitor and a free set-up,
and the patient's day are all free. A date is allowed when it keeps the series spaced, leaves the
visits after it room to end before the first following date, and keeps every 7 dates around it
within the cap, counting previous and following dates and the patient's fixed sessions. A series is
booked whole or not at all.
"""

import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from clinic.scheduling.constraints import objective, series_dates, timeline
from clinic.scheduling.problem import Instance, PlacedSession, Plan, Request, Unplaced

NO_SERIES_FITS = "NO_SERIES_FITS"


@dataclass(frozen=True)
class Slot:
    start: int  # minute on the timeline
    chair: str
    nurse: str


@dataclass
class Calendar:
    """What is booked so far, by day: chairs, nurses (chair time and set-up end) and patients."""

    instance: Instance
    chairs: dict[tuple[str, int], list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))
    nurses: dict[tuple[str, int], list[tuple[int, int, int]]] = field(default_factory=lambda: defaultdict(list))
    patient_days: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    shifts: dict[str, dict[int, list[tuple[int, int]]]] = field(default_factory=dict)
    versions: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    _found: dict[tuple[int, int, int], tuple[int, Slot | None]] = field(default_factory=dict)

    @classmethod
    def with_fixed(cls, instance: Instance) -> "Calendar":
        calendar = cls(instance, shifts={n.id: timeline.shifts_by_day(instance, n) for n in instance.nurses})
        for session in instance.fixed:
            start, end, setup_end = timeline.fixed_span(instance, session)
            for day in {start // timeline.MINUTES_PER_DAY, (end - 1) // timeline.MINUTES_PER_DAY}:
                calendar.chairs[session.chair, day].append((start, end))
                calendar.nurses[session.nurse, day].append((start, end, setup_end))
            calendar.patient_days[session.patient].add(start // timeline.MINUTES_PER_DAY)
        return calendar

    def book(self, *, patient: str, slot: Slot, chair_minutes: int, setup_minutes: int) -> None:
        day = slot.start // timeline.MINUTES_PER_DAY
        self.chairs[slot.chair, day].append((slot.start, slot.start + chair_minutes))
        self.nurses[slot.nurse, day].append((slot.start, slot.start + chair_minutes, slot.start + setup_minutes))
        self.patient_days[patient].add(day)
        self.versions[day] += 1

    def earliest_slot(self, day: int, chair_minutes: int, setup_minutes: int) -> Slot | None:
        """The earliest slot on the day for a session of these lengths, remembered until the day changes."""
        key = (day, chair_minutes, setup_minutes)
        version, slot = self._found.get(key, (-1, None))
        if version != self.versions[day]:
            slot = self._search(day, chair_minutes, setup_minutes)
            self._found[key] = (self.versions[day], slot)
        return slot

    def _search(self, day: int, chair_minutes: int, setup_minutes: int) -> Slot | None:
        hours = timeline.opening(self.instance, day)
        if hours is None:
            return None
        for start in self._candidate_starts(day, hours):
            if start + chair_minutes > hours[1]:
                return None
            end = start + chair_minutes
            chair = next((c for c in self.instance.chairs if _free(self.chairs.get((c, day), ()), start, end)), None)
            if chair is None:
                continue
            nurse = next((n.id for n in self.instance.nurses
                          if self._nurse_can(n.id, n.max_patients, day, start, end, start + setup_minutes)), None)
            if nurse is not None:
                return Slot(start=start, chair=chair, nurse=nurse)
        return None

    def _candidate_starts(self, day: int, hours: tuple[int, int]) -> list[int]:
        """The earliest start is the opening or the first grid minute after something ends or a shift
        begins: anything between two such moments is blocked by whatever blocked the one before."""
        moments = {hours[0]}
        for chair in self.instance.chairs:
            moments.update(end for _, end in self.chairs.get((chair, day), ()))
        for nurse in self.instance.nurses:
            for _, end, setup_end in self.nurses.get((nurse.id, day), ()):
                moments.update((end, setup_end))
            moments.update(start for start, _ in self.shifts[nurse.id].get(day, ()))
        return sorted({timeline.grid_at_or_after(self.instance, m) for m in moments if m >= hours[0]})

    def _nurse_can(self, nurse: str, max_patients: int, day: int, start: int, end: int, setup_end: int) -> bool:
        if not any(s <= start and end <= e for s, e in self.shifts[nurse].get(day, ())):
            return False
        held = self.nurses.get((nurse, day), ())
        if setup_end > start and any(start < other_setup_end and other_start < setup_end
                                     for other_start, _, other_setup_end in held):
            return False
        overlapping = [(s, e) for s, e, _ in held if s < end and start < e]
        # The count only rises where a session starts, so checking there finds the peak.
        moments = [start] + [s for s, _ in overlapping if s > start]
        return all(1 + sum(s <= m < e for s, e in overlapping) <= max_patients for m in moments)


def _free(busy: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    return all(end <= other_start or other_end <= start for other_start, other_end in busy)


def solve(instance: Instance) -> Plan:
    """Book every request in input order at its earliest fit; status GREEDY."""
    started = time.perf_counter()
    calendar = Calendar.with_fixed(instance)
    fixed_days = series_dates.fixed_days_by_patient(instance)
    placed: list[PlacedSession] = []
    unplaced: list[Unplaced] = []
    for request in instance.requests:
        series = _earliest_series(calendar, request, series_dates.given_days(instance, request,
                                                                             fixed_days[request.patient]))
        if series is None:
            unplaced.append(Unplaced(request=request.id, code=NO_SERIES_FITS, reason=unplaced_reason(request)))
            continue
        for index, slot in enumerate(series, start=1):
            calendar.book(patient=request.patient, slot=slot, chair_minutes=request.chair_minutes,
                          setup_minutes=request.setup_minutes)
            placed.append(PlacedSession(request=request.id, index=index, patient=request.patient, chair=slot.chair,
                                        nurse=slot.nurse, start=timeline.datetime_at(instance, slot.start)))
    return Plan(solver="greedy", status="GREEDY", seconds=time.perf_counter() - started, placed=tuple(placed),
                unplaced=tuple(unplaced), objective=objective.score(instance, placed))


def unplaced_reason(request: Request) -> str:
    visits = f"{request.sessions}-visit series" if request.sessions > 1 else "visit"
    spacing = f"visits {request.min_gap_days}–{request.max_gap_days} days apart"
    if request.max_per_7_days is not None:
        spacing += f", at most {request.max_per_7_days} in 7 days"
    if request.previous_dates:
        spacing += f", the first after {request.previous_dates[-1]}"
    if request.following_dates:
        spacing += f", the last before {request.following_dates[0]}"
    return (f"no {visits} fits between {request.earliest} and {request.latest} ({spacing}) "
            "in the chair and nurse time left")


def _earliest_series(calendar: Calendar, request: Request, given: set[int]) -> list[Slot] | None:
    for first_day in _first_days(calendar.instance, request):
        series = _series_from(calendar, request, first_day, given)
        if series is not None:
            return series
    return None


def _first_days(instance: Instance, request: Request) -> Iterator[int]:
    earliest, latest = timeline.day_of(instance, request.earliest), timeline.day_of(instance, request.latest)
    if request.previous_dates:
        last = timeline.day_of(instance, request.previous_dates[-1])
        earliest, latest = max(earliest, last + request.min_gap_days), min(latest, last + request.max_gap_days)
    return iter(range(earliest, latest + 1))


def _series_from(calendar: Calendar, request: Request, first_day: int, given: set[int]) -> list[Slot] | None:
    """The series starting on first_day, each later visit on its earliest allowed date, or None."""
    instance = calendar.instance
    latest = timeline.day_of(instance, request.latest)
    following = timeline.day_of(instance, request.following_dates[0]) if request.following_dates else None
    days: list[int] = []
    series: list[Slot] = []
    candidates: Iterator[int] = iter((first_day,))
    for index in range(request.sessions):
        slot = next((found for day in candidates
                     if _reaches_following(request, following, index, day)
                     and _day_allowed(calendar, request, day, given.union(days))
                     and (found := calendar.earliest_slot(day, request.chair_minutes, request.setup_minutes))), None)
        if slot is None:
            return None
        series.append(slot)
        days.append(slot.start // timeline.MINUTES_PER_DAY)
        candidates = iter(range(days[-1] + request.min_gap_days, min(days[-1] + request.max_gap_days, latest) + 1))
    return series


def _reaches_following(request: Request, following: int | None, index: int, day: int) -> bool:
    """Visit `index` (from 0) on that day leaves the visits after it room to end min_gap_days..
    max_gap_days before the first following date."""
    if following is None:
        return True
    gaps = request.sessions - index
    return following - gaps * request.max_gap_days <= day <= following - gaps * request.min_gap_days


def _day_allowed(calendar: Calendar, request: Request, day: int, visits: set[int]) -> bool:
    """The patient is free that day and every 7 dates holding it stay within the request's cap, counting
    the series' given visits and the ones booked so far."""
    if day in calendar.patient_days[request.patient]:
        return False
    return request.max_per_7_days is None or not series_dates.crowded(day, visits, request.max_per_7_days)

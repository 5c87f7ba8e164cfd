"""Seeded instances of the scheduling problem (design §4.3), for tests and the benchmark.

Every random choice goes through one `random.Random(seed)` and nothing iterates over a set, so the
same seed and parameters always give the same instance. Clinics range from 4 chairs / 2 nurses to
10 chairs / 5 nurses; calendars carry a holiday, some Saturday mornings, nurse shifts in one or two
parts a day, fixed bookings pinned to chairs and nurses (never double-booked), and a mix of new
induction series, series already under way (`previous_dates`) and maintenance visits. `replanning`
turns some planted series into one visit in the middle to re-plan, between visits that stay booked
(`previous_dates`, `following_dates` and the patient's fixed sessions).

    python -m clinic.scheduling.generate --seed 3 --sessions 600 > week.json
"""

import argparse
import dataclasses
import datetime as dt
import json
import random
import sys
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from clinic.scheduling.problem import (
    WEEKDAYS,
    FixedSession,
    Instance,
    Nurse,
    PlacedSession,
    Plan,
    Request,
    Shift,
    Window,
)

FIRST_MONDAY = dt.date(2026, 12, 7)
INDUCTION_SESSIONS = 6
SLOT_MINUTES = 5
START_STEP_MINUTES = 15  # fixed bookings start on the quarter hour unless packed against another
FIXED_CHAIR_MINUTES = (120, 120, 120, 90)  # booked inductions and maintenance visits
MAX_REDRAWS = 200  # requests drawn in a row that find no room before the clinic counts as full
SATURDAY_HOURS = (dt.time(8, 0), dt.time(13, 0))
# Share of requests by kind: new inductions, inductions under way, maintenance visits.
REQUEST_MIX = (("induction", 45), ("continuing", 15), ("maintenance", 40))


class GenerationError(ValueError):
    """The asked-for sessions and fullness do not fit the clinic."""


# ---- public ---------------------------------------------------------------------------------------

def generate(seed: int, *, sessions: int = 250, chairs: int = 10, nurses: int = 5, days: int = 21,
             fullness: float = 0.0) -> Instance:
    """A clinic with `sessions` requested sessions, and fixed bookings holding `fullness` of its
    open chair-minutes. Every request is planted first: a plan placing all of them exists."""
    return planted(seed, sessions=sessions, chairs=chairs, nurses=nurses, days=days, fullness=fullness)[0]


def planted(seed: int, *, sessions: int = 250, chairs: int = 10, nurses: int = 5, days: int = 21,
            fullness: float = 0.0) -> tuple[Instance, Plan]:
    """`generate`'s instance with the plan its requests were planted by, which places every one."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    board = _Board(_clinic(rng, chairs=chairs, nurses=nurses, days=days))
    fixed = _fixed_sessions(rng, board, fullness=fullness)
    requests = _requests(rng, board, sessions=sessions, fixed_patients=sorted({f.patient for f in fixed}))
    plan = Plan(solver="planted", status="FEASIBLE", seconds=0.0, placed=tuple(board.planted))
    return dataclasses.replace(board.clinic, fixed=fixed, requests=requests), plan


def replanning(seed: int, *, series: int = 10, sessions: int = 250, chairs: int = 10, nurses: int = 5,
               days: int = 21, fullness: float = 0.0) -> tuple[Instance, Plan]:
    """`planted`'s clinic in which up to `series` planted series of three visits or more each have one
    visit in the middle to re-plan, with the plan that places every request. The series' other visits
    stay booked as fixed sessions of the patient, and are also its `previous_dates` (those before) and
    `following_dates` (those after); the visit's window runs from min_gap_days after the one before to
    min_gap_days before the one after."""
    instance, plan = planted(seed, sessions=sessions, chairs=chairs, nurses=nurses, days=days, fullness=fullness)
    rng = random.Random(f"replanning-{seed}")  # noqa: S311 - reproducible test data, not secrets
    by_request: dict[str, list[PlacedSession]] = defaultdict(list)
    for session in plan.placed:
        by_request[session.request].append(session)
    long_series = [request for request in instance.requests if request.sessions >= 3]
    chosen = {request.id for request in rng.sample(long_series, min(series, len(long_series)))}
    requests, fixed, placed = [], list(instance.fixed), []
    for request in instance.requests:
        visits = sorted(by_request[request.id], key=lambda s: s.index)
        if request.id not in chosen:
            requests.append(request)
            placed += visits
            continue
        middle = rng.randrange(1, len(visits) - 1)  # from 0: never the first or the last
        requests.append(_one_visit_to_replan(request, visits, middle))
        fixed += [_booked(request, visit) for index, visit in enumerate(visits) if index != middle]
        placed.append(dataclasses.replace(visits[middle], index=1))
    replanned = dataclasses.replace(instance, requests=tuple(requests), fixed=tuple(fixed))
    return replanned, dataclasses.replace(plan, placed=tuple(placed))


def _one_visit_to_replan(request: Request, visits: list[PlacedSession], middle: int) -> Request:
    before, after = visits[middle - 1].start.date(), visits[middle + 1].start.date()
    gap = dt.timedelta(days=request.min_gap_days)
    return dataclasses.replace(
        request, sessions=1, earliest=before + gap, latest=after - gap,
        previous_dates=(*request.previous_dates, *(visit.start.date() for visit in visits[:middle])),
        following_dates=tuple(visit.start.date() for visit in visits[middle + 1:]))


def _booked(request: Request, visit: PlacedSession) -> FixedSession:
    return FixedSession(id=f"{request.id}-{visit.index}", patient=visit.patient, chair=visit.chair, nurse=visit.nurse,
                        start=visit.start, chair_minutes=request.chair_minutes, setup_minutes=request.setup_minutes)


def incremental(seed: int, fullness: float = 0.85, *, chairs: int = 10, nurses: int = 5,
                days: int = 21) -> Instance:
    """A calendar booked to about `fullness` (see `booked_fullness` for what it reached) and ONE new
    6-visit induction request, which fits: the phone-booking case."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    board = _Board(_clinic(rng, chairs=chairs, nurses=nurses, days=days))
    fixed = _fixed_sessions(rng, board, fullness=fullness)
    for _ in range(MAX_REDRAWS):
        request = _induction(rng, board.clinic, ident="R1", patient="P1", earliest_offset=rng.randrange(3))
        request = dataclasses.replace(request, latest=board.clinic.dates[-1])
        if _plant(rng, board, request):
            return dataclasses.replace(board.clinic, fixed=fixed, requests=(request,))
    raise GenerationError(f"No 6-visit series fits a calendar {fullness:.0%} full; ask for a lower fullness.")


def booked_fullness(instance: Instance) -> float:
    """Booked (fixed) chair-minutes over open chair-minutes, as design §5 measures fullness."""
    booked_minutes = sum(session.chair_minutes for session in instance.fixed)
    return booked_minutes / open_chair_minutes(instance)


def open_chair_minutes(instance: Instance) -> int:
    return len(instance.chairs) * sum(close - opens for _, opens, close in _open_days(instance))


def requested_sessions(instance: Instance) -> int:
    return sum(request.sessions for request in instance.requests)


def instance_to_json(instance: Instance) -> dict[str, Any]:
    """The instance as the JSON of design §4.3, which `problem.parse_instance` reads back."""
    return {
        "start_date": instance.start_date.isoformat(), "days": instance.days, "slot_minutes": instance.slot_minutes,
        "opening_hours": {day: None if span is None else [_hhmm(span[0]), _hhmm(span[1])]
                          for day, span in instance.opening_hours.items()},
        "closed_dates": sorted(day.isoformat() for day in instance.closed_dates),
        "chairs": list(instance.chairs),
        "nurses": [{"id": nurse.id, "max_patients": nurse.max_patients,
                    "shifts": [{"date": s.date.isoformat(), "start": _hhmm(s.start), "end": _hhmm(s.end)}
                               for s in nurse.shifts]} for nurse in instance.nurses],
        "fixed": [{"id": f.id, "patient": f.patient, "chair": f.chair, "nurse": f.nurse,
                   "start": f.start.strftime("%Y-%m-%dT%H:%M"), "chair_minutes": f.chair_minutes,
                   "setup_minutes": f.setup_minutes} for f in instance.fixed],
        "requests": [_request_to_json(request) for request in instance.requests],
    }


def _request_to_json(request: Request) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": request.id, "patient": request.patient, "sessions": request.sessions,
        "earliest": request.earliest.isoformat(), "latest": request.latest.isoformat(),
        "min_gap_days": request.min_gap_days, "max_gap_days": request.max_gap_days,
        "previous_dates": [day.isoformat() for day in request.previous_dates],
        "chair_minutes": request.chair_minutes, "setup_minutes": request.setup_minutes,
        "priority": request.priority,
        "preferred": [{"weekday": w.weekday, "start": _hhmm(w.start), "end": _hhmm(w.end)} for w in request.preferred],
    }
    if request.following_dates:
        data["following_dates"] = [day.isoformat() for day in request.following_dates]
    if request.max_per_7_days is not None:
        data["max_per_7_days"] = request.max_per_7_days
    return data


# ---- the clinic: hours, holiday, chairs, nurses ----------------------------------------------------

def _clinic(rng: random.Random, *, chairs: int, nurses: int, days: int) -> Instance:
    start_date = FIRST_MONDAY + dt.timedelta(weeks=rng.randrange(26))
    opens = rng.choice((dt.time(8, 0), dt.time(7, 30)))
    weekday_hours = (opens, _clock(_minutes(opens) + 600))
    saturday = SATURDAY_HOURS if rng.random() < 0.6 else None
    hours = {day: weekday_hours for day in WEEKDAYS[:5]} | {"sat": saturday, "sun": None}
    dates = [start_date + dt.timedelta(days=offset) for offset in range(days)]
    weekdays = [day for day in dates[1:] if day.weekday() < 5]
    closed = {rng.choice(weekdays)} if weekdays else set()
    # Some Saturdays only: a clinic open on Saturday mornings skips about one in three.
    closed |= {day for day in dates if day.weekday() == 5 and saturday and rng.random() < 0.3}
    clinic = Instance(start_date=start_date, days=days, opening_hours=hours, closed_dates=frozenset(closed),
                      chairs=tuple(f"C{n}" for n in range(1, chairs + 1)), nurses=(), slot_minutes=SLOT_MINUTES)
    staff = tuple(Nurse(id=f"N{n}", max_patients=rng.choice((3, 3, 4)), shifts=_shifts(rng, clinic))
                  for n in range(1, nurses + 1))
    return dataclasses.replace(clinic, nurses=staff)


def _shifts(rng: random.Random, clinic: Instance) -> tuple[Shift, ...]:
    """One shift over the opening hours, or two that meet at a hand-over around midday: a session
    running across the hand-over needs a nurse on a whole-day shift (rule 3)."""
    shifts = []
    for day, opens, closes in _open_days(clinic):
        if closes - opens <= 360 or rng.random() < 0.6:
            shifts.append(Shift(date=day, start=_clock(opens), end=_clock(closes)))
            continue
        handover = rng.choice((12 * 60, 12 * 60 + 30, 13 * 60, 13 * 60 + 30))
        shifts += [Shift(date=day, start=_clock(opens), end=_clock(handover)),
                   Shift(date=day, start=_clock(handover), end=_clock(closes))]
    return tuple(shifts)


def _open_days(instance: Instance) -> list[tuple[dt.date, int, int]]:
    """(date, opening minute, closing minute) for every open date of the horizon."""
    days = []
    for day in instance.dates:
        hours = instance.hours_on(day)
        if hours is not None:
            days.append((day, _minutes(hours[0]), _minutes(hours[1])))
    return days


# ---- fixed bookings --------------------------------------------------------------------------------

@dataclasses.dataclass
class _Board:
    """What is booked so far, fixed and planted, so the next visit goes only where it fits: a free
    chair, a nurse on one covering shift, under her monitoring limit and free for the set-up, and a
    patient with no other visit that day."""

    clinic: Instance
    chair_busy: dict[tuple[dt.date, str], list[tuple[int, int]]] = dataclasses.field(
        default_factory=lambda: defaultdict(list))
    nurse_busy: dict[tuple[dt.date, str], list[tuple[int, int, int]]] = dataclasses.field(
        default_factory=lambda: defaultdict(list))
    patient_dates: dict[str, set[dt.date]] = dataclasses.field(default_factory=lambda: defaultdict(set))
    planted: list[PlacedSession] = dataclasses.field(default_factory=list)

    def gaps(self, day: dt.date, chair: str, *, at_least: int) -> list[tuple[int, int]]:
        """Free stretches of the chair on that date, at least `at_least` minutes long."""
        hours = self.clinic.hours_on(day)
        if hours is None:
            return []
        free, cursor = [], _minutes(hours[0])
        for start, end in [*sorted(self.chair_busy[day, chair]), (_minutes(hours[1]), 0)]:
            if start - cursor >= at_least:
                free.append((cursor, start))
            cursor = max(cursor, end)
        return free

    def slot_in_gap(self, rng: random.Random, gap: tuple[int, int], *, day: dt.date, chair_minutes: int,
                    setup_minutes: int) -> tuple[int, Nurse] | None:
        """A start in the gap with a free nurse: against either edge first, so chair-days pack tightly
        enough to reach high fullness, then inwards on the quarter hour."""
        first, last = gap[0], gap[1] - chair_minutes
        edges = [first, last] if rng.random() < 0.5 else [last, first]
        inner = list(range(_ceil_to(first + 1, START_STEP_MINUTES), last, START_STEP_MINUTES))[:8]
        for start in edges + inner:
            nurses = list(self.clinic.nurses)
            rng.shuffle(nurses)
            for nurse in nurses:
                if self._nurse_fits(nurse, day, start, start + chair_minutes, setup_minutes):
                    return start, nurse
        return None

    def slot(self, rng: random.Random, day: dt.date, *, chair_minutes: int,
             setup_minutes: int) -> tuple[str, int, Nurse] | None:
        """Any chair, start and nurse that fit a visit on that date."""
        chairs = list(self.clinic.chairs)
        rng.shuffle(chairs)
        for chair in chairs:
            for gap in self.gaps(day, chair, at_least=chair_minutes):
                found = self.slot_in_gap(rng, gap, day=day, chair_minutes=chair_minutes, setup_minutes=setup_minutes)
                if found is not None:
                    return chair, *found
        return None

    def _nurse_fits(self, nurse: Nurse, day: dt.date, start: int, end: int, setup: int) -> bool:
        on_shift = any(s.date == day and _minutes(s.start) <= start and end <= _minutes(s.end) for s in nurse.shifts)
        if not on_shift:
            return False
        held = self.nurse_busy[day, nurse.id]
        if any(start < other_setup_end and other_start < start + setup for other_start, _, other_setup_end in held):
            return False
        # The monitoring count only rises where a session starts: check there.
        moments = [start] + [other_start for other_start, _, _ in held if start < other_start < end]
        return all(1 + sum(s <= moment < e for s, e, _ in held) <= nurse.max_patients for moment in moments)

    def book(self, *, day: dt.date, chair: str, nurse: str, patient: str, start: int, chair_minutes: int,
             setup_minutes: int) -> None:
        self.chair_busy[day, chair].append((start, start + chair_minutes))
        self.nurse_busy[day, nurse].append((start, start + chair_minutes, start + setup_minutes))
        self.patient_dates[patient].add(day)


def _fixed_sessions(rng: random.Random, board: _Board, *, fullness: float) -> tuple[FixedSession, ...]:
    """Bookings until `fullness` of the open chair-minutes is held, spread over random chair-days."""
    target_minutes = fullness * open_chair_minutes(board.clinic)
    patient_pool = max(1, int(target_minutes / 120 / 3))
    sessions: list[FixedSession] = []
    chair_days = [(day, chair) for day, _, _ in _open_days(board.clinic) for chair in board.clinic.chairs]
    misses: dict[tuple[dt.date, str], int] = defaultdict(int)
    while chair_days and sum(s.chair_minutes for s in sessions) + 60 < target_minutes:
        pick = rng.randrange(len(chair_days))
        day, chair = chair_days[pick]
        gaps = board.gaps(day, chair, at_least=min(FIXED_CHAIR_MINUTES))
        session = _book_in_gap(rng, board, rng.choice(gaps), day=day, chair=chair, ident=f"A{len(sessions) + 1}",
                               patient_pool=patient_pool) if gaps else None
        if session is not None:
            sessions.append(session)
            continue
        misses[day, chair] += 1
        if not gaps or misses[day, chair] >= 3:
            chair_days.pop(pick)  # no room, or no nurse free for it three times: this chair-day is done
    return tuple(sessions)


def _book_in_gap(rng: random.Random, board: _Board, gap: tuple[int, int], *, day: dt.date, chair: str,
                 ident: str, patient_pool: int) -> FixedSession | None:
    chair_minutes = rng.choice([minutes for minutes in FIXED_CHAIR_MINUTES if minutes <= gap[1] - gap[0]])
    setup_minutes = rng.choice((10, 15))
    found = board.slot_in_gap(rng, gap, day=day, chair_minutes=chair_minutes, setup_minutes=setup_minutes)
    if found is None:
        return None
    start, nurse = found
    # A returning patient when one is free that day, else a new one: one visit a day each.
    patient = f"F{rng.randrange(patient_pool) + 1}"
    if day in board.patient_dates[patient]:
        patient = f"F{patient_pool + len(board.patient_dates) + 1}"
    board.book(day=day, chair=chair, nurse=nurse.id, patient=patient, start=start, chair_minutes=chair_minutes,
               setup_minutes=setup_minutes)
    return FixedSession(id=ident, patient=patient, chair=chair, nurse=nurse.id,
                        start=dt.datetime.combine(day, _clock(start)), chair_minutes=chair_minutes,
                        setup_minutes=setup_minutes)


# ---- requests --------------------------------------------------------------------------------------

def _requests(rng: random.Random, board: _Board, *, sessions: int,
              fixed_patients: Sequence[str]) -> tuple[Request, ...]:
    """Requests in booking order until exactly `sessions` sessions are asked for, each planted on the
    board: a request with no room left is drawn again, so every unplaced session is the solver's doing."""
    requests: list[Request] = []
    misses = 0
    while (remaining := sessions - sum(request.sessions for request in requests)) > 0:
        # A nearly full calendar may have room only for single visits: try those after many misses.
        request = _request(rng, board.clinic, ident=f"R{len(requests) + 1}",
                           remaining=remaining if misses < MAX_REDRAWS // 2 else 1, fixed_patients=fixed_patients)
        if _plant(rng, board, request):
            requests.append(request)
            misses = 0
        elif (misses := misses + 1) >= MAX_REDRAWS:
            raise GenerationError(f"Only {sessions - remaining} of {sessions} sessions fit this clinic; "
                                  "ask for fewer sessions or a lower fullness.")
    return tuple(requests)


def _request(rng: random.Random, clinic: Instance, *, ident: str, remaining: int,
             fixed_patients: Sequence[str]) -> Request:
    patient = f"P{ident[1:]}"
    kinds, weights = zip(*REQUEST_MIX, strict=True)
    kind = rng.choices(kinds, weights)[0]
    if kind == "induction" and remaining >= INDUCTION_SESSIONS:
        offset = rng.randrange(max(1, clinic.days - 13))
        return _induction(rng, clinic, ident=ident, patient=patient, earliest_offset=offset)
    if kind != "maintenance" and remaining > 1:
        new_sessions = min(remaining, rng.randint(2, INDUCTION_SESSIONS - 1))
        return _continuing(rng, clinic, ident=ident, patient=patient, sessions=new_sessions)
    # A few maintenance visits are for patients who already hold a fixed booking.
    if fixed_patients and rng.random() < 0.1:
        patient = rng.choice(fixed_patients)
    return _maintenance(rng, clinic, ident=ident, patient=patient, sessions=min(remaining, 2))


def _plant(rng: random.Random, board: _Board, request: Request) -> bool:
    """Book the whole series on the board when open dates with room exist for it, in its window,
    spaced and capped per 7 dates; book nothing otherwise."""
    room: dict[dt.date, tuple[str, int, Nurse] | None] = {}

    def has_room(day: dt.date) -> bool:
        if day not in room:
            room[day] = board.slot(rng, day, chair_minutes=request.chair_minutes, setup_minutes=request.setup_minutes)
        return room[day] is not None

    busy = board.patient_dates[request.patient]
    candidates = [day for day in board.clinic.dates if request.earliest <= day <= request.latest and day not in busy]
    dates = _series_dates(rng, request, candidates, has_room=has_room)
    for index, day in enumerate(dates or (), start=1):
        chair, start, nurse = room[day]
        board.book(day=day, chair=chair, nurse=nurse.id, patient=request.patient, start=start,
                   chair_minutes=request.chair_minutes, setup_minutes=request.setup_minutes)
        board.planted.append(PlacedSession(request=request.id, index=index, patient=request.patient, chair=chair,
                                           nurse=nurse.id, start=dt.datetime.combine(day, _clock(start))))
    return dates is not None


def _series_dates(rng: random.Random, request: Request, candidates: list[dt.date], *,
                  has_room: Callable[[dt.date], bool]) -> list[dt.date] | None:
    """Random dates for the series that meet its spacing and 7-date cap, by depth-first search."""
    cap = request.max_per_7_days or 7
    dead: set[tuple[tuple[dt.date, ...], int]] = set()

    def extend(recent: tuple[dt.date, ...], to_place: int) -> list[dt.date] | None:
        """`recent` holds the visits of the last 7 dates, the latest last."""
        if to_place == 0:
            return []
        if (recent, to_place) in dead:
            return None
        options = [day for day in candidates
                   if (not recent or request.min_gap_days <= (day - recent[-1]).days <= request.max_gap_days)
                   and sum((day - other).days < 7 for other in recent) < cap]
        for day in rng.sample(options, len(options)):
            if has_room(day):
                rest = extend(tuple(other for other in (*recent, day) if (day - other).days < 7), to_place - 1)
                if rest is not None:
                    return [day, *rest]
        dead.add((recent, to_place))
        return None

    return extend(request.previous_dates, request.sessions)


def _induction(rng: random.Random, clinic: Instance, *, ident: str, patient: str, earliest_offset: int) -> Request:
    """A new 6-visit induction: two to three visits a week, never more than 3 in 7 days."""
    earliest = clinic.start_date + dt.timedelta(days=earliest_offset)
    latest = min(clinic.dates[-1], earliest + dt.timedelta(days=rng.randint(13, 20)))
    return Request(id=ident, patient=patient, sessions=INDUCTION_SESSIONS, earliest=earliest, latest=latest,
                   min_gap_days=2, max_gap_days=rng.randint(4, 7), max_per_7_days=3, chair_minutes=120,
                   setup_minutes=rng.choice((10, 15)), priority=rng.choice((1, 2, 2, 3)),
                   preferred=_preferred(rng, clinic))


def _continuing(rng: random.Random, clinic: Instance, *, ident: str, patient: str, sessions: int) -> Request:
    """The rest of an induction already under way: its earlier visits are `previous_dates`."""
    last = clinic.start_date - dt.timedelta(days=rng.randint(1, 3))
    previous = [last]
    for _ in range(INDUCTION_SESSIONS - sessions - 1):
        previous.insert(0, previous[0] - dt.timedelta(days=rng.randint(2, 3)))
    span_days = 3 * sessions + rng.randint(2, 8)
    latest = min(clinic.dates[-1], clinic.start_date + dt.timedelta(days=span_days))
    return Request(id=ident, patient=patient, sessions=sessions, earliest=clinic.start_date, latest=latest,
                   min_gap_days=2, max_gap_days=rng.randint(4, 7), max_per_7_days=3, chair_minutes=120,
                   setup_minutes=rng.choice((10, 15)), priority=3, previous_dates=tuple(previous),
                   preferred=_preferred(rng, clinic))


def _maintenance(rng: random.Random, clinic: Instance, *, ident: str, patient: str, sessions: int) -> Request:
    """One or two maintenance visits in a wide window, some spaced from an earlier visit."""
    min_gap = rng.choice((7, 14))
    span_days = min_gap * (sessions - 1) + 3
    earliest_offset = rng.randrange(max(1, min(clinic.days // 2, clinic.days - span_days)))
    previous: tuple[dt.date, ...] = ()
    if rng.random() < 0.3:
        earliest_offset = 0
        previous = (clinic.start_date - dt.timedelta(days=rng.randint(1, min_gap)),)
    earliest = clinic.start_date + dt.timedelta(days=earliest_offset)
    latest = min(clinic.dates[-1], earliest + dt.timedelta(days=rng.randint(span_days, max(span_days, clinic.days))))
    return Request(id=ident, patient=patient, sessions=sessions, earliest=earliest, latest=latest,
                   min_gap_days=min_gap, max_gap_days=min_gap + 14, chair_minutes=rng.choice((90, 120)),
                   setup_minutes=10, priority=rng.choice((1, 1, 2)), previous_dates=previous,
                   preferred=_preferred(rng, clinic))


def _preferred(rng: random.Random, clinic: Instance) -> tuple[Window, ...]:
    """Half the patients name one or two mornings or afternoons that suit them."""
    if rng.random() < 0.5:
        return ()
    open_weekdays = [day for day in WEEKDAYS if clinic.opening_hours.get(day)]
    windows = []
    for weekday in sorted(rng.sample(open_weekdays, rng.randint(1, 2)), key=WEEKDAYS.index):
        opens, closes = (_minutes(t) for t in clinic.opening_hours[weekday])
        morning = rng.random() < 0.6 or closes <= 13 * 60
        start, end = (opens, min(closes, 12 * 60)) if morning else (12 * 60, closes - 120)
        windows.append(Window(weekday=weekday, start=_clock(start), end=_clock(end)))
    return tuple(windows)


# ---- minutes ----------------------------------------------------------------------------------------

def _minutes(time: dt.time) -> int:
    return time.hour * 60 + time.minute


def _clock(minutes: int) -> dt.time:
    return dt.time(minutes // 60, minutes % 60)


def _hhmm(time: dt.time) -> str:
    return time.strftime("%H:%M")


def _ceil_to(minutes: int, step: int) -> int:
    return -(-minutes // step) * step


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m clinic.scheduling.generate",
                                     description="Write a seeded scheduling instance (design §4.3 JSON) to stdout.")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sessions", type=int, default=250, help="requested sessions (default 250)")
    parser.add_argument("--chairs", type=int, default=10)
    parser.add_argument("--nurses", type=int, default=5)
    parser.add_argument("--days", type=int, default=21)
    parser.add_argument("--fullness", type=float, default=0.0,
                        help="share of open chair-minutes already booked as fixed sessions (default 0)")
    parser.add_argument("--incremental", action="store_true",
                        help="one new 6-visit induction into a calendar booked to --fullness (default 0.85)")
    parser.add_argument("--replanning", type=int, default=0, metavar="SERIES",
                        help="re-plan one visit in the middle of up to SERIES planted series, the others staying "
                             "booked")
    args = parser.parse_args(argv)
    if args.incremental:
        instance = incremental(args.seed, args.fullness or 0.85, chairs=args.chairs, nurses=args.nurses,
                               days=args.days)
    elif args.replanning:
        instance = replanning(args.seed, series=args.replanning, sessions=args.sessions, chairs=args.chairs,
                              nurses=args.nurses, days=args.days, fullness=args.fullness)[0]
    else:
        instance = generate(args.seed, sessions=args.sessions, chairs=args.chairs, nurses=args.nurses,
                            days=args.days, fullness=args.fullness)
    json.dump(instance_to_json(instance), sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The plan checker: every broken hard rule of design §4.3 with the sessions involved, and the objective.

This is the specification the solvers are tested against (style habit 9), so it shares nothing with
them beyond the types in `problem`. It sweeps chair by chair, nurse by nurse and request by request,
so a plan of several hundred sessions checks in milliseconds.

A placed session is named "R1#2" (request R1, index 2); a fixed session by its id. Fixed sessions
are not checked themselves, but they take up chair, nurse and patient-day capacity, so a placed
session clashing with one is reported, and two fixed sessions clashing with each other are not. A
patient's fixed sessions also count towards the 7-day cap of the patient's requests (rule 5).
"""

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from clinic.scheduling.problem import (
    WEEKDAYS,
    FixedSession,
    Instance,
    Objective,
    PlacedSession,
    Plan,
    Request,
    Shift,
)

CLOCK = "%H:%M"


@dataclass(frozen=True)
class Violation:
    """One broken hard rule (1–5 of design §4.3), with a stable code and the sessions at fault."""

    rule: int
    code: str
    sessions: tuple[str, ...]
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "code": self.code, "sessions": list(self.sessions), "message": self.message}


@dataclass(frozen=True, eq=False)
class _Booking:
    """A session as the rules see it: a fixed one, or a placed one with its request's durations.

    Compared by identity, so a session placed twice with the same chair and time counts twice.
    """

    name: str
    fixed: bool
    patient: str
    chair: str
    nurse: str
    start: dt.datetime
    chair_minutes: int
    setup_minutes: int

    @property
    def end(self) -> dt.datetime:
        return self.start + dt.timedelta(minutes=self.chair_minutes)

    @property
    def setup_end(self) -> dt.datetime:
        return self.start + dt.timedelta(minutes=self.setup_minutes)

    @property
    def date(self) -> dt.date:
        return self.start.date()

    def span(self) -> str:
        return f"{self.start:%Y-%m-%d %H:%M}–{self.end:{CLOCK}}"


def session_name(session: PlacedSession) -> str:
    return f"{session.request}#{session.index}"


def violations(instance: Instance, plan: Plan) -> list[Violation]:
    """Every hard rule the plan breaks, ordered by rule, code and sessions; [] for a valid plan."""
    requests = {request.id: request for request in instance.requests}
    bookings = _bookings(instance, plan, requests)
    placed = [booking for booking in bookings if not booking.fixed]
    found = [
        *_chair_rule(instance, bookings),
        *_opening_rule(instance, placed),
        *_nurse_rule(instance, bookings),
        *_patient_rule(bookings),
        *_series_rule(instance, plan, requests),
    ]
    return sorted(found, key=lambda v: (v.rule, v.code, v.sessions, v.message))


def _bookings(instance: Instance, plan: Plan, requests: dict[str, Request]) -> list[_Booking]:
    """Fixed sessions, then placed sessions of known requests (an unknown request has no durations)."""
    bookings = [
        _Booking(name=f.id, fixed=True, patient=f.patient, chair=f.chair, nurse=f.nurse, start=f.start,
                 chair_minutes=f.chair_minutes, setup_minutes=f.setup_minutes)
        for f in instance.fixed
    ]
    for session in plan.placed:
        request = requests.get(session.request)
        if request is not None:
            # The instance says whose series this is; a wrong `patient` in the plan is WRONG_PATIENT.
            bookings.append(_Booking(name=session_name(session), fixed=False, patient=request.patient,
                                     chair=session.chair, nurse=session.nurse, start=session.start,
                                     chair_minutes=request.chair_minutes, setup_minutes=request.setup_minutes))
    return bookings


def _ordered(bookings: Iterable[_Booking]) -> tuple[str, ...]:
    return tuple(b.name for b in sorted(bookings, key=lambda b: (b.start, b.name)))


def _overlapping_pairs(intervals: Iterable[tuple[dt.datetime, dt.datetime, _Booking]]) -> Iterator[
        tuple[_Booking, _Booking]]:
    """Every pair of overlapping half-open intervals, earlier first, by one sweep over the starts."""
    active: list[tuple[dt.datetime, _Booking]] = []
    for start, end, booking in sorted(intervals, key=lambda i: (i[0], i[1], i[2].name)):
        active = [(other_end, other) for other_end, other in active if other_end > start]
        for _, other in active:
            yield other, booking
        active.append((end, booking))


# ---- rule 1: a chair holds one session at a time -----------------------------------------------

def _chair_rule(instance: Instance, bookings: list[_Booking]) -> Iterator[Violation]:
    by_chair: dict[str, list[_Booking]] = defaultdict(list)
    for booking in bookings:
        if booking.chair in instance.chairs:
            by_chair[booking.chair].append(booking)
        elif not booking.fixed:
            yield Violation(1, "UNKNOWN_CHAIR", (booking.name,),
                            f"{booking.name} is on chair {booking.chair!r}, which is not one of the clinic's chairs.")
    for chair, on_chair in by_chair.items():
        intervals = ((b.start, b.end, b) for b in on_chair)
        for first, second in _overlapping_pairs(intervals):
            if first.fixed and second.fixed:
                continue
            yield Violation(1, "CHAIR_OVERLAP", (first.name, second.name),
                            f"{first.name} ({first.span()}) and {second.name} ({second.span()}) "
                            f"both hold chair {chair}.")


# ---- rule 2: inside opening hours, on an open date in the horizon, on the slot grid ------------

def _opening_rule(instance: Instance, placed: list[_Booking]) -> Iterator[Violation]:
    last_date = instance.start_date + dt.timedelta(days=instance.days - 1)
    for booking in placed:
        minute_of_day = booking.start.hour * 60 + booking.start.minute
        if minute_of_day % instance.slot_minutes:
            yield Violation(2, "OFF_GRID", (booking.name,),
                            f"{booking.name} starts at {booking.start:{CLOCK}}, off the "
                            f"{instance.slot_minutes}-minute grid.")
        if not instance.start_date <= booking.date <= last_date:
            yield Violation(2, "OUTSIDE_HORIZON", (booking.name,),
                            f"{booking.name} is on {booking.date}, outside the horizon "
                            f"{instance.start_date} .. {last_date}.")
            continue
        hours = instance.hours_on(booking.date)
        if hours is None:
            yield Violation(2, "CLOSED_DATE", (booking.name,),
                            f"{booking.name} is on {booking.date} ({WEEKDAYS[booking.date.weekday()]}), "
                            "when the clinic is closed.")
            continue
        opens, closes = (dt.datetime.combine(booking.date, time) for time in hours)
        if booking.start < opens or booking.end > closes:
            yield Violation(2, "OUTSIDE_OPENING_HOURS", (booking.name,),
                            f"{booking.name} ({booking.span()}) is not inside opening hours "
                            f"{hours[0]:{CLOCK}}–{hours[1]:{CLOCK}}.")


# ---- rule 3: a covering shift, at most max_patients at once, one set-up at a time ---------------

def _nurse_rule(instance: Instance, bookings: list[_Booking]) -> Iterator[Violation]:
    nurses = {nurse.id: nurse for nurse in instance.nurses}
    by_nurse: dict[str, list[_Booking]] = defaultdict(list)
    for booking in bookings:
        if booking.nurse in nurses:
            by_nurse[booking.nurse].append(booking)
        elif not booking.fixed:
            yield Violation(3, "UNKNOWN_NURSE", (booking.name,),
                            f"{booking.name} is with nurse {booking.nurse!r}, who is not one of the nurses.")
    for nurse_id, with_nurse in by_nurse.items():
        nurse = nurses[nurse_id]
        yield from _shift_cover(nurse.id, nurse.shifts, with_nurse)
        yield from _capacity(nurse.id, nurse.max_patients, with_nurse)
        yield from _setups(nurse.id, with_nurse)


def _shift_cover(nurse_id: str, shifts: Iterable[Shift], with_nurse: list[_Booking]) -> Iterator[Violation]:
    spans: dict[dt.date, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    for s in shifts:
        spans[s.date].append((dt.datetime.combine(s.date, s.start), dt.datetime.combine(s.date, s.end)))
    for booking in with_nurse:
        if booking.fixed:
            continue
        if not any(start <= booking.start and booking.end <= end for start, end in spans[booking.date]):
            yield Violation(3, "NO_COVERING_SHIFT", (booking.name,),
                            f"{booking.name} ({booking.span()}) is not inside one shift of nurse {nurse_id}.")


def _capacity(nurse_id: str, max_patients: int, with_nurse: list[_Booking]) -> Iterator[Violation]:
    """One violation per stretch of time in which the nurse has more than max_patients sessions."""
    # Ends sort before starts at the same minute: [start, end) frees the chair time at `end`.
    events = sorted([(b.end, 0, b.name, b) for b in with_nurse] + [(b.start, 1, b.name, b) for b in with_nurse],
                    key=lambda e: e[:3])
    active: set[_Booking] = set()
    stretch: set[_Booking] = set()
    stretch_start, peak = None, 0
    for time, is_start, _, booking in events:
        if not is_start:
            active.discard(booking)
            if stretch and len(active) <= max_patients:
                yield from _overload(nurse_id, max_patients, stretch, stretch_start, time, peak)
                stretch, peak = set(), 0
            continue
        active.add(booking)
        if len(active) > max_patients:
            if not stretch:
                stretch_start, stretch = time, set(active)
            stretch.add(booking)
            peak = max(peak, len(active))


def _overload(nurse_id: str, max_patients: int, stretch: set[_Booking], start: dt.datetime | None,
              end: dt.datetime, peak: int) -> Iterator[Violation]:
    if all(b.fixed for b in stretch) or start is None:
        return
    yield Violation(3, "NURSE_OVER_CAPACITY", _ordered(stretch),
                    f"Nurse {nurse_id} has {peak} patients at once between {start:%Y-%m-%d %H:%M} and "
                    f"{end:{CLOCK}}, more than max_patients {max_patients}.")


def _setups(nurse_id: str, with_nurse: list[_Booking]) -> Iterator[Violation]:
    intervals = ((b.start, b.setup_end, b) for b in with_nurse if b.setup_minutes > 0)
    for first, second in _overlapping_pairs(intervals):
        if first.fixed and second.fixed:
            continue
        yield Violation(3, "SETUP_OVERLAP", (first.name, second.name),
                        f"Nurse {nurse_id} would set up {first.name} ({first.start:%Y-%m-%d %H:%M}, "
                        f"{first.setup_minutes} min) and {second.name} ({second.start:{CLOCK}}, "
                        f"{second.setup_minutes} min) at the same time.")


# ---- rule 4: one session per patient per date --------------------------------------------------

def _patient_rule(bookings: list[_Booking]) -> Iterator[Violation]:
    by_day: dict[tuple[str, dt.date], list[_Booking]] = defaultdict(list)
    for booking in bookings:
        by_day[booking.patient, booking.date].append(booking)
    for (patient, date), on_day in by_day.items():
        if len(on_day) > 1 and not all(b.fixed for b in on_day):
            names = _ordered(on_day)
            yield Violation(4, "PATIENT_TWICE_IN_A_DAY", names,
                            f"Patient {patient} has {len(on_day)} sessions on {date}: {', '.join(names)}.")


# ---- rule 5: whole series, in order, in their window, spaced, capped per 7 dates ---------------

def _series_rule(instance: Instance, plan: Plan, requests: dict[str, Request]) -> Iterator[Violation]:
    by_request: dict[str, list[PlacedSession]] = defaultdict(list)
    for session in plan.placed:
        if session.request in requests:
            by_request[session.request].append(session)
        else:
            yield Violation(5, "UNKNOWN_REQUEST", (session_name(session),),
                            f"{session_name(session)} belongs to request {session.request!r}, "
                            "which is not in the instance.")
    yield from _unplaced_listing(plan, requests, by_request)
    fixed_by_patient: dict[str, list[FixedSession]] = defaultdict(list)
    for fixed in instance.fixed:
        fixed_by_patient[fixed.patient].append(fixed)
    for request in instance.requests:
        sessions = by_request.get(request.id, [])
        if sessions:
            yield from _series(request, sessions, fixed_by_patient[request.patient])


def _unplaced_listing(plan: Plan, requests: dict[str, Request],
                      by_request: dict[str, list[PlacedSession]]) -> Iterator[Violation]:
    for item in plan.unplaced:
        if item.request not in requests:
            yield Violation(5, "UNKNOWN_REQUEST", (),
                            f"The plan lists request {item.request!r} as unplaced, but it is not in the instance.")
        elif by_request.get(item.request):
            names = tuple(session_name(s) for s in sorted(by_request[item.request], key=lambda s: s.index))
            yield Violation(5, "PLACED_AND_UNPLACED", names,
                            f"Request {item.request} is listed as unplaced but has sessions placed: "
                            f"{', '.join(names)}.")


def _series(request: Request, sessions: list[PlacedSession], fixed: list[FixedSession]) -> Iterator[Violation]:
    yield from _series_identity(request, sessions)
    yield from _series_order(request, sessions)
    for session in sessions:
        if not request.earliest <= session.start.date() <= request.latest:
            yield Violation(5, "OUTSIDE_REQUEST_WINDOW", (session_name(session),),
                            f"{session_name(session)} is on {session.start.date()}, outside request "
                            f"{request.id}'s window {request.earliest} .. {request.latest}.")
    yield from _series_gaps(request, sessions)
    if request.max_per_7_days is not None:
        yield from _series_cap(request, sessions, fixed, request.max_per_7_days)


def _series_identity(request: Request, sessions: list[PlacedSession]) -> Iterator[Violation]:
    """Right patient, each index 1..sessions once, and all of them."""
    for session in sessions:
        if session.patient != request.patient:
            yield Violation(5, "WRONG_PATIENT", (session_name(session),),
                            f"{session_name(session)} names patient {session.patient}, but request {request.id} "
                            f"is for patient {request.patient}.")
        if session.index > request.sessions:
            yield Violation(5, "INDEX_OUT_OF_RANGE", (session_name(session),),
                            f"{session_name(session)}: request {request.id} has only {request.sessions} sessions.")
    counts = Counter(session.index for session in sessions)
    for index, count in sorted(counts.items()):
        if count > 1:
            name = f"{request.id}#{index}"
            yield Violation(5, "DUPLICATE_INDEX", (name,) * count, f"{name} is placed {count} times.")
    missing = [index for index in range(1, request.sessions + 1) if index not in counts]
    if missing:
        names = tuple(f"{request.id}#{index}" for index in sorted(counts))
        yield Violation(5, "PARTIAL_REQUEST", names,
                        f"Request {request.id} is placed in part: {len(counts)} of {request.sessions} sessions, "
                        f"missing {'index' if len(missing) == 1 else 'indices'} {', '.join(map(str, missing))}. "
                        "Place all of it or none.")


def _series_order(request: Request, sessions: list[PlacedSession]) -> Iterator[Violation]:
    by_index = sorted(sessions, key=lambda s: (s.index, s.start))
    for earlier, later in pairwise(by_index):
        if earlier.index < later.index and earlier.start >= later.start:
            yield Violation(5, "INDEX_ORDER", (session_name(earlier), session_name(later)),
                            f"{session_name(earlier)} ({earlier.start:%Y-%m-%d %H:%M}) is not before "
                            f"{session_name(later)} ({later.start:%Y-%m-%d %H:%M}).")


def _series_gaps(request: Request, sessions: list[PlacedSession]) -> Iterator[Violation]:
    """Gaps between consecutive dates, the first measured from the last previous date and the last
    to the first following date."""
    chain: list[tuple[dt.date, str | None]] = [(s.start.date(), session_name(s))
                                               for s in sorted(sessions, key=lambda s: (s.start, s.index))]
    if request.previous_dates:
        chain.insert(0, (request.previous_dates[-1], None))
    if request.following_dates:
        chain.append((request.following_dates[0], None))
    for (first_date, first), (second_date, second) in pairwise(chain):
        gap_days = (second_date - first_date).days
        names = tuple(name for name in (first, second) if name is not None)
        gap = (f"{second or 'the following visit'} ({second_date}) is {gap_days} days after "
               f"{first or 'the previous visit'} ({first_date})")
        if gap_days < request.min_gap_days:
            yield Violation(5, "GAP_TOO_SHORT", names,
                            f"{gap}; request {request.id} needs at least {request.min_gap_days}.")
        elif gap_days > request.max_gap_days:
            yield Violation(5, "GAP_TOO_LONG", names,
                            f"{gap}; request {request.id} allows at most {request.max_gap_days}.")


def _series_cap(request: Request, sessions: list[PlacedSession], fixed: list[FixedSession],
                cap: int) -> Iterator[Violation]:
    """Windows of 7 consecutive dates holding more than `cap` visits, at least one of them new.

    Each new session is a visit; so is each date of the series' previous and following visits and of
    the patient's fixed sessions, once per date: a booked visit listed both as a following date and as
    a fixed session is one visit. Fixed sessions in a crowded window are named with the new ones."""
    given: dict[dt.date, list[str]] = {day: [] for day in (*request.previous_dates, *request.following_dates)}
    fixed_named = sorted((session.start, session.id) for session in fixed)
    for start, name in fixed_named:
        given.setdefault(start.date(), []).append(name)
    new = [(s.start, session_name(s)) for s in sessions]
    crowded: list[tuple[dt.date, int, list[tuple[dt.datetime, str]], list[dt.date]]] = []
    for first_date in sorted({start.date() for start, _ in new} | set(given)):
        last_date = first_date + dt.timedelta(days=6)
        new_in = [(start, name) for start, name in new if first_date <= start.date() <= last_date]
        given_in = sorted(day for day in given if first_date <= day <= last_date)
        if new_in and len(new_in) + len(given_in) > cap:
            named = sorted(new_in + [(start, name) for start, name in fixed_named
                                     if first_date <= start.date() <= last_date])
            crowded.append((first_date, len(new_in) + len(given_in), named, given_in))
    for first_date, count, named, given_in in crowded:
        names = {name for _, name in named}
        # A window whose named visits all fall in another crowded window says nothing new.
        if any(names < {name for _, name in other} for _, _, other, _ in crowded):
            continue
        counting = _given_listing(request, given, given_in)
        yield Violation(5, "TOO_MANY_IN_7_DAYS", tuple(name for _, name in named),
                        f"Request {request.id} has {count} visits in the 7 dates from {first_date}"
                        f"{', counting ' + counting if counting else ''}; at most {cap} are allowed.")


def _given_listing(request: Request, given: dict[dt.date, list[str]], days: list[dt.date]) -> str:
    """The visits already given or booked on those dates, in words."""
    parts = []
    for day in days:
        if given[day]:
            parts.append(f"fixed session {', '.join(given[day])} on {day}")
        elif day in request.previous_dates:
            parts.append(f"previous visit {day}")
        else:
            parts.append(f"following visit {day}")
    if len(parts) < 2:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} and {parts[-1]}"


# ---- objective ----------------------------------------------------------------------------------

def objective(instance: Instance, plan: Plan) -> Objective:
    """The objective's parts (design §4.3), counted on what the plan places.

    weighted_placed and placed count the requests placed whole (every index 1..sessions present);
    preferred counts placed sessions of known requests that start in one of their request's windows;
    day_minutes sums, over open dates of the horizon, the minutes from opening to the end of the last
    chair time on that date, fixed sessions included, since they hold chairs just the same.
    """
    requests = {request.id: request for request in instance.requests}
    indices: dict[str, set[int]] = defaultdict(set)
    for session in plan.placed:
        indices[session.request].add(session.index)
    whole = [r for r in instance.requests if indices[r.id] >= set(range(1, r.sessions + 1))]
    preferred = sum(1 for s in plan.placed if s.request in requests and _in_preferred(requests[s.request], s.start))
    return Objective(weighted_placed=sum(r.priority * r.sessions for r in whole),
                     placed=sum(r.sessions for r in whole), preferred=preferred,
                     day_minutes=_day_minutes(instance, _bookings(instance, plan, requests)))


def _in_preferred(request: Request, start: dt.datetime) -> bool:
    weekday = WEEKDAYS[start.weekday()]
    return any(w.weekday == weekday and w.start <= start.time() < w.end for w in request.preferred)


def _day_minutes(instance: Instance, bookings: list[_Booking]) -> int:
    last_end: dict[dt.date, dt.datetime] = {}
    for booking in bookings:
        if booking.date not in last_end or booking.end > last_end[booking.date]:
            last_end[booking.date] = booking.end
    total = 0
    for date, end in last_end.items():
        hours = instance.hours_on(date)
        if hours is not None:
            opens = dt.datetime.combine(date, hours[0])
            total += max(0, int((end - opens).total_seconds()) // 60)
    return total

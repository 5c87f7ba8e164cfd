"""The scheduling problem and plan (design §4.3), as frozen types read from and written to JSON.

Dates are ISO dates; times are naive and local to the site; durations are whole minutes. Every
parse error names the field at fault, e.g. `requests[2].min_gap_days`.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
STATUSES = ("OPTIMAL", "FEASIBLE", "GREEDY", "GREEDY_ONLY")


class InstanceError(ValueError):
    """A malformed instance or plan; `field` is the dotted path of the bad field."""

    def __init__(self, field_path: str, message: str) -> None:
        super().__init__(f"{field_path}: {message}")
        self.field = field_path
        self.message = message


@dataclass(frozen=True)
class Shift:
    date: dt.date
    start: dt.time
    end: dt.time


@dataclass(frozen=True)
class Nurse:
    id: str
    max_patients: int
    shifts: tuple[Shift, ...]


@dataclass(frozen=True)
class Window:
    """A preferred start window: met when a session starts in [start, end) on that weekday."""

    weekday: str
    start: dt.time
    end: dt.time


@dataclass(frozen=True)
class FixedSession:
    id: str
    patient: str
    chair: str
    nurse: str
    start: dt.datetime
    chair_minutes: int
    setup_minutes: int


@dataclass(frozen=True)
class Request:
    """A series to place whole (rule 5). `previous_dates` (visits already given, all before `earliest`)
    and `following_dates` (later visits that stay booked while a visit in the middle of a series is
    re-planned, all after `latest`) space the first and the last new session and count towards
    `max_per_7_days`, as the patient's fixed sessions do. They are dates, not sessions: they hold no
    chair, nurse or patient-day; a booked visit inside the horizon is also listed in `fixed`, and is
    then counted once."""

    id: str
    patient: str
    sessions: int
    earliest: dt.date
    latest: dt.date
    min_gap_days: int
    max_gap_days: int
    chair_minutes: int
    setup_minutes: int
    priority: int = 1
    max_per_7_days: int | None = None
    previous_dates: tuple[dt.date, ...] = ()
    following_dates: tuple[dt.date, ...] = ()
    preferred: tuple[Window, ...] = ()


@dataclass(frozen=True)
class Instance:
    start_date: dt.date
    days: int
    opening_hours: Mapping[str, tuple[dt.time, dt.time] | None]
    chairs: tuple[str, ...]
    nurses: tuple[Nurse, ...]
    requests: tuple[Request, ...] = ()
    fixed: tuple[FixedSession, ...] = ()
    closed_dates: frozenset[dt.date] = frozenset()
    slot_minutes: int = 5

    @property
    def dates(self) -> tuple[dt.date, ...]:
        return tuple(self.start_date + dt.timedelta(days=offset) for offset in range(self.days))

    def hours_on(self, date: dt.date) -> tuple[dt.time, dt.time] | None:
        """Opening and closing time on a date, or None when the clinic is closed then."""
        if date in self.closed_dates or not self.start_date <= date < self.start_date + dt.timedelta(days=self.days):
            return None
        return self.opening_hours.get(WEEKDAYS[date.weekday()])


@dataclass(frozen=True)
class PlacedSession:
    request: str
    index: int  # from 1 within its request
    patient: str
    chair: str
    nurse: str
    start: dt.datetime


@dataclass(frozen=True)
class Unplaced:
    request: str
    code: str
    reason: str


@dataclass(frozen=True)
class Objective:
    weighted_placed: int
    placed: int
    preferred: int
    day_minutes: int


@dataclass(frozen=True)
class Plan:
    solver: str
    status: str
    seconds: float
    placed: tuple[PlacedSession, ...]
    unplaced: tuple[Unplaced, ...] = ()
    objective: Objective | None = None
    extra: dict[str, Any] = field(default_factory=dict)


# ---- JSON → types -------------------------------------------------------------------------------

def _require(data: Mapping[str, Any], key: str, where: str) -> Any:
    if not isinstance(data, Mapping):
        raise InstanceError(where or "instance", "must be a JSON object.")
    if key not in data:
        raise InstanceError(_join(where, key), "is required.")
    return data[key]


def _join(where: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{where}[{key}]"
    return f"{where}.{key}" if where else key


def _date(value: Any, where: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InstanceError(where, f"must be an ISO date such as 2026-12-07, not {value!r}.") from None


def _time(value: Any, where: str) -> dt.time:
    try:
        parsed = dt.time.fromisoformat(value)
    except (TypeError, ValueError):
        raise InstanceError(where, f"must be a time such as 08:00, not {value!r}.") from None
    if parsed.tzinfo is not None or parsed.second or parsed.microsecond:
        raise InstanceError(where, "must be a local time in whole minutes (HH:MM), without a zone.")
    return parsed


def _datetime(value: Any, where: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise InstanceError(where, f"must be a local date and time such as 2026-12-07T09:00, not {value!r}.") from None
    if parsed.tzinfo is not None or parsed.second or parsed.microsecond:
        raise InstanceError(where, "must be a local time in whole minutes, without a zone.")
    return parsed


def _int(value: Any, where: str, *, minimum: int, maximum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InstanceError(where, f"must be a whole number, not {value!r}.")
    if value < minimum or (maximum is not None and value > maximum):
        bounds = f"at least {minimum}" if maximum is None else f"{minimum} to {maximum}"
        raise InstanceError(where, f"must be {bounds}, not {value}.")
    return value


def _str(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise InstanceError(where, f"must be a non-empty string, not {value!r}.")
    return value


def _list(value: Any, where: str) -> Sequence[Any]:
    if not isinstance(value, list):
        raise InstanceError(where, "must be a JSON list.")
    return value


def parse_instance(data: Any) -> Instance:
    """Read an instance from decoded JSON, checking every field and its references."""
    start_date = _date(_require(data, "start_date", ""), "start_date")
    days = _int(_require(data, "days", ""), "days", minimum=1, maximum=366)
    slot_minutes = _int(data.get("slot_minutes", 5), "slot_minutes", minimum=1, maximum=60)
    opening_hours = _opening_hours(_require(data, "opening_hours", ""))
    closed = frozenset(_date(value, f"closed_dates[{i}]")
                       for i, value in enumerate(_list(data.get("closed_dates", []), "closed_dates")))
    chairs = tuple(_str(value, f"chairs[{i}]") for i, value in enumerate(_list(_require(data, "chairs", ""), "chairs")))
    _unique(chairs, "chairs")
    end_date = start_date + dt.timedelta(days=days - 1)
    nurses = tuple(_nurse(value, f"nurses[{i}]")
                   for i, value in enumerate(_list(_require(data, "nurses", ""), "nurses")))
    _unique([nurse.id for nurse in nurses], "nurses", key="id")
    fixed = tuple(_fixed(value, f"fixed[{i}]", chairs=chairs, nurses=nurses)
                  for i, value in enumerate(_list(data.get("fixed", []), "fixed")))
    _unique([session.id for session in fixed], "fixed", key="id")
    requests = tuple(_request(value, f"requests[{i}]", start_date=start_date, end_date=end_date)
                     for i, value in enumerate(_list(data.get("requests", []), "requests")))
    _unique([request.id for request in requests], "requests", key="id")
    return Instance(start_date=start_date, days=days, opening_hours=opening_hours, chairs=chairs,
                    nurses=nurses, requests=requests, fixed=fixed, closed_dates=closed, slot_minutes=slot_minutes)


def _unique(values: Sequence[str], where: str, *, key: str | None = None) -> None:
    seen: set[str] = set()
    for index, value in enumerate(values):
        if value in seen:
            raise InstanceError(f"{where}[{index}]{'.' + key if key else ''}", f"{value!r} appears twice.")
        seen.add(value)


def _opening_hours(value: Any) -> dict[str, tuple[dt.time, dt.time] | None]:
    if not isinstance(value, Mapping):
        raise InstanceError("opening_hours", "must be a JSON object of weekdays.")
    hours: dict[str, tuple[dt.time, dt.time] | None] = {}
    for day, span in value.items():
        where = f"opening_hours.{day}"
        if day not in WEEKDAYS:
            raise InstanceError(where, f"is not a weekday; use {', '.join(WEEKDAYS)}.")
        if span is None:
            hours[day] = None
            continue
        if not isinstance(span, list) or len(span) != 2:
            raise InstanceError(where, 'must be ["HH:MM", "HH:MM"] or null.')
        opens, closes = _time(span[0], f"{where}[0]"), _time(span[1], f"{where}[1]")
        if closes <= opens:
            raise InstanceError(where, "must close after it opens.")
        hours[day] = (opens, closes)
    return hours


def _nurse(value: Any, where: str) -> Nurse:
    shifts = []
    for index, shift in enumerate(_list(_require(value, "shifts", where), f"{where}.shifts")):
        at = f"{where}.shifts[{index}]"
        start, end = _time(_require(shift, "start", at), f"{at}.start"), _time(_require(shift, "end", at), f"{at}.end")
        if end <= start:
            raise InstanceError(f"{at}.end", "must be after the shift's start.")
        shifts.append(Shift(date=_date(_require(shift, "date", at), f"{at}.date"), start=start, end=end))
    return Nurse(id=_str(_require(value, "id", where), f"{where}.id"),
                 max_patients=_int(_require(value, "max_patients", where), f"{where}.max_patients", minimum=1),
                 shifts=tuple(shifts))


def _fixed(value: Any, where: str, *, chairs: Sequence[str], nurses: Sequence[Nurse]) -> FixedSession:
    chair = _str(_require(value, "chair", where), f"{where}.chair")
    if chair not in chairs:
        raise InstanceError(f"{where}.chair", f"{chair!r} is not one of the chairs.")
    nurse = _str(_require(value, "nurse", where), f"{where}.nurse")
    if nurse not in {n.id for n in nurses}:
        raise InstanceError(f"{where}.nurse", f"{nurse!r} is not one of the nurses.")
    chair_minutes = _int(_require(value, "chair_minutes", where), f"{where}.chair_minutes", minimum=1)
    setup_minutes = _int(_require(value, "setup_minutes", where), f"{where}.setup_minutes", minimum=0,
                         maximum=chair_minutes)
    return FixedSession(id=_str(_require(value, "id", where), f"{where}.id"),
                        patient=_str(_require(value, "patient", where), f"{where}.patient"), chair=chair,
                        nurse=nurse, start=_datetime(_require(value, "start", where), f"{where}.start"),
                        chair_minutes=chair_minutes, setup_minutes=setup_minutes)


def _request(value: Any, where: str, *, start_date: dt.date, end_date: dt.date) -> Request:
    earliest = _date(_require(value, "earliest", where), f"{where}.earliest")
    latest = _date(_require(value, "latest", where), f"{where}.latest")
    for name, day in (("earliest", earliest), ("latest", latest)):
        if not start_date <= day <= end_date:
            raise InstanceError(f"{where}.{name}", f"{day} is outside the horizon {start_date} .. {end_date}.")
    if latest < earliest:
        raise InstanceError(f"{where}.latest", "must not be before earliest.")
    min_gap = _int(_require(value, "min_gap_days", where), f"{where}.min_gap_days", minimum=1)
    max_gap = _int(_require(value, "max_gap_days", where), f"{where}.max_gap_days", minimum=1)
    if min_gap > max_gap:
        raise InstanceError(f"{where}.min_gap_days", f"{min_gap} is more than max_gap_days {max_gap}.")
    cap = value.get("max_per_7_days")
    chair_minutes = _int(_require(value, "chair_minutes", where), f"{where}.chair_minutes", minimum=1)
    previous = _visit_dates(value, "previous_dates", where)
    if previous and previous[-1] >= earliest:
        raise InstanceError(f"{where}.previous_dates", "must all be before earliest.")
    following = _visit_dates(value, "following_dates", where)
    if following and following[0] <= latest:
        raise InstanceError(f"{where}.following_dates",
                            f"must all be after latest ({latest}): they are the series' visits after the ones "
                            "to plan; move latest before the first of them.")
    return Request(
        id=_str(_require(value, "id", where), f"{where}.id"),
        patient=_str(_require(value, "patient", where), f"{where}.patient"),
        sessions=_int(_require(value, "sessions", where), f"{where}.sessions", minimum=1, maximum=100),
        earliest=earliest, latest=latest, min_gap_days=min_gap, max_gap_days=max_gap,
        chair_minutes=chair_minutes,
        setup_minutes=_int(_require(value, "setup_minutes", where), f"{where}.setup_minutes", minimum=0,
                           maximum=chair_minutes),
        priority=_int(value.get("priority", 1), f"{where}.priority", minimum=1),
        max_per_7_days=None if cap is None else _int(cap, f"{where}.max_per_7_days", minimum=1, maximum=7),
        previous_dates=previous,
        following_dates=following,
        preferred=tuple(_window(window, f"{where}.preferred[{i}]")
                        for i, window in enumerate(_list(value.get("preferred", []), f"{where}.preferred"))),
    )


def _visit_dates(value: Mapping[str, Any], key: str, where: str) -> tuple[dt.date, ...]:
    """An optional list of a series' visit dates, in date order, each date once."""
    at = f"{where}.{key}"
    dates = tuple(sorted(_date(day, f"{at}[{i}]") for i, day in enumerate(_list(value.get(key, []), at))))
    if len(set(dates)) < len(dates):
        raise InstanceError(at, "must not repeat a date: a patient has one visit a day.")
    return dates


def _window(value: Any, where: str) -> Window:
    weekday = _require(value, "weekday", where)
    if weekday not in WEEKDAYS:
        raise InstanceError(f"{where}.weekday", f"must be one of {', '.join(WEEKDAYS)}.")
    start = _time(_require(value, "start", where), f"{where}.start")
    end = _time(_require(value, "end", where), f"{where}.end")
    if end <= start:
        raise InstanceError(f"{where}.end", "must be after the window's start.")
    return Window(weekday=weekday, start=start, end=end)


def parse_plan(data: Any) -> Plan:
    """Read a plan (for `check`), checking its shape; the rules are `check`'s job."""
    if not isinstance(data, Mapping):
        raise InstanceError("plan", "must be a JSON object.")
    placed = tuple(
        PlacedSession(
            request=_str(_require(item, "request", f"placed[{i}]"), f"placed[{i}].request"),
            index=_int(_require(item, "index", f"placed[{i}]"), f"placed[{i}].index", minimum=1),
            patient=_str(_require(item, "patient", f"placed[{i}]"), f"placed[{i}].patient"),
            chair=_str(_require(item, "chair", f"placed[{i}]"), f"placed[{i}].chair"),
            nurse=_str(_require(item, "nurse", f"placed[{i}]"), f"placed[{i}].nurse"),
            start=_datetime(_require(item, "start", f"placed[{i}]"), f"placed[{i}].start"),
        )
        for i, item in enumerate(_list(_require(data, "placed", ""), "placed")))
    unplaced = tuple(Unplaced(request=_str(_require(item, "request", f"unplaced[{i}]"), f"unplaced[{i}].request"),
                              code=str(item.get("code", "")), reason=str(item.get("reason", "")))
                     for i, item in enumerate(_list(data.get("unplaced", []), "unplaced")))
    seconds = data.get("seconds", 0.0)
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise InstanceError("seconds", f"must be a number, not {seconds!r}.")
    return Plan(solver=str(data.get("solver", "")), status=str(data.get("status", "")),
                seconds=float(seconds), placed=placed, unplaced=unplaced)


# ---- types → JSON -------------------------------------------------------------------------------

def plan_to_json(plan: Plan) -> dict[str, Any]:
    data: dict[str, Any] = {
        "solver": plan.solver, "status": plan.status, "seconds": round(plan.seconds, 3),
        "placed": [{"request": s.request, "index": s.index, "patient": s.patient, "chair": s.chair,
                    "nurse": s.nurse, "start": s.start.strftime("%Y-%m-%dT%H:%M")}
                   for s in sorted(plan.placed, key=lambda s: (s.start, s.chair))],
        "unplaced": [{"request": u.request, "code": u.code, "reason": u.reason} for u in plan.unplaced],
    }
    if plan.objective is not None:
        data["objective"] = {"weighted_placed": plan.objective.weighted_placed, "placed": plan.objective.placed,
                             "preferred": plan.objective.preferred, "day_minutes": plan.objective.day_minutes}
    data.update(plan.extra)
    return data

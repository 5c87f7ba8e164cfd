"""Small instances and plans for scheduling tests, as JSON (design §4.3) and as parsed types.

The calendar: Monday 2026-12-07 for 14 days, open Monday to Friday 08:00–18:00, Saturday null and
Sunday missing (both closed); chairs C1, C2; nurses N1 and N2, each with max_patients 2 and one
08:00–18:00 shift on every date of the horizon, weekends included, so a test about opening hours
is not also a test about shifts. Request R1 is patient P1's 3-visit series (priority 2, 120 chair
minutes, 15 set-up minutes, gaps 2–4 days, at most 3 in 7 dates, preferred Monday 09:00–12:00);
`valid_plan()` places it Monday, Wednesday and Friday at 09:00 on C1 with N1.

Every builder takes overrides, e.g. `small_instance(requests=[request_json(max_per_7_days=2)])`.
"""

import datetime as dt
from typing import Any

from clinic.scheduling.problem import Instance, PlacedSession, Plan, Unplaced, parse_instance

START_DATE = dt.date(2026, 12, 7)  # a Monday
DAYS = 14


def shift_json(date: str, start: str = "08:00", end: str = "18:00") -> dict[str, Any]:
    return {"date": date, "start": start, "end": end}


def nurse_json(nurse_id: str = "N1", *, max_patients: int = 2, start: str = "08:00", end: str = "18:00",
               shifts: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A nurse with one shift on every date of the horizon unless `shifts` is given."""
    if shifts is None:
        dates = (START_DATE + dt.timedelta(days=offset) for offset in range(DAYS))
        shifts = [shift_json(day.isoformat(), start, end) for day in dates]
    return {"id": nurse_id, "max_patients": max_patients, "shifts": shifts}


def request_json(request_id: str = "R1", **overrides: Any) -> dict[str, Any]:
    request = {
        "id": request_id, "patient": "P1", "sessions": 3,
        "earliest": "2026-12-07", "latest": "2026-12-18",
        "min_gap_days": 2, "max_gap_days": 4, "max_per_7_days": 3, "previous_dates": [],
        "chair_minutes": 120, "setup_minutes": 15, "priority": 2,
        "preferred": [{"weekday": "mon", "start": "09:00", "end": "12:00"}],
    }
    return {**request, **overrides}


def fixed_json(fixed_id: str = "A1", **overrides: Any) -> dict[str, Any]:
    fixed = {"id": fixed_id, "patient": "P9", "chair": "C2", "nurse": "N2", "start": "2026-12-07T09:00",
             "chair_minutes": 120, "setup_minutes": 10}
    return {**fixed, **overrides}


def instance_json(**overrides: Any) -> dict[str, Any]:
    weekday_hours = ["08:00", "18:00"]
    instance = {
        "start_date": START_DATE.isoformat(), "days": DAYS, "slot_minutes": 5,
        "opening_hours": {day: weekday_hours for day in ("mon", "tue", "wed", "thu", "fri")} | {"sat": None},
        "closed_dates": [],
        "chairs": ["C1", "C2"],
        "nurses": [nurse_json("N1"), nurse_json("N2")],
        "fixed": [],
        "requests": [request_json()],
    }
    return {**instance, **overrides}


def small_instance(**overrides: Any) -> Instance:
    """The calendar above, parsed; overrides replace top-level JSON fields."""
    return parse_instance(instance_json(**overrides))


def session(request: str = "R1", index: int = 1, start: str = "2026-12-07T09:00", *, chair: str = "C1",
            nurse: str = "N1", patient: str = "P1") -> PlacedSession:
    return PlacedSession(request=request, index=index, patient=patient, chair=chair, nurse=nurse,
                         start=dt.datetime.fromisoformat(start))


def plan(*placed: PlacedSession, unplaced: tuple[Unplaced, ...] = ()) -> Plan:
    return Plan(solver="test", status="FEASIBLE", seconds=0.0, placed=placed, unplaced=unplaced)


def valid_series(request: str = "R1", *, patient: str = "P1", chair: str = "C1", nurse: str = "N1",
                 dates: tuple[str, ...] = ("2026-12-07", "2026-12-09", "2026-12-11"),
                 time: str = "09:00") -> tuple[PlacedSession, ...]:
    return tuple(session(request, index, f"{date}T{time}", chair=chair, nurse=nurse, patient=patient)
                 for index, date in enumerate(dates, start=1))


def valid_plan() -> Plan:
    """R1 on Monday, Wednesday and Friday at 09:00, chair C1, nurse N1."""
    return plan(*valid_series())

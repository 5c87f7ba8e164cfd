"""One timeline for the whole horizon: minute 0 is midnight at the start date, and day 0 is that date.

Solvers work in these whole minutes so that a session is a plain integer interval; `Span` lists are
sorted, disjoint, inclusive ranges of start minutes.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from clinic.scheduling.problem import FixedSession, Instance, Nurse

MINUTES_PER_DAY = 1440

Span = tuple[int, int]  # an inclusive range of minutes


def day_of(instance: Instance, date: dt.date) -> int:
    return (date - instance.start_date).days


def minute_of(instance: Instance, when: dt.datetime) -> int:
    return day_of(instance, when.date()) * MINUTES_PER_DAY + when.hour * 60 + when.minute


def datetime_at(instance: Instance, minute: int) -> dt.datetime:
    return dt.datetime.combine(instance.start_date, dt.time()) + dt.timedelta(minutes=minute)


def weekday_of(instance: Instance, day: int) -> int:
    return (instance.start_date + dt.timedelta(days=day)).weekday()


def clock_minutes(time: dt.time) -> int:
    return time.hour * 60 + time.minute


def opening(instance: Instance, day: int) -> Span | None:
    """The day's opening and closing minute on the timeline, or None on a closed or outside date."""
    hours = instance.hours_on(instance.start_date + dt.timedelta(days=day))
    if hours is None:
        return None
    base = day * MINUTES_PER_DAY
    return base + clock_minutes(hours[0]), base + clock_minutes(hours[1])


def open_days(instance: Instance) -> list[int]:
    return [day for day in range(instance.days) if opening(instance, day) is not None]


def shifts_by_day(instance: Instance, nurse: Nurse) -> dict[int, list[Span]]:
    """The nurse's shifts as (start, end) minutes on the timeline, by day, earliest first."""
    found: dict[int, list[Span]] = defaultdict(list)
    for shift in nurse.shifts:
        day = day_of(instance, shift.date)
        base = day * MINUTES_PER_DAY
        found[day].append((base + clock_minutes(shift.start), base + clock_minutes(shift.end)))
    return {day: sorted(spans) for day, spans in found.items()}


def fixed_span(instance: Instance, session: FixedSession) -> tuple[int, int, int]:
    """A fixed session's start, chair-time end and set-up end on the timeline."""
    start = minute_of(instance, session.start)
    return start, start + session.chair_minutes, start + session.setup_minutes


def grid_at_or_after(instance: Instance, minute: int) -> int:
    """The first start on the slot grid (counted from each midnight) at or after `minute`."""
    day, in_day = divmod(minute, MINUTES_PER_DAY)
    slot = instance.slot_minutes
    rounded = -(-in_day // slot) * slot
    if rounded >= MINUTES_PER_DAY:
        return (day + 1) * MINUTES_PER_DAY
    return day * MINUTES_PER_DAY + rounded


def load_profile(spans: Iterable[Span]) -> list[tuple[int, int, int]]:
    """(start, end, how many) for each stretch where half-open spans overlap at a constant count."""
    events = sorted(event for start, end in spans for event in ((start, 1), (end, -1)))
    profile, count, since = [], 0, None
    for minute, change in events:
        if since is not None and minute > since and count > 0:
            profile.append((since, minute, count))
        count += change
        since = minute
    return profile

"""Objective level 3: the sum over open dates of the minutes from opening to the end of the last chair
time used that date (fixed sessions included), 0 for an empty date.

Modelled as a makespan per date: a "closed tail" interval from opening + span to closing takes every
chair, so no session that date may end after opening + span, and the sum of spans is minimised.
"""

from collections import defaultdict
from collections.abc import Sequence

from ortools.sat.python import cp_model

from clinic.scheduling.constraints import timeline
from clinic.scheduling.constraints.variables import Frame
from clinic.scheduling.problem import Instance, PlacedSession


def term(frame: Frame) -> tuple[cp_model.LinearExpr, int]:
    """The day-minutes expression and its largest possible value; fills `frame.tails`."""
    instance, model = frame.instance, frame.model
    fixed_ends = _fixed_last_ends(instance)
    days = sorted({day for session in frame.sessions for day in session.days})  # open dates, all of them
    constant = sum(_minutes_after_opening(instance, day, end) for day, end in fixed_ends.items() if day not in days)
    spans, largest = [], constant
    for day, (opens, closes) in ((day, timeline.opening(instance, day)) for day in days):
        least = _minutes_after_opening(instance, day, fixed_ends[day]) if day in fixed_ends else 0
        tail_end = max(closes, opens + least)
        span = model.new_int_var(least, tail_end - opens, f"day_minutes_{day}")
        frame.tails[day] = model.new_interval_var(opens + span, tail_end - opens - span, tail_end, f"tail_{day}")
        frame.day_spans[day] = span
        spans.append(span)
        largest += tail_end - opens
    return sum(spans) + constant, largest


def _fixed_last_ends(instance: Instance) -> dict[int, int]:
    ends: dict[int, int] = {}
    for session in instance.fixed:
        start, end, _ = timeline.fixed_span(instance, session)
        day = start // timeline.MINUTES_PER_DAY
        ends[day] = max(ends.get(day, end), end)
    return ends


def _minutes_after_opening(instance: Instance, day: int, end: int) -> int:
    hours = timeline.opening(instance, day)
    return 0 if hours is None else max(0, end - hours[0])


def by_day(instance: Instance, placed: Sequence[PlacedSession]) -> dict[int, int]:
    """Each open date's minutes from opening to its last chair minute, for dates with any session."""
    durations = {request.id: request.chair_minutes for request in instance.requests}
    ends: dict[int, int] = defaultdict(int)
    for day, end in _fixed_last_ends(instance).items():
        ends[day] = end
    for session in placed:
        start = timeline.minute_of(instance, session.start)
        day = start // timeline.MINUTES_PER_DAY
        ends[day] = max(ends[day], start + durations[session.request])
    return {day: _minutes_after_opening(instance, day, end) for day, end in ends.items()
            if timeline.opening(instance, day) is not None}


def score(instance: Instance, placed: Sequence[PlacedSession]) -> int:
    return sum(by_day(instance, placed).values())

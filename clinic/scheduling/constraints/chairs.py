"""Rule 1: a chair holds one session at a time — with fixed sessions keeping their chairs.

On each date, chairs with no fixed session are interchangeable: sessions there share a pooled
cumulative whose capacity is the number of such chairs, and get a chair after solving by colouring
(greedy on start times is optimal for intervals on identical chairs, so it never fails). Chairs
holding a fixed session that date are modelled one by one: a session may take such a chair only in
its free time (fixed sessions are cut out of the start domain, not modelled as intervals), and
sessions on one such chair never overlap. This is exact, with no colouring failure and no re-solve,
and keeps the phone-booking case (nearly every chair pinned, one series new) tiny.
"""

from collections import defaultdict

from ortools.sat.python import cp_model

from clinic.scheduling.constraints import timeline
from clinic.scheduling.constraints.variables import Frame, SessionVars
from clinic.scheduling.problem import Instance

POOL = None  # the chair-choice key for "one of the date's interchangeable chairs"


def pinned_by_day(instance: Instance) -> dict[int, set[str]]:
    """Chairs holding a fixed session that overlaps the date's opening hours."""
    pinned: dict[int, set[str]] = defaultdict(set)
    for session in instance.fixed:
        start, end, _ = timeline.fixed_span(instance, session)
        for day in range(start // timeline.MINUTES_PER_DAY, (end - 1) // timeline.MINUTES_PER_DAY + 1):
            hours = timeline.opening(instance, day)
            if hours is not None and start < hours[1] and hours[0] < end:
                pinned[day].add(session.chair)
    return pinned


def add(frame: Frame) -> None:
    instance, model = frame.instance, frame.model
    pinned = pinned_by_day(instance)
    pool_size = {day: len(instance.chairs) - len(pinned[day]) for day in range(instance.days)}
    free = _FreeStarts(instance, pinned)
    pooled: list[tuple[cp_model.IntervalVar, int]] = []
    on_chair: dict[str, list[cp_model.IntervalVar]] = defaultdict(list)
    for session in frame.sessions:
        choices = _choices(frame, session, pool_size, free, pooled, on_chair)
        frame.chair_choice[session.key] = choices
        model.add(sum(choices.values()) == session.placed)
    _pool_resource(frame, pool_size, pooled)
    for chair, intervals in on_chair.items():
        tails = [tail for day, tail in frame.tails.items() if chair in pinned[day]]
        model.add_no_overlap(intervals + tails)


def _choices(frame: Frame, session: SessionVars, pool_size: dict[int, int], free: "_FreeStarts",
             pooled: list, on_chair: dict) -> dict[str | None, cp_model.IntVar]:
    model, minutes = frame.model, session.request.chair_minutes
    choices: dict[str | None, cp_model.IntVar] = {}
    pool_days = [day for day in session.days if pool_size[day] > 0]
    if pool_days:
        literal = model.new_bool_var(f"pool_{session.name}")
        if len(pool_days) < len(session.days):
            model.add_linear_expression_in_domain(
                session.day, cp_model.Domain.from_values(pool_days)).only_enforce_if(literal)
        interval = model.new_optional_fixed_size_interval_var(session.start, minutes, literal, f"pool_{session.name}")
        pooled.append((interval, 1))
        choices[POOL] = literal
    for chair in frame.instance.chairs:
        allowed = free.on(chair, minutes).intersection_with(session.start_domain)
        if allowed.is_empty():
            continue
        literal = model.new_bool_var(f"chair_{chair}_{session.name}")
        model.add_linear_expression_in_domain(session.start, allowed).only_enforce_if(literal)
        on_chair[chair].append(model.new_optional_fixed_size_interval_var(session.start, minutes, literal,
                                                                     f"{chair}_{session.name}"))
        choices[chair] = literal
    return choices


def _pool_resource(frame: Frame, pool_size: dict[int, int], pooled: list) -> None:
    """One cumulative over the pooled chairs; dates with fewer of them carry a day-long blocker."""
    if not pooled:
        return
    model = frame.model
    capacity = max(pool_size.values())
    items = list(pooled)
    for day, size in pool_size.items():
        hours = timeline.opening(frame.instance, day)
        if hours is None:
            continue
        if size < capacity:
            items.append((model.new_interval_var(hours[0], hours[1] - hours[0], hours[1], f"blocker_{day}"),
                          capacity - size))
        if day in frame.tails and size > 0:
            items.append((frame.tails[day], size))
    model.add_cumulative([interval for interval, _ in items], [demand for _, demand in items], capacity)


class _FreeStarts:
    """Starts on a pinned chair's dates that miss every fixed session on it, per chair time."""

    def __init__(self, instance: Instance, pinned: dict[int, set[str]]) -> None:
        self.instance = instance
        self.days = {chair: sorted(day for day, held in pinned.items() if chair in held) for chair in instance.chairs}
        self.busy: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for session in instance.fixed:
            start, end, _ = timeline.fixed_span(instance, session)
            self.busy[session.chair].append((start, end))
        self._known: dict[tuple[str, int], cp_model.Domain] = {}

    def on(self, chair: str, chair_minutes: int) -> cp_model.Domain:
        key = (chair, chair_minutes)
        if key not in self._known:
            spans = [[hours[0], hours[1] - chair_minutes] for day in self.days[chair]
                     if (hours := timeline.opening(self.instance, day))]
            clashes = [[start - chair_minutes + 1, end - 1] for start, end in self.busy[chair]]
            self._known[key] = cp_model.Domain.from_intervals(spans).intersection_with(
                cp_model.Domain.from_intervals(clashes).complement())
        return self._known[key]

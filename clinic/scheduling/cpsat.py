"""The optimising solver: the CP-SAT model of `constraints/`, hinted with the greedy plan.

A small instance (at most `WHOLE_MODEL_SESSIONS` sessions to place, which includes booking one series
into a full calendar) is solved whole, so CP-SAT can prove its plan OPTIMAL. A larger one is improved
by large-neighbourhood search: each step frees requests worth 20–80 sessions, freezes every other placed
session as a fixed one (the model cuts fixed sessions out of start domains, so the step's model
is small), and lets CP-SAT re-place the freed requests from their current places as hint. One model
of several hundred sessions has every decision re-propagate cumulatives over all of them, which
measured far slower than these steps.

The greedy plan comes back (status GREEDY_ONLY) whenever nothing strictly better is found in time.
`time_limit_s` caps the whole call's wall-clock time; `deterministic_time` caps CP-SAT's deterministic
time, and with `workers=1` and a `seed` it gives the same plan on a busy machine.
"""

import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from ortools.sat.python import cp_model

from clinic.scheduling import greedy
from clinic.scheduling.constraints import (
    chairs,
    day_minutes,
    nurses,
    objective,
    patient_day,
    preferred,
    seven_day_cap,
    spacing,
    timeline,
    variables,
)
from clinic.scheduling.constraints.variables import Frame
from clinic.scheduling.problem import FixedSession, Instance, Objective, PlacedSession, Plan, Request, Unplaced

CONSTRAINTS = (chairs, nurses, patient_day, spacing, seven_day_cap)
STEP_SESSIONS = (20, 40, 80)  # smallest, first and largest number of sessions freed in one step
# An instance no larger than one step is solved whole: at 60 sessions that matched or beat the steps
# in 5 s on a 4-chair clinic, at 120 the steps met more preferred starts.
WHOLE_MODEL_SESSIONS = STEP_SESSIONS[2]
STEP_DETERMINISTIC_TIME = 0.1  # per neighbourhood step
# Each step is charged at least this much deterministic time: building its model is work CP-SAT does
# not count, and a step solved in presolve must still bring a deterministic budget nearer its end.
STEP_LEAST_CHARGE = 0.01


def solve(instance: Instance, *, time_limit_s: float = 10.0, deterministic_time: float | None = None,
          workers: int | None = None, seed: int = 0, progress: Callable[[str], None] | None = None) -> Plan:
    """The best plan found within the limits, or the greedy plan if nothing better is found."""
    search = _Search(instance=instance, clock=_Clock(progress, time_limit_s), workers=workers or 0, seed=seed,
                     deterministic_left=deterministic_time)
    baseline = greedy.solve(instance)
    search.start_from(baseline)
    requested = sum(r.sessions for r in instance.requests)
    search.clock.say(f"greedy: {baseline.objective.placed} of {requested} sessions placed in {baseline.seconds:.2f} s")
    optimal = search.whole() if requested <= WHOLE_MODEL_SESSIONS else search.neighbourhoods()
    return _result(search, baseline, optimal)


def build(instance: Instance, *, with_day_minutes: bool = True) -> Frame:
    """The whole model, objective included."""
    frame = variables.build(instance, cp_model.CpModel())
    # First: it makes the dates' closing tails that the chairs must respect.
    objective.maximise(frame, with_day_minutes=with_day_minutes)
    for constraint in CONSTRAINTS:
        constraint.add(frame)
    return frame


@dataclass
class _Clock:
    progress: Callable[[str], None] | None
    limit_s: float
    started: float = field(default_factory=time.perf_counter)

    def seconds(self) -> float:
        return time.perf_counter() - self.started

    def left(self) -> float:
        return self.limit_s - self.seconds()

    def say(self, message: str) -> None:
        if self.progress is not None:
            self.progress(message)


@dataclass
class _Search:
    """The best plan so far, the limits left, and what the benchmark reports."""

    instance: Instance
    clock: _Clock
    workers: int
    seed: int
    deterministic_left: float | None
    sessions: dict[str, list[PlacedSession]] = field(default_factory=dict)  # by request, placed whole
    score: Objective | None = None
    first_feasible_seconds: float | None = None
    best_found_seconds: float | None = None
    solutions: int = 0
    steps: int = 0

    def start_from(self, plan: Plan) -> None:
        self.sessions = defaultdict(list)
        for session in plan.placed:
            self.sessions[session.request].append(session)
        self.sessions = dict(self.sessions)
        self.score = plan.objective

    def placed(self) -> list[PlacedSession]:
        return [s for request in self.instance.requests for s in self.sessions.get(request.id, ())]

    def whole(self) -> bool:
        """Solve the whole model; True when CP-SAT proves the plan optimal."""
        status, found = self._solve(self.instance, self.sessions, deterministic_time=self.deterministic_left,
                                    seed=self.seed, with_day_minutes=True)
        if found is not None:
            self._take(found, replacing=set(self.sessions))
        return status == cp_model.OPTIMAL

    def neighbourhoods(self) -> bool:
        """Improve step by step until a limit is reached; True only if one step freed every request
        and proved its plan optimal."""
        rng = random.Random(self.seed)  # noqa: S311 - a reproducible search, not a secret
        size = STEP_SESSIONS[1]
        possible = _placeable(self.instance)
        while self.clock.left() > 0 and (self.deterministic_left is None or self.deterministic_left > 0):
            freed = _neighbourhood(self.instance, self.sessions, possible, rng, size)
            sub = _subproblem(self.instance, self.sessions, freed)
            current = {r.id: self.sessions[r.id] for r in freed if r.id in self.sessions}
            step_time = STEP_DETERMINISTIC_TIME if self.deterministic_left is None else min(
                STEP_DETERMINISTIC_TIME, self.deterministic_left)
            # A step freeing an unplaced request chases the top levels only: searching the day minutes
            # too measured many small improvements per step and fewer steps placing more.
            inserting = any(r.id not in self.sessions for r in freed)
            status, found = self._solve(sub, current, deterministic_time=step_time, seed=self.seed + self.steps,
                                        with_day_minutes=not inserting)
            self.steps += 1
            if found is not None:
                self._take(found, replacing={r.id for r in freed})
            if status == cp_model.OPTIMAL and len(freed) == len(possible):
                return True  # the step freed every request: its optimum is the instance's
            # Grow the neighbourhood while steps are solved to the end, shrink it when they are not.
            grown = size * 1.15 if status == cp_model.OPTIMAL else size * 0.85
            size = int(min(STEP_SESSIONS[2], max(STEP_SESSIONS[0], grown)))
        return False

    def _take(self, found: dict[str, list[PlacedSession]], *, replacing: set[str]) -> None:
        """Keep a step's plan if the whole plan is at least as good, level by level."""
        merged = {rid: s for rid, s in self.sessions.items() if rid not in replacing} | found
        score = objective.score(self.instance, [s for group in merged.values() for s in group])
        if objective.rank(score) >= objective.rank(self.score):
            if objective.rank(score) > objective.rank(self.score):
                self.best_found_seconds = round(self.clock.seconds(), 4)
                self.clock.say(f"better plan: weighted_placed {score.weighted_placed}, "
                               f"preferred {score.preferred}, day_minutes {score.day_minutes}")
            self.sessions, self.score = merged, score

    def _solve(self, instance: Instance, current: dict[str, list[PlacedSession]], *, deterministic_time: float | None,
               seed: int, with_day_minutes: bool) -> tuple[int, dict[str, list[PlacedSession]] | None]:
        frame = build(instance, with_day_minutes=with_day_minutes)
        add_hint(frame, [s for group in current.values() for s in group])
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.001, self.clock.left())
        if deterministic_time is not None:
            solver.parameters.max_deterministic_time = deterministic_time
        solver.parameters.num_workers = self.workers
        solver.parameters.random_seed = seed
        # Presolve probing measured 0.7 s on the phone-booking model (0.03 s without, same optimum) and
        # used up a neighbourhood step's whole budget before its first solution.
        solver.parameters.cp_model_probing_level = 0
        status = solver.solve(frame.model, _Watcher(self))
        if self.deterministic_left is not None:
            self.deterministic_left -= max(STEP_LEAST_CHARGE, solver.deterministic_time)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return status, None
        found: dict[str, list[PlacedSession]] = defaultdict(list)
        for session in decode(frame, solver):
            found[session.request].append(session)
        return status, dict(found)


class _Watcher(cp_model.CpSolverSolutionCallback):
    """Counts CP-SAT's solutions and notes when the first came, for the benchmark."""

    def __init__(self, search: _Search) -> None:
        super().__init__()
        self.search = search

    def on_solution_callback(self) -> None:
        self.search.solutions += 1
        if self.search.first_feasible_seconds is None:
            self.search.first_feasible_seconds = round(self.search.clock.seconds(), 4)


def _placeable(instance: Instance) -> list[Request]:
    """Requests that have candidate dates at all (the others can never be placed)."""
    frame = variables.build(instance, cp_model.CpModel())
    return [r for r in instance.requests if r.id in frame.placed]


def _neighbourhood(instance: Instance, sessions: dict[str, list[PlacedSession]], possible: list[Request],
                   rng: random.Random, size: int) -> list[Request]:
    """Requests to free in one step: an unplaced one or two and the placed ones sharing their dates,
    or (when all are placed, and now and then anyway) the requests with a visit in a few random dates."""
    unplaced = [r for r in possible if r.id not in sessions]
    if unplaced and rng.random() < 0.8:
        seeds = rng.sample(unplaced, min(len(unplaced), rng.choice((1, 1, 2))))
        first = min(timeline.day_of(instance, r.earliest) for r in seeds)
        last = max(timeline.day_of(instance, r.latest) for r in seeds)
    else:
        seeds = []
        first = rng.randrange(instance.days)
        last = first + rng.randint(1, 6)
    near = [r for r in possible if r not in seeds and _touches(instance, r, sessions.get(r.id), first, last)]
    rng.shuffle(near)
    chosen, count = list(seeds), sum(r.sessions for r in seeds)
    for request in near:
        if count >= size:
            break
        chosen.append(request)
        count += request.sessions
    # A step freezes the requests it keeps as fixed sessions, and the cap counts a patient's fixed
    # sessions but not the sessions of the patient's other requests: free those along with a capped one.
    capped = {r.patient for r in chosen if r.max_per_7_days is not None}
    chosen += [r for r in possible if r.patient in capped and r not in chosen]
    order = {r.id: i for i, r in enumerate(instance.requests)}
    return sorted(chosen, key=lambda r: order[r.id])


def _touches(instance: Instance, request: Request, placed: list[PlacedSession] | None, first: int, last: int) -> bool:
    if placed:
        return any(first <= timeline.day_of(instance, s.start.date()) <= last for s in placed)
    return timeline.day_of(instance, request.earliest) <= last and first <= timeline.day_of(instance, request.latest)


def _subproblem(instance: Instance, sessions: dict[str, list[PlacedSession]], freed: list[Request]) -> Instance:
    """The instance with only the freed requests to place, every other placed session fixed."""
    freed_ids = {r.id for r in freed}
    requests = {r.id: r for r in instance.requests}
    frozen = tuple(
        FixedSession(id=f"{s.request}#{s.index}", patient=s.patient, chair=s.chair, nurse=s.nurse, start=s.start,
                     chair_minutes=requests[rid].chair_minutes, setup_minutes=requests[rid].setup_minutes)
        for rid, group in sessions.items() if rid not in freed_ids for s in group)
    return replace(instance, requests=tuple(freed), fixed=instance.fixed + frozen)


def add_hint(frame: Frame, placed: list[PlacedSession]) -> None:
    """Hint every variable from valid placements, so CP-SAT starts from that plan."""
    instance, model = frame.instance, frame.model
    at_key = {(s.request, s.index): s for s in placed}
    pinned = chairs.pinned_by_day(instance)
    for request, literal in frame.requests_with_literal():
        model.add_hint(literal, (request.id, 1) in at_key)
    requests = {r.id: r for r in instance.requests}
    for session in frame.sessions:
        at = at_key.get(session.key)
        start = _first_on_grid(instance, session.start_domain) if at is None else timeline.minute_of(instance, at.start)
        day = start // timeline.MINUTES_PER_DAY
        chair = None if at is None else (at.chair if at.chair in pinned[day] else chairs.POOL)
        for key, literal in frame.chair_choice[session.key].items():
            model.add_hint(literal, at is not None and key == chair)
        for key, literal in frame.nurse_choice[session.key].items():
            model.add_hint(literal, at is not None and key == at.nurse)
        if session.key in frame.preferred:
            model.add_hint(frame.preferred[session.key], at is not None and preferred.met(requests[at.request], at))
        model.add_hint(session.day, day)
        model.add_hint(session.start, start)
        model.add_hint(session.grid_step, (start - day * timeline.MINUTES_PER_DAY) // instance.slot_minutes)
    minutes = day_minutes.by_day(instance, placed)
    for day, span in frame.day_spans.items():
        model.add_hint(span, minutes.get(day, 0))


def _first_on_grid(instance: Instance, domain: cp_model.Domain) -> int:
    """The first start of a domain on the slot grid, for the hint of a session not placed."""
    bounds = domain.flattened_intervals()
    for low, high in zip(bounds[::2], bounds[1::2], strict=True):
        start = timeline.grid_at_or_after(instance, low)
        if start <= high:
            return start
    return domain.min()


def decode(frame: Frame, solver: cp_model.CpSolver) -> list[PlacedSession]:
    """The solver's sessions, pooled ones given a chair by colouring each date."""
    rows = []
    for session in frame.sessions:
        if not solver.boolean_value(session.placed):
            continue
        chair = next(key for key, lit in frame.chair_choice[session.key].items() if solver.boolean_value(lit))
        nurse = next(key for key, lit in frame.nurse_choice[session.key].items() if solver.boolean_value(lit))
        rows.append(_Row(session.request.id, session.index, session.request.patient, solver.value(session.start),
                         session.request.chair_minutes, chair, nurse))
    _colour_pool(frame.instance, rows)
    return [PlacedSession(request=row.request, index=row.index, patient=row.patient, chair=row.chair,
                          nurse=row.nurse, start=timeline.datetime_at(frame.instance, row.start)) for row in rows]


@dataclass
class _Row:
    request: str
    index: int
    patient: str
    start: int
    chair_minutes: int
    chair: str | None
    nurse: str


def _colour_pool(instance: Instance, rows: list[_Row]) -> None:
    """Give pooled sessions a chair: by start time, each takes the first free unpinned chair. The pool's
    cumulative keeps every moment within the number of such chairs, so one is always free."""
    pinned = chairs.pinned_by_day(instance)
    by_day: dict[int, list[_Row]] = defaultdict(list)
    for row in rows:
        if row.chair is chairs.POOL:
            by_day[row.start // timeline.MINUTES_PER_DAY].append(row)
    for day, on_day in by_day.items():
        free_from = {chair: 0 for chair in instance.chairs if chair not in pinned[day]}
        for row in sorted(on_day, key=lambda r: (r.start, r.request, r.index)):
            chair = next(c for c, since in free_from.items() if since <= row.start)
            free_from[chair] = row.start + row.chair_minutes
            row.chair = chair


def _result(search: _Search, baseline: Plan, optimal: bool) -> Plan:
    extra = {"greedy_seconds": round(baseline.seconds, 4), "first_feasible_seconds": search.first_feasible_seconds,
             "best_found_seconds": search.best_found_seconds, "cpsat_solutions": search.solutions,
             "neighbourhood_steps": search.steps}
    seconds = search.clock.seconds()
    better = objective.rank(search.score) > objective.rank(baseline.objective)
    if not (better or optimal):
        search.clock.say("cp-sat found nothing better than the greedy plan")
        return replace(baseline, solver="cpsat", status="GREEDY_ONLY", seconds=seconds, extra=extra)
    placed = search.placed()
    unplaced = tuple(Unplaced(request=r.id, code=greedy.NO_SERIES_FITS, reason=greedy.unplaced_reason(r))
                     for r in search.instance.requests if r.id not in search.sessions)
    status = "OPTIMAL" if optimal else "FEASIBLE"
    search.clock.say(f"{status}: {search.score.placed} sessions placed")
    return Plan(solver="cpsat", status=status, seconds=seconds, placed=tuple(placed), unplaced=unplaced,
                objective=search.score, extra=extra)

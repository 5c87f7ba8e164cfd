"""Objective level 2: sessions starting inside one of their request's preferred windows."""

from collections.abc import Sequence

from ortools.sat.python import cp_model

from clinic.scheduling.constraints import timeline
from clinic.scheduling.constraints.variables import Frame, SessionVars
from clinic.scheduling.problem import WEEKDAYS, Instance, PlacedSession, Request


def term(frame: Frame) -> cp_model.LinearExpr:
    """A literal per session that can meet a window: true only if it is placed and starts in one."""
    for session in frame.sessions:
        spans = _window_spans(frame.instance, session)
        allowed = cp_model.Domain.from_intervals(spans).intersection_with(session.start_domain)
        if allowed.is_empty():
            continue
        literal = frame.model.new_bool_var(f"preferred_{session.name}")
        frame.model.add_linear_expression_in_domain(session.start, allowed).only_enforce_if(literal)
        frame.model.add_implication(literal, session.placed)
        frame.preferred[session.key] = literal
    return sum(frame.preferred.values())


def _window_spans(instance: Instance, session: SessionVars) -> list[list[int]]:
    spans = []
    for day in session.days:
        weekday = WEEKDAYS[timeline.weekday_of(instance, day)]
        base = day * timeline.MINUTES_PER_DAY
        spans += [[base + timeline.clock_minutes(w.start), base + timeline.clock_minutes(w.end) - 1]
                  for w in session.request.preferred if w.weekday == weekday]
    return spans


def met(request: Request, session: PlacedSession) -> bool:
    weekday = WEEKDAYS[session.start.weekday()]
    return any(w.weekday == weekday and w.start <= session.start.time() < w.end for w in request.preferred)


def score(instance: Instance, placed: Sequence[PlacedSession]) -> int:
    requests = {request.id: request for request in instance.requests}
    return sum(1 for s in placed if s.request in requests and met(requests[s.request], s))

"""Objective level 1: priority × sessions of every request placed whole."""

from collections.abc import Sequence

from ortools.sat.python import cp_model

from clinic.scheduling.constraints.variables import Frame
from clinic.scheduling.problem import Instance, PlacedSession


def term(frame: Frame) -> cp_model.LinearExpr:
    return sum(request.priority * request.sessions * literal
               for request, literal in frame.requests_with_literal())


def upper_bound(instance: Instance) -> int:
    return sum(request.priority * request.sessions for request in instance.requests)


def whole_requests(instance: Instance, placed: Sequence[PlacedSession]) -> list[str]:
    indices: dict[str, set[int]] = {}
    for session in placed:
        indices.setdefault(session.request, set()).add(session.index)
    return [r.id for r in instance.requests if indices.get(r.id, set()) >= set(range(1, r.sessions + 1))]


def score(instance: Instance, placed: Sequence[PlacedSession]) -> tuple[int, int]:
    """(weighted_placed, placed sessions) counted on requests placed whole."""
    whole = set(whole_requests(instance, placed))
    requests = [r for r in instance.requests if r.id in whole]
    return sum(r.priority * r.sessions for r in requests), sum(r.sessions for r in requests)

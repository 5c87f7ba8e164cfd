"""The three-level objective of design §4.3, weighed so a higher level always dominates, and scored
on a plan the same way whichever solver made it."""

from collections.abc import Sequence

from clinic.scheduling.constraints import day_minutes, preferred, weighted_placed
from clinic.scheduling.constraints.variables import Frame
from clinic.scheduling.problem import Instance, Objective, PlacedSession


def maximise(frame: Frame, *, with_day_minutes: bool = True) -> None:
    """One weighted sum: a preferred start outweighs every day-minute, and one weighted session more
    outweighs every preferred start and day-minute together. Without day minutes (a search step
    that only tries to place more), the dates' closing tails are not made at all."""
    minutes, most_minutes = day_minutes.term(frame) if with_day_minutes else (0, 0)
    preferred_weight = most_minutes + 1
    placed_weight = (len(frame.sessions) + 1) * preferred_weight
    frame.model.maximize(placed_weight * weighted_placed.term(frame)
                         + preferred_weight * preferred.term(frame) - minutes)


def score(instance: Instance, placed: Sequence[PlacedSession]) -> Objective:
    weighted, count = weighted_placed.score(instance, placed)
    return Objective(weighted_placed=weighted, placed=count, preferred=preferred.score(instance, placed),
                     day_minutes=day_minutes.score(instance, placed))


def rank(score: Objective) -> tuple[int, int, int]:
    """Larger is better, level by level."""
    return score.weighted_placed, score.preferred, -score.day_minutes

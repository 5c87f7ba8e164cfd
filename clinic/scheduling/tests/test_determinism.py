"""Same instance, seed, one worker and a deterministic time limit → the same placed and unplaced
(design §5), whether the instance is solved whole or by neighbourhood steps."""

import pytest

from clinic.scheduling import check, cpsat, generate
from clinic.scheduling.problem import Instance, Plan


def run(instance: Instance, *, deterministic_time: float) -> Plan:
    plan = cpsat.solve(instance, time_limit_s=60.0, deterministic_time=deterministic_time, workers=1, seed=3)
    assert check.violations(instance, plan) == []
    return plan


def test_a_whole_model_solve_gives_the_same_plan_twice():
    instance = generate.generate(1, sessions=30, chairs=4, nurses=2, days=14)

    first, second = run(instance, deterministic_time=0.1), run(instance, deterministic_time=0.1)

    assert (first.placed, first.unplaced) == (second.placed, second.unplaced)


@pytest.mark.slow
def test_a_neighbourhood_search_gives_the_same_plan_twice():
    instance = generate.generate(4, sessions=150, days=14)

    first, second = run(instance, deterministic_time=0.3), run(instance, deterministic_time=0.3)

    assert first.extra["neighbourhood_steps"] > 1
    assert (first.placed, first.unplaced) == (second.placed, second.unplaced)

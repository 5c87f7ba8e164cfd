"""How `cpsat.solve` searches and what it reports: statuses, the greedy fallback, the timings the
benchmark reads, the neighbourhood search used on large instances, and the phone-booking case."""

import pytest

from clinic.scheduling import check, cpsat, generate, greedy
from clinic.scheduling.constraints import objective
from clinic.scheduling.problem import Instance, Plan
from clinic.scheduling.tests.builders import fixed_json, request_json, small_instance


def checked(instance: Instance, plan: Plan) -> Plan:
    assert check.violations(instance, plan) == []
    assert check.objective(instance, plan) == plan.objective
    return plan


def contested_slot() -> Instance:
    """Greedy books R1 (priority 1) into the only slot; R2 (priority 3) is worth more."""
    return small_instance(days=1, chairs=["C1"], opening_hours={"mon": ["08:00", "10:00"]}, requests=[
        request_json("R1", sessions=1, latest="2026-12-07", priority=1, preferred=[]),
        request_json("R2", patient="P2", sessions=1, latest="2026-12-07", priority=3, preferred=[])])


def test_a_small_instance_is_solved_whole_and_proved_optimal():
    plan = checked(small_instance(), cpsat.solve(small_instance(), deterministic_time=5.0, workers=1))

    assert (plan.solver, plan.status) == ("cpsat", "OPTIMAL")
    assert 0 < plan.extra["first_feasible_seconds"] <= plan.seconds
    assert plan.extra["greedy_seconds"] <= plan.seconds


def test_the_greedy_plan_comes_back_when_cp_sat_has_no_time():
    instance = contested_slot()

    plan = checked(instance, cpsat.solve(instance, time_limit_s=1e-6))

    assert (plan.solver, plan.status) == ("cpsat", "GREEDY_ONLY")
    assert plan.placed == greedy.solve(instance).placed


def test_neighbourhood_search_beats_greedy(monkeypatch):
    monkeypatch.setattr(cpsat, "WHOLE_MODEL_SESSIONS", 0)
    instance = contested_slot()

    plan = checked(instance, cpsat.solve(instance, deterministic_time=5.0, workers=1))

    assert [s.request for s in plan.placed] == ["R2"]
    assert plan.status == "OPTIMAL"  # one step freed both requests, so its optimum is the instance's


def test_neighbourhood_steps_keep_fixed_sessions_and_every_rule(monkeypatch):
    monkeypatch.setattr(cpsat, "WHOLE_MODEL_SESSIONS", 0)
    monkeypatch.setattr(cpsat, "STEP_SESSIONS", (1, 1, 1))  # one request freed at a time
    instance = small_instance(fixed=[fixed_json("A1", chair="C1", nurse="N1"), fixed_json("A2", patient="P8")],
                              requests=[request_json("R1"), request_json("R2", patient="P2", priority=3),
                                        request_json("R3", patient="P1", sessions=1, earliest="2026-12-14")])

    plan = checked(instance, cpsat.solve(instance, deterministic_time=0.3, workers=1))

    assert plan.extra["neighbourhood_steps"] > 1
    assert objective.rank(plan.objective) >= objective.rank(greedy.solve(instance).objective)


def test_neighbourhood_steps_free_a_patients_capped_requests_together(monkeypatch):
    # Greedy books R2 at 08:00 on Monday; its preferred start is 14:00. Frozen as a fixed session, R1's
    # Tuesday visit would count towards R2's cap of 1 and keep it out of every step freeing it alone.
    monkeypatch.setattr(cpsat, "WHOLE_MODEL_SESSIONS", 0)
    monkeypatch.setattr(cpsat, "STEP_SESSIONS", (1, 1, 1))
    instance = small_instance(requests=[
        request_json("R1", sessions=1, earliest="2026-12-08", latest="2026-12-08", max_per_7_days=None,
                     preferred=[]),
        request_json("R2", sessions=1, earliest="2026-12-07", latest="2026-12-07", max_per_7_days=1,
                     preferred=[{"weekday": "mon", "start": "14:00", "end": "16:00"}])])

    plan = checked(instance, cpsat.solve(instance, deterministic_time=2.0, workers=1))

    assert [(s.request, s.start.isoformat(timespec="minutes")) for s in plan.placed if s.request == "R2"] == [
        ("R2", "2026-12-07T14:00")]
    assert plan.objective.preferred == 1


def test_one_series_into_a_calendar_85_percent_full_is_proved_optimal():
    instance = generate.incremental(16)

    plan = checked(instance, cpsat.solve(instance, time_limit_s=10.0, deterministic_time=5.0, workers=1))

    assert plan.status == "OPTIMAL"
    assert plan.objective.weighted_placed >= greedy.solve(instance).objective.weighted_placed


@pytest.mark.slow
def test_a_large_instance_places_at_least_as_many_weighted_sessions_as_greedy():
    instance = generate.generate(2, sessions=150, days=14)

    plan = checked(instance, cpsat.solve(instance, time_limit_s=30.0, deterministic_time=0.5, workers=1))

    assert plan.extra["neighbourhood_steps"] > 0
    assert plan.objective.weighted_placed >= greedy.solve(instance).objective.weighted_placed

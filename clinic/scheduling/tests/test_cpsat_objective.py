"""The three-level objective in the CP-SAT model (design §4.3): most weighted sessions, then most
preferred starts, then the shortest clinic days; each higher level outweighs all below it."""

from clinic.scheduling import check, cpsat, greedy
from clinic.scheduling.problem import Instance, Plan
from clinic.scheduling.tests.builders import request_json, small_instance


def solved(instance: Instance) -> Plan:
    plan = cpsat.solve(instance, time_limit_s=10.0, deterministic_time=5.0, workers=1, seed=0)
    assert check.violations(instance, plan) == []
    assert check.objective(instance, plan) == plan.objective
    return plan


def starts(plan: Plan) -> list[str]:
    return sorted(s.start.isoformat(timespec="minutes") for s in plan.placed)


def one_visit(request_id: str = "R1", patient: str = "P1", **overrides: object) -> dict:
    return request_json(request_id, patient=patient, **{"sessions": 1, "preferred": [], **overrides})


def test_the_higher_priority_request_wins_a_contested_slot_that_greedy_gives_the_first_caller():
    instance = small_instance(days=1, chairs=["C1"], opening_hours={"mon": ["08:00", "10:00"]}, requests=[
        one_visit("R1", "P1", latest="2026-12-07", priority=1),
        one_visit("R2", "P2", latest="2026-12-07", priority=3)])

    plan = solved(instance)

    assert [s.request for s in plan.placed] == ["R2"]
    assert (plan.status, plan.objective.weighted_placed) == ("OPTIMAL", 3)
    assert greedy.solve(instance).objective.weighted_placed == 1


def test_a_session_starts_in_its_preferred_window():
    wednesday_afternoon = [{"weekday": "wed", "start": "14:00", "end": "16:00"}]

    plan = solved(small_instance(requests=[one_visit(latest="2026-12-11", preferred=wednesday_afternoon)]))

    assert starts(plan) == ["2026-12-09T14:00"]
    assert plan.objective.preferred == 1


def test_sessions_share_a_date_to_keep_clinic_days_short():
    instance = small_instance(requests=[one_visit("R1", "P1", latest="2026-12-08"),
                                        one_visit("R2", "P2", latest="2026-12-08")])

    plan = solved(instance)

    assert len({s.start.date() for s in plan.placed}) == 1
    assert plan.objective.day_minutes == 120


def test_a_preferred_start_outweighs_a_shorter_day():
    afternoon = [{"weekday": "mon", "start": "14:00", "end": "16:00"}]

    plan = solved(small_instance(days=1, requests=[one_visit(latest="2026-12-07", preferred=afternoon)]))

    assert starts(plan) == ["2026-12-07T14:00"]
    assert (plan.objective.preferred, plan.objective.day_minutes) == (1, 480)


def test_one_more_weighted_session_outweighs_every_preferred_start():
    # With one chair, R1 in its 09:00–10:00 window leaves no two hours free for R2.
    nine_o_clock = [{"weekday": "mon", "start": "09:00", "end": "10:00"}]
    instance = small_instance(days=1, chairs=["C1"], opening_hours={"mon": ["08:00", "12:00"]}, requests=[
        one_visit("R1", "P1", latest="2026-12-07", priority=1, preferred=nine_o_clock),
        one_visit("R2", "P2", latest="2026-12-07", priority=1)])

    plan = solved(instance)

    assert (plan.objective.weighted_placed, plan.objective.preferred) == (2, 0)

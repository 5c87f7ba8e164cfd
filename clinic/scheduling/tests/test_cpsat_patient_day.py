"""Rule 4 in the CP-SAT model: a patient has at most one session per date, fixed ones included."""

from clinic.scheduling import check, cpsat
from clinic.scheduling.problem import Instance, Plan
from clinic.scheduling.tests.builders import fixed_json, request_json, small_instance


def solved(instance: Instance) -> Plan:
    plan = cpsat.solve(instance, time_limit_s=10.0, deterministic_time=5.0, workers=1, seed=0)
    assert check.violations(instance, plan) == []
    return plan


def test_a_patient_with_two_requests_gets_one_session_a_date():
    instance = small_instance(days=1, requests=[
        request_json("R1", sessions=1, latest="2026-12-07", priority=1),
        request_json("R2", sessions=1, latest="2026-12-07", priority=2)])

    plan = solved(instance)

    assert [s.request for s in plan.placed] == ["R2"]
    assert [u.request for u in plan.unplaced] == ["R1"]


def test_a_patients_fixed_session_takes_their_date():
    instance = small_instance(days=2, fixed=[fixed_json(patient="P1", start="2026-12-07T15:00")],
                              requests=[request_json(sessions=1, latest="2026-12-08")])

    plan = solved(instance)

    assert [s.start.date().isoformat() for s in plan.placed] == ["2026-12-08"]

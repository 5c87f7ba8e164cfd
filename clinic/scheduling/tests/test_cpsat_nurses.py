"""Rule 3 in the CP-SAT model: a nurse on one shift covering the whole chair time, at most max_patients
at once, one set-up at a time. Chairs and opening hours leave room, so only the nurses decide."""

from clinic.scheduling import check, cpsat
from clinic.scheduling.problem import Instance, Plan
from clinic.scheduling.tests.builders import fixed_json, nurse_json, request_json, shift_json, small_instance


def solved(instance: Instance) -> Plan:
    plan = cpsat.solve(instance, time_limit_s=10.0, deterministic_time=5.0, workers=1, seed=0)
    assert check.violations(instance, plan) == []
    return plan


def starts(plan: Plan) -> list[str]:
    return sorted(s.start.isoformat(timespec="minutes") for s in plan.placed)


def single_visit(request_id: str, patient: str, **overrides: object) -> dict:
    return request_json(request_id, patient=patient, sessions=1, latest="2026-12-07", preferred=[], **overrides)


def test_a_session_needs_one_shift_covering_all_its_chair_time():
    shifts = [shift_json("2026-12-07", "08:00", "13:00"), shift_json("2026-12-07", "13:00", "18:00"),
              shift_json("2026-12-08", "08:00", "18:00")]
    monday_morning = [{"weekday": "mon", "start": "08:00", "end": "12:00"}]
    instance = small_instance(days=2, nurses=[nurse_json("N1", shifts=shifts)], requests=[
        request_json(sessions=1, latest="2026-12-08", chair_minutes=330, preferred=monday_morning)])

    assert starts(solved(instance)) == ["2026-12-08T08:00"]


def test_a_nurse_monitors_at_most_max_patients_at_once():
    instance = small_instance(days=1, opening_hours={"mon": ["08:00", "12:00"]},
                              nurses=[nurse_json("N1", max_patients=1)], requests=[
                                  single_visit("R1", "P1", chair_minutes=150, setup_minutes=0, priority=1),
                                  single_visit("R2", "P2", chair_minutes=150, setup_minutes=0, priority=2)])

    plan = solved(instance)

    assert [s.request for s in plan.placed] == ["R2"]


def test_a_nurse_sets_up_one_patient_at_a_time():
    instance = small_instance(days=1, opening_hours={"mon": ["08:00", "10:00"]},
                              nurses=[nurse_json("N1", max_patients=2)], requests=[
                                  single_visit("R1", "P1", setup_minutes=10, priority=1),
                                  single_visit("R2", "P2", setup_minutes=10, priority=2)])

    plan = solved(instance)

    assert [s.request for s in plan.placed] == ["R2"]


def test_staggered_set_ups_let_one_nurse_start_two_patients():
    instance = small_instance(days=1, opening_hours={"mon": ["08:00", "10:10"]},
                              nurses=[nurse_json("N1", max_patients=2)], requests=[
                                  single_visit("R1", "P1", setup_minutes=10),
                                  single_visit("R2", "P2", setup_minutes=10)])

    assert starts(solved(instance)) == ["2026-12-07T08:00", "2026-12-07T08:10"]


def test_a_fixed_session_uses_up_its_nurse():
    instance = small_instance(days=1, opening_hours={"mon": ["08:00", "12:00"]},
                              nurses=[nurse_json("N1", max_patients=1)],
                              fixed=[fixed_json("A1", chair="C2", nurse="N1", start="2026-12-07T08:00")],
                              requests=[single_visit("R1", "P1")])

    plan = solved(instance)

    assert [(s.nurse, s.start.isoformat(timespec="minutes")) for s in plan.placed] == [("N1", "2026-12-07T10:00")]

"""Rule 1 in the CP-SAT model: a chair holds one session at a time, and fixed sessions keep their chairs.

Each instance is one Monday (2026-12-07) with nurses to spare, so only the chairs decide the answer.
"""

from clinic.scheduling import check, cpsat, greedy
from clinic.scheduling.problem import Instance, Plan
from clinic.scheduling.tests.builders import fixed_json, nurse_json, request_json, small_instance


def solved(instance: Instance) -> Plan:
    plan = cpsat.solve(instance, time_limit_s=10.0, deterministic_time=5.0, workers=1, seed=0)
    assert check.violations(instance, plan) == []
    return plan


def monday(*, hours: tuple[str, str] = ("08:00", "12:00"), **overrides: object) -> Instance:
    nurses = [nurse_json("N1", max_patients=3), nurse_json("N2", max_patients=3), nurse_json("N3", max_patients=3)]
    return small_instance(days=1, opening_hours={"mon": list(hours)}, nurses=nurses, **overrides)


def single_visit(request_id: str, patient: str, **overrides: object) -> dict:
    return request_json(request_id, patient=patient, sessions=1, latest="2026-12-07", preferred=[], **overrides)


def test_one_chair_holds_one_session_at_a_time():
    two_long_visits = [single_visit("R1", "P1", chair_minutes=150, priority=1),
                       single_visit("R2", "P2", chair_minutes=150, priority=2)]

    plan = solved(monday(chairs=["C1"], requests=two_long_visits))

    assert [s.request for s in plan.placed] == ["R2"]
    assert [u.request for u in plan.unplaced] == ["R1"]
    assert plan.status == "OPTIMAL"


def test_a_second_chair_takes_a_second_session_at_the_same_time():
    two_long_visits = [single_visit("R1", "P1", chair_minutes=150), single_visit("R2", "P2", chair_minutes=150)]

    plan = solved(monday(chairs=["C1", "C2"], requests=two_long_visits))

    assert sorted(s.chair for s in plan.placed) == ["C1", "C2"]


def test_no_session_where_every_minute_has_a_free_chair_but_no_chair_is_free_throughout():
    # From 09:00 to 11:00 one chair is always free, but C1 only from 10:00 and C2 only until 10:30:
    # pooling the chairs and colouring afterwards would book R1 there and then fail to seat it.
    fixed = [fixed_json("A1", chair="C1", nurse="N1", start="2026-12-07T09:00", chair_minutes=60),
             fixed_json("A2", chair="C2", nurse="N2", start="2026-12-07T10:30", chair_minutes=90, patient="P8"),
             fixed_json("A3", chair="C1", nurse="N1", start="2026-12-07T11:30", chair_minutes=90, patient="P7")]
    instance = monday(hours=("09:00", "13:00"), chairs=["C1", "C2"], fixed=fixed,
                      requests=[single_visit("R1", "P1", chair_minutes=120)])

    plan = solved(instance)

    assert plan.placed == ()
    assert plan.status == "OPTIMAL"
    assert greedy.solve(instance).placed == ()


def test_a_chair_free_for_the_whole_chair_time_beside_fixed_sessions_is_used():
    fixed = [fixed_json("A1", chair="C1", nurse="N1", start="2026-12-07T09:00", chair_minutes=60),
             fixed_json("A2", chair="C2", nurse="N2", start="2026-12-07T11:00", chair_minutes=90, patient="P8"),
             fixed_json("A3", chair="C1", nurse="N1", start="2026-12-07T11:30", chair_minutes=90, patient="P7")]
    instance = monday(hours=("09:00", "13:00"), chairs=["C1", "C2"], fixed=fixed,
                      requests=[single_visit("R1", "P1", chair_minutes=120)])

    plan = solved(instance)

    assert [(s.chair, s.start.isoformat(timespec="minutes")) for s in plan.placed] == [("C2", "2026-12-07T09:00")]


def test_sessions_on_interchangeable_chairs_each_get_their_own_chair():
    visits = [single_visit(f"R{n}", f"P{n}", setup_minutes=10) for n in (1, 2, 3)]

    plan = solved(monday(hours=("08:00", "10:30"), chairs=["C1", "C2", "C3"], requests=visits))

    assert sorted(s.chair for s in plan.placed) == ["C1", "C2", "C3"]

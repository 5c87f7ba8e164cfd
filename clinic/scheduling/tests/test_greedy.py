"""The first-come, earliest-fit baseline: requests in input order, each visit at the earliest slot of
the earliest allowed date, a series whole or not at all. Every plan goes through `check`.

The calendar (tests/builders.py): from Monday 2026-12-07, open Monday to Friday 08:00–18:00; chairs
C1, C2; nurses N1, N2 (max_patients 2, 08:00–18:00 daily). R1 is P1's 3-visit series, 120 chair
minutes, gaps 2–4 days, at most 3 in 7 dates.
"""

from clinic.scheduling import check, generate, greedy
from clinic.scheduling.problem import Instance, Plan
from clinic.scheduling.tests.builders import fixed_json, nurse_json, request_json, shift_json, small_instance


def booked(instance: Instance) -> Plan:
    plan = greedy.solve(instance)
    assert check.violations(instance, plan) == []
    return plan


def starts(plan: Plan, request: str = "R1") -> list[str]:
    return [s.start.isoformat(timespec="minutes") for s in sorted(plan.placed, key=lambda s: s.index)
            if s.request == request]


def test_books_each_visit_at_the_earliest_slot_of_the_earliest_allowed_date():
    plan = booked(small_instance())

    assert starts(plan) == ["2026-12-07T08:00", "2026-12-09T08:00", "2026-12-11T08:00"]
    assert {(s.chair, s.nurse) for s in plan.placed} == {("C1", "N1")}
    assert (plan.solver, plan.status, plan.unplaced) == ("greedy", "GREEDY", ())


def test_takes_requests_in_input_order_whatever_their_priority():
    instance = small_instance(days=1, chairs=["C1"], opening_hours={"mon": ["08:00", "10:00"]}, requests=[
        request_json("R1", sessions=1, latest="2026-12-07", priority=1),
        request_json("R2", patient="P2", sessions=1, latest="2026-12-07", priority=3)])

    plan = booked(instance)

    assert starts(plan, "R1") == ["2026-12-07T08:00"]
    assert [(u.request, u.code) for u in plan.unplaced] == [("R2", "NO_SERIES_FITS")]


def test_books_a_series_whole_or_not_at_all_and_names_its_dates():
    # Wednesday and Thursday are full on both chairs, so only visit 1 could go in before the window ends.
    full_days = [fixed_json(f"A{n}", chair=chair, nurse=nurse, start=f"{day}T08:00", chair_minutes=600,
                            patient=f"P{n + 10}")
                 for n, (day, chair, nurse) in enumerate([("2026-12-09", "C1", "N1"), ("2026-12-09", "C2", "N2"),
                                                          ("2026-12-10", "C1", "N1"), ("2026-12-10", "C2", "N2")])]
    instance = small_instance(fixed=full_days, requests=[request_json(latest="2026-12-11")])

    plan = booked(instance)

    assert plan.placed == ()
    assert plan.unplaced[0].code == "NO_SERIES_FITS"
    assert "between 2026-12-07 and 2026-12-11" in plan.unplaced[0].reason


def test_moves_past_fixed_sessions_to_the_first_free_chair_and_nurse():
    instance = small_instance(fixed=[fixed_json("A1", chair="C1", nurse="N1"), fixed_json("A2", patient="P8")])

    plan = booked(instance)

    assert starts(plan)[0] == "2026-12-07T11:00"


def test_spaces_the_first_visit_from_the_last_previous_date():
    instance = small_instance(requests=[request_json(previous_dates=["2026-12-03", "2026-12-05"],
                                                     min_gap_days=4, max_gap_days=5)])

    plan = booked(instance)

    assert starts(plan) == ["2026-12-09T08:00", "2026-12-14T08:00", "2026-12-18T08:00"]


def test_keeps_to_max_per_7_days():
    instance = small_instance(requests=[request_json(min_gap_days=1, max_gap_days=7, max_per_7_days=2)])

    plan = booked(instance)

    assert starts(plan) == ["2026-12-07T08:00", "2026-12-08T08:00", "2026-12-14T08:00"]


def test_ends_the_series_within_the_gap_before_the_first_following_date():
    # Mon 7, Wed 9, Fri 11 would leave 10 days before the visit of Monday 21; 2–3 are allowed.
    instance = small_instance(requests=[request_json(min_gap_days=2, max_gap_days=3,
                                                     following_dates=["2026-12-21", "2026-12-23"])])

    plan = booked(instance)

    assert starts(plan) == ["2026-12-14T08:00", "2026-12-16T08:00", "2026-12-18T08:00"]


def test_counts_the_patients_fixed_sessions_towards_max_per_7_days():
    # P1 has fixed visits on Tue 8 and Thu 10: Mon 7 and Wed 9 would make four visits in 7 dates.
    instance = small_instance(requests=[request_json(sessions=2, preferred=[])],
                              fixed=[fixed_json("A1", patient="P1", start="2026-12-08T09:00"),
                                     fixed_json("A2", patient="P1", start="2026-12-10T09:00")])

    plan = booked(instance)

    assert starts(plan) == ["2026-12-11T08:00", "2026-12-15T08:00"]


def test_leaves_unplaced_a_visit_that_would_crowd_the_following_visits():
    # Only Friday 11 is 1–3 days before Monday 14, and it shares 7 dates with Monday 14 and Tuesday 15.
    instance = small_instance(requests=[request_json(sessions=1, latest="2026-12-11", min_gap_days=1,
                                                     max_gap_days=3, max_per_7_days=2,
                                                     following_dates=["2026-12-14", "2026-12-15"])])

    plan = booked(instance)

    assert plan.placed == ()
    assert [(u.request, u.code) for u in plan.unplaced] == [("R1", "NO_SERIES_FITS")]
    assert "at most 2 in 7 days, the last before 2026-12-14" in plan.unplaced[0].reason


def test_leaves_unplaced_a_series_its_previous_and_following_visits_crowd_wherever_it_goes():
    # Between Saturday 5 and Friday 11 the two visits can only go on Mon 7 and Wed 9: four in 7 dates.
    instance = small_instance(requests=[request_json(sessions=2, latest="2026-12-10", previous_dates=["2026-12-05"],
                                                     following_dates=["2026-12-11"])])

    plan = booked(instance)

    assert (plan.placed, [u.request for u in plan.unplaced]) == ((), ["R1"])


def test_counts_a_following_visit_also_booked_as_a_fixed_session_once():
    # Monday 14 stays booked: with Mon 7, Wed 9 and Fri 11 that is three visits in 7 dates, the cap.
    instance = small_instance(requests=[request_json(latest="2026-12-11", following_dates=["2026-12-14"])],
                              fixed=[fixed_json(patient="P1", start="2026-12-14T09:00")])

    plan = booked(instance)

    assert starts(plan) == ["2026-12-07T08:00", "2026-12-09T08:00", "2026-12-11T08:00"]


def test_books_another_date_when_the_patient_already_has_a_visit_that_day():
    instance = small_instance(fixed=[fixed_json(patient="P1", start="2026-12-07T15:00")])

    plan = booked(instance)

    assert starts(plan)[0] == "2026-12-08T08:00"


def test_uses_a_nurse_whose_one_shift_covers_the_whole_chair_time():
    split_monday = [shift_json("2026-12-07", "08:00", "13:00"), shift_json("2026-12-07", "13:00", "18:00")]
    late_monday = [shift_json("2026-12-07", "10:00", "18:00")]
    instance = small_instance(days=1, nurses=[nurse_json("N1", shifts=split_monday),
                                              nurse_json("N2", shifts=late_monday)],
                              requests=[request_json(sessions=1, latest="2026-12-07", chair_minutes=330)])

    plan = booked(instance)

    assert [(s.start.isoformat(timespec="minutes"), s.nurse) for s in plan.placed] == [("2026-12-07T10:00", "N2")]


def test_books_600_requested_sessions_and_scores_them_as_check_does():
    # Its speed is measured by the benchmark (`python -m bench scheduling_speed`).
    instance = generate.generate(0, sessions=600)

    plan = booked(instance)

    assert check.objective(instance, plan) == plan.objective
    assert plan.objective.placed == 576


def test_books_a_calendar_re_planning_visits_in_the_middle_of_series_without_breaking_a_rule():
    instance, _ = generate.replanning(3, sessions=100, chairs=4, nurses=2, fullness=0.4)

    plan = booked(instance)

    replanned = {request.id for request in instance.requests if request.following_dates}
    assert len(replanned) == 10
    assert replanned <= {s.request for s in plan.placed}
    assert [u.request for u in plan.unplaced] == ["R15"]
    assert check.objective(instance, plan) == plan.objective

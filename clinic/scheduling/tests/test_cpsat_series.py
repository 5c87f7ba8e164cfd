"""Rule 5 in the CP-SAT model: a series whole or not at all, in index order on dates within its
window, min_gap_days..max_gap_days apart (the first from the last previous date, the last to the first
following date), never more than max_per_7_days in any 7 dates, counting previous and following dates
and the patient's fixed sessions. Preferred windows tempt each series towards what the rule forbids."""

import datetime as dt

from clinic.scheduling import check, cpsat, generate
from clinic.scheduling.problem import Instance, Plan
from clinic.scheduling.tests.builders import fixed_json, request_json, small_instance

MON, TUE, WED, THU, FRI = ({"weekday": day, "start": "08:00", "end": "12:00"}
                           for day in ("mon", "tue", "wed", "thu", "fri"))


def solved(instance: Instance) -> Plan:
    plan = cpsat.solve(instance, time_limit_s=10.0, deterministic_time=5.0, workers=1, seed=0)
    assert check.violations(instance, plan) == []
    return plan


def dates(plan: Plan) -> list[dt.date]:
    return [s.start.date() for s in sorted(plan.placed, key=lambda s: s.index)]


def test_a_series_is_placed_whole_or_not_at_all():
    # Wednesday is full, so visit 2 has no date; visit 1 alone would still meet its Monday preference.
    full_wednesday = [fixed_json(f"A{n}", chair=chair, nurse=nurse, start="2026-12-09T08:00", chair_minutes=600,
                                 patient=f"P{n + 10}") for n, (chair, nurse) in enumerate([("C1", "N1"), ("C2", "N2")])]
    instance = small_instance(fixed=full_wednesday, requests=[
        request_json(sessions=2, latest="2026-12-09", min_gap_days=2, max_gap_days=2, preferred=[MON])])

    plan = solved(instance)

    assert plan.placed == ()
    assert [u.request for u in plan.unplaced] == ["R1"]
    assert plan.status == "OPTIMAL"


def most_in_7_dates(visits: list[dt.date]) -> int:
    return max(sum(0 <= (other - day).days < 7 for other in visits) for day in visits)


def test_consecutive_sessions_keep_the_minimum_gap():
    # Tuesday and Thursday would meet both preferences, 2 days apart.
    instance = small_instance(requests=[request_json(sessions=2, latest="2026-12-11", min_gap_days=3,
                                                     max_gap_days=4, preferred=[TUE, THU])])

    first, second = dates(solved(instance))

    assert 3 <= (second - first).days <= 4


def test_consecutive_sessions_keep_the_maximum_gap():
    instance = small_instance(requests=[request_json(sessions=2, latest="2026-12-11", min_gap_days=1,
                                                     max_gap_days=2, preferred=[MON, FRI])])

    first, second = dates(solved(instance))

    assert 1 <= (second - first).days <= 2


def test_the_first_session_is_spaced_from_the_last_previous_date():
    instance = small_instance(requests=[request_json(sessions=1, latest="2026-12-11", previous_dates=["2026-12-05"],
                                                     min_gap_days=4, max_gap_days=6, preferred=[MON])])

    [first] = dates(solved(instance))

    assert dt.date(2026, 12, 9) <= first <= dt.date(2026, 12, 11)


def test_a_first_session_waits_until_previous_visits_leave_its_7_dates():
    # 04 and 05 December fall in every 7-date window up to 10 December; the cap is 2.
    instance = small_instance(requests=[request_json(sessions=1, latest="2026-12-14", min_gap_days=1, max_gap_days=7,
                                                     max_per_7_days=2, previous_dates=["2026-12-04", "2026-12-05"],
                                                     preferred=[MON])])

    assert dates(solved(instance)) == [dt.date(2026, 12, 11)]


def test_previous_dates_count_towards_max_per_7_days_for_later_sessions():
    # By Friday 11, any two new visits and 5 December make 3 in 7 dates; the cap is 2.
    instance = small_instance(requests=[request_json(sessions=2, latest="2026-12-11", min_gap_days=1, max_gap_days=7,
                                                     max_per_7_days=2, previous_dates=["2026-12-05"],
                                                     preferred=[MON, TUE])])

    plan = solved(instance)

    assert plan.placed == ()
    assert plan.status == "OPTIMAL"


def test_a_series_never_crowds_more_than_max_per_7_days():
    # Tuesday to Thursday would meet three preferences; with at most 2 in 7 dates and the window ending
    # on Monday 14, the series must open on Monday 7 and close on Monday 14.
    instance = small_instance(requests=[request_json(sessions=3, latest="2026-12-14", min_gap_days=1, max_gap_days=7,
                                                     max_per_7_days=2, preferred=[TUE, WED, THU])])

    placed = dates(solved(instance))

    assert (placed[0], placed[-1]) == (dt.date(2026, 12, 7), dt.date(2026, 12, 14))
    assert most_in_7_dates(placed) <= 2


def test_the_last_session_is_spaced_from_the_first_following_date():
    # Monday 14 stays booked: the last visit must fall 2–3 days before it, so on Friday 11, though Mon 7
    # and Wed 9 would meet both preferences.
    instance = small_instance(requests=[request_json(sessions=2, latest="2026-12-11", min_gap_days=2,
                                                     max_gap_days=3, following_dates=["2026-12-14"],
                                                     preferred=[MON, WED])])

    assert dates(solved(instance)) == [dt.date(2026, 12, 9), dt.date(2026, 12, 11)]


def test_following_dates_count_towards_max_per_7_days():
    # Monday 14 and Tuesday 15 stay booked; with at most 2 in 7 dates the visit must come by Tuesday 8.
    instance = small_instance(closed_dates=["2026-12-07"], requests=[request_json(
        sessions=1, latest="2026-12-11", min_gap_days=1, max_gap_days=7, max_per_7_days=2,
        following_dates=["2026-12-14", "2026-12-15"], preferred=[FRI])])

    assert dates(solved(instance)) == [dt.date(2026, 12, 8)]


def test_following_dates_count_towards_max_per_7_days_with_every_session():
    # At most 2 in 7 dates and Monday 14 stays booked: the first visit must come 7 dates before it, on
    # Monday 7, though Tuesday 8 and Thursday 10 would meet both preferences.
    instance = small_instance(requests=[request_json(sessions=2, latest="2026-12-11", min_gap_days=1,
                                                     max_gap_days=4, max_per_7_days=2,
                                                     following_dates=["2026-12-14"], preferred=[TUE, THU])])

    assert dates(solved(instance)) == [dt.date(2026, 12, 7), dt.date(2026, 12, 10)]


def test_the_patients_fixed_sessions_count_towards_max_per_7_days():
    # P1 has fixed visits on Tue 8 and Thu 10; Mon 7 and Wed 9 would meet both preferences but make
    # four visits in 7 dates. Fri 11 and Tue 15 are the only pair left by Tuesday 15.
    instance = small_instance(requests=[request_json(sessions=2, latest="2026-12-15", preferred=[MON, WED])],
                              fixed=[fixed_json("A1", patient="P1", start="2026-12-08T09:00"),
                                     fixed_json("A2", patient="P1", start="2026-12-10T09:00")])

    assert dates(solved(instance)) == [dt.date(2026, 12, 11), dt.date(2026, 12, 15)]


def test_a_following_visit_also_booked_as_a_fixed_session_counts_once():
    # Mon 7, Wed 9 and Fri 11 are the only dates spaced 2–4 days apart and 2–4 days before Monday 14.
    instance = small_instance(requests=[request_json(latest="2026-12-11", following_dates=["2026-12-14"])],
                              fixed=[fixed_json(patient="P1", start="2026-12-14T09:00")])

    assert dates(solved(instance)) == [dt.date(2026, 12, 7), dt.date(2026, 12, 9), dt.date(2026, 12, 11)]


def test_a_series_crowded_by_its_previous_and_following_visits_is_not_placed():
    # Between Saturday 5 and Friday 11 the two visits can only go on Mon 7 and Wed 9: four in 7 dates.
    instance = small_instance(requests=[request_json(sessions=2, latest="2026-12-10", previous_dates=["2026-12-05"],
                                                     following_dates=["2026-12-11"], preferred=[MON])])

    plan = solved(instance)

    assert (plan.placed, [u.request for u in plan.unplaced]) == ((), ["R1"])
    assert plan.status == "OPTIMAL"


def test_a_calendar_re_planning_visits_in_the_middle_of_series_is_solved_placing_every_visit():
    # The generator's plan places every request, so an optimal plan does too.
    instance, _ = generate.replanning(3, series=4, sessions=40, chairs=4, nurses=2, days=14)

    plan = solved(instance)

    assert plan.status == "OPTIMAL"
    assert sum(1 for request in instance.requests if request.following_dates) == 4
    assert (plan.objective.placed, plan.unplaced) == (generate.requested_sessions(instance), ())

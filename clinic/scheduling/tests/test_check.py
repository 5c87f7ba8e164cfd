"""The plan checker: each hard rule of design §4.3, broken alone by a hand-made plan, gives exactly its
violation; a valid plan gives none; the objective's parts match figures worked out by hand.

The base case (tests/builders.py): R1 is patient P1's 3-visit series, placed Monday 7, Wednesday 9
and Friday 11 December 2026 at 09:00 on chair C1 with nurse N1 (120 chair minutes, 15 set-up).
"""

import dataclasses
import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from clinic.scheduling import check
from clinic.scheduling.problem import Unplaced
from clinic.scheduling.tests.builders import (
    fixed_json,
    nurse_json,
    plan,
    request_json,
    session,
    shift_json,
    small_instance,
    valid_plan,
    valid_series,
)


def codes(found: list[check.Violation]) -> list[tuple[int, str, tuple[str, ...]]]:
    return [(v.rule, v.code, v.sessions) for v in found]


def with_session(base: tuple, index: int, start: str, **changes: str) -> tuple:
    """The series with session `index` moved to `start` (and other fields changed)."""
    moved = dataclasses.replace(base[index - 1], start=dt.datetime.fromisoformat(start), **changes)
    return (*base[: index - 1], moved, *base[index:])


def two_series_instance(**r2: object):
    """R1 as usual plus R2, patient P2's series, which `r2_series()` places on C2 with N2."""
    return small_instance(requests=[request_json(), request_json("R2", **{"patient": "P2", **r2})])


def r2_series(patient: str = "P2") -> tuple:
    return valid_series("R2", patient=patient, chair="C2", nurse="N2",
                        dates=("2026-12-08", "2026-12-10", "2026-12-14"))


# ---- a valid plan ---------------------------------------------------------------------------------

def test_valid_plan_breaks_no_rule():
    assert check.violations(small_instance(), valid_plan()) == []


def test_empty_plan_breaks_no_rule():
    assert check.violations(small_instance(), plan()) == []


def test_two_valid_series_side_by_side_break_no_rule():
    assert check.violations(two_series_instance(), plan(*valid_series(), *r2_series())) == []


def test_request_left_unplaced_and_listed_as_such_breaks_no_rule():
    unplaced = (Unplaced(request="R1", code="NO_SERIES_FITS", reason="no 3-visit series fits"),)

    assert check.violations(small_instance(), plan(unplaced=unplaced)) == []


def test_violation_serialises_to_the_json_line_of_design_4_1():
    violation = check.Violation(1, "CHAIR_OVERLAP", ("R1#1", "A1"), "both hold chair C1.")

    assert violation.to_json() == {"rule": 1, "code": "CHAIR_OVERLAP", "sessions": ["R1#1", "A1"],
                                   "message": "both hold chair C1."}


# ---- rule 1: a chair holds one session at a time ----------------------------------------------------

def test_rule1_two_placed_sessions_on_one_chair_at_once_is_chair_overlap():
    r2 = with_session(r2_series(), 1, "2026-12-07T10:00", chair="C1")

    found = check.violations(two_series_instance(), plan(*valid_series(), *r2))

    assert codes(found) == [(1, "CHAIR_OVERLAP", ("R1#1", "R2#1"))]
    assert "chair C1" in found[0].message


def test_rule1_back_to_back_sessions_on_one_chair_do_not_overlap():
    r2 = with_session(r2_series(), 1, "2026-12-07T11:00", chair="C1")  # R1#1 holds C1 09:00–11:00

    assert check.violations(two_series_instance(), plan(*valid_series(), *r2)) == []


def test_rule1_fixed_session_takes_its_chair():
    instance = small_instance(fixed=[fixed_json(chair="C1", start="2026-12-09T10:30")])

    assert codes(check.violations(instance, valid_plan())) == [(1, "CHAIR_OVERLAP", ("R1#2", "A1"))]


def test_rule1_fixed_sessions_clashing_with_each_other_are_not_rechecked():
    fixed = [fixed_json("A1", chair="C2"), fixed_json("A2", patient="P8", chair="C2", start="2026-12-07T09:30")]

    assert check.violations(small_instance(fixed=fixed), valid_plan()) == []


def test_rule1_session_on_a_chair_the_clinic_lacks_is_unknown_chair():
    series = with_session(valid_series(), 2, "2026-12-09T09:00", chair="C9")

    assert codes(check.violations(small_instance(), plan(*series))) == [(1, "UNKNOWN_CHAIR", ("R1#2",))]


# ---- rule 2: opening hours, open date, horizon, slot grid --------------------------------------------

def long_shift_instance(**overrides: object):
    """Nurses on 06:00–22:00, so that only the opening hours (08:00–18:00) can refuse a time."""
    nurses = [nurse_json("N1", start="06:00", end="22:00"), nurse_json("N2", start="06:00", end="22:00")]
    return small_instance(nurses=nurses, **overrides)


def test_rule2_session_starting_before_opening_is_outside_opening_hours():
    series = with_session(valid_series(), 1, "2026-12-07T07:30")

    assert codes(check.violations(long_shift_instance(), plan(*series))) == [
        (2, "OUTSIDE_OPENING_HOURS", ("R1#1",))]


def test_rule2_session_running_past_closing_is_outside_opening_hours():
    series = with_session(valid_series(), 3, "2026-12-11T16:05")  # chair time until 18:05

    assert codes(check.violations(long_shift_instance(), plan(*series))) == [
        (2, "OUTSIDE_OPENING_HOURS", ("R1#3",))]


def test_rule2_session_ending_exactly_at_closing_is_inside_opening_hours():
    series = with_session(valid_series(), 3, "2026-12-11T16:00")

    assert check.violations(long_shift_instance(), plan(*series)) == []


def test_rule2_session_on_a_closed_date_is_closed_date():
    instance = small_instance(closed_dates=["2026-12-09"])

    assert codes(check.violations(instance, valid_plan())) == [(2, "CLOSED_DATE", ("R1#2",))]


def test_rule2_session_on_a_weekday_set_to_null_is_closed_date():
    series = with_session(valid_series(), 3, "2026-12-12T09:00")  # Saturday: null

    assert codes(check.violations(small_instance(), plan(*series))) == [(2, "CLOSED_DATE", ("R1#3",))]


def test_rule2_session_on_a_weekday_missing_from_opening_hours_is_closed_date():
    series = with_session(valid_series(), 3, "2026-12-13T09:00")  # Sunday: absent

    assert codes(check.violations(small_instance(), plan(*series))) == [(2, "CLOSED_DATE", ("R1#3",))]


def test_rule2_session_after_the_horizon_is_outside_horizon():
    # The request's window lies inside the horizon, so leaving the horizon also leaves the window.
    nurses = [nurse_json("N1", shifts=[shift_json(day) for day in ("2026-12-14", "2026-12-17", "2026-12-21")])]
    series = valid_series(dates=("2026-12-14", "2026-12-17", "2026-12-21"))

    found = check.violations(small_instance(nurses=nurses, requests=[request_json(latest="2026-12-20")]), plan(*series))

    assert codes(found) == [(2, "OUTSIDE_HORIZON", ("R1#3",)), (5, "OUTSIDE_REQUEST_WINDOW", ("R1#3",))]


def test_rule2_start_off_the_slot_grid_is_off_grid():
    series = with_session(valid_series(), 2, "2026-12-09T09:02")

    assert codes(check.violations(small_instance(), plan(*series))) == [(2, "OFF_GRID", ("R1#2",))]


def test_rule2_grid_counts_from_midnight_in_slot_minutes():
    series = with_session(valid_series(), 2, "2026-12-09T09:05")

    assert codes(check.violations(small_instance(slot_minutes=15), plan(*series))) == [(2, "OFF_GRID", ("R1#2",))]
    assert check.violations(small_instance(slot_minutes=15), valid_plan()) == []


# ---- rule 3: nurse shift, monitoring capacity, one set-up at a time ----------------------------------

def test_rule3_session_with_a_nurse_the_clinic_lacks_is_unknown_nurse():
    series = with_session(valid_series(), 1, "2026-12-07T09:00", nurse="N9")

    assert codes(check.violations(small_instance(), plan(*series))) == [(3, "UNKNOWN_NURSE", ("R1#1",))]


def test_rule3_shift_ending_during_the_chair_time_is_no_covering_shift():
    shifts = [shift_json("2026-12-07", "08:00", "10:30"), shift_json("2026-12-09"), shift_json("2026-12-11")]
    instance = small_instance(nurses=[nurse_json("N1", shifts=shifts), nurse_json("N2")])

    assert codes(check.violations(instance, valid_plan())) == [(3, "NO_COVERING_SHIFT", ("R1#1",))]


def test_rule3_two_shifts_that_together_cover_the_chair_time_are_not_one_covering_shift():
    shifts = [shift_json("2026-12-07", "08:00", "10:00"), shift_json("2026-12-07", "10:00", "18:00"),
              shift_json("2026-12-09"), shift_json("2026-12-11")]
    instance = small_instance(nurses=[nurse_json("N1", shifts=shifts), nurse_json("N2")])

    assert codes(check.violations(instance, valid_plan())) == [(3, "NO_COVERING_SHIFT", ("R1#1",))]


def test_rule3_nurse_without_a_shift_that_date_is_no_covering_shift():
    shifts = [shift_json("2026-12-07"), shift_json("2026-12-11")]
    instance = small_instance(nurses=[nurse_json("N1", shifts=shifts), nurse_json("N2")])

    assert codes(check.violations(instance, valid_plan())) == [(3, "NO_COVERING_SHIFT", ("R1#2",))]


def test_rule3_more_patients_than_max_patients_at_once_is_nurse_over_capacity():
    nurses = [nurse_json("N1", max_patients=1), nurse_json("N2")]
    r2 = with_session(r2_series(), 1, "2026-12-07T09:30", nurse="N1")  # set-ups 09:00 and 09:30 apart

    found = check.violations(small_instance(nurses=nurses, requests=[request_json(), request_json("R2", patient="P2")]),
                             plan(*valid_series(), *r2))

    assert codes(found) == [(3, "NURSE_OVER_CAPACITY", ("R1#1", "R2#1"))]
    assert "max_patients 1" in found[0].message


def test_rule3_one_stretch_of_overload_is_one_violation_naming_every_session_in_it():
    requests = [request_json(), request_json("R2", patient="P2"), request_json("R3", patient="P3")]
    r2 = with_session(r2_series(), 1, "2026-12-07T09:30", nurse="N1")
    r3 = with_session(valid_series("R3", patient="P3", chair="C3", nurse="N2", time="13:00"), 1,
                      "2026-12-07T10:00", nurse="N1")
    instance = small_instance(chairs=["C1", "C2", "C3"], requests=requests)

    found = check.violations(instance, plan(*valid_series(), *r2, *r3))

    assert codes(found) == [(3, "NURSE_OVER_CAPACITY", ("R1#1", "R2#1", "R3#1"))]


def test_rule3_session_ending_as_another_starts_does_not_add_to_the_nurse_load():
    nurses = [nurse_json("N1", max_patients=1), nurse_json("N2")]
    r2 = with_session(r2_series(), 1, "2026-12-07T11:00", nurse="N1")

    instance = small_instance(nurses=nurses, requests=[request_json(), request_json("R2", patient="P2")])

    assert check.violations(instance, plan(*valid_series(), *r2)) == []


def test_rule3_fixed_session_takes_nurse_capacity():
    instance = small_instance(nurses=[nurse_json("N1", max_patients=1), nurse_json("N2")],
                              fixed=[fixed_json(nurse="N1", start="2026-12-09T09:30")])

    assert codes(check.violations(instance, valid_plan())) == [(3, "NURSE_OVER_CAPACITY", ("R1#2", "A1"))]


def test_rule3_overlapping_set_ups_of_one_nurse_are_setup_overlap():
    r2 = with_session(r2_series(), 1, "2026-12-07T09:10", nurse="N1")  # 09:00–09:15 and 09:10–09:25

    found = check.violations(two_series_instance(), plan(*valid_series(), *r2))

    assert codes(found) == [(3, "SETUP_OVERLAP", ("R1#1", "R2#1"))]


def test_rule3_set_up_starting_as_another_ends_is_not_an_overlap():
    r2 = with_session(r2_series(), 1, "2026-12-07T09:15", nurse="N1")

    assert check.violations(two_series_instance(), plan(*valid_series(), *r2)) == []


def test_rule3_fixed_session_set_up_blocks_the_nurse():
    instance = small_instance(fixed=[fixed_json(nurse="N1", start="2026-12-11T08:55")])  # set-up 08:55–09:05

    assert codes(check.violations(instance, valid_plan())) == [(3, "SETUP_OVERLAP", ("A1", "R1#3"))]


# ---- rule 4: a patient has at most one session per date -----------------------------------------------

def test_rule4_two_series_of_one_patient_on_one_date_is_patient_twice_in_a_day():
    r2 = with_session(r2_series(patient="P1"), 1, "2026-12-07T14:00")

    found = check.violations(two_series_instance(patient="P1"), plan(*valid_series(), *r2))

    assert codes(found) == [(4, "PATIENT_TWICE_IN_A_DAY", ("R1#1", "R2#1"))]


def test_rule4_fixed_session_of_the_patient_takes_the_date():
    # No 7-date cap: the fixed session would also make four visits in 7 dates (rule 5).
    instance = small_instance(fixed=[fixed_json(patient="P1", start="2026-12-09T14:00")],
                              requests=[request_json(max_per_7_days=None)])

    assert codes(check.violations(instance, valid_plan())) == [(4, "PATIENT_TWICE_IN_A_DAY", ("R1#2", "A1"))]


# ---- rule 5: whole series, in order, in its window, spaced, capped --------------------------------------

def test_rule5_series_placed_in_part_is_partial_request():
    found = check.violations(small_instance(), plan(*valid_series()[:2]))

    assert codes(found) == [(5, "PARTIAL_REQUEST", ("R1#1", "R1#2"))]
    assert "missing index 3" in found[0].message


def test_rule5_request_listed_as_unplaced_but_placed_is_placed_and_unplaced():
    unplaced = (Unplaced(request="R1", code="NO_SERIES_FITS", reason=""),)

    found = check.violations(small_instance(), plan(*valid_series(), unplaced=unplaced))

    assert codes(found) == [(5, "PLACED_AND_UNPLACED", ("R1#1", "R1#2", "R1#3"))]


def test_rule5_request_listed_as_unplaced_and_placed_in_part_breaks_both():
    unplaced = (Unplaced(request="R1", code="NO_SERIES_FITS", reason=""),)

    found = check.violations(small_instance(), plan(*valid_series()[:1], unplaced=unplaced))

    assert codes(found) == [(5, "PARTIAL_REQUEST", ("R1#1",)), (5, "PLACED_AND_UNPLACED", ("R1#1",))]


def test_rule5_indices_out_of_date_order_is_index_order():
    first, second, third = valid_series()
    swapped = (first, dataclasses.replace(second, index=3), dataclasses.replace(third, index=2))

    assert codes(check.violations(small_instance(), plan(*swapped))) == [(5, "INDEX_ORDER", ("R1#2", "R1#3"))]


def test_rule5_session_before_earliest_is_outside_request_window():
    instance = small_instance(requests=[request_json(earliest="2026-12-08")])

    assert codes(check.violations(instance, valid_plan())) == [(5, "OUTSIDE_REQUEST_WINDOW", ("R1#1",))]


def test_rule5_session_after_latest_is_outside_request_window():
    instance = small_instance(requests=[request_json(latest="2026-12-10")])

    assert codes(check.violations(instance, valid_plan())) == [(5, "OUTSIDE_REQUEST_WINDOW", ("R1#3",))]


def test_rule5_dates_closer_than_min_gap_days_is_gap_too_short():
    series = with_session(valid_series(), 2, "2026-12-08T09:00")  # 1 day after R1#1, 3 before R1#3

    assert codes(check.violations(small_instance(), plan(*series))) == [(5, "GAP_TOO_SHORT", ("R1#1", "R1#2"))]


def test_rule5_dates_further_than_max_gap_days_is_gap_too_long():
    series = with_session(valid_series(), 3, "2026-12-14T09:00")  # 5 days after R1#2

    assert codes(check.violations(small_instance(), plan(*series))) == [(5, "GAP_TOO_LONG", ("R1#2", "R1#3"))]


def test_rule5_gap_is_counted_in_calendar_dates_across_closed_days():
    series = with_session(valid_series(), 3, "2026-12-14T09:00")
    instance = small_instance(requests=[request_json(max_gap_days=5)])  # Wed 9 → Mon 14: 5 dates, weekend included

    assert check.violations(instance, plan(*series)) == []


def test_rule5_first_session_too_soon_after_the_last_previous_date_is_gap_too_short():
    instance = small_instance(requests=[request_json(previous_dates=["2026-12-01", "2026-12-06"],
                                                     max_per_7_days=None)])

    found = check.violations(instance, valid_plan())

    assert codes(found) == [(5, "GAP_TOO_SHORT", ("R1#1",))]
    assert "previous visit (2026-12-06)" in found[0].message


def test_rule5_first_session_too_long_after_the_last_previous_date_is_gap_too_long():
    instance = small_instance(requests=[request_json(previous_dates=["2026-12-02"], max_per_7_days=None)])

    assert codes(check.violations(instance, valid_plan())) == [(5, "GAP_TOO_LONG", ("R1#1",))]


def test_rule5_first_session_spaced_from_the_last_previous_date_is_valid():
    instance = small_instance(requests=[request_json(previous_dates=["2026-12-04"], max_per_7_days=None)])

    assert check.violations(instance, valid_plan()) == []


def test_rule5_more_visits_than_max_per_7_days_is_too_many_in_7_days():
    instance = small_instance(requests=[request_json(max_per_7_days=2)])

    found = check.violations(instance, valid_plan())

    assert codes(found) == [(5, "TOO_MANY_IN_7_DAYS", ("R1#1", "R1#2", "R1#3"))]


def test_rule5_previous_dates_count_towards_max_per_7_days():
    instance = small_instance(requests=[request_json(previous_dates=["2026-12-03", "2026-12-05"])])

    found = check.violations(instance, valid_plan())  # Dec 5, 7, 9, 11: four visits in 7 dates

    assert codes(found) == [(5, "TOO_MANY_IN_7_DAYS", ("R1#1", "R1#2", "R1#3"))]
    assert "4 visits in the 7 dates from 2026-12-05" in found[0].message


def test_rule5_visits_exactly_at_max_per_7_days_are_valid():
    instance = small_instance(requests=[request_json(sessions=4, latest="2026-12-18")])
    series = valid_series(dates=("2026-12-07", "2026-12-09", "2026-12-11", "2026-12-14"))  # 3 in any 7 dates

    assert check.violations(instance, plan(*series)) == []


def test_rule5_last_session_too_soon_before_the_first_following_date_is_gap_too_short():
    instance = small_instance(requests=[request_json(latest="2026-12-11", following_dates=["2026-12-12", "2026-12-19"],
                                                     max_per_7_days=None)])

    found = check.violations(instance, valid_plan())

    assert codes(found) == [(5, "GAP_TOO_SHORT", ("R1#3",))]
    assert found[0].message == ("the following visit (2026-12-12) is 1 days after R1#3 (2026-12-11); "
                                "request R1 needs at least 2.")


def test_rule5_last_session_too_long_before_the_first_following_date_is_gap_too_long():
    instance = small_instance(requests=[request_json(latest="2026-12-11", following_dates=["2026-12-16"],
                                                     max_per_7_days=None)])

    assert codes(check.violations(instance, valid_plan())) == [(5, "GAP_TOO_LONG", ("R1#3",))]


def test_rule5_last_session_spaced_from_the_first_following_date_is_valid():
    # Mon 7, Wed 9, Fri 11, then Mon 14 and Wed 16: three visits in any 7 dates, the cap.
    instance = small_instance(requests=[request_json(latest="2026-12-11",
                                                     following_dates=["2026-12-14", "2026-12-16"])])

    assert check.violations(instance, valid_plan()) == []


def test_rule5_following_dates_count_towards_max_per_7_days():
    instance = small_instance(requests=[request_json(latest="2026-12-11", following_dates=["2026-12-13"])])

    found = check.violations(instance, valid_plan())  # Dec 7, 9, 11, 13: four visits in 7 dates

    assert codes(found) == [(5, "TOO_MANY_IN_7_DAYS", ("R1#1", "R1#2", "R1#3"))]
    assert found[0].message == ("Request R1 has 4 visits in the 7 dates from 2026-12-07, counting following "
                                "visit 2026-12-13; at most 3 are allowed.")


def test_rule5_fixed_sessions_of_the_patient_count_towards_max_per_7_days():
    instance = small_instance(fixed=[fixed_json(patient="P1", start="2026-12-08T14:00")])

    found = check.violations(instance, valid_plan())  # Dec 7, 8 (fixed), 9, 11

    assert codes(found) == [(5, "TOO_MANY_IN_7_DAYS", ("R1#1", "A1", "R1#2", "R1#3"))]
    assert found[0].message == ("Request R1 has 4 visits in the 7 dates from 2026-12-07, counting fixed "
                                "session A1 on 2026-12-08; at most 3 are allowed.")


def test_rule5_fixed_sessions_of_another_patient_do_not_count_towards_max_per_7_days():
    instance = small_instance(fixed=[fixed_json(patient="P9", start="2026-12-08T14:00")])

    assert check.violations(instance, valid_plan()) == []


def test_rule5_previous_following_and_fixed_visits_count_together():
    instance = small_instance(
        requests=[request_json(sessions=1, earliest="2026-12-09", latest="2026-12-09", previous_dates=["2026-12-07"],
                               following_dates=["2026-12-11"])],
        fixed=[fixed_json(patient="P1", start="2026-12-10T14:00")])
    series = plan(session("R1", 1, "2026-12-09T09:00"))

    found = check.violations(instance, series)  # Dec 7 (previous), 9, 10 (fixed), 11 (following)

    assert codes(found) == [(5, "TOO_MANY_IN_7_DAYS", ("R1#1", "A1"))]
    assert found[0].message == ("Request R1 has 4 visits in the 7 dates from 2026-12-07, counting previous visit "
                                "2026-12-07, fixed session A1 on 2026-12-10 and following visit 2026-12-11; "
                                "at most 3 are allowed.")


def test_rule5_a_following_visit_also_booked_as_a_fixed_session_counts_once():
    # The visit of Monday 14 stays booked, so it is both a following date and a fixed session.
    instance = small_instance(requests=[request_json(latest="2026-12-11", following_dates=["2026-12-14"])],
                              fixed=[fixed_json(patient="P1", start="2026-12-14T09:00")])

    assert check.violations(instance, valid_plan()) == []


def test_rule5_fixed_sessions_alone_over_the_cap_are_not_the_requests_violation():
    # Three fixed visits on Dec 8–10 break a cap of 2 by themselves; R1's one visit on Wed 16 shares
    # 7 dates with only one of them.
    fixed = [fixed_json(f"A{n}", patient="P1", start=f"2026-12-{day:02}T09:00")
             for n, day in enumerate((8, 9, 10), start=1)]
    instance = small_instance(requests=[request_json(sessions=1, earliest="2026-12-14", max_per_7_days=2)],
                              fixed=fixed)

    assert check.violations(instance, plan(session("R1", 1, "2026-12-16T09:00"))) == []


def test_rule5_session_naming_another_patient_is_wrong_patient():
    series = with_session(valid_series(), 2, "2026-12-09T09:00", patient="P2")

    assert codes(check.violations(small_instance(), plan(*series))) == [(5, "WRONG_PATIENT", ("R1#2",))]


def test_rule5_session_of_a_request_not_in_the_instance_is_unknown_request():
    found = check.violations(small_instance(), plan(*valid_series(), session("R9", 1, "2026-12-08T09:00")))

    assert codes(found) == [(5, "UNKNOWN_REQUEST", ("R9#1",))]


def test_rule5_unplaced_request_not_in_the_instance_is_unknown_request():
    unplaced = (Unplaced(request="R9", code="NO_SERIES_FITS", reason=""),)

    assert codes(check.violations(small_instance(), plan(*valid_series(), unplaced=unplaced))) == [
        (5, "UNKNOWN_REQUEST", ())]


def test_rule5_index_placed_twice_is_duplicate_index():
    instance = small_instance(requests=[request_json(min_gap_days=1, max_per_7_days=None)])
    extra = session("R1", 2, "2026-12-10T09:00")

    assert codes(check.violations(instance, plan(*valid_series(), extra))) == [
        (5, "DUPLICATE_INDEX", ("R1#2", "R1#2"))]


def test_rule5_index_beyond_the_request_sessions_is_index_out_of_range():
    extra = session("R1", 4, "2026-12-14T09:00")

    assert codes(check.violations(small_instance(), plan(*valid_series(), extra))) == [
        (5, "INDEX_OUT_OF_RANGE", ("R1#4",))]


# ---- every violation at once ----------------------------------------------------------------------------

def test_plan_breaking_several_rules_gets_every_violation():
    series = (session("R1", 1, "2026-12-07T07:02", chair="C9", nurse="N9"), session("R1", 2, "2026-12-08T09:00"))

    found = check.violations(small_instance(), plan(*series))

    assert [v.code for v in found] == ["UNKNOWN_CHAIR", "OFF_GRID", "OUTSIDE_OPENING_HOURS", "UNKNOWN_NURSE",
                                       "GAP_TOO_SHORT", "PARTIAL_REQUEST"]


def test_a_busy_600_session_plan_with_fixed_bookings_breaks_no_rule():
    # Chairs booked back to back all day and every nurse at max_patients; how fast `check` is goes to the
    # benchmark (`python -m bench scheduling_speed`).
    instance, big_plan = _busy_three_weeks()

    found = check.violations(instance, big_plan)

    assert len(big_plan.placed) == 600
    assert found == []


def _busy_three_weeks():
    """10 chairs, 5 nurses (two chairs each, starts 15 minutes apart), 4 sessions a chair a weekday
    for 3 weeks: 600 one-visit requests, plus a fixed booking at 16:15 on every chair on Mondays."""
    chairs = [f"C{c}" for c in range(10)]
    weekdays = [dt.date(2026, 12, 7) + dt.timedelta(days=d) for d in range(21)]
    weekdays = [day for day in weekdays if day.weekday() < 5]
    nurses = [{"id": f"N{n}", "max_patients": 2,
               "shifts": [shift_json(day.isoformat(), "08:00", "18:00") for day in weekdays]} for n in range(5)]
    requests, placed, fixed = [], [], []
    for day in weekdays:
        for c, chair in enumerate(chairs):
            for slot in range(4):
                start = dt.datetime.combine(day, dt.time(8 + 2 * slot, 15 * (c % 2)))
                ident = f"R{len(requests)}"
                requests.append(request_json(ident, patient=f"P{ident}", sessions=1, earliest=day.isoformat(),
                                             latest=day.isoformat(), preferred=[]))
                placed.append(session(ident, 1, start.isoformat(), chair=chair, nurse=f"N{c // 2}",
                                      patient=f"P{ident}"))
            if day.weekday() == 0:
                fixed.append(fixed_json(f"A{day}{chair}", patient=f"F{chair}", chair=chair, nurse=f"N{c // 2}",
                                        start=f"{day}T16:15", chair_minutes=90, setup_minutes=0))
    instance = small_instance(days=21, chairs=chairs, nurses=nurses, requests=requests, fixed=fixed)
    return instance, plan(*placed)


# ---- objective -----------------------------------------------------------------------------------------

def test_objective_of_the_base_plan_worked_out_by_hand():
    # R1 whole: 3 sessions × priority 2. Preferred Monday 09:00–12:00: only R1#1 (Monday 09:00).
    # Each date: opening 08:00 to the end of chair time 11:00 = 180 minutes; 3 dates = 540.
    assert check.objective(small_instance(), valid_plan()) == check.Objective(
        weighted_placed=6, placed=3, preferred=1, day_minutes=540)


def test_objective_counts_whole_requests_preferred_windows_and_fixed_chair_time():
    preferred = [{"weekday": "mon", "start": "09:00", "end": "12:00"},
                 {"weekday": "fri", "start": "08:00", "end": "09:00"}]  # R1#3 at Fri 09:00: end is exclusive
    instance = small_instance(
        requests=[request_json(preferred=preferred), request_json("R2", patient="P2", sessions=2, priority=5)],
        fixed=[fixed_json(start="2026-12-08T13:00"),  # Tue: 08:00 → 15:00 = 420
               fixed_json("A2", patient="P8", start="2026-12-12T09:00")])  # Saturday is closed: 0
    r2_part = session("R2", 1, "2026-12-07T14:00", chair="C2", nurse="N2", patient="P2")  # Mon until 16:00

    score = check.objective(instance, plan(*valid_series(), r2_part))

    # R2 is placed in part, so it adds nothing to weighted_placed or placed, but its chair time counts:
    # Mon 08:00 → 16:00 = 480, Tue 420, Wed 180, Fri 180.
    assert score == check.Objective(weighted_placed=6, placed=3, preferred=1, day_minutes=1260)


def test_objective_of_an_empty_plan_counts_only_fixed_sessions():
    instance = small_instance(fixed=[fixed_json(start="2026-12-09T10:00", chair_minutes=90)])

    assert check.objective(instance, plan()) == check.Objective(
        weighted_placed=0, placed=0, preferred=0, day_minutes=210)


# ---- the sweeps against a minute-by-minute count ---------------------------------------------------------

PROPERTY_SETTINGS = settings(deadline=None, derandomize=True, max_examples=200)
one_day_sessions = st.lists(
    st.tuples(st.sampled_from(["C1", "C2"]), st.integers(min_value=96, max_value=192)),  # 08:00 .. 16:00
    min_size=0, max_size=6)


def _one_day(placements: list[tuple[str, int]], max_patients: int):
    """One-visit requests for different patients on Monday 7 December, all with nurse N1."""
    requests = [request_json(f"R{i}", patient=f"P{i}", sessions=1, chair_minutes=60 + 15 * (i % 3), setup_minutes=20)
                for i in range(len(placements))]
    instance = small_instance(requests=requests, nurses=[nurse_json("N1", max_patients=max_patients)])
    placed = [session(f"R{i}", 1, (dt.datetime(2026, 12, 7) + dt.timedelta(minutes=5 * slot)).isoformat(),
                      chair=chair, patient=f"P{i}") for i, (chair, slot) in enumerate(placements)]
    return instance, plan(*placed)


def _minutes_held(instance, one_day_plan, *, setup: bool) -> dict[str, set[int]]:
    requests = {r.id: r for r in instance.requests}
    held = {}
    for placed in one_day_plan.placed:
        request = requests[placed.request]
        first = placed.start.hour * 60 + placed.start.minute
        held[f"{placed.request}#1"] = set(range(first, first + (request.setup_minutes if setup
                                                                 else request.chair_minutes)))
    return held


@PROPERTY_SETTINGS
@given(placements=one_day_sessions)
def test_rule1_chair_overlap_names_exactly_the_pairs_sharing_a_chair_minute(placements):
    instance, one_day_plan = _one_day(placements, max_patients=6)
    held = _minutes_held(instance, one_day_plan, setup=False)
    chair_of = {f"{p.request}#1": p.chair for p in one_day_plan.placed}

    found = check.violations(instance, one_day_plan)

    expected = {frozenset((a, b)) for a in held for b in held
                if a < b and chair_of[a] == chair_of[b] and held[a] & held[b]}
    assert {frozenset(v.sessions) for v in found if v.code == "CHAIR_OVERLAP"} == expected


@PROPERTY_SETTINGS
@given(placements=one_day_sessions, max_patients=st.integers(min_value=1, max_value=3))
def test_rule3_nurse_over_capacity_covers_exactly_the_sessions_in_an_overloaded_minute(placements, max_patients):
    instance, one_day_plan = _one_day(placements, max_patients=max_patients)
    held = _minutes_held(instance, one_day_plan, setup=False)

    found = check.violations(instance, one_day_plan)

    overloaded = [minute for minute in range(24 * 60) if sum(minute in m for m in held.values()) > max_patients]
    in_overload = {name for name, minutes in held.items() if minutes.intersection(overloaded)}
    reported = [v for v in found if v.code == "NURSE_OVER_CAPACITY"]
    assert {name for v in reported for name in v.sessions} == in_overload
    assert bool(reported) == bool(overloaded)


@PROPERTY_SETTINGS
@given(placements=one_day_sessions)
def test_rule3_setup_overlap_names_exactly_the_pairs_sharing_a_set_up_minute(placements):
    instance, one_day_plan = _one_day(placements, max_patients=6)
    held = _minutes_held(instance, one_day_plan, setup=True)

    found = check.violations(instance, one_day_plan)

    expected = {frozenset((a, b)) for a in held for b in held if a < b and held[a] & held[b]}
    assert {frozenset(v.sessions) for v in found if v.code == "SETUP_OVERLAP"} == expected


@PROPERTY_SETTINGS
@given(offsets=st.lists(st.integers(min_value=0, max_value=11), min_size=1, max_size=6, unique=True),
       previous=st.lists(st.integers(min_value=1, max_value=8), max_size=3, unique=True),
       following=st.lists(st.integers(min_value=12, max_value=20), max_size=3, unique=True),
       fixed=st.lists(st.integers(min_value=-6, max_value=20), max_size=3, unique=True),
       cap=st.integers(min_value=1, max_value=4))
def test_rule5_too_many_in_7_days_covers_exactly_the_sessions_in_a_crowded_window(offsets, previous, following,
                                                                                  fixed, cap):
    """New sessions count one each; previous and following dates and the patient's fixed sessions one
    per date; a crowded window names its new and fixed sessions."""
    monday = dt.date(2026, 12, 7)
    dates = [monday + dt.timedelta(days=offset) for offset in sorted(offsets)]
    previous_dates = [monday - dt.timedelta(days=back) for back in previous]
    following_dates = [monday + dt.timedelta(days=offset) for offset in following]  # after latest, Dec 18
    fixed_dates = {f"A{n}": monday + dt.timedelta(days=offset) for n, offset in enumerate(fixed, start=1)}
    instance = small_instance(
        requests=[request_json(sessions=len(dates), max_per_7_days=cap, min_gap_days=1, max_gap_days=30,
                               previous_dates=[day.isoformat() for day in previous_dates],
                               following_dates=[day.isoformat() for day in following_dates])],
        fixed=[fixed_json(name, patient="P1", start=f"{day}T14:00") for name, day in fixed_dates.items()])
    series = plan(*(session("R1", i, f"{day}T09:00") for i, day in enumerate(dates, start=1)))

    found = check.violations(instance, series)

    given = set(previous_dates) | set(following_dates) | set(fixed_dates.values())
    crowded: set[str] = set()
    for first in (dt.date(2026, 11, 20) + dt.timedelta(days=d) for d in range(40)):
        new = [f"R1#{i}" for i, day in enumerate(dates, start=1) if first <= day <= first + dt.timedelta(days=6)]
        inside = [day for day in given if first <= day <= first + dt.timedelta(days=6)]
        if new and len(new) + len(inside) > cap:
            crowded |= {*new, *(name for name, day in fixed_dates.items() if day in inside)}
    assert {name for v in found if v.code == "TOO_MANY_IN_7_DAYS" for name in v.sessions} == crowded

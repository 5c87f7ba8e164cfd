"""Reading the problem and the plan (design §4.3): every field, and errors that name the bad field."""

import dataclasses
import datetime as dt
import json

import pytest

from clinic.scheduling import check
from clinic.scheduling.problem import (
    FixedSession,
    InstanceError,
    Nurse,
    Objective,
    PlacedSession,
    Request,
    Shift,
    Unplaced,
    Window,
    parse_instance,
    parse_plan,
    plan_to_json,
)
from clinic.scheduling.tests.builders import fixed_json, instance_json, nurse_json, request_json, shift_json

DESIGN_EXAMPLE = {
    "start_date": "2026-12-07", "days": 21, "slot_minutes": 5,
    "opening_hours": {"mon": ["08:00", "18:00"], "tue": ["08:00", "18:00"], "sat": None},
    "closed_dates": ["2026-12-25"],
    "chairs": ["C1", "C2", "C3"],
    "nurses": [{"id": "N1", "max_patients": 3,
                "shifts": [{"date": "2026-12-07", "start": "08:00", "end": "16:30"}]}],
    "fixed": [{"id": "A17", "patient": "P9", "chair": "C1", "nurse": "N1",
               "start": "2026-12-07T09:00", "chair_minutes": 120, "setup_minutes": 10}],
    "requests": [{"id": "R1", "patient": "P1", "sessions": 6,
                  "earliest": "2026-12-07", "latest": "2026-12-25",
                  "min_gap_days": 2, "max_gap_days": 4, "max_per_7_days": 3,
                  "previous_dates": [],
                  "chair_minutes": 120, "setup_minutes": 10, "priority": 1,
                  "preferred": [{"weekday": "mon", "start": "09:00", "end": "12:00"}]}],
}

DESIGN_PLAN = {
    "solver": "cpsat", "status": "OPTIMAL", "seconds": 0.31,
    "placed": [{"request": "R1", "index": 1, "patient": "P1", "chair": "C2", "nurse": "N1",
                "start": "2026-12-07T09:30"}],
    "unplaced": [{"request": "R7", "code": "NO_SERIES_FITS",
                  "reason": "no 6-visit series fits between 2026-12-07 and 2026-12-25"}],
    "objective": {"weighted_placed": 36, "placed": 36, "preferred": 20, "day_minutes": 5400},
}


def field_of(data: object, parse=parse_instance) -> str:
    with pytest.raises(InstanceError) as raised:
        parse(data)
    return raised.value.field


# ---- every field of the design's example -------------------------------------------------------------

def test_reads_the_calendar_fields_of_the_design_example():
    instance = parse_instance(DESIGN_EXAMPLE)

    assert (instance.start_date, instance.days, instance.slot_minutes) == (dt.date(2026, 12, 7), 21, 5)
    assert instance.opening_hours == {"mon": (dt.time(8), dt.time(18)), "tue": (dt.time(8), dt.time(18)), "sat": None}
    assert instance.closed_dates == frozenset({dt.date(2026, 12, 25)})
    assert instance.chairs == ("C1", "C2", "C3")


def test_reads_nurses_and_their_shifts():
    instance = parse_instance(DESIGN_EXAMPLE)

    shift = Shift(date=dt.date(2026, 12, 7), start=dt.time(8), end=dt.time(16, 30))
    assert instance.nurses == (Nurse(id="N1", max_patients=3, shifts=(shift,)),)


def test_reads_fixed_sessions():
    instance = parse_instance(DESIGN_EXAMPLE)

    assert instance.fixed == (FixedSession(id="A17", patient="P9", chair="C1", nurse="N1",
                                           start=dt.datetime(2026, 12, 7, 9), chair_minutes=120, setup_minutes=10),)


def test_reads_every_request_field():
    instance = parse_instance(DESIGN_EXAMPLE)

    assert instance.requests == (Request(
        id="R1", patient="P1", sessions=6, earliest=dt.date(2026, 12, 7), latest=dt.date(2026, 12, 25),
        min_gap_days=2, max_gap_days=4, chair_minutes=120, setup_minutes=10, priority=1, max_per_7_days=3,
        previous_dates=(),
        preferred=(Window(weekday="mon", start=dt.time(9), end=dt.time(12)),)),)


def test_reads_previous_dates_in_date_order():
    data = instance_json(requests=[request_json(previous_dates=["2026-12-04", "2026-12-01"])])

    assert parse_instance(data).requests[0].previous_dates == (dt.date(2026, 12, 1), dt.date(2026, 12, 4))


def test_reads_following_dates_in_date_order():
    data = instance_json(requests=[request_json(latest="2026-12-11", following_dates=["2026-12-16", "2026-12-14"])])

    assert parse_instance(data).requests[0].following_dates == (dt.date(2026, 12, 14), dt.date(2026, 12, 16))


def test_following_dates_may_lie_beyond_the_horizon():
    data = instance_json(requests=[request_json(following_dates=["2027-01-04"])])

    assert parse_instance(data).requests[0].following_dates == (dt.date(2027, 1, 4),)


def test_optional_fields_take_their_documented_defaults():
    data = {key: value for key, value in instance_json().items()
            if key not in ("slot_minutes", "closed_dates", "fixed")}
    data["requests"] = [{key: value for key, value in request_json().items()
                         if key not in ("max_per_7_days", "previous_dates", "priority", "preferred")}]

    instance = parse_instance(data)

    assert (instance.slot_minutes, instance.closed_dates, instance.fixed) == (5, frozenset(), ())
    request = instance.requests[0]
    assert (request.max_per_7_days, request.previous_dates, request.following_dates, request.priority,
            request.preferred) == (None, (), (), 1, ())


def test_max_per_7_days_null_means_no_limit():
    data = instance_json(requests=[request_json(max_per_7_days=None)])

    assert parse_instance(data).requests[0].max_per_7_days is None


def test_weekday_missing_or_null_and_closed_dates_are_closed():
    instance = parse_instance(DESIGN_EXAMPLE)

    assert instance.hours_on(dt.date(2026, 12, 7)) == (dt.time(8), dt.time(18))  # Monday
    assert instance.hours_on(dt.date(2026, 12, 9)) is None  # Wednesday: missing
    assert instance.hours_on(dt.date(2026, 12, 12)) is None  # Saturday: null
    assert instance.hours_on(dt.date(2026, 12, 28)) is None  # after the 21-day horizon


# ---- errors name the field -----------------------------------------------------------------------------

@pytest.mark.parametrize(("changes", "field"), [
    ({"start_date": "07/12/2026"}, "start_date"),
    ({"days": 0}, "days"),
    ({"days": "21"}, "days"),
    ({"slot_minutes": 0}, "slot_minutes"),
    ({"slot_minutes": 2.5}, "slot_minutes"),
    ({"opening_hours": {"monday": ["08:00", "18:00"]}}, "opening_hours.monday"),
    ({"opening_hours": {"mon": ["18:00", "08:00"]}}, "opening_hours.mon"),
    ({"opening_hours": {"mon": ["8am", "18:00"]}}, "opening_hours.mon[0]"),
    ({"opening_hours": {"mon": "08:00-18:00"}}, "opening_hours.mon"),
    ({"closed_dates": ["2026-12-32"]}, "closed_dates[0]"),
    ({"chairs": "C1"}, "chairs"),
    ({"chairs": ["C1", ""]}, "chairs[1]"),
    ({"chairs": ["C1", "C1"]}, "chairs[1]"),
])
def test_malformed_calendar_field_is_named(changes, field):
    assert field_of(instance_json(**changes)) == field


@pytest.mark.parametrize("missing", ["start_date", "days", "opening_hours", "chairs", "nurses"])
def test_missing_required_field_is_named(missing):
    data = {key: value for key, value in instance_json().items() if key != missing}

    assert field_of(data) == missing


def test_instance_that_is_not_a_json_object_is_refused():
    assert field_of([]) == "instance"


@pytest.mark.parametrize(("nurses", "field"), [
    ([nurse_json("N1", shifts=[shift_json("2026-12-07", "16:30", "08:00")])], "nurses[0].shifts[0].end"),
    ([nurse_json("N1", shifts=[shift_json("2026-12-07", "08:00", "08:00")])], "nurses[0].shifts[0].end"),
    ([nurse_json("N1", shifts=[{"date": "2026-12-07", "start": "08:00"}])], "nurses[0].shifts[0].end"),
    ([nurse_json("N1", max_patients=0)], "nurses[0].max_patients"),
    ([nurse_json("N1", max_patients=True)], "nurses[0].max_patients"),
    ([nurse_json("N1"), nurse_json("N1")], "nurses[1].id"),
])
def test_malformed_nurse_field_is_named(nurses, field):
    assert field_of(instance_json(nurses=nurses)) == field


@pytest.mark.parametrize(("fixed", "field"), [
    ([fixed_json(chair="C9")], "fixed[0].chair"),
    ([fixed_json(nurse="N9")], "fixed[0].nurse"),
    ([fixed_json(start="2026-12-07 9:00")], "fixed[0].start"),
    ([fixed_json(start="2026-12-07T09:00+01:00")], "fixed[0].start"),
    ([fixed_json(setup_minutes=200)], "fixed[0].setup_minutes"),
    ([fixed_json("A1"), fixed_json("A1", start="2026-12-08T09:00")], "fixed[1].id"),
])
def test_malformed_fixed_session_field_is_named(fixed, field):
    assert field_of(instance_json(fixed=fixed)) == field


@pytest.mark.parametrize(("changes", "field"), [
    ({"min_gap_days": 5, "max_gap_days": 4}, "requests[0].min_gap_days"),
    ({"earliest": "2026-12-06"}, "requests[0].earliest"),
    ({"latest": "2026-12-21"}, "requests[0].latest"),
    ({"earliest": "2026-12-10", "latest": "2026-12-09"}, "requests[0].latest"),
    ({"previous_dates": ["2026-12-07"]}, "requests[0].previous_dates"),
    ({"previous_dates": ["yesterday"]}, "requests[0].previous_dates[0]"),
    ({"previous_dates": ["2026-12-04", "2026-12-04"]}, "requests[0].previous_dates"),
    ({"following_dates": "2026-12-21"}, "requests[0].following_dates"),
    ({"following_dates": ["next week"]}, "requests[0].following_dates[0]"),
    ({"following_dates": ["2026-12-21", "2026-12-18"]}, "requests[0].following_dates"),
    ({"following_dates": ["2026-12-21", "2026-12-21"]}, "requests[0].following_dates"),
    ({"sessions": 0}, "requests[0].sessions"),
    ({"sessions": "6"}, "requests[0].sessions"),
    ({"priority": 0}, "requests[0].priority"),
    ({"max_per_7_days": 8}, "requests[0].max_per_7_days"),
    ({"chair_minutes": 120.5}, "requests[0].chair_minutes"),
    ({"setup_minutes": 121}, "requests[0].setup_minutes"),
    ({"preferred": [{"weekday": "monday", "start": "09:00", "end": "12:00"}]}, "requests[0].preferred[0].weekday"),
    ({"preferred": [{"weekday": "mon", "start": "12:00", "end": "09:00"}]}, "requests[0].preferred[0].end"),
])
def test_malformed_request_field_is_named(changes, field):
    assert field_of(instance_json(requests=[request_json(**changes)])) == field


def test_following_date_on_or_before_latest_says_to_move_latest():
    with pytest.raises(InstanceError) as raised:
        parse_instance(instance_json(requests=[request_json(following_dates=["2026-12-18"])]))

    assert str(raised.value) == ("requests[0].following_dates: must all be after latest (2026-12-18): they are the "
                                 "series' visits after the ones to plan; move latest before the first of them.")


def test_duplicate_request_id_is_named():
    assert field_of(instance_json(requests=[request_json("R1"), request_json("R1")])) == "requests[1].id"


def test_error_message_starts_with_the_field():
    with pytest.raises(InstanceError) as raised:
        parse_instance(instance_json(requests=[request_json(min_gap_days=5, max_gap_days=4)]))

    assert str(raised.value) == "requests[0].min_gap_days: 5 is more than max_gap_days 4."


# ---- the plan ----------------------------------------------------------------------------------------

def test_reads_the_design_example_plan():
    plan = parse_plan(DESIGN_PLAN)

    assert (plan.solver, plan.status, plan.seconds) == ("cpsat", "OPTIMAL", 0.31)
    assert plan.placed == (PlacedSession(request="R1", index=1, patient="P1", chair="C2", nurse="N1",
                                         start=dt.datetime(2026, 12, 7, 9, 30)),)
    assert plan.unplaced == (Unplaced(request="R7", code="NO_SERIES_FITS",
                                      reason="no 6-visit series fits between 2026-12-07 and 2026-12-25"),)


def test_plan_round_trips_through_json():
    plan = parse_plan(DESIGN_PLAN)
    scored = dataclasses.replace(plan, objective=Objective(36, 36, 20, 5400))

    data = json.loads(json.dumps(plan_to_json(scored)))

    assert data == DESIGN_PLAN
    assert parse_plan(data) == plan


@pytest.mark.parametrize(("changes", "field"), [
    ({"placed": "none"}, "placed"),
    ({"placed": [{"request": "R1"}]}, "placed[0].index"),
    ({"placed": [{**DESIGN_PLAN["placed"][0], "index": 0}]}, "placed[0].index"),
    ({"placed": [{**DESIGN_PLAN["placed"][0], "start": "tomorrow"}]}, "placed[0].start"),
    ({"unplaced": [{"code": "NO_SERIES_FITS"}]}, "unplaced[0].request"),
    ({"seconds": "fast"}, "seconds"),
])
def test_malformed_plan_field_is_named(changes, field):
    assert field_of({**DESIGN_PLAN, **changes}, parse_plan) == field


def test_plan_that_is_not_a_json_object_is_refused():
    assert field_of([], parse_plan) == "plan"


def test_design_example_plan_checks_against_the_design_example_instance():
    # R1 is placed in part (1 of 6) while R7 is not in the instance: exactly those two findings.
    found = check.violations(parse_instance(DESIGN_EXAMPLE), parse_plan(DESIGN_PLAN))

    assert [v.code for v in found] == ["PARTIAL_REQUEST", "UNKNOWN_REQUEST"]

"""The seeded instance generator: valid, deterministic instances that read back from their JSON."""

import dataclasses
import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from clinic.scheduling import check, generate
from clinic.scheduling.problem import Instance, PlacedSession, Plan, Request, parse_instance

ROOT = Path(__file__).resolve().parents[3]
SIZES = [
    pytest.param(dict(sessions=600, chairs=10, nurses=5, fullness=0.1), id="600-sessions", marks=pytest.mark.slow),
    pytest.param(dict(sessions=250, chairs=10, nurses=5, fullness=0.5), id="250-sessions"),
    pytest.param(dict(sessions=100, chairs=4, nurses=2, fullness=0.4), id="small-clinic"),
]


def _fixed_as_placed(instance: Instance) -> tuple[Instance, Plan]:
    """Each fixed booking as a one-visit request placed where it is booked, so that `check`, which
    does not re-check fixed sessions, checks them against every rule."""
    requests = tuple(
        Request(id=f.id, patient=f.patient, sessions=1, earliest=f.start.date(), latest=f.start.date(),
                min_gap_days=1, max_gap_days=1, chair_minutes=f.chair_minutes, setup_minutes=f.setup_minutes)
        for f in instance.fixed)
    placed = tuple(PlacedSession(request=f.id, index=1, patient=f.patient, chair=f.chair, nurse=f.nurse,
                                 start=f.start) for f in instance.fixed)
    unbooked = dataclasses.replace(instance, fixed=(), requests=requests)
    return unbooked, Plan(solver="fixed", status="FEASIBLE", seconds=0.0, placed=placed)


@pytest.mark.parametrize("size", SIZES)
def test_instances_read_back_from_their_json(size):
    instance = generate.generate(3, **size)

    text = json.dumps(generate.instance_to_json(instance))

    assert parse_instance(json.loads(text)) == instance


def test_replanning_instance_reads_back_from_its_json_following_dates_included():
    instance, _ = generate.replanning(3, sessions=100, chairs=4, nurses=2, fullness=0.4)

    data = json.loads(json.dumps(generate.instance_to_json(instance)))

    assert parse_instance(data) == instance
    assert sum("following_dates" in request for request in data["requests"]) == 10


def test_incremental_instance_reads_back_from_its_json():
    instance = generate.incremental(3)

    assert parse_instance(json.loads(json.dumps(generate.instance_to_json(instance)))) == instance


@pytest.mark.parametrize("size", SIZES)
def test_same_seed_gives_the_same_instance_and_another_seed_another(size):
    first, again, other = generate.generate(5, **size), generate.generate(5, **size), generate.generate(6, **size)

    assert generate.instance_to_json(first) == generate.instance_to_json(again)
    assert generate.instance_to_json(first) != generate.instance_to_json(other)


def test_same_seed_gives_the_same_incremental_calendar():
    assert generate.instance_to_json(generate.incremental(8)) == generate.instance_to_json(generate.incremental(8))


@pytest.mark.parametrize("size", SIZES)
def test_requests_ask_for_exactly_the_target_number_of_sessions(size):
    instance = generate.generate(11, **size)

    assert generate.requested_sessions(instance) == size["sessions"]


@pytest.mark.parametrize("size", SIZES)
def test_fixed_bookings_reach_the_target_fullness(size):
    instance = generate.generate(2, **size)

    assert generate.booked_fullness(instance) == pytest.approx(size["fullness"], abs=0.01)


@pytest.mark.parametrize("seed", range(5))
def test_fixed_bookings_break_no_rule_when_checked_as_placed_sessions(seed):
    instance = generate.incremental(seed)

    unbooked, plan = _fixed_as_placed(instance)

    assert len(plan.placed) > 500
    assert check.violations(unbooked, plan) == []


@pytest.mark.parametrize("size", SIZES)
def test_fixed_bookings_of_every_size_break_no_rule(size):
    unbooked, plan = _fixed_as_placed(generate.generate(4, **size))

    assert check.violations(unbooked, plan) == []


@pytest.mark.parametrize("size", SIZES)
def test_an_empty_plan_over_the_fixed_bookings_has_no_violations(size):
    instance = generate.generate(9, **size)

    empty = Plan(solver="none", status="FEASIBLE", seconds=0.0, placed=())

    assert check.violations(instance, empty) == []


@pytest.mark.parametrize("seed", range(10))
def test_incremental_calendar_is_85_percent_full_with_one_new_induction(seed):
    instance = generate.incremental(seed)

    (request,) = instance.requests
    assert generate.booked_fullness(instance) == pytest.approx(0.85, abs=0.005)
    assert (request.sessions, request.previous_dates, request.max_per_7_days) == (6, (), 3)
    assert request.patient not in {session.patient for session in instance.fixed}


def test_clinic_has_the_asked_size_a_holiday_and_closed_sundays():
    instance = generate.generate(1, sessions=100, chairs=4, nurses=2)

    assert (len(instance.chairs), len(instance.nurses)) == (4, 2)
    assert instance.opening_hours["sun"] is None
    assert any(day.weekday() < 5 for day in instance.closed_dates)


@pytest.mark.parametrize("seed", range(3))
def test_every_nurse_covers_each_open_date_in_one_or_two_back_to_back_shifts(seed):
    instance = generate.generate(seed, sessions=100)

    for nurse in instance.nurses:
        for day in instance.dates:
            shifts = sorted((s.start, s.end) for s in nurse.shifts if s.date == day)
            hours = instance.hours_on(day)
            if hours is None:
                assert shifts == []
                continue
            assert 1 <= len(shifts) <= 2
            assert (shifts[0][0], shifts[-1][1]) == hours
            assert all(first[1] == second[0] for first, second in itertools.pairwise(shifts))


def test_requests_mix_new_inductions_series_under_way_maintenance_and_preferences():
    requests = generate.generate(7, sessions=600).requests

    inductions = [r for r in requests if r.sessions == 6]
    under_way = [r for r in requests if r.max_per_7_days == 3 and r.previous_dates]
    maintenance = [r for r in requests if r.max_per_7_days is None]
    assert len(inductions) > 40
    assert len(under_way) > 5
    assert len(maintenance) > 30
    assert sum(1 for r in requests if r.preferred) > len(requests) / 3
    assert {r.priority for r in requests} == {1, 2, 3}


@pytest.mark.parametrize("size", SIZES)
def test_the_planted_plan_places_every_request_and_breaks_no_rule(size):
    instance, plan = generate.planted(6, **size)

    assert check.violations(instance, plan) == []
    assert check.objective(instance, plan).placed == size["sessions"]


@pytest.mark.parametrize("seed", range(3))
def test_the_replanning_plan_places_every_request_and_breaks_no_rule(seed):
    instance, plan = generate.replanning(seed, sessions=100, chairs=4, nurses=2, fullness=0.4)

    assert check.violations(instance, plan) == []
    assert check.objective(instance, plan).placed == generate.requested_sessions(instance)


def test_a_replanned_visit_lies_between_visits_that_stay_booked_as_the_patients_fixed_sessions():
    planted, _ = generate.planted(5, sessions=100, chairs=4, nurses=2, fullness=0.4)
    instance, plan = generate.replanning(5, series=4, sessions=100, chairs=4, nurses=2, fullness=0.4)

    replanned = [request for request in instance.requests if request.following_dates]
    assert len(replanned) == 4
    for request in replanned:
        original = next(r for r in planted.requests if r.id == request.id)
        booked = sorted(f.start.date() for f in instance.fixed if f.patient == request.patient)
        (visit,) = [s.start.date() for s in plan.placed if s.request == request.id]
        assert request.sessions == 1
        assert sorted(request.previous_dates[len(original.previous_dates):] + request.following_dates) == booked
        assert len(booked) == original.sessions - 1
        assert request.previous_dates[-1] < request.earliest <= visit <= request.latest < request.following_dates[0]
        assert request.max_per_7_days == original.max_per_7_days


def test_refuses_more_sessions_than_the_clinic_holds():
    with pytest.raises(generate.GenerationError, match="Only 64 of 200 sessions fit this clinic"):
        generate.generate(0, sessions=200, chairs=4, nurses=2, days=14, fullness=0.6)


def test_command_line_writes_an_instance_the_solver_command_reads(capsys):
    generate.main(["--seed", "2", "--incremental", "--chairs", "4", "--nurses", "2"])

    instance = parse_instance(json.loads(capsys.readouterr().out))

    assert instance == generate.incremental(2, chairs=4, nurses=2)


def test_command_line_writes_a_replanning_instance(capsys):
    generate.main(["--seed", "2", "--replanning", "3", "--sessions", "100", "--chairs", "4", "--nurses", "2"])

    instance = parse_instance(json.loads(capsys.readouterr().out))

    assert instance == generate.replanning(2, series=3, sessions=100, chairs=4, nurses=2)[0]


@pytest.mark.slow
def test_same_seed_gives_the_same_json_in_processes_with_different_hash_seeds():
    command = [sys.executable, "-m", "clinic.scheduling.generate", "--seed", "4", "--sessions", "100",
               "--chairs", "4", "--nurses", "2", "--fullness", "0.3"]

    outputs = [subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT,
                              env={**os.environ, "PYTHONHASHSEED": hash_seed}).stdout for hash_seed in ("1", "2")]

    assert outputs[0] == outputs[1]
    assert parse_instance(json.loads(outputs[0])) == generate.generate(4, sessions=100, chairs=4, nurses=2,
                                                                       fullness=0.3)

"""Properties of the solvers on random small instances (issue 5): CP-SAT's plan always passes `check`,
and it never places fewer weighted sessions than greedy.

Instances: 2–3 chairs, 1–2 nurses, 5–10 dates, 1–4 requests, with fixed bookings pinned to chairs
and nurses, `previous_dates`, closed dates, split shifts and shared patients. CP-SAT runs on one
worker with a deterministic time limit, so every run of this file sees the same plans.
"""

import dataclasses
import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from clinic.scheduling import check, cpsat, greedy
from clinic.scheduling.problem import (
    WEEKDAYS,
    FixedSession,
    Instance,
    Nurse,
    PlacedSession,
    Plan,
    Request,
    Shift,
    Window,
)

pytestmark = pytest.mark.slow

FIRST_MONDAY = dt.date(2026, 12, 7)
PATIENTS = ("P1", "P2", "P3", "P4")
EXAMPLES = settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])


def _solve_cpsat(instance: Instance) -> Plan:
    return cpsat.solve(instance, time_limit_s=10.0, deterministic_time=1.0, workers=1, seed=0)


# ---- strategies ---------------------------------------------------------------------------------

@st.composite
def _clinic(draw: st.DrawFn) -> Instance:
    start_date = FIRST_MONDAY + dt.timedelta(days=draw(st.sampled_from([0, 0, 0, 2, 4, 5])))
    days = draw(st.integers(5, 10))
    close_hour = draw(st.integers(11, 14))  # short days: series compete for chair and nurse time
    hours = {day: (dt.time(8), dt.time(close_hour)) for day in WEEKDAYS[:5]}
    hours["sat"] = draw(st.sampled_from([None, (dt.time(9), dt.time(13))]))
    dates = [start_date + dt.timedelta(days=offset) for offset in range(days)]
    closed = draw(st.sets(st.sampled_from(dates), max_size=1))
    clinic = Instance(start_date=start_date, days=days, opening_hours=hours, closed_dates=frozenset(closed),
                      chairs=tuple(f"C{n}" for n in range(1, draw(st.integers(2, 3)) + 1)), nurses=(),
                      slot_minutes=draw(st.sampled_from([15, 30])))
    nurses = tuple(Nurse(id=f"N{n}", max_patients=draw(st.integers(1, 2)), shifts=draw(_shifts(clinic)))
                   for n in range(1, draw(st.integers(1, 2)) + 1))
    return dataclasses.replace(clinic, nurses=nurses)


@st.composite
def _shifts(draw: st.DrawFn, clinic: Instance) -> tuple[Shift, ...]:
    """Per open date: off, the whole day, or two shifts meeting at a hand-over hour."""
    shifts = []
    for day in clinic.dates:
        hours = clinic.hours_on(day)
        kind = draw(st.sampled_from(["whole", "whole", "whole", "split", "off"]))
        if hours is None or kind == "off":
            continue
        opens, closes = hours
        handover = dt.time(opens.hour + (closes.hour - opens.hour) // 2)
        spans = [(opens, closes)] if kind == "whole" else [(opens, handover), (handover, closes)]
        shifts += [Shift(date=day, start=start, end=end) for start, end in spans]
    return tuple(shifts)


@st.composite
def _fixed(draw: st.DrawFn, clinic: Instance) -> tuple[FixedSession, ...]:
    """Up to four bookings on their nurse's shift, kept only when they clash with none before them."""
    kept: list[FixedSession] = []
    for number in range(1, draw(st.integers(0, 4)) + 1):
        nurse = draw(st.sampled_from(clinic.nurses))
        if not nurse.shifts:
            continue
        shift = draw(st.sampled_from(nurse.shifts))
        chair_minutes = draw(st.sampled_from([60, 90, 120]))
        offset_slots = draw(st.integers(0, 8))
        start = dt.datetime.combine(shift.date, shift.start) + dt.timedelta(minutes=offset_slots * clinic.slot_minutes)
        candidate = FixedSession(id=f"A{number}", patient=draw(st.sampled_from((*PATIENTS, "F1"))),
                                 chair=draw(st.sampled_from(clinic.chairs)), nurse=nurse.id, start=start,
                                 chair_minutes=chair_minutes, setup_minutes=draw(st.sampled_from([0, 10, 15])))
        if not _fixed_violations(clinic, [*kept, candidate]):
            kept.append(candidate)
    return tuple(kept)


def _fixed_violations(clinic: Instance, fixed: list[FixedSession]) -> list[check.Violation]:
    """`check` on fixed bookings turned into placed one-visit requests: it skips fixed ones otherwise."""
    requests = tuple(Request(id=f.id, patient=f.patient, sessions=1, earliest=f.start.date(), latest=f.start.date(),
                             min_gap_days=1, max_gap_days=1, chair_minutes=f.chair_minutes,
                             setup_minutes=f.setup_minutes) for f in fixed)
    placed = tuple(PlacedSession(request=f.id, index=1, patient=f.patient, chair=f.chair, nurse=f.nurse,
                                 start=f.start) for f in fixed)
    plan = Plan(solver="fixed", status="FEASIBLE", seconds=0.0, placed=placed)
    return check.violations(dataclasses.replace(clinic, requests=requests), plan)


@st.composite
def _request(draw: st.DrawFn, clinic: Instance, number: int) -> Request:
    """A series of 1–3 visits, its window mostly wide enough, sometimes under way already."""
    last = clinic.days - 1
    sessions, min_gap = draw(st.integers(1, 3)), draw(st.integers(1, 2))
    max_gap = min_gap + draw(st.integers(1, 4))
    earliest_offset = draw(st.integers(0, 2))
    slack_days = draw(st.sampled_from([1, 3, 5, 9]))  # sampled, so that one-date windows stay rare
    latest_offset = min(last, earliest_offset + (sessions - 1) * min_gap + slack_days)
    earliest = clinic.start_date + dt.timedelta(days=earliest_offset)
    previous: list[dt.date] = []
    for _ in range(draw(st.sampled_from([0, 0, 1, 2]))):
        before = previous[0] if previous else earliest
        previous.insert(0, before - dt.timedelta(days=draw(st.integers(1, max_gap))))
    weekday = draw(st.sampled_from(WEEKDAYS[:6]))
    preferred = draw(st.sampled_from([(), (Window(weekday=weekday, start=dt.time(8), end=dt.time(10)),)]))
    return Request(
        id=f"R{number}", patient=draw(st.sampled_from(PATIENTS)), sessions=sessions, earliest=earliest,
        latest=clinic.start_date + dt.timedelta(days=latest_offset), min_gap_days=min_gap, max_gap_days=max_gap,
        max_per_7_days=draw(st.sampled_from([None, 2, 3])), chair_minutes=draw(st.sampled_from([60, 90, 120])),
        setup_minutes=draw(st.sampled_from([0, 10, 15])), priority=draw(st.integers(1, 3)),
        previous_dates=tuple(previous), preferred=preferred,
    )


@st.composite
def small_instances(draw: st.DrawFn) -> Instance:
    clinic = draw(_clinic())
    requests = tuple(draw(_request(clinic, number)) for number in range(1, draw(st.integers(1, 4)) + 1))
    return dataclasses.replace(clinic, fixed=draw(_fixed(clinic)), requests=requests)


# ---- properties ---------------------------------------------------------------------------------

@EXAMPLES
@given(instance=small_instances())
def test_cpsat_plan_always_passes_check(instance):
    plan = _solve_cpsat(instance)

    assert check.violations(instance, plan) == []


@EXAMPLES
@given(instance=small_instances())
def test_cpsat_never_places_fewer_weighted_sessions_than_greedy(instance):
    greedy_plan = greedy.solve(instance)

    cpsat_plan = _solve_cpsat(instance)

    assert check.violations(instance, greedy_plan) == []
    assert check.violations(instance, cpsat_plan) == []
    greedy_weighted = check.objective(instance, greedy_plan).weighted_placed
    assert check.objective(instance, cpsat_plan).weighted_placed >= greedy_weighted


@EXAMPLES
@given(instance=small_instances())
def test_an_optimal_plan_is_never_beaten_by_greedy_in_any_request_order(instance):
    """Greedy in another order gives another valid plan; a plan CP-SAT calls OPTIMAL places at least as
    many weighted sessions as every one of them, or the model forbids something the rules allow."""
    cpsat_plan = _solve_cpsat(instance)

    assume(cpsat_plan.status == "OPTIMAL")
    best_weighted = check.objective(instance, cpsat_plan).weighted_placed
    for order in itertools.permutations(instance.requests):
        reordered = dataclasses.replace(instance, requests=order)
        plan = greedy.solve(reordered)
        assert check.violations(reordered, plan) == []
        assert check.objective(reordered, plan).weighted_placed <= best_weighted


def test_strategy_draws_fixed_bookings_previous_dates_and_shared_patients():
    """The properties above are only as good as what the strategy draws: it must reach the hard parts."""
    seen: dict[str, bool] = {"fixed": False, "previous": False, "shared patient": False, "split shift": False}

    @settings(max_examples=60, database=None)
    @given(instance=small_instances())
    def collect(instance):
        seen["fixed"] |= bool(instance.fixed)
        seen["previous"] |= any(request.previous_dates for request in instance.requests)
        patients = [request.patient for request in instance.requests] + [f.patient for f in instance.fixed]
        seen["shared patient"] |= len(patients) != len(set(patients))
        seen["split shift"] |= any(len([s for s in nurse.shifts if s.date == shift.date]) == 2
                                   for nurse in instance.nurses for shift in nurse.shifts)

    collect()

    assert seen == dict.fromkeys(seen, True)

"""Properties of the solvers on random small instances (issue 5): CP-SAT's plan always passes `check`,
and it never places fewer weighted sessions than greedy.

Instances: 2–3 chairs, 1–2 nurses, 5–10 dates, 1–4 requests, with fixed bookings pinned to chairs
and nurses, `previous_dates`, `following_dates` (some also booked as the patient's fixed sessions),
fixed sessions of the requests' patients counting towards their 7-day caps, closed dates, split shifts
and shared patients. CP-SAT runs on one worker with a deterministic time limit, so every run of this
file sees the same plans.
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
    latest = clinic.start_date + dt.timedelta(days=latest_offset)
    following: list[dt.date] = []
    for _ in range(draw(st.sampled_from([0, 0, 1, 2]))):  # later visits of a series re-planned in the middle
        after = following[-1] if following else latest
        following.append(after + dt.timedelta(days=draw(st.integers(1, max_gap))))
    weekday = draw(st.sampled_from(WEEKDAYS[:6]))
    preferred = draw(st.sampled_from([(), (Window(weekday=weekday, start=dt.time(8), end=dt.time(10)),)]))
    return Request(
        id=f"R{number}", patient=draw(st.sampled_from(PATIENTS)), sessions=sessions, earliest=earliest,
        latest=latest, min_gap_days=min_gap, max_gap_days=max_gap,
        max_per_7_days=draw(st.sampled_from([None, 2, 3])), chair_minutes=draw(st.sampled_from([60, 90, 120])),
        setup_minutes=draw(st.sampled_from([0, 10, 15])), priority=draw(st.integers(1, 3)),
        previous_dates=tuple(previous), following_dates=tuple(following), preferred=preferred,
    )


@st.composite
def _booked_following(draw: st.DrawFn, clinic: Instance, requests: tuple[Request, ...],
                      fixed: tuple[FixedSession, ...]) -> tuple[FixedSession, ...]:
    """Some following visits inside the horizon booked as the patient's fixed sessions, as they are when
    a visit in the middle of a series is re-planned; kept only when they clash with nothing."""
    kept = list(fixed)
    for request in requests:
        for day in request.following_dates:
            shifts = [shift for nurse in clinic.nurses for shift in nurse.shifts if shift.date == day]
            if not shifts or not draw(st.booleans()):
                continue
            shift = draw(st.sampled_from(shifts))
            nurse = next(nurse.id for nurse in clinic.nurses if shift in nurse.shifts)
            candidate = FixedSession(id=f"B{len(kept) + 1}", patient=request.patient,
                                     chair=draw(st.sampled_from(clinic.chairs)), nurse=nurse,
                                     start=dt.datetime.combine(day, shift.start), chair_minutes=60, setup_minutes=10)
            if not _fixed_violations(clinic, [*kept, candidate]):
                kept.append(candidate)
    return tuple(kept)


@st.composite
def small_instances(draw: st.DrawFn) -> Instance:
    clinic = draw(_clinic())
    requests = tuple(draw(_request(clinic, number)) for number in range(1, draw(st.integers(1, 4)) + 1))
    fixed = draw(_booked_following(clinic, requests, draw(_fixed(clinic))))
    return dataclasses.replace(clinic, fixed=fixed, requests=requests)


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


@st.composite
def lone_series(draw: st.DrawFn) -> Instance:
    """One request in a clinic open every day with room to spare, so that only rule 5 and the patient's
    own fixed sessions (on a chair and nurse of their own, at noon) decide where its visits go. Windows
    are tight and previous and following visits near, so that the cap often bites."""
    days = 14
    dates = [FIRST_MONDAY + dt.timedelta(days=offset) for offset in range(days)]
    nurses = tuple(Nurse(id=nurse, max_patients=1, shifts=tuple(Shift(date=day, start=dt.time(8), end=dt.time(18))
                                                              for day in dates)) for nurse in ("N1", "N2"))
    clinic = Instance(start_date=FIRST_MONDAY, days=days, chairs=("C1", "C2"), nurses=nurses, slot_minutes=60,
                      opening_hours=dict.fromkeys(WEEKDAYS, (dt.time(8), dt.time(18))))
    sessions, min_gap = draw(st.integers(1, 3)), draw(st.integers(1, 2))
    max_gap = min_gap + draw(st.integers(0, 3))
    earliest = FIRST_MONDAY + dt.timedelta(days=draw(st.integers(2, 5)))
    latest = earliest + dt.timedelta(days=(sessions - 1) * min_gap + draw(st.integers(0, 4)))
    previous, following = [earliest], [latest]
    for _ in range(draw(st.integers(0, 2))):
        previous.insert(0, previous[0] - dt.timedelta(days=draw(st.integers(1, max_gap))))
    for _ in range(draw(st.integers(0, 2))):
        following.append(following[-1] + dt.timedelta(days=draw(st.integers(1, max_gap))))
    weekday = draw(st.sampled_from(WEEKDAYS))
    request = Request(id="R1", patient="P1", sessions=sessions, earliest=earliest, latest=latest,
                      min_gap_days=min_gap, max_gap_days=max_gap, chair_minutes=60, setup_minutes=10,
                      max_per_7_days=draw(st.sampled_from([None, 1, 2, 3])), previous_dates=tuple(previous[:-1]),
                      following_dates=tuple(following[1:]),
                      preferred=(Window(weekday=weekday, start=dt.time(8), end=dt.time(9)),))
    fixed_dates = draw(st.lists(st.sampled_from(dates), max_size=3, unique=True))
    fixed = tuple(FixedSession(id=f"A{n}", patient="P1", chair="C2", nurse="N2",
                               start=dt.datetime.combine(day, dt.time(12)), chair_minutes=60, setup_minutes=0)
                  for n, day in enumerate(sorted(fixed_dates), start=1))
    return dataclasses.replace(clinic, requests=(request,), fixed=fixed)


def _most_preferred_by_brute_force(instance: Instance) -> int | None:
    """The most preferred starts any dates for the lone request can meet, at 08:00 on C1 with N1,
    without breaking a rule; None when every choice of dates breaks one."""
    (request,) = instance.requests
    window = [day for day in instance.dates if request.earliest <= day <= request.latest]
    best = None
    for dates in itertools.combinations(window, request.sessions):
        placed = tuple(PlacedSession(request=request.id, index=index, patient=request.patient, chair="C1",
                                     nurse="N1", start=dt.datetime.combine(day, dt.time(8)))
                       for index, day in enumerate(dates, start=1))
        plan = Plan(solver="dates", status="FEASIBLE", seconds=0.0, placed=placed)
        if not check.violations(instance, plan):
            best = max(best or 0, check.objective(instance, plan).preferred)
    return best


@EXAMPLES
@given(instance=lone_series())
def test_cpsat_places_a_lone_series_as_well_as_any_dates_that_keep_rule_5(instance):
    """Spacing from previous and following dates and the cap with the patient's fixed sessions, neither
    looser nor stricter in the model than in `check`."""
    plan = _solve_cpsat(instance)

    assert check.violations(instance, plan) == []
    assert plan.status == "OPTIMAL"
    best = _most_preferred_by_brute_force(instance)
    assert (bool(plan.placed), check.objective(instance, plan).preferred) == (best is not None, best or 0)


def test_strategy_draws_fixed_bookings_previous_and_following_dates_and_shared_patients():
    """The properties above are only as good as what the strategy draws: it must reach the hard parts."""
    seen: dict[str, bool] = dict.fromkeys(("fixed", "previous", "following", "booked following",
                                           "capped patient's fixed session", "shared patient", "split shift"), False)

    @settings(max_examples=60, database=None)
    @given(instance=small_instances())
    def collect(instance):
        seen["fixed"] |= bool(instance.fixed)
        seen["previous"] |= any(request.previous_dates for request in instance.requests)
        seen["following"] |= any(request.following_dates for request in instance.requests)
        seen["booked following"] |= any(f.patient == request.patient and f.start.date() in request.following_dates
                                        for request in instance.requests for f in instance.fixed)
        seen["capped patient's fixed session"] |= any(
            f.patient == request.patient and request.max_per_7_days is not None
            and request.earliest - dt.timedelta(days=6) <= f.start.date() <= request.latest + dt.timedelta(days=6)
            for request in instance.requests for f in instance.fixed)
        patients = [request.patient for request in instance.requests] + [f.patient for f in instance.fixed]
        seen["shared patient"] |= len(patients) != len(set(patients))
        seen["split shift"] |= any(len([s for s in nurse.shifts if s.date == shift.date]) == 2
                                   for nurse in instance.nurses for shift in nurse.shifts)

    collect()

    assert seen == dict.fromkeys(seen, True)

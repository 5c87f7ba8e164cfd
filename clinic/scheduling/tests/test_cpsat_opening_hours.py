"""Rule 2 in the CP-SAT model: chair time inside the date's opening hours, on an open date of the
horizon, starting on the slot grid. Each request prefers a start the rule forbids, so only the rule
keeps the session away from it."""

from clinic.scheduling import check, cpsat
from clinic.scheduling.problem import Instance, Plan
from clinic.scheduling.tests.builders import request_json, small_instance


def solved(instance: Instance) -> Plan:
    plan = cpsat.solve(instance, time_limit_s=10.0, deterministic_time=5.0, workers=1, seed=0)
    assert check.violations(instance, plan) == []
    return plan


def starts(plan: Plan) -> list[str]:
    return [s.start.isoformat(timespec="minutes") for s in plan.placed]


def one_visit(**overrides: object) -> dict:
    fields = {"sessions": 1, "preferred": [{"weekday": "mon", "start": "08:00", "end": "12:00"}], **overrides}
    return request_json(**fields)


def test_a_session_goes_only_where_opening_hours_hold_its_whole_chair_time():
    instance = small_instance(days=2, opening_hours={"mon": ["08:00", "10:00"], "tue": ["08:00", "18:00"]},
                              requests=[one_visit(latest="2026-12-08", chair_minutes=150)])

    assert starts(solved(instance)) == ["2026-12-08T08:00"]


def test_no_session_on_a_closed_date():
    instance = small_instance(days=2, closed_dates=["2026-12-07"], requests=[one_visit(latest="2026-12-08")])

    assert starts(solved(instance)) == ["2026-12-08T08:00"]


def test_no_session_on_a_weekday_without_opening_hours():
    sunday_start = [{"weekday": "sun", "start": "08:00", "end": "12:00"}]
    instance = small_instance(requests=[one_visit(earliest="2026-12-12", latest="2026-12-14",
                                                  preferred=sunday_start)])

    assert starts(solved(instance)) == ["2026-12-14T08:00"]


def test_starts_lie_on_the_slot_grid_from_midnight():
    instance = small_instance(days=1, slot_minutes=15, opening_hours={"mon": ["08:10", "18:00"]},
                              requests=[one_visit(latest="2026-12-07")])

    assert starts(solved(instance)) == ["2026-12-07T08:15"]


def test_nothing_is_placed_when_no_open_date_can_hold_the_chair_time():
    instance = small_instance(requests=[one_visit(chair_minutes=660)])

    plan = solved(instance)

    assert (plan.placed, [u.code for u in plan.unplaced]) == ((), ["NO_SERIES_FITS"])

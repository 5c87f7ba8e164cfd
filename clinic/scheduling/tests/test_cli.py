"""`python -m clinic.scheduling plan|check` (design §4.1), run as a user would run it."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from clinic.scheduling import check
from clinic.scheduling.problem import parse_instance, parse_plan, plan_to_json
from clinic.scheduling.tests.builders import (
    fixed_json,
    instance_json,
    plan,
    request_json,
    session,
    valid_plan,
    valid_series,
)

REPOSITORY = Path(__file__).resolve().parents[3]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "clinic.scheduling", *args], cwd=REPOSITORY, capture_output=True,
                          text=True, timeout=120, check=False)


def write(path: Path, data: object) -> str:
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


@pytest.fixture
def instance_file(tmp_path: Path) -> str:
    return write(tmp_path / "instance.json", instance_json())


def saturday_plan() -> dict:
    """R1 with its third visit on Saturday 12 December, when the clinic is closed."""
    return plan_to_json(plan(*valid_series()[:2], session("R1", 3, "2026-12-12T09:00")))


# ---- check ---------------------------------------------------------------------------------------------

def test_check_prints_nothing_and_exits_0_on_a_valid_plan(tmp_path, instance_file):
    plan_file = write(tmp_path / "plan.json", plan_to_json(valid_plan()))

    result = run("check", instance_file, plan_file)

    assert (result.returncode, result.stdout) == (0, "")
    assert "0 violations" in result.stderr


def test_check_prints_each_violation_as_a_json_line_and_exits_1(tmp_path, instance_file):
    plan_file = write(tmp_path / "plan.json", saturday_plan())

    result = run("check", instance_file, plan_file)

    assert result.returncode == 1
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines == [{"rule": 2, "code": "CLOSED_DATE", "sessions": ["R1#3"],
                      "message": "R1#3 is on 2026-12-12 (sat), when the clinic is closed."}]


def test_check_prints_every_violation_of_a_plan_breaking_several_rules(tmp_path, instance_file):
    broken = plan(*valid_series()[:2], session("R1", 3, "2026-12-12T09:00"), session("R9", 1, "2026-12-08T09:00"))
    plan_file = write(tmp_path / "plan.json", plan_to_json(broken))

    result = run("check", instance_file, plan_file)

    assert result.returncode == 1
    assert [json.loads(line)["code"] for line in result.stdout.splitlines()] == ["CLOSED_DATE", "UNKNOWN_REQUEST"]


def test_check_output_matches_the_checker(tmp_path, instance_file):
    plan_file = write(tmp_path / "plan.json", saturday_plan())
    instance = parse_instance(json.loads(Path(instance_file).read_text()))
    expected = [v.to_json() for v in check.violations(instance, parse_plan(json.loads(Path(plan_file).read_text())))]

    result = run("check", instance_file, plan_file)

    assert [json.loads(line) for line in result.stdout.splitlines()] == expected


def test_check_exits_2_naming_the_bad_field_of_the_instance(tmp_path):
    instance_file = write(tmp_path / "instance.json", instance_json(requests=[request_json(min_gap_days=5)]))
    plan_file = write(tmp_path / "plan.json", plan_to_json(valid_plan()))

    result = run("check", instance_file, plan_file)

    assert (result.returncode, result.stdout) == (2, "")
    assert "requests[0].min_gap_days: 5 is more than max_gap_days 4." in result.stderr


def test_check_exits_2_naming_the_bad_field_of_the_plan(tmp_path, instance_file):
    data = plan_to_json(valid_plan())
    data["placed"][1]["start"] = "Wednesday"
    plan_file = write(tmp_path / "plan.json", data)

    result = run("check", instance_file, plan_file)

    assert (result.returncode, result.stdout) == (2, "")
    assert "plan.json: placed[1].start: must be a local date and time" in result.stderr


def test_check_exits_2_on_a_file_that_is_not_json(tmp_path, instance_file):
    plan_file = tmp_path / "plan.json"
    plan_file.write_text("placed: R1", encoding="utf-8")

    result = run("check", instance_file, str(plan_file))

    assert result.returncode == 2
    assert "plan.json: not valid JSON" in result.stderr


def test_check_exits_2_on_a_missing_file(tmp_path, instance_file):
    result = run("check", instance_file, str(tmp_path / "absent.json"))

    assert result.returncode == 2
    assert "absent.json: cannot be read" in result.stderr


# ---- plan ----------------------------------------------------------------------------------------------

def test_plan_exits_2_naming_the_bad_field_of_a_malformed_instance(tmp_path):
    instance_file = write(tmp_path / "instance.json", instance_json(requests=[request_json(min_gap_days=5)]))

    result = run("plan", instance_file, "--solver", "greedy")

    assert (result.returncode, result.stdout) == (2, "")
    assert "requests[0].min_gap_days" in result.stderr


def test_plan_exits_2_on_an_unreadable_file(tmp_path):
    result = run("plan", str(tmp_path / "absent.json"))

    assert (result.returncode, result.stdout) == (2, "")
    assert "absent.json: cannot be read" in result.stderr


def test_plan_refuses_a_time_limit_that_is_not_positive(instance_file):
    result = run("plan", instance_file, "--time-limit", "0")

    assert result.returncode == 2
    assert "--time-limit: must be more than 0" in result.stderr


def test_plan_with_greedy_prints_a_plan_that_passes_check(tmp_path, instance_file):
    result = run("plan", instance_file, "--solver", "greedy")

    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    instance = parse_instance(json.loads(Path(instance_file).read_text()))
    assert check.violations(instance, parse_plan(data)) == []
    assert (data["solver"], data["status"]) == ("greedy", "GREEDY")
    assert data["objective"]["weighted_placed"] == 6


# ---- a visit re-planned in the middle of a series -------------------------------------------------------

def replanning_json() -> dict:
    """Open every day. R1, patient P1's 3 visits (gaps 2–4 days, at most 3 in 7 dates), must end 2–4
    days before the series' visit of Thursday 17, which stays booked as fixed session A1; Saturday 19
    follows. P1 also has fixed session A2 on Tuesday 8. Preferred: Monday and Thursday mornings."""
    mornings = [{"weekday": day, "start": "09:00", "end": "12:00"} for day in ("mon", "thu")]
    return instance_json(
        opening_hours={day: ["08:00", "18:00"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
        requests=[request_json(latest="2026-12-15", following_dates=["2026-12-17", "2026-12-19"],
                               preferred=mornings)],
        fixed=[fixed_json("A1", patient="P1", start="2026-12-17T09:00"),
               fixed_json("A2", patient="P1", start="2026-12-08T14:00")])


@pytest.fixture
def replanning_file(tmp_path: Path) -> str:
    return write(tmp_path / "replanning.json", replanning_json())


def starts(data: dict) -> list[tuple[str, int, str]]:
    return [(s["request"], s["index"], s["start"]) for s in data["placed"]]


def test_check_counts_following_dates_and_the_patients_fixed_sessions_towards_the_cap(tmp_path, replanning_file):
    # Fri 11, Sun 13, Tue 15 and Thu 17 (following, and fixed session A1): four visits in 7 dates.
    crowded = plan(*valid_series(dates=("2026-12-11", "2026-12-13", "2026-12-15")))
    plan_file = write(tmp_path / "plan.json", plan_to_json(crowded))

    result = run("check", replanning_file, plan_file)

    assert result.returncode == 1
    assert [json.loads(line) for line in result.stdout.splitlines()] == [{
        "rule": 5, "code": "TOO_MANY_IN_7_DAYS", "sessions": ["R1#1", "R1#2", "R1#3", "A1"],
        "message": "Request R1 has 4 visits in the 7 dates from 2026-12-11, counting fixed session A1 on "
                   "2026-12-17; at most 3 are allowed."}]


def test_check_accepts_a_series_between_the_patients_fixed_sessions_and_following_dates(tmp_path, replanning_file):
    # Mon 7, Thu 10, Mon 14: with Tue 8 (A2), Thu 17 (A1) and Sat 19, never more than 3 in 7 dates.
    spaced = plan(*valid_series(dates=("2026-12-07", "2026-12-10", "2026-12-14")))
    plan_file = write(tmp_path / "plan.json", plan_to_json(spaced))

    result = run("check", replanning_file, plan_file)

    assert (result.returncode, result.stdout) == (0, "")


def test_plan_with_greedy_keeps_the_cap_with_following_dates_and_fixed_sessions(replanning_file):
    # Starting Mon 7, any third visit makes four in 7 dates with A2 on Tue 8; starting Wed 9, the third
    # waits until Tue 15.
    result = run("plan", replanning_file, "--solver", "greedy")

    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert check.violations(parse_instance(replanning_json()), parse_plan(data)) == []
    assert starts(data) == [("R1", 1, "2026-12-09T08:00"), ("R1", 2, "2026-12-11T08:00"),
                            ("R1", 3, "2026-12-15T08:00")]


def test_plan_with_cpsat_meets_every_preference_within_the_cap(replanning_file):
    result = run("plan", replanning_file, "--solver", "cpsat", "--workers", "1", "--deterministic-time", "5")

    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert check.violations(parse_instance(replanning_json()), parse_plan(data)) == []
    assert (data["status"], data["objective"]["preferred"]) == ("OPTIMAL", 3)
    assert starts(data) == [("R1", 1, "2026-12-07T09:00"), ("R1", 2, "2026-12-10T09:00"),
                            ("R1", 3, "2026-12-14T09:00")]


def test_plan_exits_2_naming_following_dates_not_after_latest(tmp_path):
    data = instance_json(requests=[request_json(latest="2026-12-15", following_dates=["2026-12-15"])])
    instance_file = write(tmp_path / "instance.json", data)

    result = run("plan", instance_file)

    assert (result.returncode, result.stdout) == (2, "")
    assert "requests[0].following_dates: must all be after latest (2026-12-15)" in result.stderr


# ---- help ----------------------------------------------------------------------------------------------

def test_help_names_both_commands():
    result = run("--help")

    assert result.returncode == 0
    assert "plan" in result.stdout and "check" in result.stdout


def test_check_help_states_the_exit_codes():
    result = run("check", "--help")

    assert result.returncode == 0
    assert "Exit 0 when the plan breaks no rule, 1 when it breaks any, 2 on bad input." in " ".join(
        result.stdout.split())

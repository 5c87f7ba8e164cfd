"""`python -m clinic.scheduling plan|check` (design §4.1): plan an instance, or check a plan against one.

Exit codes: 0 success; 1 `check` found violations (or `plan` produced a plan that breaks a rule,
which is a solver bug: the plan is still printed, and the violations go to stderr); 2 bad input
(unreadable file, not JSON, or a malformed instance or plan, with the bad field named).
"""

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from clinic.scheduling import check
from clinic.scheduling.problem import Instance, InstanceError, Plan, parse_instance, parse_plan, plan_to_json

EXIT_OK, EXIT_VIOLATIONS, EXIT_BAD_INPUT = 0, 1, 2

DESCRIPTION = "Place whole infusion series on chairs and nurses, or check a plan (design §4.3)."
PLAN_HELP = """Solve INSTANCE.json and print the plan as JSON on stdout; progress goes to stderr.
Exit 2, naming the bad field (e.g. requests[0].min_gap_days), when the instance is malformed."""
CHECK_HELP = """Check PLAN.json against INSTANCE.json and print every broken hard rule as a JSON line
{"rule", "code", "sessions", "message"} on stdout, and the objective on stderr.
Exit 0 when the plan breaks no rule, 1 when it breaks any, 2 on bad input."""


class BadInput(Exception):
    """A file that cannot be read or parsed; the message names the file and the field."""


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.command(args)
    except BadInput as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m clinic.scheduling", description=DESCRIPTION)
    commands = parser.add_subparsers(title="commands", required=True, metavar="{plan,check}")
    plan = commands.add_parser("plan", help="solve an instance and print a plan", description=PLAN_HELP)
    plan.add_argument("instance", metavar="INSTANCE.json", type=Path, help="the problem (design §4.3)")
    plan.add_argument("--solver", choices=("cpsat", "greedy"), default="cpsat",
                      help="cpsat optimises (default); greedy books first-come, earliest-fit, in input order")
    plan.add_argument("--time-limit", type=_positive(float), default=10.0, metavar="SECONDS",
                      help="wall-clock cap for cpsat (default 10); the best plan found by then is returned")
    plan.add_argument("--deterministic-time", type=_positive(float), default=None, metavar="UNITS",
                      help="cpsat's deterministic time limit: the same answer on a busy machine "
                           "(with --workers 1 and a --seed)")
    plan.add_argument("--workers", type=_at_least(0), default=0, metavar="N",
                      help="cpsat search workers; 0 (default) lets the solver use every core")
    plan.add_argument("--seed", type=_at_least(0), default=0, metavar="N", help="cpsat random seed (default 0)")
    plan.set_defaults(command=_plan)
    check_command = commands.add_parser("check", help="print every hard rule a plan breaks", description=CHECK_HELP)
    check_command.add_argument("instance", metavar="INSTANCE.json", type=Path, help="the problem (design §4.3)")
    check_command.add_argument("plan", metavar="PLAN.json", type=Path, help="a plan, as `plan` prints it")
    check_command.set_defaults(command=_check)
    return parser


def _positive(kind: Callable[[str], float]) -> Callable[[str], float]:
    def parse(text: str) -> float:
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be more than 0, not {text}")
        return value
    return parse


def _at_least(minimum: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        value = int(text)
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, not {text}")
        return value
    return parse


def _read_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise BadInput(f"{path}: cannot be read ({error}).") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise BadInput(f"{path}: not valid JSON: {error}.") from None


def _load(path: Path, parse: Callable[[Any], Any]) -> Any:
    try:
        return parse(_read_json(path))
    except InstanceError as error:
        raise BadInput(f"{path}: {error.field}: {error.message}") from None


def _plan(args: argparse.Namespace) -> int:
    instance: Instance = _load(args.instance, parse_instance)
    plan = _solve(instance, args)
    if plan.objective is None:
        plan = replace(plan, objective=check.objective(instance, plan))
    print(json.dumps(plan_to_json(plan), indent=2))
    broken = check.violations(instance, plan)
    for violation in broken:
        print(f"solver bug: {json.dumps(violation.to_json())}", file=sys.stderr)
    return EXIT_VIOLATIONS if broken else EXIT_OK


def _solve(instance: Instance, args: argparse.Namespace) -> Plan:
    # Imported here so that `check` works without OR-Tools and without the solvers.
    if args.solver == "greedy":
        from clinic.scheduling import greedy

        return greedy.solve(instance)
    from clinic.scheduling import cpsat

    return cpsat.solve(instance, time_limit_s=args.time_limit, deterministic_time=args.deterministic_time,
                       workers=args.workers, seed=args.seed, progress=_progress_printer())


def _progress_printer() -> Callable[..., None]:
    """A progress callback that writes one line per call to stderr, with seconds since the start."""
    started = time.monotonic()

    def progress(*parts: object) -> None:
        print(f"[{time.monotonic() - started:7.2f} s] {' '.join(map(str, parts))}", file=sys.stderr, flush=True)
    return progress


def _check(args: argparse.Namespace) -> int:
    instance: Instance = _load(args.instance, parse_instance)
    plan: Plan = _load(args.plan, parse_plan)
    broken = check.violations(instance, plan)
    for violation in broken:
        print(json.dumps(violation.to_json(), ensure_ascii=False))
    score = check.objective(instance, plan)
    print(f"{len(broken)} violations; objective: weighted_placed {score.weighted_placed}, placed {score.placed}, "
          f"preferred {score.preferred}, day_minutes {score.day_minutes}", file=sys.stderr)
    return EXIT_VIOLATIONS if broken else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())

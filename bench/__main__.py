"""Run every benchmark and print a short table of results."""

import json
import sys
from pathlib import Path

from bench import api_fuzz, audit_lock, patient_search, scheduling

BENCHMARKS = {"patient_search": patient_search.run, "api_fuzz": api_fuzz.run, "scheduling": scheduling.run,
              "scheduling_speed": scheduling.run_speed, "audit_lock": audit_lock.run}
RESULTS = Path(__file__).parent / "results"


def main(names: list[str]) -> int:
    RESULTS.mkdir(exist_ok=True)
    failed = False
    for name, run in BENCHMARKS.items():
        if names and name not in names:
            continue
        outcome = run()
        # A benchmark without a database returns one result per case, filed by case instead of engine.
        for result in outcome if isinstance(outcome, list) else [outcome]:
            if result.get("skipped"):
                # A benchmark of one engine's behaviour, run on the other: nothing measured, nothing filed.
                print(f"{name:<20} {result['summary']}")
                continue
            label = f"{name}-{result.get('case', result['engine'])}"
            (RESULTS / f"{label}.json").write_text(json.dumps(result, indent=2) + "\n")
            status = "ok" if result["meets_bar"] else "MISSES BAR"
            print(f"{name:<20} {result['summary']:<70} {status}")
            failed = failed or not result["meets_bar"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

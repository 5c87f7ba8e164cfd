"""What the audit chain's lock costs: chart views from 32 concurrent clients on PostgreSQL.

Every chart view writes an audit event, and every event of an organisation takes that organisation's
chain-head row lock (SELECT ... FOR UPDATE), hashes against the previous row, inserts and moves the
head before its transaction commits. This benchmark serves the clinic with gunicorn (4 workers x 8
threads) and drives it over HTTP with 32 signed-in nurses (2 client processes x 16 threads), each
opening random charts for a fixed time after a warm-up, in three variants:

- A: the product as it is; one organisation, so every event queues on one head.
- B: the chain step switched off (bench/unchained.py): the same event row and patient links are
  inserted and signed, without locking, reading or moving the head.
- C: the product as it is, the 32 nurses spread over 8 organisations, so over 8 heads.

Each variant runs 3 times, alternating; the result gives the median and the spread of each figure,
the CPU each part used, how many backends waited on a lock, and checks that the organisations' chains
still verify (verify_audit_chain) and that B left every head where it was.
"""

import datetime as dt
import io
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import chain_step, database, load

PATIENTS = 400
SPREAD_ORGANISATIONS = 8
MEASURE_S = float(os.environ.get("BENCH_AUDIT_LOCK_SECONDS", "20"))
REPEATS = 3
COST_BAR = 0.10
# Other work on the machine (another test run, a backup) takes CPU from the server and skews one run
# against the others: a run where it took more than this share of the cores is run again, up to
# ATTEMPTS times, and the quietest attempt kept.
OTHER_CPU_PERCENT_LIMIT = 10.0
ATTEMPTS = 3
CREATED_AT = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
ROOT = Path(__file__).resolve().parent.parent
SERVER = ["--workers", "4", "--threads", "8", "--timeout", "60"]


@dataclass(frozen=True)
class Variant:
    name: str
    what: str
    chain_step: str
    spread: bool


VARIANTS = {
    "A": Variant("A", "chain on, 1 organisation", "on", spread=False),
    "B": Variant("B", "chain step off, 1 organisation", "off", spread=False),
    "C": Variant("C", f"chain on, {SPREAD_ORGANISATIONS} organisations", "on", spread=True),
}
# Each variant takes each place in the order once, so a slow start or a busy neighbour hits all alike.
ORDERS = (("A", "B", "C"), ("B", "C", "A"), ("C", "A", "B"))


def run() -> dict[str, Any]:
    engine = database.set_up_django(name="audit_lock")
    if engine != "postgresql":
        return {"engine": engine, "skipped": True, "meets_bar": True,
                "summary": "skipped: measures PostgreSQL's row lock; set DATABASE_URL=postgres://..."}
    from django.db import connections

    clinics = {False: _clinic(organisations=1), True: _clinic(organisations=SPREAD_ORGANISATIONS)}
    with connections["default"].cursor() as cursor:
        # Start every run from settled tables, as a clinic's are, not from freshly bulk-loaded ones.
        cursor.execute("VACUUM ANALYZE")
    connections.close_all()  # the client processes are forked from this one
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in VARIANTS}
    for order in ORDERS:
        for name in order:
            runs[name].append(_quiet_run(VARIANTS[name], clinics[VARIANTS[name].spread]))
    return _result(runs)


def _clinic(*, organisations: int) -> dict[str, Any]:
    """PATIENTS patients with their intake, over `organisations` organisations of one site each, and
    32 signed-in nurses shared evenly between them; returns each client's cookie and patient ids."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from bench import dataset

    clients, chains = [], []
    for number in range(organisations):
        site = dataset.organisation_with_site(name=f"Lock bench {organisations}-{number}", created_at=CREATED_AT)
        patients = dataset.add_patients(site=site, count=PATIENTS // organisations, seed=number,
                                        created_at=CREATED_AT)
        nurses = [get_user_model().objects.create(username=f"lock-{organisations}-{number}-{index}",
                                                  role="nurse", organisation=site.organisation)
                  for index in range(load.CLIENTS // organisations)]
        for nurse in nurses:
            nurse.sites.set([site])
        _add_intake(patients, recorded_by=nurses[0])
        for nurse in nurses:
            browser = Client()
            browser.force_login(nurse)
            cookie = browser.cookies[settings.SESSION_COOKIE_NAME]
            clients.append({"cookie": (cookie.key, cookie.value), "patient_ids": [patient.pk for patient in patients]})
        chains.append(str(site.organisation_id))
    return {"clients": clients, "chains": chains}


def _add_intake(patients: list[Any], *, recorded_by: Any) -> None:
    """What a chart shows: an indication, two medicines, an allergy, two measurements, a safety history."""
    from clinic.patients.models import Allergy, BodyMeasurement, Indication, Medication, SafetyHistory

    day = CREATED_AT.date()
    Indication.objects.bulk_create(Indication(patient=patient, code="TRD_UNIPOLAR", icd10_code="F33.2",
                                              is_primary=True, noted_on=day) for patient in patients)
    Medication.objects.bulk_create(
        Medication(patient=patient, name=name, drug_class=drug_class, dose_text="daily")
        for patient in patients for name, drug_class in (("Sertraline", "ssri"), ("Lithium", "lithium")))
    Allergy.objects.bulk_create(Allergy(patient=patient, substance="Penicillin", reaction="rash",
                                        severity="mild") for patient in patients)
    BodyMeasurement.objects.bulk_create(
        BodyMeasurement(patient=patient, measured_on=day - dt.timedelta(days=days), weight_kg=70 + days,
                        height_cm=170, systolic_mmhg=120, diastolic_mmhg=80, heart_rate_bpm=70,
                        recorded_by=recorded_by, recorded_at=CREATED_AT)
        for patient in patients for days in (0, 30))
    SafetyHistory.objects.bulk_create(SafetyHistory(patient=patient, updated_at=CREATED_AT, updated_by=recorded_by)
                                      for patient in patients)


def _quiet_run(variant: Variant, clinic: dict[str, Any]) -> dict[str, Any]:
    attempts = []
    for _ in range(ATTEMPTS):
        attempts.append(_run_once(variant, clinic))
        print(f"  audit_lock run {variant.name}: {_line(attempts[-1])}", flush=True)
        if attempts[-1]["cpu_other_percent"] <= OTHER_CPU_PERCENT_LIMIT:
            break
    quietest = min(attempts, key=lambda outcome: outcome["cpu_other_percent"])
    return {**quietest, "attempts": len(attempts)}


def _run_once(variant: Variant, clinic: dict[str, Any]) -> dict[str, Any]:
    from django.db import connections

    from clinic.audit.models import AuditEvent

    times_dir = ROOT / "var" / "bench-audit-lock-times" / f"{time.time_ns()}"
    port = _free_port()
    server = _start_server(variant, port=port, times_dir=times_dir)
    try:
        connections.close_all()  # the client processes are forked from this one
        outcome = load.drive(base_url=f"http://127.0.0.1:{port}", clients=clinic["clients"], measure_s=MEASURE_S,
                             server_pid=server.pid, snapshot=_snapshot)
    finally:
        _stop_server(server)
    before, (since, until) = outcome.pop("snapshot"), outcome.pop("window")
    written = AuditEvent.objects.filter(id__gt=before["last_event_id"], action="patients.chart_viewed")
    heads_after = _heads()
    outcome["events_written"] = written.count()
    outcome["events_by_chain"] = dict(sorted(
        (chain, written.filter(chain=chain).count()) for chain in set(written.values_list("chain", flat=True))))
    outcome["heads_moved"] = sum(heads_after[chain] - before["heads"].get(chain, 0) for chain in heads_after)
    outcome["chains_verify"] = all(_verifies(chain) for chain in clinic["chains"])
    outcome.update(_chain_step_times(chain_step.read_times(times_dir, since=since, until=until)))
    return outcome


def _snapshot() -> dict[str, Any]:
    from clinic.audit.models import AuditEvent

    return {"last_event_id": AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0,
            "heads": _heads()}


def _heads() -> dict[str, int]:
    from clinic.audit.models import AuditChainHead

    return dict(AuditChainHead.objects.values_list("chain", "seq"))


def _chain_step_times(times: list[tuple[float, float, float]]) -> dict[str, Any]:
    """How long the measured events waited for their head and held it until the commit (in run B: how
    long the transaction would have held it)."""
    if len(times) < 2:
        return {"timed_events": len(times)}
    waits_ms = sorted(1000 * wait_s for _, wait_s, _ in times)
    holds_ms = sorted(1000 * hold_s for _, _, hold_s in times)
    wait_cuts = statistics.quantiles(waits_ms, n=100, method="inclusive")
    hold_cuts = statistics.quantiles(holds_ms, n=100, method="inclusive")
    return {"timed_events": len(times),
            "head_wait_ms_mean": round(statistics.fmean(waits_ms), 1), "head_wait_ms_p95": round(wait_cuts[94], 1),
            "head_hold_ms_mean": round(statistics.fmean(holds_ms), 1), "head_hold_ms_p50": round(hold_cuts[49], 1),
            "head_hold_ms_p95": round(hold_cuts[94], 1),
            "head_held_share": round(sum(holds_ms) / 1000 / (times[-1][0] - times[0][0]), 2)}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_server(variant: Variant, *, port: int, times_dir: Path) -> subprocess.Popen:
    log = (ROOT / "var" / "bench-audit-lock-server.log").open("a")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "AUDIT_LOCK_CHAIN_STEP": variant.chain_step,
           "AUDIT_LOCK_TIMES_DIR": str(times_dir)}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "bench.audit_lock_wsgi:application",
                               "--bind", f"127.0.0.1:{port}", *SERVER], cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        load.wait_until_up(f"http://127.0.0.1:{port}/healthz", process=server)
    except BaseException:
        _stop_server(server)
        raise
    return server


def _stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def _verifies(chain: str) -> bool:
    from django.core.management import CommandError, call_command

    try:
        call_command("verify_audit_chain", chain=chain, stdout=io.StringIO())
    except CommandError:
        return False
    return True


def _result(runs: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    summary = {name: _median_and_spread(outcomes) for name, outcomes in runs.items()}
    a, b = summary["A"], summary["B"]
    cost = (b["requests_per_s"]["median"] - a["requests_per_s"]["median"]) / b["requests_per_s"]["median"]
    p95_ms = a["p95_ms"]["median"] - b["p95_ms"]["median"]
    errors = sum(outcome["errors"] for outcomes in runs.values() for outcome in outcomes)
    # Every measured request wrote its event; A and C moved their heads once per event, B never.
    honest = all(outcome["chains_verify"] and outcome["events_written"] == outcome["requests"]
                 and outcome["heads_moved"] == (0 if name == "B" else outcome["events_written"])
                 for name, outcomes in runs.items() for outcome in outcomes)
    return {
        "engine": "postgresql",
        "machine": _machine(),
        "clients": load.CLIENTS, "client_processes": load.CLIENT_PROCESSES, "server": " ".join(SERVER),
        "patients": PATIENTS, "measure_s": MEASURE_S, "warmup_requests_per_client": load.WARMUP_REQUESTS,
        "variants": {name: variant.what for name, variant in VARIANTS.items()},
        "orders": ORDERS,
        "other_cpu_percent_limit": OTHER_CPU_PERCENT_LIMIT, "attempts_at_most": ATTEMPTS,
        "runs_over_other_cpu_limit": sum(outcome["cpu_other_percent"] > OTHER_CPU_PERCENT_LIMIT
                                         for outcomes in runs.values() for outcome in outcomes),
        "median_and_spread": summary,
        "runs": runs,
        "lock_cost_throughput": round(cost, 4),
        "lock_cost_p95_ms": round(p95_ms, 1),
        "cost_bar": COST_BAR,
        "errors": errors,
        "chains_verify_and_counts_match": honest,
        "meets_bar": cost <= COST_BAR and errors == 0 and honest,
        "summary": (f"A {a['requests_per_s']['median']:.0f} req/s p95 {a['p95_ms']['median']:.0f} ms, "
                    f"B {b['requests_per_s']['median']:.0f} req/s p95 {b['p95_ms']['median']:.0f} ms: "
                    f"lock costs {cost:.1%} (bar {COST_BAR:.0%}), errors {errors}"),
    }


FIGURES = ("requests_per_s", "p50_ms", "p95_ms", "p99_ms", "lock_waiters_mean", "head_wait_ms_mean",
           "head_hold_ms_mean", "head_hold_ms_p95", "head_held_share", "cpu_busy_percent", "cpu_other_percent")


def _median_and_spread(outcomes: list[dict[str, Any]]) -> dict[str, Any]:
    figures = {name: {"median": round(statistics.median(outcome[name] for outcome in outcomes), 2),
                      "min": round(min(outcome[name] for outcome in outcomes), 2),
                      "max": round(max(outcome[name] for outcome in outcomes), 2)} for name in FIGURES}
    figures["errors"] = sum(outcome["errors"] for outcome in outcomes)
    figures["events_written"] = sum(outcome["events_written"] for outcome in outcomes)
    return figures


def _line(outcome: dict[str, Any]) -> str:
    return (f"{outcome['requests_per_s']:.1f} req/s, p50 {outcome['p50_ms']:.0f} / p95 {outcome['p95_ms']:.0f} / "
            f"p99 {outcome['p99_ms']:.0f} ms, errors {outcome['errors']}, events {outcome['events_written']}, "
            f"lock waiters {outcome['lock_waiters_mean']:.1f}, head wait {outcome.get('head_wait_ms_mean')} ms "
            f"hold {outcome.get('head_hold_ms_mean')} ms (held {outcome.get('head_held_share')}), "
            f"CPU {outcome['cpu_busy_percent']:.0f} % "
            f"(server {outcome['cpu_s']['server']:.0f} s, postgres {outcome['cpu_s']['postgres']:.0f} s, "
            f"clients {outcome['cpu_s']['clients']:.0f} s, measuring {outcome['cpu_s']['measuring']:.1f} s, "
            f"other {outcome['cpu_s']['other']:.0f} s = "
            f"{outcome['cpu_other_percent']:.0f} %)")


def _machine() -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(" on ")[0]
        cursor.execute("SHOW synchronous_commit")
        synchronous_commit = cursor.fetchone()[0]
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    return {"cores": os.cpu_count(), "cpu": model, "python": platform.python_version(), "postgresql": version,
            "synchronous_commit": synchronous_commit}

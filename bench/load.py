"""Concurrent signed-in clients over HTTP, and where the CPU went while they ran (bench/audit_lock.py).

CLIENT_PROCESSES processes of threads share CLIENTS clients, so the clients' own Python stays light
beside the server on a small machine. Every client warms up, then all start together on a barrier
and open charts for a fixed time; each request's latency is kept. Meanwhile the server's workers',
the database backends' and the whole machine's CPU time are read from /proc, and PostgreSQL's
backends waiting on a lock are counted every SAMPLE_S. The benchmark's own process and the sampler's
database backend are counted apart ("measuring"), so that what is left ("other") is work that is not
the benchmark's: another program on the machine, or PostgreSQL's background processes.
"""

import multiprocessing
import os
import random
import statistics
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import requests

CLIENTS = 32
CLIENT_PROCESSES = 2
WARMUP_REQUESTS = 10
SAMPLE_S = 0.2
START_TIMEOUT_S = 300
TICKS_PER_S = os.sysconf("SC_CLK_TCK")
BACKENDS = """SELECT pid FROM pg_stat_activity
              WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()"""
# Backends waiting on a lock and active ones; and the one holding what the first waiter waits for, with its
# state ('active': running a statement; 'idle in transaction': waiting for its app thread to send the
# next one) and how long its transaction has been open.
SAMPLE = """WITH mine AS (SELECT * FROM pg_stat_activity
                          WHERE datname = current_database() AND pid <> pg_backend_pid()),
                 holders AS (SELECT DISTINCT unnest(pg_blocking_pids(pid)) AS pid FROM mine
                             WHERE wait_event_type = 'Lock')
            SELECT (SELECT count(*) FROM mine WHERE wait_event_type = 'Lock'),
                   (SELECT count(*) FROM mine WHERE state = 'active'),
                   array(SELECT state || ' ' || round(1000 * extract(epoch FROM clock_timestamp() - xact_start))
                         FROM mine JOIN holders USING (pid) WHERE mine.wait_event_type IS DISTINCT FROM 'Lock')"""


def wait_until_up(url: str, *, process: Any, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The server stopped with exit code {process.returncode}; see var/bench-*.log.")
        try:
            if requests.get(url, timeout=10).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"The server did not answer {url} within {timeout_s:.0f} s.")


def drive(*, base_url: str, clients: list[dict[str, Any]], measure_s: float, server_pid: int,
          snapshot: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run the clients against the server and return the figures of the measured part, with what
    `snapshot` returned once every client had warmed up and before any measured request, and the
    measured part's wall-clock start and end."""
    context = multiprocessing.get_context("fork")
    warmed, go = context.Barrier(CLIENTS + 1), context.Barrier(CLIENTS + 1)
    results = context.Queue()
    processes = [context.Process(target=_client_process, daemon=True,
                                 args=(base_url, clients[number::CLIENT_PROCESSES], number, measure_s,
                                       warmed, go, results))
                 for number in range(CLIENT_PROCESSES)]
    for process in processes:
        process.start()
    warmed.wait(timeout=START_TIMEOUT_S)
    before_measuring = snapshot()
    url = os.environ["DATABASE_URL"]
    before = _cpu_ticks(server_pid=server_pid, url=url)
    own_before = _own_cpu_s()
    sampler = _LockSampler(url)
    sampler.start()
    go.wait(timeout=START_TIMEOUT_S)
    since = time.time()
    parts = [results.get(timeout=measure_s + START_TIMEOUT_S) for _ in processes]
    until = time.time()
    sampler.stop()
    own_s = _own_cpu_s() - own_before
    after = _cpu_ticks(server_pid=server_pid, url=url)
    for process in processes:
        process.join(timeout=30)
    return {**_figures(parts, sampler=sampler, before=before, after=after, measuring_s=own_s),
            "snapshot": before_measuring, "window": (since, until)}


def _figures(parts: list[dict[str, Any]], *, sampler: "_LockSampler", before: dict[str, Any],
             after: dict[str, Any], measuring_s: float) -> dict[str, Any]:
    latencies_ms = sorted(latency for part in parts for latency in part["latencies_ms"])
    if len(latencies_ms) < 2:
        examples = sorted({example for part in parts for example in part["error_examples"]})
        raise RuntimeError(f"Almost every request failed ({', '.join(examples)}); see var/bench-*.log.")
    started, finished = min(part["started"] for part in parts), max(part["finished"] for part in parts)
    elapsed_s = finished - started
    cuts = statistics.quantiles(latencies_ms, n=100, method="inclusive")
    cpu_s = {part: _delta_s(before[part], after[part]) for part in ("server", "postgres")}
    cpu_s["clients"] = sum(part["cpu_s"] for part in parts)
    # The sampler's backend ended with the sampler, so it is not among the backends read after.
    cpu_s["measuring"] = measuring_s + sampler.backend_ticks / TICKS_PER_S
    busy_s = (after["machine_busy"] - before["machine_busy"]) / TICKS_PER_S
    cpu_s["other"] = max(busy_s - sum(cpu_s.values()), 0.0)
    capacity_s = elapsed_s * (os.cpu_count() or 1)
    return {
        "requests": len(latencies_ms),
        "errors": sum(part["errors"] for part in parts),
        "error_examples": sorted({example for part in parts for example in part["error_examples"]})[:5],
        "elapsed_s": round(elapsed_s, 2),
        "requests_per_s": round(len(latencies_ms) / elapsed_s, 2),
        "p50_ms": round(cuts[49], 1), "p95_ms": round(cuts[94], 1), "p99_ms": round(cuts[98], 1),
        "max_ms": round(latencies_ms[-1], 1),
        "lock_waiters_mean": round(statistics.fmean(sampler.waiting), 2),
        "lock_waiters_max": max(sampler.waiting),
        "active_backends_mean": round(statistics.fmean(sampler.active), 2),
        **_holders(sampler.holders),
        "cpu_s": {part: round(seconds, 1) for part, seconds in cpu_s.items()},
        "cpu_busy_percent": round(100 * busy_s / capacity_s, 1),
        "cpu_other_percent": round(100 * cpu_s["other"] / capacity_s, 1),
        "cpu_ms_per_request": {part: round(1000 * seconds / max(len(latencies_ms), 1), 2)
                               for part, seconds in cpu_s.items()},
    }


def _holders(holders: list[tuple[str, int]]) -> dict[str, Any]:
    """What the lock holder was doing when sampled: the share of samples where it sat idle in its
    transaction waiting for its app thread, and how long its transaction had been open."""
    if not holders:
        return {"holder_samples": 0}
    idle = sum(1 for state, _ in holders if state.startswith("idle in transaction"))
    ages_ms = sorted(age_ms for _, age_ms in holders)
    return {"holder_samples": len(holders), "holder_idle_in_transaction_share": round(idle / len(holders), 2),
            "holder_xact_age_ms_median": statistics.median(ages_ms), "holder_xact_age_ms_max": ages_ms[-1]}


def _client_process(base_url: str, clients: list[dict[str, Any]], number: int, measure_s: float,
                    warmed: Any, go: Any, results: Any) -> None:
    outcomes: list[dict[str, Any]] = []
    cpu: dict[str, float] = {}
    threads = [threading.Thread(target=lambda client=client, seed=seed: outcomes.append(
                   _client(base_url, client, seed=seed, measure_s=measure_s, warmed=warmed, go=go, cpu=cpu)))
               for seed, client in enumerate(clients, start=number * 1000)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    times = os.times()
    results.put({
        "latencies_ms": [latency for outcome in outcomes for latency in outcome["latencies_ms"]],
        "errors": sum(outcome["errors"] for outcome in outcomes),
        "error_examples": [example for outcome in outcomes for example in outcome["error_examples"]],
        "started": min(outcome["started"] for outcome in outcomes),
        "finished": max(outcome["finished"] for outcome in outcomes),
        # From the moment the measured part began (the first client past the barrier noted it).
        "cpu_s": times.user + times.system - cpu["at_start_s"],
    })


def _client(base_url: str, client: dict[str, Any], *, seed: int, measure_s: float, warmed: Any, go: Any,
            cpu: dict[str, float]) -> dict[str, Any]:
    session = requests.Session()
    session.cookies.set(*client["cookie"])
    rng = random.Random(seed)
    for _ in range(WARMUP_REQUESTS):
        _open_chart(session, base_url, rng.choice(client["patient_ids"]))
    warmed.wait(timeout=START_TIMEOUT_S)
    go.wait(timeout=START_TIMEOUT_S)
    # The server drops a connection idle for its keep-alive (2 s) while others finish warming up.
    session.close()
    times = os.times()
    cpu.setdefault("at_start_s", times.user + times.system)
    latencies_ms, errors, examples = [], 0, set()
    started = time.monotonic()
    while time.monotonic() < started + measure_s:
        before = time.perf_counter()
        problem = _open_chart(session, base_url, rng.choice(client["patient_ids"]))
        if problem:
            errors += 1
            examples.add(problem)
        else:
            latencies_ms.append((time.perf_counter() - before) * 1000)
    return {"latencies_ms": latencies_ms, "errors": errors, "error_examples": sorted(examples),
            "started": started, "finished": time.monotonic()}


def _open_chart(session: requests.Session, base_url: str, patient_id: int) -> str:
    """Open one chart; return what went wrong, or "" when the chart came back."""
    try:
        response = session.get(f"{base_url}/patients/{patient_id}/", allow_redirects=False, timeout=60)
    except requests.RequestException as error:
        return type(error).__name__
    if response.status_code != 200 or b"Penicillin" not in response.content:
        return f"HTTP {response.status_code}"
    return ""


class _LockSampler(threading.Thread):
    """Counts PostgreSQL backends of this database waiting on a lock, and active ones, every SAMPLE_S."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.waiting: list[int] = []
        self.active: list[int] = []
        self.holders: list[tuple[str, int]] = []
        self.backend_ticks = 0
        self._stopped = threading.Event()

    def run(self) -> None:
        with psycopg.connect(self.url, autocommit=True) as connection:
            pid = connection.execute("SELECT pg_backend_pid()").fetchone()[0]
            started = _stat(pid).get("ticks", 0)
            while not self._stopped.wait(SAMPLE_S):
                waiting, active, holders = connection.execute(SAMPLE).fetchone()
                self.waiting.append(waiting)
                self.active.append(active)
                self.holders += [(state, int(age_ms)) for state, age_ms in
                                 (holder.rsplit(" ", 1) for holder in holders)]
            self.backend_ticks = _stat(pid).get("ticks", 0) - started

    def stop(self) -> None:
        self._stopped.set()
        self.join()


def _cpu_ticks(*, server_pid: int, url: str) -> dict[str, Any]:
    with psycopg.connect(url, autocommit=True) as connection:
        backends = [row[0] for row in connection.execute(BACKENDS).fetchall()]
    workers = [int(entry.name) for entry in Path("/proc").iterdir()
               if entry.name.isdigit() and _stat(int(entry.name)).get("ppid") == server_pid]
    return {"server": {pid: _stat(pid).get("ticks", 0) for pid in [server_pid, *workers]},
            "postgres": {pid: _stat(pid).get("ticks", 0) for pid in backends},
            "machine_busy": _machine_busy_ticks()}


def _own_cpu_s() -> float:
    times = os.times()
    return times.user + times.system


def _delta_s(before: dict[int, int], after: dict[int, int]) -> float:
    return sum(ticks - before.get(pid, 0) for pid, ticks in after.items()) / TICKS_PER_S


def _stat(pid: int) -> dict[str, int]:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return {}
    fields = text.rsplit(")", 1)[1].split()
    # After the command name: state, ppid, ... utime is field 14 and stime 15 of the whole line.
    return {"ppid": int(fields[1]), "ticks": int(fields[11]) + int(fields[12])}


def _machine_busy_ticks() -> int:
    # The first line sums all cores: user nice system idle iowait irq softirq steal (guest within user).
    ticks = [int(value) for value in Path("/proc/stat").read_text().split()[1:9]]
    return sum(ticks) - ticks[3] - ticks[4]

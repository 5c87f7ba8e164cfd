"""Parallel writers for the concurrency tests, run with the lock under test and without it (design §5).

Each race runs twice. Locked, the code is as shipped. Unlocked, the lock is taken away and every
writer is held between its check and its write until all have checked, so the run must show the
corruption the lock prevents: a test that cannot see the race cannot prove the lock.

The lock differs by engine. On PostgreSQL it is a row (select_for_update, or a claimed unique key).
On SQLite it is the transaction itself: BEGIN IMMEDIATE takes the write lock, so a row lock adds
nothing there, and the unlocked run begins its transactions DEFERRED instead.
"""

import threading
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest
from django.db import connection, connections

# Long enough for every writer to start on a busy machine; a writer that never arrives breaks the
# barrier for the others, and the race reports BrokenBarrierError instead of hanging.
BARRIER_TIMEOUT_S = 30.0
JOIN_TIMEOUT_S = 120.0

VARIANTS = pytest.mark.parametrize("locked", [True, False], ids=["locked", "unlocked"])


def writers() -> int:
    """Design §5: at least 8 parallel writers on SQLite and 16 on PostgreSQL."""
    return 16 if connection.vendor == "postgresql" else 8


class Gate:
    """Holds each writer thread once, the first time it arrives, until every writer has arrived."""

    def __init__(self, parties: int) -> None:
        self._barrier = threading.Barrier(parties, timeout=BARRIER_TIMEOUT_S)
        self._arrived = threading.local()

    def wait(self) -> None:
        if getattr(self._arrived, "once", False):
            return
        self._arrived.once = True
        self._barrier.wait()


def run(write: Callable[[], object], *, writers: int) -> tuple[list[object], list[BaseException]]:
    """Run `write` once in each of `writers` threads started together; return what the writers
    returned and what they raised, each in the order they finished."""
    start, results, errors = threading.Barrier(writers, timeout=BARRIER_TIMEOUT_S), [], []

    def writer() -> None:
        try:
            start.wait()
            results.append(write())
        except BaseException as error:  # noqa: BLE001 - every failure is reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=JOIN_TIMEOUT_S)
    errors.extend(TimeoutError("writer still running") for thread in threads if thread.is_alive())
    return results, errors


def meet_at_lock(monkeypatch: pytest.MonkeyPatch, module: ModuleType, name: str, gate: Gate) -> None:
    """Locked run: writers meet inside their transactions just before `name` takes the lock, so all
    of them contend for it at once.

    Not on SQLite: there BEGIN IMMEDIATE already holds the write lock, and a writer waiting here
    would hold it while the others could never arrive."""
    if connection.vendor != "sqlite":
        meet_before(monkeypatch, module, name, gate)


def meet_before(monkeypatch: pytest.MonkeyPatch, module: ModuleType, name: str, gate: Gate) -> None:
    """Hold each writer before `name` runs, until every writer has arrived there."""
    step = getattr(module, name)

    def meet_then_step(*args: Any, **kwargs: Any) -> Any:
        gate.wait()
        return step(*args, **kwargs)

    monkeypatch.setattr(module, name, meet_then_step)


def drop_lock(monkeypatch: pytest.MonkeyPatch, module: ModuleType, name: str,
              replacement: Callable[..., Any]) -> None:
    """Unlocked run: `name` becomes `replacement`, which takes no lock; on SQLite transactions also
    begin DEFERRED, so writers hold no write lock until they write."""
    monkeypatch.setattr(module, name, replacement)
    if connection.vendor == "sqlite":
        # Threads open their own connections, which read the transaction mode from these options.
        monkeypatch.setitem(connection.settings_dict["OPTIONS"], "transaction_mode", "DEFERRED")


def meet_after(monkeypatch: pytest.MonkeyPatch, module: ModuleType, name: str, gate: Gate) -> None:
    """Unlocked run: hold each writer after `name`, its check, returns, until every writer has
    checked and none has written."""
    check = getattr(module, name)

    def check_then_meet(*args: Any, **kwargs: Any) -> Any:
        found = check(*args, **kwargs)
        gate.wait()
        return found

    monkeypatch.setattr(module, name, check_then_meet)

"""The audit chain step inside the audit lock benchmark's server (bench/audit_lock.py): switched off
for run B, and timed in every run.

Switched off, `record_event` stays as it is: it builds the same row, signs it with the audit key and
inserts it with its patient links in one transaction. Only the chain step changes: the organisation's
head row is neither locked nor read nor moved, and each row is signed against the genesis hash
instead of the previous row's. The rows go to a chain of their own (`unchained-<organisation>`) under
random sequence numbers, so the organisation's real chain stays whole and verifiable beside them.

Timed, every event notes how long its thread waited for the head and then held it until the commit
(two clock reads and a callback after the commit); each server process writes its times to a file
when it stops.

Nothing in the product imports this module: the benchmark's server loads it through
bench/audit_lock_wsgi.py, and a test loads it under monkeypatch.
"""

import atexit
import json
import os
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

UNCHAINED_PREFIX = "unchained-"
# Random sequence numbers stay unique in practice (2^62 values) without a shared counter to wait on.
SEQ_BITS = 62
Patch = Callable[[Any, str, Any], None]


def _replace(module: Any, name: str, value: Any) -> None:
    # A renamed helper must stop the benchmark, not leave it quietly measuring something else.
    if not hasattr(module, name):
        raise AttributeError(f"{module.__name__} has no {name}: update bench/chain_step.py to match it.")
    setattr(module, name, value)


class _UnlockedHead:
    """Stands for a chain head that was never locked: a fresh random seq, the genesis hash."""

    pk = None

    def __init__(self, *, last_hash: str) -> None:
        self.seq = secrets.randbits(SEQ_BITS)
        self.last_hash = last_hash


class _NoHeadRows:
    """What `AuditChainHead.objects.filter(...).update(...)` becomes: no query at all."""

    def filter(self, **lookups: Any) -> "_NoHeadRows":
        return self

    def update(self, **values: Any) -> int:
        return 0


class _NoHeadModel:
    objects = _NoHeadRows()


def switch_off(patch: Patch = _replace) -> None:
    """Take the chain step out of clinic.audit.actions.record_event in this process.

    `patch` replaces for good in the benchmark's server; a test passes `monkeypatch.setattr`, which is undone.
    """
    from clinic.audit import actions
    from clinic.audit.chain import GENESIS_HASH

    real_chain_for = actions.chain_for
    patch(actions, "chain_for", lambda organisation_id: UNCHAINED_PREFIX + real_chain_for(organisation_id))
    patch(actions, "locked_chain_head", lambda chain: _UnlockedHead(last_hash=GENESIS_HASH))
    patch(actions, "AuditChainHead", _NoHeadModel)


def time_it(times: list[tuple[float, float, float]], patch: Patch = _replace) -> None:
    """Append (wall-clock time of the commit, seconds waited for the head, seconds from getting it to
    the commit) to `times` for every event written in this process."""
    from django.db import transaction

    from clinic.audit import actions

    take_head = actions.locked_chain_head

    def timed(chain: str) -> Any:
        asked = time.perf_counter()
        head = take_head(chain)
        got = time.perf_counter()
        transaction.on_commit(lambda: times.append((time.time(), got - asked, time.perf_counter() - got)))
        return head

    patch(actions, "locked_chain_head", timed)


def set_up_server(*, chain_step: str, times_dir: Path) -> None:
    """Run B switches the chain step off; every run times it and leaves its times in `times_dir`."""
    if chain_step == "off":
        switch_off()
    times: list[tuple[float, float, float]] = []
    time_it(times)
    times_dir.mkdir(parents=True, exist_ok=True)
    atexit.register(lambda: (times_dir / f"{os.getpid()}.json").write_text(json.dumps(times)))


def read_times(times_dir: Path, *, since: float, until: float) -> list[tuple[float, float, float]]:
    """The events committed between `since` and `until` (wall-clock seconds), from every server process."""
    return [tuple(row) for path in sorted(times_dir.glob("*.json")) for row in json.loads(path.read_text())
            if since <= row[0] <= until]

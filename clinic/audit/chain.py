"""How an audit row is hashed: shared by the writer and by verify_audit_chain."""

import hashlib
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

GENESIS_HASH = "0" * 64
GLOBAL_CHAIN = "global"


def chain_for(organisation_id: int | None) -> str:
    """Each organisation has its own chain; events before anyone is known go to the global one."""
    return str(organisation_id) if organisation_id else GLOBAL_CHAIN


def event_hash(*, prev_hash: str, fields: dict[str, Any], patient_ids: Iterable[int]) -> str:
    """SHA-256 of the previous hash and the row's fields in a canonical JSON form."""
    body = {key: _canonical(value) for key, value in sorted(fields.items())}
    body["patient_ids"] = sorted(int(patient_id) for patient_id in patient_ids)
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(f"{prev_hash}|{text}".encode()).hexdigest()


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        # Microseconds since the epoch: the same instant hashes the same on every engine.
        return round(value.timestamp() * 1_000_000)
    return value


HASHED_FIELDS = ("chain", "seq", "occurred_at", "actor_kind", "actor_id", "actor_label", "role",
                 "site_id", "action", "object_type", "object_id", "changed_fields", "data",
                 "request_id", "ip")

"""How an audit row is hashed and signed: shared by the writer, by verify_audit_chain and by the
anchor lines kept outside the database.

Every row is signed: its hash is an HMAC-SHA256, with the audit key, of the previous row's hash and
the row's fields in a canonical JSON form. The key lives outside the database (AUDIT_KEY or
AUDIT_KEY_FILE), so someone who can write the database but does not hold the key cannot make a
row that verifies. Rows written before the chain was signed carry no key id and a plain SHA-256;
the first signed row after them covers their last hash.
"""

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

GENESIS_HASH = "0" * 64
GLOBAL_CHAIN = "global"
FINGERPRINT_CHARS = 16

HASHED_FIELDS = ("chain", "seq", "occurred_at", "actor_kind", "actor_id", "actor_label", "role",
                 "site_id", "action", "object_type", "object_id", "changed_fields", "data",
                 "request_id", "ip")
# A signed row's hash also covers which key signed it.
SIGNED_FIELDS = (*HASHED_FIELDS, "key_id")


@dataclass(frozen=True)
class AuditKey:
    """The secret that signs every audit row and anchor line."""

    secret: bytes = field(repr=False)

    @cached_property
    def fingerprint(self) -> str:
        """Names the key without revealing it: stored on each row, so that verifying with the wrong
        key is told apart from tampering."""
        return hmac.new(self.secret, b"clinic audit key fingerprint", hashlib.sha256).hexdigest()[:FINGERPRINT_CHARS]

    def sign(self, message: str) -> str:
        return hmac.new(self.secret, message.encode(), hashlib.sha256).hexdigest()


def configured_key() -> AuditKey:
    """The key of the settings (AUDIT_KEY or AUDIT_KEY_FILE), read when it is needed."""
    from django.conf import settings

    return AuditKey(settings.AUDIT_KEY.encode())


def chain_for(organisation_id: int | None) -> str:
    """Each organisation has its own chain; events before anyone is known go to the global one."""
    return str(organisation_id) if organisation_id else GLOBAL_CHAIN


def event_hash(*, prev_hash: str, fields: dict[str, Any], patient_ids: Iterable[int],
               key: AuditKey | None) -> str:
    """HMAC-SHA256 with `key` of the previous hash and the row's fields; plain SHA-256 when `key` is
    None, as rows were hashed before the chain was signed."""
    body = {name: _canonical(value) for name, value in sorted(fields.items())}
    body["patient_ids"] = sorted(int(patient_id) for patient_id in patient_ids)
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    message = f"{prev_hash}|{text}"
    if key is None:
        return hashlib.sha256(message.encode()).hexdigest()
    return key.sign(message)


def row_hash(row: dict[str, Any], *, patient_ids: Iterable[int], key: AuditKey) -> str:
    """The hash a stored row must have: signed with `key` when it names a key, else the plain one."""
    if row["key_id"]:
        return event_hash(prev_hash=row["prev_hash"], fields={name: row[name] for name in SIGNED_FIELDS},
                          patient_ids=patient_ids, key=key)
    return event_hash(prev_hash=row["prev_hash"], fields={name: row[name] for name in HASHED_FIELDS},
                      patient_ids=patient_ids, key=None)


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        # Microseconds since the epoch: the same instant hashes the same on every engine.
        return round(value.timestamp() * 1_000_000)
    return value

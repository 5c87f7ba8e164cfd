"""What someone with database access could do behind the application's back, for the tests that
prove verify_audit_chain notices. Each opens the teardown guard only for its own statements, or
drops the triggers and puts them back as an owner of the tables could."""

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection

from clinic.audit.chain import HASHED_FIELDS, SIGNED_FIELDS, AuditKey, event_hash
from clinic.audit.models import AuditEvent

TRIGGER_MIGRATIONS = ("0002_append_only_triggers", "0006_chain_head_moves_forward_only")


@contextmanager
def triggers_stood_aside() -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO audit_teardown_guard (opened) VALUES (1)")
        try:
            yield
        finally:
            cursor.execute("DELETE FROM audit_teardown_guard")


@contextmanager
def triggers_dropped() -> Iterator[None]:
    """Drop every audit trigger, then create them again as the migrations made them."""
    drops, creates = [], []
    for name in TRIGGER_MIGRATIONS:
        migration = importlib.import_module(f"clinic.audit.migrations.{name}")
        prefix = "POSTGRES" if connection.vendor == "postgresql" else "SQLITE"
        drops += [sql for sql in getattr(migration, f"{prefix}_REVERSE") if sql.startswith("DROP TRIGGER")]
        creates += [sql for sql in getattr(migration, f"{prefix}_FORWARD") if sql.startswith("CREATE TRIGGER")]
    with connection.cursor() as cursor:
        for sql in drops:
            cursor.execute(sql)
        try:
            yield
        finally:
            for sql in creates:
                cursor.execute(sql)


def run_sql(sql: str, params: list[object]) -> None:
    with triggers_stood_aside(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def change_action(*, event_id: int, action: str) -> None:
    run_sql("UPDATE audit_auditevent SET action = %s WHERE id = %s", [action, event_id])


def delete_event(*, event_id: int) -> None:
    run_sql("DELETE FROM audit_auditeventpatient WHERE event_id = %s", [event_id])
    run_sql("DELETE FROM audit_auditevent WHERE id = %s", [event_id])


def remove_patient_link(*, event_id: int, patient_id: int) -> None:
    run_sql("DELETE FROM audit_auditeventpatient WHERE event_id = %s AND patient_id = %s",
            [event_id, patient_id])


def set_head(*, chain: str, seq: int, last_hash: str) -> None:
    """Put a chain's head anywhere, backwards too."""
    run_sql("UPDATE audit_auditchainhead SET seq = %s, last_hash = %s WHERE chain = %s", [seq, last_hash, chain])


def forged_hash(row: dict[str, Any], *, key: AuditKey | None) -> str:
    """The hash a forger would give a row: with a key of their own, or plain SHA-256 with none."""
    names = SIGNED_FIELDS if key is not None else HASHED_FIELDS
    return event_hash(prev_hash=row["prev_hash"], fields={name: row[name] for name in names},
                      patient_ids=row.get("patient_ids", []), key=key)


def append_forged_row(*, chain: str, action: str, key: AuditKey | None, key_id: str | None = None) -> AuditEvent:
    """Append a row made without the application, hashed as a forger would, and move the head
    forward onto it; neither needs the triggers out of the way."""
    last = AuditEvent.objects.filter(chain=chain).order_by("-seq").values(*SIGNED_FIELDS, "hash").first()
    row = {**last, "seq": last["seq"] + 1, "prev_hash": last["hash"], "action": action,
           "key_id": key.fingerprint if key is not None else ""}
    if key_id is not None:
        row["key_id"] = key_id
    event = AuditEvent(**{name: row[name] for name in (*SIGNED_FIELDS, "prev_hash")},
                       hash=forged_hash(row, key=key if row["key_id"] else None))
    event.save(force_insert=True)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditchainhead SET seq = %s, last_hash = %s WHERE chain = %s",
                       [event.seq, event.hash, chain])
    return event

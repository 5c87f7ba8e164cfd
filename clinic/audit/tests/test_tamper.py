"""Tampering with the audit trail as a database administrator could, each refused or detected, on
SQLite and PostgreSQL: rows forged without the key, rows rewritten behind dropped triggers, a tail
cut off with the head wound back, and a head deleted or moved back. (The restore, which winds a
chain back legitimately, is in clinic/backups/tests/test_restore_audit.py.)"""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from clinic.audit.chain import SIGNED_FIELDS, chain_for
from clinic.audit.models import AuditChainHead, AuditEvent
from clinic.audit.tasks import verify_audit_chains
from clinic.audit.tests import tamper
from clinic.audit.tests.factories import AuditEventFactory
from clinic.patients.tests.factories import PatientFactory

EVENTS = 40


def _verify(*args: str) -> tuple[int, str]:
    """verify_audit_chain's exit code and what it printed, run in the test's own transaction."""
    out = StringIO()
    try:
        call_command("verify_audit_chain", *args, stdout=out)
    except CommandError as error:
        return error.returncode, f"{out.getvalue()}{error}"
    return 0, out.getvalue()


@pytest.fixture
def chain(nurse):
    return chain_for(nurse.organisation_id)


@pytest.fixture
def events(nurse, main_site, now):
    patients = PatientFactory.create_batch(2, site=main_site)
    return [AuditEventFactory(actor=nurse, now=now + dt.timedelta(minutes=minute), patients=patients)
            for minute in range(EVENTS)]


def _row(chain: str, seq: int) -> AuditEvent:
    return AuditEvent.objects.get(chain=chain, seq=seq)


@pytest.mark.parametrize(("forger", "reason"), [
    ("plain SHA-256, no key id", "written without the audit key: an unsigned row after signed ones"),
    ("plain SHA-256 under the clinic's key id", "its contents do not match its hash"),
    ("HMAC with a key of the forger's own", "signed with another audit key"),
])
def test_a_row_forged_without_the_key_and_the_head_moved_onto_it_is_detected(
        events, chain, key, other_key, forger, reason):
    forged = tamper.append_forged_row(
        chain=chain, action="patients.chart_viewed",
        key=other_key if forger.startswith("HMAC") else None,
        key_id=key.fingerprint if "clinic's key id" in forger else None)

    exit_code, out = _verify()

    assert AuditChainHead.objects.get(chain=chain).seq == EVENTS + 1
    assert exit_code == 1
    assert f"BROKEN at seq {EVENTS + 1} (event id {forged.pk}): {reason}" in out


def test_rows_rewritten_behind_dropped_triggers_with_the_head_moved_are_detected(events, chain):
    rows = list(AuditEvent.objects.filter(chain=chain, seq__gte=10).order_by("seq")
                .values("id", "prev_hash", *SIGNED_FIELDS))
    patient_ids = sorted(AuditEvent.objects.get(pk=rows[0]["id"]).patient_links.values_list("patient_id", flat=True))
    prev_hash = rows[0]["prev_hash"]
    with tamper.triggers_dropped(), connection.cursor() as cursor:
        for row in rows:
            # Every field copied, the name changed, and each hash made again with the project's own
            # function, chained from the one before: all the forger lacks is the key.
            rewritten = {**row, "prev_hash": prev_hash, "actor_label": "someone else", "patient_ids": patient_ids}
            prev_hash = tamper.forged_hash(rewritten, key=None)
            cursor.execute("UPDATE audit_auditevent SET actor_label = %s, prev_hash = %s, hash = %s WHERE id = %s",
                           ["someone else", rewritten["prev_hash"], prev_hash, row["id"]])
        cursor.execute("UPDATE audit_auditchainhead SET last_hash = %s WHERE chain = %s", [prev_hash, chain])

    exit_code, out = _verify()

    assert AuditEvent.objects.filter(chain=chain, actor_label="someone else").count() == EVENTS - 9 == len(rows)
    assert exit_code == 1
    assert f"BROKEN at seq 10 (event id {rows[0]['id']}): its contents do not match its hash" in out
    assert f"{EVENTS - 9} problems in all" in out
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=rows[0]["id"]).update(actor_label="back again")


def test_tail_rows_deleted_with_the_head_wound_back_are_found_by_the_anchors(events, chain, anchor_file):
    verify_audit_chains.call()
    kept = _row(chain, 30)
    with tamper.triggers_dropped(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditeventpatient WHERE event_id IN "
                       "(SELECT id FROM audit_auditevent WHERE chain = %s AND seq > 30)", [chain])
        cursor.execute("DELETE FROM audit_auditevent WHERE chain = %s AND seq > 30", [chain])
        cursor.execute("UPDATE audit_auditchainhead SET seq = 30, last_hash = %s WHERE chain = %s",
                       [kept.hash, chain])

    without_anchors = _verify()
    exit_code, out = _verify("--anchors", str(anchor_file))

    assert without_anchors[0] == 0 and f"chain {chain}: 30 events, last seq 30, intact" in without_anchors[1]
    assert exit_code == 1
    assert (f"chain {chain}: 30 events, last seq 30, BROKEN at seq 31: rows after seq 30 were removed and the "
            f"head wound back: the nightly anchor of ") in out
    assert f"({anchor_file} line 1) names seq {EVENTS}; 1 problem in all" in out
    assert f"chain {chain}: 0 anchors held" in out


def test_a_head_deleted_behind_a_dropped_trigger_is_detected(events, chain):
    with tamper.triggers_dropped(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditchainhead WHERE chain = %s", [chain])

    exit_code, out = _verify()

    assert exit_code == 1
    assert f"BROKEN at seq {EVENTS}: the chain has rows but no head row; the head was deleted" in out


def test_a_head_moved_back_behind_a_dropped_trigger_is_detected(events, chain):
    with tamper.triggers_dropped(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditchainhead SET seq = 12, last_hash = %s WHERE chain = %s",
                       [_row(chain, 12).hash, chain])

    exit_code, out = _verify()

    assert exit_code == 1
    assert (f"BROKEN at seq 13: seq 13–{EVENTS} lie beyond the head, which says the chain ends at seq 12: "
            "the head was moved back") in out

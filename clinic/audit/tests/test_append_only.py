"""The database itself refuses to change or remove audit rows, or to delete a chain head or move it
back, whatever the caller."""

import pytest
from django.db import DatabaseError, connection, transaction

from clinic.audit.models import AuditChainHead, AuditEvent, AuditEventPatient
from clinic.audit.tests.factories import AuditEventFactory
from clinic.patients.tests.factories import PatientFactory


@pytest.fixture
def event(nurse, main_site, now):
    patient = PatientFactory(site=main_site)
    return AuditEventFactory(actor=nurse, now=now, action="patients.chart_viewed", patients=[patient])


def _refused(statement) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        statement()


def _raw(sql: str, *params: object):
    def run() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, list(params))

    return run


def test_database_refuses_raw_sql_update_of_an_audit_row(event):
    _refused(_raw("UPDATE audit_auditevent SET action = 'nothing.happened' WHERE id = %s", event.pk))

    assert AuditEvent.objects.get(pk=event.pk).action == "patients.chart_viewed"


def test_database_refuses_raw_sql_delete_of_an_audit_row(event):
    _refused(_raw("DELETE FROM audit_auditevent WHERE id = %s", event.pk))

    assert AuditEvent.objects.filter(pk=event.pk).count() == 1


def test_database_refuses_orm_update_of_an_audit_row(event):
    _refused(lambda: AuditEvent.objects.filter(pk=event.pk).update(actor_label="someone else"))
    event.actor_label = "someone else"
    _refused(event.save)

    assert AuditEvent.objects.get(pk=event.pk).actor_label == "nurse"


def test_database_refuses_orm_delete_of_an_audit_row(event):
    _refused(event.delete)
    _refused(AuditEvent.objects.all().delete)

    assert AuditEvent.objects.filter(pk=event.pk).count() == 1


def test_database_refuses_raw_sql_change_or_removal_of_a_patient_link(event):
    link = event.patient_links.get()

    _refused(_raw("UPDATE audit_auditeventpatient SET patient_id = 0 WHERE id = %s", link.pk))
    _refused(_raw("DELETE FROM audit_auditeventpatient WHERE id = %s", link.pk))

    assert list(AuditEventPatient.objects.values_list("pk", "patient_id")) == [(link.pk, link.patient_id)]


def test_database_refuses_orm_change_or_removal_of_a_patient_link(event):
    link = event.patient_links.get()

    _refused(lambda: AuditEventPatient.objects.filter(pk=link.pk).update(patient_id=0))
    _refused(link.delete)

    assert list(AuditEventPatient.objects.values_list("pk", "patient_id")) == [(link.pk, link.patient_id)]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no TRUNCATE")
@pytest.mark.parametrize("table", ["audit_auditevent", "audit_auditeventpatient"])
def test_postgresql_refuses_truncate_of_audit_tables(event, table):
    _refused(_raw(f"TRUNCATE {table}"))

    assert AuditEvent.objects.count() == AuditEventPatient.objects.count() == 1


# --- The chain heads: never deleted, never moved back ------------------------------------------


def _head_refused(statement, operation: str) -> None:
    with pytest.raises(DatabaseError, match=f"audit chain heads only move forward: {operation} refused"), \
            transaction.atomic():
        statement()


@pytest.fixture
def head(event):
    return AuditChainHead.objects.get(chain=event.chain)


def test_database_refuses_to_delete_a_chain_head(head):
    _head_refused(_raw("DELETE FROM audit_auditchainhead WHERE id = %s", head.pk), "DELETE")
    _head_refused(head.delete, "DELETE")

    assert AuditChainHead.objects.filter(pk=head.pk).count() == 1


@pytest.mark.parametrize(("change", "values"), [
    ("a seq moved back", "seq = 0"),
    # Always another hash: its first hex digit changed, whatever it was.
    ("another hash at the same seq",
     "last_hash = CASE WHEN substr(last_hash, 1, 1) = 'f' THEN 'e' ELSE 'f' END || substr(last_hash, 2)"),
    ("another chain's name", "chain = 'global'"),
])
def test_database_refuses_to_move_a_chain_head_back_or_rename_it(head, change, values):
    _head_refused(_raw(f"UPDATE audit_auditchainhead SET {values} WHERE id = %s", head.pk), "UPDATE")

    assert AuditChainHead.objects.values_list("chain", "seq", "last_hash").get(pk=head.pk) == (
        head.chain, head.seq, head.last_hash)


def test_database_lets_a_chain_head_move_forward_and_an_unchanged_save_through(head, nurse, now):
    head.save()
    AuditEventFactory(actor=nurse, now=now)

    assert AuditChainHead.objects.get(pk=head.pk).seq == head.seq + 1 == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no TRUNCATE")
def test_postgresql_refuses_truncate_of_the_chain_heads(head):
    _head_refused(_raw("TRUNCATE audit_auditchainhead"), "TRUNCATE")

    assert AuditChainHead.objects.count() == 1

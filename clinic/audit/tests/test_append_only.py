"""The database itself refuses to change or remove audit rows, whatever the caller."""

import pytest
from django.db import DatabaseError, connection, transaction

from clinic.audit.models import AuditEvent, AuditEventPatient
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

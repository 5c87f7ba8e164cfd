"""What someone with database access could do behind the application's back, for the tests that
prove verify_audit_chain notices. Each opens the teardown guard only for its own statements."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


@contextmanager
def triggers_stood_aside() -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO audit_teardown_guard (opened) VALUES (1)")
        try:
            yield
        finally:
            cursor.execute("DELETE FROM audit_teardown_guard")


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

"""Many writers at once leave one contiguous, verifiable chain and never see "database is locked"."""

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

from clinic.audit import verification
from clinic.audit.actions import record_event, record_view
from clinic.audit.chain import chain_for
from clinic.audit.models import AuditEvent
from clinic.patients.tests.factories import PatientFactory

EVENTS_PER_WRITER = 25


def _writers() -> int:
    # Design §5: at least 8 parallel writers on SQLite and 16 on PostgreSQL.
    return 16 if connection.vendor == "postgresql" else 8


def _race(write: Callable[[], object], *, writers: int, times: int) -> list[str]:
    """Run `write` `times` times in each of `writers` threads started together; return the errors."""
    start, errors = threading.Barrier(writers), []

    def writer() -> None:
        try:
            start.wait()
            for _ in range(times):
                write()
        except BaseException as error:  # noqa: BLE001 - every failure is reported by the test
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


@pytest.mark.slow
def test_parallel_writers_leave_a_contiguous_chain_that_verifies(transactional_db, nurse, main_site, now):
    patients = PatientFactory.create_batch(3, site=main_site)
    writers = _writers()

    errors = _race(lambda: record_event(actor=nurse, now=now, action="patients.chart_viewed",
                                        patients=patients), writers=writers, times=EVENTS_PER_WRITER)

    chain = chain_for(nurse.organisation_id)
    seqs = list(AuditEvent.objects.filter(chain=chain).order_by("seq").values_list("seq", flat=True))
    report = verification.verify_chain(chain)
    assert errors == []
    assert seqs == list(range(1, writers * EVENTS_PER_WRITER + 1))
    assert (report.intact, report.events_checked) == (True, writers * EVENTS_PER_WRITER)


@pytest.mark.slow
def test_parallel_polls_of_one_page_write_one_event(transactional_db, nurse, main_site, now):
    patients = PatientFactory.create_batch(3, site=main_site)

    errors = _race(lambda: record_view(actor=nurse, now=now, action="infusions.day_board_viewed",
                                       patients=patients, poll=True), writers=_writers(), times=3)

    events = AuditEvent.objects.filter(action="infusions.day_board_viewed")
    assert errors == []
    assert [event.patient_links.count() for event in events] == [3]

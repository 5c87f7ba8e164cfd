"""Many writers at once leave one contiguous, verifiable chain and never see "database is locked";
without the chain head's lock they all try to append at the same seq, and the test sees it."""

from collections.abc import Callable

import pytest
from django.db import IntegrityError, OperationalError, connection

from clinic.audit import actions, verification
from clinic.audit.actions import record_event, record_view
from clinic.audit.chain import GENESIS_HASH, chain_for
from clinic.audit.models import AuditChainHead, AuditEvent
from clinic.patients.tests.factories import PatientFactory
from tests import race

EVENTS_PER_WRITER = 25


def _race(write: Callable[[], object], *, writers: int, times: int) -> list[str]:
    """Run `write` `times` times in each of `writers` threads started together; return the errors."""
    _, errors = race.run(lambda: [write() for _ in range(times)], writers=writers)
    return [repr(error) for error in errors]


def _unlocked_head(chain: str) -> AuditChainHead:
    """The chain head read as the shipped code reads it, without select_for_update."""
    head, _ = AuditChainHead.objects.get_or_create(chain=chain, defaults={"seq": 0, "last_hash": GENESIS_HASH})
    return head


@pytest.fixture
def arm_chain_race(locked, monkeypatch) -> Callable[[], None]:
    """Called once the scene is set. Locked: every writer's first append reaches the head's lock at
    once. Unlocked: every writer reads the head, and none appends until all have read it."""

    def arm() -> None:
        gate = race.Gate(race.writers())
        if locked:
            race.meet_at_lock(monkeypatch, actions, "locked_chain_head", gate)
        else:
            race.drop_lock(monkeypatch, actions, "locked_chain_head", _unlocked_head)
            race.meet_after(monkeypatch, actions, "locked_chain_head", gate)

    return arm


@pytest.mark.slow
@race.VARIANTS
def test_parallel_writers_leave_a_contiguous_chain_that_verifies(transactional_db, nurse, main_site, now,
                                                                 locked, arm_chain_race):
    patients = PatientFactory.create_batch(3, site=main_site)
    # The chain has begun, so the unlocked readers find its head instead of racing to create it.
    record_event(actor=nurse, now=now, action="patients.chart_viewed", patients=patients)
    writers = race.writers()
    arm_chain_race()

    errors = _race(lambda: record_event(actor=nurse, now=now, action="patients.chart_viewed",
                                        patients=patients), writers=writers, times=EVENTS_PER_WRITER)

    chain = chain_for(nurse.organisation_id)
    seqs = list(AuditEvent.objects.filter(chain=chain).order_by("seq").values_list("seq", flat=True))
    report = verification.verify_chain(chain)
    if locked:
        assert errors == []
        assert seqs == list(range(1, 1 + writers * EVENTS_PER_WRITER + 1))
    else:
        # All read seq 1 and all tried to append seq 2: one did, and carried on alone; every other
        # was refused, by the unique (chain, seq) on PostgreSQL, and on SQLite by its stale snapshot.
        assert errors == [_fork_refused(chain=chain, seq=2)] * (writers - 1)
        assert seqs == list(range(1, 1 + EVENTS_PER_WRITER + 1))
    assert (report.intact, report.events_checked) == (True, len(seqs))


def _fork_refused(*, chain: str, seq: int) -> str:
    """What a writer that lost the unlocked race raised, as it reports it."""
    if connection.vendor == "postgresql":
        return repr(IntegrityError('duplicate key value violates unique constraint "audit_seq_unique_in_chain"\n'
                                   f"DETAIL:  Key (chain, seq)=({chain}, {seq}) already exists."))
    return repr(OperationalError("database is locked"))


@pytest.mark.slow
def test_parallel_polls_of_one_page_write_one_event(transactional_db, nurse, main_site, now):
    patients = PatientFactory.create_batch(3, site=main_site)

    errors = _race(lambda: record_view(actor=nurse, now=now, action="infusions.day_board_viewed",
                                       patients=patients, poll=True, site_id=main_site.pk),
                   writers=race.writers(), times=3)

    events = AuditEvent.objects.filter(action="infusions.day_board_viewed")
    assert errors == []
    assert [event.patient_links.count() for event in events] == [3]

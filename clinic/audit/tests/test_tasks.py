"""The worker's nightly chain check logs and records what it found."""

import logging

import pytest

from clinic.audit.chain import chain_for
from clinic.audit.models import ActorKind, AuditEvent
from clinic.audit.tasks import verify_audit_chains
from clinic.audit.tests import tamper
from clinic.audit.tests.factories import AuditEventFactory


@pytest.fixture
def events(nurse, now):
    return AuditEventFactory.create_batch(4, actor=nurse, now=now)


def test_nightly_check_records_an_intact_chain_as_a_system_event(events, nurse):
    outcome = verify_audit_chains.call()

    chain = chain_for(nurse.organisation_id)
    check = AuditEvent.objects.get(action="audit.chain_verified")
    assert outcome == {"intact": True, "chains": {chain: True}, "events_checked": 4, "anchored": 1}
    assert (check.chain, check.seq, check.actor_kind, check.actor_label) == (
        chain, 5, ActorKind.SYSTEM, "nightly chain check")
    assert check.data == {"intact": True, "events_checked": 4, "last_seq": 4, "problem_count": 0,
                          "first_break": None}


def test_nightly_check_logs_an_error_and_records_a_broken_chain(events, caplog):
    tamper.change_action(event_id=events[0].pk, action="patients.nothing_seen")

    with caplog.at_level(logging.INFO, logger="clinic.audit.tasks"):
        outcome = verify_audit_chains.call()

    check = AuditEvent.objects.get(action="audit.chain_verified")
    assert outcome["intact"] is False
    assert check.data["first_break"] == {
        "seq": 1, "event_id": events[0].pk,
        "reason": "its contents do not match its hash (a field or a patient link was changed)"}
    assert [record.levelname for record in caplog.records] == ["ERROR"]
    assert "BROKEN at seq 1" in caplog.records[0].getMessage()

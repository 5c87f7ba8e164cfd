"""The worker's nightly chain check logs and records what it found, anchors each intact head in the
log and the anchor file, and mails the medical directors when a chain is broken."""

import copy
import io
import logging
import logging.config
import stat

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.db import connection

from clinic.accounts.models import Role
from clinic.accounts.tests.factories import StaffUserFactory
from clinic.audit import anchors as anchor_lines
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
    assert [record.levelname for record in caplog.records if record.name == "clinic.audit.tasks"] == ["ERROR"]
    assert "BROKEN at seq 1" in caplog.records[0].getMessage()


def test_nightly_check_anchors_each_intact_head_in_an_owner_only_anchor_file(events, nurse, anchor_file, key):
    verify_audit_chains.call()

    [anchor] = anchor_lines.read(anchor_file, key=key)
    assert (anchor.kind, anchor.chain, anchor.seq, anchor.hash, anchor.key_id) == (
        "nightly", chain_for(nurse.organisation_id), 4, events[-1].hash, key.fingerprint)
    assert stat.S_IMODE(anchor_file.stat().st_mode) == 0o600


@pytest.fixture
def console():
    """The project's logging settings as they are by default (LOG_LEVEL unset: the root at WARNING),
    with the console handler writing into a buffer; the test run's own logging comes back after."""
    root, anchor = logging.getLogger(), logging.getLogger("clinic.audit.anchor")
    saved = [(logger, logger.handlers[:], logger.level, logger.propagate) for logger in (root, anchor)]
    config = copy.deepcopy(django_settings.LOGGING)
    config["root"]["level"] = "WARNING"  # the default, whatever LOG_LEVEL this test run was given
    logging.config.dictConfig(config)
    buffer = io.StringIO()
    [handler] = root.handlers
    handler.setStream(buffer)
    yield buffer
    for logger, handlers, level, propagate in saved:
        logger.handlers[:] = handlers
        logger.setLevel(level)
        logger.propagate = propagate


def test_the_anchor_line_reaches_the_console_under_the_default_logging_settings(events, nurse, console, key):
    verify_audit_chains.call()

    lines = console.getvalue().splitlines()
    [anchor_line] = [line for line in lines if " INFO clinic.audit.anchor audit-anchor {" in line]
    anchor = anchor_lines.parse(anchor_line, key=key, source="the console")
    assert (anchor.chain, anchor.seq, anchor.hash) == (chain_for(nurse.organisation_id), 4, events[-1].hash)
    # The same run's INFO line of the task's own logger is dropped, as the default level says.
    assert [line for line in lines if "clinic.audit.tasks" in line] == []


@pytest.fixture
def directors(director, organisation):
    """The director of the nurse's organisation, one who left, one elsewhere, and a nurse."""
    StaffUserFactory(username="former.director", role=Role.DIRECTOR, organisation=organisation, is_active=False)
    StaffUserFactory(username="elsewhere.director", role=Role.DIRECTOR)
    StaffUserFactory(username="charge.nurse", role=Role.NURSE, organisation=organisation)
    return [director]


def test_a_broken_chain_is_mailed_to_each_active_medical_director_of_its_organisation(events, directors):
    tamper.change_action(event_id=events[1].pk, action="patients.nothing_seen")

    verify_audit_chains.call()

    assert [message.to for message in mail.outbox] == [["director@clinic.test"]]
    [message] = mail.outbox
    assert message.subject == f"Audit trail: chain {events[1].chain} is broken"
    assert f"broken at seq 2 (event id {events[1].pk}):\n\nits contents do not match its hash" in message.body
    assert "do not restore or repair anything yet" in message.body


def test_an_intact_chain_mails_nobody(events, directors):
    verify_audit_chains.call()

    assert mail.outbox == []


def test_the_nightly_check_finds_a_head_wound_back_since_its_last_anchor(events, directors, caplog):
    verify_audit_chains.call()
    chain = events[0].chain
    with tamper.triggers_dropped(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE chain = %s AND seq > 2", [chain])
        cursor.execute("UPDATE audit_auditchainhead SET seq = 2, last_hash = %s WHERE chain = %s",
                       [events[1].hash, chain])

    outcome = verify_audit_chains.call()

    assert outcome["intact"] is False
    [message] = mail.outbox
    assert "rows after seq 2 were removed and the head wound back: the nightly anchor of " in message.body
    assert "names seq 4" in message.body
    assert any("BROKEN at seq 3" in record.getMessage() for record in caplog.records if record.levelname == "ERROR")


def test_an_edited_anchor_file_is_an_alarm_to_every_director_and_the_chains_are_still_checked(
        events, directors, anchor_file, caplog):
    verify_audit_chains.call()
    anchor_file.write_text(anchor_file.read_text().replace('"seq":4', '"seq":3'))

    outcome = verify_audit_chains.call()

    # The anchor file is the installation's, so every organisation's directors hear of it.
    assert outcome == {**outcome, "intact": True, "anchored": 1}
    assert [message.to for message in mail.outbox] == [["director@clinic.test"], ["elsewhere.director@clinic.test"]]
    assert {message.subject for message in mail.outbox} == {"Audit trail: the anchor file is not as written"}
    assert f"{anchor_file} line 1 does not match its signature: it was edited" in mail.outbox[0].body
    assert any("Audit anchor file refused" in record.getMessage() for record in caplog.records)

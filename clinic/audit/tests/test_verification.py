"""verify_chain recomputes every signed hash and notices a row changed, forged or removed behind the
app's back (the acceptance's tampering, end to end, is in test_tamper.py)."""

import datetime as dt

import pytest

from clinic.audit import verification
from clinic.audit.chain import SIGNED_FIELDS, chain_for
from clinic.audit.context import RequestContext, current_request
from clinic.audit.models import AuditChainHead, AuditEvent
from clinic.audit.tests import tamper
from clinic.audit.tests.factories import AuditEventFactory
from clinic.patients.tests.factories import PatientFactory


@pytest.fixture
def patients(main_site):
    return PatientFactory.create_batch(2, site=main_site)


@pytest.fixture
def events(nurse, patients, now):
    """Five events in the nurse's organisation's chain, each naming both patients."""
    return [
        AuditEventFactory(actor=nurse, now=now + dt.timedelta(minutes=minute), patients=patients)
        for minute in range(5)
    ]


@pytest.fixture
def chain(nurse):
    return chain_for(nurse.organisation_id)


def test_intact_chain_verifies_with_every_row_checked(events, chain, key):
    report = verification.verify_chain(chain, key=key)

    assert (report.intact, report.events_checked, report.last_seq, report.head_seq) == (True, 5, 5, 5)
    assert report.head_hash == events[-1].hash


def test_detects_a_field_changed_behind_the_applications_back(events, chain, key):
    tamper.change_action(event_id=events[2].pk, action="patients.nothing_seen")

    report = verification.verify_chain(chain, key=key)

    assert (report.first_break.seq, report.first_break.event_id) == (3, events[2].pk)
    assert "do not match its hash" in report.first_break.reason
    assert report.problem_count == 1


def test_detects_a_deleted_row(events, chain, key):
    tamper.delete_event(event_id=events[1].pk)

    report = verification.verify_chain(chain, key=key)

    assert (report.first_break.seq, report.first_break.event_id) == (3, events[2].pk)
    assert report.first_break.reason == "seq 2 missing before this row (rows were removed)"


def test_detects_a_deleted_first_row(events, chain, key):
    tamper.delete_event(event_id=events[0].pk)

    report = verification.verify_chain(chain, key=key)

    assert report.first_break.seq == 2
    assert report.first_break.reason.startswith("seq 1 missing")


def test_detects_a_removed_patient_link(events, patients, chain, key):
    tamper.remove_patient_link(event_id=events[3].pk, patient_id=patients[1].pk)

    report = verification.verify_chain(chain, key=key)

    assert (report.first_break.seq, report.first_break.event_id) == (4, events[3].pk)
    assert "patient link" in report.first_break.reason


def test_detects_a_patient_link_added_behind_the_applications_back(events, chain, main_site, key):
    stranger = PatientFactory(site=main_site)
    tamper.run_sql("INSERT INTO audit_auditeventpatient (event_id, patient_id) VALUES (%s, %s)",
                   [events[0].pk, stranger.pk])

    report = verification.verify_chain(chain, key=key)

    assert (report.first_break.seq, report.problem_count) == (1, 1)


def test_detects_a_truncated_tail(events, chain, key):
    tamper.delete_event(event_id=events[4].pk)
    tamper.delete_event(event_id=events[3].pk)

    report = verification.verify_chain(chain, key=key)

    assert (report.last_seq, report.head_seq) == (3, 5)
    assert (report.first_break.seq, report.first_break.event_id) == (4, None)
    assert report.first_break.reason.startswith("seq 4–5 missing: the head says the chain ends at seq 5")


def test_detects_a_last_row_rewritten_with_a_fresh_hash_made_without_the_key(events, chain, key):
    last = AuditEvent.objects.values(*SIGNED_FIELDS, "prev_hash").get(pk=events[4].pk)
    forged = tamper.forged_hash({**last, "action": "accounts.logout"}, key=None)
    tamper.run_sql("UPDATE audit_auditevent SET action = %s, hash = %s WHERE id = %s",
                   ["accounts.logout", forged, events[4].pk])
    tamper.run_sql("DELETE FROM audit_auditeventpatient WHERE event_id = %s", [events[4].pk])

    report = verification.verify_chain(chain, key=key)

    assert (report.first_break.seq, report.first_break.event_id) == (5, events[4].pk)
    assert "do not match its hash" in report.first_break.reason


def test_detects_a_deleted_head_row(events, chain, key):
    tamper.run_sql("DELETE FROM audit_auditchainhead WHERE chain = %s", [chain])

    report = verification.verify_chain(chain, key=key)

    assert chain in verification.chains()
    assert "no head row" in report.first_break.reason


def test_rows_appended_after_the_head_was_read_wait_for_the_next_check(events, chain, monkeypatch, key):
    read_before_the_last_two = AuditChainHead(chain=chain, seq=3, last_hash=events[2].hash)
    heads = iter([read_before_the_last_two])
    real_head = verification._head
    monkeypatch.setattr(verification, "_head", lambda name: next(heads, None) or real_head(name))

    report = verification.verify_chain(chain, key=key)

    assert (report.intact, report.events_checked, report.head_seq) == (True, 3, 3)


def test_detects_a_head_moved_back_over_rows_left_in_place(events, chain, key):
    tamper.set_head(chain=chain, seq=3, last_hash=events[2].hash)

    report = verification.verify_chain(chain, key=key)

    assert (report.events_checked, report.first_break.seq, report.first_break.event_id) == (3, 4, None)
    assert report.first_break.reason == ("seq 4–5 lie beyond the head, which says the chain ends at seq 3: "
                                         "the head was moved back")


def test_each_organisation_chain_is_verified_on_its_own(events, chain, nurse, now, key):
    from clinic.accounts.tests.factories import StaffUserFactory

    elsewhere = StaffUserFactory(username="elsewhere")
    AuditEventFactory(actor=elsewhere, now=now)
    tamper.change_action(event_id=events[0].pk, action="patients.nothing_seen")

    reports = {report.chain: report for report in verification.verify_all_chains(key=key)}

    assert reports[chain_for(elsewhere.organisation_id)].intact
    assert reports[chain].first_break.seq == 1


def test_row_with_an_ipv6_address_and_number_keys_in_its_data_verifies(nurse, now, chain, key):
    token = current_request.set(RequestContext(request_id="r1", ip="2001:DB8::A"))
    try:
        event = AuditEventFactory(actor=nurse, now=now, data={"by_chair": {10: 1, 9: 2}, "pair": (1, 2)})
    finally:
        current_request.reset(token)

    event.refresh_from_db()

    assert (event.ip, event.data) == ("2001:db8::a", {"by_chair": {"10": 1, "9": 2}, "pair": [1, 2]})
    assert verification.verify_chain(chain, key=key).intact


def test_verification_reads_rows_and_patient_links_a_chunk_at_a_time(
    nurse, patients, now, chain, django_assert_max_num_queries
, key):
    for minute in range(35):
        AuditEventFactory(actor=nurse, now=now + dt.timedelta(minutes=minute), patients=patients)

    # head, then 4 chunks of rows with their links, the empty read that ends the walk, then the
    # newest seq and the head again
    with django_assert_max_num_queries(1 + 4 * 2 + 1 + 2):
        report = verification.verify_chain(chain, key=key, chunk_rows=10)

    assert (report.intact, report.events_checked) == (True, 35)

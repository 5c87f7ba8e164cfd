"""verify_chain recomputes every hash and notices a row changed or removed behind the app's back."""

import datetime as dt

import pytest

from clinic.audit import verification
from clinic.audit.chain import HASHED_FIELDS, chain_for, event_hash
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


def test_intact_chain_verifies_with_every_row_checked(events, chain):
    report = verification.verify_chain(chain)

    assert (report.intact, report.events_checked, report.last_seq, report.head_seq) == (True, 5, 5, 5)
    assert report.head_hash == events[-1].hash


def test_detects_a_field_changed_behind_the_applications_back(events, chain):
    tamper.change_action(event_id=events[2].pk, action="patients.nothing_seen")

    report = verification.verify_chain(chain)

    assert (report.first_break.seq, report.first_break.event_id) == (3, events[2].pk)
    assert "do not match its hash" in report.first_break.reason
    assert report.problem_count == 1


def test_detects_a_deleted_row(events, chain):
    tamper.delete_event(event_id=events[1].pk)

    report = verification.verify_chain(chain)

    assert (report.first_break.seq, report.first_break.event_id) == (3, events[2].pk)
    assert report.first_break.reason == "seq 2 missing before this row (rows were removed)"


def test_detects_a_deleted_first_row(events, chain):
    tamper.delete_event(event_id=events[0].pk)

    report = verification.verify_chain(chain)

    assert report.first_break.seq == 2
    assert report.first_break.reason.startswith("seq 1 missing")


def test_detects_a_removed_patient_link(events, patients, chain):
    tamper.remove_patient_link(event_id=events[3].pk, patient_id=patients[1].pk)

    report = verification.verify_chain(chain)

    assert (report.first_break.seq, report.first_break.event_id) == (4, events[3].pk)
    assert "patient link" in report.first_break.reason


def test_detects_a_patient_link_added_behind_the_applications_back(events, chain, main_site):
    stranger = PatientFactory(site=main_site)
    tamper.run_sql("INSERT INTO audit_auditeventpatient (event_id, patient_id) VALUES (%s, %s)",
                   [events[0].pk, stranger.pk])

    report = verification.verify_chain(chain)

    assert (report.first_break.seq, report.problem_count) == (1, 1)


def test_detects_a_truncated_tail(events, chain):
    tamper.delete_event(event_id=events[4].pk)
    tamper.delete_event(event_id=events[3].pk)

    report = verification.verify_chain(chain)

    assert (report.last_seq, report.head_seq) == (3, 5)
    assert (report.first_break.seq, report.first_break.event_id) == (4, None)
    assert report.first_break.reason.startswith("seq 4–5 missing: the head says the chain ends at seq 5")


def test_detects_a_last_row_rewritten_with_a_fresh_hash(events, chain):
    last = AuditEvent.objects.values(*HASHED_FIELDS).get(pk=events[4].pk)
    forged = event_hash(prev_hash=events[4].prev_hash, fields={**last, "action": "accounts.logout"},
                        patient_ids=[])
    tamper.run_sql("UPDATE audit_auditevent SET action = %s, hash = %s WHERE id = %s",
                   ["accounts.logout", forged, events[4].pk])
    tamper.run_sql("DELETE FROM audit_auditeventpatient WHERE event_id = %s", [events[4].pk])

    report = verification.verify_chain(chain)

    assert report.first_break.seq == 5
    assert "head's hash differs" in report.first_break.reason


def test_detects_a_deleted_head_row(events, chain):
    AuditChainHead.objects.filter(chain=chain).delete()

    report = verification.verify_chain(chain)

    assert chain in verification.chains()
    assert "no head row" in report.first_break.reason


def test_rows_appended_after_the_head_was_read_wait_for_the_next_check(events, chain, nurse, now):
    AuditChainHead.objects.filter(chain=chain).update(seq=3, last_hash=events[2].hash)

    report = verification.verify_chain(chain)

    assert (report.intact, report.events_checked) == (True, 3)


def test_each_organisation_chain_is_verified_on_its_own(events, chain, nurse, now):
    from clinic.accounts.tests.factories import StaffUserFactory

    elsewhere = StaffUserFactory(username="elsewhere")
    AuditEventFactory(actor=elsewhere, now=now)
    tamper.change_action(event_id=events[0].pk, action="patients.nothing_seen")

    reports = {report.chain: report for report in verification.verify_all_chains()}

    assert reports[chain_for(elsewhere.organisation_id)].intact
    assert reports[chain].first_break.seq == 1


def test_row_with_an_ipv6_address_and_number_keys_in_its_data_verifies(nurse, now, chain):
    token = current_request.set(RequestContext(request_id="r1", ip="2001:DB8::A"))
    try:
        event = AuditEventFactory(actor=nurse, now=now, data={"by_chair": {10: 1, 9: 2}, "pair": (1, 2)})
    finally:
        current_request.reset(token)

    event.refresh_from_db()

    assert (event.ip, event.data) == ("2001:db8::a", {"by_chair": {"10": 1, "9": 2}, "pair": [1, 2]})
    assert verification.verify_chain(chain).intact


def test_verification_reads_rows_and_patient_links_a_chunk_at_a_time(
    nurse, patients, now, chain, django_assert_max_num_queries
):
    for minute in range(35):
        AuditEventFactory(actor=nurse, now=now + dt.timedelta(minutes=minute), patients=patients)

    # head, then 4 chunks of rows with their links, then the empty read that ends the walk
    with django_assert_max_num_queries(1 + 4 * 2 + 1):
        report = verification.verify_chain(chain, chunk_rows=10)

    assert (report.intact, report.events_checked) == (True, 35)

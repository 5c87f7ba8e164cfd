"""Consent documents, recording consent and withdrawing it."""

import datetime as dt

import pytest

from clinic.audit.models import AuditEvent
from clinic.consents import actions, queries
from clinic.consents.models import Consent, ConsentDocument, Method
from clinic.consents.signals import consent_withdrawn
from clinic.consents.tests.factories import SIGNATURE, signed_consent
from clinic.protocols.actions import change_section
from clinic.protocols.queries import current_protocol
from clinic.rules import consent as consent_text
from clinic.rules import protocols as catalogue


def _change_driving(director, now, text="No driving for 48 hours after each infusion."):
    return change_section(actor=director, now=now, site=director.sites.first(), section="visits",
                          values={"no_driving_text": text}, reason="Stricter local rule")


def test_document_is_built_from_the_current_protocol(main_site, now):
    document = actions.current_document(site=main_site, now=now)

    protocol = current_protocol(site=main_site, now=now)
    assert (document.version, document.protocol, document.rules_version) == (1, protocol, catalogue.RULES_VERSION)
    assert document.text == consent_text.document(protocol.objects_by_section)
    assert document.content_hash == consent_text.content_hash(document.text)


def test_document_version_stays_when_the_protocol_changes_without_changing_the_text(main_site, director, now):
    first = actions.current_document(site=main_site, now=now)
    change_section(actor=director, now=now, site=main_site, section="maintenance",
                   values={"window_tolerance_days": 4}, reason="Review")

    again = actions.current_document(site=main_site, now=now + dt.timedelta(hours=1))

    assert again == first
    assert ConsentDocument.objects.count() == 1


def test_document_version_bumps_when_the_text_changes(main_site, director, now):
    first = actions.current_document(site=main_site, now=now)
    protocol = _change_driving(director, now)

    second = actions.current_document(site=main_site, now=now + dt.timedelta(hours=1))

    assert (first.version, second.version, second.protocol) == (1, 2, protocol)
    assert second.text[5].paragraphs[0].text == "No driving for 48 hours after each infusion."


def test_records_a_consent_signed_on_screen_with_the_protocol_and_rules_versions(patient, nurse, now):
    consent = signed_consent(patient=patient, actor=nurse, now=now, signed_name="  ana   MULLER-ortiz ")

    assert (consent.document.version, consent.protocol.version, consent.rules_version) == (
        1, 1, catalogue.RULES_VERSION)
    assert (consent.method, consent.signed_name, consent.signature_strokes) == (
        Method.SIGNED_ON_SCREEN, "ana MULLER-ortiz", SIGNATURE)
    assert (consent.counselled_by, consent.signed_at) == (nurse, now)
    event = AuditEvent.objects.get(action="consents.recorded")
    assert (event.actor, event.occurred_at, event.data["document_version"], event.data["protocol_version"]) == (
        nurse, now, 1, 1)
    assert list(event.patient_links.values_list("patient_id", flat=True)) == [patient.pk]


def test_refuses_a_consent_signed_on_an_outdated_document(patient, nurse, director, now):
    actions.current_document(site=patient.site, now=now)
    _change_driving(director, now)

    with pytest.raises(actions.ConsentDocumentOutdated) as refused:
        signed_consent(patient=patient, actor=nurse, now=now, document_version=1)

    assert refused.value.code == "CONSENT_DOCUMENT_OUTDATED"
    assert "current consent document is version 2" in refused.value.message
    assert not Consent.objects.exists()


def test_refuses_a_typed_name_that_is_not_the_patient_s(patient, nurse, now):
    with pytest.raises(actions.ConsentRefused) as refused:
        signed_consent(patient=patient, actor=nurse, now=now, signed_name="Ana Smith")

    assert refused.value.field == "signed_name"
    assert not Consent.objects.exists()


def test_typed_name_alone_is_enough_when_the_pad_was_not_used(patient, nurse, now):
    consent = signed_consent(patient=patient, actor=nurse, now=now, signature_strokes=[])

    assert consent.signature_strokes == []


@pytest.mark.parametrize("strokes", [[[[700, 10]]], [[["x", 1]]], [[[1, 2, 3]]]])
def test_refuses_a_drawn_signature_outside_the_pad_or_unreadable(patient, nurse, now, strokes):
    with pytest.raises(actions.ConsentRefused) as refused:
        signed_consent(patient=patient, actor=nurse, now=now, signature_strokes=strokes)

    assert refused.value.field == "signature"


def test_refuses_counselling_in_the_future_or_without_a_note(patient, nurse, now):
    with pytest.raises(actions.ConsentRefused) as future:
        signed_consent(patient=patient, actor=nurse, now=now, counselled_at=now + dt.timedelta(minutes=1))
    with pytest.raises(actions.ConsentRefused) as blank:
        signed_consent(patient=patient, actor=nurse, now=now, counselling_note="   ")

    assert (future.value.field, blank.value.field) == ("counselled_at", "counselling_note")


def test_refuses_front_desk(patient, front_desk, now):
    with pytest.raises(actions.NotClinicalStaff):
        signed_consent(patient=patient, actor=front_desk, now=now)


def test_refuses_a_second_consent_on_the_same_document(patient, nurse, now):
    signed_consent(patient=patient, actor=nurse, now=now)

    with pytest.raises(actions.ConsentAlreadyCurrent):
        signed_consent(patient=patient, actor=nurse, now=now + dt.timedelta(minutes=5))

    assert Consent.objects.count() == 1


def test_refuses_a_paper_consent_without_its_scan(patient, nurse, now):
    with pytest.raises(actions.ConsentRefused) as refused:
        signed_consent(patient=patient, actor=nurse, now=now, method=Method.PAPER_SCAN)

    assert refused.value.field == "scan"


def test_state_moves_from_none_to_current_to_outdated_and_withdrawn(patient, nurse, director, now):
    assert queries.consent_state(patient=patient, now=now).code == "NONE"
    consent = signed_consent(patient=patient, actor=nurse, now=now)
    current = queries.consent_state(patient=patient, now=now)
    _change_driving(director, now)
    outdated = queries.consent_state(patient=patient, now=now)
    actions.withdraw_consent(actor=nurse, now=now, consent=consent, reason="Does not want more infusions")
    withdrawn = queries.consent_state(patient=patient, now=now)

    assert (current.current, current.code, current.consent) == (True, "CURRENT", consent)
    assert (outdated.current, outdated.code) == (False, "OUTDATED")
    assert "record their consent again" in outdated.message
    assert (withdrawn.current, withdrawn.code) == (False, "WITHDRAWN")


def test_consenting_again_on_the_new_version_makes_it_current(patient, nurse, director, now):
    signed_consent(patient=patient, actor=nurse, now=now)
    _change_driving(director, now)

    again = signed_consent(patient=patient, actor=nurse, now=now + dt.timedelta(hours=1))

    assert again.document.version == 2
    assert queries.consent_state(patient=patient, now=now).code == "CURRENT"


def test_withdrawal_is_recorded_and_sends_the_signal_in_its_transaction(patient, nurse, now):
    consent = signed_consent(patient=patient, actor=nurse, now=now)
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    consent_withdrawn.connect(receiver)
    try:
        actions.withdraw_consent(actor=nurse, now=now, consent=consent, reason="  Moving   away ")
    finally:
        consent_withdrawn.disconnect(receiver)

    consent.refresh_from_db()
    assert (consent.withdrawn_at, consent.withdrawn_by, consent.withdrawal_reason) == (now, nurse, "Moving away")
    assert [(item["patient"], item["consent"], item["actor"], item["now"]) for item in received] == [
        (patient, consent, nurse, now)]
    assert AuditEvent.objects.filter(action="consents.withdrawn", actor=nurse).count() == 1


def test_a_receiver_that_fails_rolls_the_withdrawal_back(patient, nurse, now):
    consent = signed_consent(patient=patient, actor=nurse, now=now)

    def failing(sender, **kwargs):
        raise RuntimeError("course could not stop")

    consent_withdrawn.connect(failing)
    try:
        with pytest.raises(RuntimeError):
            actions.withdraw_consent(actor=nurse, now=now, consent=consent, reason="Stop")
    finally:
        consent_withdrawn.disconnect(failing)

    consent.refresh_from_db()
    assert consent.withdrawn_at is None


def test_refuses_a_second_withdrawal_and_a_blank_reason(patient, nurse, now):
    consent = signed_consent(patient=patient, actor=nurse, now=now)
    with pytest.raises(actions.ConsentRefused):
        actions.withdraw_consent(actor=nurse, now=now, consent=consent, reason=" ")
    actions.withdraw_consent(actor=nurse, now=now, consent=consent, reason="Stop")

    with pytest.raises(actions.ConsentAlreadyWithdrawn):
        actions.withdraw_consent(actor=nurse, now=now, consent=consent, reason="Again")


def test_only_the_consent_in_force_may_be_withdrawn(patient, nurse, director, now):
    first = signed_consent(patient=patient, actor=nurse, now=now)
    _change_driving(director, now)
    later = now + dt.timedelta(hours=1)
    second = signed_consent(patient=patient, actor=nurse, now=later)
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    consent_withdrawn.connect(receiver)
    try:
        with pytest.raises(actions.ConsentSuperseded) as refused:
            actions.withdraw_consent(actor=nurse, now=later, consent=first, reason="Wants to stop")
    finally:
        consent_withdrawn.disconnect(receiver)

    assert refused.value.code == "CONSENT_SUPERSEDED"
    assert refused.value.message == (
        "This consent on document version 1 was replaced by the patient's later consent on document version 2; "
        "only the consent in force can be withdrawn. Record the withdrawal on that one.")
    first.refresh_from_db()
    assert (first.withdrawn_at, received) == (None, [])
    assert not AuditEvent.objects.filter(action="consents.withdrawn").exists()
    assert queries.consent_state(patient=patient, now=later).consent == second


def test_protocol_change_leaves_an_earlier_consent_showing_the_same_text(patient, nurse, director, now):
    consent = signed_consent(patient=patient, actor=nurse, now=now)
    signed_text = consent.document.text

    _change_driving(director, now, text="Never drive again.")
    actions.current_document(site=patient.site, now=now)

    consent = Consent.objects.get(pk=consent.pk)
    assert consent.document.text == signed_text
    assert "Never drive again." not in str(consent.document.sections)
    assert consent.protocol.version == 1

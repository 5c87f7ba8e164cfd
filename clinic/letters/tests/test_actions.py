"""Writing the letters of a decision, emailing and printing them, each audited."""

import io

import pypdf
import pytest
from django.core import mail
from django.db import transaction

from clinic.audit.models import AuditEvent
from clinic.letters import actions
from clinic.letters.content import LetterFacts, UnknownOutcome
from clinic.letters.models import Letter, LetterDispatch
from clinic.patients.models import Document, Patient


def pdf_text(document: Document) -> str:
    with document.file.open("rb") as stored:
        reader = pypdf.PdfReader(io.BytesIO(stored.read()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_a_decision_writes_a_letter_for_the_patient_and_one_for_the_referrer(produced, zoe, referrer, prescriber,
                                                                              now):
    patient_letter, referrer_letter = produced

    assert [(letter.recipient, letter.referrer, letter.no_referrer_copy) for letter in produced] == [
        ("patient", None, False), ("referrer", referrer, False)]
    assert [(letter.reason, letter.outcome, letter.source_label, letter.source_id) for letter in produced] == [
        ("eligibility_outcome", "eligible_with_conditions", "patients.Patient", str(zoe.pk))] * 2
    assert (referrer_letter.signed_by, referrer_letter.signed_at, referrer_letter.created_by) == (
        prescriber, now, prescriber)
    assert "Dear Zoë Ñúñez-Øster, Decision Maya Okafor, MD has reviewed your assessment" in pdf_text(
        patient_letter.document)
    assert "Re: Zoë Ñúñez-Øster, born 9 Apr 1980" in pdf_text(referrer_letter.document)
    assert "CA_SUD_HISTORY — alcohol use disorder in remission since 2019" in pdf_text(referrer_letter.document)


def test_each_letter_is_kept_among_the_charts_documents(produced, zoe, prescriber, now):
    documents = list(Document.objects.filter(patient=zoe).order_by("pk"))

    assert [(document.kind, document.title, document.content_type, document.document_date.isoformat())
            for document in documents] == [
        ("letter", "Eligibility decision: letter to the patient", "application/pdf", "2026-11-24"),
        ("letter", "Eligibility decision: letter to Dr Łukasz Dvořák", "application/pdf", "2026-11-24")]
    assert [document.original_name for document in documents] == [
        "letter-eligibility-outcome-patient-2026-11-24.pdf", "letter-eligibility-outcome-referrer-2026-11-24.pdf"]
    assert [(document.uploaded_by, document.uploaded_at) for document in documents] == [(prescriber, now)] * 2
    assert documents[0].size_bytes == documents[0].file.size > 1000


class DecisionFailed(Exception):
    pass


def files_under(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()]


def test_a_decision_rolled_back_after_its_letters_leaves_no_file_and_no_document(
        zoe, prescriber, decision, now, tmp_path, django_capture_on_commit_callbacks):
    with (django_capture_on_commit_callbacks(execute=True) as written, pytest.raises(DecisionFailed),
          transaction.atomic()):
        actions.produce_letters(actor=prescriber, now=now, patient=zoe, reason="eligibility_outcome",
                                facts=decision, source=zoe)
        raise DecisionFailed

    assert written == []
    assert files_under(tmp_path) == []
    assert not Document.objects.filter(patient=zoe).exists() and not Letter.objects.exists()


def test_a_committed_decision_leaves_its_letters_files_readable(
        zoe, prescriber, decision, now, tmp_path, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as written, transaction.atomic():
        letters = actions.produce_letters(actor=prescriber, now=now, patient=zoe, reason="eligibility_outcome",
                                          facts=decision, source=zoe)

    assert files_under(tmp_path) == []
    for callback in written:
        callback()
    documents = [Letter.objects.select_related("document").get(pk=letter.pk).document for letter in letters]
    assert sorted(files_under(tmp_path)) == sorted(tmp_path / document.file.name for document in documents)
    assert "Your assessment for treatment" in pdf_text(documents[0])
    assert "Dear Dr Łukasz Dvořák," in pdf_text(documents[1])
    assert [document.size_bytes for document in documents] == [document.file.size for document in documents]


def test_each_letter_written_is_audited_naming_the_patient(produced, zoe, prescriber, now):
    events = list(AuditEvent.objects.filter(action="letters.produced").order_by("seq"))

    assert [(event.actor, event.occurred_at, event.object_id, event.data["recipient"]) for event in events] == [
        (prescriber, now, str(produced[0].pk), "patient"), (prescriber, now, str(produced[1].pk), "referrer")]
    assert [[link.patient_id for link in event.patient_links.all()] for event in events] == [[zoe.pk]] * 2


def test_a_patient_without_a_referrer_gets_their_letter_alone_marked_so(zoe, prescriber, decision, now):
    Patient.objects.filter(pk=zoe.pk).update(referring_clinician=None, referral_source="self")

    letters = actions.produce_letters(actor=prescriber, now=now, patient=zoe, reason="eligibility_outcome",
                                      facts=decision, source=zoe)

    assert [(letter.recipient, letter.no_referrer_copy) for letter in letters] == [("patient", True)]
    assert Letter.objects.count() == Document.objects.count() == 1


def test_an_unknown_reason_or_outcome_writes_nothing(zoe, prescriber, decision, now):
    with pytest.raises(actions.UnknownReason) as unknown_reason:
        actions.produce_letters(actor=prescriber, now=now, patient=zoe, reason="dose_changed", facts=decision,
                                source=zoe)
    guess = LetterFacts(outcome="probably", summary="", signed_by=prescriber, signed_at=now)
    with pytest.raises(UnknownOutcome):
        actions.produce_letters(actor=prescriber, now=now, patient=zoe, reason="eligibility_outcome", facts=guess,
                                source=zoe)

    assert unknown_reason.value.code == "LETTER_REASON_UNKNOWN"
    assert (Letter.objects.count(), Document.objects.count(), AuditEvent.objects.count()) == (0, 0, 0)


def test_sending_emails_the_pdf_to_the_patient_naming_neither_drug_nor_diagnosis(produced, nurse, now):
    patient_letter = produced[0]

    actions.send_letter(actor=nurse, now=now, letter=patient_letter)

    [message] = mail.outbox
    assert (message.to, message.subject) == (["zoe@example.org"], "A letter from Harbor Clinic, Main")
    assert message.body.startswith("Dear Zoë Ñúñez-Øster,\n\nPlease find attached a letter from Harbor Clinic, Main.")
    [(filename, attached, content_type)] = message.attachments
    assert (filename, content_type) == ("letter-24-Nov-2026.pdf", "application/pdf")
    assert "Your assessment for treatment" in " ".join(pypdf.PdfReader(io.BytesIO(attached)).pages[0]
                                                         .extract_text().split())
    for word in ("ketamine", "infusion", "depress", "eligib", "anxiety", "ptsd", "treatment", "Ñúñez"):
        assert word.lower() not in (message.subject + message.body).lower().replace("zoë ñúñez-øster", "")


def test_the_referrers_email_does_not_name_the_patient(produced, nurse, now):
    actions.send_letter(actor=nurse, now=now, letter=produced[1])

    [message] = mail.outbox
    assert message.to == ["dvorak@riverside.example"]
    assert "Dear Dr Łukasz Dvořák,\n\nPlease find attached a letter from Harbor Clinic, Main about a patient you " \
           "referred to us." in message.body
    assert ("Zoë" in message.body, "Ñúñez" in message.body, "ketamine" in message.body.lower()) == (False,) * 3


def test_each_sending_is_recorded_and_audited_and_may_be_repeated(produced, nurse, prescriber, now):
    later = now.replace(hour=11)

    actions.send_letter(actor=nurse, now=now, letter=produced[0])
    actions.send_letter(actor=prescriber, now=later, letter=produced[0])

    assert [(dispatch.delivery, dispatch.address, dispatch.by, dispatch.at)
            for dispatch in LetterDispatch.objects.order_by("at")] == [
        ("email", "zoe@example.org", nurse, now), ("email", "zoe@example.org", prescriber, later)]
    events = AuditEvent.objects.filter(action="letters.sent").order_by("seq")
    assert [(event.actor, event.object_id, event.data["recipient"]) for event in events] == [
        (nurse, str(produced[0].pk), "patient"), (prescriber, str(produced[0].pk), "patient")]
    assert len(mail.outbox) == 2


def test_sending_without_an_address_is_refused_and_nothing_recorded(produced, zoe, referrer, nurse, now):
    Patient.objects.filter(pk=zoe.pk).update(email="")
    referrer.email = ""
    referrer.save()

    with pytest.raises(actions.NoEmailAddress) as to_patient:
        actions.send_letter(actor=nurse, now=now, letter=produced[0])
    with pytest.raises(actions.NoEmailAddress) as to_referrer:
        actions.send_letter(actor=nurse, now=now, letter=produced[1])

    assert to_patient.value.code == "LETTER_NO_EMAIL_ADDRESS"
    assert to_patient.value.message.startswith("The patient has no email address on file.")
    assert to_referrer.value.message.startswith("Dr Łukasz Dvořák has no email address in the referrer directory.")
    assert (len(mail.outbox), LetterDispatch.objects.count(),
            AuditEvent.objects.filter(action="letters.sent").count()) == (0, 0, 0)


def test_a_mail_server_that_refuses_leaves_nothing_recorded(produced, nurse, now, settings):
    settings.EMAIL_BACKEND = "clinic.letters.tests.test_actions.RefusingBackend"

    with pytest.raises(actions.LetterNotSent) as refused:
        actions.send_letter(actor=nurse, now=now, letter=produced[0])

    assert refused.value.message.startswith("The letter could not be emailed (ConnectionRefusedError).")
    assert (LetterDispatch.objects.count(), AuditEvent.objects.filter(action="letters.sent").count()) == (0, 0)


class RefusingBackend:
    def __init__(self, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def test_printing_is_recorded_and_audited(produced, nurse, now):
    dispatch = actions.record_printed(actor=nurse, now=now, letter=produced[1])

    assert (dispatch.delivery, dispatch.address, dispatch.by, dispatch.at) == ("print", "", nurse, now)
    [event] = AuditEvent.objects.filter(action="letters.printed")
    assert (event.actor, event.object_id, event.data) == (
        nurse, str(produced[1].pk), {"dispatch_id": dispatch.pk, "recipient": "referrer"})

"""The Letters tab: each letter with its reason, addressee and sendings; printing and emailing from it;
clinical staff only, another site's letters not found."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from clinic.audit.models import AuditEvent
from clinic.letters.models import Delivery, Letter, LetterDispatch
from clinic.patients.models import Document, Patient
from clinic.patients.tests.factories import PatientFactory

# Sign-in, the patient, the letters, their sendings, the audit event's 4 and the patient banner's 15 or so.
LETTERS_TAB_QUERIES = 25


def tab_url(patient) -> str:
    return reverse("letters:tab", args=[patient.pk])


def test_the_tab_lists_each_letter_with_its_addressee_and_sendings(produced, zoe, signed_in, nurse, now):
    LetterDispatch.objects.create(letter=produced[1], delivery=Delivery.PRINT, by=nurse, at=now)

    response = signed_in(nurse).get(tab_url(zoe))

    page = response.content.decode()
    assert [letter.pk for letter in response.context["letters"]] == [produced[0].pk, produced[1].pk]
    assert page.count('data-testid="letter"') == 2
    assert "Eligibility decision <span class=\"muted\">· eligible with conditions</span>" in page
    assert "Patient: Zoë Ñúñez-Øster <span class=\"muted\">zoe@example.org</span>" in page
    assert "Referring clinician: Dr Łukasz Dvořák, MD — Riverside Family Practice" in page
    assert "Not sent or printed yet" in page
    assert "Printed, <time" in page
    assert 'aria-current="page">Letters</a>' in page
    [event] = AuditEvent.objects.filter(action="letters.tab_viewed")
    assert (event.actor, [link.patient_id for link in event.patient_links.all()]) == (nurse, [zoe.pk])


def test_the_tab_says_when_no_referrer_copy_was_written_and_when_there_is_no_address(
        zoe, prescriber, decision, now, signed_in, nurse):
    from clinic.letters.actions import produce_letters

    Patient.objects.filter(pk=zoe.pk).update(referring_clinician=None, email="")
    produce_letters(actor=prescriber, now=now, patient=zoe, reason="eligibility_outcome", facts=decision, source=zoe)

    page = signed_in(nurse).get(tab_url(zoe)).content.decode()

    assert "no referring clinician on record, so no copy was written for one" in page
    assert "No email address on file for Zoë Ñúñez-Øster: add one with Edit details" in page
    assert "Send by email" not in page


def test_print_opens_the_pdf_in_the_browser_and_records_it(produced, zoe, signed_in, nurse):
    response = signed_in(nurse).get(reverse("letters:print", args=[zoe.pk, produced[0].pk]))

    body = b"".join(response.streaming_content)
    assert (response["Content-Type"], response["Cache-Control"]) == ("application/pdf", "no-store")
    assert response["Content-Disposition"].startswith("inline;")
    assert body.startswith(b"%PDF")
    assert [(dispatch.delivery, dispatch.by) for dispatch in produced[0].dispatches.all()] == [("print", nurse)]


def test_send_emails_the_letter_and_says_so(produced, zoe, signed_in, nurse):
    client = signed_in(nurse)

    response = client.post(reverse("letters:send", args=[zoe.pk, produced[1].pk]), follow=True)

    page = response.content.decode()
    assert response.redirect_chain == [(f"{tab_url(zoe)}#letter-{produced[1].pk}", 302)]
    assert "Sent the letter to Dr Łukasz Dvořák, MD — Riverside Family Practice at dvorak@riverside.example." in page
    assert "Emailed to dvorak@riverside.example" in page
    assert "Send by email again" in page
    assert [message.to for message in mail.outbox] == [["dvorak@riverside.example"]]


def test_send_without_an_address_is_refused_with_what_to_do(produced, zoe, referrer, signed_in, nurse):
    referrer.email = ""
    referrer.save()

    response = signed_in(nurse).post(reverse("letters:send", args=[zoe.pk, produced[1].pk]), follow=True)

    assert ("Dr Łukasz Dvořák has no email address in the referrer directory. Add one there, or print the letter "
            "and post or fax it.") in response.content.decode()
    assert (len(mail.outbox), LetterDispatch.objects.count()) == (0, 0)


def test_send_answers_get_with_405(produced, zoe, signed_in, nurse):
    response = signed_in(nurse).get(reverse("letters:send", args=[zoe.pk, produced[0].pk]))

    assert response.status_code == 405
    assert mail.outbox == []


@pytest.mark.parametrize("url_name", ["letters:tab", "letters:print", "letters:send"])
def test_front_desk_is_refused(url_name, produced, zoe, signed_in, front_desk):
    arguments = [zoe.pk] if url_name == "letters:tab" else [zoe.pk, produced[0].pk]
    client = signed_in(front_desk)

    response = client.post(reverse(url_name, args=arguments)) if url_name == "letters:send" else client.get(
        reverse(url_name, args=arguments))

    assert response.status_code == 403
    assert (LetterDispatch.objects.count(), len(mail.outbox)) == (0, 0)


def test_a_letter_of_another_patient_is_not_found_through_this_patients_url(produced, zoe, main_site, signed_in,
                                                                            nurse):
    other = PatientFactory(site=main_site)

    response = signed_in(nurse).get(reverse("letters:print", args=[other.pk, produced[0].pk]))

    assert response.status_code == 404
    assert LetterDispatch.objects.count() == 0


def test_another_sites_nurse_finds_neither_tab_nor_letter(produced, zoe, signed_in, outsider):
    client = signed_in(outsider)

    responses = [client.get(tab_url(zoe)), client.get(reverse("letters:print", args=[zoe.pk, produced[0].pk])),
                 client.post(reverse("letters:send", args=[zoe.pk, produced[0].pk]))]

    assert [response.status_code for response in responses] == [404, 404, 404]
    assert (LetterDispatch.objects.count(), len(mail.outbox)) == (0, 0)


def test_the_charts_documents_list_the_letters(produced, zoe, signed_in, nurse):
    client = signed_in(nurse)

    chart = client.get(reverse("patients:chart", args=[zoe.pk])).content.decode()
    intake = client.get(reverse("patients:intake", args=[zoe.pk])).content.decode()
    download = client.get(reverse("patients:document", args=[zoe.pk, produced[0].document_id]))

    for page in (chart, intake):
        assert "Eligibility decision: letter to the patient</a> <span class=\"muted\">Letter from the clinic" in page
        assert "Eligibility decision: letter to Dr Łukasz Dvořák</a>" in page
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="patients.document_viewed").count() == 1


def test_the_tab_reads_in_the_same_queries_for_2_letters_or_200(produced, zoe, signed_in, nurse, now,
                                                                django_assert_max_num_queries):
    client = signed_in(nurse)
    client.get(tab_url(zoe))  # the first request creates the audit chain's head row
    with django_assert_max_num_queries(LETTERS_TAB_QUERIES) as two:
        client.get(tab_url(zoe))
    _many_letters(zoe, nurse=nurse, now=now, count=198)

    with django_assert_max_num_queries(LETTERS_TAB_QUERIES) as many:
        response = client.get(tab_url(zoe))

    assert len(two.captured_queries) == len(many.captured_queries)
    assert response.content.decode().count('data-testid="letter"') == 200


def _many_letters(patient, *, nurse, now, count):
    documents = Document.objects.bulk_create([
        Document(patient=patient, kind="letter", document_date=now.date(), title=f"Letter {number}",
                 original_name="letter.pdf", content_type="application/pdf", size_bytes=8,
                 storage_key=f"{number:032d}", file=f"patients/{patient.pk}/{number:032d}", uploaded_by=nurse,
                 uploaded_at=now) for number in range(count)])
    letters = Letter.objects.bulk_create([
        Letter(patient=patient, reason="course_stopped", recipient="patient", document=document,
               source_label="patients.Patient", source_id=str(patient.pk), outcome="stopped", signed_by=nurse,
               signed_at=now, created_by=nurse, created_at=now - dt.timedelta(days=1)) for document in documents])
    LetterDispatch.objects.bulk_create([
        LetterDispatch(letter=letter, delivery=Delivery.EMAIL, address="zoe@example.org", by=nurse, at=now)
        for letter in letters])

"""Writing letters, sending them by email and printing them.

Other apps call produce_letters when a prescriber signs a decision that ends or changes a course, in the
transaction of that decision: the letters commit or roll back with it, and their files are written once it
has committed.
"""

import datetime as dt
import functools
import logging
import secrets
import zoneinfo
from typing import Any

from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import models, transaction

from clinic.audit.actions import record_event
from clinic.letters import content, pdf
from clinic.letters.content import LetterFacts
from clinic.letters.models import Delivery, Letter, LetterDispatch, LetterReason, Recipient
from clinic.patients.models import Document, Patient
from clinic.patients.models.records import DocumentKind
from clinic.rules.errors import DomainError
from clinic.rules.typed_values import day_text

logger = logging.getLogger(__name__)


class UnknownReason(DomainError):
    code = "LETTER_REASON_UNKNOWN"


class NoEmailAddress(DomainError):
    code = "LETTER_NO_EMAIL_ADDRESS"


class LetterNotSent(DomainError):
    code = "LETTER_NOT_SENT"


@transaction.atomic
def produce_letters(*, actor: Any, now: dt.datetime, patient: Patient, reason: str, facts: LetterFacts,
                    source: models.Model) -> list[Letter]:
    """Write the letters for a decision: the patient's first, then the referring clinician's.

    A patient without a referring clinician gets their own letter alone, marked `no_referrer_copy`, so
    the caller can say that no referrer was written to. `source` is the decision or course change the
    letters come from, kept by its model label and id.
    """
    if reason not in LetterReason.values:
        raise UnknownReason(f"There is no letter for {reason!r}. Use one of {', '.join(LetterReason.values)}.",
                            field="reason")
    content.check_outcome(reason=reason, outcome=facts.outcome)
    patient = Patient.objects.select_related("site", "organisation", "referring_clinician").get(pk=patient.pk)
    referrer = patient.referring_clinician
    letters = [_write(actor=actor, now=now, patient=patient, reason=reason, facts=facts, source=source,
                      recipient=Recipient.PATIENT, referrer=None, no_referrer_copy=referrer is None)]
    if referrer is not None:
        letters.append(_write(actor=actor, now=now, patient=patient, reason=reason, facts=facts, source=source,
                              recipient=Recipient.REFERRER, referrer=referrer, no_referrer_copy=False))
    return letters


def _write(*, actor: Any, now: dt.datetime, patient: Patient, reason: str, facts: LetterFacts,
           source: models.Model, recipient: str, referrer: Any, no_referrer_copy: bool) -> Letter:
    text = content.compose(reason=reason, recipient=recipient, facts=facts, patient=patient, referrer=referrer,
                           site=patient.site, organisation_name=patient.organisation.name, now=now)
    document = _store(actor=actor, now=now, patient=patient, reason=reason, recipient=recipient,
                      referrer=referrer, pdf_bytes=pdf.render(text))
    letter = Letter.objects.create(
        patient=patient, reason=reason, recipient=recipient, referrer=referrer, document=document,
        source_label=source._meta.label, source_id=str(source.pk), outcome=facts.outcome,
        no_referrer_copy=no_referrer_copy, signed_by=facts.signed_by, signed_at=facts.signed_at,
        created_by=actor, created_at=now)
    record_event(actor=actor, now=now, action="letters.produced", subject=letter, patients=[patient],
                 site_id=patient.site_id,
                 data={"reason": reason, "recipient": recipient, "document_id": document.pk,
                       "source": source._meta.label, "source_id": str(source.pk),
                       "no_referrer_copy": no_referrer_copy})
    return letter


def _store(*, actor: Any, now: dt.datetime, patient: Patient, reason: str, recipient: str, referrer: Any,
           pdf_bytes: bytes) -> Document:
    """Keep the PDF among the chart's documents, under a random name.

    The row is written in the caller's transaction and the file only once that transaction commits: a
    decision that rolls back leaves neither a row nor a file behind."""
    site_today = now.astimezone(_zone(patient)).date()
    to = "the patient" if recipient == Recipient.PATIENT else referrer.name
    document = Document(patient=patient, kind=DocumentKind.LETTER, document_date=site_today,
                        title=f"{LetterReason(reason).label}: letter to {to}"[:200],
                        original_name=f"letter-{reason.replace('_', '-')}-{recipient}-{site_today:%Y-%m-%d}.pdf",
                        content_type="application/pdf", size_bytes=len(pdf_bytes),
                        storage_key=secrets.token_hex(16), uploaded_by=actor, uploaded_at=now)
    document.file.name = document.file.field.generate_filename(document, document.storage_key)
    document.save()
    transaction.on_commit(functools.partial(_write_file, document.file.storage, document.file.name, pdf_bytes))
    return document


def _write_file(storage: Any, name: str, pdf_bytes: bytes) -> None:
    stored = storage.save(name, ContentFile(pdf_bytes))
    if stored != name:
        raise RuntimeError(f"A letter's file was stored as {stored!r}, not under its document's name {name!r}.")


def _zone(patient: Patient) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(patient.site.time_zone)


@transaction.atomic
def send_letter(*, actor: Any, now: dt.datetime, letter: Letter) -> Letter:
    """Email the letter's PDF to its recipient's address on file, and record who sent it, when and where.

    Sending again is allowed and recorded again. The subject and body name the clinic only, never the
    treatment, the diagnosis or, to a referrer, the patient: inboxes are seen by others. The sending is
    recorded first and the mail sent last, so a mail server that refuses leaves nothing recorded."""
    letter = Letter.objects.select_related("patient__site", "patient__organisation", "referrer", "document").get(
        pk=letter.pk)
    address = letter.email_address
    if not address:
        raise NoEmailAddress(_no_address_message(letter), field="address")
    dispatch = LetterDispatch.objects.create(letter=letter, delivery=Delivery.EMAIL, address=address, by=actor,
                                             at=now)
    record_event(actor=actor, now=now, action="letters.sent", subject=letter, patients=[letter.patient_id],
                 site_id=letter.patient.site_id, data={"dispatch_id": dispatch.pk, "recipient": letter.recipient})
    message = email_for(letter, address=address, now=now)
    try:
        message.send(fail_silently=False)
    except Exception as error:
        logger.exception("A letter could not be emailed")
        raise LetterNotSent(f"The letter could not be emailed ({error.__class__.__name__}). Check the address on "
                            "file and try again in a few minutes, or print it and post it.",
                            field="address") from error
    return letter


def email_for(letter: Letter, *, address: str, now: dt.datetime) -> EmailMessage:
    """The email carrying the letter: the clinic's name, a greeting and the PDF, nothing about the care."""
    site = letter.patient.site
    clinic = clinic_name(letter)
    greeting = (f"Dear {letter.patient.display_name}," if letter.recipient == Recipient.PATIENT
                else f"Dear {letter.referrer.name},")
    about = "" if letter.recipient == Recipient.PATIENT else " about a patient you referred to us"
    call = f"call the clinic on {site.phone}" if site.phone else "call the clinic"
    body = (f"{greeting}\n\nPlease find attached a letter from {clinic}{about}. Open the attachment to read it."
            f"\n\nIf you have questions, {call}.\n\n{clinic}\n")
    message = EmailMessage(subject=email_subject(letter), body=body, to=[address])
    dated = now.astimezone(_zone(letter.patient)).date()
    message.attach(f"letter-{day_text(dated).replace(' ', '-')}.pdf", _pdf_bytes(letter), "application/pdf")
    return message


def email_subject(letter: Letter) -> str:
    return f"A letter from {clinic_name(letter)}"


def clinic_name(letter: Letter) -> str:
    return f"{letter.patient.organisation.name}, {letter.patient.site.name}"


def _pdf_bytes(letter: Letter) -> bytes:
    with letter.document.file.open("rb") as stored:
        return stored.read()


def _no_address_message(letter: Letter) -> str:
    if letter.recipient == Recipient.PATIENT:
        return ("The patient has no email address on file. Add one with Edit details on the chart, or print "
                "the letter and post it.")
    return (f"{letter.referrer.name} has no email address in the referrer directory. Add one there, or print "
            "the letter and post or fax it.")


@transaction.atomic
def record_printed(*, actor: Any, now: dt.datetime, letter: Letter) -> LetterDispatch:
    """Record that the letter was opened to print, by whom and when."""
    dispatch = LetterDispatch.objects.create(letter=letter, delivery=Delivery.PRINT, by=actor, at=now)
    record_event(actor=actor, now=now, action="letters.printed", subject=letter, patients=[letter.patient_id],
                 site_id=letter.patient.site_id, data={"dispatch_id": dispatch.pk, "recipient": letter.recipient})
    return dispatch

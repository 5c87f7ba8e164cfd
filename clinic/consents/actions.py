"""Every write of consents: the site's current consent document, recording a patient's consent, and its
withdrawal (which sends consent_withdrawn, so the open course stops in the same transaction)."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction

from clinic.accounts.models import CLINICAL_ROLES
from clinic.audit.actions import record_event
from clinic.consents import queries
from clinic.consents.models import Consent, ConsentDocument, Method
from clinic.consents.signals import consent_withdrawn
from clinic.patients import actions as patient_actions
from clinic.patients import names
from clinic.patients.models import Document, Patient
from clinic.patients.models.records import DocumentKind
from clinic.rules import consent as consent_text
from clinic.rules import protocols as catalogue
from clinic.rules.errors import DomainError
from clinic.sites.models import Site

# The drawing pad's box; strokes are stored in its coordinates.
PAD_WIDTH, PAD_HEIGHT = 600, 200
MAX_STROKES, MAX_POINTS = 100, 5_000
NOTE_MAX_CHARS = 10_000
REASON_MAX_CHARS = 2_000


class ConsentRefused(DomainError):
    code = "CONSENT_REFUSED"


class ConsentDocumentOutdated(DomainError):
    code = "CONSENT_DOCUMENT_OUTDATED"


class ConsentAlreadyCurrent(DomainError):
    code = "CONSENT_ALREADY_CURRENT"


class ConsentAlreadyWithdrawn(DomainError):
    code = "CONSENT_ALREADY_WITHDRAWN"


class ConsentSuperseded(DomainError):
    code = "CONSENT_SUPERSEDED"


class NotClinicalStaff(DomainError):
    code = "CLINICAL_STAFF_ONLY"


def current_document(*, site: Site, now: datetime) -> ConsentDocument:
    """The site's consent document for the protocol in force: the latest one when its text is unchanged,
    else the next version, written once whoever asks first."""
    text = queries.current_text(site=site, now=now)
    for _attempt in range(3):
        latest = queries.latest_document(site=site)
        if latest is not None and latest.content_hash == text.content_hash:
            return latest
        try:
            with transaction.atomic():
                return ConsentDocument.objects.create(
                    site=site, version=(latest.version + 1) if latest else 1, protocol=text.protocol,
                    rules_version=catalogue.RULES_VERSION, sections=consent_text.as_json(text.sections),
                    content_hash=text.content_hash, created_at=now)
        except IntegrityError:
            continue  # another request wrote this version first: read it again
    raise ConsentRefused("The consent document could not be prepared because it kept changing. Try again.")


def check_can_record(*, actor: Any, now: datetime, patient: Patient, document_version: int,
                     counselled_at: datetime, counselling_note: str) -> ConsentDocument:
    """The current document when a consent on `document_version` may be recorded now, with this counselling;
    else the refusal. Every check `record_consent` makes on what was typed, so a paper consent is refused
    before its scan is stored."""
    if getattr(actor, "role", None) not in CLINICAL_ROLES:
        raise NotClinicalStaff("Only a nurse, a prescriber or the medical director records consent.")
    document = current_document(site=patient.site, now=now)
    if document_version != document.version:
        raise ConsentDocumentOutdated(
            f"The patient was shown document version {document_version}, but the current consent document is "
            f"version {document.version}. Show the patient the current version, counsel them on what changed, "
            "and record their consent on it.", field="document_version")
    latest = queries.latest_consent(patient=patient)
    if latest is not None and not latest.withdrawn and latest.document_id == document.pk:
        raise ConsentAlreadyCurrent(
            f"The patient already consented on version {document.version} on this document; nothing new to sign. "
            "Withdraw that consent first if it must be recorded again.", field="document_version")
    _counselling(counselled_at=counselled_at, note=counselling_note, now=now)
    return document


@transaction.atomic
def record_consent(*, actor: Any, now: datetime, patient: Patient, document_version: int, method: str,
                   counselled_at: datetime, counselling_note: str, signed_name: str = "",
                   signature_strokes: Sequence[Sequence[Sequence[int]]] = (), scan: Document | None = None) -> Consent:
    """Record the clinician's counselling and the patient's consent on the current document: signed on
    screen (the full name typed, as the patient's registered name, and the drawn signature where the pad
    was used) or on paper (the uploaded scan)."""
    # Lock the patient so two signings at once cannot both pass the "already consented" check.
    patient = Patient.objects.select_for_update().select_related("site").get(pk=patient.pk)
    document = check_can_record(actor=actor, now=now, patient=patient, document_version=document_version,
                                counselled_at=counselled_at, counselling_note=counselling_note)
    note = _counselling(counselled_at=counselled_at, note=counselling_note, now=now)
    if method == Method.SIGNED_ON_SCREEN:
        signed_name = _signed_name(patient, signed_name)
        strokes = _strokes(signature_strokes)
        scan = None
    elif method == Method.PAPER_SCAN:
        _check_scan(patient, scan)
        signed_name, strokes = names.clean_name(signed_name)[:200], []
    else:
        raise ConsentRefused("Choose how the patient signed: on screen, or on paper with the scan uploaded.",
                             field="method")
    protocol = queries.current_text(site=patient.site, now=now).protocol
    consent = Consent.objects.create(
        patient=patient, document=document, protocol=protocol, rules_version=catalogue.RULES_VERSION,
        counselled_by=actor, counselled_at=counselled_at, counselling_note=note, method=method,
        signed_name=signed_name, signature_strokes=strokes, scan=scan, signed_at=now)
    record_event(actor=actor, now=now, action="consents.recorded", subject=consent, patients=[patient],
                 site_id=patient.site_id,
                 data={"document_version": document.version, "method": method, "protocol_version": protocol.version,
                       "rules_version": consent.rules_version, "drawn": bool(strokes)})
    return consent


def record_paper_consent(*, actor: Any, now: datetime, patient: Patient, document_version: int,
                         counselled_at: datetime, counselling_note: str, signed_name: str, document_date: Any,
                         uploaded_file: Any, max_bytes: int) -> Consent:
    """Store the scan of a consent signed on paper and record the consent on it.

    Everything is checked before the scan is stored, so a refusal leaves nothing behind. The scan is
    stored in a transaction of its own (the chart's upload); should the consent still be refused after it
    (another signing came first), the scan's row and file are removed again, and that removal is audited."""
    check_can_record(actor=actor, now=now, patient=patient, document_version=document_version,
                     counselled_at=counselled_at, counselling_note=counselling_note)
    scan = patient_actions.upload_document(
        actor=actor, now=now, patient=patient, kind=DocumentKind.CONSENT, document_date=document_date,
        title="Signed consent", uploaded_file=uploaded_file, max_bytes=max_bytes)
    try:
        return record_consent(actor=actor, now=now, patient=patient, document_version=document_version,
                              method=Method.PAPER_SCAN, counselled_at=counselled_at,
                              counselling_note=counselling_note, signed_name=signed_name, scan=scan)
    except BaseException:
        _discard_scan(actor=actor, now=now, scan=scan)
        raise


def _discard_scan(*, actor: Any, now: datetime, scan: Document) -> None:
    """Remove the row first and the file after it, so no row ever names a missing file."""
    document_id = scan.pk
    with transaction.atomic():
        Document.objects.filter(pk=document_id).delete()
        record_event(actor=actor, now=now, action="consents.scan_discarded", patients=[scan.patient_id],
                     site_id=scan.patient.site_id, data={"document_id": document_id})
    scan.file.delete(save=False)


@transaction.atomic
def withdraw_consent(*, actor: Any, now: datetime, consent: Consent, reason: str) -> Consent:
    """Record that the patient withdrew their consent, by whom, when and why; the open course stops with it."""
    if getattr(actor, "role", None) not in CLINICAL_ROLES:
        raise NotClinicalStaff("Only a nurse, a prescriber or the medical director records a withdrawal of consent.")
    # Lock the patient, as signing does, so a consent signed meanwhile cannot slip in ahead of this one.
    Patient.objects.select_for_update().get(pk=consent.patient_id)
    consent = Consent.objects.select_for_update().select_related("patient", "document").get(pk=consent.pk)
    if consent.withdrawn:
        raise ConsentAlreadyWithdrawn("This consent was already withdrawn; nothing more to record.")
    latest = queries.latest_consent(patient=consent.patient)
    if latest is not None and latest.pk != consent.pk:
        raise ConsentSuperseded(superseded_message(consent, latest))
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ConsentRefused("Write why the patient withdrew their consent, in their words where you can.",
                             field="reason")
    if len(reason) > REASON_MAX_CHARS:
        raise ConsentRefused(f"Keep the reason under {REASON_MAX_CHARS} characters.", field="reason")
    consent.withdrawn_at, consent.withdrawn_by, consent.withdrawal_reason = now, actor, reason
    consent.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    record_event(actor=actor, now=now, action="consents.withdrawn", subject=consent, patients=[consent.patient],
                 site_id=consent.patient.site_id, data={"document_version": consent.document.version})
    consent_withdrawn.send(sender=Consent, patient=consent.patient, consent=consent, actor=actor, now=now)
    return consent


def superseded_message(consent: Consent, latest: Consent) -> str:
    return (f"This consent on document {consent.document.label} was replaced by the patient's later consent on "
            f"document {latest.document.label}; only the consent in force can be withdrawn. Record the withdrawal "
            "on that one.")


def _counselling(*, counselled_at: datetime, note: str, now: datetime) -> str:
    if counselled_at > now:
        raise ConsentRefused("The counselling time is in the future. Enter when the counselling took place.",
                             field="counselled_at")
    note = str(note or "").strip()
    if not note:
        raise ConsentRefused("Write what was discussed with the patient and the questions they asked.",
                             field="counselling_note")
    if len(note) > NOTE_MAX_CHARS:
        raise ConsentRefused(f"Keep the counselling note under {NOTE_MAX_CHARS} characters.", field="counselling_note")
    return note


def _signed_name(patient: Patient, typed: str) -> str:
    typed = names.clean_name(str(typed or ""))
    expected = {names.name_key(f"{given} {patient.family_name}")
                for given in (patient.given_name, patient.preferred_name) if given}
    if not typed:
        raise ConsentRefused("The patient types their full name to sign.", field="signed_name")
    if names.name_key(typed) not in expected:
        raise ConsentRefused(f"The name typed does not match the patient's name ({patient.given_name} "
                             f"{patient.family_name}). Ask the patient to type their first and last name as "
                             "registered.", field="signed_name")
    return typed[:200]


def _strokes(strokes: Sequence[Sequence[Sequence[int]]]) -> list[list[list[int]]]:
    """The drawn signature, each point inside the pad; an empty list when the pad was not used."""
    try:
        cleaned = [[[int(x), int(y)] for x, y in stroke] for stroke in strokes if len(stroke) > 0]
    except (TypeError, ValueError):
        raise ConsentRefused("The drawn signature could not be read. Clear it and sign again.",
                             field="signature") from None
    if len(cleaned) > MAX_STROKES or sum(len(stroke) for stroke in cleaned) > MAX_POINTS:
        raise ConsentRefused("The drawn signature is too long. Clear it and sign again.", field="signature")
    if any(not (0 <= x <= PAD_WIDTH and 0 <= y <= PAD_HEIGHT) for stroke in cleaned for x, y in stroke):
        raise ConsentRefused("The drawn signature has points outside the pad. Clear it and sign again.",
                             field="signature")
    return cleaned


def _check_scan(patient: Patient, scan: Document | None) -> None:
    if scan is None:
        raise ConsentRefused("Upload the scan of the signed paper consent.", field="scan")
    if scan.patient_id != patient.pk or scan.kind != DocumentKind.CONSENT:
        raise ConsentRefused("The scan must be this patient's signed consent, uploaded here.", field="scan")

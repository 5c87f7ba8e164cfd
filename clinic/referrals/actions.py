"""Every write to the referral queue: a referral received, each move of its status, and its one step to
a registered patient; each with its audit event."""

import datetime as dt
import secrets
import zoneinfo
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction

from clinic.audit.actions import record_event
from clinic.patients import actions as patient_actions
from clinic.patients import names
from clinic.patients.models import Document, Patient, ReferringClinician
from clinic.patients.models.records import DocumentKind
from clinic.patients.models.registry import ReferralSource
from clinic.referrals.models import ALLOWED_MOVES, Referral, ReferralStatus, ReferralStatusChange
from clinic.rules import plausibility
from clinic.rules.birth_date import check_birth_date
from clinic.rules.errors import DomainError
from clinic.rules.typed_values import day_text
from clinic.sites.models import Site
from clinic.sites.queries import site_today

STATUS_LABELS = dict(ReferralStatus.choices)
NAME_LABELS = {"given_name": "given name", "family_name": "family name"}


class SiteNotYours(DomainError):
    code = "SITE_NOT_YOURS"


class ReferrerRequired(DomainError):
    code = "REFERRER_REQUIRED"
    field = "referring_clinician"


class LetterRefused(DomainError):
    code = "LETTER_REFUSED"
    field = "letter"


class StatusMoveRefused(DomainError):
    code = "REFERRAL_STATUS_MOVE_REFUSED"
    field = "status"


class ChangeDateRefused(DomainError):
    code = "REFERRAL_CHANGE_DATE_REFUSED"
    field = "happened_on"


class ConsultationTimeRefused(DomainError):
    code = "CONSULTATION_TIME_REFUSED"
    field = "consultation_on"


class AlreadyRegistered(DomainError):
    code = "REFERRAL_ALREADY_REGISTERED"


class DeclinedReferral(DomainError):
    code = "REFERRAL_DECLINED"


class PatientNotLinkable(DomainError):
    code = "PATIENT_NOT_LINKABLE"


def create_referral(*, actor: Any, now: dt.datetime, site: Site, letter: Any = None, max_bytes: int,
                    **fields: Any) -> Referral:
    """Enter a referral as received, with its letter when there is one; it starts the status history.

    The letter is written first, so a saved row never names a missing file; when the row or its audit
    event is not committed, the file is deleted again."""
    referral = Referral(organisation_id=site.organisation_id, site=site, created_by=actor, created_at=now,
                        status=ReferralStatus.RECEIVED, **_checked_fields(fields, actor=actor, site=site, now=now))
    if letter is not None:
        _check_letter(letter, max_bytes=max_bytes)
        referral.letter_original_name = letter.name[-200:]
        referral.letter_content_type = letter.content_type.lower()
        referral.letter_size_bytes = letter.size
        referral.letter_storage_key = secrets.token_hex(16)
        referral.letter.save(referral.letter_storage_key, letter, save=False)
    try:
        return _save_new_referral(referral, actor=actor, now=now)
    except BaseException:
        if referral.letter:
            referral.letter.delete(save=False)
        raise


def _checked_fields(fields: dict[str, Any], *, actor: Any, site: Site, now: dt.datetime) -> dict[str, Any]:
    if site.pk not in actor.site_ids():
        raise SiteNotYours("You do not work at that site. Choose one of your own sites.", field="site")
    for field, label in NAME_LABELS.items():
        fields[field] = names.checked_name(fields[field], field=field, label=label, required=True)
    today = site_today(site=site, now=now)
    if fields.get("birth_date"):
        check_birth_date(fields["birth_date"], today=today)
    plausibility.check_history_date(fields["received_on"], today=today, birth_date=fields.get("birth_date"),
                                    field="received_on", label="date received")
    clinician = fields.get("referring_clinician")
    if clinician is not None and clinician.organisation_id != site.organisation_id:
        raise ReferrerRequired("Choose a referring clinician from your organisation's directory.")
    if fields.get("source") == ReferralSource.CLINICIAN and clinician is None:
        raise ReferrerRequired("Choose the referring clinician, or change the referral source. Add them to the "
                               "directory first if new.")
    return fields


def _check_letter(letter: Any, *, max_bytes: int) -> None:
    """The same checks as a document uploaded to a chart: type, contents and size."""
    content_type = (getattr(letter, "content_type", "") or "").lower()
    if content_type not in patient_actions.ALLOWED_DOCUMENT_TYPES:
        raise LetterRefused("Upload the letter as a PDF, JPEG, PNG or TIFF scan.")
    letter.seek(0)
    head = letter.read(8)
    letter.seek(0)
    if not head.startswith(patient_actions.MAGIC_BYTES[content_type]):
        raise LetterRefused("The file's contents are not a PDF, JPEG, PNG or TIFF, whatever its name says. "
                            "Scan or export it again as one of those.")
    if letter.size > max_bytes:
        raise LetterRefused(f"The file is {letter.size // 1_000_000} MB; the limit is {max_bytes // 1_000_000} MB. "
                            "Scan at a lower resolution.")


@transaction.atomic
def _save_new_referral(referral: Referral, *, actor: Any, now: dt.datetime) -> Referral:
    referral.name_key = names.person_key(given_name=referral.given_name, family_name=referral.family_name)
    referral.status_on = referral.received_on
    referral.full_clean()
    referral.save()
    ReferralStatusChange.objects.create(referral=referral, status=ReferralStatus.RECEIVED,
                                        happened_on=referral.received_on, recorded_by=actor, recorded_at=now)
    record_event(actor=actor, now=now, action="referrals.received", subject=referral, site_id=referral.site_id,
                 data={"letter": bool(referral.letter_storage_key)})
    return referral


@transaction.atomic
def change_status(*, actor: Any, now: dt.datetime, referral: Referral, status: str, happened_on: dt.date,
                  note: str = "", consultation_on: dt.date | None = None,
                  consultation_time: dt.time | None = None) -> ReferralStatusChange:
    """Move the referral to its next status on the date it happened (at the site, never after today),
    with a note; a booked consultation also keeps its date and time at the site."""
    # Lock the row so that two desks moving the same referral at once cannot both pass the check.
    referral = Referral.objects.select_for_update().select_related("site").get(pk=referral.pk)
    _check_move(referral, status)
    last = referral.changes.order_by("-happened_on", "-recorded_at", "-id").first()
    _check_change_date(happened_on, referral=referral, last=last, today=site_today(site=referral.site, now=now))
    consultation_at = _consultation_at(status, happened_on=happened_on, day=consultation_on,
                                       time=consultation_time, site=referral.site)
    change = ReferralStatusChange.objects.create(
        referral=referral, status=status, happened_on=happened_on, note=note.strip(),
        consultation_at=consultation_at, recorded_by=actor, recorded_at=now)
    referral.status, referral.status_on = status, happened_on
    referral.save(update_fields=["status", "status_on"])
    record_event(actor=actor, now=now, action="referrals.status_changed", subject=referral,
                 site_id=referral.site_id, changed_fields=["status"],
                 data={"from": last.status if last else None, "to": status, "change_id": change.pk})
    return change


def _check_move(referral: Referral, status: str) -> None:
    current = STATUS_LABELS[referral.status]
    if status not in STATUS_LABELS:
        raise StatusMoveRefused(f"“{status}” is not a referral status. Choose one of the statuses offered.")
    if referral.status == ReferralStatus.DECLINED:
        raise StatusMoveRefused(f"This referral was declined on {day_text(referral.status_on)}, and declined is "
                                "final. If the person is referred again, enter it as a new referral.")
    allowed = ALLOWED_MOVES[referral.status]
    if status not in allowed:
        choices = ", ".join(STATUS_LABELS[name].lower() for name in allowed)
        raise StatusMoveRefused(f"A referral that is {current.lower()} cannot be marked "
                                f"{STATUS_LABELS[status].lower()}. From {current.lower()} it can be marked: {choices}.")


def _check_change_date(happened_on: dt.date, *, referral: Referral, last: ReferralStatusChange | None,
                       today: dt.date) -> None:
    if happened_on > today:
        raise ChangeDateRefused(f"The date {day_text(happened_on)} is after today at the site ({day_text(today)}). "
                                "Record a change on the day it happens.")
    if happened_on < referral.received_on:
        raise ChangeDateRefused(f"The date {day_text(happened_on)} is before the referral was received "
                                f"({day_text(referral.received_on)}). Check the day and the year.")
    if last is not None and happened_on < last.happened_on:
        raise ChangeDateRefused(f"The date {day_text(happened_on)} is before the last change "
                                f"({last.get_status_display().lower()}, {day_text(last.happened_on)}). "
                                "Changes are kept in the order they happened.")


def _consultation_at(status: str, *, happened_on: dt.date, day: dt.date | None, time: dt.time | None,
                     site: Site) -> dt.datetime | None:
    """A booked consultation's date and time, read at the site; no time for any other status."""
    if status != ReferralStatus.CONSULTATION_BOOKED:
        if day is not None or time is not None:
            raise ConsultationTimeRefused("Only a booked consultation has a date and time. Clear them, or mark "
                                          "the referral as consultation booked.")
        return None
    if day is None or time is None:
        raise ConsultationTimeRefused("Enter the consultation's date and time.",
                                      field="consultation_on" if day is None else "consultation_time")
    if day < happened_on:
        raise ConsultationTimeRefused(f"The consultation on {day_text(day)} is before the day it was booked "
                                      f"({day_text(happened_on)}). Check the date.")
    return dt.datetime.combine(day, time, tzinfo=zoneinfo.ZoneInfo(site.time_zone))


def register_as_patient(*, actor: Any, now: dt.datetime, referral: Referral, confirm_duplicate: bool = False,
                        **fields: Any) -> Patient:
    """One step from referral to patient: register the person with the referral's details (and those the
    step asked for) through the registry's own registration, duplicate check included; file the letter in
    the new chart's documents; record the referral source and referring clinician; link the referral."""
    written: list[Document] = []
    try:
        return _register(actor=actor, now=now, referral=referral, confirm_duplicate=confirm_duplicate,
                         fields=fields, written=written)
    except BaseException:
        for document in written:
            document.file.delete(save=False)
        raise


@transaction.atomic
def _register(*, actor: Any, now: dt.datetime, referral: Referral, confirm_duplicate: bool, fields: dict[str, Any],
              written: list[Document]) -> Patient:
    referral = _locked_for_registering(referral)
    patient = patient_actions.register_patient(
        actor=actor, now=now, site=referral.site, confirm_duplicate=confirm_duplicate,
        referral_source=referral.source, referring_clinician=referral.referring_clinician, **fields)
    _file_letter(referral, patient=patient, actor=actor, now=now, written=written)
    referral.patient = patient
    referral.save(update_fields=["patient"])
    record_event(actor=actor, now=now, action="referrals.registered", subject=referral, site_id=referral.site_id,
                 changed_fields=["patient"], data={"patient_id": patient.pk})
    return patient


def link_to_patient(*, actor: Any, now: dt.datetime, referral: Referral, patient: Patient) -> Patient:
    """The referral is of a patient already registered: link it to them and file its letter in their
    documents, leaving their registration as it is."""
    written: list[Document] = []
    try:
        return _link(actor=actor, now=now, referral=referral, patient=patient, written=written)
    except BaseException:
        for document in written:
            document.file.delete(save=False)
        raise


@transaction.atomic
def _link(*, actor: Any, now: dt.datetime, referral: Referral, patient: Patient, written: list[Document]) -> Patient:
    referral = _locked_for_registering(referral)
    if patient.organisation_id != referral.organisation_id or patient.site_id not in actor.site_ids():
        raise PatientNotLinkable("That patient is not registered at one of your sites. Choose a patient you can "
                                 "open, or register the person.")
    _file_letter(referral, patient=patient, actor=actor, now=now, written=written)
    referral.patient = patient
    referral.save(update_fields=["patient"])
    record_event(actor=actor, now=now, action="referrals.linked_to_patient", subject=referral,
                 site_id=referral.site_id, changed_fields=["patient"], data={"patient_id": patient.pk})
    return patient


def _locked_for_registering(referral: Referral) -> Referral:
    # The referral row alone: PostgreSQL refuses FOR UPDATE over the outer join to an optional referrer.
    referral = (Referral.objects.select_for_update(of=("self",)).select_related("site", "referring_clinician")
                .get(pk=referral.pk))
    if referral.patient_id is not None:
        raise AlreadyRegistered(f"This referral is already linked to patient {referral.patient.mrn}. Open their "
                                "chart from the referral.")
    if referral.status == ReferralStatus.DECLINED:
        raise DeclinedReferral("This referral was declined: a declined referral is not registered. If the "
                               "person is referred again, enter it as a new referral.")
    return referral


def _file_letter(referral: Referral, *, patient: Patient, actor: Any, now: dt.datetime,
                 written: list[Document]) -> Document | None:
    """A copy of the referral's letter among the patient's documents, under a key of its own."""
    if not referral.letter_storage_key:
        return None
    with referral.letter.open("rb") as stored:
        content = stored.read()
    document = Document(patient=patient, kind=DocumentKind.REFERRAL_LETTER, document_date=referral.received_on,
                        title=_letter_title(referral.referring_clinician),
                        original_name=referral.letter_original_name, content_type=referral.letter_content_type,
                        size_bytes=len(content), storage_key=secrets.token_hex(16), uploaded_by=actor,
                        uploaded_at=now)
    document.file.save(document.storage_key, ContentFile(content), save=False)
    written.append(document)
    document.full_clean()
    document.save()
    record_event(actor=actor, now=now, action="referrals.letter_filed", subject=document,
                 site_id=patient.site_id, data={"referral_id": referral.pk})
    return document


def _letter_title(clinician: ReferringClinician | None) -> str:
    return f"Referral letter from {clinician.name}"[:200] if clinician else "Referral letter"

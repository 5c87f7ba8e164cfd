"""Every write to the patient record, each with its audit event and revision history."""

from datetime import datetime
from typing import Any

from django.db import models, transaction

from clinic.audit.actions import record_event
from clinic.patients.models import MrnSequence, Patient, RecordRevision
from clinic.patients.queries import search_text_for
from clinic.rules.errors import DomainError
from clinic.sites.models import Site

MRN_PREFIX = "K"


class SiteNotYours(DomainError):
    code = "SITE_NOT_YOURS"


class DuplicatePatient(DomainError):
    code = "DUPLICATE_PATIENT"


def possible_duplicates(*, site: Site, given_name: str, family_name: str, birth_date: Any,
                        exclude_id: int | None = None) -> list[Patient]:
    """Patients at the site with the same name and date of birth."""
    matches = Patient.objects.filter(site=site, birth_date=birth_date,
                                     given_name__iexact=given_name.strip(),
                                     family_name__iexact=family_name.strip())
    if exclude_id:
        matches = matches.exclude(pk=exclude_id)
    return list(matches)


@transaction.atomic
def register_patient(*, actor: Any, now: datetime, site: Site, confirm_duplicate: bool = False,
                     **fields: Any) -> Patient:
    """Add a patient to the registry with the next MRN of the organisation."""
    if site.pk not in actor.site_ids():
        raise SiteNotYours("You do not work at that site. Choose one of your own sites.")
    if not confirm_duplicate and possible_duplicates(
        site=site, given_name=fields["given_name"], family_name=fields["family_name"],
        birth_date=fields["birth_date"],
    ):
        raise DuplicatePatient(
            "A patient with this name and date of birth is already registered at this site. "
            "Open the existing record, or confirm that this is a different person."
        )
    patient = Patient(organisation_id=site.organisation_id, site=site, created_at=now,
                      updated_at=now, mrn=_next_mrn(organisation_id=site.organisation_id), **fields)
    patient.search_text = _search_text(patient)
    patient.full_clean()
    patient.save()
    record_revision(patient=patient, record=patient, actor=actor, now=now, change="create",
                    changes={name: [None, _plain(value)] for name, value in fields.items()})
    record_event(actor=actor, now=now, action="patients.registered", subject=patient,
                 site_id=site.pk, changed_fields=fields.keys())
    return patient


@transaction.atomic
def update_patient(*, actor: Any, now: datetime, patient: Patient, **fields: Any) -> Patient:
    """Change registry fields; the old and new values are kept as a revision."""
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    if "site" in fields and fields["site"].pk not in actor.site_ids():
        raise SiteNotYours("You do not work at that site. Choose one of your own sites.")
    changes = apply_changes(patient, fields)
    if not changes:
        return patient
    patient.search_text = _search_text(patient)
    patient.updated_at = now
    patient.full_clean()
    patient.save()
    record_revision(patient=patient, record=patient, actor=actor, now=now, change="update",
                    changes=changes)
    record_event(actor=actor, now=now, action="patients.updated", subject=patient,
                 site_id=patient.site_id, changed_fields=changes.keys())
    return patient


def apply_changes(record: models.Model, fields: dict[str, Any]) -> dict[str, list[Any]]:
    """Set the fields that differ and return {field: [before, after]}."""
    changes = {}
    for name, value in fields.items():
        before = getattr(record, name)
        if before != value:
            changes[name] = [_plain(before), _plain(value)]
            setattr(record, name, value)
    return changes


def record_revision(*, patient: Patient, record: models.Model, actor: Any, now: datetime,
                    change: str, changes: dict[str, list[Any]]) -> RecordRevision:
    return RecordRevision.objects.create(
        patient=patient, record_type=record._meta.model_name, record_id=record.pk, change=change,
        changes=changes, changed_by=actor, changed_at=now,
    )


def _next_mrn(*, organisation_id: int) -> str:
    sequence, _ = MrnSequence.objects.select_for_update().get_or_create(organisation_id=organisation_id)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return f"{MRN_PREFIX}{sequence.last_number:06d}"


def _search_text(patient: Patient) -> str:
    return search_text_for(given_name=patient.given_name, family_name=patient.family_name,
                           preferred_name=patient.preferred_name, mrn=patient.mrn)


def _plain(value: Any) -> Any:
    """A JSON-safe form of a field value for the revision history."""
    if isinstance(value, models.Model):
        return value.pk
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)

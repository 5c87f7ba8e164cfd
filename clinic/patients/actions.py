"""Every write to the patient record, each with its audit event and revision history."""

import secrets
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db import models, transaction

from clinic.accounts.models import PRESCRIBING_ROLES
from clinic.audit.actions import record_event
from clinic.patients import names, search_keys
from clinic.patients.models import (
    Allergy,
    BodyMeasurement,
    Document,
    FamilyNameVariant,
    Indication,
    Medication,
    MrnSequence,
    OtherDiagnosis,
    Patient,
    RecordRevision,
    ReferringClinician,
    Result,
    SafetyHistory,
    TreatmentTrial,
)
from clinic.patients.signals import intake_changed
from clinic.protocols.models import ClinicProtocol
from clinic.protocols.queries import current_protocol
from clinic.rules import eligibility, icd10, indications, plausibility, trial_fields
from clinic.rules.birth_date import check_birth_date
from clinic.rules.errors import DomainError
from clinic.rules.safety_history import SAFETY_LABELS
from clinic.rules.typed_values import day_text
from clinic.sites.models import Site
from clinic.sites.queries import site_today

MRN_PREFIX = "K"
# The protocol sections whose settings the intake checks read.
ELIGIBILITY = "eligibility"
PLAUSIBILITY = "plausibility"


class SiteNotYours(DomainError):
    code = "SITE_NOT_YOURS"


class DuplicatePatient(DomainError):
    code = "DUPLICATE_PATIENT"


class PrescriberNotAllowed(DomainError):
    code = "PRESCRIBER_NOT_ALLOWED"


# The registry's person names, each with the words a refusal names it by.
NAME_FIELDS = {"given_name": "given name", "family_name": "family name", "preferred_name": "preferred name",
               "emergency_contact_name": "emergency contact's name", "escort_name": "escort's name"}


def patient_name(field: str, typed: str) -> str:
    """One of the registry's names as it is stored (clinic.patients.names.clean_name); refuses a name
    with no letter, naming the field."""
    required = not Patient._meta.get_field(field).blank
    return names.checked_name(typed, field=field, label=NAME_FIELDS[field], required=required)


def _cleaned_names(fields: dict[str, Any]) -> dict[str, Any]:
    return {field: patient_name(field, value) if field in NAME_FIELDS else value
            for field, value in fields.items()}


def possible_duplicates(*, site: Site, given_name: str, family_name: str, birth_date: Any,
                        exclude_id: int | None = None) -> list[Patient]:
    """Patients at the site with the same date of birth whose names fold to the same key: case,
    accents, invisible characters and full-width letters make no difference."""
    matches = Patient.objects.filter(site=site, birth_date=birth_date,
                                     name_key=names.person_key(given_name=given_name, family_name=family_name))
    if exclude_id:
        matches = matches.exclude(pk=exclude_id)
    return list(matches)


@transaction.atomic
def register_patient(*, actor: Any, now: datetime, site: Site, confirm_duplicate: bool = False,
                     **fields: Any) -> Patient:
    """Add a patient to the registry with the next MRN of the organisation."""
    if site.pk not in actor.site_ids():
        raise SiteNotYours("You do not work at that site. Choose one of your own sites.")
    fields = _cleaned_names(fields)
    check_birth_date(fields["birth_date"], today=site_today(site=site, now=now))
    # Take the MRN first: it locks the organisation's sequence row, so two desks registering the
    # same caller at once cannot both pass the duplicate check.
    mrn = _next_mrn(organisation_id=site.organisation_id)
    if not confirm_duplicate and possible_duplicates(
        site=site, given_name=fields["given_name"], family_name=fields["family_name"],
        birth_date=fields["birth_date"],
    ):
        raise DuplicatePatient(
            "A patient with this name and date of birth is already registered at this site. "
            "Open the existing record, or confirm that this is a different person."
        )
    patient = Patient(organisation_id=site.organisation_id, site=site, created_at=now, updated_at=now, mrn=mrn,
                      **fields)
    _fill_name_keys(patient)
    patient.full_clean()
    patient.save()
    _fill_family_name_variants(patient)
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
    if "prescriber" in fields:
        _check_prescriber(actor, fields["prescriber"], site=fields.get("site") or patient.site)
    changes = apply_changes(patient, _cleaned_names(fields))
    if not changes:
        return patient
    if {"birth_date", "site"} & changes.keys():
        check_birth_date(patient.birth_date, today=site_today(site=patient.site, now=now))
    _fill_name_keys(patient)
    patient.updated_at = now
    patient.full_clean()
    patient.save()
    if "family_name" in changes:
        _fill_family_name_variants(patient)
    record_revision(patient=patient, record=patient, actor=actor, now=now, change="update",
                    changes=changes)
    record_event(actor=actor, now=now, action="patients.updated", subject=patient,
                 site_id=patient.site_id, changed_fields=changes.keys())
    if {"birth_date", "sex"} & changes.keys():
        intake_changed.send(sender=Patient, patient=patient, actor=actor, now=now)
    return patient


def _check_prescriber(actor: Any, prescriber: Any, *, site: Site) -> None:
    """The patient's prescriber is told of their clinical alerts: clinical staff choose them, among the
    active prescribers and medical directors of the organisation who work at the patient's site."""
    if not actor.sees_clinical_data:
        raise PrescriberNotAllowed("Only clinical staff choose the patient's prescriber. Ask a nurse or the "
                                   "medical director.", field="prescriber")
    if prescriber is None:
        return
    if (prescriber.role not in PRESCRIBING_ROLES or not prescriber.is_active
            or prescriber.organisation_id != actor.organisation_id or not prescriber.sites.filter(pk=site.pk).exists()):
        raise PrescriberNotAllowed(f"{prescriber} cannot be this patient's prescriber: choose an active prescriber "
                                   f"or medical director who works at {site.name}.", field="prescriber")


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


def _fill_name_keys(patient: Patient) -> None:
    """Set the folded names the duplicate check and search compare from the names as stored, and the
    phone's digits that search compares."""
    patient.name_key = names.person_key(given_name=patient.given_name, family_name=patient.family_name)
    patient.search_text = names.search_text(given_name=patient.given_name, family_name=patient.family_name,
                                            preferred_name=patient.preferred_name, mrn=patient.mrn)
    patient.phone_digits = search_keys.phone_digits(patient.phone)


def _fill_family_name_variants(patient: Patient) -> None:
    """Replace the saved patient's surname variants, which search looks typos up in."""
    FamilyNameVariant.objects.filter(patient=patient).delete()
    FamilyNameVariant.objects.bulk_create(
        FamilyNameVariant(patient=patient, text=variant.text, deleted_position=variant.deleted_position,
                          deleted_letter=variant.deleted_letter)
        for variant in search_keys.surname_variants(patient.family_name))


def _plain(value: Any) -> Any:
    """A JSON-safe form of a field value for the revision history."""
    if isinstance(value, models.Model):
        return value.pk
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


# The intake records a clinician adds, changes and removes one by one.
INTAKE_MODELS: dict[str, type[models.Model]] = {
    "indication": Indication,
    "other_diagnosis": OtherDiagnosis,
    "medication": Medication,
    "allergy": Allergy,
    "measurement": BodyMeasurement,
    "treatment_trial": TreatmentTrial,
    "result": Result,
}
# Who recorded it and when, for the kinds that keep it.
RECORDED_FIELDS = {"measurement": ("recorded_by", "recorded_at"), "result": ("recorded_by", "recorded_at"),
                   "other_diagnosis": ("recorded_by", "recorded_at")}


# Intake kinds screening does not read (clinic.rules.eligibility.Intake): a change to them screens nothing again.
NOT_SCREENED = frozenset({"allergy"})


def intake_kind_of(item: models.Model) -> str:
    return next(kind for kind, model in INTAKE_MODELS.items() if isinstance(item, model))


def add_intake_item(*, actor: Any, now: datetime, patient: Patient, kind: str,
                    values: dict[str, Any] | None = None, confirmed: Iterable[str] = (),
                    **fields: Any) -> models.Model:
    """Add one indication, other diagnosis, medicine, allergy, measurement, prior treatment or result.

    Pass the entry's fields in `values` when one of them is itself named `kind` (prior treatments
    and results), which would clash with this function's own `kind`. `confirmed` holds the codes of
    the warnings the user confirmed (plausibility.CONFIRMABLE), e.g. a weight that is right although
    far from the last one."""
    fields = {**(values or {}), **fields}
    _check_code_before_writing(kind, fields)
    return _add_intake_item(actor=actor, now=now, patient=patient, kind=kind, fields=fields,
                            confirmed=frozenset(confirmed))


def _check_code_before_writing(kind: str, fields: dict[str, Any]) -> None:
    """Check a diagnosis code before the write transaction opens: the first check in a process
    loads the code set (about 1.5 s), which must not hold the database's write lock."""
    if kind in {"other_diagnosis", "indication"} and fields.get("icd10_code") is not None:
        icd10.describe(fields["icd10_code"])


@transaction.atomic
def _add_intake_item(*, actor: Any, now: datetime, patient: Patient, kind: str,
                     fields: dict[str, Any], confirmed: frozenset[str]) -> models.Model:
    if kind == "other_diagnosis":
        fields = _coded_diagnosis(fields, recorded_code=None)
    if kind == "indication":
        fields = _indication_fields(patient, fields)
    model = INTAKE_MODELS[kind]
    item = model(patient=patient, **fields)
    if kind in RECORDED_FIELDS:
        by_field, at_field = RECORDED_FIELDS[kind]
        setattr(item, by_field, actor)
        setattr(item, at_field, now)
    _validate_intake_item(kind, item, now=now)
    overridden = _confirmed_changes(kind, item, confirmed=confirmed, changed=fields.keys(), now=now)
    item.full_clean()
    item.save()
    changes = {name: [None, _plain(value)] for name, value in fields.items()}
    if kind == "allergy":
        _clear_no_known_drug_allergies(patient, actor=actor, now=now)
    _record_intake_change(actor=actor, now=now, item=item, action=f"patients.{kind}_added", change="create",
                          changes=changes, overridden=overridden)
    return item


def _record_intake_change(*, actor: Any, now: datetime, item: models.Model, action: str, change: str,
                          changes: dict[str, list[Any]], overridden: list[str]) -> None:
    """The revision and the audit event of one intake write, each naming the warnings overridden."""
    data = {"confirmed": overridden} if overridden else None
    if overridden:
        changes = {**changes, "confirmed": [None, overridden]}
    record_revision(patient=item.patient, record=item, actor=actor, now=now, change=change, changes=changes)
    record_event(actor=actor, now=now, action=action, subject=item, site_id=item.patient.site_id,
                 changed_fields=[name for name in changes if name != "confirmed"], data=data)
    if intake_kind_of(item) not in NOT_SCREENED:
        intake_changed.send(sender=Patient, patient=item.patient, actor=actor, now=now)


def _clear_no_known_drug_allergies(patient: Patient, *, actor: Any, now: datetime) -> None:
    """An allergy recorded ends an earlier "no known drug allergies": the record must never say both. The
    withdrawal is a change of the patient's record, kept in its history as such."""
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    changes = apply_changes(patient, {"nkda_recorded_at": None, "nkda_recorded_by": None})
    if changes:
        patient.updated_at = now
        patient.save(update_fields=["nkda_recorded_at", "nkda_recorded_by", "updated_at"])
        record_revision(patient=patient, record=patient, actor=actor, now=now, change="update", changes=changes)


def change_intake_item(*, actor: Any, now: datetime, item: models.Model, confirmed: Iterable[str] = (),
                       **fields: Any) -> models.Model:
    _check_code_before_writing(intake_kind_of(item), fields)
    return _change_intake_item(actor=actor, now=now, item=item, fields=fields, confirmed=frozenset(confirmed))


@transaction.atomic
def _change_intake_item(*, actor: Any, now: datetime, item: models.Model, fields: dict[str, Any],
                        confirmed: frozenset[str]) -> models.Model:
    kind = intake_kind_of(item)
    item = type(item).objects.select_for_update().get(pk=item.pk)
    if kind == "other_diagnosis":
        fields = _coded_diagnosis(fields, recorded_code=item.icd10_code)
    if kind == "indication" and "icd10_code" in fields:
        fields = {**fields, "code": fields.get("code") or item.code}
    changes = apply_changes(item, fields)
    if not changes:
        return item
    _validate_intake_item(kind, item, now=now)
    overridden = _confirmed_changes(kind, item, confirmed=confirmed, changed=changes.keys(), now=now)
    item.full_clean()
    item.save()
    _record_intake_change(actor=actor, now=now, item=item, action=f"patients.{kind}_changed", change="update",
                          changes=changes, overridden=overridden)
    return item


def _indication_fields(patient: Patient, fields: dict[str, Any]) -> dict[str, Any]:
    """A new indication's fields: the indication taken from its code when not chosen, and primary when
    the patient has no primary indication yet."""
    fields = {**fields, "icd10_code": icd10.normalise(fields.get("icd10_code") or "")}
    fields["code"] = indications.check_code_for_indication(indication=fields.get("code") or None,
                                                            icd10_code=fields["icd10_code"])
    if not fields.get("is_primary") and not patient.indications.filter(is_primary=True).exists():
        fields["is_primary"] = True
    return fields


def _confirmed_changes(kind: str, item: models.Model, *, confirmed: frozenset[str],
                       changed: Iterable[str], now: datetime) -> list[str]:
    """The codes of the change warnings the user confirmed for this measurement; refuses an unconfirmed
    one (a weight or height far from the last, by the site's protocol in force), asking for the
    confirmation."""
    changed = set(changed)
    measures = [(measure, check) for measure, check in (("weight_kg", _check_weight), ("height_cm", _check_height))
                if kind == "measurement" and measure in changed and getattr(item, measure) is not None]
    if not measures:
        return []
    protocol = current_protocol(site=item.patient.site, now=now)
    warnings = []
    for _, check in measures:
        try:
            check(item, protocol)
        except plausibility.ChangeToConfirm as warning:
            warnings.append(warning)
    # Every warning at once: asking about one at a time would drop the tick already given to another.
    pending = [warning for warning in warnings if warning.code not in confirmed]
    if pending:
        raise plausibility.ChangesToConfirm(
            pending=pending, confirmed=[warning for warning in warnings if warning.code in confirmed])
    return [warning.code for warning in warnings]


def _last_measured(item: BodyMeasurement, measure: str) -> plausibility.Earlier | None:
    """The patient's latest other measurement of this measure on or before the new one's date."""
    earlier = (BodyMeasurement.objects.filter(patient_id=item.patient_id, measured_on__lte=item.measured_on,
                                              **{f"{measure}__isnull": False})
               .exclude(pk=item.pk).order_by("-measured_on", "-id").values_list(measure, "measured_on").first())
    return plausibility.Earlier(value=earlier[0], measured_on=earlier[1]) if earlier else None


def _check_weight(item: BodyMeasurement, protocol: ClinicProtocol) -> None:
    plausibility.check_weight_change(weight_kg=item.weight_kg, last=_last_measured(item, "weight_kg"),
                                     settings=protocol.rules(PLAUSIBILITY))


def _check_height(item: BodyMeasurement, protocol: ClinicProtocol) -> None:
    # An adult's height no longer grows: younger patients' heights are not compared.
    adult = eligibility.age_years(item.patient.birth_date, item.measured_on) >= \
        protocol.rules(ELIGIBILITY).adult_age_years
    plausibility.check_height_change(height_cm=item.height_cm, last=_last_measured(item, "height_cm"), adult=adult,
                                     settings=protocol.rules(PLAUSIBILITY))


@transaction.atomic
def remove_intake_item(*, actor: Any, now: datetime, item: models.Model) -> None:
    """Remove an entry made in error; its last values stay in the revision history."""
    kind = intake_kind_of(item)
    patient = item.patient
    before = {field.name: [_plain(getattr(item, field.attname)), None]
              for field in item._meta.concrete_fields if field.name not in {"id", "patient"}}
    record_revision(patient=patient, record=item, actor=actor, now=now, change="delete", changes=before)
    record_event(actor=actor, now=now, action=f"patients.{kind}_removed", subject=item,
                 site_id=patient.site_id)
    item.delete()
    if kind not in NOT_SCREENED:
        intake_changed.send(sender=Patient, patient=patient, actor=actor, now=now)


# The history dates of each kind of entry, and the words a refusal names each by.
HISTORY_DATES = {
    "indication": {"noted_on": "date noted"},
    "medication": {"started_on": "start date", "stopped_on": "stop date"},
    "measurement": {"measured_on": "measurement date"},
    "treatment_trial": {"started_on": "start date", "stopped_on": "stop date"},
    "result": {"taken_on": "date taken"},
}


def _validate_intake_item(kind: str, item: models.Model, *, now: datetime) -> None:
    if kind == "other_diagnosis":
        _validate_diagnosis_dates(item, today=site_today(site=item.patient.site, now=now))
    today = site_today(site=item.patient.site, now=now) if kind in HISTORY_DATES else None
    for name, label in HISTORY_DATES.get(kind, {}).items():
        plausibility.check_history_date(getattr(item, name), today=today, birth_date=item.patient.birth_date,
                                        field=name, label=label)
    if kind == "indication":
        item.icd10_code = icd10.normalise(item.icd10_code)
        indications.check_code_for_indication(indication=item.code, icd10_code=item.icd10_code)
    if kind == "treatment_trial":
        trial_fields.check_fields_for_kind(kind=item.kind, fields={name: getattr(item, name)
                                                                   for name in trial_fields.FIELD_LABELS})
    if kind == "measurement":
        plausibility.check_blood_pressure(systolic_mmhg=item.systolic_mmhg, diastolic_mmhg=item.diastolic_mmhg)
    if kind == "measurement" and all(
        getattr(item, name) is None
        for name in ("weight_kg", "height_cm", "systolic_mmhg", "diastolic_mmhg", "heart_rate_bpm")
    ):
        raise EmptyMeasurement(
            "Enter at least one measurement: weight, height, blood pressure or heart rate.")
    if kind == "measurement" and (item.systolic_mmhg is None) != (item.diastolic_mmhg is None):
        raise EmptyMeasurement("Enter both numbers of the blood pressure, e.g. 128 over 82.",
                               field="diastolic_mmhg" if item.diastolic_mmhg is None else "systolic_mmhg")
    started, stopped = getattr(item, "started_on", None), getattr(item, "stopped_on", None)
    if started and stopped and stopped < started:
        raise DatesOutOfOrder("The stop date is before the start date. Check both dates.", field="stopped_on")


def _coded_diagnosis(fields: dict[str, Any], *, recorded_code: str | None) -> dict[str, Any]:
    """The fields with the code written as the code set writes it and, for a code not recorded
    before, the code set's description; refuses a code the code set does not hold."""
    if "icd10_code" not in fields:
        return fields
    code = icd10.normalise(fields["icd10_code"])
    if code == recorded_code:
        # The description stays as recorded, whatever a later code-set release says.
        return {**fields, "icd10_code": code}
    return {**fields, "icd10_code": code, "description": icd10.describe(code)}


DIAGNOSIS_DATES = {"onset_on": "onset", "resolved_on": "resolved", "noted_on": "noted"}


def _validate_diagnosis_dates(diagnosis: OtherDiagnosis, *, today: date) -> None:
    """No date after today at the site; a current diagnosis is not resolved; resolved after onset."""
    for name, label in DIAGNOSIS_DATES.items():
        value = getattr(diagnosis, name)
        if value is not None and value > today:
            raise DateInFuture(f"The {label} date {day_text(value)} is after today at the site "
                               f"({day_text(today)}). Check the day and the year.", field=name)
    if diagnosis.is_current and diagnosis.resolved_on is not None:
        raise CurrentDiagnosisResolved("A current diagnosis has no resolved date. Clear the resolved date, "
                                       "or mark the diagnosis as past.", field="resolved_on")
    if diagnosis.onset_on and diagnosis.resolved_on and diagnosis.resolved_on < diagnosis.onset_on:
        raise DatesOutOfOrder("The resolved date is before the onset date. Check both dates.",
                              field="resolved_on")
    birth_date = diagnosis.patient.birth_date
    for name, label in DIAGNOSIS_DATES.items():
        value = getattr(diagnosis, name)
        if value is not None and value < birth_date:
            raise DatesOutOfOrder(f"The {label} date {day_text(value)} is before the patient's birth date "
                                  f"({day_text(birth_date)}). Check the day and the year.", field=name)


IcdCodeMismatch = indications.IndicationCodeMismatch
DateInFuture = plausibility.DateInFuture


class CurrentDiagnosisResolved(DomainError):
    code = "CURRENT_DIAGNOSIS_RESOLVED"


class EmptyMeasurement(DomainError):
    code = "MEASUREMENT_INCOMPLETE"


class DatesOutOfOrder(DomainError):
    code = "DATES_OUT_OF_ORDER"


@transaction.atomic
def save_safety_history(*, actor: Any, now: datetime, patient: Patient, answers: dict[str, bool | None],
                        notes: str = "") -> SafetyHistory:
    """Record the safety history items screening reads; each change is kept as a revision."""
    unknown = set(answers) - set(SAFETY_LABELS)
    if unknown:
        raise UnknownSafetyItem(f"Unknown safety history item: {', '.join(sorted(unknown))}.",
                                field=sorted(unknown)[0])
    history = SafetyHistory.objects.select_for_update().filter(patient=patient).first()
    created = history is None
    if created:
        history = SafetyHistory(patient=patient, updated_at=now, updated_by=actor)
    changes = apply_changes(history, {**answers, "notes": notes})
    if not changes and not created:
        return history
    history.updated_at, history.updated_by = now, actor
    history.save()
    record_revision(patient=patient, record=history, actor=actor, now=now,
                    change="create" if created else "update", changes=changes)
    record_event(actor=actor, now=now, action="patients.safety_history_saved", subject=history,
                 site_id=patient.site_id, changed_fields=changes.keys())
    intake_changed.send(sender=Patient, patient=patient, actor=actor, now=now)
    return history


class UnknownSafetyItem(DomainError):
    code = "UNKNOWN_SAFETY_ITEM"


class DocumentRefused(DomainError):
    code = "DOCUMENT_REFUSED"


ALLOWED_DOCUMENT_TYPES = {"application/pdf", "image/jpeg", "image/png", "image/tiff"}
# The first bytes of each allowed type: the browser's claimed type alone is not trusted.
MAGIC_BYTES = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/tiff": (b"II*\x00", b"MM\x00*"),
}


def _content_matches(uploaded_file: Any, content_type: str) -> bool:
    uploaded_file.seek(0)
    head = uploaded_file.read(8)
    uploaded_file.seek(0)
    return head.startswith(MAGIC_BYTES[content_type])


def upload_document(*, actor: Any, now: datetime, patient: Patient, kind: str, document_date: Any,
                    title: str, uploaded_file: Any, max_bytes: int) -> Document:
    """Store a scanned letter or outside record under a random name.

    The file is written first, so a saved row never names a missing file; when the row or its audit
    event is not committed, the file is deleted again. The row is saved in a transaction of its own
    (durable): inside a caller's transaction, a later rollback would leave the file behind."""
    content_type = (getattr(uploaded_file, "content_type", "") or "").lower()
    if content_type not in ALLOWED_DOCUMENT_TYPES:
        raise DocumentRefused("Upload a PDF, JPEG, PNG or TIFF scan.", field="file")
    if not _content_matches(uploaded_file, content_type):
        raise DocumentRefused("The file's contents are not a PDF, JPEG, PNG or TIFF, whatever its name says. "
                              "Scan or export it again as one of those.", field="file")
    plausibility.check_history_date(document_date, today=site_today(site=patient.site, now=now), birth_date=None,
                                    field="document_date", label="date on the document")
    if uploaded_file.size > max_bytes:
        raise DocumentRefused(f"The file is {uploaded_file.size // 1_000_000} MB; the limit is "
                              f"{max_bytes // 1_000_000} MB. Scan at a lower resolution.", field="file")
    document = Document(patient=patient, kind=kind, document_date=document_date, title=title,
                        original_name=uploaded_file.name[-200:], content_type=content_type,
                        size_bytes=uploaded_file.size, storage_key=secrets.token_hex(16),
                        uploaded_by=actor, uploaded_at=now)
    document.file.save(document.storage_key, uploaded_file, save=False)
    try:
        _save_document(document, actor=actor, now=now)
    except BaseException:
        document.file.delete(save=False)
        raise
    return document


@transaction.atomic(durable=True)
def _save_document(document: Document, *, actor: Any, now: datetime) -> None:
    document.full_clean()
    document.save()
    record_event(actor=actor, now=now, action="patients.document_uploaded", subject=document,
                 site_id=document.patient.site_id, data={"kind": document.kind})


@transaction.atomic
def save_referring_clinician(*, actor: Any, now: datetime, referrer: ReferringClinician | None,
                             **fields: Any) -> ReferringClinician:
    """Add a clinician to the organisation's referral directory, or change one. The name is stored
    cleaned as every person's name is, and refused when it holds no letter."""
    if "name" in fields:
        fields["name"] = names.checked_name(fields["name"], field="name", label="clinician's name", required=True)
    if referrer is None:
        referrer = ReferringClinician(organisation_id=actor.organisation_id, **fields)
        changes = {name: [None, _plain(value)] for name, value in fields.items()}
    else:
        referrer = ReferringClinician.objects.select_for_update().get(pk=referrer.pk)
        changes = apply_changes(referrer, fields)
    referrer.full_clean()
    referrer.save()
    record_event(actor=actor, now=now, action="patients.referring_clinician_saved", subject=referrer,
                 changed_fields=changes.keys())
    return referrer


class AllergiesRecorded(DomainError):
    code = "ALLERGIES_RECORDED"


@transaction.atomic
def record_no_known_drug_allergies(*, actor: Any, now: datetime, patient: Patient) -> Patient:
    """Record that the patient, asked, has no known drug allergies: who recorded it and when. Asked
    again later, the newer answer replaces the older; both stay in the revision history."""
    # Lock the row so an allergy added at this moment cannot slip in after the check.
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    substances = list(Allergy.objects.filter(patient=patient).values_list("substance", flat=True))
    if substances:
        raise AllergiesRecorded(
            f"Allergies are recorded for this patient: {', '.join(substances)}. Remove any entered in error "
            "first; while an allergy is listed, the record cannot say 'no known drug allergies'.")
    changes = apply_changes(patient, {"nkda_recorded_at": now, "nkda_recorded_by": actor})
    patient.updated_at = now
    patient.save(update_fields=["nkda_recorded_at", "nkda_recorded_by", "updated_at"])
    record_revision(patient=patient, record=patient, actor=actor, now=now, change="update", changes=changes)
    record_event(actor=actor, now=now, action="patients.nkda_recorded", subject=patient,
                 site_id=patient.site_id, changed_fields=changes.keys())
    return patient

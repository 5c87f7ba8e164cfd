"""The patient registry: register, read, search and change a patient (front desk and clinical staff)."""

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router
from pydantic import AfterValidator, ConfigDict, ValidationInfo
from pydantic_core import PydanticCustomError

from clinic.accounts.access import get_visible_or_404
from clinic.api.v1.errors import InvalidField, responses
from clinic.api.v1.fields import Flag, IsoDate, LongText, Name, OpaqueId, Phone, ShortText, pk_from_id, text
from clinic.api.v1.idempotency import Created, IdempotencyKey, answer_once
from clinic.api.v1.schemas import In, Out, patch_of
from clinic.audit.actions import record_event
from clinic.patients import actions, names, queries
from clinic.patients.models import Patient, ReferringClinician
from clinic.patients.models.registry import Channel, ReferralSource, Sex
from clinic.rules.birth_date import ImplausibleBirthDate, check_birth_date
from clinic.rules.errors import DomainError
from clinic.sites.models import Site
from clinic.sites.queries import site_today

router = Router(tags=["patients"])


class ReferrerNotFound(DomainError):
    code = "REFERRER_NOT_FOUND"


def _stored_name(typed: str, info: ValidationInfo) -> str:
    """A person's name as the record stores it (clinic.patients.names): a name with no letter is a 400
    naming the field, like any other input the schema refuses."""
    try:
        return actions.patient_name(info.field_name, typed)
    except names.NameWithoutLetter as error:
        # A custom error keeps the message as it is, without pydantic's "Value error, ".
        raise PydanticCustomError(error.code, error.message) from None


PersonName = Annotated[Name, AfterValidator(_stored_name)]
OptionalPersonName = Annotated[text(max_length=100), AfterValidator(_stored_name)]
ContactName = Annotated[ShortText, AfterValidator(_stored_name)]


class PatientFields(In):
    given_name: PersonName
    family_name: PersonName
    preferred_name: OptionalPersonName = ""
    birth_date: IsoDate = Field(description="ISO date, e.g. 1980-04-09.")
    sex: Sex
    site_id: OpaqueId = Field(description="One of the caller's sites (GET /api/v1/sites).")
    email: text(max_length=254) = ""
    phone: Phone = ""
    address: LongText = ""
    preferred_channel: Channel = Channel.EMAIL
    emergency_contact_name: ContactName = ""
    emergency_contact_phone: Phone = ""
    emergency_contact_relationship: text(max_length=60) = ""
    escort_name: ContactName = Field(default="", description="Who takes the patient home after an infusion.")
    escort_phone: Phone = ""
    referral_source: ReferralSource = ReferralSource.SELF
    referring_clinician_id: OpaqueId | None = None


class PatientIn(PatientFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "given_name": "Ines", "family_name": "Marlow", "birth_date": "1979-03-14", "sex": "female",
        "site_id": "1", "phone": "555-0190", "preferred_channel": "sms", "escort_name": "Sam Marlow",
        "escort_phone": "555-0191"}]})

    confirm_duplicate: Flag = Field(
        default=False, description="Register even though a patient with this name and date of birth "
                                   "is already registered at the site.")


PatientPatch = patch_of(PatientFields, name="PatientPatch")


class PatientOut(Out):
    id: str
    mrn: str
    site_id: str
    given_name: str
    family_name: str
    preferred_name: str
    birth_date: dt.date
    sex: Sex
    email: str
    phone: str
    address: str
    preferred_channel: Channel
    emergency_contact_name: str
    emergency_contact_phone: str
    emergency_contact_relationship: str
    escort_name: str
    escort_phone: str
    referral_source: ReferralSource
    referring_clinician_id: str | None
    created_at: dt.datetime
    updated_at: dt.datetime


class PatientList(Out):
    items: list[PatientOut]
    count: int = Field(description="How many patients match, over all pages.")


class PatientSearch(In):
    q: text(max_length=100) = Field(
        default="", description="Part of a name (case and accents ignored, one typo in a surname forgiven), an "
                                "MRN, an ISO birth date, or the patient's phone number in any formatting (4 digits "
                                "or more).")
    limit: Annotated[int, Field(ge=1, le=200)] = 50
    offset: Annotated[int, Field(ge=0, le=1_000_000)] = 0


@router.post("/patients", response={201: PatientOut, **responses(400, 401, 409, 422)},
             operation_id="register_patient")
def register_patient(request: HttpRequest, payload: PatientIn,
                     idempotency_key: IdempotencyKey = None) -> HttpResponse:
    """Register a patient at one of the caller's sites; 409 DUPLICATE_PATIENT when one with the same
    name and date of birth is there already, unless confirm_duplicate is true. Names are compared
    without regard to case, accents, invisible characters or full-width letters, and stored as sent
    but in Unicode NFC, without invisible characters and with single spaces; a name with no letter
    is a 400 naming the field."""
    now = timezone.now()
    fields = registry_fields(request=request, payload=payload.model_dump(), now=now)

    def create() -> Created:
        patient = actions.register_patient(actor=request.auth, now=now, **fields)
        return Created(body=PatientOut.from_orm(patient), patient_id=patient.pk)

    return answer_once(request=request, key=idempotency_key, payload=payload, now=now, create=create)


@router.get("/patients", response={200: PatientList, **responses(400, 401)}, operation_id="search_patients")
def search_patients(request: HttpRequest, search: Query[PatientSearch]) -> dict[str, Any]:
    """Patients of the caller's sites whose name, MRN, birth date or phone matches q, by name; those found
    only by forgiving a typo in the surname come after the others."""
    matches = queries.search_patients(user=request.auth, query=search.q)
    patients = list(matches[search.offset:search.offset + search.limit])
    count = matches.count()
    record_event(actor=request.auth, now=timezone.now(), action="api.patients.listed", patients=patients,
                 data={"q": search.q, "limit": search.limit, "offset": search.offset, "count": count})
    return {"items": patients, "count": count}


@router.get("/patients/{patient_id}", response={200: PatientOut, **responses(400, 401, 404)},
            operation_id="read_patient")
def read_patient(request: HttpRequest, patient_id: str) -> Patient:
    patient = visible_patient(request, patient_id)
    record_event(actor=request.auth, now=timezone.now(), action="api.patients.read", subject=patient,
                 site_id=patient.site_id)
    return patient


@router.patch("/patients/{patient_id}", response={200: PatientOut, **responses(400, 401, 404, 422)},
              operation_id="update_patient")
def update_patient(request: HttpRequest, patient_id: str, payload: PatientPatch) -> Patient:
    """Change the registry fields sent; the others stay as they are."""
    now = timezone.now()
    patient = visible_patient(request, patient_id)
    fields = registry_fields(request=request, payload=payload.model_dump(exclude_unset=True), now=now,
                             patient=patient)
    if not any(getattr(patient, name) != value for name, value in fields.items()):
        # Nothing to change, so the action writes nothing: the call still showed the record.
        record_event(actor=request.auth, now=now, action="api.patients.read", subject=patient,
                     site_id=patient.site_id)
        return patient
    return actions.update_patient(actor=request.auth, now=now, patient=patient, **fields)


def visible_patient(request: HttpRequest, patient_id: str) -> Patient:
    """The patient, if the caller works at the patient's site; 404 for missing and not-yours alike."""
    return get_visible_or_404(Patient.objects.select_related("site"), user=request.auth,
                              pk=pk_from_id(patient_id))


def registry_fields(*, request: HttpRequest, payload: dict[str, Any], now: dt.datetime,
                    patient: Patient | None = None) -> dict[str, Any]:
    """The request's fields as the record's: ids become rows the caller may use, and the date of
    birth is checked against today at the patient's site."""
    fields = dict(payload)
    if "site_id" in fields:
        fields["site"] = own_site(request.auth, fields.pop("site_id"))
    if "referring_clinician_id" in fields:
        fields["referring_clinician"] = referrer(request.auth, fields.pop("referring_clinician_id"))
    # A move to a site whose date is behind can make a birth date "after today", as a new date can.
    site = fields.get("site") or (patient.site if patient is not None else None)
    birth_date = fields.get("birth_date") or (patient.birth_date if patient is not None else None)
    if {"birth_date", "site"} & fields.keys() and site is not None and birth_date is not None:
        try:
            check_birth_date(birth_date, today=site_today(site=site, now=now))
        except ImplausibleBirthDate as error:
            raise InvalidField(error.message, field="birth_date") from None
    return fields


def own_site(user: Any, site_id: str) -> Site:
    site = Site.objects.filter(pk=pk_from_id(site_id), pk__in=user.site_ids()).first()
    if site is None:
        # The same answer for a site that does not exist, so ids of other sites stay unknown.
        raise actions.SiteNotYours("You do not work at that site. Choose one of your own sites "
                                   "(GET /api/v1/sites).", field="site_id")
    return site


def referrer(user: Any, clinician_id: str | None) -> ReferringClinician | None:
    if clinician_id is None:
        return None
    clinician = ReferringClinician.objects.filter(pk=pk_from_id(clinician_id),
                                                  organisation_id=user.organisation_id).first()
    if clinician is None:
        raise ReferrerNotFound("There is no referring clinician with that id in your clinic. Check the "
                               "id, or leave referring_clinician_id empty.", field="referring_clinician_id")
    return clinician

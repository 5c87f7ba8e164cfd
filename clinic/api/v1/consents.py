"""Informed consent through the API, for clinical staff only: the site's current consent document, recording
a patient's consent signed on screen (the patient's typed full name, and the drawn strokes where a pad was
used), reading consents exactly as signed, and recording a withdrawal, which stops the open course.

A consent signed on paper is recorded through the Consent tab, where the scan is uploaded with it; the API
records on-screen signatures only."""

import datetime as dt
import zoneinfo
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Router
from pydantic import ConfigDict

from clinic.accounts.access import get_visible_or_404, require_roles
from clinic.accounts.models import CLINICAL_ROLES
from clinic.api.v1.errors import responses
from clinic.api.v1.fields import IsoDateTime, in_zone, pk_from_id, text
from clinic.api.v1.idempotency import Created, IdempotencyKey, answer_once
from clinic.api.v1.intake import clinical_patient
from clinic.api.v1.schemas import In, Out
from clinic.audit.actions import record_event
from clinic.consents import actions, queries
from clinic.consents.models import Consent, ConsentDocument, Method

router = Router(tags=["consents"])

Point = Annotated[list[Annotated[int, Field(ge=0, le=600)]], Field(min_length=2, max_length=2)]


class ConsentIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "document_version": 1, "method": "signed_on_screen", "counselled_at": "2026-11-24T09:10:00-05:00",
        "counselling_note": "Read every section together; questions on driving home answered.",
        "signed_name": "Ana Müller-Ortiz", "signature_strokes": [[[10, 150], [60, 40], [110, 150]]]}]})

    document_version: Annotated[int, Field(ge=1, le=1_000_000)] = Field(description=(
        "The version of the document the patient read (GET /api/v1/patients/{id}/consent-document). Any other "
        "than the current one is refused with 422 CONSENT_DOCUMENT_OUTDATED."))
    method: Literal["signed_on_screen"] = Field(default="signed_on_screen", description=(
        "Only `signed_on_screen` here: a paper consent is recorded with its scan on the Consent tab."))
    counselled_at: IsoDateTime = Field(description="When the clinician counselled the patient; not in the future.")
    counselling_note: text(min_length=1, max_length=10_000) = Field(description=(
        "What was discussed and the patient's questions with the answers given."))
    signed_name: text(min_length=1, max_length=200) = Field(description=(
        "The patient's full name as they typed it; it must match their registered first (or preferred) and "
        "last name, compared without case or accents."))
    signature_strokes: list[Annotated[list[Point], Field(max_length=5_000)]] = Field(
        default_factory=list, max_length=100,
        description="The drawn signature: strokes of [x, y] points in a 600 × 200 box (y at most 200); optional.")


class DocumentParagraphOut(Out):
    text: str
    source: str


class DocumentSectionOut(Out):
    key: str
    heading: str
    paragraphs: list[DocumentParagraphOut]


class DocumentOut(Out):
    version: int
    protocol_version: int = Field(description="The clinic protocol version the text was made from.")
    rules_version: str
    content_hash: str = Field(description="SHA-256 of the text.")
    created_at: dt.datetime
    sections: list[DocumentSectionOut]


class ConsentOut(Out):
    id: str
    patient_id: str
    document: DocumentOut = Field(description="The document exactly as signed.")
    protocol_version: int = Field(description="The clinic protocol version in force when the patient signed.")
    rules_version: str
    method: Method
    counselled_by: str = Field(description="The id of the clinician who counselled and recorded.")
    counselled_by_name: str
    counselled_at: dt.datetime
    counselling_note: str
    signed_name: str
    signature_strokes: list[list[list[int]]]
    signed_at: dt.datetime
    withdrawn_at: dt.datetime | None
    withdrawn_by: str | None
    withdrawal_reason: str
    current: bool = Field(description="Whether this consent is the patient's consent in force now.")


class ConsentList(Out):
    items: list[ConsentOut]
    count: int
    state: Literal["CURRENT", "NONE", "OUTDATED", "WITHDRAWN"] = Field(description="The patient's consent state.")
    message: str


class WithdrawIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"reason": "Does not want further infusions."}]})

    reason: text(min_length=1, max_length=2_000) = Field(description="Why the patient withdraws.")


@router.get("/patients/{patient_id}/consent-document", response={200: DocumentOut, **responses(400, 401, 403, 404)},
            operation_id="read_current_consent_document")
def read_current_document(request: HttpRequest, patient_id: str) -> dict[str, Any]:
    """The consent document the patient signs now: the text the site's protocol in force gives."""
    patient = clinical_patient(request, patient_id)
    now = timezone.now()
    document = actions.current_document(site=patient.site, now=now)
    record_event(actor=request.auth, now=now, action="api.consents.document_read", patients=[patient],
                 site_id=patient.site_id, data={"document_version": document.version})
    return document_out(document, zone=patient.site.time_zone)


@router.post("/patients/{patient_id}/consents", response={201: ConsentOut, **responses(400, 401, 403, 404, 409, 422)},
             operation_id="record_consent")
def record_consent(request: HttpRequest, patient_id: str, payload: ConsentIn,
                   idempotency_key: IdempotencyKey = None) -> HttpResponse:
    """Record the counselling and the patient's consent signed on screen. 422 CONSENT_DOCUMENT_OUTDATED when
    the document version is not the current one; 422 CONSENT_ALREADY_CURRENT when the patient already consented
    on it; 422 CONSENT_REFUSED naming the field for a name that is not the patient's or a time in the future."""
    now = timezone.now()
    patient = clinical_patient(request, patient_id)

    def create() -> Created:
        consent = actions.record_consent(
            actor=request.auth, now=now, patient=patient, document_version=payload.document_version,
            method=Method.SIGNED_ON_SCREEN, counselled_at=in_zone(payload.counselled_at, patient.site.time_zone),
            counselling_note=payload.counselling_note, signed_name=payload.signed_name,
            signature_strokes=payload.signature_strokes)
        return Created(body=ConsentOut.model_validate(consent_out(consent, now=now)), patient_id=patient.pk)

    return answer_once(request=request, key=idempotency_key, payload=payload, now=now, create=create)


@router.get("/patients/{patient_id}/consents", response={200: ConsentList, **responses(400, 401, 403, 404)},
            operation_id="list_consents")
def list_consents(request: HttpRequest, patient_id: str) -> dict[str, Any]:
    """The patient's consents, newest first, each with the document as signed; and their consent state."""
    patient = clinical_patient(request, patient_id)
    now = timezone.now()
    state = queries.consent_state(patient=patient, now=now)
    found = list(queries.consents(patient=patient))
    record_event(actor=request.auth, now=now, action="api.consents.listed", patients=[patient],
                 site_id=patient.site_id, data={"count": len(found), "state": state.code})
    return {"items": [consent_out(consent, now=now, state=state) for consent in found], "count": len(found),
            "state": state.code, "message": state.message}


@router.get("/consents/{consent_id}", response={200: ConsentOut, **responses(400, 401, 403, 404)},
            operation_id="read_consent")
def read_consent(request: HttpRequest, consent_id: str) -> dict[str, Any]:
    """One consent exactly as signed."""
    consent = _visible_consent(request, consent_id)
    now = timezone.now()
    record_event(actor=request.auth, now=now, action="api.consents.read", patients=[consent.patient_id],
                 site_id=consent.patient.site_id, data={"consent": consent.pk})
    return consent_out(consent, now=now)


@router.post("/consents/{consent_id}/withdraw", response={200: ConsentOut, **responses(400, 401, 403, 404, 409, 422)},
             operation_id="withdraw_consent")
def withdraw_consent(request: HttpRequest, consent_id: str, payload: WithdrawIn) -> dict[str, Any]:
    """Record that the patient withdrew this consent; their open course stops in the same transaction.
    422 CONSENT_ALREADY_WITHDRAWN on a second withdrawal (the first stands); 422 CONSENT_SUPERSEDED for a consent
    a later one replaced: only the consent in force is withdrawn."""
    consent = _visible_consent(request, consent_id)
    now = timezone.now()
    withdrawn = actions.withdraw_consent(actor=request.auth, now=now, consent=consent, reason=payload.reason)
    return consent_out(withdrawn, now=now)


def _visible_consent(request: HttpRequest, consent_id: str) -> Consent:
    require_roles(request.auth, CLINICAL_ROLES)
    return get_visible_or_404(
        Consent.objects.select_related("patient__site", "document__protocol", "protocol", "counselled_by",
                                       "withdrawn_by"), user=request.auth, pk=pk_from_id(consent_id))


def document_out(document: ConsentDocument, *, zone: str) -> dict[str, Any]:
    return {"version": document.version, "protocol_version": document.protocol.version,
            "rules_version": document.rules_version, "content_hash": document.content_hash,
            "created_at": document.created_at.astimezone(zoneinfo.ZoneInfo(zone)), "sections": document.sections}


def consent_out(consent: Consent, *, now: dt.datetime, state: queries.ConsentState | None = None) -> dict[str, Any]:
    patient = consent.patient
    zone = zoneinfo.ZoneInfo(patient.site.time_zone)
    state = state or queries.consent_state(patient=patient, now=now)
    return {
        "id": str(consent.pk), "patient_id": str(patient.pk),
        "document": document_out(consent.document, zone=patient.site.time_zone),
        "protocol_version": consent.protocol.version, "rules_version": consent.rules_version,
        "method": consent.method, "counselled_by": str(consent.counselled_by_id),
        "counselled_by_name": str(consent.counselled_by), "counselled_at": consent.counselled_at.astimezone(zone),
        "counselling_note": consent.counselling_note, "signed_name": consent.signed_name,
        "signature_strokes": consent.signature_strokes, "signed_at": consent.signed_at.astimezone(zone),
        "withdrawn_at": consent.withdrawn_at.astimezone(zone) if consent.withdrawn_at else None,
        "withdrawn_by": str(consent.withdrawn_by_id) if consent.withdrawn_by_id else None,
        "withdrawal_reason": consent.withdrawal_reason,
        "current": state.current and state.consent is not None and state.consent.pk == consent.pk,
    }

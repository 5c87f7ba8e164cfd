"""Clinical alerts and suicide risk assessments (design §4.4), for clinical staff only: the alerts of
the caller's sites, their acknowledgement with the action taken, and the clinician's suicide risk
assessment, the record that lifts HS_SUICIDE_HIGH for screening. Prescribers and medical directors
acknowledge alerts and record assessments."""

import datetime as dt
import zoneinfo
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router
from pydantic import ConfigDict

from clinic.accounts.access import get_visible_or_404, require_roles
from clinic.accounts.models import CLINICAL_ROLES, PRESCRIBING_ROLES
from clinic.api.v1.errors import InvalidField, responses
from clinic.api.v1.fields import IsoDateTime, LongText, OpaqueId, in_zone, pk_from_id, text
from clinic.api.v1.idempotency import Created, IdempotencyKey, answer_once
from clinic.api.v1.intake import clinical_patient
from clinic.api.v1.schemas import In, Out
from clinic.audit.actions import record_event
from clinic.patients.models import Patient
from clinic.questionnaires import actions, queries
from clinic.questionnaires.models import (
    Alert,
    AlertKind,
    AlertStatus,
    AssessmentOutcome,
    AssessmentRisk,
    SuicideRiskAssessment,
)

router = Router(tags=["alerts"])

RequiredText = text(min_length=1, max_length=5000)


class ClinicalAlertOut(Out):
    id: str
    patient_id: str
    code: str = Field(description="The alert as the scale raised it, e.g. SUICIDE_RISK_HIGH.")
    kind: AlertKind
    raised_at: dt.datetime = Field(description="With the patient's site's UTC offset.")
    status: AlertStatus
    acknowledged_by: str | None = Field(description="The id of the staff member who acknowledged it.")
    action_taken: str | None = Field(description="What was done, as recorded on acknowledgement; null while open.")
    acknowledged_at: dt.datetime | None
    item: int | None = Field(description="The item that raised it, where one did.")
    message: str
    high: bool = Field(description="High risk: the site's on-call clinician was told as well as the prescriber.")
    response_id: str | None = Field(description="The questionnaire response that raised it.")


class ClinicalAlertList(Out):
    items: list[ClinicalAlertOut]
    count: int = Field(description="How many alerts match, over all pages.")


class AlertSearch(In):
    status: Literal["open", "acknowledged"] | None = Field(default=None, description="Left out: both, open first.")
    limit: Annotated[int, Field(ge=1, le=200)] = 50
    offset: Annotated[int, Field(ge=0, le=1_000_000)] = 0


class AcknowledgeIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "action_taken": "Called the patient; safety plan reviewed; seen today at 14:00."}]})

    action_taken: RequiredText = Field(description="What was done about the alert.")


class AssessmentIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "risk_level": "moderate", "protective_factors": "Lives with partner; engaged in care.",
        "safety_plan": "Safety plan reviewed; 988 and clinic numbers given.", "outcome": "proceed"}]})

    assessed_at: IsoDateTime | None = Field(default=None, description=(
        "When the assessment was made (not in the future); now when left out. Without an offset, in the "
        "site's time zone."))
    risk_level: AssessmentRisk
    protective_factors: RequiredText
    safety_plan: RequiredText
    outcome: AssessmentOutcome = Field(description=(
        "`proceed` made the day of a high-risk C-SSRS screener or of the infusion lifts HS_SUICIDE_HIGH for "
        "screening; `hold_treatment` and `refer_emergency` keep it."))
    notes: LongText = ""
    alert_id: OpaqueId | None = Field(default=None, description="The patient's alert this assessment answers.")


class AssessmentOut(Out):
    id: str
    patient_id: str
    assessed_by: str = Field(description="The id of the clinician who assessed.")
    assessed_by_name: str
    assessed_at: dt.datetime = Field(description="With the patient's site's UTC offset.")
    risk_level: AssessmentRisk
    protective_factors: str
    safety_plan: str
    outcome: AssessmentOutcome
    notes: str
    alert_id: str | None
    recorded_at: dt.datetime


class AssessmentList(Out):
    items: list[AssessmentOut]
    count: int


class Page(In):
    limit: Annotated[int, Field(ge=1, le=200)] = 50
    offset: Annotated[int, Field(ge=0, le=1_000_000)] = 0


# Alerts


@router.get("/alerts", response={200: ClinicalAlertList, **responses(400, 401, 403)}, operation_id="list_alerts")
def list_alerts(request: HttpRequest, search: Query[AlertSearch]) -> dict[str, Any]:
    """Alerts of the caller's sites, newest first."""
    require_roles(request.auth, CLINICAL_ROLES)
    found = queries.inbox(user=request.auth, status=search.status)
    page = list(found[search.offset:search.offset + search.limit])
    count = found.count()
    record_event(actor=request.auth, now=timezone.now(), action="api.alerts.listed",
                 patients=[alert.patient_id for alert in page],
                 data={"status": search.status, "count": count, "limit": search.limit, "offset": search.offset})
    return {"items": [alert_out(alert) for alert in page], "count": count}


@router.post("/alerts/{alert_id}/acknowledge", response={200: ClinicalAlertOut, **responses(400, 401, 403, 404, 409)},
             operation_id="acknowledge_alert")
def acknowledge_alert(request: HttpRequest, alert_id: str, payload: AcknowledgeIn) -> dict[str, Any]:
    """Record the action taken on the alert. 409 ALERT_ALREADY_ACKNOWLEDGED on a second acknowledgement:
    the first one's action stands. Acknowledging does not lift HS_SUICIDE_HIGH; a risk assessment does."""
    if request.auth.role not in PRESCRIBING_ROLES:
        raise PermissionDenied("Only prescribers and medical directors acknowledge clinical alerts. Tell the "
                               "patient's prescriber or the site's on-call clinician.")
    alert = get_visible_or_404(Alert.objects, user=request.auth, pk=pk_from_id(alert_id))
    try:
        acknowledged = actions.acknowledge_alert(alert=alert, actor=request.auth, now=timezone.now(),
                                                 action_taken=payload.action_taken)
    except actions.ActionTakenRequired as error:
        raise InvalidField(error.message, field="action_taken") from None
    return alert_out(acknowledged)


def alert_out(alert: Alert) -> dict[str, Any]:
    zone = zoneinfo.ZoneInfo(alert.patient.site.time_zone)
    return {
        "id": alert.pk, "patient_id": alert.patient_id, "code": alert.code, "kind": alert.kind,
        "raised_at": alert.raised_at.astimezone(zone), "status": alert.status,
        "acknowledged_by": _id(alert.acknowledged_by_id), "action_taken": alert.action_taken or None,
        "acknowledged_at": alert.acknowledged_at.astimezone(zone) if alert.acknowledged_at else None,
        "item": alert.item, "message": alert.message, "high": alert.high, "response_id": _id(alert.response_id),
    }


def _id(pk: int | None) -> str | None:
    return None if pk is None else str(pk)


# Suicide risk assessments


@router.post("/patients/{patient_id}/suicide-risk-assessments",
             response={201: AssessmentOut, **responses(400, 401, 403, 404, 409)},
             operation_id="record_suicide_risk_assessment")
def record_assessment(request: HttpRequest, patient_id: str, payload: AssessmentIn,
                      idempotency_key: IdempotencyKey = None) -> HttpResponse:
    """Record a clinician's suicide risk assessment: who (the caller), when, the risk level, protective
    factors, the safety plan and the outcome."""
    now = timezone.now()
    if request.auth.role not in PRESCRIBING_ROLES:
        raise PermissionDenied("Only prescribers and medical directors record a suicide risk assessment. Ask "
                               "the patient's prescriber or the site's on-call clinician.")
    patient = clinical_patient(request, patient_id)
    alert = patients_alert(request, patient, payload.alert_id)
    assessed_at = now if payload.assessed_at is None else in_zone(payload.assessed_at, patient.site.time_zone)

    def create() -> Created:
        try:
            assessment = actions.record_risk_assessment(
                patient=patient, actor=request.auth, now=now, assessed_at=assessed_at,
                risk_level=payload.risk_level, protective_factors=payload.protective_factors,
                safety_plan=payload.safety_plan, outcome=payload.outcome, notes=payload.notes, alert=alert)
        except actions.AssessmentIncomplete as error:
            raise InvalidField(error.message, field=error.field or "body") from None
        return Created(body=AssessmentOut.model_validate(assessment_out(assessment, patient=patient)),
                       patient_id=patient.pk)

    return answer_once(request=request, key=idempotency_key, payload=payload, now=now, create=create)


@router.get("/patients/{patient_id}/suicide-risk-assessments",
            response={200: AssessmentList, **responses(400, 401, 403, 404)},
            operation_id="list_suicide_risk_assessments")
def list_assessments(request: HttpRequest, patient_id: str, page: Query[Page]) -> dict[str, Any]:
    """The patient's suicide risk assessments, the latest assessed first."""
    patient = clinical_patient(request, patient_id)
    found = queries.risk_assessments(patient=patient).order_by("-assessed_at", "-id")
    rows = list(found[page.offset:page.offset + page.limit])
    count = found.count()
    record_event(actor=request.auth, now=timezone.now(), action="api.questionnaires.risk_assessments_listed",
                 patients=[patient], site_id=patient.site_id, data={"count": count})
    return {"items": [assessment_out(row, patient=patient) for row in rows], "count": count}


@router.get("/suicide-risk-assessments/{assessment_id}",
            response={200: AssessmentOut, **responses(400, 401, 403, 404)},
            operation_id="read_suicide_risk_assessment")
def read_assessment(request: HttpRequest, assessment_id: str) -> dict[str, Any]:
    require_roles(request.auth, CLINICAL_ROLES)
    assessment = get_visible_or_404(SuicideRiskAssessment.objects.select_related("assessed_by", "patient__site"),
                                    user=request.auth, pk=pk_from_id(assessment_id))
    patient = assessment.patient
    record_event(actor=request.auth, now=timezone.now(), action="api.questionnaires.risk_assessment_read",
                 patients=[patient], subject=assessment, site_id=patient.site_id)
    return assessment_out(assessment, patient=patient)


def patients_alert(request: HttpRequest, patient: Patient, alert_id: str | None) -> Alert | None:
    if alert_id is None:
        return None
    alert = Alert.objects.visible_to(request.auth).filter(pk=pk_from_id(alert_id), patient=patient).first()
    if alert is None:
        raise InvalidField("This patient has no alert with that id. Check the id (GET /api/v1/alerts), or "
                           "leave alert_id out.", field="alert_id")
    return alert


def assessment_out(assessment: SuicideRiskAssessment, *, patient: Patient) -> dict[str, Any]:
    zone = zoneinfo.ZoneInfo(patient.site.time_zone)
    return {
        "id": assessment.pk, "patient_id": assessment.patient_id, "assessed_by": str(assessment.assessed_by_id),
        "assessed_by_name": str(assessment.assessed_by), "assessed_at": assessment.assessed_at.astimezone(zone),
        "risk_level": assessment.risk_level, "protective_factors": assessment.protective_factors,
        "safety_plan": assessment.safety_plan, "outcome": assessment.outcome, "notes": assessment.notes,
        "alert_id": _id(assessment.alert_id), "recorded_at": assessment.recorded_at.astimezone(zone),
    }

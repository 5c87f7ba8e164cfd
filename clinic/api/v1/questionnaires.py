"""Stored questionnaire responses (design §4.4), for clinical staff only: submit one, scored by the rules'
scale and stored with its answers, the scale's version, the mode and who entered it; and read a patient's
responses, newest first. A response that raises an alert opens the clinical alert in the same
transaction (clinic.questionnaires.actions.submit_response)."""

import datetime as dt
import zoneinfo
from collections.abc import Sequence
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from ninja import Field, Query, Router
from pydantic import ConfigDict

from clinic.api.v1.errors import InvalidField, error_response, responses
from clinic.api.v1.idempotency import Created, IdempotencyKey, answer_once
from clinic.api.v1.instruments import Answer, Number, ScoreContext, json_number
from clinic.api.v1.intake import clinical_patient
from clinic.api.v1.schemas import In, Out
from clinic.audit.actions import record_event
from clinic.patients.models import Patient
from clinic.questionnaires import actions, queries
from clinic.questionnaires.models import EnteredBy, Mode, QuestionnaireResponse
from clinic.rules import scales
from clinic.rules.scales.base import AnswerError

router = Router(tags=["questionnaires"])

InstrumentCode = Literal[tuple(scales.INSTRUMENTS)]
# How a response may have come in, by who entered it: a patient answers on a clinic tablet or from their
# sign-in link; staff type in a paper form, rate a clinician-rated scale, or enter answers on the tablet.
MODES_OF = {
    EnteredBy.PATIENT: (Mode.TABLET, Mode.REMOTE),
    EnteredBy.STAFF: (Mode.PAPER, Mode.INTERVIEW, Mode.TABLET),
}


class ResponseIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "instrument": "phq9", "answers": [1, 2, 1, 2, 1, 1, 1, 1, 1], "context": {}, "entered_by": "staff",
        "mode": "paper"}]})

    instrument: InstrumentCode = Field(description="The scale's code, as GET /api/v1/instruments lists it.")
    answers: list[Answer] = Field(max_length=100, description=(
        "One answer per item in the published order, as for POST /api/v1/instruments/{code}/score."))
    context: ScoreContext = Field(default_factory=ScoreContext)
    entered_by: EnteredBy = Field(default=EnteredBy.STAFF, description=(
        "`patient` when the patient answered themselves: the patient is then the actor of the response and "
        "of its audit event (actor kind \"patient\"), and the caller is recorded as the staff member who "
        "handed the questionnaire over. `staff` (the default) when the caller entered it."))
    mode: Mode | None = Field(default=None, description=(
        "`tablet` (on a clinic tablet), `paper` (typed in from a paper form), `remote` (the patient's own "
        "link) or `interview` (rated by a clinician). A patient enters `tablet` or `remote`; staff enter "
        "`paper`, `interview` or `tablet`. Left out: `tablet` for a patient, `interview` for a "
        "clinician-rated scale, `paper` otherwise."))


class ResponseAlertOut(Out):
    code: str
    item: int | None
    message: str
    alert_id: str | None = Field(description="The clinical alert this opened (GET /api/v1/alerts).")


class ResponseOut(Out):
    id: str
    instrument: str
    total: Number | None
    severity: str | None = Field(description="The band's code; null where the scale has no bands.")
    risk: str | None = Field(description="C-SSRS: low, moderate or high; else null.")
    alerts: list[ResponseAlertOut]
    authored: dt.datetime = Field(description="When it was submitted, with the site's UTC offset.")
    answers: list[Number | None]
    scale_version: str = Field(description="The version of the scale's items and scoring that gave the total.")
    mode: Mode
    entered_by: EnteredBy


class ResponseList(Out):
    items: list[ResponseOut]
    count: int = Field(description="How many responses match, over all pages.")


class ResponseSearch(In):
    instrument: InstrumentCode | None = Field(default=None, description="Only this scale's responses.")
    limit: Annotated[int, Field(ge=1, le=200)] = 50
    offset: Annotated[int, Field(ge=0, le=1_000_000)] = 0


@router.post("/patients/{patient_id}/questionnaire-responses",
             response={201: ResponseOut, **responses(400, 401, 403, 404, 409, 422)},
             operation_id="submit_questionnaire_response")
def submit_response(request: HttpRequest, patient_id: str, payload: ResponseIn,
                    idempotency_key: IdempotencyKey = None) -> HttpResponse:
    """Score and store a completed questionnaire. Every alert the scale raises (PHQ-9 item 9 above 0, a
    C-SSRS screener at moderate or high risk, …) opens a clinical alert in the same transaction, for the
    patient's prescriber and, at high risk, the site's on-call clinician. 400 names every item whose
    answer is out of range or missing; 422 CLINICIAN_RATED for a clinician-rated scale sent as the
    patient's. With `entered_by` `patient` the audit trail names the patient as the actor."""
    now = timezone.now()
    patient = clinical_patient(request, patient_id)
    mode = response_mode(payload)
    actor = (actions.PatientActor(patient, handed_over_by=request.auth) if payload.entered_by == EnteredBy.PATIENT
             else request.auth)

    def create() -> Created:
        response = actions.submit_response(patient=patient, instrument=payload.instrument, answers=payload.answers,
                                           actor=actor, now=now, mode=mode,
                                           context=payload.context.model_dump(exclude_none=True))
        return Created(body=ResponseOut.model_validate(response_out(response, patient=patient)),
                       patient_id=patient.pk)

    try:
        return answer_once(request=request, key=idempotency_key, payload=payload, now=now, create=create)
    except AnswerError as error:
        return answers_refused(error, instrument=payload.instrument, answers=payload.answers)


@router.get("/patients/{patient_id}/questionnaire-responses",
            response={200: ResponseList, **responses(400, 401, 403, 404)}, operation_id="list_questionnaire_responses")
def list_responses(request: HttpRequest, patient_id: str, search: Query[ResponseSearch]) -> dict[str, Any]:
    """The patient's submitted responses, newest first; `instrument` keeps one scale's history."""
    patient = clinical_patient(request, patient_id)
    found = queries.submitted(patient=patient).prefetch_related("raised_alerts")
    if search.instrument is not None:
        found = found.filter(instrument=search.instrument)
    page = list(found[search.offset:search.offset + search.limit])
    count = found.count()
    record_event(actor=request.auth, now=timezone.now(), action="api.questionnaires.responses_listed",
                 patients=[patient], site_id=patient.site_id,
                 data={"instrument": search.instrument, "count": count, "limit": search.limit,
                       "offset": search.offset})
    return {"items": [response_out(response, patient=patient) for response in page], "count": count}


def response_mode(payload: ResponseIn) -> str:
    """The mode sent, or the one a response entered this way has; a mode the entrant cannot have used is
    a 400 naming the field."""
    if payload.mode is None:
        if payload.entered_by == EnteredBy.PATIENT:
            return Mode.TABLET
        return Mode.PAPER if scales.instrument(payload.instrument).completed_by == "patient" else Mode.INTERVIEW
    if payload.mode not in MODES_OF[payload.entered_by]:
        fitting = " or ".join(f"\"{mode}\"" for mode in MODES_OF[payload.entered_by])
        raise InvalidField(f"A response entered by {payload.entered_by.label.lower()} comes in as {fitting}. "
                           "Send the mode it came in by, or the entered_by that fits it.", field="mode")
    return payload.mode


def response_out(response: QuestionnaireResponse, *, patient: Patient) -> dict[str, Any]:
    zone = zoneinfo.ZoneInfo(patient.site.time_zone)
    # The action opens one alert per alert the scale raised, in the scale's order.
    opened = iter(sorted(response.raised_alerts.all(), key=lambda alert: alert.pk))
    return {
        "id": response.pk, "instrument": response.instrument, "total": json_number(response.total),
        "severity": response.severity or None, "risk": response.risk or None,
        "alerts": [{**raised, "alert_id": _id(next(opened, None))} for raised in response.alerts],
        "authored": response.submitted_at.astimezone(zone), "answers": response.answers,
        "scale_version": response.scale_version, "mode": response.mode, "entered_by": response.entered_by,
    }


def _id(row: Any) -> str | None:
    return None if row is None else str(row.pk)


def answers_refused(error: AnswerError, *, instrument: str, answers: Sequence[Any]) -> JsonResponse:
    """400 with one detail per item at fault, each with its own message where the scale gives one."""
    try:
        by_item = actions.check_answers(instrument, answers)
    except AnswerError:
        by_item = {}
    details = ([{"item": str(number), "message": message} for number, message in sorted(by_item.items())]
               or [{"item": item, "message": error.message} for item in error.items]
               or [{"field": error.field or "answers", "message": error.message}])
    return error_response(status=400, code=error.code, message=error.message, details=details)

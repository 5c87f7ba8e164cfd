"""Screening runs and eligibility decisions (design §4.4), for clinical staff only: a run of the eligibility
rules on the current intake, an earlier run read unchanged, signing a decision on the latest run (prescribers
and medical directors), addenda, and the patient's eligibility on a day."""

import datetime as dt
import zoneinfo
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router
from pydantic import ConfigDict

from clinic.accounts.access import get_visible_or_404, require_roles
from clinic.accounts.models import CLINICAL_ROLES, PRESCRIBING_ROLES
from clinic.api.v1.errors import InvalidField, error_response, responses
from clinic.api.v1.fields import IsoDate, LongText, OpaqueId, pk_from_id, text
from clinic.api.v1.idempotency import Created, IdempotencyKey, answer_once
from clinic.api.v1.intake import clinical_patient
from clinic.api.v1.schemas import In, Out
from clinic.audit.actions import record_event
from clinic.patients.models import Patient
from clinic.screening import actions, queries
from clinic.screening.models import EligibilityDecision, Outcome, ScreeningRun, Trigger
from clinic.sites.queries import site_today

router = Router(tags=["screening"])

RequiredText = text(min_length=1, max_length=5000)
FindingKindText = Literal["hard_stop", "caution", "information"]
OutcomeText = Literal["eligible", "eligible_with_conditions", "not_eligible"]


class FindingOut(Out):
    code: str = Field(description="The rule's stable code, e.g. HS_AGE, CA_SUD_HISTORY, IN_TRD.")
    kind: FindingKindText
    data: dict[str, Any] = Field(description="What triggered it, JSON-plain (dates as ISO text, decimals as text).")
    source: str
    title: str
    message: str
    urgent: bool
    blocks_infusion_start: bool


class ScreeningOut(Out):
    id: str
    patient_id: str
    number: int = Field(description="The run's number for this patient, 1 for the first.")
    run_at: dt.datetime = Field(description="With the patient's site's UTC offset.")
    trigger: Literal["manual", "intake_changed", "api"]
    run_by: str | None = Field(description="The id of the staff member who asked; null for a run on an intake change.")
    screened_for: dt.date = Field(description="The infusion day screened for: the site's today at the run.")
    rules_version: str
    protocol_version: str = Field(description="The site's clinic protocol version the rules screened with, e.g. v3.")
    findings: list[FindingOut]


class CautionDecisionIn(In):
    code: str = Field(max_length=40, description="A caution's code on the run.")
    decision: RequiredText = Field(description="The prescriber's written decision on it.")


class DecisionIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "screening_id": "12", "outcome": "eligible", "summary": "Suitable for an induction course.",
        "caution_decisions": [{"code": "CA_SUD_HISTORY", "decision": "In remission 6 years; proceed."}]}]})

    screening_id: OpaqueId = Field(description="The run reviewed: the patient's latest, else 409 SCREENING_CHANGED.")
    outcome: OutcomeText
    summary: RequiredText
    conditions: LongText = Field(default="", description="Required for eligible_with_conditions, empty otherwise.")
    caution_decisions: list[CautionDecisionIn] = Field(default_factory=list, max_length=50, description=(
        "One per caution of the run; every caution needs one unless the outcome is not_eligible."))


class CautionDecisionOut(Out):
    code: str
    title: str
    message: str
    decision: str


class AddendumOut(Out):
    id: str
    text: str
    written_by: str
    written_at: dt.datetime


class DecisionOut(Out):
    id: str
    patient_id: str
    screening_id: str
    outcome: OutcomeText
    summary: str
    conditions: str
    signed_by: str
    signed_by_name: str
    signed_at: dt.datetime
    rules_version: str
    protocol_version: str
    caution_decisions: list[CautionDecisionOut]
    addenda: list[AddendumOut]


class AddendumIn(In):
    text: RequiredText


class EligibilityOut(Out):
    patient_id: str
    on: dt.date
    eligible: bool
    code: Literal["ELIGIBLE", "NO_DECISION", "NOT_ELIGIBLE", "HARD_STOP", "NEW_CAUTION"]
    message: str
    decision_id: str | None
    findings: list[FindingOut] = Field(description="The hard stops or the cautions not addressed that make it so.")


class EligibilityQuery(In):
    on: IsoDate | None = Field(default=None, description="The infusion day asked about; the site's today if left out.")


# Screening runs


@router.post("/patients/{patient_id}/screenings", response={201: ScreeningOut, **responses(400, 401, 403, 404, 409)},
             operation_id="run_screening")
def run_screening(request: HttpRequest, patient_id: str, idempotency_key: IdempotencyKey = None) -> HttpResponse:
    """Run the eligibility rules on the current intake with the site's protocol in force, and keep the run."""
    now = timezone.now()
    patient = clinical_patient(request, patient_id)

    def create() -> Created:
        run = actions.screen_patient(patient=patient, actor=request.auth, now=now, trigger=Trigger.API)
        return Created(body=ScreeningOut.model_validate(screening_out(run, patient=patient)), patient_id=patient.pk)

    return answer_once(request=request, key=idempotency_key, payload=In(), now=now, create=create)


@router.get("/screenings/{screening_id}", response={200: ScreeningOut, **responses(400, 401, 403, 404)},
            operation_id="read_screening")
def read_screening(request: HttpRequest, screening_id: str) -> dict[str, Any]:
    """An earlier run, exactly as it was made."""
    require_roles(request.auth, CLINICAL_ROLES)
    run = get_visible_or_404(ScreeningRun.objects.select_related("protocol", "patient__site"), user=request.auth,
                             pk=pk_from_id(screening_id))
    record_event(actor=request.auth, now=timezone.now(), action="api.screening.run_read", subject=run,
                 site_id=run.patient.site_id)
    return screening_out(run, patient=run.patient)


def screening_out(run: ScreeningRun, *, patient: Patient) -> dict[str, Any]:
    zone = zoneinfo.ZoneInfo(patient.site.time_zone)
    return {"id": run.pk, "patient_id": run.patient_id, "number": run.number, "run_at": run.run_at.astimezone(zone),
            "trigger": run.trigger, "run_by": None if run.run_by_id is None else str(run.run_by_id),
            "screened_for": run.screened_for, "rules_version": run.rules_version,
            "protocol_version": run.protocol.label, "findings": run.findings}


# Eligibility decisions


@router.post("/patients/{patient_id}/eligibility-decisions",
             response={201: DecisionOut, **responses(400, 401, 403, 404, 409, 422)},
             operation_id="sign_eligibility_decision")
def sign_decision(request: HttpRequest, patient_id: str, payload: DecisionIn,
                  idempotency_key: IdempotencyKey = None) -> HttpResponse:
    """Sign one decision on the patient's latest run. 422 HARD_STOP_UNRESOLVED for eligible over a hard stop;
    409 SCREENING_CHANGED when a newer run exists, 409 DECISION_ALREADY_SIGNED for a second signature on a run;
    400 naming a caution left without a written decision. A signed decision is never changed: add an addendum."""
    now = timezone.now()
    _require_prescriber(request, "sign eligibility decisions")
    patient = clinical_patient(request, patient_id)
    run = ScreeningRun.objects.filter(patient=patient, pk=pk_from_id(payload.screening_id)).first()
    if run is None:
        raise InvalidField("This patient has no screening run with that id. Run one (POST "
                           f"/api/v1/patients/{patient.pk}/screenings) and sign on it.", field="screening_id")
    decided = {}
    for row in payload.caution_decisions:
        if row.code in decided:
            raise InvalidField(f"{row.code} is given twice. Give one decision per caution.", field="caution_decisions")
        decided[row.code] = row.decision

    def create() -> Created:
        try:
            decision = actions.sign_decision(actor=request.auth, now=now, patient=patient, screening_run=run,
                                             outcome=payload.outcome, summary=payload.summary,
                                             conditions=payload.conditions, caution_decisions=decided)
        except actions.DecisionIncomplete as error:
            raise InvalidField(error.message, field=_api_field(error.field)) from None
        decision = queries.decisions(patient=patient).get(pk=decision.pk)
        return Created(body=DecisionOut.model_validate(decision_out(decision, patient=patient)), patient_id=patient.pk)

    try:
        return answer_once(request=request, key=idempotency_key, payload=payload, now=now, create=create)
    except (actions.ScreeningChanged, actions.AlreadySigned) as error:
        if isinstance(error, actions.ScreeningChanged):
            # Under an Idempotency-Key the refused call rolled back whole, with the run the signing kept for
            # review: keep it again (nothing is kept when the latest run still shows the screening).
            actions.screen_if_changed(patient=patient, actor=request.auth, now=now)
        return error_response(status=409, code=error.code, message=error.message,
                              details=[{"field": "screening_id", "message": error.message}])


def _api_field(field: str | None) -> str:
    if field and field.startswith("caution_"):
        return f"caution_decisions.{field.removeprefix('caution_')}"
    return field or "body"


@router.get("/eligibility-decisions/{decision_id}", response={200: DecisionOut, **responses(400, 401, 403, 404)},
            operation_id="read_eligibility_decision")
def read_decision(request: HttpRequest, decision_id: str) -> dict[str, Any]:
    require_roles(request.auth, CLINICAL_ROLES)
    decision = _visible_decision(request, decision_id)
    record_event(actor=request.auth, now=timezone.now(), action="api.screening.decision_read", subject=decision,
                 site_id=decision.patient.site_id)
    return decision_out(decision, patient=decision.patient)


@router.post("/eligibility-decisions/{decision_id}/addenda",
             response={201: DecisionOut, **responses(400, 401, 403, 404, 409)},
             operation_id="add_eligibility_decision_addendum")
def add_addendum(request: HttpRequest, decision_id: str, payload: AddendumIn,
                 idempotency_key: IdempotencyKey = None) -> HttpResponse:
    """Add to a signed decision; returns the decision with every addendum. The decision itself never changes."""
    now = timezone.now()
    _require_prescriber(request, "add to eligibility decisions")
    decision = _visible_decision(request, decision_id)

    def create() -> Created:
        actions.add_addendum(actor=request.auth, now=now, decision=decision, text=payload.text)
        fresh = _visible_decision(request, decision_id)
        return Created(body=DecisionOut.model_validate(decision_out(fresh, patient=fresh.patient)),
                       patient_id=decision.patient_id)

    return answer_once(request=request, key=idempotency_key, payload=payload, now=now, create=create)


@router.get("/patients/{patient_id}/eligibility", response={200: EligibilityOut, **responses(400, 401, 403, 404)},
            operation_id="read_eligibility")
def read_eligibility(request: HttpRequest, patient_id: str, query: Query[EligibilityQuery]) -> dict[str, Any]:
    """Whether the patient may be booked and treated on a day: a signed decision that allows it, no hard stop on
    the intake screened for that day, and no caution the decision did not address."""
    now = timezone.now()
    patient = clinical_patient(request, patient_id)
    on = query.on or site_today(site=patient.site, now=now)
    state = queries.eligibility_state(patient=patient, on=on, now=now)
    record_event(actor=request.auth, now=now, action="api.screening.eligibility_read", patients=[patient],
                 site_id=patient.site_id, data={"on": on.isoformat(), "code": state.code})
    return {"patient_id": patient.pk, "on": on, "eligible": state.eligible, "code": state.code,
            "message": state.message, "decision_id": None if state.decision is None else str(state.decision.pk),
            "findings": list(state.findings)}


def _visible_decision(request: HttpRequest, decision_id: str) -> EligibilityDecision:
    return get_visible_or_404(
        EligibilityDecision.objects.select_related("patient__site", "signed_by", "protocol")
        .prefetch_related("caution_decisions", "addenda"),
        user=request.auth, pk=pk_from_id(decision_id))


def _require_prescriber(request: HttpRequest, what: str) -> None:
    if request.auth.role not in PRESCRIBING_ROLES:
        raise PermissionDenied(f"Only prescribers and medical directors {what}. Ask one of them.")


def decision_out(decision: EligibilityDecision, *, patient: Patient) -> dict[str, Any]:
    zone = zoneinfo.ZoneInfo(patient.site.time_zone)
    return {
        "id": decision.pk, "patient_id": decision.patient_id, "screening_id": str(decision.screening_run_id),
        "outcome": Outcome(decision.outcome).value, "summary": decision.summary, "conditions": decision.conditions,
        "signed_by": str(decision.signed_by_id), "signed_by_name": str(decision.signed_by),
        "signed_at": decision.signed_at.astimezone(zone), "rules_version": decision.rules_version,
        "protocol_version": decision.protocol.label,
        "caution_decisions": [{"code": row.code, "title": row.title, "message": row.message,
                               "decision": row.written_decision} for row in decision.caution_decisions.all()],
        "addenda": [{"id": note.pk, "text": note.text, "written_by": str(note.written_by_id),
                     "written_at": note.written_at.astimezone(zone)} for note in decision.addenda.all()],
    }

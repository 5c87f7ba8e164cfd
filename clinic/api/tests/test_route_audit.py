"""Every API operation is classified from the OpenAPI document; each that touches patient data writes
exactly one audit event naming actor, action and patients, and answers a user of another site as it
answers a missing record, recording only the refusal (design §5 audit and security bars)."""

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client

from clinic.accounts.tests.factories import StaffUserFactory
from clinic.api.v1.api import api
from clinic.consents.models import Consent
from clinic.consents.tests.factories import signed_consent
from clinic.courses.tests.factories import arranged_course
from clinic.patients.models import (
    Allergy,
    BodyMeasurement,
    Indication,
    Medication,
    OtherDiagnosis,
    Patient,
    Result,
    SafetyHistory,
    TreatmentTrial,
)
from clinic.patients.tests.factories import PatientFactory
from clinic.protocols.actions import change_section
from clinic.questionnaires.models import Alert, SuicideRiskAssessment
from clinic.screening.actions import screen_patient, sign_decision
from clinic.screening.models import DecisionAddendum

pytestmark = pytest.mark.django_db

RECORDED_AT = dt.datetime(2026, 11, 2, 15, 0, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Case:
    action: str | None  # None: the operation shows no patient data and writes no event
    status: int = 200
    role: str = "nurse"
    body: dict[str, Any] = field(default_factory=dict)
    # Events the same write also makes, in its transaction (signing a decision writes its letters).
    also: tuple[str, ...] = ()


def entry_cases(path: str, kind: str, body: dict[str, Any], change: dict[str, Any]) -> dict[str, Case]:
    collection = f"/api/v1/patients/{{patient_id}}/intake/{path}"
    return {
        f"POST {collection}": Case(f"patients.{kind}_added", 201, body=body),
        f"PATCH {collection}/{{item_id}}": Case(f"patients.{kind}_changed", body=change),
        f"DELETE {collection}/{{item_id}}": Case(f"patients.{kind}_removed", 204),
    }


CASES: dict[str, Case] = {
    "GET /api/v1/sites": Case(None),
    "GET /api/v1/instruments": Case(None),
    "POST /api/v1/instruments/{code}/score": Case(None, body={"answers": [0, 0, 0, 0, 0, 0, 0, 0, 0]}),
    "POST /api/v1/dosing/calculate": Case(None, body={"weight_kg": 70.0, "dose_mg_per_kg": 0.5,
                                                      "vial_mg_per_ml": 50, "bag_ml": 100, "duration_min": 40}),
    "POST /api/v1/patients": Case("patients.registered", 201, role="front_desk", body={
        "given_name": "Ines", "family_name": "Marlow", "birth_date": "1979-03-14", "sex": "female",
        "site_id": "{site_id}"}),
    "GET /api/v1/patients": Case("api.patients.listed", role="front_desk"),
    "GET /api/v1/patients/{patient_id}": Case("api.patients.read", role="front_desk"),
    "PATCH /api/v1/patients/{patient_id}": Case("patients.updated", role="front_desk",
                                                body={"phone": "555-0199"}),
    "GET /api/v1/patients/{patient_id}/intake": Case("api.patients.intake_read"),
    "PUT /api/v1/patients/{patient_id}/safety-history": Case("patients.safety_history_saved",
                                                             body={"answers": {"pregnant": True}}),
    **entry_cases("indications", "indication",
                  {"code": "PTSD", "icd10_code": "F43.10", "noted_on": "2026-10-01"}, {"active": False}),
    **entry_cases("other-diagnoses", "other_diagnosis",
                  {"icd10_code": "F20.9", "status": "current", "noted_on": "2026-10-01"},
                  {"icd10_code": "F33.1"}),
    **entry_cases("medications", "medication", {"name": "Bupropion", "drug_class": "antidepressant_other"},
                  {"dose_text": "150 mg daily"}),
    "POST /api/v1/patients/{patient_id}/questionnaire-responses": Case(
        "questionnaires.response_submitted", 201, body={"instrument": "phq9", "answers": [0] * 9}),
    "GET /api/v1/patients/{patient_id}/questionnaire-responses": Case("api.questionnaires.responses_listed"),
    "GET /api/v1/alerts": Case("api.alerts.listed"),
    "POST /api/v1/alerts/{alert_id}/acknowledge": Case("questionnaires.alert_acknowledged", role="prescriber",
                                                       body={"action_taken": "Called the patient."}),
    "POST /api/v1/patients/{patient_id}/suicide-risk-assessments": Case(
        "questionnaires.risk_assessment_recorded", 201, role="prescriber", body={
            "risk_level": "low", "protective_factors": "Family", "safety_plan": "Reviewed", "outcome": "proceed"}),
    "GET /api/v1/patients/{patient_id}/suicide-risk-assessments": Case(
        "api.questionnaires.risk_assessments_listed"),
    "GET /api/v1/suicide-risk-assessments/{assessment_id}": Case("api.questionnaires.risk_assessment_read"),
    "GET /api/v1/patients/{patient_id}/consent-document": Case("api.consents.document_read"),
    "POST /api/v1/patients/{patient_id}/consents": Case("consents.recorded", 201, body={
        "document_version": 2, "counselled_at": "2020-01-01T09:00:00Z", "counselling_note": "Went through it.",
        "signed_name": "{patient_name}"}),
    "GET /api/v1/patients/{patient_id}/consents": Case("api.consents.listed"),
    "GET /api/v1/consents/{consent_id}": Case("api.consents.read"),
    "POST /api/v1/consents/{consent_id}/withdraw": Case("consents.withdrawn", body={"reason": "Wants to stop"}),
    # The walk's patient is not eligible and the course is stopped (so that withdrawing consent stops nothing):
    # both writes are refused and write nothing; their events are tested in clinic/api/tests/test_courses.py.
    "POST /api/v1/patients/{patient_id}/courses": Case(None, 422, role="prescriber", body={"indication": "PTSD"}),
    "POST /api/v1/courses/{course_id}/phase": Case(None, 422, role="prescriber",
                                                   body={"to_phase": "taper", "reason": "Spacing out."}),
    "GET /api/v1/patients/{patient_id}/courses": Case("api.courses.listed"),
    "POST /api/v1/patients/{patient_id}/screenings": Case("screening.run", 201),
    "GET /api/v1/screenings/{screening_id}": Case("api.screening.run_read"),
    "POST /api/v1/patients/{patient_id}/eligibility-decisions": Case(
        "screening.decision_signed", 201, role="prescriber", also=("letters.produced",), body={
            "screening_id": "{screening_id}", "outcome": "not_eligible", "summary": "The intake is not complete."}),
    "GET /api/v1/eligibility-decisions/{decision_id}": Case("api.screening.decision_read"),
    "POST /api/v1/eligibility-decisions/{decision_id}/addenda": Case(
        "screening.addendum_added", 201, role="prescriber", body={"text": "Spoke to the referrer."}),
    "GET /api/v1/patients/{patient_id}/eligibility": Case("api.screening.eligibility_read"),
    "GET /api/v1/courses/{course_id}": Case("api.courses.read"),
    **entry_cases("allergies", "allergy", {"substance": "Latex"}, {"severity": "mild"}),
    **entry_cases("measurements", "measurement", {"measured_on": "2026-11-20", "heart_rate_bpm": 64},
                  {"weight_kg": 70.1}),
    **entry_cases("treatment-trials", "treatment_trial",
                  {"kind": "tms", "name": "rTMS", "outcome": "partial_response", "current_episode": True},
                  {"weeks_at_adequate_dose": 12}),
    **entry_cases("results", "result", {"kind": "liver_tests", "taken_on": "2026-11-18",
                                        "outcome": "negative"}, {"summary": "ALT 32 U/L"}),
}


def operations() -> set[str]:
    schema = api.get_openapi_schema()
    return {f"{method.upper()} {path}" for path, methods in schema["paths"].items() for method in methods}


@pytest.fixture
def record(main_site, nurse, prescriber, director):
    """A patient with one entry of every intake kind, a safety history, an open alert, a suicide risk
    assessment and a consent on a consent document since replaced by version 2: the URL arguments."""
    patient = PatientFactory(site=main_site, phone="555-0100")
    entries = {
        "indications": Indication.objects.create(patient=patient, code="TRD_UNIPOLAR", icd10_code="F33.2",
                                                 noted_on=dt.date(2026, 10, 1)),
        "other-diagnoses": OtherDiagnosis.objects.create(
            patient=patient, icd10_code="F31.81", description="Bipolar II disorder", status="past",
            noted_on=dt.date(2026, 10, 1), recorded_by=nurse, recorded_at=RECORDED_AT),
        "medications": Medication.objects.create(patient=patient, name="Sertraline", drug_class="ssri"),
        "allergies": Allergy.objects.create(patient=patient, substance="Penicillin"),
        "measurements": BodyMeasurement.objects.create(patient=patient, measured_on=dt.date(2026, 11, 2),
                                                       weight_kg=71, recorded_by=nurse,
                                                       recorded_at=RECORDED_AT),
        "treatment-trials": TreatmentTrial.objects.create(patient=patient, kind="medication", name="Sertraline",
                                                          outcome="no_response", current_episode=True,
                                                          adequate_dose=True),
        "results": Result.objects.create(patient=patient, kind="ecg", taken_on=dt.date(2026, 11, 2),
                                         outcome="negative", recorded_by=nurse, recorded_at=RECORDED_AT),
    }
    SafetyHistory.objects.create(patient=patient, updated_at=RECORDED_AT, updated_by=nurse)
    entries["alert"] = Alert.objects.create(patient=patient, code="SUICIDE_RISK", kind="suicide_risk", item=9,
                                            message="PHQ-9 item 9 above 0.", raised_at=RECORDED_AT)
    entries["assessment"] = SuicideRiskAssessment.objects.create(
        patient=patient, assessed_by=prescriber, assessed_at=RECORDED_AT, risk_level="low",
        protective_factors="Family", safety_plan="Reviewed", outcome="proceed", recorded_at=RECORDED_AT)
    entries["consent"] = signed_consent(patient=patient, actor=nurse, now=dt.datetime.now(dt.UTC))
    entries["course"] = arranged_course(patient=patient, prescriber=prescriber, now=RECORDED_AT, phase="stopped",
                                        closed_at=RECORDED_AT)
    change_section(actor=director, now=dt.datetime.now(dt.UTC), site=main_site, section="visits",
                   values={"no_driving_text": "No driving for 48 hours."}, reason="Local rule")
    # A decision signed on a first run, and a second run (the latest) that no decision has reviewed yet,
    # screened today with the protocol in force, as a decision is signed on.
    first_run = screen_patient(patient=patient, actor=nurse, now=RECORDED_AT, trigger="manual")
    entries["decision"] = sign_decision(actor=prescriber, now=RECORDED_AT, patient=patient, screening_run=first_run,
                                        outcome="not_eligible", summary="Intake incomplete.", caution_decisions={})
    entries["screening"] = screen_patient(patient=patient, actor=nurse, now=dt.datetime.now(dt.UTC), trigger="manual")
    return patient, entries


def call(client: Client, operation: str, case: Case, *, patient: Patient, entries: dict[str, Any]):
    method, template = operation.split(" ")
    kind = template.split("/intake/")[-1].split("/")[0]
    url = template.format(patient_id=patient.pk, item_id=getattr(entries.get(kind), "pk", 0), code="phq9",
                          alert_id=entries["alert"].pk, assessment_id=entries["assessment"].pk,
                          consent_id=entries["consent"].pk, course_id=entries["course"].pk,
                          screening_id=entries["screening"].pk, decision_id=entries["decision"].pk)
    names = {"site_id": patient.site_id, "patient_name": f"{patient.given_name} {patient.family_name}",
             "screening_id": entries["screening"].pk}
    body = {key: value.format(**names) if isinstance(value, str) else value
            for key, value in case.body.items()}
    return client.generic(method, url, data=json.dumps(body) if body else "",
                          content_type="application/json")


def test_every_operation_is_classified():
    assert operations() == set(CASES)


@pytest.mark.parametrize("operation", sorted(CASES))
def test_operation_writes_one_audit_event_naming_actor_and_patient(operation, request, api_client, record,
                                                                   audit_log):
    case = CASES[operation]
    patient, entries = record
    user = request.getfixturevalue(case.role)
    client = api_client(user)
    audit_log.mark()

    response = call(client, operation, case, patient=patient, entries=entries)

    assert response.status_code == case.status, response.content[:500]
    events = audit_log.new_events()
    if case.action is None:
        assert events == []
        return
    assert sorted(event.action for event in events if event.action != case.action) == sorted(case.also)
    [event] = [event for event in events if event.action == case.action]
    expected_patient = int(response.json()["id"]) if operation == "POST /api/v1/patients" else patient.pk
    assert (event.action, event.actor, event.role, event.actor_kind) == (case.action, user, user.role, "staff")
    assert audit_log.patient_ids(event) == [expected_patient]


@pytest.mark.parametrize("operation", sorted(op for op in CASES if "{patient_id}" in op))
def test_operation_answers_another_sites_patient_as_missing(operation, api_client, record, other_site,
                                                            audit_log):
    case = CASES[operation]
    patient, entries = record
    outsider = StaffUserFactory(username=f"outside-{case.role}", role=case.role,
                                organisation=other_site.organisation, sites=[other_site])
    client = api_client(outsider)
    audit_log.mark()

    response = call(client, operation, case, patient=patient, entries=entries)

    assert (response.status_code, response.json()["error"]["code"]) == (404, "NOT_FOUND")
    [event] = audit_log.new_events()
    assert (event.action, event.actor, event.data["method"], event.data["status"]) == (
        "audit.access_refused", outsider, operation.split(" ")[0], 404)
    assert event.data["asked"]["patient_id"] == str(patient.pk)
    assert audit_log.patient_ids(event) == [patient.pk]
    assert Patient.objects.get(pk=patient.pk).phone == "555-0100"


@pytest.mark.parametrize("operation", sorted(op for op, case in CASES.items()
                                              if case.action and case.role != "front_desk"))
def test_operation_refuses_front_desk_clinical_data(operation, api_client, front_desk, record, audit_log):
    patient, entries = record
    client = api_client(front_desk)
    audit_log.mark()

    response = call(client, operation, CASES[operation], patient=patient, entries=entries)

    assert (response.status_code, response.json()["error"]["code"]) == (403, "FORBIDDEN")
    [event] = audit_log.new_events()
    assert (event.action, event.actor, event.data["status"]) == ("audit.access_refused", front_desk, 403)


@pytest.mark.parametrize("operation", sorted(op for op in CASES
                                              if "{alert_id}" in op or "{assessment_id}" in op or "{consent_id}" in op
                                              or "{course_id}" in op or "{screening_id}" in op
                                              or "{decision_id}" in op))
def test_operation_answers_another_sites_alert_or_assessment_as_missing(operation, api_client, record, other_site):
    case = CASES[operation]
    patient, entries = record
    outsider = StaffUserFactory(username=f"outside-{case.role}", role=case.role,
                                organisation=other_site.organisation, sites=[other_site])

    response = call(api_client(outsider), operation, case, patient=patient, entries=entries)

    assert (response.status_code, response.json()["error"]["code"]) == (404, "NOT_FOUND")
    assert Alert.objects.get(pk=entries["alert"].pk).status == "open"
    assert Consent.objects.get(pk=entries["consent"].pk).withdrawn_at is None
    assert DecisionAddendum.objects.count() == 0

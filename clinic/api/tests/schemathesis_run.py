"""One authenticated schemathesis session against the served OpenAPI document, run in-process:
the test asserts on what it finds (design §5 security bar) and `make bench` times it."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.db import connections
from django.test import Client
from schemathesis.engine import Status, events, from_schema

from clinic.accounts.tests.factories import StaffUserFactory
from clinic.accounts.tokens import issue_token
from clinic.consents.tests.factories import signed_consent
from clinic.courses.tests.factories import arranged_course, eligible_patient
from clinic.patients.models import (
    Allergy,
    BodyMeasurement,
    Indication,
    Medication,
    OtherDiagnosis,
    Result,
    TreatmentTrial,
)
from clinic.patients.tests.factories import PatientFactory
from clinic.questionnaires.models import Alert, SuicideRiskAssessment
from clinic.screening.actions import screen_patient, sign_decision
from clinic.sites.tests.factories import ChairFactory, SiteFactory

MAX_EXAMPLES = 25
# Every check runs except two: positive_data_acceptance, because a schema cannot say every rule (a
# birth date in the future, an ICD-10 code of another indication) and those refusals are right; and
# ignored_auth, whose probe schemathesis 4.32 cannot send in-process (EnvironBuilder has no
# max_redirects); clinic/api/tests/test_auth.py covers calls without a valid token.
REQUIRED_CHECKS = {"not_a_server_error", "status_code_conformance", "content_type_conformance",
                   "response_schema_conformance", "response_headers_conformance", "negative_data_rejection",
                   "unsupported_method", "allow_header_conformance", "missing_required_header"}
SEED = 20261124
RECORDED_AT = dt.datetime(2026, 11, 2, 15, 0, tzinfo=dt.UTC)


@dataclass
class Run:
    statuses: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    failures: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    checks_run: set[str] = field(default_factory=set)
    requests_sent: int = 0
    operations: set[str] = field(default_factory=set)


def entries_for(patient, nurse) -> dict[str, list]:
    """Two entries of each intake kind: one to change, one to remove."""
    def two(make):
        return [make(), make()]

    return {
        "indications": two(lambda: Indication.objects.create(
            patient=patient, code="TRD_UNIPOLAR", icd10_code="F33.2", noted_on=dt.date(2026, 10, 1))),
        "medications": two(lambda: Medication.objects.create(patient=patient, name="Sertraline",
                                                             drug_class="ssri")),
        "allergies": two(lambda: Allergy.objects.create(patient=patient, substance="Penicillin")),
        "measurements": two(lambda: BodyMeasurement.objects.create(
            patient=patient, measured_on=dt.date(2026, 11, 2), weight_kg=71, recorded_by=nurse,
            recorded_at=RECORDED_AT)),
        "treatment-trials": two(lambda: TreatmentTrial.objects.create(
            patient=patient, kind="medication", name="Sertraline", outcome="no_response",
            current_episode=True, adequate_dose=True)),
        "results": two(lambda: Result.objects.create(patient=patient, kind="ecg", taken_on=dt.date(2026, 11, 2),
                                                     outcome="negative", recorded_by=nurse,
                                                     recorded_at=RECORDED_AT)),
        "other-diagnoses": two(lambda: OtherDiagnosis.objects.create(
            patient=patient, icd10_code="F41.1", description="Generalized anxiety disorder", status="past",
            noted_on=dt.date(2026, 11, 2), recorded_by=nurse, recorded_at=RECORDED_AT)),
    }


def item_overrides(entries: dict[str, list]) -> list[dict]:
    overrides = []
    for path, (to_change, to_remove) in entries.items():
        item = f"/api/v1/patients/{{patient_id}}/intake/{path}/{{item_id}}"
        overrides.append({"include-name": f"PATCH {item}", "parameters": {"path.item_id": str(to_change.pk)}})
        overrides.append({"include-name": f"DELETE {item}", "parameters": {"path.item_id": str(to_remove.pk)}})
    return overrides


def clinical_overrides(patient, prescriber_token: str) -> list[dict]:
    """An open alert to acknowledge and an assessment to read; acknowledging and recording an
    assessment are a prescriber's, so those two operations run with a prescriber's token."""
    alert = Alert.objects.create(patient=patient, code="SUICIDE_RISK", kind="suicide_risk", item=9,
                                 message="PHQ-9 item 9 above 0.", raised_at=RECORDED_AT)
    assessment = SuicideRiskAssessment.objects.create(
        patient=patient, assessed_by=patient.prescriber, assessed_at=RECORDED_AT, risk_level="low",
        protective_factors="Family", safety_plan="Reviewed", outcome="proceed", recorded_at=RECORDED_AT)
    as_prescriber = {"Authorization": f"Bearer {prescriber_token}"}
    return [
        {"include-name": "POST /api/v1/alerts/{alert_id}/acknowledge", "headers": as_prescriber,
         "parameters": {"path.alert_id": str(alert.pk)}},
        {"include-name": "POST /api/v1/patients/{patient_id}/suicide-risk-assessments", "headers": as_prescriber},
        {"include-name": "GET /api/v1/suicide-risk-assessments/{assessment_id}",
         "parameters": {"path.assessment_id": str(assessment.pk)}},
    ]


def consent_overrides(site, nurse) -> list[dict]:
    """A consent, of a patient of its own, to read and withdraw: the fuzzed patient has none, so that
    recording one can succeed."""
    other = PatientFactory(site=site)
    consent = signed_consent(patient=other, actor=nurse, now=dt.datetime.now(dt.UTC))
    return [{"include-name": f"{method} /api/v1/consents/{{consent_id}}{tail}",
             "parameters": {"path.consent_id": str(consent.pk)}}
            for method, tail in (("GET", ""), ("POST", "/withdraw"))]


def course_overrides(site, nurse, prescriber, prescriber_token: str) -> list[dict]:
    """An eligible patient to open a course for, and an open course to read and move: opening and signing are
    a prescriber's, so those two operations run with a prescriber's token."""
    now = dt.datetime.now(dt.UTC)
    eligible = eligible_patient(site=site, nurse=nurse, prescriber=prescriber, now=now)
    course = arranged_course(patient=PatientFactory(site=site), prescriber=prescriber, now=now)
    as_prescriber = {"Authorization": f"Bearer {prescriber_token}"}
    return [
        {"include-name": "POST /api/v1/patients/{patient_id}/courses", "headers": as_prescriber,
         "parameters": {"path.patient_id": str(eligible.pk)}},
        {"include-name": "GET /api/v1/courses/{course_id}", "parameters": {"path.course_id": str(course.pk)}},
        {"include-name": "POST /api/v1/courses/{course_id}/phase", "headers": as_prescriber,
         "parameters": {"path.course_id": str(course.pk)}},
    ]


def screening_overrides(site, nurse, prescriber, prescriber_token: str) -> tuple[list[dict], str]:
    """A patient of their own with a decision signed on a first run and a second run no decision has
    reviewed yet (nothing else screens them, so the run stays the latest): signing and adding to a
    decision are a prescriber's. Returns the overrides and the run's id for the decision example."""
    now = dt.datetime.now(dt.UTC)
    patient = PatientFactory(site=site)
    first = screen_patient(patient=patient, actor=nurse, now=now, trigger="manual")
    decision = sign_decision(actor=prescriber, now=now, patient=patient, screening_run=first,
                             outcome="not_eligible", summary="Intake incomplete.", caution_decisions={})
    latest = screen_patient(patient=patient, actor=nurse, now=now, trigger="manual")
    as_prescriber = {"Authorization": f"Bearer {prescriber_token}"}
    return [
        {"include-name": "POST /api/v1/patients/{patient_id}/eligibility-decisions", "headers": as_prescriber,
         "parameters": {"path.patient_id": str(patient.pk)}},
        {"include-name": "POST /api/v1/eligibility-decisions/{decision_id}/addenda", "headers": as_prescriber,
         "parameters": {"path.decision_id": str(decision.pk)}},
        {"include-name": "GET /api/v1/eligibility-decisions/{decision_id}",
         "parameters": {"path.decision_id": str(decision.pk)}},
        {"include-name": "GET /api/v1/screenings/{screening_id}", "parameters": {"path.screening_id": str(latest.pk)}},
    ], str(latest.pk)


def with_site_in_examples(document: dict, site_id: str, patient=None, screening_id: str | None = None) -> dict:
    """Point the registration example at a site of the caller's, and the consent example at the patient's
    name, counselled in the past."""
    example = document["components"]["schemas"]["PatientIn"]["examples"][0]
    example["site_id"] = site_id
    if patient is not None:
        consent = document["components"]["schemas"]["ConsentIn"]["examples"][0]
        consent |= {"signed_name": f"{patient.given_name} {patient.family_name}",
                    "counselled_at": "2020-01-01T09:00:00Z"}
    if screening_id is not None:
        # The screening patient's intake is incomplete (a hard stop): "not eligible" is what may be signed.
        decision = document["components"]["schemas"]["DecisionIn"]["examples"][0]
        decision |= {"screening_id": screening_id, "outcome": "not_eligible", "caution_decisions": []}
    return document


class InProcessApp:
    """Django's WSGI app, called from the engine's worker threads. The threads end without closing
    their database connections, which would keep the test database from being dropped; this
    remembers them so the test can close them."""

    def __init__(self) -> None:
        self.handler = WSGIHandler()
        self.opened: dict[int, object] = {}

    def __call__(self, environ, start_response):
        response = self.handler(environ, start_response)
        wrapper = connections["default"]  # this worker thread's own connection
        self.opened[id(wrapper)] = wrapper
        return response

    def close_connections(self) -> None:
        for wrapper in self.opened.values():
            wrapper.inc_thread_sharing()
            wrapper.close()


def run_schemathesis(schema) -> Run:
    run = Run()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            label = event.recorder.label
            for interaction in event.recorder.interactions.values():
                if interaction.response is not None:
                    run.statuses[label].add(interaction.response.status_code)
                    run.requests_sent += 1
            for checks in event.recorder.checks.values():
                run.checks_run |= {check.name for check in checks}
                run.failures += [f"{label}: {check.name}: {check.failure_info.failure.title} — "
                                 f"{check.failure_info.failure.message[:300]}"
                                 for check in checks if check.status == Status.FAILURE and check.failure_info]
        elif isinstance(event, (events.NonFatalError, events.FatalError)):
            run.errors.append(f"{getattr(event, 'phase', '')} {getattr(event, 'label', '')}: "
                              f"{getattr(event, 'value', getattr(event, 'exception', event))!r}")
    return run


def fuzz_api(*, organisation, username: str = "nurse") -> Run:
    """A site with a chair, a nurse and a prescriber with tokens, and a patient with two entries of each
    intake kind, an open alert and a suicide risk assessment; then every operation of the API document
    under schemathesis, with its fixed seed."""
    site = SiteFactory(organisation=organisation, name="Main", code="MAIN")
    ChairFactory(site=site, name="Recliner 1")
    nurse = StaffUserFactory(username=username, role="nurse", organisation=organisation, sites=[site])
    prescriber = StaffUserFactory(username=f"{username}-prescriber", role="prescriber", organisation=organisation,
                                  sites=[site])
    patient = PatientFactory(site=site, prescriber=prescriber)
    entries = entries_for(patient, nurse)
    _, raw_token = issue_token(user=nurse, name="schemathesis", now=RECORDED_AT)
    _, prescriber_token = issue_token(user=prescriber, name="schemathesis", now=RECORDED_AT)
    document = Client().get("/api/v1/openapi.json").json()
    decisions, screening_id = screening_overrides(site, nurse, prescriber, prescriber_token)
    config = schemathesis.Config.from_dict({
        "seed": SEED,
        "headers": {"Authorization": f"Bearer {raw_token}"},
        "generation": {"max-examples": MAX_EXAMPLES},
        "checks": {"positive_data_acceptance": {"enabled": False}, "ignored_auth": {"enabled": False}},
        # Off: with the ids fixed below, chains of calls would not use the ids they create.
        "phases": {"stateful": {"enabled": False}},
        "parameters": {"path.patient_id": str(patient.pk)},
        # The instrument code is part of the path: score a real one, so the examples can reach a 2xx.
        "operations": [*item_overrides(entries), *clinical_overrides(patient, prescriber_token),
                       *consent_overrides(site, nurse), *course_overrides(site, nurse, prescriber, prescriber_token),
                       *decisions,
                       {"include-name": "POST /api/v1/instruments/{code}/score", "parameters": {"path.code": "phq9"}}],
    })
    schema = schemathesis.openapi.from_dict(with_site_in_examples(document, str(site.pk), patient, screening_id),
                                          config=config)
    app = InProcessApp()
    schema.app = app  # as schemathesis.openapi.from_wsgi sets it: calls go straight into Django
    try:
        run = run_schemathesis(schema)
    finally:
        app.close_connections()
    run.operations = {f"{method.upper()} {path}" for path, methods in document["paths"].items()
                      for method in methods}
    return run

"""The patient's other diagnoses over REST: coded in ICD-10-CM, described from the code set, through
the patients' actions (clinical-reference §2.1, "Codes that screening must read")."""

import datetime as dt
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinic.patients.models import OtherDiagnosis, RecordRevision
from clinic.patients.tests.factories import OtherDiagnosisFactory, PatientFactory

pytestmark = pytest.mark.django_db

# 2026-11-24 in New York, the main site's zone.
NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=zoneinfo.ZoneInfo("America/New_York"))
PAST_BIPOLAR = {"icd10_code": "f3181", "status": "past", "onset_on": "2019-03-01", "resolved_on": "2021-06-01",
                "noted_on": "2026-11-20"}


@pytest.fixture
def patient(main_site, clock):
    clock(NOW)
    return PatientFactory(site=main_site)


def url(patient, item=None) -> str:
    return f"/api/v1/patients/{patient.pk}/intake/other-diagnoses" + (f"/{item.pk}" if item else "")


def post(client, patient, body):
    return client.post(url(patient), body, content_type="application/json")


def test_adds_a_diagnosis_with_the_code_sets_description_and_its_audit_event(api_client, nurse, patient, audit_log):
    """clinical-reference §2.1: F31.81 bipolar II, recorded beside another indication."""
    client = api_client(nurse)
    audit_log.mark()

    response = post(client, patient, PAST_BIPOLAR)

    assert response.status_code == 201, response.content
    body = response.json()
    assert {key: body[key] for key in ("icd10_code", "description", "status", "onset_on", "resolved_on")} == {
        "icd10_code": "F31.81", "description": "Bipolar II disorder", "status": "past",
        "onset_on": "2019-03-01", "resolved_on": "2021-06-01"}
    assert body["recorded_by_id"] == str(nurse.pk)
    [event] = audit_log.new_events()
    assert (event.action, event.actor, audit_log.patient_ids(event)) == (
        "patients.other_diagnosis_added", nurse, [patient.pk])


@pytest.mark.parametrize(("code", "message"), [
    ("F99.99", "F99.99 is not an ICD-10-CM code. Check it in the ICD-10-CM tabular list (for example F33.1)."),
    ("F20-F29", "F20-F29 is a block of ICD-10-CM (Schizophrenia, schizotypal, delusional, and other non-mood "
                "psychotic disorders (F20-F29)), not one diagnosis. Enter the code of the diagnosis itself, "
                "for example F20.0."),
])
def test_refuses_a_code_outside_the_code_set_with_400_naming_the_field(code, message, api_client, nurse, patient,
                                                                       audit_log):
    """clinical-reference §2.1: only codes of the code set reach screening; design §4.4 error shape."""
    client = api_client(nurse)
    audit_log.mark()

    response = post(client, patient, {**PAST_BIPOLAR, "icd10_code": code})

    assert response.status_code == 400
    assert response.json()["error"]["details"] == [{"field": "icd10_code", "message": message}]
    assert (OtherDiagnosis.objects.count(), RecordRevision.objects.count(), audit_log.new_events()) == (0, 0, [])


@pytest.mark.parametrize(("onset_on", "status"), [("2026-11-24", 201), ("2026-11-25", 400)])
def test_an_onset_after_today_at_the_site_gets_400_naming_the_field(onset_on, status, api_client, nurse, patient):
    """clinical-reference §2.1 [D] history: a date after today at the site (2026-11-24) is a typing slip."""
    response = post(api_client(nurse), patient, {"icd10_code": "F20.9", "status": "current", "onset_on": onset_on,
                                                 "noted_on": "2026-11-24"})

    assert response.status_code == status, response.content
    if status == 400:
        assert [detail["field"] for detail in response.json()["error"]["details"]] == ["onset_on"]
    assert OtherDiagnosis.objects.count() == (1 if status == 201 else 0)


def test_a_current_diagnosis_with_a_resolved_date_gets_400_naming_the_field(api_client, nurse, patient):
    """clinical-reference §2.1: current or past decides the finding, so a current diagnosis is never
    resolved; design §4.4: input the schema cannot check is a 400 naming the field."""
    response = post(api_client(nurse), patient, {**PAST_BIPOLAR, "status": "current"})

    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error["details"]) == ("VALIDATION_ERROR", [{
        "field": "resolved_on",
        "message": "A current diagnosis has no resolved date. Clear the resolved date, or mark the diagnosis "
                   "as past."}])
    assert not OtherDiagnosis.objects.exists()


@pytest.mark.parametrize(("changes", "field"), [
    ({"onset_on": "2021-06-01", "resolved_on": "2019-03-01"}, "resolved_on"),
    ({"onset_on": "1899-12-31"}, "onset_on"),
])
def test_dates_out_of_order_get_400_naming_the_field(api_client, nurse, patient, changes, field):
    """clinical-reference §2.1: a diagnosis resolves after its onset, and neither comes before the
    patient's birth; design §4.4: a 400 naming the field, nothing written."""
    response = post(api_client(nurse), patient, {**PAST_BIPOLAR, **changes})

    assert response.status_code == 400
    assert [detail["field"] for detail in response.json()["error"]["details"]] == [field]
    assert not OtherDiagnosis.objects.exists()


def test_changing_the_code_copies_the_new_description(api_client, nurse, patient, audit_log):
    """clinical-reference §2.1: the code decides what screening reads; its words follow it."""
    diagnosis = OtherDiagnosisFactory(patient=patient, recorded_by=nurse)
    client = api_client(nurse)
    audit_log.mark()

    response = client.patch(url(patient, diagnosis), {"icd10_code": "f20.9", "status": "current",
                                                                 "resolved_on": None},
                                       content_type="application/json")

    assert response.status_code == 200, response.content
    assert (response.json()["icd10_code"], response.json()["description"]) == ("F20.9", "Schizophrenia, unspecified")
    [event] = audit_log.new_events()
    assert event.action == "patients.other_diagnosis_changed"


def test_sending_the_recorded_code_again_keeps_the_recorded_description(api_client, nurse, patient, audit_log):
    """clinical-reference §2.1: a later code-set release does not rewrite what was recorded."""
    diagnosis = OtherDiagnosisFactory(patient=patient, recorded_by=nurse, description="Bipolar II (older wording)")
    client = api_client(nurse)
    audit_log.mark()

    response = client.patch(url(patient, diagnosis), {"icd10_code": "f31.81"},
                                       content_type="application/json")

    assert (response.status_code, response.json()["description"]) == (200, "Bipolar II (older wording)")
    [event] = audit_log.new_events()
    assert event.action == "api.patients.intake_read"


def test_removes_a_diagnosis_entered_in_error(api_client, nurse, patient, audit_log):
    """clinical-reference §2.1: a wrong code must not stay where screening reads it."""
    diagnosis = OtherDiagnosisFactory(patient=patient, recorded_by=nurse)
    client = api_client(nurse)
    audit_log.mark()

    response = client.delete(url(patient, diagnosis))

    assert response.status_code == 204
    assert not OtherDiagnosis.objects.exists()
    [event] = audit_log.new_events()
    assert event.action == "patients.other_diagnosis_removed"


def test_front_desk_may_not_add_one(api_client, front_desk, patient):
    """clinical-reference §2.1: diagnoses are clinical data; design §4.4: 403 when the role may not."""
    response = post(api_client(front_desk), patient, PAST_BIPOLAR)

    assert (response.status_code, response.json()["error"]["code"]) == (403, "FORBIDDEN")
    assert not OtherDiagnosis.objects.exists()


def test_another_sites_user_and_a_missing_entry_both_get_404(api_client, outsider, nurse, patient):
    """clinical-reference §2.1 data; design §4.4: 404 for missing and for another site's record alike."""
    diagnosis = OtherDiagnosisFactory(patient=patient, recorded_by=nurse)

    theirs = api_client(outsider).delete(url(patient, diagnosis))
    missing = api_client(nurse).delete(url(patient) + f"/{diagnosis.pk + 1000}")

    assert (theirs.status_code, missing.status_code) == (404, 404)
    assert theirs.json() == missing.json()
    assert OtherDiagnosis.objects.filter(pk=diagnosis.pk).exists()


def test_the_intake_read_lists_them_in_the_same_queries_for_1_and_40(api_client, nurse, patient):
    """clinical-reference §2.1: screening reads the whole list; style §5.8: the count stays flat."""
    client = api_client(nurse)
    client.get("/api/v1/sites")  # the token's last use is written once a minute; not part of the count
    OtherDiagnosisFactory(patient=patient, recorded_by=nurse)
    with CaptureQueriesContext(connection) as one:
        first = client.get(f"/api/v1/patients/{patient.pk}/intake").json()
    OtherDiagnosisFactory.create_batch(39, patient=patient, recorded_by=nurse, icd10_code="F20.9",
                                       description="Schizophrenia, unspecified", status="current")

    with CaptureQueriesContext(connection) as forty:
        body = client.get(f"/api/v1/patients/{patient.pk}/intake").json()

    assert (len(first["other_diagnoses"]), len(body["other_diagnoses"])) == (1, 40)
    assert body["other_diagnoses"][0]["icd10_code"] == "F20.9"  # current ones first
    assert len(one) == len(forty)

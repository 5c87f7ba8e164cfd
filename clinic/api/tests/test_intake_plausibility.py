"""Plausible values through the API: 400 for malformed input, 422 with the rule's code, message and
field for a refusal, and the weight-change override as an optional field (issue 12, point 3)."""

import datetime as dt
from decimal import Decimal

import pytest

from clinic.audit.models import AuditEvent
from clinic.patients.models import BodyMeasurement, Indication, RecordRevision
from clinic.patients.tests.factories import PatientFactory

TODAY = "2026-11-24"  # conftest's now, at the main site


@pytest.fixture
def patient(main_site, clock, now):
    clock(now)
    return PatientFactory(site=main_site)


def post(client, patient, path, body):
    return client.post(f"/api/v1/patients/{patient.pk}/intake/{path}", body, content_type="application/json")


@pytest.mark.parametrize(("diastolic", "status"), [(79, 201), (80, 422), (81, 422)])
def test_diastolic_at_or_above_systolic_is_a_422_naming_the_field(api_client, nurse, patient, diastolic, status):
    response = post(api_client(nurse), patient, "measurements",
                    {"measured_on": TODAY, "systolic_mmhg": 80, "diastolic_mmhg": diastolic})

    assert response.status_code == status
    if status == 422:
        error = response.json()["error"]
        assert (error["code"], error["details"][0]["field"]) == ("BP_DIASTOLIC_NOT_BELOW_SYSTOLIC", "diastolic_mmhg")


@pytest.mark.parametrize(("weight", "status"), [(82.4, 201), (82.5, 201), (82.6, 422)])
def test_a_weight_change_over_ten_percent_is_refused_without_confirmation(api_client, nurse, patient, weight,
                                                                          status):
    client = api_client(nurse)
    post(client, patient, "measurements", {"measured_on": "2026-11-02", "weight_kg": 75})

    response = post(client, patient, "measurements", {"measured_on": TODAY, "weight_kg": weight})

    assert response.status_code == status


def test_a_weight_in_pounds_gets_the_message_and_is_saved_once_confirmed(api_client, nurse, patient):
    client = api_client(nurse)
    post(client, patient, "measurements", {"measured_on": "2026-11-02", "weight_kg": 75})

    refused = post(client, patient, "measurements", {"measured_on": TODAY, "weight_kg": 165})
    confirmed = post(client, patient, "measurements", {"measured_on": TODAY, "weight_kg": 165,
                                                       "confirm": ["WEIGHT_CHANGE"]})

    assert refused.status_code == 422
    assert refused.json()["error"] == {
        "code": "WEIGHT_CHANGE",
        "message": "165 kg is 120 % more than the last weight, 75 kg on 2 Nov 2026. Did you mean 75 kg? "
                   "165 lb = 74.8 kg.",
        "details": [{"field": "weight_kg", "message": "165 kg is 120 % more than the last weight, 75 kg on "
                                                      "2 Nov 2026. Did you mean 75 kg? 165 lb = 74.8 kg."}]}
    assert confirmed.status_code == 201
    item = BodyMeasurement.objects.get(pk=confirmed.json()["id"])
    assert item.weight_kg == Decimal(165)
    assert RecordRevision.objects.get(record_type="bodymeasurement", record_id=item.pk).changes["confirmed"] == [
        None, ["WEIGHT_CHANGE"]]
    assert AuditEvent.objects.get(action="patients.measurement_added", object_id=str(item.pk)).data == {
        "confirmed": ["WEIGHT_CHANGE"]}


@pytest.mark.parametrize("body", [{"weight_kg": "72,5"}, {"weight_kg": "72.5"}, {"confirm": ["WEIGHT"]}])
def test_a_number_sent_as_text_or_an_unknown_confirmation_is_a_400_naming_the_field(api_client, nurse, patient,
                                                                                    body):
    response = post(api_client(nurse), patient, "measurements", {"measured_on": TODAY, **body})

    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["field"].split(".")[0] == next(iter(body))


@pytest.mark.parametrize(("day", "status"), [(TODAY, 201), ("2026-11-25", 400)])
def test_a_history_date_after_today_at_the_site_is_a_400(api_client, nurse, patient, day, status):
    response = post(api_client(nurse), patient, "medications",
                    {"name": "Sertraline", "drug_class": "ssri", "started_on": day})

    assert response.status_code == status
    if status == 400:
        assert response.json()["error"]["details"] == [{
            "field": "started_on",
            "message": "The start date 25 Nov 2026 is after today at the site (24 Nov 2026). Check the day and "
                       "the year."}]


@pytest.mark.parametrize(("indication", "code", "status", "error_code"), [
    ("TRD_UNIPOLAR", "F33.2", 201, None), (None, "F43.10", 201, None),
    ("TRD_UNIPOLAR", "F41.1", 422, "ICD10_CODE_MISMATCH"), ("TRD_UNIPOLAR", "F33.99", 400, "VALIDATION_ERROR"),
])
def test_an_indications_code_must_exist_and_belong_to_it(api_client, nurse, patient, indication, code, status,
                                                         error_code):
    body = {"icd10_code": code, "noted_on": TODAY} | ({"code": indication} if indication else {})

    response = post(api_client(nurse), patient, "indications", body)

    assert response.status_code == status
    if status == 201:
        assert response.json()["code"] == (indication or "PTSD")
        assert Indication.objects.get(pk=response.json()["id"]).is_primary is True
    else:
        assert response.json()["error"]["code"] == error_code


@pytest.mark.parametrize(("kind", "extra", "status"), [
    ("psychotherapy", {"max_daily_dose": 200}, 422), ("psychotherapy", {"sessions_count": 16}, 201),
])
def test_a_prior_treatment_field_of_another_kind_is_a_422_naming_it(api_client, nurse, patient, kind, extra, status):
    response = post(api_client(nurse), patient, "treatment-trials",
                    {"kind": kind, "name": "CBT", "outcome": "no_response", **extra})

    assert response.status_code == status
    if status == 422:
        assert response.json()["error"]["details"] == [{
            "field": "max_daily_dose",
            "message": "Dose does not apply to a psychotherapy: clear it or choose the medicine kind."}]


def test_a_birth_date_after_today_is_still_a_400(api_client, nurse, patient):
    response = api_client(nurse).patch(f"/api/v1/patients/{patient.pk}", {"birth_date": "2026-11-25"},
                                       content_type="application/json")

    assert response.status_code == 400
    assert dt.date(1980, 4, 9) == type(patient).objects.get(pk=patient.pk).birth_date

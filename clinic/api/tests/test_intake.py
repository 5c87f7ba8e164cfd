"""The intake record over REST: clinical staff only, every entry through the patients' actions."""

import datetime as dt
from decimal import Decimal

import pytest

from clinic.patients.models import BodyMeasurement, Medication, RecordRevision, SafetyHistory
from clinic.patients.tests.factories import PatientFactory
from clinic.rules.safety_history import SAFETY_LABELS

pytestmark = pytest.mark.django_db

# One valid body per kind, with the figure each must come back with.
NEW_ENTRIES = {
    "indications": ({"code": "TRD_UNIPOLAR", "icd10_code": "f33.2", "is_primary": True,
                     "noted_on": "2026-10-01"}, {"icd10_code": "F33.2", "is_primary": True}),
    "medications": ({"name": "Lorazepam", "drug_class": "benzodiazepine", "dose_text": "1 mg at night",
                     "lorazepam_equivalent_mg_per_day": 1.5}, {"lorazepam_equivalent_mg_per_day": 1.5}),
    "allergies": ({"substance": "Penicillin", "reaction": "Rash"}, {"severity": None}),
    "measurements": ({"measured_on": "2026-11-20", "weight_kg": 72.5, "height_cm": 168.0,
                      "systolic_mmhg": 128, "diastolic_mmhg": 82}, {"weight_kg": 72.5, "systolic_mmhg": 128}),
    "treatment-trials": ({"kind": "medication", "name": "Sertraline", "drug_class": "ssri",
                          "max_daily_dose": 200, "dose_unit": "mg", "weeks_at_adequate_dose": 8,
                          "outcome": "no_response", "current_episode": True, "adequate_dose": True},
                         {"max_daily_dose": 200.0, "adherence": None}),
    "results": ({"kind": "ecg", "taken_on": "2026-11-18", "outcome": "negative",
                 "summary": "Sinus rhythm, QTc 420 ms"}, {"summary": "Sinus rhythm, QTc 420 ms"}),
}
KIND_OF_PATH = {"indications": "indication", "medications": "medication", "allergies": "allergy",
                "measurements": "measurement", "treatment-trials": "treatment_trial", "results": "result"}


@pytest.fixture
def patient(main_site):
    return PatientFactory(site=main_site)


def intake_url(patient, path: str = "") -> str:
    return f"/api/v1/patients/{patient.pk}/intake" + (f"/{path}" if path else "")


@pytest.mark.parametrize("path", list(NEW_ENTRIES))
def test_adds_an_entry_of_each_kind_with_its_own_audit_event(path, api_client, nurse, patient, audit_log):
    body, expected = NEW_ENTRIES[path]
    client = api_client(nurse)
    audit_log.mark()

    response = client.post(intake_url(patient, path), body, content_type="application/json")

    assert response.status_code == 201, response.content
    assert {key: response.json()[key] for key in expected} == expected
    assert isinstance(response.json()["id"], str)
    [event] = audit_log.new_events()
    assert (event.action, event.actor, audit_log.patient_ids(event)) == (
        f"patients.{KIND_OF_PATH[path]}_added", nurse, [patient.pk])


def test_keeps_decimals_exact_and_answers_them_as_json_numbers(api_client, prescriber, patient):
    client = api_client(prescriber)
    client.post(intake_url(patient, "measurements"), {"measured_on": "2026-11-20", "weight_kg": 72.3},
                content_type="application/json")

    response = client.get(intake_url(patient))

    assert BodyMeasurement.objects.get().weight_kg == Decimal("72.3")
    assert b'"weight_kg": 72.3,' in response.content


def test_refuses_more_decimal_places_than_the_record_keeps(api_client, nurse, patient):
    response = api_client(nurse).post(intake_url(patient, "measurements"),
                                      {"measured_on": "2026-11-20", "weight_kg": 72.35},
                                      content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["details"] == [
        {"field": "weight_kg", "message": "Value error, Give at most 1 decimal place."}]


def test_refuses_a_number_sent_as_a_string(api_client, nurse, patient):
    response = api_client(nurse).post(intake_url(patient, "measurements"),
                                      {"measured_on": "2026-11-20", "weight_kg": "72.5"},
                                      content_type="application/json")

    assert response.status_code == 400
    assert [detail["field"] for detail in response.json()["error"]["details"]] == ["weight_kg"]


def test_a_refused_entry_leaves_nothing_behind(api_client, nurse, patient, audit_log):
    client = api_client(nurse)
    audit_log.mark()

    response = client.post(intake_url(patient, "measurements"), {"measured_on": "2026-11-20",
                                                                  "systolic_mmhg": 128},
                           content_type="application/json")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "MEASUREMENT_INCOMPLETE"
    assert response.json()["error"]["details"][0]["field"] == "diastolic_mmhg"
    assert not BodyMeasurement.objects.exists()
    assert not RecordRevision.objects.exists()
    assert audit_log.new_events() == []


def test_refuses_an_icd10_code_of_another_indication_with_422_naming_the_field(api_client, nurse, patient):
    response = api_client(nurse).post(intake_url(patient, "indications"),
                                      {"code": "PTSD", "icd10_code": "F33.2", "noted_on": "2026-10-01"},
                                      content_type="application/json")

    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], error["details"][0]["field"]) == ("ICD10_CODE_MISMATCH", "icd10_code")
    assert "F43.10" in error["message"]


def test_reads_the_whole_intake_record_and_audits_the_read(api_client, nurse, patient, audit_log):
    Medication.objects.create(patient=patient, name="Sertraline", drug_class="ssri")
    client = api_client(nurse)
    audit_log.mark()

    response = client.get(intake_url(patient))

    assert response.status_code == 200
    body = response.json()
    assert [medication["name"] for medication in body["medications"]] == ["Sertraline"]
    assert (body["indications"], body["safety_history"]) == ([], None)
    [event] = audit_log.new_events()
    assert (event.action, audit_log.patient_ids(event)) == ("api.patients.intake_read", [patient.pk])


def test_changes_an_entry_and_keeps_the_old_value(api_client, nurse, patient, audit_log):
    medication = Medication.objects.create(patient=patient, name="Sertraline", drug_class="ssri",
                                           dose_text="50 mg")
    client = api_client(nurse)
    audit_log.mark()

    response = client.patch(intake_url(patient, f"medications/{medication.pk}"), {"dose_text": "100 mg"},
                            content_type="application/json")

    assert (response.status_code, response.json()["dose_text"]) == (200, "100 mg")
    assert RecordRevision.objects.get().changes == {"dose_text": ["50 mg", "100 mg"]}
    [event] = audit_log.new_events()
    assert (event.action, audit_log.patient_ids(event)) == ("patients.medication_changed", [patient.pk])


def test_removes_an_entry_made_in_error(api_client, nurse, patient, audit_log):
    medication = Medication.objects.create(patient=patient, name="Sertraline", drug_class="ssri")
    client = api_client(nurse)
    audit_log.mark()

    response = client.delete(intake_url(patient, f"medications/{medication.pk}"))

    assert (response.status_code, response.content) == (204, b"")
    assert not Medication.objects.exists()
    [event] = audit_log.new_events()
    assert (event.action, audit_log.patient_ids(event)) == ("patients.medication_removed", [patient.pk])


def test_answers_an_entry_of_another_patient_as_missing(api_client, nurse, patient, main_site):
    someone_else = PatientFactory(site=main_site)
    medication = Medication.objects.create(patient=someone_else, name="Sertraline", drug_class="ssri")

    response = api_client(nurse).delete(intake_url(patient, f"medications/{medication.pk}"))

    assert response.status_code == 404
    assert Medication.objects.filter(pk=medication.pk).exists()


def test_answers_another_sites_patient_as_missing(api_client, outsider, patient):
    response = api_client(outsider).get(intake_url(patient))

    assert (response.status_code, response.json()["error"]["code"]) == (404, "NOT_FOUND")


@pytest.mark.parametrize(("method", "path", "body"), [
    ("get", "", None),
    ("post", "medications", {"name": "Sertraline", "drug_class": "ssri"}),
    ("delete", "medications/1", None),
])
def test_front_desk_may_not_see_or_touch_intake(method, path, body, api_client, front_desk, patient):
    client = api_client(front_desk)

    response = getattr(client, method)(intake_url(patient, path), body, content_type="application/json")

    assert (response.status_code, response.json()["error"]["code"]) == (403, "FORBIDDEN")
    assert not Medication.objects.exists()


def test_front_desk_may_not_save_the_safety_history(api_client, front_desk, patient):
    response = api_client(front_desk).put(f"/api/v1/patients/{patient.pk}/safety-history",
                                          {"answers": {"pregnant": False}}, content_type="application/json")

    assert response.status_code == 403
    assert not SafetyHistory.objects.exists()


def test_saves_the_safety_history_leaving_unsent_items_unknown(api_client, prescriber, patient, audit_log):
    client = api_client(prescriber)
    audit_log.mark()

    response = client.put(f"/api/v1/patients/{patient.pk}/safety-history",
                          {"answers": {"pregnant": False, "hypertension_controlled": True},
                           "notes": "BP well controlled on amlodipine."}, content_type="application/json")

    assert response.status_code == 200
    answers = response.json()["answers"]
    assert (answers["pregnant"], answers["hypertension_controlled"], answers["psychosis_current"]) == (
        False, True, None)
    assert set(answers) == set(SAFETY_LABELS)
    history = SafetyHistory.objects.get(patient=patient)
    assert (history.pregnant, history.notes) == (False, "BP well controlled on amlodipine.")
    [event] = audit_log.new_events()
    assert (event.action, event.actor, audit_log.patient_ids(event)) == (
        "patients.safety_history_saved", prescriber, [patient.pk])


def test_refuses_an_unknown_safety_item_naming_its_dotted_path(api_client, nurse, patient):
    response = api_client(nurse).put(f"/api/v1/patients/{patient.pk}/safety-history",
                                     {"answers": {"smoker": True}}, content_type="application/json")

    assert response.status_code == 400
    assert [detail["field"] for detail in response.json()["error"]["details"]] == ["answers.smoker"]


def test_measurement_recorded_at_is_the_time_of_the_call(api_client, nurse, patient):
    before = dt.datetime.now(dt.UTC)

    body = api_client(nurse).post(intake_url(patient, "measurements"),
                                  {"measured_on": "2026-11-20", "heart_rate_bpm": 72},
                                  content_type="application/json").json()

    recorded_at = dt.datetime.fromisoformat(body["recorded_at"])
    assert before - dt.timedelta(seconds=1) <= recorded_at <= dt.datetime.now(dt.UTC)
    assert body["recorded_by_id"] == str(nurse.pk)


def test_prior_treatment_may_leave_adequacy_unknown(api_client, prescriber, patient):
    response = api_client(prescriber).post(intake_url(patient, "treatment-trials"),
                                           {"kind": "medication", "name": "Escitalopram", "outcome": "no_response"},
                                           content_type="application/json")

    assert response.status_code == 201, response.content
    assert (response.json()["current_episode"], response.json()["adequate_dose"]) == (None, None)
    assert patient.treatment_trials.get().adequate_dose is None

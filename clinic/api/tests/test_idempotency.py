"""Idempotency-Key on create calls: a repeat gets the first answer and creates nothing twice."""

import pytest

from clinic.api.models import IdempotentRequest
from clinic.patients.models import Medication, Patient
from clinic.patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

KEY = "8d4f2a6e-0c1b-4b8e-9f3a-2e5d7c9a1b04"


def register(client, site, *, key: str = KEY, **fields):
    body = {"given_name": "Ines", "family_name": "Marlow", "birth_date": "1979-03-14", "sex": "female",
            "site_id": str(site.pk), **fields}
    return client.post("/api/v1/patients", body, content_type="application/json",
                       headers={"Idempotency-Key": key})


def test_a_repeat_with_the_same_key_and_body_gets_the_same_answer_and_one_patient(api_client, nurse,
                                                                                  main_site, audit_log):
    client = api_client(nurse)
    first = register(client, main_site)
    audit_log.mark()

    repeat = register(client, main_site)

    assert (repeat.status_code, repeat.content) == (201, first.content)
    assert repeat.headers["Idempotent-Replayed"] == "true"
    assert Patient.objects.count() == 1
    [event] = audit_log.new_events()
    assert (event.action, event.actor, audit_log.patient_ids(event)) == (
        "api.create_replayed", nurse, [Patient.objects.get().pk])


def test_a_repeat_after_the_record_changed_still_gets_the_first_answer(api_client, nurse, main_site):
    client = api_client(nurse)
    first = register(client, main_site)
    client.patch(f"/api/v1/patients/{first.json()['id']}", {"phone": "555-0199"},
                 content_type="application/json")

    repeat = register(client, main_site)

    assert repeat.json() == first.json()


def test_refuses_the_same_key_with_a_different_body_and_creates_nothing(api_client, nurse, main_site):
    client = api_client(nurse)
    register(client, main_site)

    response = register(client, main_site, given_name="Agnes")

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert "different request" in error["message"]
    assert list(Patient.objects.values_list("given_name", flat=True)) == ["Ines"]


def test_refuses_the_same_key_on_another_address(api_client, nurse, main_site):
    client = api_client(nurse)
    patient = PatientFactory(site=main_site)
    register(client, main_site)

    response = client.post(f"/api/v1/patients/{patient.pk}/intake/medications",
                           {"name": "Sertraline", "drug_class": "ssri"}, content_type="application/json",
                           headers={"Idempotency-Key": KEY})

    assert response.status_code == 409
    assert not Medication.objects.exists()


def test_keys_belong_to_one_staff_member(api_client, nurse, front_desk, main_site):
    register(api_client(nurse), main_site)

    response = register(api_client(front_desk), main_site, confirm_duplicate=True)

    assert response.status_code == 201
    assert Patient.objects.count() == 2


def test_a_refused_create_keeps_no_key_so_the_corrected_request_can_use_it(api_client, nurse, main_site,
                                                                          other_site):
    client = api_client(nurse)
    refused = register(client, main_site, site_id=str(other_site.pk))

    corrected = register(client, main_site, site_id=str(main_site.pk))

    assert (refused.status_code, corrected.status_code) == (422, 201)
    assert IdempotentRequest.objects.get().status_code == 201


def test_adds_an_intake_entry_once_for_a_repeated_key(api_client, nurse, main_site):
    client = api_client(nurse)
    patient = PatientFactory(site=main_site)
    url = f"/api/v1/patients/{patient.pk}/intake/medications"
    body = {"name": "Sertraline", "drug_class": "ssri", "dose_text": "100 mg daily"}

    answers = [client.post(url, body, content_type="application/json", headers={"Idempotency-Key": KEY})
               for _ in range(3)]

    assert [answer.status_code for answer in answers] == [201, 201, 201]
    assert len({answer.content for answer in answers}) == 1
    assert Medication.objects.count() == 1


def test_refuses_a_key_with_spaces_naming_the_header(api_client, nurse, main_site):
    response = register(api_client(nurse), main_site, key="not a key")

    assert response.status_code == 400
    assert [detail["field"] for detail in response.json()["error"]["details"]] == ["Idempotency-Key"]
    assert not Patient.objects.exists()

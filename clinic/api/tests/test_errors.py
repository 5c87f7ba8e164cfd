"""Every error in the shape of design §4.4, with the bad fields named by their dotted paths."""

import pytest
from django.test import Client

from clinic.patients.models import Patient
from clinic.patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


def fields_named(response) -> list[str]:
    return [detail["field"] for detail in response.json()["error"]["details"]]


def test_names_every_bad_field_with_400_not_422(api_client, nurse, main_site):
    response = api_client(nurse).post("/api/v1/patients", {"family_name": "Marlow", "birth_date": "14/03/1979",
                                                           "sex": "f", "site_id": str(main_site.pk)},
                                      content_type="application/json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert error["details"][0] == {"field": "given_name", "message": "Required."}
    assert fields_named(response) == ["given_name", "birth_date", "sex"]
    assert not Patient.objects.exists()


def test_names_a_nested_field_by_its_dotted_path(api_client, nurse, main_site):
    patient = PatientFactory(site=main_site)

    response = api_client(nurse).put(f"/api/v1/patients/{patient.pk}/safety-history",
                                     {"answers": {"pregnant": "maybe"}}, content_type="application/json")

    assert fields_named(response) == ["answers.pregnant"]


def test_refuses_an_unknown_field_rather_than_ignoring_it(api_client, nurse, main_site):
    patient = PatientFactory(site=main_site)

    response = api_client(nurse).patch(f"/api/v1/patients/{patient.pk}", {"date_of_birth": "1979-03-14"},
                                       content_type="application/json")

    assert (response.status_code, fields_named(response)) == (400, ["date_of_birth"])


def test_refuses_a_body_that_is_not_json(api_client, nurse):
    response = api_client(nurse).post("/api/v1/patients", "given_name=Ines", content_type="application/json")

    assert (response.status_code, fields_named(response)) == (400, ["body"])


def test_refuses_text_the_database_cannot_store(api_client, nurse, main_site):
    response = api_client(nurse).post("/api/v1/patients", {
        "given_name": "In\u0000es", "family_name": "Marlow", "birth_date": "1979-03-14", "sex": "female",
        "site_id": str(main_site.pk)}, content_type="application/json")

    assert (response.status_code, fields_named(response)) == (400, ["given_name"])


def test_answers_a_value_the_record_refuses_with_400_naming_the_field(api_client, nurse, main_site):
    response = api_client(nurse).post("/api/v1/patients", {
        "given_name": "Ines", "family_name": "Marlow", "birth_date": "1979-03-14", "sex": "female",
        "site_id": str(main_site.pk), "email": "ines at example"}, content_type="application/json")

    assert (response.status_code, fields_named(response)) == (400, ["email"])
    assert response.json()["error"]["details"][0]["message"] == "Enter a valid email address."
    assert not Patient.objects.exists()


def test_answers_an_unknown_address_under_the_api_with_a_json_404():
    response = Client().get("/api/v1/appointments/nowhere")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"


def test_answers_a_method_an_address_does_not_take_with_a_json_405(api_client, nurse):
    response = api_client(nurse).delete("/api/v1/patients")

    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "POST"}
    assert response.json()["error"]["code"] == "METHOD_NOT_ALLOWED"

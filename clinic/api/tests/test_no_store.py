"""Every API answer, errors included, says Cache-Control: no-store: no client library or proxy may keep
a copy of what the API returns."""

import pytest
from django.test import Client

# record is the operation walk's fixture, asked for by name below.
from clinic.api.tests.test_route_audit import CASES, call, record  # noqa: F401

pytestmark = pytest.mark.django_db


def has_no_store(response) -> bool:
    return "no-store" in [part.strip() for part in response.headers.get("Cache-Control", "").split(",")]


@pytest.mark.parametrize("operation", sorted(CASES))
def test_every_operation_answers_with_no_store(operation, request, api_client):
    case = CASES[operation]
    patient, entries = request.getfixturevalue("record")
    client = api_client(request.getfixturevalue(case.role))

    response = call(client, operation, case, patient=patient, entries=entries)

    assert (response.status_code, has_no_store(response)) == (case.status, True)


@pytest.mark.parametrize("operation", sorted(CASES))
def test_every_operation_refuses_a_missing_token_with_no_store(operation, request):
    patient, entries = request.getfixturevalue("record")

    response = call(Client(), operation, CASES[operation], patient=patient, entries=entries)

    assert (response.status_code, has_no_store(response)) == (401, True)


@pytest.mark.parametrize(("role", "method", "path", "body", "status"), [
    ("front_desk", "GET", "/api/v1/patients/{patient_id}/intake", "", 403),
    ("nurse", "GET", "/api/v1/patients/999999", "", 404),
    ("nurse", "POST", "/api/v1/instruments/phq9/score", '{"answers": [0]}', 400),
    ("nurse", "POST", "/api/v1/dosing/calculate", "not json", 400),
    ("nurse", "POST", "/api/v1/patients", '{"given_name": "Ines", "family_name": "Marlow", "birth_date": "1979-03-14", '
                                          '"sex": "female", "site_id": "999999"}', 422),
])
def test_api_errors_are_no_store(request, api_client, role, method, path, body, status):
    patient, _ = request.getfixturevalue("record")
    client = api_client(request.getfixturevalue(role))

    response = client.generic(method, path.format(patient_id=patient.pk), data=body, content_type="application/json")

    assert (response.status_code, has_no_store(response)) == (status, True)
    assert set(response.json()["error"]) == {"code", "message", "details"}


@pytest.mark.parametrize("path", ["/api/v1/openapi.json", "/api/v1/docs"])
def test_the_api_documents_are_no_store(api_client, nurse, path):
    response = api_client(nurse).get(path)

    assert (response.status_code, has_no_store(response)) == (200, True)

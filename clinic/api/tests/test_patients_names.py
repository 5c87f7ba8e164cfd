"""Names over REST: stored as typed but clean, a name with no letter a 400 naming the field, the same
person typed another way a 409, and search by the folded name."""

import unicodedata

import pytest

from clinic.patients.models import Patient

pytestmark = pytest.mark.django_db

JOSE_MUNOZ = {"given_name": "José", "family_name": "Muñoz", "birth_date": "1979-03-14", "sex": "male"}


def register(client, site, **fields):
    return client.post("/api/v1/patients", {**JOSE_MUNOZ, "site_id": str(site.pk), **fields},
                       content_type="application/json")


def test_a_name_is_stored_and_answered_clean_and_as_typed(api_client, nurse, main_site):
    response = register(api_client(nurse), main_site, given_name=unicodedata.normalize("NFD", "JOSÉ\u200b"),
                        escort_name="Ana\u00a0\u00a0Muñoz\u202c")

    body = response.json()
    assert (response.status_code, body["given_name"], body["family_name"], body["escort_name"]) == (
        201, "JOSÉ", "Muñoz", "Ana Muñoz")
    assert Patient.objects.get().name_key == "munoz, jose"


NO_LETTER = {"zero-width space": "\u200b", "punctuation": "-'", "bidi controls": "\u202e\u202c", "digits": "7"}
# An optional name may be left empty, so only what shows and holds no letter is refused there.
OPTIONAL_NO_LETTER = {"punctuation": "-'", "digits": "7"}
REQUIRED_CASES = [(field, typed) for field in ("given_name", "family_name") for typed in NO_LETTER.values()]
OPTIONAL_CASES = [(field, typed) for field in ("preferred_name", "escort_name", "emergency_contact_name")
                  for typed in OPTIONAL_NO_LETTER.values()]


@pytest.mark.parametrize(("field", "typed"), REQUIRED_CASES + OPTIONAL_CASES)
def test_a_name_with_no_letter_is_a_400_naming_the_field(api_client, nurse, main_site, field, typed):
    response = register(api_client(nurse), main_site, **{field: typed})

    error = response.json()["error"]
    assert (response.status_code, error["code"]) == (400, "VALIDATION_ERROR")
    [detail] = error["details"]
    assert detail["field"] == field
    assert " has no letter: it holds only spaces, punctuation, digits or invisible characters." in detail["message"]
    assert not Patient.objects.exists()


@pytest.mark.parametrize("field", ["preferred_name", "escort_name", "emergency_contact_name"])
def test_an_optional_name_of_invisible_characters_only_is_stored_empty(api_client, nurse, main_site, field):
    response = register(api_client(nurse), main_site, **{field: "\u200b\u202e\u202c"})

    assert (response.status_code, response.json()[field]) == (201, "")


@pytest.mark.parametrize(("given_name", "family_name"), [
    (unicodedata.normalize("NFD", "José"), unicodedata.normalize("NFD", "Muñoz")),
    ("JOSÉ", "MUÑOZ"), ("Jose", "Munoz"), ("Jo\u200bsé", "Mu\u200bñoz"), ("Ｊｏｓé", "Ｍｕñｏｚ"),
], ids=["decomposed", "capitals", "without accents", "zero-width space", "full-width"])
def test_the_same_person_typed_another_way_is_a_409(api_client, nurse, main_site, given_name, family_name):
    client = api_client(nurse)
    register(client, main_site)

    response = register(client, main_site, given_name=given_name, family_name=family_name)

    assert (response.status_code, response.json()["error"]["code"]) == (409, "DUPLICATE_PATIENT")
    assert Patient.objects.count() == 1


def test_a_change_to_a_name_with_no_letter_is_a_400_and_the_record_kept(api_client, nurse, main_site):
    client = api_client(nurse)
    patient_id = register(client, main_site).json()["id"]

    response = client.patch(f"/api/v1/patients/{patient_id}", {"family_name": "\u200b\u200b"},
                            content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["field"] == "family_name"
    assert Patient.objects.get().family_name == "Muñoz"


def test_a_change_that_only_adds_invisible_characters_changes_nothing(api_client, nurse, main_site):
    client = api_client(nurse)
    body = register(client, main_site).json()

    response = client.patch(f"/api/v1/patients/{body['id']}", {"family_name": "Mu\u200bñoz "},
                            content_type="application/json")

    assert (response.status_code, response.json()["family_name"], response.json()["updated_at"]) == (
        200, "Muñoz", body["updated_at"])


@pytest.mark.parametrize("query", ["munoz", "MUÑOZ", "jose munoz", "Muñoz, José"])
def test_search_matches_the_folded_name(api_client, nurse, main_site, query):
    client = api_client(nurse)
    patient_id = register(client, main_site).json()["id"]
    register(client, main_site, given_name="Ana", family_name="Moreno")

    body = client.get("/api/v1/patients", {"q": query}).json()

    assert (body["count"], [item["id"] for item in body["items"]]) == (1, [patient_id])

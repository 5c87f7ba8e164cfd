"""The registry over REST: register, read, search and change patients of one's own sites."""

import datetime as dt

import pytest

from clinic.audit.models import AuditEvent
from clinic.patients.models import Patient, RecordRevision, ReferringClinician
from clinic.patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

NEW_PATIENT = {"given_name": "Ines", "family_name": "Marlow", "birth_date": "1979-03-14", "sex": "female"}


def register(client, site, **fields):
    return client.post("/api/v1/patients", {**NEW_PATIENT, "site_id": str(site.pk), **fields},
                       content_type="application/json")


def test_registers_a_patient_with_the_next_mrn_and_one_audit_event(api_client, front_desk, main_site,
                                                                   audit_log):
    client = api_client(front_desk)
    audit_log.mark()

    response = register(client, main_site, phone="555-0190", escort_name="Sam Marlow",
                        preferred_channel="sms")

    assert response.status_code == 201
    body = response.json()
    patient = Patient.objects.get()
    assert (body["id"], body["mrn"], body["site_id"]) == (str(patient.pk), "K000001", str(main_site.pk))
    assert (patient.given_name, patient.birth_date, patient.phone, patient.escort_name,
            patient.preferred_channel) == ("Ines", dt.date(1979, 3, 14), "555-0190", "Sam Marlow", "sms")
    [event] = audit_log.new_events()
    assert (event.action, event.actor, audit_log.patient_ids(event)) == (
        "patients.registered", front_desk, [patient.pk])


def test_answers_with_datetimes_that_carry_an_offset(api_client, nurse, main_site):
    body = register(api_client(nurse), main_site).json()

    created_at = dt.datetime.fromisoformat(body["created_at"])

    assert created_at.utcoffset() == dt.timedelta(0)
    assert body["created_at"].endswith("Z")


def test_refuses_a_second_patient_with_the_same_name_and_birth_date_with_409(api_client, nurse, main_site):
    client = api_client(nurse)
    register(client, main_site)

    response = register(client, main_site, given_name="ines ")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "DUPLICATE_PATIENT"
    assert Patient.objects.count() == 1


def test_registers_a_namesake_when_the_duplicate_is_confirmed(api_client, nurse, main_site):
    client = api_client(nurse)
    register(client, main_site)

    response = register(client, main_site, confirm_duplicate=True)

    assert (response.status_code, response.json()["mrn"]) == (201, "K000002")


def test_refuses_to_register_at_a_site_the_caller_does_not_work_at(api_client, nurse, main_site, other_site):
    response = register(api_client(nurse), other_site)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "SITE_NOT_YOURS"
    assert response.json()["error"]["details"][0]["field"] == "site_id"
    assert not Patient.objects.exists()


def test_refuses_a_birth_date_in_the_future_naming_the_field(api_client, nurse, main_site):
    response = register(api_client(nurse), main_site, birth_date="2999-01-01")

    assert response.status_code == 400
    assert [detail["field"] for detail in response.json()["error"]["details"]] == ["birth_date"]
    assert not Patient.objects.exists()


@pytest.mark.parametrize(("typed", "message"), [
    ("2020-02-30", "30 Feb 2020 does not exist: February 2020 has 29 days. Check the day and the month."),
    ("2021-02-29", "29 Feb 2021 does not exist: February 2021 has 28 days. Check the day and the month."),
    ("1980-13-02", "There is no month 13. Check the month (1 to 12) and that day and month are not swapped."),
])
def test_refuses_an_impossible_birth_date_naming_it_impossible(api_client, nurse, main_site, typed, message):
    response = register(api_client(nurse), main_site, birth_date=typed)

    assert response.status_code == 400
    assert [(detail["field"], detail["message"]) for detail in response.json()["error"]["details"]] == [
        ("birth_date", message)]
    assert not Patient.objects.exists()


@pytest.mark.parametrize("typed", ["123", "1700000000", "2020-02-03T00:00:00"])
def test_refuses_a_birth_date_that_is_not_an_iso_date_rather_than_reading_it_as_seconds(api_client, nurse,
                                                                                        main_site, typed):
    """pydantic reads a number in text as seconds since 1970; "123" must not register someone born 1 Jan 1970."""
    response = register(api_client(nurse), main_site, birth_date=typed)

    assert response.status_code == 400
    assert [(detail["field"], detail["message"]) for detail in response.json()["error"]["details"]] == [
        ("birth_date", "Give the date in ISO form, e.g. 2026-11-20.")]
    assert not Patient.objects.exists()


def test_accepts_the_29th_of_february_of_a_leap_year(api_client, nurse, main_site):
    response = register(api_client(nurse), main_site, birth_date="2020-02-29")

    assert (response.status_code, response.json()["birth_date"]) == (201, "2020-02-29")


def test_refuses_a_referring_clinician_of_another_clinic(api_client, nurse, main_site):
    from clinic.sites.tests.factories import OrganisationFactory

    elsewhere = ReferringClinician.objects.create(organisation=OrganisationFactory(), name="Dr Elsewhere")

    response = register(api_client(nurse), main_site, referral_source="clinician",
                        referring_clinician_id=str(elsewhere.pk))

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "REFERRER_NOT_FOUND"
    assert not Patient.objects.exists()


def test_reads_a_patient_and_audits_the_read(api_client, front_desk, main_site, audit_log):
    patient = PatientFactory(site=main_site, given_name="Ada", family_name="Byron", mrn="K000042")
    client = api_client(front_desk)
    audit_log.mark()

    response = client.get(f"/api/v1/patients/{patient.pk}")

    assert response.status_code == 200
    assert {key: response.json()[key] for key in ("id", "mrn", "given_name", "birth_date", "sex")} == {
        "id": str(patient.pk), "mrn": "K000042", "given_name": "Ada", "birth_date": "1980-04-09",
        "sex": "female"}
    [event] = audit_log.new_events()
    assert (event.action, event.actor, audit_log.patient_ids(event)) == (
        "api.patients.read", front_desk, [patient.pk])


def test_answers_another_sites_patient_exactly_as_a_missing_one(api_client, outsider, main_site, audit_log):
    patient = PatientFactory(site=main_site)
    client = api_client(outsider)
    audit_log.mark()

    theirs = client.get(f"/api/v1/patients/{patient.pk}")
    missing = client.get(f"/api/v1/patients/{patient.pk + 1000}")

    assert (theirs.status_code, theirs.json()) == (missing.status_code, missing.json())
    assert theirs.status_code == 404
    # Only the refusals are recorded; the patient asked for is named in the trail, never in the answer.
    assert [(event.action, event.data["status"], audit_log.patient_ids(event)) for event in audit_log.new_events()
            ] == [("audit.access_refused", 404, [patient.pk]), ("audit.access_refused", 404, [])]


def test_answers_an_id_that_is_not_a_number_as_missing(api_client, nurse):
    response = api_client(nurse).get("/api/v1/patients/abc")

    assert (response.status_code, response.json()["error"]["code"]) == (404, "NOT_FOUND")


def test_searches_by_name_mrn_and_iso_birth_date_within_the_callers_sites(api_client, nurse, main_site,
                                                                         other_site):
    ada = PatientFactory(site=main_site, given_name="Ada", family_name="Byron", mrn="K000001")
    grace = PatientFactory(site=main_site, given_name="Grace", family_name="Hopper", mrn="K000002",
                           birth_date=dt.date(1906, 12, 9))
    PatientFactory(site=other_site, given_name="Ada", family_name="Byron", mrn="K000003")
    client = api_client(nurse)

    by_name = client.get("/api/v1/patients", {"q": "byron"}).json()
    by_mrn = client.get("/api/v1/patients", {"q": "K000002"}).json()
    by_birth_date = client.get("/api/v1/patients", {"q": "1906-12-09"}).json()
    everyone = client.get("/api/v1/patients").json()

    assert ([p["id"] for p in by_name["items"]], by_name["count"]) == ([str(ada.pk)], 1)
    assert [p["id"] for p in by_mrn["items"]] == [str(grace.pk)]
    assert [p["id"] for p in by_birth_date["items"]] == [str(grace.pk)]
    assert ([p["family_name"] for p in everyone["items"]], everyone["count"]) == (["Byron", "Hopper"], 2)


def test_pages_with_limit_and_offset_and_counts_every_match(api_client, nurse, main_site):
    for family_name in ("Adams", "Baker", "Clark", "Davis"):
        PatientFactory(site=main_site, family_name=family_name)

    body = api_client(nurse).get("/api/v1/patients", {"limit": 2, "offset": 1}).json()

    assert ([p["family_name"] for p in body["items"]], body["count"]) == (["Baker", "Clark"], 4)


@pytest.mark.parametrize("limit", ["0", "201", "many"])
def test_refuses_a_limit_outside_1_to_200(api_client, nurse, limit):
    response = api_client(nurse).get("/api/v1/patients", {"limit": limit})

    assert response.status_code == 400
    assert [detail["field"] for detail in response.json()["error"]["details"]] == ["limit"]


def test_writes_one_audit_event_naming_every_listed_patient(api_client, nurse, main_site, audit_log):
    patients = PatientFactory.create_batch(3, site=main_site)
    client = api_client(nurse)
    audit_log.mark()

    client.get("/api/v1/patients", {"q": ""})

    [event] = audit_log.new_events()
    assert (event.action, event.actor) == ("api.patients.listed", nurse)
    assert audit_log.patient_ids(event) == sorted(patient.pk for patient in patients)
    assert event.data == {"q": "", "limit": 50, "offset": 0, "count": 3}


def test_changes_only_the_fields_sent_and_keeps_the_old_values(api_client, front_desk, main_site, audit_log):
    patient = PatientFactory(site=main_site, given_name="Ada", phone="555-0100")
    client = api_client(front_desk)
    audit_log.mark()

    response = client.patch(f"/api/v1/patients/{patient.pk}", {"phone": "555-0199"},
                            content_type="application/json")

    assert (response.status_code, response.json()["phone"], response.json()["given_name"]) == (
        200, "555-0199", "Ada")
    revision = RecordRevision.objects.get(patient=patient)
    assert revision.changes == {"phone": ["555-0100", "555-0199"]}
    [event] = audit_log.new_events()
    assert (event.action, event.changed_fields, audit_log.patient_ids(event)) == (
        "patients.updated", ["phone"], [patient.pk])


def test_a_change_that_changes_nothing_is_audited_as_a_read(api_client, nurse, main_site, audit_log):
    patient = PatientFactory(site=main_site, phone="555-0100")
    client = api_client(nurse)
    audit_log.mark()

    response = client.patch(f"/api/v1/patients/{patient.pk}", {"phone": "555-0100"},
                            content_type="application/json")

    assert response.status_code == 200
    assert [event.action for event in audit_log.new_events()] == ["api.patients.read"]
    assert not RecordRevision.objects.exists()


def test_refuses_null_for_a_field_the_record_needs(api_client, nurse, main_site):
    patient = PatientFactory(site=main_site, given_name="Ada")

    response = api_client(nurse).patch(f"/api/v1/patients/{patient.pk}", {"given_name": None},
                                       content_type="application/json")

    assert response.status_code == 400
    assert [detail["field"] for detail in response.json()["error"]["details"]] == ["given_name"]
    patient.refresh_from_db()
    assert patient.given_name == "Ada"


def test_clears_the_referring_clinician_with_null(api_client, nurse, main_site, organisation):
    clinician = ReferringClinician.objects.create(organisation=organisation, name="Dr Osler")
    patient = PatientFactory(site=main_site, referral_source="clinician", referring_clinician=clinician)

    response = api_client(nurse).patch(f"/api/v1/patients/{patient.pk}", {"referring_clinician_id": None},
                                       content_type="application/json")

    assert (response.status_code, response.json()["referring_clinician_id"]) == (200, None)
    patient.refresh_from_db()
    assert patient.referring_clinician is None


def test_refuses_to_change_another_sites_patient_as_missing(api_client, outsider, main_site):
    patient = PatientFactory(site=main_site, phone="555-0100")

    response = api_client(outsider).patch(f"/api/v1/patients/{patient.pk}", {"phone": "555-0199"},
                                          content_type="application/json")

    assert response.status_code == 404
    patient.refresh_from_db()
    assert patient.phone == "555-0100"
    assert not AuditEvent.objects.filter(actor=outsider, action="patients.updated").exists()

"""Screening runs and eligibility decisions over REST (design §4.4)."""

import pytest

from clinic.patients import actions as patient_actions
from clinic.protocols.actions import change_section
from clinic.rules.protocols import RULES_VERSION
from clinic.screening import queries
from clinic.screening.models import EligibilityDecision, ScreeningRun
from clinic.screening.tests.intakes import screened_patient

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _answers_at_now(clock, now):
    """The API reads the same instant as the runs below were screened: a run screened for another day is not
    the screening a decision may be signed on."""
    clock(now)


@pytest.fixture
def clear_patient(main_site, nurse, now):
    return screened_patient(main_site, nurse=nurse, now=now, given_name="Rowan")


@pytest.fixture
def caution_patient(main_site, nurse, now):
    return screened_patient(main_site, nurse=nurse, now=now, given_name="Ira", substance_use_disorder_past=True)


@pytest.fixture
def hard_stop_patient(main_site, nurse, now):
    return screened_patient(main_site, nurse=nurse, now=now, given_name="Noor", psychosis_current=True)


def post(client, url, body=None, **headers):
    return client.post(url, body or {}, content_type="application/json", headers=headers)


def test_a_screening_answers_201_with_versions_and_findings(api_client, nurse, caution_patient):
    response = post(api_client(nurse), f"/api/v1/patients/{caution_patient.pk}/screenings")

    body = response.json()
    assert response.status_code == 201
    assert (body["rules_version"], body["protocol_version"], body["number"], body["trigger"]) == (
        RULES_VERSION, "v1", 2, "api")
    assert [(row["code"], row["kind"]) for row in body["findings"]] == [
        ("CA_SUD_HISTORY", "caution"), ("IN_TRD", "information")]
    assert set(body["findings"][0]) >= {"code", "kind", "data", "source", "title", "message"}


def test_the_same_idempotency_key_screens_once(api_client, nurse, caution_patient):
    client = api_client(nurse)
    url = f"/api/v1/patients/{caution_patient.pk}/screenings"

    first = post(client, url, **{"Idempotency-Key": "k-1"})
    again = post(client, url, **{"Idempotency-Key": "k-1"})

    assert first.json() == again.json()
    assert ScreeningRun.objects.filter(patient=caution_patient).count() == 2


def test_an_earlier_run_reads_unchanged_after_a_protocol_change(api_client, nurse, director, caution_patient,
                                                               main_site, now):
    run = queries.latest_run(patient=caution_patient)
    client = api_client(nurse)
    before = client.get(f"/api/v1/screenings/{run.pk}").json()

    change_section(actor=director, now=now, site=main_site, section="eligibility",
                   values={**run.protocol.values["eligibility"], "kinds": {"CA_SUD_HISTORY": "hard_stop"}},
                   reason="Stricter on substance use")
    post(client, f"/api/v1/patients/{caution_patient.pk}/screenings")

    assert client.get(f"/api/v1/screenings/{run.pk}").json() == before
    assert before["findings"][0]["kind"] == "caution" and before["protocol_version"] == "v1"


def test_signing_over_the_api_and_reading_the_state(api_client, prescriber, caution_patient):
    run = queries.latest_run(patient=caution_patient)
    client = api_client(prescriber)

    response = post(client, f"/api/v1/patients/{caution_patient.pk}/eligibility-decisions", {
        "screening_id": str(run.pk), "outcome": "eligible", "summary": "Suitable.",
        "caution_decisions": [{"code": "CA_SUD_HISTORY", "decision": "Remission 6 years."}]})

    body = response.json()
    assert response.status_code == 201
    assert (body["outcome"], body["protocol_version"], body["rules_version"], body["screening_id"]) == (
        "eligible", "v1", RULES_VERSION, str(run.pk))
    assert body["caution_decisions"][0]["decision"] == "Remission 6 years."
    state = client.get(f"/api/v1/patients/{caution_patient.pk}/eligibility").json()
    assert (state["eligible"], state["code"], state["decision_id"]) == (True, "ELIGIBLE", body["id"])
    assert client.get(f"/api/v1/eligibility-decisions/{body['id']}").json() == body


def test_eligible_over_a_hard_stop_is_422_saying_what_to_do(api_client, prescriber, hard_stop_patient):
    run = queries.latest_run(patient=hard_stop_patient)

    response = post(api_client(prescriber), f"/api/v1/patients/{hard_stop_patient.pk}/eligibility-decisions", {
        "screening_id": str(run.pk), "outcome": "eligible", "summary": "Fine"})

    error = response.json()["error"]
    assert (response.status_code, error["code"]) == (422, "HARD_STOP_UNRESOLVED")
    assert "Resolve it in the intake and screen again, or sign \"not eligible\"" in error["message"]


def test_a_caution_without_a_written_decision_is_400_naming_it(api_client, prescriber, caution_patient):
    run = queries.latest_run(patient=caution_patient)

    response = post(api_client(prescriber), f"/api/v1/patients/{caution_patient.pk}/eligibility-decisions", {
        "screening_id": str(run.pk), "outcome": "eligible", "summary": "Fine"})

    error = response.json()["error"]
    assert response.status_code == 400
    assert error["details"][0]["field"] == "caution_decisions.CA_SUD_HISTORY"
    assert "Substance use history" in error["details"][0]["message"]


def test_a_second_signature_and_a_stale_run_are_409(api_client, prescriber, nurse, clear_patient):
    run = queries.latest_run(patient=clear_patient)
    client = api_client(prescriber)
    url = f"/api/v1/patients/{clear_patient.pk}/eligibility-decisions"
    body = {"screening_id": str(run.pk), "outcome": "eligible", "summary": "Fine"}
    assert post(client, url, body).status_code == 201

    second = post(client, url, body)
    post(api_client(nurse), f"/api/v1/patients/{clear_patient.pk}/screenings")
    stale = post(client, url, body)

    assert (second.status_code, second.json()["error"]["code"]) == (409, "DECISION_ALREADY_SIGNED")
    assert (stale.status_code, stale.json()["error"]["code"]) == (409, "SCREENING_CHANGED")
    assert "review run 2" in stale.json()["error"]["message"]
    assert EligibilityDecision.objects.count() == 1


@pytest.mark.parametrize("key", [None, "sign-1"])
def test_eligible_on_a_run_the_protocol_has_overtaken_is_409_and_the_new_run_is_kept(
        api_client, prescriber, director, main_site, caution_patient, now, key):
    run = queries.latest_run(patient=caution_patient)
    change_section(actor=director, now=now, site=main_site, section="eligibility",
                   values={**run.protocol.values["eligibility"], "kinds": {"CA_SUD_HISTORY": "hard_stop"}},
                   reason="Stricter on substance use")
    headers = {"Idempotency-Key": key} if key else {}

    response = post(api_client(prescriber), f"/api/v1/patients/{caution_patient.pk}/eligibility-decisions", {
        "screening_id": str(run.pk), "outcome": "eligible", "summary": "Suitable.",
        "caution_decisions": [{"code": "CA_SUD_HISTORY", "decision": "Remission 6 years."}]}, **headers)

    error = response.json()["error"]
    assert (response.status_code, error["code"]) == (409, "SCREENING_CHANGED")
    assert "Review run 2 and sign your decision on it" in error["message"]
    assert not EligibilityDecision.objects.exists()
    latest = queries.latest_run(patient=caution_patient)
    assert (latest.number, latest.trigger, latest.run_by, latest.protocol.version) == (2, "manual", prescriber, 2)
    assert latest.hard_stops[0]["code"] == "CA_SUD_HISTORY"
    assert ScreeningRun.objects.filter(patient=caution_patient).count() == 2


def test_nurses_may_not_sign_or_add_and_a_decision_is_never_edited(api_client, prescriber, nurse, clear_patient):
    run = queries.latest_run(patient=clear_patient)
    signed = post(api_client(prescriber), f"/api/v1/patients/{clear_patient.pk}/eligibility-decisions",
                  {"screening_id": str(run.pk), "outcome": "eligible", "summary": "Fine"}).json()

    refused = post(api_client(nurse), f"/api/v1/patients/{clear_patient.pk}/eligibility-decisions",
                   {"screening_id": str(run.pk), "outcome": "not_eligible", "summary": "No"})
    edit = api_client(prescriber).patch(f"/api/v1/eligibility-decisions/{signed['id']}", {"summary": "Changed"},
                                        content_type="application/json")
    added = post(api_client(prescriber), f"/api/v1/eligibility-decisions/{signed['id']}/addenda",
                 {"text": "Escort confirmed."})

    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "FORBIDDEN")
    assert edit.status_code == 405
    assert (added.status_code, [note["text"] for note in added.json()["addenda"]]) == (201, ["Escort confirmed."])
    assert added.json()["summary"] == "Fine"


def test_the_state_names_a_new_caution_after_the_decision(api_client, prescriber, nurse, clear_patient, now):
    run = queries.latest_run(patient=clear_patient)
    client = api_client(prescriber)
    post(client, f"/api/v1/patients/{clear_patient.pk}/eligibility-decisions",
         {"screening_id": str(run.pk), "outcome": "eligible", "summary": "Fine"})
    patient_actions.save_safety_history(actor=nurse, now=now, patient=clear_patient,
                                        answers={"substance_use_disorder_past": True})

    state = client.get(f"/api/v1/patients/{clear_patient.pk}/eligibility?on=2026-12-01").json()

    assert (state["eligible"], state["code"], state["on"]) == (False, "NEW_CAUTION", "2026-12-01")
    assert [row["code"] for row in state["findings"]] == ["CA_SUD_HISTORY"]


@pytest.mark.parametrize("typed", ["123", "true", "2026-13-01"])
def test_the_eligibility_day_must_be_an_iso_date(api_client, nurse, clear_patient, typed):
    response = api_client(nurse).get(f"/api/v1/patients/{clear_patient.pk}/eligibility", {"on": typed})

    assert response.status_code == 400
    assert [detail["field"] for detail in response.json()["error"]["details"]] == ["on"]

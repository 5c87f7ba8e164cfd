"""Questionnaire responses over REST (design §4.4): stored and scored, alerts opened in the same
transaction, each scale's history newest first, for clinical staff of the patient's site only."""

import datetime as dt

import pytest

from clinic.api.tests.test_query_counts import HOUSE_BUDGET_QUERIES, captured_for, queries_for
from clinic.audit.models import AuditEvent
from clinic.patients.tests.factories import PatientFactory
from clinic.questionnaires.models import (
    Alert,
    AlertNotification,
    QuestionnaireRequest,
    QuestionnaireResponse,
    SiteAlertSettings,
)

pytestmark = pytest.mark.django_db

PHQ9_ITEM_9_POSITIVE = [1, 2, 1, 2, 1, 1, 1, 1, 1]  # total 11, moderate
CSSRS_HIGH = [1, 1, 0, 1, 0, 0]  # a Yes to item 4: intent to act
RESPONSE_KEYS = {"id", "instrument", "total", "severity", "risk", "alerts", "authored", "answers", "scale_version",
                 "mode", "entered_by"}


@pytest.fixture
def patient(main_site, prescriber):
    return PatientFactory(site=main_site, prescriber=prescriber)


def url(patient) -> str:
    return f"/api/v1/patients/{patient.pk}/questionnaire-responses"


def submit(client, patient, instrument="phq9", answers=PHQ9_ITEM_9_POSITIVE, headers=None, **fields):
    return client.post(url(patient), {"instrument": instrument, "answers": answers, **fields},
                       content_type="application/json", headers=headers)


def test_stores_a_scored_response_and_opens_its_alert_for_the_prescriber(api_client, nurse, prescriber, patient,
                                                                          audit_log, clock, now):
    clock(now)
    QuestionnaireRequest.objects.create(patient=patient, instrument="phq9", requested_by=nurse, requested_at=now)
    client = api_client(nurse)
    audit_log.mark()

    response = submit(client, patient)

    assert response.status_code == 201, response.content
    body = response.json()
    stored = QuestionnaireResponse.objects.get()
    alert = Alert.objects.get()
    assert set(body) == RESPONSE_KEYS
    assert body == {
        "id": str(stored.pk), "instrument": "phq9", "total": 11, "severity": "MODERATE", "risk": None,
        "alerts": [{"code": "SUICIDE_RISK", "item": 9, "message": alert.message, "alert_id": str(alert.pk)}],
        "authored": "2026-11-24T09:30:00-05:00", "answers": PHQ9_ITEM_9_POSITIVE, "scale_version": stored.scale_version,
        "mode": "paper", "entered_by": "staff"}
    assert (stored.status, stored.total, stored.mode, stored.entered_by, stored.staff, stored.submitted_at) == (
        "submitted", 11, "paper", "staff", nurse, now)
    assert QuestionnaireRequest.objects.get().fulfilled_at == now
    assert (alert.patient, alert.kind, alert.status, alert.prescriber, alert.high, alert.response) == (
        patient, "suicide_risk", "open", prescriber, False, stored)
    assert list(AlertNotification.objects.values_list("recipient", "reason")) == [(prescriber.pk, "prescriber")]
    [event] = audit_log.new_events()
    assert (event.action, event.actor, event.actor_kind) == ("questionnaires.response_submitted", nurse, "staff")
    assert audit_log.patient_ids(event) == [patient.pk]
    assert event.data["alerts"] == [alert.pk]


def test_a_high_risk_screener_tells_the_on_call_clinician_too(api_client, nurse, prescriber, director, patient, now):
    SiteAlertSettings.objects.create(site=patient.site, on_call=director, updated_at=now, updated_by=director)

    body = submit(api_client(nurse), patient, instrument="cssrs_screener", answers=CSSRS_HIGH).json()

    alert = Alert.objects.get()
    assert (body["risk"], body["total"], body["severity"], body["mode"]) == ("high", None, None, "interview")
    assert [(a["code"], a["item"], a["alert_id"]) for a in body["alerts"]] == [
        ("SUICIDE_RISK_HIGH", 4, str(alert.pk))]
    assert (alert.high, alert.on_call) == (True, director)
    assert sorted(AlertNotification.objects.values_list("recipient", "reason")) == sorted(
        [(prescriber.pk, "prescriber"), (director.pk, "on_call")])


def test_a_patients_own_answers_name_the_patient_as_actor_and_the_caller_as_who_handed_over(
        api_client, nurse, patient, audit_log):
    client = api_client(nurse)
    audit_log.mark()

    body = submit(client, patient, instrument="gad7", answers=[0, 1, 0, 1, 0, 1, 0],
                  entered_by="patient").json()

    stored = QuestionnaireResponse.objects.get()
    assert (body["entered_by"], body["mode"], body["total"], body["alerts"]) == ("patient", "tablet", 3, [])
    assert (stored.entered_by, stored.mode, stored.staff) == ("patient", "tablet", nurse)
    [event] = audit_log.new_events()
    assert (event.actor, event.actor_kind, event.actor_label) == (None, "patient", f"patient {patient.mrn}")
    assert event.data["tablet_handed_over_by"] == nurse.pk
    assert audit_log.patient_ids(event) == [patient.pk]


def test_refuses_every_out_of_range_answer_naming_each_item_and_stores_nothing(api_client, nurse, patient,
                                                                               audit_log):
    client = api_client(nurse)
    audit_log.mark()

    response = submit(client, patient, answers=[1, 7, 1, 2, 1, 1, 1, 1, -1])

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "INVALID_ANSWER"
    assert [detail["item"] for detail in error["details"]] == ["2", "9"]
    assert "7 was sent" in error["details"][0]["message"]
    assert "-1 was sent" in error["details"][1]["message"]
    assert (QuestionnaireResponse.objects.count(), Alert.objects.count(), audit_log.new_events()) == (0, 0, [])


def test_refuses_a_missing_answer_naming_the_item(api_client, nurse, patient):
    response = submit(api_client(nurse), patient, answers=[1, 2, None, 2, 1, 1, 1, 1, 0])

    assert response.status_code == 400
    assert [detail["item"] for detail in response.json()["error"]["details"]] == ["3"]
    assert QuestionnaireResponse.objects.filter(status="submitted").count() == 0


def test_refuses_a_wrong_number_of_answers_naming_the_field(api_client, nurse, patient):
    response = submit(api_client(nurse), patient, answers=[1, 2, 1])

    assert response.status_code == 400
    assert response.json()["error"]["details"] == [{"field": "answers", "message": response.json()["error"]["message"]}]


def test_refuses_a_clinician_rated_scale_sent_as_the_patients_own(api_client, nurse, patient):
    response = submit(api_client(nurse), patient, instrument="madrs", answers=[1] * 10, entered_by="patient")

    assert (response.status_code, response.json()["error"]["code"]) == (422, "CLINICIAN_RATED")
    assert QuestionnaireResponse.objects.count() == 0


def test_refuses_a_mode_the_entrant_cannot_have_used(api_client, nurse, patient):
    response = submit(api_client(nurse), patient, mode="remote")

    assert response.status_code == 400
    assert [detail["field"] for detail in response.json()["error"]["details"]] == ["mode"]
    assert QuestionnaireResponse.objects.count() == 0


def test_a_clinician_rating_is_recorded_as_an_interview(api_client, prescriber, patient):
    body = submit(api_client(prescriber), patient, instrument="madrs", answers=[2] * 9 + [0]).json()

    assert (body["total"], body["mode"], body["alerts"]) == (18, "interview", [])


def test_the_alert_and_the_response_are_stored_together_or_not_at_all(api_client, nurse, patient, audit_log,
                                                                       monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("notifications table unavailable")

    monkeypatch.setattr(AlertNotification.objects, "bulk_create", fail)
    client = api_client(nurse)
    audit_log.mark()

    response = submit(client, patient)

    assert (response.status_code, response.json()["error"]["code"]) == (500, "SERVER_ERROR")
    assert (QuestionnaireResponse.objects.count(), Alert.objects.count(), audit_log.new_events()) == (0, 0, [])


def test_the_same_idempotency_key_stores_one_response_and_repeats_the_answer(api_client, nurse, patient):
    client = api_client(nurse)

    first = submit(client, patient, headers={"Idempotency-Key": "phq9-7"})
    again = submit(client, patient, headers={"Idempotency-Key": "phq9-7"})

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert (QuestionnaireResponse.objects.count(), Alert.objects.count()) == (1, 1)


def test_lists_the_patients_responses_newest_first_with_the_site_offset(api_client, nurse, patient, audit_log,
                                                                        clock, now):
    client = api_client(nurse)
    clock(now - dt.timedelta(days=7))
    submit(client, patient, answers=[0] * 9)
    clock(now)
    submit(client, patient, instrument="gad7", answers=[1] * 7)
    submit(client, patient)
    audit_log.mark()

    body = client.get(url(patient)).json()

    assert body["count"] == 3
    assert [(item["instrument"], item["total"], item["authored"]) for item in body["items"]] == [
        ("phq9", 11, "2026-11-24T09:30:00-05:00"), ("gad7", 7, "2026-11-24T09:30:00-05:00"),
        ("phq9", 0, "2026-11-17T09:30:00-05:00")]
    assert set(body["items"][0]) == RESPONSE_KEYS
    assert body["items"][0]["alerts"][0]["alert_id"] == str(Alert.objects.get().pk)
    [event] = audit_log.new_events()
    assert (event.action, event.actor, audit_log.patient_ids(event)) == (
        "api.questionnaires.responses_listed", nurse, [patient.pk])
    assert event.data["count"] == 3


def test_lists_one_scales_history_when_asked(api_client, nurse, patient):
    client = api_client(nurse)
    submit(client, patient, answers=[0] * 9)
    submit(client, patient, instrument="gad7", answers=[1] * 7)

    body = client.get(url(patient), {"instrument": "gad7"}).json()

    assert (body["count"], [item["instrument"] for item in body["items"]]) == (1, ["gad7"])


def test_front_desk_may_neither_submit_nor_read_scores(api_client, front_desk, patient):
    client = api_client(front_desk)

    posted = submit(client, patient)
    listed = client.get(url(patient))

    assert (posted.status_code, listed.status_code) == (403, 403)
    assert listed.json()["error"]["code"] == "FORBIDDEN"
    assert QuestionnaireResponse.objects.count() == 0


def test_another_sites_patient_is_not_found(api_client, outsider, patient):
    response = submit(api_client(outsider), patient)

    assert (response.status_code, response.json()["error"]["code"]) == (404, "NOT_FOUND")
    assert QuestionnaireResponse.objects.count() == 0


def add_responses(patient, nurse, count: int, now) -> None:
    """Submitted PHQ-9s, each with its alert."""
    responses = QuestionnaireResponse.objects.bulk_create(
        QuestionnaireResponse(patient=patient, instrument="phq9", scale_version="1", status="submitted",
                              answers=PHQ9_ITEM_9_POSITIVE, total=11, severity="MODERATE",
                              alerts=[{"code": "SUICIDE_RISK", "item": 9, "message": "Item 9 above 0."}],
                              mode="paper", entered_by="staff", staff=nurse, started_at=now, updated_at=now,
                              submitted_at=now - dt.timedelta(minutes=n))
        for n in range(count))
    Alert.objects.bulk_create(Alert(patient=patient, response=response, code="SUICIDE_RISK", kind="suicide_risk",
                                    item=9, message="Item 9 above 0.", raised_at=now) for response in responses)


def test_the_list_takes_the_same_queries_for_10_and_1000_responses(api_client, nurse, patient, now):
    client = api_client(nurse)
    client.get("/api/v1/sites")  # the token's last use is written once a minute; not part of the count
    add_responses(patient, nurse, 10, now)
    queries_for_10, body_10 = queries_for(client, url(patient), {"limit": 200})
    add_responses(patient, nurse, 990, now)

    captured_1000, body_1000 = captured_for(client, url(patient), {"limit": 200})

    assert (body_10["count"], len(body_10["items"])) == (10, 10)
    assert (body_1000["count"], len(body_1000["items"])) == (1000, 200)
    assert all(item["alerts"][0]["alert_id"] for item in body_1000["items"])
    assert queries_for_10 == len(captured_1000) <= HOUSE_BUDGET_QUERIES
    assert AuditEvent.objects.filter(action="api.questionnaires.responses_listed").count() == 2

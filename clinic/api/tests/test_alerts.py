"""Clinical alerts and suicide risk assessments over REST (design §4.4): the alerts of the caller's sites,
their acknowledgement with the action taken (once), and the assessment record that screening reads."""

import datetime as dt

import pytest

from clinic.api.tests.test_query_counts import HOUSE_BUDGET_QUERIES, captured_for, queries_for
from clinic.patients.tests.factories import PatientFactory
from clinic.protocols.queries import current_protocol
from clinic.questionnaires import queries
from clinic.questionnaires.models import Alert, SuicideRiskAssessment

pytestmark = pytest.mark.django_db

ALERT_KEYS = {"id", "patient_id", "code", "kind", "raised_at", "status", "acknowledged_by", "action_taken",
              "acknowledged_at", "item", "message", "high", "response_id"}
ASSESSMENT = {"risk_level": "moderate", "protective_factors": "Lives with partner; engaged in care.",
              "safety_plan": "Safety plan reviewed; 988 and clinic numbers given.", "outcome": "proceed"}


@pytest.fixture
def patient(main_site, prescriber):
    return PatientFactory(site=main_site, prescriber=prescriber)


def open_alert(patient, *, raised_at, code="SUICIDE_RISK", high=False) -> Alert:
    return Alert.objects.create(patient=patient, code=code, kind="suicide_risk", high=high, item=9,
                                message="PHQ-9 item 9 above 0: review suicide risk today.", raised_at=raised_at,
                                prescriber=patient.prescriber)


def acknowledge(client, alert, action_taken="Called the patient; safety plan reviewed."):
    return client.post(f"/api/v1/alerts/{alert.pk}/acknowledge", {"action_taken": action_taken},
                       content_type="application/json")


# The alert list


def test_lists_the_open_alerts_of_the_callers_sites_newest_first(api_client, nurse, patient, other_site, audit_log,
                                                                  now):
    older = open_alert(patient, raised_at=now - dt.timedelta(hours=2))
    newer = open_alert(patient, raised_at=now - dt.timedelta(minutes=5), code="SUICIDE_RISK_HIGH", high=True)
    open_alert(PatientFactory(site=other_site), raised_at=now)
    client = api_client(nurse)
    audit_log.mark()

    body = client.get("/api/v1/alerts", {"status": "open"}).json()

    assert body["count"] == 2
    assert [item["id"] for item in body["items"]] == [str(newer.pk), str(older.pk)]
    assert set(body["items"][0]) == ALERT_KEYS
    assert body["items"][1] == {
        "id": str(older.pk), "patient_id": str(patient.pk), "code": "SUICIDE_RISK", "kind": "suicide_risk",
        "raised_at": "2026-11-24T07:30:00-05:00", "status": "open", "acknowledged_by": None, "action_taken": None,
        "acknowledged_at": None, "item": 9, "message": older.message, "high": False, "response_id": None}
    assert body["items"][0]["high"] is True
    [event] = audit_log.new_events()
    assert (event.action, event.actor, audit_log.patient_ids(event)) == ("api.alerts.listed", nurse, [patient.pk])
    assert (event.data["status"], event.data["count"]) == ("open", 2)


def test_lists_acknowledged_alerts_apart_and_open_ones_first_when_both_are_asked_for(api_client, prescriber,
                                                                                     patient, now):
    done = open_alert(patient, raised_at=now - dt.timedelta(minutes=1))
    still_open = open_alert(patient, raised_at=now - dt.timedelta(days=1))
    client = api_client(prescriber)
    acknowledge(client, done)

    acknowledged = client.get("/api/v1/alerts", {"status": "acknowledged"}).json()
    both = client.get("/api/v1/alerts").json()

    assert [(item["id"], item["status"], item["acknowledged_by"], item["action_taken"])
            for item in acknowledged["items"]] == [
        (str(done.pk), "acknowledged", str(prescriber.pk), "Called the patient; safety plan reviewed.")]
    assert [item["id"] for item in both["items"]] == [str(still_open.pk), str(done.pk)]


def test_front_desk_may_not_list_alerts(api_client, front_desk, patient, now):
    open_alert(patient, raised_at=now)

    response = api_client(front_desk).get("/api/v1/alerts")

    assert (response.status_code, response.json()["error"]["code"]) == (403, "FORBIDDEN")


def add_alerts(site, prescriber, count: int, now) -> None:
    patients = PatientFactory.create_batch(count, site=site, prescriber=prescriber)
    Alert.objects.bulk_create(Alert(patient=patient, code="SUICIDE_RISK", kind="suicide_risk", item=9, message="x",
                                    raised_at=now, prescriber=prescriber) for patient in patients)


def test_the_alert_list_takes_the_same_queries_for_10_and_1000_alerts(api_client, nurse, prescriber, main_site, now):
    client = api_client(nurse)
    client.get("/api/v1/sites")  # the token's last use is written once a minute; not part of the count
    add_alerts(main_site, prescriber, 10, now)
    queries_for_10, body_10 = queries_for(client, "/api/v1/alerts", {"limit": 200})
    add_alerts(main_site, prescriber, 990, now)

    captured_1000, body_1000 = captured_for(client, "/api/v1/alerts", {"limit": 200})

    assert (body_10["count"], len(body_10["items"])) == (10, 10)
    assert (body_1000["count"], len(body_1000["items"])) == (1000, 200)
    assert queries_for_10 == len(captured_1000) <= HOUSE_BUDGET_QUERIES


# Acknowledgement


def test_acknowledges_an_alert_with_the_action_taken(api_client, prescriber, patient, audit_log, clock, now):
    alert = open_alert(patient, raised_at=now - dt.timedelta(hours=1))
    clock(now)
    client = api_client(prescriber)
    audit_log.mark()

    response = acknowledge(client, alert)

    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["status"], body["acknowledged_by"], body["action_taken"], body["acknowledged_at"]) == (
        str(alert.pk), "acknowledged", str(prescriber.pk), "Called the patient; safety plan reviewed.",
        "2026-11-24T09:30:00-05:00")
    alert.refresh_from_db()
    assert (alert.status, alert.acknowledged_by, alert.acknowledged_at) == ("acknowledged", prescriber, now)
    [event] = audit_log.new_events()
    assert (event.action, event.actor, audit_log.patient_ids(event)) == (
        "questionnaires.alert_acknowledged", prescriber, [patient.pk])


def test_refuses_a_second_acknowledgement_with_409_and_keeps_the_first(api_client, prescriber, director, patient,
                                                                       audit_log, now):
    alert = open_alert(patient, raised_at=now)
    acknowledge(api_client(prescriber), alert)
    client = api_client(director)
    audit_log.mark()

    response = acknowledge(client, alert, action_taken="Saw the patient.")

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "ALERT_ALREADY_ACKNOWLEDGED"
    assert "already acknowledged" in error["message"]
    alert.refresh_from_db()
    assert (alert.acknowledged_by, alert.action_taken) == (prescriber, "Called the patient; safety plan reviewed.")
    assert audit_log.new_events() == []


@pytest.mark.parametrize("body", [{"action_taken": ""}, {"action_taken": "   "}, {}])
def test_refuses_an_acknowledgement_without_an_action_taken(api_client, prescriber, patient, now, body):
    alert = open_alert(patient, raised_at=now)

    response = api_client(prescriber).post(f"/api/v1/alerts/{alert.pk}/acknowledge", body,
                                           content_type="application/json")

    assert response.status_code == 400
    assert [detail["field"] for detail in response.json()["error"]["details"]] == ["action_taken"]
    alert.refresh_from_db()
    assert alert.status == "open"


@pytest.mark.parametrize("role", ["nurse", "front_desk"])
def test_only_prescribers_and_directors_acknowledge(api_client, request, patient, now, role):
    alert = open_alert(patient, raised_at=now)

    response = acknowledge(api_client(request.getfixturevalue(role)), alert)

    assert (response.status_code, response.json()["error"]["code"]) == (403, "FORBIDDEN")
    assert "prescribers and medical directors" in response.json()["error"]["message"]
    alert.refresh_from_db()
    assert alert.status == "open"


def test_another_sites_alert_is_not_found(api_client, other_site, patient, now):
    from clinic.accounts.tests.factories import StaffUserFactory

    alert = open_alert(patient, raised_at=now)
    elsewhere = StaffUserFactory(username="north-prescriber", role="prescriber",
                                 organisation=other_site.organisation, sites=[other_site])

    response = acknowledge(api_client(elsewhere), alert)
    missing = api_client(elsewhere).post("/api/v1/alerts/999999/acknowledge", {"action_taken": "x"},
                                         content_type="application/json")

    assert response.status_code == missing.status_code == 404
    assert response.json() == missing.json()
    alert.refresh_from_db()
    assert alert.status == "open"


# Suicide risk assessments


def assessments_url(patient) -> str:
    return f"/api/v1/patients/{patient.pk}/suicide-risk-assessments"


def record(client, patient, headers=None, **fields):
    return client.post(assessments_url(patient), {**ASSESSMENT, **fields}, content_type="application/json",
                       headers=headers)


def test_records_an_assessment_that_screening_reads(api_client, prescriber, patient, audit_log, clock, now):
    alert = open_alert(patient, raised_at=now - dt.timedelta(hours=1), code="SUICIDE_RISK_HIGH", high=True)
    clock(now)
    client = api_client(prescriber)
    audit_log.mark()

    response = record(client, patient, assessed_at="2026-11-24T09:00", alert_id=str(alert.pk),
                      notes="Seen in clinic.")

    assert response.status_code == 201, response.content
    stored = SuicideRiskAssessment.objects.get()
    assert response.json() == {
        "id": str(stored.pk), "patient_id": str(patient.pk), "assessed_by": str(prescriber.pk),
        "assessed_by_name": str(prescriber), "assessed_at": "2026-11-24T09:00:00-05:00", **ASSESSMENT,
        "notes": "Seen in clinic.", "alert_id": str(alert.pk), "recorded_at": "2026-11-24T09:30:00-05:00"}
    assert (stored.assessed_by, stored.assessed_at, stored.recorded_at, stored.alert) == (
        prescriber, dt.datetime(2026, 11, 24, 14, 0, tzinfo=dt.UTC), now, alert)
    inputs = queries.screening_inputs(patient=patient, infusion_date=now.date(),
                                      protocol=current_protocol(site=patient.site, now=now))
    assert inputs.assessments[0].outcome == "proceed"
    [event] = audit_log.new_events()
    assert (event.action, event.actor, audit_log.patient_ids(event)) == (
        "questionnaires.risk_assessment_recorded", prescriber, [patient.pk])


def test_an_assessment_without_a_time_is_made_now(api_client, director, patient, clock, now):
    clock(now)

    body = record(api_client(director), patient).json()

    assert (body["assessed_at"], body["assessed_by"], body["alert_id"]) == (
        "2026-11-24T09:30:00-05:00", str(director.pk), None)


@pytest.mark.parametrize(("fields", "field"), [
    ({"assessed_at": "2026-11-24T11:00:00-05:00"}, "assessed_at"),
    ({"safety_plan": " "}, "safety_plan"),
    ({"outcome": "wait"}, "outcome"),
    ({"alert_id": "999999"}, "alert_id"),
])
def test_refuses_an_assessment_naming_the_field_at_fault(api_client, prescriber, patient, clock, now, fields, field):
    clock(now)

    response = record(api_client(prescriber), patient, **fields)

    assert response.status_code == 400
    assert [detail["field"] for detail in response.json()["error"]["details"]] == [field]
    assert SuicideRiskAssessment.objects.count() == 0


def test_refuses_another_patients_alert(api_client, prescriber, patient, main_site, now):
    theirs = open_alert(PatientFactory(site=main_site), raised_at=now)

    response = record(api_client(prescriber), patient, alert_id=str(theirs.pk))

    assert [detail["field"] for detail in response.json()["error"]["details"]] == ["alert_id"]
    assert SuicideRiskAssessment.objects.count() == 0


@pytest.mark.parametrize("role", ["nurse", "front_desk"])
def test_only_prescribers_and_directors_record_an_assessment(api_client, request, patient, role):
    response = record(api_client(request.getfixturevalue(role)), patient)

    assert response.status_code == 403
    assert SuicideRiskAssessment.objects.count() == 0


def test_the_same_idempotency_key_records_one_assessment(api_client, prescriber, patient):
    client = api_client(prescriber)

    first = record(client, patient, headers={"Idempotency-Key": "sra-1"})
    again = record(client, patient, headers={"Idempotency-Key": "sra-1"})

    assert (first.status_code, again.status_code, again.json()) == (201, 201, first.json())
    assert SuicideRiskAssessment.objects.count() == 1


def test_lists_and_reads_assessments_for_clinical_staff(api_client, prescriber, nurse, patient, audit_log, clock,
                                                        now):
    clock(now)
    client = api_client(prescriber)
    earlier = record(client, patient, assessed_at="2026-11-20T10:00", outcome="hold_treatment").json()
    latest = record(client, patient).json()
    reader = api_client(nurse)
    audit_log.mark()

    listed = reader.get(assessments_url(patient)).json()
    read = reader.get(f"/api/v1/suicide-risk-assessments/{earlier['id']}").json()

    assert (listed["count"], [item["id"] for item in listed["items"]]) == (2, [latest["id"], earlier["id"]])
    assert listed["items"][1] == earlier == read
    assert read["outcome"] == "hold_treatment"
    listed_event, read_event = audit_log.new_events()
    assert (listed_event.action, listed_event.actor, audit_log.patient_ids(listed_event)) == (
        "api.questionnaires.risk_assessments_listed", nurse, [patient.pk])
    assert (read_event.action, read_event.object_id, audit_log.patient_ids(read_event)) == (
        "api.questionnaires.risk_assessment_read", earlier["id"], [patient.pk])


def test_front_desk_and_other_sites_may_not_read_an_assessment(api_client, prescriber, front_desk, outsider,
                                                               patient):
    assessment = record(api_client(prescriber), patient).json()
    address = f"/api/v1/suicide-risk-assessments/{assessment['id']}"

    refused = api_client(front_desk).get(address)
    elsewhere = api_client(outsider).get(address)

    assert (refused.status_code, elsewhere.status_code) == (403, 404)
    assert elsewhere.json()["error"]["code"] == "NOT_FOUND"

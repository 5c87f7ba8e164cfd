"""Treatment courses through the API: opened from the eligible decision with the induction plan, read with
the next due window, listed, and moved by signed phase changes; every refusal in the error shape."""

import json

import pytest

from clinic.accounts.tests.factories import StaffUserFactory
from clinic.courses.models import CoursePhaseChange, TreatmentCourse
from clinic.courses.tests.factories import eligible_patient

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_clock(clock, now):
    clock(now)


@pytest.fixture
def patient(main_site, nurse, prescriber, now):
    return eligible_patient(site=main_site, nurse=nurse, prescriber=prescriber, now=now)


def post(client, url, body, **headers):
    return client.post(url, data=json.dumps(body), content_type="application/json", headers=headers)


def open_course(client, patient, **headers):
    return post(client, f"/api/v1/patients/{patient.pk}/courses", {"indication": "TRD_UNIPOLAR"}, **headers)


def test_opens_a_course_with_its_plan_versions_and_what_is_due(api_client, patient, prescriber, audit_log):
    client = api_client(prescriber)
    audit_log.mark()

    response = open_course(client, patient)

    assert response.status_code == 201, response.content
    body = response.json()
    course = TreatmentCourse.objects.get(pk=int(body["id"]))
    assert (body["phase"], body["indication"], body["primary_scale"]) == ("induction", "TRD_UNIPOLAR", "phq9")
    assert (body["protocol_version"], body["rules_version"], body["decision_id"]) == (
        1, "2026.12.0", str(course.decision_id))
    assert body["induction_plan"]["count"] == 6 and body["induction_plan"]["target_window_days"] == [12, 21]
    assert body["next_due"] == {"code": "INDUCTION_INFUSION", "due_on": None, "window_start": None,
                                "window_end": None, "reason": body["next_due"]["reason"]}
    assert [review["code"] for review in body["reviews"]] == ["FUTILITY_CHECK", "BENEFIT_RISK_REVIEW"]
    assert body["baseline"]["fixed"] is False and body["baseline"]["response_id"] is not None
    assert [event.action for event in audit_log.new_events()] == ["courses.opened"]


def test_moves_to_maintenance_and_answers_the_next_window(api_client, patient, prescriber):
    client = api_client(prescriber)
    course_id = open_course(client, patient).json()["id"]
    post(client, f"/api/v1/courses/{course_id}/phase", {"to_phase": "assessment", "reason": "Six given."})

    response = post(client, f"/api/v1/courses/{course_id}/phase",
                    {"to_phase": "maintenance", "reason": "PHQ-9 from 18 to 7.", "interval_weeks": 4,
                     "assessment_result": "response"})
    read = client.get(f"/api/v1/courses/{course_id}")

    assert response.status_code == 201, response.content
    assert read.json() == response.json()
    body = read.json()
    assert (body["phase"], body["maintenance_interval_weeks"]) == ("maintenance", 4)
    assert (body["next_due"]["due_on"], body["next_due"]["window_start"], body["next_due"]["window_end"]) == (
        "2026-12-22", "2026-12-19", "2026-12-25")
    assert [(change["from_phase"], change["to_phase"]) for change in body["phase_changes"]] == [
        ("induction", "assessment"), ("assessment", "maintenance")]


def test_refuses_a_patient_not_eligible_with_the_reason(api_client, main_site, nurse, prescriber, now):
    refused = eligible_patient(site=main_site, nurse=nurse, prescriber=prescriber, now=now, outcome="not_eligible")

    response = open_course(api_client(prescriber), refused)

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "NOT_ELIGIBLE"
    assert "signed \"not eligible\" on 24 Nov 2026" in error["message"]


def test_a_second_open_course_is_a_conflict(api_client, patient, prescriber):
    client = api_client(prescriber)
    open_course(client, patient)

    response = open_course(client, patient)

    assert (response.status_code, response.json()["error"]["code"]) == (409, "COURSE_ALREADY_OPEN")
    assert TreatmentCourse.objects.count() == 1


def test_the_same_idempotency_key_opens_once(api_client, patient, prescriber):
    client = api_client(prescriber)

    first = open_course(client, patient, **{"Idempotency-Key": "open-1"})
    again = open_course(client, patient, **{"Idempotency-Key": "open-1"})

    assert (first.status_code, again.status_code, again.headers["Idempotent-Replayed"]) == (201, 201, "true")
    assert again.json() == first.json()
    assert TreatmentCourse.objects.count() == 1


@pytest.mark.parametrize(("body", "code", "field"), [
    ({"to_phase": "maintenance", "reason": "Early."}, "PHASE_CHANGE_NOT_ALLOWED", "to_phase"),
    ({"to_phase": "referred", "reason": "No response."}, "ALTERNATIVES_REQUIRED", "alternatives"),
])
def test_refuses_a_move_the_rules_refuse(api_client, patient, prescriber, body, code, field):
    client = api_client(prescriber)
    course_id = open_course(client, patient).json()["id"]

    response = post(client, f"/api/v1/courses/{course_id}/phase", body)

    assert response.status_code == 422
    assert (response.json()["error"]["code"], response.json()["error"]["details"][0]["field"]) == (code, field)
    assert CoursePhaseChange.objects.count() == 0


def test_refuses_an_interval_outside_the_protocol(api_client, patient, prescriber):
    client = api_client(prescriber)
    course_id = open_course(client, patient).json()["id"]
    post(client, f"/api/v1/courses/{course_id}/phase", {"to_phase": "assessment", "reason": "Six given."})

    response = post(client, f"/api/v1/courses/{course_id}/phase",
                    {"to_phase": "maintenance", "reason": "Well.", "interval_weeks": 8,
                     "assessment_result": "response"})

    assert (response.status_code, response.json()["error"]["code"]) == (422, "INTERVAL_OUT_OF_RANGE")


def test_an_empty_reason_is_invalid_input(api_client, patient, prescriber):
    client = api_client(prescriber)
    course_id = open_course(client, patient).json()["id"]

    response = post(client, f"/api/v1/courses/{course_id}/phase", {"to_phase": "stopped", "reason": ""})

    assert (response.status_code, response.json()["error"]["code"]) == (400, "VALIDATION_ERROR")


def test_nurse_reads_but_may_not_open_or_sign(api_client, patient, prescriber, nurse):
    course_id = open_course(api_client(prescriber), patient).json()["id"]
    client = api_client(nurse)

    assert client.get(f"/api/v1/patients/{patient.pk}/courses").json()["count"] == 1
    refused = post(client, f"/api/v1/courses/{course_id}/phase", {"to_phase": "stopped", "reason": "No."})

    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "FORBIDDEN")
    assert open_course(client, patient).status_code == 403


def test_front_desk_and_another_site_are_refused(api_client, patient, prescriber, front_desk, other_site):
    course_id = open_course(api_client(prescriber), patient).json()["id"]
    outsider = StaffUserFactory(username="north", role="prescriber", organisation=other_site.organisation,
                                sites=[other_site])

    assert api_client(front_desk).get(f"/api/v1/courses/{course_id}").status_code == 403
    assert api_client(outsider).get(f"/api/v1/courses/{course_id}").status_code == 404
    response = post(api_client(outsider), f"/api/v1/courses/{course_id}/phase", {"to_phase": "stopped", "reason": "x"})
    assert (response.status_code, response.json()["error"]["code"]) == (404, "NOT_FOUND")
    assert TreatmentCourse.objects.get(pk=int(course_id)).is_open

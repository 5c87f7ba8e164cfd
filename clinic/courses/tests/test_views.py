"""The patient's Course tab: opening a course from the eligible decision, the induction plan, baseline,
what is due next and the reviews, signed phase changes that keep what was typed when refused, and who
may see and do what."""

import datetime as dt
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic.accounts.tests.factories import StaffUserFactory
from clinic.audit.models import AuditEvent
from clinic.consents import actions as consent_actions
from clinic.consents.tests.factories import signed_consent
from clinic.courses import actions
from clinic.courses.models import TreatmentCourse
from clinic.courses.tests.factories import eligible_patient
from clinic.letters.models import Letter
from clinic.patients.models import Patient
from clinic.patients.tests.factories import PatientFactory
from clinic.protocols.actions import change_section

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_clock(clock, now):
    clock(now)


def tab_url(patient) -> str:
    return reverse("courses:tab", args=[patient.pk])


def phase_url(course) -> str:
    return reverse("courses:change_phase", args=[course.patient_id, course.pk])


def text(response) -> str:
    """The page's words, tags taken out."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def test_prescriber_opens_the_course_from_the_eligible_decision(signed_in, patient, prescriber):
    client = signed_in(prescriber)
    page = client.get(tab_url(patient))
    assert "Eligible: signed by" in text(page)
    assert page.context["open_form"].initial == {"indication": "TRD_UNIPOLAR"}

    response = client.post(reverse("courses:open", args=[patient.pk]), {"indication": "TRD_UNIPOLAR"}, follow=True)

    course = TreatmentCourse.objects.get(patient=patient)
    body = text(response)
    assert "Opened the course for Treatment-resistant major depression in induction, on protocol v1." in body
    assert ("6 infusions, twice or thrice weekly: at least 2 days apart (never on consecutive days) and at most 7, "
            "no more than 3 in any 7 days; infusion 6 on day 12–21, flagged after day 28.") in body
    assert "v1 (rules 2026.12.0)" in body
    assert "PHQ-9 8 on 24 Nov 2026 would be the baseline if infusion 1 were today; it counts until 1 Dec 2026." in body
    assert "Infusion 1 of 6: book the induction series." in body
    assert "Futility check after infusion 3" in body
    assert "Benefit–risk review every 90 days, from the course's opening or its last signed decision (24 Nov 2026): "\
           "due 22 Feb 2027 (§6.4; ASA [12])." in body
    assert response.context["open_form"] is None
    assert course.phase == "induction"


def test_the_baseline_says_when_no_primary_score_falls_in_the_7_days(signed_in, course, prescriber, clock, now):
    clock(now + dt.timedelta(days=8))

    body = text(signed_in(prescriber).get(tab_url(course.patient)))

    assert "No PHQ-9 score in the 7 days before infusion 1 yet." in body


def test_moves_to_assessment_then_maintenance_and_shows_the_next_window(signed_in, course, prescriber, now):
    client = signed_in(prescriber)
    client.post(phase_url(course), dict(to_phase="assessment", reason="Six infusions given."))

    response = client.post(phase_url(course), dict(to_phase="maintenance", interval_weeks="4",
                                                         assessment_result="response",
                                                         reason="PHQ-9 from 18 to 7."), follow=True)

    body = text(response)
    assert "Signed: the course moved to maintenance, one infusion every 4 weeks." in body
    assert "Due 22 Dec 2026 window 19 Dec 2026 to 25 Dec 2026" in body
    assert "after the maintenance decision (24 Nov 2026), since no infusion is recorded yet" in body
    assert [change.to_phase for change in course.phase_changes.all()] == ["assessment", "maintenance"]
    assert "result: Response" in body


def test_a_refused_phase_change_keeps_what_was_typed(signed_in, course, prescriber):
    client = signed_in(prescriber)
    client.post(phase_url(course), dict(to_phase="assessment", reason="Six infusions given."))

    response = client.post(phase_url(course), dict(to_phase="maintenance", interval_weeks="9",
                                                         assessment_result="partial", reason="Holding up well."))

    form = response.context["rows"][0][1]
    assert form.errors["interval_weeks"] == [
        "An interval of 9 weeks is outside the clinic's 2–6 weeks. Choose a whole number of weeks inside them."]
    assert "One thing to fix" in text(response)
    assert 'value="9"' in response.content.decode() and "Holding up well." in text(response)
    assert TreatmentCourse.objects.get(pk=course.pk).phase == "assessment"


def test_a_decision_without_its_reason_is_refused(signed_in, course, prescriber):
    response = signed_in(prescriber).post(phase_url(course), dict(to_phase="stopped", reason=""))

    assert "Give the reason for this decision" in text(response)
    assert TreatmentCourse.objects.get(pk=course.pk).is_open


def test_opening_is_refused_in_words_without_an_eligible_decision(signed_in, main_site, nurse, prescriber, now):
    patient = eligible_patient(site=main_site, nurse=nurse, prescriber=prescriber, now=now, outcome="not_eligible")
    client = signed_in(prescriber)

    page = client.get(tab_url(patient))
    response = client.post(reverse("courses:open", args=[patient.pk]), {"indication": "TRD_UNIPOLAR"})

    assert page.context["open_form"] is None
    assert "A course opens once the patient is eligible." in text(page)
    [error] = response.context["open_form"].errors["__all__"]
    assert error.endswith('signed "not eligible" on 24 Nov 2026. A new decision is needed before any treatment.')
    assert error in text(response)
    assert not TreatmentCourse.objects.exists()


def test_a_second_open_course_for_the_indication_is_refused(signed_in, course, prescriber):
    response = signed_in(prescriber).post(reverse("courses:open", args=[course.patient_id]),
                                          {"indication": "TRD_UNIPOLAR"})

    assert response.context["open_form"].errors["indication"] == [
        "The patient already has an open course for Treatment-resistant major depression. Change its phase, or stop "
        "it before opening another."]
    assert TreatmentCourse.objects.count() == 1


def test_nurse_reads_the_course_but_signs_nothing(signed_in, course, nurse):
    client = signed_in(nurse)

    page = client.get(tab_url(course.patient))
    refused = client.post(phase_url(course), dict(to_phase="stopped", reason="No."))

    assert "A prescriber or the medical director signs phase changes." in text(page)
    assert page.context["rows"][0][1] is None
    assert refused.status_code == 403
    assert TreatmentCourse.objects.get(pk=course.pk).is_open


def test_front_desk_is_refused_the_course(signed_in, course, front_desk):
    response = signed_in(front_desk).get(tab_url(course.patient))

    assert response.status_code == 403


def test_another_sites_patient_and_course_answer_as_missing(signed_in, course, other_site):
    outsider = StaffUserFactory(username="north-prescriber", role="prescriber", organisation=other_site.organisation,
                                sites=[other_site])
    client = signed_in(outsider)

    assert client.get(tab_url(course.patient)).status_code == 404
    assert client.post(phase_url(course), dict(to_phase="stopped", reason="x")).status_code == 404
    assert TreatmentCourse.objects.get(pk=course.pk).is_open


def test_a_course_of_another_patient_is_not_found_under_this_one(signed_in, course, main_site, prescriber):
    other = PatientFactory(site=main_site)

    response = signed_in(prescriber).post(reverse("courses:change_phase", args=[other.pk, course.pk]),
                                          dict(to_phase="stopped", reason="x"))

    assert response.status_code == 404


def test_the_page_writes_one_audit_event_naming_the_patient(signed_in, course, nurse):
    client = signed_in(nurse)
    before = AuditEvent.objects.count()

    client.get(tab_url(course.patient))

    [event] = AuditEvent.objects.order_by("seq")[before:]
    assert (event.action, event.actor, event.data["courses"]) == ("courses.tab_viewed", nurse, [course.pk])
    assert list(event.patient_links.values_list("patient_id", flat=True)) == [course.patient_id]


def test_a_protocol_change_does_not_change_what_an_earlier_course_shows(signed_in, course, director, prescriber,
                                                                       now):
    change_section(actor=director, now=now, site=course.site, section="induction", reason="Eight infusions.",
                   values={"induction_count": 8, "futility_check_after_infusion": 4})
    patient = course.patient
    actions.change_phase(course=course, actor=prescriber, now=now, to_phase="stopped", reason="Restarting.")
    later = actions.open_course(patient=patient, actor=prescriber, now=now, indication="TRD_UNIPOLAR")

    body = text(signed_in(prescriber).get(tab_url(patient)))

    assert (course.protocol.label, later.protocol.label) == ("v1", "v2")
    assert "6 infusions, twice or thrice weekly" in body and "8 infusions, twice or thrice weekly" in body
    assert TreatmentCourse.objects.get(pk=course.pk).induction_plan["count"] == 6


def page_queries(client, patient) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(tab_url(patient))
    assert response.status_code == 200
    return len(queries)


def other_patients_with_courses(count, *, course):
    patients = Patient.objects.bulk_create([PatientFactory.build(site=course.site) for _ in range(count)])
    TreatmentCourse.objects.bulk_create([
        TreatmentCourse(patient=patient, site=course.site, indication="TRD_UNIPOLAR", primary_scale="phq9",
                        protocol=course.protocol, rules_version=course.rules_version, decision=course.decision,
                        opened_by=course.opened_by, opened_at=course.opened_at, induction_plan=course.induction_plan)
        for patient in patients])


def test_the_page_reads_in_the_same_queries_for_10_or_1000_patients_and_any_history(signed_in, course, prescriber,
                                                                                    now):
    client = signed_in(prescriber)
    other_patients_with_courses(10, course=course)
    client.get(tab_url(course.patient))  # the first page of a sign-in also saves the session
    few = page_queries(client, course.patient)

    other_patients_with_courses(990, course=course)
    actions.change_phase(course=course, actor=prescriber, now=now, to_phase="assessment", reason="Six given.")
    actions.change_phase(course=course, actor=prescriber, now=now, to_phase="stopped", reason="Stop.")
    for _ in range(3):
        again = actions.open_course(patient=course.patient, actor=prescriber, now=now, indication="TRD_UNIPOLAR")
        actions.change_phase(course=again, actor=prescriber, now=now, to_phase="referred", reason="TMS.",
                             alternatives=["TMS"])
    actions.open_course(patient=course.patient, actor=prescriber, now=now, indication="TRD_UNIPOLAR")
    many = page_queries(client, course.patient)

    assert TreatmentCourse.objects.count() == 1005
    assert many == few


def stopped_by_a_nurses_withdrawal(course, nurse, now):
    consent = signed_consent(patient=course.patient, actor=nurse, now=now - dt.timedelta(hours=2))
    consent_actions.withdraw_consent(actor=nurse, now=now - dt.timedelta(hours=1), consent=consent,
                                     reason="Does not want more infusions.")
    return course.phase_changes.get()


def test_a_stop_for_withdrawn_consent_reads_as_recorded_not_signed_and_its_letters_wait(signed_in, course, nurse,
                                                                                      prescriber, now):
    stopped_by_a_nurses_withdrawal(course, nurse, now)

    as_nurse = text(signed_in(nurse).get(tab_url(course.patient)))
    as_prescriber = signed_in(prescriber).get(tab_url(course.patient))

    assert f"Stopped: consent withdrawn (recorded by {nurse} " in as_nurse
    assert ("The stopping letters (to the patient, and to the referrer where there is one) wait for a prescriber or "
            "the medical director.") in as_nurse
    assert "Write the stopping letters" not in as_nurse
    assert "Write the stopping letters" in text(as_prescriber)
    assert 'data-testid="withdrawal-stop"' in as_prescriber.content.decode()


def test_a_prescriber_writes_the_waiting_stopping_letters_and_a_nurse_may_not(signed_in, course, nurse, prescriber,
                                                                             now):
    change = stopped_by_a_nurses_withdrawal(course, nurse, now)
    url = reverse("courses:stop_letters", args=[course.patient_id, course.pk])

    refused = signed_in(nurse).post(url)
    response = signed_in(prescriber).post(url, follow=True)

    assert refused.status_code == 403
    [letter] = Letter.objects.filter(source_label="courses.CoursePhaseChange", source_id=str(change.pk))
    assert (letter.reason, letter.created_by) == ("course_stopped", prescriber)
    assert "Signed and wrote the stopping letters." in text(response)
    assert "wait for a prescriber" not in text(response)
    assert AuditEvent.objects.get(action="courses.stop_letters_written").actor == prescriber


def test_writing_stopping_letters_where_none_wait_is_refused_in_words(signed_in, course, prescriber):
    response = signed_in(prescriber).post(reverse("courses:stop_letters", args=[course.patient_id, course.pk]))

    assert (response.status_code, response.context["stop_letters_error"]) == (200, (
        "No stopping letters wait on this course: only a course stopped when consent was withdrawn, recorded by "
        "someone who does not prescribe, waits for them."))
    assert "No stopping letters wait on this course" in text(response)
    assert not Letter.objects.filter(source_label="courses.CoursePhaseChange").exists()

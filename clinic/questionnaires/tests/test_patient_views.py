"""The patient's own pages (issue 13 point 4 and "Bad input"): sign-in from a link with the date of
birth, the link refused after submission, expiry and five wrong dates, a new link sent to the contact on
file only, the patient's own due questionnaires only, answering with drafts and per-item errors, the
crisis text, and the separation of patient and staff sessions."""

import datetime as dt
import html
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from clinic import sms
from clinic.audit.models import AuditEvent
from clinic.patients.tests.factories import PatientFactory
from clinic.questionnaires import actions, queries
from clinic.questionnaires.middleware import PATIENT_LINK_KEY
from clinic.questionnaires.models import Alert, PatientLink, QuestionnaireRequest, QuestionnaireResponse

BORN = {"month": "4", "day": "9", "year": "1980"}
WRONG = {"month": "4", "day": "9", "year": "1981"}
PHQ9_ITEM_9 = ["0", "1", "0", "1", "0", "0", "0", "0", "1"]
GAD7 = ["1", "1", "0", "0", "1", "0", "0"]
EMAIL = "ines.marlow@example.org"


@pytest.fixture
def patient(main_site, prescriber):
    return PatientFactory(site=main_site, prescriber=prescriber, given_name="Ines", family_name="Marlow",
                          email=EMAIL, phone="+1 555 010 4477")


@pytest.fixture
def due(patient, nurse, now):
    return actions.request_questionnaires(patient=patient, instruments=["phq9", "gad7"], actor=nurse, now=now)


@pytest.fixture
def token(patient, nurse, now, due):
    _link, raw = actions.issue_link(patient=patient, actor=nurse, now=now, channel="email", hours=72)
    return raw


@pytest.fixture
def patient_client(token, clock, now):
    """A browser signed in with the patient's link."""
    clock(now)
    browser = Client()
    response = browser.post(reverse("patient:link", args=[token]), BORN)
    assert response.status_code == 302
    return browser


def answers(values: list[str]) -> dict[str, str]:
    return {f"item_{number}": value for number, value in enumerate(values, start=1)}


def test_a_patient_signs_in_with_the_link_and_date_of_birth_and_sees_their_questionnaires(token, patient, clock,
                                                                                            now):
    clock(now)
    browser = Client()

    form = browser.get(reverse("patient:link", args=[token]))
    signed_in = browser.post(reverse("patient:link", args=[token]), BORN)
    home = browser.get(reverse("patient:home"))

    assert form.status_code == 200 and 'name="year"' in form.content.decode()
    assert signed_in.headers["Location"] == reverse("patient:home")
    assert [item.scale.code for item in home.context["due"]] == ["phq9", "gad7"]
    page = home.content.decode()
    assert ("PHQ-9" in page, "GAD-7" in page, "Ines Marlow" in page, patient.mrn in page) == (True, True, True, False)
    event = AuditEvent.objects.get(action="questionnaires.patient_signed_in")
    assert (event.actor_kind, event.actor, event.actor_label) == ("patient", None, f"patient {patient.mrn}")
    viewed = AuditEvent.objects.get(action="questionnaires.patient_home_viewed")
    assert (viewed.actor_kind, [link.patient_id for link in viewed.patient_links.all()]) == ("patient", [patient.pk])


def test_a_wrong_date_of_birth_says_only_that_it_does_not_match_with_the_tries_left(token, clock, now):
    clock(now)

    response = Client().post(reverse("patient:link", args=[token]), WRONG)

    assert response.status_code == 400
    [error] = response.context["form"].non_field_errors()
    assert error == "That date of birth does not match our records. Check it and try again (4 tries left)."
    assert PatientLink.objects.get().failed_attempts == 1


def test_an_impossible_date_is_named_as_such_and_is_not_counted_as_a_wrong_try(token, clock, now):
    clock(now)

    response = Client().post(reverse("patient:link", args=[token]), {"month": "2", "day": "30", "year": "2020"})

    assert "30 Feb 2020 does not exist: February 2020 has 29 days." in response.content.decode()
    assert PatientLink.objects.get().failed_attempts == 0


def test_five_wrong_dates_lock_the_link_and_the_right_date_afterwards_is_refused(token, clock, now):
    clock(now)
    browser = Client()
    for _ in range(4):
        browser.post(reverse("patient:link", args=[token]), WRONG)

    fifth = browser.post(reverse("patient:link", args=[token]), WRONG)
    right = browser.post(reverse("patient:link", args=[token]), BORN)

    assert (fifth.status_code, fifth.context["reason"]) == (410, "locked")
    assert (right.status_code, right.context["reason"]) == (410, "locked")
    assert PATIENT_LINK_KEY not in browser.session
    assert "Send me a new link" in right.content.decode()
    assert PatientLink.objects.get().locked_at == now


def test_an_expired_link_says_so_and_offers_a_new_one(token, clock, now):
    clock(now + dt.timedelta(hours=72))

    response = Client().post(reverse("patient:link", args=[token]), BORN)

    assert (response.status_code, response.context["reason"]) == (410, "expired")
    assert "This link has expired" in response.content.decode()
    assert reverse("patient:new_link", args=[token]) in response.content.decode()


def test_once_everything_is_submitted_the_link_is_used_and_opens_nothing_again(patient_client, token, now):
    patient_client.post(reverse("patient:answer", args=["gad7"]), {**answers(GAD7), "action": "submit"})
    last = patient_client.post(reverse("patient:answer", args=["phq9"]),
                               {**answers(["1"] * 8 + ["0"]), "action": "submit"})
    # The last answer uses the link up in its own transaction: a tab closed now leaves nothing open.
    used_at_submission = PatientLink.objects.get().used_at
    thanks = patient_client.get(last.headers["Location"])

    again = Client().post(reverse("patient:link", args=[token]), BORN)

    assert (last.headers["Location"], used_at_submission) == (reverse("patient:done"), now)
    assert "Your answers were sent to the clinic" in thanks.content.decode()
    assert PatientLink.objects.get().used_at == now
    assert (again.status_code, again.context["reason"]) == (410, "used")
    assert patient_client.get(reverse("patient:home")).status_code == 403


def test_a_new_link_goes_to_the_email_on_file_only_once_in_ten_minutes(token, patient, clock, now):
    clock(now + dt.timedelta(hours=80))
    browser = Client()

    sent = browser.post(reverse("patient:new_link", args=[token]), {"email": "someone.else@example.com"})
    again = browser.post(reverse("patient:new_link", args=[token]))

    [message] = mail.outbox
    assert message.to == [EMAIL]
    assert message.subject == "Clinic questionnaires"
    assert [word for word in ("ketamine", "infusion", "depress", "PHQ") if word.lower() in message.body.lower()] == []
    assert sent.context["sent"] == "A new link is on its way by email to i•••@e•••.org."
    assert EMAIL not in sent.content.decode()
    assert again.status_code == 429
    assert "check your messages" in again.context["problem"]
    new_token = re.search(r"/p/([\w-]+)/", message.body)[1]
    assert Client().post(reverse("patient:link", args=[new_token]), BORN).headers["Location"] == reverse(
        "patient:home")
    event = AuditEvent.objects.get(action="questionnaires.new_link_requested")
    assert (event.actor_kind, event.data["channel"], [link.patient_id for link in event.patient_links.all()]) == (
        "patient", "email", [patient.pk])


def test_a_new_link_goes_by_text_message_to_a_patient_who_prefers_it(token, patient, clock, now):
    patient.preferred_channel = "sms"
    patient.save()
    sms.outbox.clear()
    clock(now + dt.timedelta(hours=80))

    response = Client().post(reverse("patient:new_link", args=[token]))

    assert [message.to for message in sms.outbox] == ["+1 555 010 4477"]
    assert response.context["sent"] == "A new link is on its way by text message to •••77."
    assert mail.outbox == []


def test_the_patient_sees_only_their_own_questionnaires(patient_client, main_site, nurse, now):
    other = PatientFactory(site=main_site, given_name="Oskar", family_name="Brandvold")
    actions.request_questionnaires(patient=other, instruments=["pcl5"], actor=nurse, now=now)
    QuestionnaireRequest.objects.create(patient=other, instrument="madrs", requested_by=nurse, requested_at=now)

    home = patient_client.get(reverse("patient:home"))
    theirs = patient_client.get(reverse("patient:answer", args=["pcl5"]))

    page = home.content.decode()
    assert ("Oskar" in page, "Brandvold" in page, "PCL-5" in page, "MADRS" in page) == (False,) * 4
    assert theirs.status_code == 404


def test_clinician_rated_scales_never_reach_the_patient(patient_client, patient, nurse, now):
    QuestionnaireRequest.objects.create(patient=patient, instrument="madrs", requested_by=nurse, requested_at=now)

    home = patient_client.get(reverse("patient:home"))
    rated = patient_client.get(reverse("patient:answer", args=["madrs"]))

    assert [item.scale.code for item in home.context["due"]] == ["phq9", "gad7"]
    assert rated.status_code == 404


def test_an_answer_out_of_range_is_refused_by_item_keeping_the_others_as_a_draft(patient_client, patient, now):
    sent = answers(["1", "2", "7", "", "1", "0", "0", "0", "0"])

    response = patient_client.post(reverse("patient:answer", args=["phq9"]), {**sent, "action": "submit"})
    resumed = patient_client.get(reverse("patient:answer", args=["phq9"]))

    assert response.status_code == 400
    assert {row.number: row.error for row in response.context["errors"]} == {
        3: "Choose one of the answers shown.", 4: "Choose an answer."}
    draft = actions.draft_for(patient=patient, instrument="phq9")
    assert (draft.answers, draft.mode, draft.entered_by, draft.staff) == (
        [1, 2, None, None, 1, 0, 0, 0, 0], "remote", "patient", None)
    assert [row.answer for row in resumed.context["rows"]] == [1, 2, None, None, 1, 0, 0, 0, 0]
    saved = AuditEvent.objects.get(action="questionnaires.answers_saved")
    assert (saved.actor_kind, saved.actor, [link.patient_id for link in saved.patient_links.all()]) == (
        "patient", None, [patient.pk])


def test_save_and_finish_later_keeps_the_answers_for_a_closed_tab(patient_client, patient):
    response = patient_client.post(reverse("patient:answer", args=["gad7"]),
                                   {**answers(["1", "2", "", "", "", "", ""]), "action": "save"})

    assert response.headers["Location"] == reverse("patient:home")
    assert actions.draft_for(patient=patient, instrument="gad7").answers == [1, 2, None, None, None, None, None]
    assert QuestionnaireResponse.objects.filter(status="submitted").count() == 0
    home = patient_client.get(reverse("patient:home"))
    assert [(item.scale.code, item.started) for item in home.context["due"]] == [("phq9", False), ("gad7", True)]


def test_a_positive_suicide_item_shows_the_crisis_text_before_anything_else(patient_client, patient, now):
    response = patient_client.post(reverse("patient:answer", args=["phq9"]),
                                   {**answers(PHQ9_ITEM_9), "action": "submit"})
    crisis = patient_client.get(response.headers["Location"])

    stored = QuestionnaireResponse.objects.get(status="submitted")
    assert response.headers["Location"] == reverse("patient:crisis", args=[stored.pk])
    assert (stored.total, stored.mode, stored.entered_by, stored.staff, stored.submitted_at) == (
        3, "remote", "patient", None, now)
    page = html.unescape(crisis.content.decode())
    assert queries.DEFAULT_CRISIS_TEXT in page
    assert "call or text 988" in page
    assert queries.DEFAULT_CRISIS_TEXT_HIGH not in page
    submitted = AuditEvent.objects.get(action="questionnaires.response_submitted")
    assert (submitted.actor_kind, submitted.actor) == ("patient", None)
    shown = AuditEvent.objects.get(action="questionnaires.crisis_text_shown")
    assert (shown.actor_kind, shown.data) == ("patient", {"response": stored.pk, "high": False})


def test_staff_pages_still_ask_a_patient_session_for_a_staff_sign_in(patient_client, patient):
    for url in (reverse("patients:list"), reverse("patients:chart", args=[patient.pk])):
        response = patient_client.get(url)

        assert response.headers["Location"] == f"{reverse('accounts:login')}?next={url}"


def test_patient_pages_refuse_a_browser_with_only_a_staff_login(signed_in, nurse, due):
    staff = signed_in(nurse)

    response = staff.get(reverse("patient:home"))

    assert response.status_code == 403
    assert "Open the link from your message" in response.content.decode()


def test_staff_send_the_link_by_email_and_it_signs_the_patient_in(signed_in, front_desk, patient, due, clock, now):
    clock(now)

    response = signed_in(front_desk).post(reverse("patient:send_link", args=[patient.pk]))

    assert response.headers["Location"] == reverse("patients:chart", args=[patient.pk])
    [message] = mail.outbox
    assert message.to == [EMAIL]
    assert "until 27 Nov 2026 at 09:30" in message.body
    token = re.search(r"/p/([\w-]+)/", message.body)[1]
    assert Client().post(reverse("patient:link", args=[token]), BORN).status_code == 302
    issued = AuditEvent.objects.get(action="questionnaires.link_issued")
    assert (issued.actor, issued.actor_kind, issued.data) == (front_desk, "staff", {"channel": "email"})


def test_a_patient_with_no_contact_on_file_gets_no_link_and_staff_are_told_what_to_do(signed_in, nurse, main_site):
    patient = PatientFactory(site=main_site, email="", phone="")

    response = signed_in(nurse).post(reverse("patient:send_link", args=[patient.pk]), follow=True)

    assert "no email address or phone number on file" in response.content.decode()
    assert (PatientLink.objects.count(), len(mail.outbox)) == (0, 0)


SELF_REPORT = ["pcl5", "qids_sr16", "cssrs_screener", "pain_nrs", "hit6", "audit_c", "dast10", "fiqr", "midas"]


def test_the_patients_page_reads_in_the_same_queries_for_two_questionnaires_or_eleven(
        patient_client, patient, nurse, now, django_assert_num_queries):
    with django_assert_num_queries(9) as few:
        patient_client.get(reverse("patient:home"))
    QuestionnaireRequest.objects.bulk_create([
        QuestionnaireRequest(patient=patient, instrument=code, requested_by=nurse, requested_at=now)
        for code in SELF_REPORT])
    actions.save_answers(patient=patient, instrument="pcl5", answers=[1] + [None] * 19,
                         actor=actions.PatientActor(patient), now=now, mode="remote")

    with django_assert_num_queries(len(few.captured_queries)):
        many = patient_client.get(reverse("patient:home"))

    assert len(many.context["due"]) == 11


def test_the_last_answer_raising_a_suicide_alert_still_shows_the_crisis_text_then_thanks(patient_client, now):
    """The link is used up by the last answer, yet the crisis text comes first (issue 13 point 2)."""
    patient_client.post(reverse("patient:answer", args=["gad7"]), {**answers(GAD7), "action": "submit"})
    last = patient_client.post(reverse("patient:answer", args=["phq9"]),
                               {**answers(["1"] * 8 + ["1"]), "action": "submit"})

    crisis = patient_client.get(last.headers["Location"])

    assert PatientLink.objects.get().used_at == now
    assert (crisis.status_code, "988" in crisis.content.decode()) == (200, True)
    assert crisis.context["continue_url"] == reverse("patient:done")
    assert patient_client.get(reverse("patient:home")).status_code == 410


def test_sending_the_same_answers_twice_stores_one_response_and_opens_one_alert(patient_client):
    """Found by review: a second press of Send once stored a second response and opened a second alert. The
    page refuses what is no longer due; the action refuses it too, under a lock, for two presses at once
    (clinic/questionnaires/tests/test_actions.py)."""
    posted = {**answers(["1"] * 8 + ["1"]), "action": "submit"}

    first = patient_client.post(reverse("patient:answer", args=["phq9"]), posted)
    second = patient_client.post(reverse("patient:answer", args=["phq9"]), posted)

    assert first.status_code == 302
    assert second.status_code in (302, 404)
    assert (QuestionnaireResponse.objects.filter(instrument="phq9").count(), Alert.objects.count()) == (1, 1)
    assert not QuestionnaireResponse.objects.filter(status="draft").exists()

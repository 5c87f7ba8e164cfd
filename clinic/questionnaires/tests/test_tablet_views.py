"""Tablet mode (issue 13 point 1): a clinician hands the tablet to the patient for their due
questionnaires only; every staff address in that browser leads back to the tablet; a positive suicide
answer shows the crisis text (high risk: stay with staff); giving it back, or finishing, signs staff out."""

import html

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from clinic.accounts.middleware import LAST_ACTIVITY_KEY
from clinic.accounts.tests.factories import StaffUserFactory
from clinic.audit.models import AuditEvent
from clinic.patients.tests.factories import PatientFactory
from clinic.questionnaires import actions, queries, tablet_views
from clinic.questionnaires.middleware import TABLET_SESSION_KEY
from clinic.questionnaires.models import QuestionnaireRequest, QuestionnaireResponse, TabletSession

# C-SSRS screener: Yes to 1 and 2, then 3 No, 4 Yes (intent), 5 No, 6 No → high risk.
CSSRS_HIGH = {"item_1": "1", "item_2": "1", "item_3": "0", "item_4": "1", "item_5": "0", "item_6": "0"}
PHQ9_NONE = {f"item_{number}": "0" for number in range(1, 10)}


@pytest.fixture
def patient(main_site, prescriber):
    return PatientFactory(site=main_site, prescriber=prescriber, given_name="Ines", family_name="Marlow")


@pytest.fixture
def due(patient, nurse, now):
    QuestionnaireRequest.objects.create(patient=patient, instrument="phq9", requested_by=nurse, requested_at=now)
    QuestionnaireRequest.objects.create(patient=patient, instrument="cssrs_screener", requested_by=nurse,
                                        requested_at=now)


@pytest.fixture
def tablet(signed_in, nurse, patient, due, clock, now):
    """The nurse's browser, handed to the patient."""
    clock(now)
    browser = signed_in(nurse)
    response = browser.post(reverse("tablet:start", args=[patient.pk]))
    assert response.headers["Location"] == reverse("tablet:home")
    return browser


def test_handing_the_tablet_over_shows_the_patients_due_questionnaires_only(tablet, patient, nurse, main_site, now):
    other = PatientFactory(site=main_site, given_name="Oskar", family_name="Brandvold")
    QuestionnaireRequest.objects.create(patient=other, instrument="gad7", requested_by=nurse, requested_at=now)

    home = tablet.get(reverse("tablet:home"))

    assert [item.scale.code for item in home.context["due"]] == ["phq9", "cssrs_screener"]
    page = home.content.decode()
    assert ("Oskar" in page, "GAD-7" in page, "Give back to staff" in page, 'href="/patients/' in page) == (
        False, False, True, False)
    session = TabletSession.objects.get()
    assert (session.patient, session.started_by, session.ended_at, tablet.session[TABLET_SESSION_KEY]) == (
        patient, nurse, None, session.pk)
    viewed = AuditEvent.objects.get(action="questionnaires.tablet_home_viewed")
    assert (viewed.actor_kind, viewed.data["tablet_handed_over_by"]) == ("patient", nurse.pk)


def test_every_staff_address_leads_back_to_the_tablet(tablet, patient):
    for url in (reverse("patients:list"), reverse("patients:chart", args=[patient.pk]), reverse("accounts:logout"),
                reverse("audit:search"), reverse("patient:home")):
        assert tablet.get(url).headers["Location"] == reverse("tablet:home"), url

    assert tablet.post(reverse("patients:edit", args=[patient.pk]), {}).headers["Location"] == reverse("tablet:home")
    assert tablet.get(reverse("patients:list"), headers={"HX-Request": "true"}).headers["HX-Redirect"] == reverse(
        "tablet:home")


def test_answers_on_the_tablet_are_the_patients_with_the_nurse_who_handed_it_over(tablet, patient, nurse, now):
    response = tablet.post(reverse("tablet:answer", args=["phq9"]), {**PHQ9_NONE, "action": "submit"})

    stored = QuestionnaireResponse.objects.get(status="submitted")
    assert response.headers["Location"] == reverse("tablet:home")
    assert (stored.mode, stored.entered_by, stored.staff, stored.total) == ("tablet", "patient", nurse, 0)
    event = AuditEvent.objects.get(action="questionnaires.response_submitted")
    assert (event.actor_kind, event.actor, event.data["tablet_handed_over_by"]) == ("patient", None, nurse.pk)


def test_high_risk_on_the_tablet_shows_stay_with_staff_and_the_emergency_text(tablet, patient):
    response = tablet.post(reverse("tablet:answer", args=["cssrs_screener"]), {**CSSRS_HIGH, "action": "submit"})
    crisis = tablet.get(response.headers["Location"])

    stored = QuestionnaireResponse.objects.get(status="submitted")
    assert (stored.risk, [alert["code"] for alert in stored.alerts]) == ("high", ["SUICIDE_RISK_HIGH"])
    page = html.unescape(crisis.content.decode())
    assert "Please stay with a member of staff, and tell them now." in page
    assert queries.DEFAULT_CRISIS_TEXT_HIGH in page and queries.DEFAULT_CRISIS_TEXT in page
    assert page.index("stay with a member of staff") < page.index(queries.DEFAULT_CRISIS_TEXT)


def test_c_ssrs_items_3_to_5_are_dropped_when_item_2_is_no(tablet, patient):
    sent = {**CSSRS_HIGH, "item_2": "0"}

    tablet.post(reverse("tablet:answer", args=["cssrs_screener"]), {**sent, "action": "submit"})

    stored = QuestionnaireResponse.objects.get(status="submitted")
    assert (stored.answers, stored.risk) == ([1, 0, None, None, None, 0], "low")


def test_giving_the_tablet_back_ends_tablet_mode_and_signs_staff_out(tablet, patient, nurse, now):
    response = tablet.post(reverse("tablet:give_back"))

    assert TabletSession.objects.get().ended_at == now
    assert "_auth_user_id" not in tablet.session and TABLET_SESSION_KEY not in tablet.session
    chart = reverse("patients:chart", args=[patient.pk])
    assert response.context["sign_in"] == f"{reverse('accounts:login')}?next={chart.replace('/', '%2F')}"
    assert tablet.get(chart).headers["Location"] == f"{reverse('accounts:login')}?next={chart}"
    ended = AuditEvent.objects.get(action="questionnaires.tablet_ended")
    assert (ended.actor_kind, ended.data["tablet_handed_over_by"]) == ("patient", nurse.pk)
    assert AuditEvent.objects.get(action="accounts.logout").data == {"reason": "tablet handed back"}


def test_finishing_the_last_questionnaire_gives_the_tablet_back(tablet, patient, nurse):
    tablet.post(reverse("tablet:answer", args=["phq9"]), {**PHQ9_NONE, "action": "submit"})
    tablet.post(reverse("tablet:answer", args=["cssrs_screener"]),
                {"item_1": "0", "item_2": "0", "item_6": "0", "action": "submit"})

    response = tablet.get(reverse("tablet:home"))

    assert "Please hand the tablet back to a member of staff" in response.content.decode()
    assert TabletSession.objects.get().ended_at is not None
    assert "_auth_user_id" not in tablet.session


def test_front_desk_may_not_hand_the_tablet_over(signed_in, front_desk, patient, due):
    response = signed_in(front_desk).post(reverse("tablet:start", args=[patient.pk]))

    assert response.status_code == 403
    assert TabletSession.objects.count() == 0


def test_the_tablet_is_not_handed_over_when_nothing_is_due(signed_in, nurse, patient):
    browser = signed_in(nurse)

    response = browser.post(reverse("tablet:start", args=[patient.pk]), follow=True)

    assert "Nothing is due for this patient to answer" in response.content.decode()
    assert (TabletSession.objects.count(), TABLET_SESSION_KEY in browser.session) == (0, False)


@pytest.mark.parametrize(("role", "hands_tablet"), [("nurse", True), ("front_desk", False)])
def test_the_chart_panel_offers_the_link_to_all_staff_and_the_tablet_to_clinical_staff(role, hands_tablet, request,
                                                                                       patient, due, rf):
    patient.email = "ines@example.org"
    page = rf.get("/")
    page.user = request.getfixturevalue(role)

    panel = render_to_string("questionnaires/_patient_access.html", {"patient": patient, "request": page})

    assert "Due for the patient to answer: PHQ-9, C-SSRS screener." in panel
    assert ("Send sign-in link" in panel, "by email to ines@example.org" in panel,
            "Hand tablet to patient" in panel) == (True, True, hands_tablet)


def signed_out_to_the_chart(response, tablet, patient):
    """The tablet went to the staff login, back to the chart after, with staff and tablet mode signed out."""
    chart = reverse("patients:chart", args=[patient.pk])
    return (response.status_code, response.headers["Location"], "_auth_user_id" in tablet.session,
            TABLET_SESSION_KEY in tablet.session) == (
        302, f"{reverse('accounts:login')}?next={chart.replace('/', '%2F')}", False, False)


def test_a_tablet_whose_mode_was_ended_elsewhere_signs_staff_out(tablet, patient, nurse, now):
    first = TabletSession.objects.get()
    actions.start_tablet(patient=patient, actor=nurse, now=now)

    response = tablet.get(reverse("tablet:home"))

    assert signed_out_to_the_chart(response, tablet, patient)
    assert tablet.get(reverse("patients:list")).headers["Location"].startswith(reverse("accounts:login"))
    first.refresh_from_db()
    assert first.ended_at == now
    ended = AuditEvent.objects.get(action="questionnaires.tablet_ended")
    assert (ended.object_id, ended.actor, ended.data["tablet_handed_over_by"]) == (str(first.pk), None, nurse.pk)
    assert AuditEvent.objects.get(action="accounts.logout").data == {"reason": "tablet mode ended"}


def test_a_tablet_started_by_someone_else_signs_staff_out_and_ends(tablet, patient, nurse, main_site, now):
    other = StaffUserFactory(username="other-nurse", role="nurse", organisation=main_site.organisation,
                             sites=[main_site])
    TabletSession.objects.update(started_by=other)

    response = tablet.post(reverse("tablet:answer", args=["phq9"]), {**PHQ9_NONE, "action": "submit"})

    assert signed_out_to_the_chart(response, tablet, patient)
    assert (TabletSession.objects.get().ended_at, QuestionnaireResponse.objects.count()) == (now, 0)
    assert AuditEvent.objects.filter(action="questionnaires.tablet_ended").count() == 1


def test_a_tablet_left_idle_ends_tablet_mode_with_the_staff_login(tablet, patient):
    session = tablet.session
    session[LAST_ACTIVITY_KEY] = 0
    session.save()

    response = tablet.get(reverse("tablet:home"))

    assert response.headers["Location"].startswith(reverse("accounts:login"))
    assert ("_auth_user_id" in tablet.session, TABLET_SESSION_KEY in tablet.session) == (False, False)
    assert TabletSession.objects.get().ended_at is not None
    ended = AuditEvent.objects.get(action="questionnaires.tablet_ended")
    assert ended.object_id == str(TabletSession.objects.get().pk)


def test_the_patient_may_not_hand_the_tablet_to_another_patient(tablet, patient, nurse, main_site, now):
    other = PatientFactory(site=main_site, given_name="Oskar", family_name="Brandvold")
    QuestionnaireRequest.objects.create(patient=other, instrument="gad7", requested_by=nurse, requested_at=now)
    held = tablet.session[TABLET_SESSION_KEY]

    response = tablet.post(reverse("tablet:start", args=[other.pk]))

    assert response.headers["Location"] == reverse("tablet:home")
    assert list(TabletSession.objects.values_list("patient", "ended_at")) == [(patient.pk, None)]
    assert tablet.session[TABLET_SESSION_KEY] == held
    assert not AuditEvent.objects.filter(action="questionnaires.tablet_started",
                                         patient_links__patient_id=other.pk).exists()
    assert tablet.get("/tablet/no-such-page/").headers["Location"] == reverse("tablet:home")


def test_starting_tablet_mode_is_refused_while_this_browser_is_in_it(tablet, patient, nurse, rf):
    """Even past the middleware: the view itself refuses to hand over a tablet that is handed over."""
    request = rf.post(reverse("tablet:start", args=[patient.pk]))
    request.user = nurse
    request.session = tablet.session

    response = tablet_views.start(request, patient.pk)

    assert (response.status_code, response.headers["Location"]) == (302, reverse("tablet:home"))
    assert TabletSession.objects.count() == 1

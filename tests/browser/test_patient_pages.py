"""A patient at phone size (issue 13 acceptance): opens the link, types the date of birth, sees only
their own questionnaires, answers the PHQ-9 with item 9 positive and sees the crisis text; and tablet
mode at tablet size, where a high C-SSRS screener tells the patient to stay with staff. Screenshots of
each page go to var/screenshots/ for a person to look at; nothing scrolls sideways."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from clinic.patients.tests.factories import PatientFactory
from clinic.questionnaires import actions
from clinic.questionnaires.models import QuestionnaireRequest, QuestionnaireResponse
from tests.browser.test_layout import PHONE, SIZES, sideways_scroll, sign_in

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def password_only(settings):
    settings.REQUIRE_SECOND_FACTOR = False


@pytest.fixture
def patients(main_site, prescriber, nurse):
    now = timezone.now()
    patient = PatientFactory(site=main_site, prescriber=prescriber, given_name="Ines", family_name="Marlow",
                             birth_date=dt.date(1980, 4, 9), email="ines.marlow@example.org")
    other = PatientFactory(site=main_site, given_name="Oskar", family_name="Brandvold")
    actions.request_questionnaires(patient=patient, instruments=["phq9", "gad7"], actor=nurse, now=now)
    actions.request_questionnaires(patient=other, instruments=["pcl5"], actor=nurse, now=now)
    _link, token = actions.issue_link(patient=patient, actor=nurse, now=now, channel="email")
    return patient, token


def no_sideways_scroll(page: Page, screenshot, name: str) -> None:
    screenshot(name)
    assert sideways_scroll(page) == 0, name


def test_a_patient_signs_in_at_phone_size_and_answers_only_their_own_questionnaires(page, live_server, patients,
                                                                                   screenshot):
    patient, token = patients
    page.set_viewport_size(PHONE)

    page.goto(f"{live_server.url}/p/{token}/")
    no_sideways_scroll(page, screenshot, "patient-sign-in-phone")
    page.select_option("select[name=month]", "4")
    page.fill("input[name=day]", "9")
    page.fill("input[name=year]", "1980")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/p/")
    no_sideways_scroll(page, screenshot, "patient-home-phone")
    due = page.locator("[data-testid=due-list] .due-name").all_text_contents()
    body = page.locator("body").inner_text()
    page.click("a[data-instrument=phq9]")
    for number, option in enumerate([1, 2, 1, 1, 0, 1, 0, 0, 1], start=1):
        page.locator(f"#q-item_{number} .option").nth(option).click()
    no_sideways_scroll(page, screenshot, "patient-phq9-phone")
    page.click("button[value=submit]")
    expect(page.locator("[data-testid=crisis-text]")).to_be_visible()
    no_sideways_scroll(page, screenshot, "patient-crisis-phone")
    crisis = page.locator("[data-testid=crisis-text]").inner_text()
    page.click("text=Continue")
    remaining = page.locator("[data-testid=due-list] .due-name").all_text_contents()

    assert due == ["PHQ-9", "GAD-7"]
    assert ("Oskar" in body, "Brandvold" in body, "PCL-5" in body, patient.mrn in body) == (False,) * 4
    assert "call or text 988" in crisis
    assert remaining == ["GAD-7"]
    stored = QuestionnaireResponse.objects.get(patient=patient, status="submitted")
    assert (stored.total, stored.mode, stored.entered_by, [alert["code"] for alert in stored.alerts]) == (
        7, "remote", "patient", ["SUICIDE_RISK"])


def test_a_patient_on_the_tablet_with_high_risk_is_told_to_stay_with_staff(page, live_server, password_only,
                                                                           nurse, patients, screenshot):
    patient, _token = patients
    QuestionnaireRequest.objects.create(patient=patient, instrument="cssrs_screener", requested_by=nurse,
                                        requested_at=timezone.now())
    page.set_viewport_size(SIZES["tablet"])
    sign_in(page, live_server.url, nurse.username)
    # The chart's Questionnaires tab holds this form; here it is sent as the tab would send it.
    page.evaluate("""(patientId) => {
        const form = document.createElement("form");
        form.method = "post"; form.action = `/tablet/start/${patientId}/`;
        const token = document.querySelector("input[name=csrfmiddlewaretoken]");
        form.appendChild(token.cloneNode());
        document.body.appendChild(form); form.submit();
    }""", patient.pk)
    page.wait_for_url(f"{live_server.url}/tablet/")
    no_sideways_scroll(page, screenshot, "tablet-home")
    page.goto(f"{live_server.url}/patients/")
    locked_to = page.url
    page.click("a[data-instrument=cssrs_screener]")
    for number, option in ((1, 1), (2, 1), (3, 0), (4, 1), (5, 0), (6, 0)):
        page.locator(f"#q-item_{number} .option").nth(option).click()
    no_sideways_scroll(page, screenshot, "tablet-cssrs")
    page.click("button[value=submit]")
    expect(page.locator("[data-testid=stay-with-staff]")).to_be_visible()
    no_sideways_scroll(page, screenshot, "tablet-crisis-high")
    page.click("text=Give back to staff")
    expect(page.locator("[data-testid=given-back]")).to_be_visible()
    no_sideways_scroll(page, screenshot, "tablet-given-back")
    page.click("text=Staff sign in")

    assert locked_to == f"{live_server.url}/tablet/"
    assert "/login/" in page.url and f"%2Fpatients%2F{patient.pk}%2F" in page.url

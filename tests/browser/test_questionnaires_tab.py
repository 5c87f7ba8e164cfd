"""The patient's Questionnaires tab and a scale's entry page at a tablet (1024×768) and a phone (390 px):
nothing scrolls sideways, the C-SSRS screener's items 3–5 appear only after a Yes to item 2, and a
clinician's rating submitted from the page comes back to the tab with its total, band and alert, and
the alert in the banner. Screenshots go to var/screenshots/ for a person to look at."""

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from clinic.patients.tests.factories import PatientFactory
from clinic.questionnaires import actions
from clinic.questionnaires.models import QuestionnaireResponse
from tests.browser.test_layout import SIZES, sideways_scroll, sign_in

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def password_only(settings):
    settings.REQUIRE_SECOND_FACTOR = False


@pytest.fixture
def patient_with_history(main_site, prescriber, nurse, now):
    patient = PatientFactory(site=main_site, given_name="Marisol", family_name="Quenby-Abernathy",
                             prescriber=prescriber)
    for days, answers in ((21, [2, 2, 2, 2, 1, 2, 1, 1, 0]), (14, [1, 2, 1, 2, 1, 1, 1, 1, 0]),
                          (7, [0, 1, 0, 1, 0, 0, 0, 0, 1])):
        actions.submit_response(patient=patient, instrument="phq9", answers=answers, actor=nurse,
                                now=now - dt.timedelta(days=days), mode="paper")
    actions.submit_response(patient=patient, instrument="gad7", answers=[2, 2, 1, 1, 0, 1, 1], actor=nurse,
                            now=now - dt.timedelta(days=7), mode="paper")
    actions.request_questionnaires(patient=patient, instruments=["phq9", "gad7"], actor=nurse, now=now)
    return patient


@pytest.mark.parametrize("size", ["tablet", "phone"])
def test_the_tab_and_the_cssrs_entry_fit_and_a_rating_comes_back_scored(
        size, page: Page, live_server, password_only, patient_with_history, prescriber, screenshot):
    patient = patient_with_history
    page.set_viewport_size(SIZES[size])
    sign_in(page, live_server.url, prescriber.username)

    page.goto(f"{live_server.url}/patients/{patient.pk}/questionnaires/")
    expect(page.get_by_test_id("banner-alerts")).to_contain_text("SUICIDE_RISK")
    assert page.get_by_test_id("response-row").count() == 4
    assert sideways_scroll(page) == 0
    screenshot(f"questionnaires-tab-{size}")

    page.get_by_role("link", name="C-SSRS screener").click()
    gated = page.locator("#item-3")
    expect(gated).to_be_hidden()
    page.locator("#item-1 label.option", has_text="Yes").click()
    page.locator("#item-2 label.option", has_text="Yes").click()
    expect(gated).to_be_visible()
    page.locator("#item-3 label.option", has_text="Yes").click()
    page.locator("#item-4 label.option", has_text="No").click()
    page.locator("#item-5 label.option", has_text="No").click()
    assert sideways_scroll(page) == 0
    screenshot(f"questionnaires-entry-cssrs-{size}")
    page.locator("#item-6 label.option", has_text="Yes, more than 3 months ago").click()
    page.get_by_role("button", name="Submit").click()

    expect(page.locator(".messages")).to_contain_text("C-SSRS screener submitted: moderate risk.")
    stored = QuestionnaireResponse.objects.get(instrument="cssrs_screener")
    assert (stored.answers, stored.risk, stored.mode, stored.staff_id) == ([1, 1, 1, 0, 0, 1], "moderate",
                                                                           "interview", prescriber.pk)
    assert page.get_by_test_id("banner-alerts").locator("li").count() == 2
    assert sideways_scroll(page) == 0
    screenshot(f"questionnaires-tab-after-rating-{size}")


def test_ymrs_entry_with_refused_ratings_fits_a_phone(page: Page, live_server, password_only, patient_with_history,
                                                      prescriber, screenshot):
    page.set_viewport_size(SIZES["phone"])
    sign_in(page, live_server.url, prescriber.username)
    page.goto(f"{live_server.url}/patients/{patient_with_history.pk}/questionnaires/enter/ymrs/")

    page.fill("input[name=item_1]", "1.5")
    page.fill("input[name=item_5]", "9")
    page.get_by_role("button", name="Submit").click()

    expect(page.locator("#item-5 .error")).to_contain_text("must be a whole number from 0 to 8")
    assert page.input_value("input[name=item_1]") == "1.5"
    assert sideways_scroll(page) == 0
    screenshot("questionnaires-entry-ymrs-refused-phone")

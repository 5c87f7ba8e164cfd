"""The Letters tab in a browser: a nurse opens it from the chart, finds the patient's and the referrer's
letters with long accented names, emails one after confirming and sees it recorded; axe-core finds no
serious or critical violation at a tablet's size and nothing scrolls sideways at a phone's."""

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from clinic.letters.actions import produce_letters
from clinic.letters.content import LetterFacts
from clinic.patients.models import ReferringClinician
from clinic.patients.tests.factories import PatientFactory
from tests.browser.test_accessibility import blocking_violations
from tests.browser.test_layout import SIZES, sideways_scroll, sign_in

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def password_only(settings):
    settings.REQUIRE_SECOND_FACTOR = False


@pytest.fixture
def zoe(main_site, prescriber, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    referrer = ReferringClinician.objects.create(
        organisation=main_site.organisation, name="Dr Łukasz Dvořák-Wiśniewski", credentials="MD, PhD",
        practice="Riverside Family and Community Practice", email="l.dvorak-wisniewski@riverside-family.example")
    patient = PatientFactory(site=main_site, given_name="Zoë", family_name="Ñúñez-Øster", email="zoe@example.org",
                             referring_clinician=referrer, referral_source="clinician")
    produce_letters(actor=prescriber, now=timezone.now(), patient=patient, reason="eligibility_outcome", source=patient,
                    facts=LetterFacts(outcome="eligible_with_conditions", summary="Proceed after review.",
                                      conditions=("CA_HTN — proceed with blood pressure every 15 minutes",),
                                      signed_by=prescriber, signed_at=timezone.now()))
    return patient


def test_a_nurse_emails_a_letter_from_the_letters_tab(page: Page, live_server, password_only, nurse, zoe,
                                                      screenshot):
    sign_in(page, live_server.url, nurse.username)
    page.goto(f"{live_server.url}/patients/{zoe.pk}/")
    page.click("nav.tabs >> text=Letters")
    letters = page.locator("[data-testid=letter]")
    expect(letters).to_have_count(2)
    page.set_viewport_size(SIZES["tablet"])
    violations = blocking_violations(page)
    screenshot("letters-tab-tablet")
    page.set_viewport_size(SIZES["phone"])
    phone_scroll = sideways_scroll(page)
    screenshot("letters-tab-phone")
    page.set_viewport_size(SIZES["tablet"])

    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        letters.nth(1).get_by_role("button", name="Send by email").click()

    assert (violations, phone_scroll) == ([], 0)
    expect(page.locator(".messages")).to_contain_text(
        "Sent the letter to Dr Łukasz Dvořák-Wiśniewski, MD, PhD — Riverside Family and Community Practice at "
        "l.dvorak-wisniewski@riverside-family.example.")
    expect(letters.nth(1).get_by_test_id("letter-sent")).to_contain_text(
        "Emailed to l.dvorak-wisniewski@riverside-family.example")
    expect(letters.nth(0).get_by_test_id("letter-sent")).to_contain_text("Not sent or printed yet")
    assert letters.nth(0).get_by_role("link", name="Print").get_attribute("target") == "_blank"
    assert [message.to for message in mail.outbox] == [["l.dvorak-wisniewski@riverside-family.example"]]
    screenshot("letters-tab-sent")

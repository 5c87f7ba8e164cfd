"""The patient consents, at a clinic tablet's size (1024×768): a nurse opens the Consent tab, records the
counselling on the signing page and hands the tablet over; the patient reads the document, types their
name, draws their signature and consents; the tab shows the consent current, and the signed copy shows
the drawn signature. At a phone's width nothing scrolls sideways. Screenshots go to var/screenshots/."""

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from clinic.consents.models import Consent
from clinic.patients.tests.factories import PatientFactory
from tests.browser.test_layout import SIZES, sideways_scroll, sign_in

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def password_only(settings):
    settings.REQUIRE_SECOND_FACTOR = False


@pytest.fixture
def shots(screenshot):
    """Screenshots under var/screenshots/, copied where SHOTS_DIR points when set."""

    def take(name: str) -> Path:
        path = screenshot(f"consent-{name}")
        if os.environ.get("SHOTS_DIR"):
            shutil.copy(path, Path(os.environ["SHOTS_DIR"]) / path.name)
        return path

    return take


def test_the_patient_consents_on_a_clinic_tablet(page: Page, live_server, password_only, main_site, nurse, shots):
    patient = PatientFactory(site=main_site, given_name="Marisol", family_name="Quenby")
    page.set_viewport_size(SIZES["tablet"])
    sign_in(page, live_server.url, nurse.username)

    page.goto(f"{live_server.url}/patients/{patient.pk}/consent/")
    expect(page.get_by_test_id("consent-state")).to_contain_text("none recorded")
    shots("tab-none-tablet")
    page.get_by_role("link", name="Counsel and sign on screen").click()
    expect(page.get_by_test_id("consent-document")).to_contain_text("off-label")
    page.get_by_label("What was discussed").fill("Read every section together; asked about driving, answered.")
    shots("sign-tablet")

    page.get_by_label("Your full name").fill("Marisol Quenby")
    pad = page.locator("canvas[data-signature-pad]")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 40, box["y"] + 120)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 40 + step * 25, box["y"] + 120 - (step % 3) * 30)
    page.mouse.up()
    page.get_by_label("I have read this document").check()
    assert sideways_scroll(page) == 0
    page.get_by_role("button", name="I consent").click()

    expect(page.get_by_test_id("consent-state")).to_have_attribute("data-code", "CURRENT")
    expect(page.get_by_test_id("consent-state")).to_contain_text("Consent is current")
    shots("tab-current-tablet")
    consent = Consent.objects.get(patient=patient)
    assert consent.signed_name == "Marisol Quenby"
    assert len(consent.signature_strokes) == 1 and len(consent.signature_strokes[0]) >= 10
    page.get_by_test_id("consent-row").get_by_role("link").click()
    expect(page.get_by_test_id("signature").locator("polyline")).to_have_count(1)
    shots("signed-copy-tablet")

    page.set_viewport_size(SIZES["phone"])
    page.reload()
    assert sideways_scroll(page) == 0
    shots("signed-copy-phone")
    page.goto(f"{live_server.url}/patients/{patient.pk}/consent/sign/")
    assert sideways_scroll(page) == 0
    shots("sign-phone")

"""A prescriber signs in with a second factor, registers a patient with an intake, finds them and
opens the chart; the medical director then sees those views in the patient's audit list."""

import base64

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from clinic.accounts.tests.factories import PASSWORD, StaffUserFactory

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def totp_code(secret_base32: str) -> str:
    padded = secret_base32 + "=" * (-len(secret_base32) % 8)
    return f"{TOTP(base64.b32decode(padded)).token():06d}"


def sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def answer(page: Page, question: str, choice: str) -> None:
    group = page.get_by_role("radiogroup", name=question, exact=True)
    group.get_by_role("radio", name=choice, exact=True).check()


@pytest.fixture
def clinic_staff(transactional_db, main_site):
    prescriber = StaffUserFactory(username="prescriber", role="prescriber", first_name="Priya",
                                  last_name="Raman", credentials="NP", organisation=main_site.organisation,
                                  sites=[main_site])
    director = StaffUserFactory(username="director", role="director", first_name="Dana", last_name="Whitfield",
                                credentials="MD", organisation=main_site.organisation, sites=[main_site])
    director_device = TOTPDevice.objects.create(user=director, name="phone", confirmed=True)
    return prescriber, director, director_device


def test_register_search_chart_and_audit_trail(page: Page, live_server, clinic_staff, screenshot, main_site):
    _, _, director_device = clinic_staff
    base_url = live_server.url
    page.set_viewport_size({"width": 1024, "height": 768})  # a chair-side tablet

    # First sign-in: password, then set up the authenticator app.
    page.goto(f"{base_url}/login/")
    screenshot("01-login")
    sign_in(page, base_url, "prescriber")
    secret = page.get_by_test_id("totp-secret").inner_text()
    page.get_by_label("Code shown in your app").fill(totp_code(secret))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    page.get_by_role("link", name="I have kept them — continue").click()

    # Register a patient.
    page.get_by_role("link", name="Register a patient").click()
    page.get_by_label("Given name").fill("Marisol")
    page.get_by_label("Family name").fill("Quenby")
    page.get_by_label("Birth date").fill("1984-06-02")
    page.get_by_label("Sex").select_option("female")
    page.get_by_label("Phone", exact=True).fill("555-0142")
    page.get_by_label("Preferred channel").select_option("sms")
    page.get_by_label("Escort name").fill("Tomas Quenby")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text("is registered as K000001")).to_be_visible()

    # Intake: indication, measurement, safety history.
    page.get_by_role("link", name="Intake", exact=True).click()
    indications = page.locator("section#indication")
    indications.get_by_role("link", name="Add indication").click()
    indications.get_by_label("Diagnosis (ICD-10-CM code or words)").fill("F33.2")
    indications.get_by_role("button", name="Save").click()
    expect(indications.get_by_role("status")).to_have_text(
        "Saved the indication: F33.2 Treatment-resistant major depression.")
    measurements = page.locator("section#measurement")
    measurements.get_by_role("link", name="Add measurement").click()
    measurements.get_by_label("Weight (kg)").fill("72.5")
    measurements.get_by_label("Height (cm)").fill("168")
    measurements.get_by_label("Systolic BP (mmHg)").fill("124")
    measurements.get_by_label("Diastolic BP (mmHg)").fill("78")
    measurements.get_by_role("button", name="Save").click()
    expect(measurements.get_by_role("status")).to_contain_text("Saved the measurement")
    page.get_by_role("link", name="Take safety history").click()
    page.get_by_role("group", name="Psychosis, mood and dissociation").get_by_label("None of these").check()
    page.get_by_label("Controlled hypertension", exact=True).check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved the safety history.")).to_be_visible()

    # Find the patient by search and open the chart.
    page.get_by_role("link", name="Patients", exact=True).click()
    page.get_by_role("searchbox").fill("quenby")
    page.get_by_role("button", name="Search").click()
    screenshot("02-patient-list")
    page.get_by_role("link", name="Quenby, Marisol").click()
    expect(page.get_by_text("72.5 kg")).to_be_visible()
    expect(page.get_by_text("Treatment-resistant major depression")).to_be_visible()
    screenshot("03-chart")
    page.get_by_role("button", name="Sign out").click()

    # The director signs in with an existing authenticator and opens the patient's audit list.
    sign_in(page, base_url, "director")
    page.get_by_label("Code from your authenticator app, or a recovery code").fill(
        f"{TOTP(director_device.bin_key).token():06d}")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("searchbox").fill("K000001")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Quenby, Marisol").click()
    page.get_by_role("link", name="Who viewed or changed").click()
    prescriber_rows = page.locator("main tr").filter(has_text="prescriber")
    for action in ("patients.registered", "patients.indication_added", "patients.safety_history_saved",
                   "patients.chart_viewed", "patients.list_viewed"):
        expect(prescriber_rows.filter(has_text=action).first).to_be_visible()
    screenshot("04-patient-audit")

    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.goto(f"{base_url}/patients/")
    screenshot("05-patient-list-phone")

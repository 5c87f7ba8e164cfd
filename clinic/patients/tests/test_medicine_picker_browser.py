"""The medicine picker in a real browser (clinic/web/static/web/fields.js): a pick fills the drug
class, dose unit and route only where the clinician has not chosen them, and a later pick replaces
only what an earlier pick filled."""

import pytest
from playwright.sync_api import Locator, Page, expect

from clinic.accounts.tests.factories import PASSWORD
from clinic.patients.tests.factories import PatientFactory

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def password_only(settings):
    settings.REQUIRE_SECOND_FACTOR = False


@pytest.fixture
def trial_form(page: Page, live_server, password_only, prescriber, main_site) -> Locator:
    patient = PatientFactory(site=main_site)
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(f"{live_server.url}/login/?next=/patients/{patient.pk}/intake/")
    page.fill("input[name=username]", prescriber.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"**/patients/{patient.pk}/intake/")
    part = page.locator("section#treatment_trial")
    part.get_by_role("link", name="Add prior treatment").click()
    expect(part.get_by_label("Kind")).to_have_value("medication")
    return part


def test_a_picked_medicine_keeps_the_drug_class_unit_and_route_the_clinician_chose(trial_form):
    trial_form.get_by_label("Drug class").select_option("tca")
    trial_form.get_by_label("Route").fill("sublingual")

    trial_form.get_by_label("Medicine").fill("Sertraline")

    expect(trial_form.get_by_label("Drug class")).to_have_value("tca")
    expect(trial_form.get_by_label("Route")).to_have_value("sublingual")
    expect(trial_form.get_by_label("Dose unit")).to_have_value("mg")


def test_a_second_pick_replaces_what_the_first_filled_but_not_a_later_choice(trial_form):
    medicine, drug_class = trial_form.get_by_label("Medicine"), trial_form.get_by_label("Drug class")

    medicine.fill("Sertraline")
    expect(drug_class).to_have_value("ssri")
    medicine.fill("Venlafaxine")
    expect(drug_class).to_have_value("snri")
    drug_class.select_option("antidepressant_other")
    medicine.fill("Sertraline")

    expect(drug_class).to_have_value("antidepressant_other")

"""The referral queue in a browser at a tablet's size: front desk works a referral to a booked consultation
and registers the patient, landing on the chart. Screenshots of each referral page at tablet and phone size
go to var/screenshots/referrals/ for a person to look at; at a phone's 390 px nothing scrolls sideways."""

import datetime as dt
import zoneinfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import Page, expect

from clinic.patients.models import Document, Patient, ReferringClinician
from clinic.referrals import actions
from clinic.referrals.models import Referral
from clinic.referrals.tests.factories import PDF_BYTES, ReferralFactory
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_layout import SIZES, sideways_scroll, sign_in

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = SCREENSHOTS / "referrals"


@pytest.fixture
def password_only(settings):
    settings.REQUIRE_SECOND_FACTOR = False


@pytest.fixture
def shoot(page: Page):
    """A full-page screenshot of the page at tablet and at phone size, and its sideways scroll at the phone's."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    scrolls = {}

    def take(name: str) -> None:
        for size in ("phone", "tablet"):
            page.set_viewport_size(SIZES[size])
            page.screenshot(path=str(SHOTS / f"{name}-{size}.png"), full_page=True)
            if size == "phone":
                scrolls[name] = sideways_scroll(page)

    take.scrolls = scrolls
    return take


@pytest.fixture
def queue(main_site, front_desk, settings, tmp_path):
    """Tobias Renwick, referred by Dr Hale five days ago with a letter and no sex given; two others waiting."""
    settings.MEDIA_ROOT = tmp_path
    today = timezone.now().astimezone(zoneinfo.ZoneInfo(main_site.time_zone)).date()
    hale = ReferringClinician.objects.create(organisation=main_site.organisation, name="Dr Hale", credentials="MD",
                                             practice="Harbour Family Practice", phone="(617) 555-0110")
    renwick = actions.create_referral(
        actor=front_desk, now=timezone.now(), site=main_site, max_bytes=1_000_000,
        letter=SimpleUploadedFile("hale-renwick.pdf", PDF_BYTES, content_type="application/pdf"),
        received_on=today - dt.timedelta(days=5), given_name="Tobias", family_name="Renwick",
        birth_date=dt.date(1971, 8, 30), sex="", phone="(617) 555-0199", email="",
        reason="Recurrent major depression; no response to sertraline or bupropion at full dose.",
        indication="TRD_UNIPOLAR", source="clinician", referring_clinician=hale)
    ReferralFactory(site=main_site, created_by=front_desk, given_name="Maeve", family_name="Ashcombe-Lindqvist",
                    received_on=today - dt.timedelta(days=12), referring_clinician=hale, source="clinician")
    ReferralFactory(site=main_site, created_by=front_desk, given_name="Omar", family_name="Haddad",
                    received_on=today - dt.timedelta(days=1), status="contacted")
    return renwick, today


def test_front_desk_works_a_referral_to_a_booked_consultation_and_registers_the_patient(
        page: Page, live_server, password_only, front_desk, queue, shoot):
    renwick, today = queue
    booked_on = today + dt.timedelta(days=7)
    page.set_viewport_size(SIZES["tablet"])
    sign_in(page, live_server.url, front_desk.username)

    page.click("nav[aria-label=Main] >> text=Referrals")
    page.wait_for_url("**/referrals/")
    rows = page.locator("[data-testid=referral-row]")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("Ashcombe-Lindqvist")
    expect(rows.nth(1)).to_contain_text("5 days waiting")
    shoot("queue")
    page.set_viewport_size(SIZES["tablet"])
    rows.nth(1).locator("td").nth(3).click()  # the row, not its link: the whole row opens the referral
    page.wait_for_url(f"**/referrals/{renwick.pk}/")
    expect(page.locator("[data-testid=current-status]")).to_have_text("Received")
    shoot("detail-received")
    page.set_viewport_size(SIZES["tablet"])

    page.check("input[name=status][value=contacted]")
    page.fill("textarea[name=note]", "Spoke to Tobias; he would like a consultation.")
    page.click("[data-testid=record-status]")
    expect(page.locator("[data-testid=current-status]")).to_have_text("Contacted")
    page.check("input[name=status][value=consultation_booked]")
    page.fill("input[name=consultation_on]", booked_on.isoformat())
    page.fill("input[name=consultation_time]", "14:30")
    page.fill("textarea[name=note]", "Booked with Dr Hale's letter to hand.")
    page.click("[data-testid=record-status]")
    expect(page.locator("[data-testid=current-status]")).to_have_text("Consultation booked")
    expect(page.locator("[data-testid=consultation]")).to_contain_text(f"{booked_on.day} {booked_on:%b %Y} 14:30")
    shoot("detail-booked")
    page.set_viewport_size(SIZES["tablet"])

    page.click("[data-testid=register]")
    page.wait_for_url(f"**/referrals/{renwick.pk}/register/")
    expect(page.locator("input[name=family_name]")).to_have_value("Renwick")
    page.click("[data-testid=register-submit]")
    expect(page.locator(".form-errors")).to_contain_text("Sex")
    shoot("register-sex-missing")
    page.set_viewport_size(SIZES["tablet"])
    page.select_option("select[name=sex]", "male")
    page.click("[data-testid=register-submit]")
    page.wait_for_url("**/patients/*/")
    shoot("chart")

    patient = Patient.objects.get(family_name="Renwick")
    referral = Referral.objects.get(pk=renwick.pk)
    assert page.url.endswith(f"/patients/{patient.pk}/")
    expect(page.locator(".banner")).to_contain_text("Renwick, Tobias")
    assert (referral.patient, referral.status) == (patient, "consultation_booked")
    assert [change.status for change in referral.changes.order_by("id")] == [
        "received", "contacted", "consultation_booked"]
    assert (patient.sex, patient.phone, patient.referral_source, patient.referring_clinician.name) == (
        "male", "(617) 555-0199", "clinician", "Dr Hale")
    [letter] = Document.objects.filter(patient=patient)
    assert (letter.kind, letter.original_name, letter.file.read()) == ("referral_letter", "hale-renwick.pdf", PDF_BYTES)
    assert shoot.scrolls == {"queue": 0, "detail-received": 0, "detail-booked": 0, "register-sex-missing": 0,
                             "chart": 0}


def test_entering_a_referral_page_fits_a_phone(page: Page, live_server, password_only, front_desk, queue, shoot):
    page.set_viewport_size(SIZES["tablet"])
    sign_in(page, live_server.url, front_desk.username)
    page.goto(f"{live_server.url}/referrals/new/")
    page.click("text=Enter the referral")
    expect(page.locator(".form-errors")).to_be_visible()

    shoot("add-with-errors")

    assert shoot.scrolls == {"add-with-errors": 0}

"""From referral to an open treatment course, at a clinic tablet's size (1024×768), through the pages:

1. front desk works a referral to a booked consultation and registers the patient;
2. the nurse records the intake (written as rows here: the intake pages have their own journey test), and
   the prescriber re-screens, reviews the one caution, and signs "eligible" with a written decision on it;
   the letters to the patient and to the referring clinician are produced;
3. the patient consents on the tablet;
4. the prescriber opens the course, which shows its induction plan.

Each step's screenshot goes to var/screenshots/journey-*.png for a person to look at."""

import datetime as dt
import zoneinfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import Page, expect

from clinic.consents.models import Consent
from clinic.courses.models import TreatmentCourse
from clinic.letters.models import Letter
from clinic.patients.models import Patient, ReferringClinician
from clinic.referrals import actions as referrals
from clinic.referrals.tests.factories import PDF_BYTES
from clinic.screening.models import EligibilityDecision
from clinic.screening.tests.intakes import complete_intake
from tests.browser.test_layout import SIZES, sideways_scroll, sign_in

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CAUTION_DECISION = "Alcohol use disorder in sustained remission for six years; proceed, review at each visit."


@pytest.fixture
def password_only(settings):
    settings.REQUIRE_SECOND_FACTOR = False


@pytest.fixture
def referral(main_site, front_desk, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    today = timezone.now().astimezone(zoneinfo.ZoneInfo(main_site.time_zone)).date()
    hale = ReferringClinician.objects.create(organisation=main_site.organisation, name="Dr Hale", credentials="MD",
                                             practice="Harbour Family Practice", email="hale@example.com")
    return referrals.create_referral(
        actor=front_desk, now=timezone.now(), site=main_site, max_bytes=1_000_000,
        letter=SimpleUploadedFile("hale-renwick.pdf", PDF_BYTES, content_type="application/pdf"),
        received_on=today - dt.timedelta(days=3), given_name="Tobias", family_name="Renwick",
        birth_date=dt.date(1971, 8, 30), sex="male", phone="(617) 555-0199", email="tobias@example.com",
        reason="Recurrent major depression; no response to two antidepressants at full dose.",
        indication="TRD_UNIPOLAR", source="clinician", referring_clinician=hale)


def switch_user(page: Page, base_url: str, username: str) -> None:
    page.context.clear_cookies()
    sign_in(page, base_url, username)


def test_a_referral_becomes_an_open_course(page: Page, live_server, password_only, referral, front_desk, nurse,
                                            prescriber, screenshot):
    base = live_server.url
    page.set_viewport_size(SIZES["tablet"])
    scrolls = {}

    # 1. Front desk: contacted, consultation booked, registered.
    sign_in(page, base, front_desk.username)
    page.goto(f"{base}/referrals/{referral.pk}/")
    page.check("input[name=status][value=contacted]")
    page.fill("textarea[name=note]", "Spoke to Tobias; he would like a consultation.")
    page.click("[data-testid=record-status]")
    expect(page.locator("[data-testid=current-status]")).to_have_text("Contacted")
    booked_on = dt.date.today() + dt.timedelta(days=7)
    page.check("input[name=status][value=consultation_booked]")
    page.fill("input[name=consultation_on]", booked_on.isoformat())
    page.fill("input[name=consultation_time]", "14:30")
    page.click("[data-testid=record-status]")
    expect(page.locator("[data-testid=current-status]")).to_have_text("Consultation booked")
    screenshot("journey-1-referral-booked")
    page.click("[data-testid=register]")
    page.click("[data-testid=register-submit]")
    page.wait_for_url("**/patients/*/")
    patient = Patient.objects.get(family_name="Renwick")
    screenshot("journey-1-registered-chart")
    scrolls["chart"] = sideways_scroll(page)

    # 2. The nurse's intake (one caution: a past substance use disorder); the prescriber re-screens and signs.
    complete_intake(patient, nurse=nurse, now=timezone.now(), substance_use_disorder_past=True)
    switch_user(page, base, prescriber.username)
    page.goto(f"{base}/patients/{patient.pk}/")
    page.get_by_role("link", name="Screening", exact=True).click()
    page.get_by_role("button", name="Screen again").click()
    expect(page.get_by_test_id("eligibility-state")).to_have_attribute("data-code", "NO_DECISION")
    screenshot("journey-2-screening-one-caution")
    page.get_by_role("link", name="Sign a decision").click()
    page.get_by_label("Eligible", exact=True).check()
    page.get_by_label("Summary").fill("Treatment-resistant depression after two adequate trials; suitable.")
    cautions = page.get_by_label("Your decision on:")
    expect(cautions).to_have_count(1)
    cautions.fill(CAUTION_DECISION)
    screenshot("journey-2-decision-form")
    page.get_by_role("button", name="Sign the decision").click()
    expect(page.get_by_test_id("eligibility-state")).to_have_attribute("data-code", "ELIGIBLE")
    screenshot("journey-2-decision-signed")
    page.goto(f"{base}/patients/{patient.pk}/letters/")
    expect(page.get_by_test_id("letter")).to_have_count(2)
    screenshot("journey-2-letters")

    # 3. The patient consents on the tablet, after the nurse's counselling.
    switch_user(page, base, nurse.username)
    page.goto(f"{base}/patients/{patient.pk}/consent/")
    page.get_by_role("link", name="Counsel and sign on screen").click()
    page.get_by_label("What was discussed").fill("Read every section together; questions about driving answered.")
    page.get_by_label("Your full name").fill("Tobias Renwick")
    page.get_by_label("I have read this document").check()
    screenshot("journey-3-consent-form")
    page.get_by_role("button", name="I consent").click()
    expect(page.get_by_test_id("consent-state")).to_have_attribute("data-code", "CURRENT")
    screenshot("journey-3-consented")

    # 4. The prescriber opens the course with its induction plan.
    switch_user(page, base, prescriber.username)
    page.goto(f"{base}/patients/{patient.pk}/course/")
    expect(page.get_by_test_id("course-consent")).to_have_attribute("data-code", "CURRENT")
    page.get_by_role("button", name="Open the course").click()
    expect(page.get_by_test_id("course-phase")).to_have_text("Induction")
    expect(page.get_by_test_id("induction-plan")).to_contain_text("6 infusions")
    screenshot("journey-4-course-open")
    scrolls["course"] = sideways_scroll(page)

    decision = EligibilityDecision.objects.get(patient=patient)
    [caution] = decision.caution_decisions.all()
    course = TreatmentCourse.objects.get(patient=patient)
    consent = Consent.objects.get(patient=patient)
    letters = Letter.objects.filter(patient=patient).order_by("recipient")
    assert (decision.outcome, decision.signed_by, caution.written_decision) == ("eligible", prescriber,
                                                                               CAUTION_DECISION)
    assert caution.code == "CA_SUD_HISTORY"
    assert sorted((letter.recipient, letter.reason) for letter in letters) == [
        ("patient", "eligibility_outcome"), ("referrer", "eligibility_outcome")]
    assert (consent.signed_name, consent.withdrawn_at) == ("Tobias Renwick", None)
    assert (course.phase, course.decision, course.protocol.version, course.indication) == (
        "induction", decision, decision.protocol.version, "TRD_UNIPOLAR")
    assert course.induction_plan["count"] == 6
    assert scrolls == {"chart": 0, "course": 0}

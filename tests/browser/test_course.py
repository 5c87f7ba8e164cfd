"""The Course tab at a tablet's size (1024×768), through the pages alone: a prescriber opens the course from
the eligible decision and sees its induction plan, moves it to the assessment after induction, then to
maintenance every 4 weeks, and sees the next due window; a refused interval keeps what was typed. At a
phone's width nothing scrolls sideways. Screenshots go to var/screenshots/ for a person to look at."""

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from clinic.courses.tests.factories import eligible_patient
from clinic.rules.typed_values import day_text
from tests.browser.test_layout import SIZES, sideways_scroll, sign_in

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def password_only(settings):
    settings.REQUIRE_SECOND_FACTOR = False


@pytest.fixture
def patient(main_site, nurse, prescriber):
    return eligible_patient(site=main_site, nurse=nurse, prescriber=prescriber, now=timezone.now(),
                            given_name="Marisol", family_name="Quenby-Abernathy")


def sign_decision(page: Page, phase: str, reason: str, **fields: str) -> None:
    page.get_by_text("Change phase").click()
    form = page.get_by_test_id("phase-form")
    form.get_by_label(phase, exact=True).check()
    for label, value in fields.items():
        control = form.get_by_label(label)
        if control.evaluate("element => element.tagName") == "SELECT":
            control.select_option(label=value)
        else:
            control.fill(value)
    form.get_by_label("Reason for the decision").fill(reason)
    form.get_by_role("button", name="Sign the decision").click()


@pytest.mark.parametrize("size", ["tablet"])
def test_the_course_opens_with_its_induction_plan_and_moves_to_maintenance(
        size, page: Page, live_server, password_only, patient, prescriber, screenshot):
    page.set_viewport_size(SIZES[size])
    sign_in(page, live_server.url, prescriber.username)
    page.goto(f"{live_server.url}/patients/{patient.pk}/")
    page.get_by_role("link", name="Course", exact=True).click()
    expect(page.get_by_test_id("eligibility")).to_have_attribute("data-code", "ELIGIBLE")
    screenshot(f"course-open-{size}")

    page.get_by_role("button", name="Open the course").click()

    expect(page.get_by_test_id("course-phase")).to_have_text("Induction")
    expect(page.get_by_test_id("induction-plan")).to_contain_text("6 infusions, twice or thrice weekly")
    expect(page.get_by_test_id("course-protocol")).to_contain_text("v1")
    expect(page.get_by_test_id("baseline")).to_contain_text("would be the baseline if infusion 1 were today")
    expect(page.get_by_test_id("next-due")).to_contain_text("Infusion 1 of 6: book the induction series.")
    assert sideways_scroll(page) == 0
    screenshot(f"course-induction-{size}")

    sign_decision(page, "Assessment after induction", "Six infusions given on schedule.")
    expect(page.get_by_test_id("course-phase")).to_have_text("Assessment after induction")

    sign_decision(page, "Maintenance", "PHQ-9 from 18 to 7.", **{"End-of-induction result": "Response",
                                                                  "Maintenance interval (weeks)": "9"})
    expect(page.locator(".form-errors")).to_contain_text("outside the clinic's 2–6 weeks")
    expect(page.get_by_label("Maintenance interval (weeks)")).to_have_value("9")
    expect(page.get_by_label("Reason for the decision")).to_have_value("PHQ-9 from 18 to 7.")
    screenshot(f"course-refused-interval-{size}")
    form = page.get_by_test_id("phase-form")
    form.get_by_label("Maintenance interval (weeks)").fill("4")
    form.get_by_role("button", name="Sign the decision").click()

    today = timezone.now().astimezone(zoneinfo.ZoneInfo(patient.site.time_zone)).date()
    due = today + dt.timedelta(weeks=4)
    expect(page.get_by_test_id("course-phase")).to_have_text("Maintenance")
    expect(page.get_by_test_id("next-due")).to_contain_text(
        f"Due {day_text(due)} window {day_text(due - dt.timedelta(days=3))} to {day_text(due + dt.timedelta(days=3))}")
    assert page.get_by_test_id("phase-change").count() == 2
    assert sideways_scroll(page) == 0
    screenshot(f"course-maintenance-{size}")

    page.set_viewport_size(SIZES["phone"])
    page.reload()
    assert sideways_scroll(page) == 0
    screenshot("course-maintenance-phone")


@pytest.mark.parametrize("size", ["tablet", "phone"])
def test_a_stop_for_withdrawn_consent_reads_as_recorded_and_a_prescriber_writes_its_letters(
        size, page: Page, live_server, password_only, patient, nurse, prescriber, screenshot):
    from clinic.consents import actions as consent_actions
    from clinic.consents.tests.factories import signed_consent
    from clinic.courses.tests.factories import open_course

    now = timezone.now()
    open_course(patient=patient, prescriber=prescriber, now=now - dt.timedelta(hours=3))
    consent = signed_consent(patient=patient, actor=nurse, now=now - dt.timedelta(hours=2))
    consent_actions.withdraw_consent(actor=nurse, now=now - dt.timedelta(hours=1), consent=consent,
                                     reason="Does not want more infusions.")
    page.set_viewport_size(SIZES[size])
    sign_in(page, live_server.url, prescriber.username)
    page.goto(f"{live_server.url}/patients/{patient.pk}/course/")

    expect(page.get_by_test_id("withdrawal-stop")).to_contain_text(f"Stopped: consent withdrawn (recorded by {nurse}")
    expect(page.get_by_test_id("stop-letters-waiting")).to_contain_text("wait for a prescriber")
    assert sideways_scroll(page) == 0
    screenshot(f"course-withdrawal-stop-{size}")

    page.get_by_role("button", name="Write the stopping letters").click()

    expect(page.get_by_text("Signed and wrote the stopping letters.")).to_be_visible()
    expect(page.get_by_test_id("stop-letters-waiting")).to_have_count(0)
    screenshot(f"course-withdrawal-stop-letters-written-{size}")

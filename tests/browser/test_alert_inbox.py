"""The alert inbox in a browser: a prescriber acknowledges an alert in place at tablet size, a refusal
for a missing action staying in the row; at a phone's 390 px nothing scrolls sideways on the inbox, the
acknowledgement page, the alert settings or the alert channel page. Screenshots of each at tablet and
phone size go to var/screenshots/ for a person to look at."""

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from clinic.accounts.models import AlertChannel
from clinic.patients.tests.factories import PatientFactory
from clinic.questionnaires.models import Alert, AlertStatus
from tests.browser.test_layout import SIZES, sideways_scroll, sign_in

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RAISED_AT = dt.datetime(2026, 11, 24, 8, 5, tzinfo=dt.UTC)
HIGH_MESSAGE = ("C-SSRS screener at high risk (suicidal behaviour within the past 3 months): immediate evaluation "
                "and precautions; do not leave the patient alone.")


@pytest.fixture
def password_only(settings):
    settings.REQUIRE_SECOND_FACTOR = False


@pytest.fixture
def alerts(main_site, prescriber, director):
    """A high-risk alert with the director on call, an item-9 alert, and one acknowledged yesterday."""
    marisol = PatientFactory(site=main_site, given_name="Marisol", family_name="Quenby-Abernathy", mrn="K000201",
                             prescriber=prescriber)
    tom = PatientFactory(site=main_site, given_name="Tom", family_name="Ashdown", mrn="K000202", prescriber=prescriber)
    high = Alert.objects.create(patient=marisol, code="SUICIDE_RISK_HIGH", kind="suicide_risk", high=True, item=6,
                                message=HIGH_MESSAGE, raised_at=RAISED_AT, prescriber=prescriber, on_call=director)
    item_9 = Alert.objects.create(
        patient=tom, code="SUICIDE_RISK", kind="suicide_risk", item=9, raised_at=RAISED_AT - dt.timedelta(hours=2),
        message="PHQ-9 item 9 (thoughts of being better off dead or of self-harm) is 1: assess suicide risk today.",
        prescriber=prescriber)
    Alert.objects.create(patient=tom, code="SUICIDE_RISK", kind="suicide_risk", item=9, message="PHQ-9 item 9 is 2.",
                         raised_at=RAISED_AT - dt.timedelta(days=1), prescriber=prescriber,
                         status=AlertStatus.ACKNOWLEDGED, acknowledged_by=prescriber,
                         acknowledged_at=RAISED_AT - dt.timedelta(hours=20),
                         action_taken="Called the patient; safety plan reviewed; seen the same afternoon at 15:00.")
    return high, item_9


def test_a_prescriber_acknowledges_an_alert_in_place_at_tablet_size(page: Page, live_server, password_only,
                                                                    prescriber, alerts, screenshot):
    high, _ = alerts
    page.set_viewport_size(SIZES["tablet"])
    sign_in(page, live_server.url, prescriber.username)
    expect(page.locator("nav[aria-label=Main] .nav-alerts")).to_have_text("Alerts 2 open")

    page.click("nav[aria-label=Main] .nav-alerts")
    page.wait_for_url("**/alerts/")
    row = page.locator(f"#alert-{high.pk}")
    expect(row).to_contain_text("High risk")
    screenshot("alerts-in-place-tablet")
    row.locator("summary").click()
    row.locator("button[type=submit]").click()
    expect(page.locator(f"#alert-{high.pk} .error")).to_have_text(
        "Write the action taken before acknowledging: it is kept with the alert.")
    page.locator(f"#alert-{high.pk} textarea").fill("Saw the patient at once with the on-call clinician; "
                                                    "emergency evaluation arranged.")
    screenshot("alerts-in-place-tablet-acknowledging")
    page.locator(f"#alert-{high.pk} button[type=submit]").click()

    expect(page.locator(f"#alert-{high.pk} .saved")).to_have_text(
        "Acknowledged: the action taken is kept with the alert.")
    expect(page.locator("nav[aria-label=Main] .nav-alerts")).to_have_text("Alerts 1 open")
    screenshot("alerts-in-place-tablet-acknowledged")
    assert page.url == f"{live_server.url}/alerts/"
    high.refresh_from_db()
    assert (high.status, high.acknowledged_by, high.action_taken) == (
        AlertStatus.ACKNOWLEDGED, prescriber,
        "Saw the patient at once with the on-call clinician; emergency evaluation arranged.")


@pytest.mark.parametrize("size", ["tablet", "phone"])
def test_the_alert_pages_fit_the_window(size, page: Page, live_server, password_only, director, alerts, main_site,
                                        screenshot):
    high, _ = alerts
    director.alert_channel, director.mobile_phone = AlertChannel.SMS, "+1 (555) 014-2000"
    director.save()
    page.set_viewport_size(SIZES[size])
    sign_in(page, live_server.url, director.username)
    pages = {"alerts-inbox": "/alerts/?status=all",
             "alerts-acknowledge": f"/alerts/patients/{high.patient_id}/{high.pk}/acknowledge/",
             "alerts-settings": f"/alerts/sites/{main_site.pk}/settings/",
             "alerts-channel": "/alerts/channel/"}
    widths = {}

    for name, url in pages.items():
        response = page.goto(live_server.url + url)
        assert response.status == 200, (name, response.status)
        widths[name] = sideways_scroll(page)
        screenshot(f"{name}-{size}")

    assert widths == {name: 0 for name in pages}

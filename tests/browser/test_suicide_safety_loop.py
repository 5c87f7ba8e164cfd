"""The suicide-safety loop at tablet size (issue 13, first acceptance point), through the pages alone:
a nurse asks for the PHQ-9 and the C-SSRS screener on the chart's Questionnaires tab and hands the
tablet to the patient; the patient answers item 9 positive and sees the crisis text (988) first, then a
high-risk screener and sees the high-risk text (911, stay with staff) first, and gives the tablet back,
which signs staff out. The prescriber sees both alerts in the inbox and the banner and acknowledges the
high one with the action taken; the banner's screening still holds HS_SUICIDE_HIGH until the prescriber
records a same-day assessment deciding to proceed, and then shows CA_SUICIDE_RISK instead. A screenshot
of each step goes to var/screenshots/safety-loop-NN-<step>.png for a person to look at; nothing scrolls
sideways on any page."""

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from clinic.audit.models import AuditEvent
from clinic.patients import actions as patient_actions
from clinic.patients.tests.factories import PatientFactory
from clinic.questionnaires import actions
from clinic.questionnaires.models import (
    Alert,
    AlertStatus,
    QuestionnaireResponse,
    SuicideRiskAssessment,
    TabletSession,
)
from clinic.rules.eligibility.criteria import RULES
from clinic.rules.safety_history import SAFETY_LABELS
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_layout import SIZES, sideways_scroll, sign_in

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLES = {rule.code: rule.title for rule in RULES}
PHQ9_ANSWERS = [2, 2, 1, 2, 1, 1, 1, 0, 1]  # item 9 "Several days"
CSSRS_ANSWERS = {1: "Yes", 2: "Yes", 3: "No", 4: "Yes", 5: "No", 6: "No"}  # intent (item 4): high risk
ACTION_TAKEN = "Saw the patient at once with the on-call clinician; stayed with staff; safety plan reviewed."


# Whether a select's chosen text fits inside it (a select clips its text rather than scrolling): the text's
# width in the select's font, with its padding and about 1.5 rem for the arrow.
CHOICE_FITS = """select => {
    const style = getComputedStyle(select);
    const context = document.createElement("canvas").getContext("2d");
    context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const text = context.measureText(select.options[select.selectedIndex].text).width;
    const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return text + 1.5 * parseFloat(style.fontSize) <= room;
}"""


@pytest.fixture
def password_only(settings):
    settings.REQUIRE_SECOND_FACTOR = False


@pytest.fixture
def demo_like_patient(main_site, prescriber, nurse, director):
    """A patient as the demo has them: a prescriber, an intake complete but for the C-SSRS screener and the
    PHQ-9 (AUDIT-C and DAST-10 from paper, negative), and the site's medical director on call."""
    now = timezone.now()
    intake_at = now - dt.timedelta(days=7)
    patient = PatientFactory(site=main_site, prescriber=prescriber, given_name="Rosalind", family_name="Achterberg",
                             sex="female", birth_date=dt.date(1979, 6, 14), email="rosalind.achterberg@example.org",
                             phone="+1 (555) 014-3380")
    for kind, values in (
        ("indication", {"code": "TRD_UNIPOLAR", "icd10_code": "F33.2", "is_primary": True,
                        "noted_on": intake_at.date()}),
        ("medication", {"name": "Sertraline", "drug_class": "ssri", "dose_text": "150 mg daily"}),
        ("allergy", {"substance": "Penicillin", "reaction": "Rash", "severity": "moderate"}),
        ("measurement", {"measured_on": intake_at.date(), "weight_kg": 64, "height_cm": 165, "systolic_mmhg": 122,
                         "diastolic_mmhg": 78, "heart_rate_bpm": 72}),
        ("treatment_trial", {"kind": "medication", "name": "Escitalopram", "drug_class": "ssri",
                             "outcome": "no_response"}),
        ("treatment_trial", {"kind": "medication", "name": "Venlafaxine", "drug_class": "snri",
                             "outcome": "no_response"}),
    ):
        patient_actions.add_intake_item(actor=nurse, now=intake_at, patient=patient, kind=kind, values=values)
    patient_actions.save_safety_history(actor=nurse, now=intake_at, patient=patient,
                                        answers=dict.fromkeys(SAFETY_LABELS, False))
    actions.submit_response(patient=patient, instrument="audit_c", answers=[1, 0, 0], actor=nurse, now=intake_at,
                            mode="paper")
    actions.submit_response(patient=patient, instrument="dast10", answers=[0] * 10, actor=nurse, now=intake_at,
                            mode="paper")
    actions.save_alert_settings(site=main_site, actor=director, now=intake_at, on_call=director, crisis_text="",
                                crisis_text_high="")
    return patient


def step(page: Page, screenshot, widths: dict[str, int], name: str) -> None:
    """Screenshot the page as it stands and note how far it scrolls sideways. Scrolled to the end first, so
    that a bar that sticks to the window's foot is shot where it rests."""
    widths[name] = sideways_scroll(page)
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    screenshot(f"safety-loop-{len(widths):02d}-{name}")


def banner_codes(page: Page, kind: str) -> list[str]:
    return page.locator(f"[data-testid=banner-flags] li.flag.{kind}").evaluate_all(
        "items => items.map(item => item.dataset.code)")


def banner_text(page: Page, code: str) -> str:
    return page.locator(f"[data-testid=banner-flags] li.flag[data-code={code}]").inner_text()


def banner_detail(page: Page, code: str) -> str:
    """The rules' full message, which the flag carries as its title."""
    return page.locator(f"[data-testid=banner-flags] li.flag[data-code={code}]").get_attribute("title")


def test_the_suicide_safety_loop_at_tablet_size(page: Page, live_server, password_only, demo_like_patient, nurse,
                                               prescriber, director, screenshot):
    patient = demo_like_patient
    base = live_server.url
    widths: dict[str, int] = {}
    page.set_viewport_size(SIZES["tablet"])

    # 1. The nurse asks for the PHQ-9 and the C-SSRS screener and hands the tablet to the patient.
    sign_in(page, base, nurse.username)
    page.goto(f"{base}/patients/{patient.pk}/")
    banner_before = banner_text(page, "HS_INTAKE_INCOMPLETE")
    page.locator("nav.tabs").get_by_role("link", name="Questionnaires").click()
    page.wait_for_url(f"{base}/patients/{patient.pk}/questionnaires/")
    page.get_by_label("PHQ-9", exact=True).check()
    page.get_by_label("C-SSRS screener", exact=True).check()
    step(page, screenshot, widths, "ask-for-questionnaires")
    page.get_by_role("button", name="Ask for these").click()
    due = page.get_by_test_id("due-row").all_inner_texts()
    access = page.get_by_test_id("patient-access").inner_text()
    step(page, screenshot, widths, "questionnaires-due")
    page.get_by_test_id("hand-tablet").click()
    page.wait_for_url(f"{base}/tablet/")
    tablet_due = page.locator("[data-testid=due-list] .due-name").all_inner_texts()
    step(page, screenshot, widths, "tablet-home")

    # 2. The patient answers: the crisis text comes before anything else, each time.
    page.click("a[data-instrument=phq9]")
    for number, option in enumerate(PHQ9_ANSWERS, start=1):
        page.locator(f"#q-item_{number} .option").nth(option).click()
    step(page, screenshot, widths, "tablet-phq9")
    page.click("button[value=submit]")
    expect(page.get_by_test_id("crisis-text")).to_be_visible()
    after_phq9 = page.url
    first_after_phq9 = page.locator("main > *:not(.messages)").first.get_attribute("data-testid")
    crisis = page.get_by_test_id("crisis-text").inner_text()
    stay_after_phq9 = page.get_by_test_id("stay-with-staff").count()
    step(page, screenshot, widths, "tablet-crisis-text")
    page.get_by_role("link", name="Continue").click()
    still_due = page.locator("[data-testid=due-list] .due-name").all_inner_texts()
    page.click("a[data-instrument=cssrs_screener]")
    for number, answer in CSSRS_ANSWERS.items():
        page.locator(f"#q-item_{number} .option", has_text=answer).first.click()
    step(page, screenshot, widths, "tablet-cssrs")
    page.click("button[value=submit]")
    expect(page.get_by_test_id("stay-with-staff")).to_be_visible()
    after_cssrs = page.url
    first_after_cssrs = page.locator("main > *:not(.messages)").first.get_attribute("data-testid")
    crisis_high = page.get_by_test_id("crisis-text").inner_text()
    step(page, screenshot, widths, "tablet-crisis-high")
    page.get_by_role("button", name="Give back to staff").click()
    expect(page.get_by_test_id("given-back")).to_be_visible()
    step(page, screenshot, widths, "tablet-given-back")
    page.goto(f"{base}/patients/{patient.pk}/")
    staff_url_after = page.url
    step(page, screenshot, widths, "staff-signed-out")

    assert banner_before.startswith("Intake incomplete: still to record")
    assert "C-SSRS screener" in banner_before
    assert [row.split("\t")[0] for row in due] == ["PHQ-9", "C-SSRS screener"]
    assert "Due for the patient to answer: PHQ-9, C-SSRS screener." in access
    assert tablet_due == ["PHQ-9", "C-SSRS screener"]
    assert (after_phq9.startswith(f"{base}/tablet/crisis/"), first_after_phq9, stay_after_phq9) == (
        True, "crisis-text", 0)
    assert "call or text 988" in crisis and "911" not in crisis
    assert still_due == ["C-SSRS screener"]
    assert (after_cssrs.startswith(f"{base}/tablet/crisis/"), first_after_cssrs) == (True, "crisis-text")
    assert "Please stay with a member of staff, and tell them now." in crisis_high
    assert "911" in crisis_high and "988" in crisis_high
    assert staff_url_after == f"{base}/login/?next=/patients/{patient.pk}/"

    assert list(TabletSession.objects.filter(patient=patient).values_list("started_by", flat=True)) == [nurse.pk]
    assert TabletSession.objects.get(patient=patient).ended_at is not None
    tablet = {row.instrument: row for row in QuestionnaireResponse.objects.filter(patient=patient, mode="tablet")}
    assert {code: (row.status, row.entered_by, row.answers, row.total, row.risk, row.staff_id)
            for code, row in tablet.items()} == {
        "phq9": ("submitted", "patient", PHQ9_ANSWERS, 11, "", nurse.pk),
        "cssrs_screener": ("submitted", "patient", [1, 1, 0, 1, 0, 0], tablet["cssrs_screener"].total, "high",
                           nurse.pk)}
    submitted = AuditEvent.objects.filter(action="questionnaires.response_submitted",
                                          patient_links__patient_id=patient.pk, object_id__in=[
                                              str(row.pk) for row in tablet.values()]).order_by("seq")
    assert [(event.actor_kind, event.actor_id, event.actor_label, event.data["tablet_handed_over_by"])
            for event in submitted] == [("patient", None, f"patient {patient.mrn}", nurse.pk)] * 2
    alerts = {alert.code: alert for alert in Alert.objects.filter(patient=patient)}
    assert {code: (alert.kind, alert.high, alert.status, alert.prescriber_id, alert.on_call_id)
            for code, alert in alerts.items()} == {
        "SUICIDE_RISK": ("suicide_risk", False, AlertStatus.OPEN, prescriber.pk, None),
        "SUICIDE_RISK_HIGH": ("suicide_risk", True, AlertStatus.OPEN, prescriber.pk, director.pk)}
    high, item_9 = alerts["SUICIDE_RISK_HIGH"], alerts["SUICIDE_RISK"]

    # 3. The prescriber sees both alerts in the inbox and in the banner, and acknowledges the high one.
    sign_in(page, base, prescriber.username)
    nav_count = " ".join(page.locator("nav[aria-label=Main] .nav-alerts").text_content().split())
    page.click("nav[aria-label=Main] .nav-alerts")
    page.wait_for_url(f"{base}/alerts/")
    inbox_rows = page.get_by_test_id("alert-row").evaluate_all("rows => rows.map(row => row.id)")
    high_row = page.locator(f"#alert-{high.pk}")
    high_marked = high_row.get_by_test_id("high-risk").count(), page.locator(f"#alert-{item_9.pk}").get_by_test_id(
        "high-risk").count()
    step(page, screenshot, widths, "inbox-two-alerts")
    page.goto(f"{base}/patients/{patient.pk}/")
    banner_alerts = page.get_by_test_id("banner-alerts").locator("li").evaluate_all(
        "items => items.map(item => [item.dataset.code, item.classList.contains('high')])")
    step(page, screenshot, widths, "banner-alerts")
    page.goto(f"{base}/alerts/")
    high_row.locator("summary").click()
    high_row.locator("textarea").fill(ACTION_TAKEN)
    step(page, screenshot, widths, "inbox-acknowledging")
    high_row.get_by_role("button", name="Acknowledge").click()
    expect(high_row.locator(".saved")).to_have_text("Acknowledged: the action taken is kept with the alert.")
    page.goto(f"{base}/alerts/?status=all")
    acknowledged_row = page.locator(f"#alert-{high.pk}").inner_text()
    open_row = page.locator(f"#alert-{item_9.pk}").inner_text()
    step(page, screenshot, widths, "inbox-acknowledged")

    assert nav_count == "Alerts 2 open"
    assert sorted(inbox_rows) == sorted([f"alert-{high.pk}", f"alert-{item_9.pk}"])
    assert high_marked == (1, 0)
    assert sorted(banner_alerts) == [["SUICIDE_RISK", False], ["SUICIDE_RISK_HIGH", True]]
    assert "Acknowledged" in acknowledged_row and f"by {prescriber}" in acknowledged_row
    assert ACTION_TAKEN in acknowledged_row
    assert "Open" in open_row and "Acknowledged" not in open_row
    high.refresh_from_db()
    assert (high.status, high.acknowledged_by_id, high.action_taken) == (AlertStatus.ACKNOWLEDGED, prescriber.pk,
                                                                         ACTION_TAKEN)
    assert AuditEvent.objects.filter(action="questionnaires.alert_acknowledged", actor=prescriber,
                                     object_id=str(high.pk), patient_links__patient_id=patient.pk).count() == 1

    # 4. Acknowledging does not lift the hard stop; a same-day assessment deciding to proceed does.
    page.goto(f"{base}/patients/{patient.pk}/")
    hard_stops_acknowledged = banner_codes(page, "hard-stop")
    hard_stop_text = banner_text(page, "HS_SUICIDE_HIGH")
    hard_stop_detail = banner_detail(page, "HS_SUICIDE_HIGH")
    caution_detail_before = banner_detail(page, "CA_SUICIDE_RISK")
    step(page, screenshot, widths, "banner-hard-stop-after-acknowledgement")
    page.locator("nav.tabs").get_by_role("link", name="Questionnaires").click()
    page.locator("#risk-assessments summary").click()
    form = page.locator("#risk-assessments form")
    form.get_by_label("High").check()
    form.get_by_label("Proceed with treatment").check()
    form.get_by_label("Answers the alert").select_option(str(item_9.pk))
    form.get_by_label("Protective factors").fill("Lives with her sister; engaged in treatment; future plans.")
    form.get_by_label("Safety plan").fill("Written safety plan; means removed at home; 988 and the clinic's number.")
    alert_choice = form.get_by_label("Answers the alert")
    alert_choice_fits = alert_choice.evaluate(CHOICE_FITS)
    alert_choice.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "safety-loop-15-risk-assessment-form-in-window.png"))
    step(page, screenshot, widths, "risk-assessment-form")
    form.get_by_role("button", name="Record the assessment").click()
    expect(page.locator(".messages")).to_contain_text("Recorded the suicide risk assessment: High risk, "
                                                      "proceed with treatment.")
    hard_stops_assessed = banner_codes(page, "hard-stop")
    cautions_assessed = banner_codes(page, "caution")
    caution_text = banner_text(page, "CA_SUICIDE_RISK")
    caution_detail_after = banner_detail(page, "CA_SUICIDE_RISK")
    assessments_listed = page.get_by_test_id("assessment").all_inner_texts()
    step(page, screenshot, widths, "banner-after-assessment")

    assert hard_stops_acknowledged == ["HS_SUICIDE_HIGH"]
    assert hard_stop_text == TITLES["HS_SUICIDE_HIGH"] == (
        "High suicide risk: no infusion until a clinician's risk assessment")
    assert "No suicide risk assessment is recorded" in hard_stop_detail
    # Before the assessment the caution came from item 9 alone; the high screener was the hard stop's.
    assert caution_detail_before.startswith("PHQ-9 item 9 is positive.")
    assert hard_stops_assessed == []
    assert "CA_SUICIDE_RISK" in cautions_assessed
    assert caution_text == TITLES["CA_SUICIDE_RISK"] == "Suicide risk: urgent clinician review"
    assert caution_detail_after.startswith("C-SSRS screener risk high. A clinician's suicide risk assessment on ")
    assert "decided to proceed. PHQ-9 item 9 is positive." in caution_detail_after
    assert alert_choice_fits
    assert len(assessments_listed) == 1 and "Proceed with treatment" in assessments_listed[0]
    assessment = SuicideRiskAssessment.objects.get(patient=patient)
    zone = zoneinfo.ZoneInfo(patient.site.time_zone)
    assert (assessment.assessed_by_id, assessment.risk_level, assessment.outcome, assessment.alert_id) == (
        prescriber.pk, "high", "proceed", item_9.pk)
    screened_at = tablet["cssrs_screener"].submitted_at
    assert assessment.assessed_at.astimezone(zone).date() == screened_at.astimezone(zone).date()  # same day
    assert AuditEvent.objects.filter(action="questionnaires.risk_assessment_recorded", actor=prescriber,
                                     patient_links__patient_id=patient.pk).count() == 1
    assert widths == dict.fromkeys(widths, 0)

"""A full intake at a chair-side tablet, every interaction counted (design §5 clinician time: an
indication, a medicine, an allergy, weight and height, two prior antidepressant trials and a safety
history with two positive answers in at most 45 interactions, the safety history in at most 8).

An interaction is a tap or click, a field filled, a choice made in a list, or a Tab or Enter key
press. Choosing a suggestion from a picker's list is one tap after the letters typed; the browser's
suggestion list is drawn outside the page, so the test makes that tap by putting the chosen text in
the field, as the browser does. No field is filled from an earlier entry."""

import pytest
from playwright.sync_api import Locator, Page, expect

from clinic.accounts.tests.factories import PASSWORD
from clinic.patients.models import Allergy, BodyMeasurement, Indication, Medication, SafetyHistory, TreatmentTrial
from clinic.patients.tests.factories import PatientFactory

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TABLET = {"width": 1024, "height": 768}


class Counted:
    """Drives the page and counts each interaction by its kind."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.counts: dict[str, int] = {}
        self.part = "other"

    def _count(self) -> None:
        self.counts[self.part] = self.counts.get(self.part, 0) + 1

    def tap(self, target: Locator) -> None:
        self._count()
        target.click()

    def type(self, target: Locator, text: str) -> None:
        self._count()
        target.fill(text)

    def pick(self, target: Locator, suggestion: str) -> None:
        """The tap on a suggestion of the field's list: the browser puts its text in the field."""
        self._count()
        target.fill(suggestion)

    def choose(self, target: Locator, value: str) -> None:
        self._count()
        target.select_option(value)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@pytest.fixture
def password_only(settings):
    settings.REQUIRE_SECOND_FACTOR = False


def section(page: Page, kind: str) -> Locator:
    return page.locator(f"section#{kind}")


def save_and_wait(counted: Counted, part: Locator, confirmation: str) -> None:
    counted.tap(part.get_by_role("button", name="Save"))
    expect(part.get_by_role("status")).to_contain_text(confirmation)


def add_trial(counted: Counted, page: Page, *, typed: str, name: str, dose: str, weeks: str) -> None:
    part = section(page, "treatment_trial")
    counted.tap(part.get_by_role("link", name="Add prior treatment"))
    # A new prior treatment starts on the medicine kind, the commonest.
    expect(part.get_by_label("Kind")).to_have_value("medication")
    counted.type(part.get_by_label("Medicine"), typed)
    counted.pick(part.get_by_label("Medicine"), name)
    counted.type(part.get_by_label("Highest daily dose"), dose)
    counted.type(part.get_by_label("Weeks at adequate dose"), weeks)
    counted.choose(part.get_by_label("Outcome"), "no_response")
    counted.choose(part.get_by_label("In the current episode"), "true")
    save_and_wait(counted, part, f"Saved the prior treatment: {name}")


def test_a_full_intake_takes_at_most_45_interactions_and_the_safety_history_8(
        page: Page, live_server, password_only, prescriber, main_site, screenshot):
    patient = PatientFactory(site=main_site, given_name="Marisol", family_name="Quenby")
    page.set_viewport_size(TABLET)
    page.goto(f"{live_server.url}/login/?next=/patients/{patient.pk}/")
    page.fill("input[name=username]", prescriber.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"**/patients/{patient.pk}/")
    counted = Counted(page)

    counted.tap(page.get_by_role("link", name="Intake", exact=True))

    part = section(page, "indication")
    counted.tap(part.get_by_role("link", name="Add indication"))
    counted.type(part.get_by_label("Diagnosis (ICD-10-CM code or words)"), "F33.2")
    counted.pick(part.get_by_label("Diagnosis (ICD-10-CM code or words)"),
                 "F33.2 Major depressive disorder, recurrent severe without psychotic features")
    save_and_wait(counted, part, "Saved the indication")

    part = section(page, "medication")
    counted.tap(part.get_by_role("link", name="Add medicine"))
    counted.type(part.get_by_label("Name"), "bupro")
    counted.pick(part.get_by_label("Name"), "Bupropion")
    counted.type(part.get_by_label("Dose and frequency"), "300 mg daily")
    save_and_wait(counted, part, "Saved the medicine")

    part = section(page, "allergy")
    counted.tap(part.get_by_role("link", name="Add allergy"))
    counted.type(part.get_by_label("Substance"), "Penicillin")
    save_and_wait(counted, part, "Saved the allergy")

    part = section(page, "measurement")
    counted.tap(part.get_by_role("link", name="Add measurement"))
    counted.type(part.get_by_label("Weight (kg)"), "72,5")
    counted.type(part.get_by_label("Height (cm)"), "168")
    save_and_wait(counted, part, "Saved the measurement")

    add_trial(counted, page, typed="sert", name="Sertraline", dose="150", weeks="8")
    add_trial(counted, page, typed="venla", name="Venlafaxine", dose="225", weeks="10")
    screenshot("intake-taps-01-intake")

    counted.part = "safety history"
    counted.tap(page.get_by_role("link", name="Take safety history"))
    screenshot("intake-taps-02-safety-history")
    for group in ("Psychosis, mood and dissociation", "Pregnancy and breastfeeding", "Liver and bladder",
                  "Brain, eyes and nerves"):
        counted.tap(page.get_by_role("group", name=group).get_by_label("None of these"))
    counted.tap(page.get_by_label("Controlled hypertension", exact=True))
    counted.tap(page.get_by_label("Past substance use disorder", exact=True))
    counted.tap(page.get_by_role("button", name="Save"))
    expect(page.get_by_text("Saved the safety history.")).to_be_visible()
    screenshot("intake-taps-03-saved")

    assert counted.counts["safety history"] <= 8, counted.counts
    assert counted.total <= 45, counted.counts
    assert list(Indication.objects.filter(patient=patient).values_list("code", "icd10_code", "is_primary")) == [
        ("TRD_UNIPOLAR", "F33.2", True)]
    assert list(Medication.objects.filter(patient=patient).values_list("name", "drug_class", "dose_text")) == [
        ("Bupropion", "antidepressant_other", "300 mg daily")]
    assert list(Allergy.objects.filter(patient=patient).values_list("substance", flat=True)) == ["Penicillin"]
    assert [(str(m.weight_kg), str(m.height_cm)) for m in BodyMeasurement.objects.filter(patient=patient)] == [
        ("72.5", "168.0")]
    trials = TreatmentTrial.objects.filter(patient=patient).order_by("id")
    assert [(t.name, t.drug_class, str(t.max_daily_dose), t.dose_unit, t.route, t.weeks_at_adequate_dose,
             t.outcome, t.current_episode) for t in trials] == [
        ("Sertraline", "ssri", "150.00", "mg", "oral", 8, "no_response", True),
        ("Venlafaxine", "snri", "225.00", "mg", "oral", 10, "no_response", True)]
    history = SafetyHistory.objects.get(patient=patient)
    answers = history.answers()
    assert sorted(name for name, value in answers.items() if value) == [
        "hypertension_controlled", "substance_use_disorder_past"]
    assert [name for name, value in answers.items() if value is None] == []
    print(f"intake interactions: {counted.counts} = {counted.total}")


def test_a_psychotherapy_shows_its_own_fields_and_suggests_therapy_types(page: Page, live_server, password_only,
                                                                       prescriber, main_site):
    patient = PatientFactory(site=main_site)
    page.set_viewport_size(TABLET)
    page.goto(f"{live_server.url}/login/?next=/patients/{patient.pk}/intake/treatment_trial/new/")
    page.fill("input[name=username]", prescriber.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"**/patients/{patient.pk}/intake/treatment_trial/new/")

    medicine = (page.get_by_label("Medicine").get_attribute("list"),
                page.get_by_label("Highest daily dose").is_visible())
    page.get_by_label("Kind").select_option("psychotherapy")
    therapy = (page.get_by_label("Type of therapy").get_attribute("list"),
               page.locator("#id_max_daily_dose").is_visible(), page.get_by_label("Weeks").is_visible())
    suggestions = page.eval_on_selector_all("#therapy-types option", "options => options.map(o => o.value)")

    assert medicine == ("medicine-catalogue", True)
    assert therapy == ("therapy-types", False, True)
    assert suggestions[0] == "Cognitive behavioural therapy (CBT)" and "EMDR" in suggestions

"""No value hides and nothing scrolls sideways (issue 12 points 1 and 2): at a phone's 390 px every
patient page fits the window, and on the chart a 200-character word, a 60-character email and long
phone numbers stay inside their cards. Screenshots of the banner and the chart at the three sizes go
to var/screenshots/ for a person to look at."""

import datetime as dt

import pytest
from playwright.sync_api import Page

from clinic.accounts.tests.factories import PASSWORD
from clinic.patients import actions
from clinic.patients.tests.factories import PatientFactory
from clinic.rules.safety_history import SAFETY_LABELS
from tests.browser.conftest import SCREENSHOTS

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SIZES = {"tablet": {"width": 1024, "height": 768}, "phone": PHONE, "desk": {"width": 1366, "height": 900}}
LONG_WORD = "Quillfeatherstonehaugh" * 9 + "ab"  # 200 characters, no place to break
LONG_EMAIL = "marisol.quenby-abernathy-featherstone@" + "northwest-clinic.example"[:22]


@pytest.fixture
def password_only(settings):
    settings.REQUIRE_SECOND_FACTOR = False


@pytest.fixture
def long_patient(main_site, nurse, now):
    """A patient whose address and escort's name hold a 200-character word, with a 60-character email,
    an allergy, and a safety history with a hard stop, a caution and information."""
    assert (len(LONG_WORD), len(LONG_EMAIL)) == (200, 60)
    patient = PatientFactory(
        site=main_site, given_name="Marisol", family_name="Quenby-Abernathy", preferred_name="Mari",
        email=LONG_EMAIL, phone="+1 (555) 014-2277 ext. 3301", address=f"12 {LONG_WORD} Road\nSpringfield",
        emergency_contact_name="Dolores Quenby-Abernathy", emergency_contact_relationship="mother",
        emergency_contact_phone="+1 (555) 019-8844 ext. 12", escort_name=LONG_WORD,
        escort_phone="+1 (555) 017-3300 ext. 4410")
    today = dt.date(2026, 11, 2)
    for kind, values in (
        ("indication", {"code": "TRD_UNIPOLAR", "icd10_code": "F33.2", "is_primary": True, "noted_on": today}),
        ("medication", {"name": "Sertraline", "drug_class": "ssri", "dose_text": "100 mg daily"}),
        ("allergy", {"substance": "Penicillin", "reaction": "Rash", "severity": "moderate"}),
        ("measurement", {"measured_on": today, "weight_kg": 72, "height_cm": 168, "systolic_mmhg": 152,
                         "diastolic_mmhg": 94, "heart_rate_bpm": 88}),
        ("treatment_trial", {"kind": "medication", "name": "Escitalopram", "drug_class": "ssri",
                             "outcome": "no_response"}),
    ):
        actions.add_intake_item(actor=nurse, now=now, patient=patient, kind=kind, values=values)
    answers = {name: False for name in SAFETY_LABELS} | {
        "psychosis_current": True, "substance_use_disorder_past": True, "could_become_pregnant": True}
    actions.save_safety_history(actor=nurse, now=now, patient=patient, answers=answers)
    return patient


def sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/patients/")


def sideways_scroll(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


# Each value's box against its card's box, and whether the card itself scrolls sideways.
HIDDEN_VALUES = """() => {
    const hidden = [];
    for (const value of document.querySelectorAll(".card .value, .banner-facts li, .banner-name, .banner .flag")) {
        const card = value.closest(".card, .banner");
        const box = value.getBoundingClientRect(), outer = card.getBoundingClientRect();
        const inside = box.left >= outer.left - 0.5 && box.right <= outer.right + 0.5
            && box.top >= outer.top - 0.5 && box.bottom <= outer.bottom + 0.5;
        if (!inside || card.scrollWidth !== card.clientWidth || value.scrollWidth > value.clientWidth + 1)
            hidden.push(value.textContent.trim().slice(0, 60));
    }
    return hidden;
}"""


def patient_pages(patient_id: int) -> dict[str, str]:
    intake = f"/patients/{patient_id}/intake"
    return {
        "chart": f"/patients/{patient_id}/",
        "intake": f"{intake}/",
        "safety history": f"{intake}/safety/",
        "add allergy": f"{intake}/allergy/new/",
        "add measurement": f"{intake}/measurement/new/",
        "add prior treatment": f"{intake}/treatment_trial/new/",
        "add indication": f"{intake}/indication/new/",
        "upload": f"/patients/{patient_id}/documents/new/",
        "history": f"/patients/{patient_id}/history/",
        "edit": f"/patients/{patient_id}/edit/",
        "register": "/patients/new/",
        "list": "/patients/",
    }


def test_no_patient_page_scrolls_sideways_on_a_phone(page, live_server, password_only, nurse, long_patient):
    sign_in(page, live_server.url, nurse.username)
    page.set_viewport_size(PHONE)
    widths = {}

    for name, url in patient_pages(long_patient.pk).items():
        response = page.goto(live_server.url + url)
        assert response.status == 200, (name, response.status)
        widths[name] = sideways_scroll(page)

    assert widths == {name: 0 for name in widths}


@pytest.mark.parametrize("size", SIZES)
def test_every_chart_value_stays_inside_its_card(size, page, live_server, password_only, nurse, long_patient):
    sign_in(page, live_server.url, nurse.username)
    page.set_viewport_size(SIZES[size])

    page.goto(f"{live_server.url}/patients/{long_patient.pk}/")

    assert page.evaluate(HIDDEN_VALUES) == []
    assert sideways_scroll(page) == 0
    assert [page.get_by_test_id(testid).inner_text() for testid in ("emergency-phone", "escort-phone")] == [
        "+1 (555) 019-8844 ext. 12", "+1 (555) 017-3300 ext. 4410"]
    width = SIZES[size]["width"]
    cards = page.evaluate("[...document.querySelectorAll('.grid > .card')]"
                          ".map(card => card.getBoundingClientRect().left)")
    # On a phone the cards stack in one column; wider screens put them side by side.
    assert (len(set(round(left) for left in cards)) == 1) is (width < 600)
    page.locator(".banner").screenshot(path=str(SCREENSHOTS / f"layout-banner-{size}.png"))
    page.screenshot(path=str(SCREENSHOTS / f"layout-chart-{size}.png"), full_page=True)


def test_the_banner_keeps_flags_apart_by_kind_on_a_phone(page, live_server, password_only, nurse, long_patient):
    sign_in(page, live_server.url, nurse.username)
    page.set_viewport_size(PHONE)

    page.goto(f"{live_server.url}/patients/{long_patient.pk}/intake/")

    styles = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('.banner .flag[data-code]')]
        .map(flag => [flag.dataset.code, getComputedStyle(flag).backgroundColor]))""")
    assert styles["HS_PSYCHOSIS_ACTIVE"] == "rgb(164, 38, 44)"
    assert styles["CA_SUD_HISTORY"] != styles["HS_PSYCHOSIS_ACTIVE"]
    assert styles["IN_PREGNANCY_TEST"] not in {styles["HS_PSYCHOSIS_ACTIVE"], styles["CA_SUD_HISTORY"]}
    assert page.evaluate(HIDDEN_VALUES) == []
    assert sideways_scroll(page) == 0


def test_the_top_navigation_wraps_on_a_phone(page, live_server, password_only, director, other_site, long_patient):
    """The director has the most links in the top navigation, and a second site to switch to."""
    other_site.name = "North Valley Ketamine and Interventional Psychiatry Centre"
    other_site.save()
    director.sites.add(other_site)
    sign_in(page, live_server.url, director.username)
    page.set_viewport_size(PHONE)

    page.goto(f"{live_server.url}/patients/{long_patient.pk}/")

    header = page.evaluate("(() => { const top = document.querySelector('header.top');"
                           " return [top.scrollWidth, top.clientWidth]; })()")
    assert header[0] == header[1]
    assert sideways_scroll(page) == 0
    page.screenshot(path=str(SCREENSHOTS / "layout-header-phone.png"))


def test_the_check_sees_a_value_cut_off_by_its_card(page):
    """The value check is live: a word wider than its card, clipped by it, is reported."""
    page.set_content('<!doctype html><html lang="en"><head><title>t</title></head><body>'
                     '<section class="card" style="width: 200px; overflow: hidden">'
                     f'<span class="value" style="white-space: nowrap">{LONG_WORD}</span></section>'
                     '<section class="card" style="width: 200px"><span class="value">fits</span></section>'
                     '</body></html>')

    assert page.evaluate(HIDDEN_VALUES) == [LONG_WORD[:60]]

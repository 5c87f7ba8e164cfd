"""The patient list in a real browser at tablet and phone size: results follow typing without a page
load, a click anywhere on a row opens the chart, and the keyboard still reaches one link a row."""

import datetime as dt
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from clinic.accounts.tests.factories import PASSWORD
from clinic.audit.models import AuditEvent
from clinic.patients import actions

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[3] / "var" / "screenshots"


@pytest.fixture
def password_only(settings):
    settings.REQUIRE_SECOND_FACTOR = False


@pytest.fixture
def patients(nurse, main_site, now):
    return {family_name: actions.register_patient(
        actor=nurse, now=now, site=main_site, given_name=given_name, family_name=family_name,
        birth_date=dt.date(1984, 6, 2), sex="female", phone=phone)
        for given_name, family_name, phone in (("Mara", "Quenby", "555-0142"), ("Zoë", "Ñúñez-Øster", "555-0177"),
                                               ("Tom", "Marlow", "555-0190"))}


def sign_in(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/login/?next=/patients/")
    page.fill("input[name=username]", "nurse")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/patients/")


def result_names(page: Page) -> list[str]:
    return page.locator("#patient-results tbody tr[data-row-link] a").all_inner_texts()


def test_results_follow_typing_and_a_click_on_the_row_opens_the_chart(page: Page, live_server, password_only,
                                                                       patients):
    page.set_viewport_size({"width": 1024, "height": 768})  # a chair-side tablet
    sign_in(page, live_server.url)
    page.evaluate("window.notReloaded = true")
    search = page.get_by_role("searchbox")

    search.press_sequentially("qeunby", delay=40)
    expect(page.get_by_text("1 patient matching “qeunby”")).to_be_visible()
    typed_names = result_names(page)
    search.fill("")
    search.press_sequentially("zoe nunez", delay=40)
    expect(page.get_by_text("1 patient matching “zoe nunez”")).to_be_visible()
    accented_names = result_names(page)
    search.fill("(555) 014-2")
    expect(page.get_by_text("1 patient matching “(555) 014-2”")).to_be_visible()
    phone_names = result_names(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "patient-search-tablet.png"), full_page=True)

    assert (typed_names, accented_names, phone_names) == (["Quenby, Mara"], ["Ñúñez-Øster, Zoë"], ["Quenby, Mara"])
    assert page.evaluate("window.notReloaded") is True  # the results came without a page load
    assert parse_qs(urlsplit(page.url).query) == {"q": ["(555) 014-2"]}  # reload or back keeps the search
    assert search.evaluate("element => element === document.activeElement")
    # Each answer wrote one event; typing fast writes fewer than one a key.
    queries = list(AuditEvent.objects.filter(action="patients.list_viewed").order_by("seq")
                   .values_list("data__query", flat=True))
    assert queries[0] == "" and queries[-1] == "(555) 014-2"
    assert len(queries) < 1 + len("qeunby") + len("zoe nunez") + 1, queries

    page.locator("#patient-results tbody tr", has_text="Quenby").get_by_text(
        patients["Quenby"].mrn).click()  # the MRN cell, not the link

    page.wait_for_url(f"**/patients/{patients['Quenby'].pk}/")


def test_the_keyboard_reaches_one_link_a_row_and_opens_it_with_enter(page: Page, live_server, password_only,
                                                                     patients):
    page.set_viewport_size({"width": 1024, "height": 768})
    sign_in(page, live_server.url)

    stops = []
    page.get_by_role("searchbox").focus()
    for _ in range(4):  # the Search button, then one stop a row
        page.keyboard.press("Tab")
        stops.append(page.evaluate("document.activeElement.textContent.trim()"))
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")

    assert stops == ["Search", "Marlow, Tom", "Quenby, Mara", "Ñúñez-Øster, Zoë"]
    page.wait_for_url(f"**/patients/{patients['Quenby'].pk}/")


def test_on_a_phone_nothing_scrolls_sideways_and_a_tap_on_the_row_opens_the_chart(page: Page, live_server,
                                                                                  password_only, patients):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url)
    page.get_by_role("searchbox").fill("marlow")
    expect(page.get_by_text("1 patient matching “marlow”")).to_be_visible()
    page.screenshot(path=str(SHOTS / "patient-search-phone.png"), full_page=True)

    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    page.locator("#patient-results tbody tr", has_text="Marlow").get_by_text("2 Jun 1984").click()

    assert overflow == 0
    page.wait_for_url(f"**/patients/{patients['Marlow'].pk}/")

"""Every page, for every role, at a chair-side tablet's size: axe-core finds no serious or critical
violation, and at a phone's width nothing scrolls sideways (design §5, pages for people).

axe-core comes from the axe-playwright-python package, which bundles it; the walk fails on a page
it does not know, so a new page joins it or says why it is not a page."""

import datetime as dt
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.accounts.tests.factories import PASSWORD
from clinic.patients import actions
from clinic.patients.models import Document, ReferringClinician
from clinic.patients.tests.factories import PatientFactory
from clinic.sites.models import Chair
from tests.test_route_audit import all_routes

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TABLET = {"width": 1024, "height": 768}
PHONE = {"width": 390, "height": 844}
BLOCKING_IMPACTS = {"serious", "critical"}

# Routes that are not pages, with the reason.
NOT_PAGES = {
    "healthz": "JSON health check",
    "accounts:home": "redirect to the patient list",
    "accounts:logout": "POST only",
    "accounts:working_site": "POST only",
    "accounts:token_revoke": "POST only",
    "accounts:staff_deactivate": "POST only",
    "accounts:staff_reactivate": "POST only",
    "accounts:staff_reset_second_factor": "POST only",
    "accounts:staff_send_password_link": "POST only",
    "accounts:staff_unlock": "POST only",
    "accounts:verify": "walked in test_second_factor_pages_pass_axe (needs a sign-in half done)",
    "accounts:enrol": "walked in test_second_factor_pages_pass_axe (needs a sign-in half done)",
    "patients:intake_remove": "POST only",
    "patients:record_nkda": "POST only",
    "patients:document": "the stored file itself",
    "sites:closed_date_add": "POST only",
    "sites:chair_add": "POST only",
    "sites:closed_date_remove": "POST only",
    "sites:chair_deactivate": "POST only",
    "sites:chair_reactivate": "POST only",
}
SIGNED_OUT_PAGES = {"accounts:login", "accounts:password_reset", "accounts:password_reset_done",
                    "accounts:password_reset_confirm", "accounts:password_reset_complete"}
INTAKE_KINDS = ("indication", "other_diagnosis", "medication", "allergy", "measurement", "treatment_trial", "result")


@pytest.fixture
def password_only(settings):
    settings.REQUIRE_SECOND_FACTOR = False


@pytest.fixture
def records(main_site, nurse, now, settings, tmp_path) -> dict[str, Any]:
    """One record of every kind a page is about, and the URL arguments that reach them."""
    settings.MEDIA_ROOT = tmp_path
    patient = PatientFactory(site=main_site, given_name="Marisol", family_name="Quenby", phone="555-0142")
    today = dt.date(2026, 11, 2)
    entries = {
        "indication": {"code": "TRD_UNIPOLAR", "icd10_code": "F33.2", "is_primary": True, "noted_on": today},
        "other_diagnosis": {"icd10_code": "F43.10", "status": "current", "noted_on": today},
        "medication": {"name": "Sertraline", "drug_class": "ssri", "dose_text": "100 mg daily"},
        "allergy": {"substance": "Penicillin", "reaction": "Rash", "severity": "moderate"},
        "measurement": {"measured_on": today, "weight_kg": 72, "height_cm": 168},
        "treatment_trial": {"kind": "medication", "name": "Escitalopram", "drug_class": "ssri",
                            "outcome": "no_response"},
        "result": {"kind": "ecg", "taken_on": today, "outcome": "negative"},
    }
    items = {kind: actions.add_intake_item(actor=nurse, now=now, patient=patient, kind=kind, values=values).pk
             for kind, values in entries.items()}
    document = Document.objects.create(
        patient=patient, kind="referral_letter", document_date=today, title="Referral",
        original_name="referral.pdf", content_type="application/pdf", size_bytes=8, storage_key="k" * 32,
        file=SimpleUploadedFile("k" * 32, b"%PDF-1.4"), uploaded_by=nurse, uploaded_at=now)
    referrer = ReferringClinician.objects.create(organisation=main_site.organisation, name="Dr Hale")
    chair = Chair.objects.create(site=main_site, name="Chair 1")
    return {"patient_id": patient.pk, "items": items, "document_id": document.pk, "referrer_id": referrer.pk,
            "site_id": main_site.pk, "chair_id": chair.pk, "member_id": nurse.pk, "token_id": 0,
            "uidb64": urlsafe_base64_encode(force_bytes(nurse.pk)), "token": default_token_generator.make_token(nurse)}


def page_urls(records: dict[str, Any]) -> dict[str, str]:
    """Every page's URL, one per intake kind for the intake entry pages."""
    urls = {}
    for name, route in all_routes().items():
        if name in NOT_PAGES or name.startswith("api"):
            continue
        if name in {"patients:intake_add", "patients:intake_edit"}:
            for kind in INTAKE_KINDS:
                kwargs = {"patient_id": records["patient_id"], "kind": kind}
                if name == "patients:intake_edit":
                    kwargs["item_id"] = records["items"][kind]
                urls[f"{name}:{kind}"] = reverse(name, kwargs=kwargs)
            continue
        wanted = [part.split(":")[-1].strip("<>") for part in route.split("/") if part.startswith("<")]
        urls[name] = reverse(name, kwargs={key: records[key] for key in wanted})
    return urls


def blocking_violations(page) -> list[str]:
    results = Axe().run(page, options={"resultTypes": ["violations"]})
    return [f"{violation['id']} ({violation['impact']}): {violation['help']} — "
            f"{[node['target'] for node in violation['nodes']][:3]}"
            for violation in results.response["violations"] if violation["impact"] in BLOCKING_IMPACTS]


def sideways_scroll(page) -> int:
    """How many pixels the page is wider than the window (0 when nothing scrolls sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def sign_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/patients/")


def walk(page, base_url: str, urls: dict[str, str]) -> tuple[dict[str, list[str]], dict[str, int], list[str]]:
    """Each page's blocking axe violations at tablet size and its sideways scroll at phone width,
    and the pages this user may open."""
    found, scrolls, opened = {}, {}, []
    for name, url in urls.items():
        page.set_viewport_size(TABLET)
        response = page.goto(base_url + url)
        if response.status in {403, 404} or ("/login/" in page.url and name not in SIGNED_OUT_PAGES):
            continue
        assert response.status == 200, (name, response.status)
        opened.append(name)
        found[name] = blocking_violations(page)
        page.set_viewport_size(PHONE)
        scrolls[name] = sideways_scroll(page)
    return ({name: problems for name, problems in found.items() if problems},
            {name: pixels for name, pixels in scrolls.items() if pixels > 0}, opened)


@pytest.mark.parametrize("role", ["director", "prescriber", "nurse", "front_desk"])
def test_every_page_of_every_role_passes_axe_and_fits_a_phone(role, request, page, live_server, password_only,
                                                              records):
    user = request.getfixturevalue(role)
    sign_in(page, live_server.url, user.username)
    urls = {name: url for name, url in page_urls(records).items() if name not in SIGNED_OUT_PAGES}

    violations, scrolls, opened = walk(page, live_server.url, urls)

    assert violations == {}
    assert scrolls == {}
    clinical = {"patients:intake", "patients:history", "patients:intake_add:allergy"}
    assert ("patients:chart" in opened, clinical <= set(opened)) == (True, role != "front_desk")
    assert ("audit:search" in opened) == (role == "director")


def test_signed_out_pages_pass_axe_and_fit_a_phone(page, live_server, records):
    urls = {name: url for name, url in page_urls(records).items() if name in SIGNED_OUT_PAGES}

    violations, scrolls, opened = walk(page, live_server.url, urls)

    assert (violations, scrolls) == ({}, {})
    assert sorted(opened) == sorted(SIGNED_OUT_PAGES)


def test_second_factor_pages_pass_axe(page, live_server, director, nurse, settings):
    settings.REQUIRE_SECOND_FACTOR = True
    TOTPDevice.objects.create(user=director, name="phone", confirmed=True)
    problems = {}

    for user, step in ((director, "verify"), (nurse, "enrol")):
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"**{reverse(f'accounts:{step}')}*")
        page.set_viewport_size(TABLET)
        problems[step] = blocking_violations(page)
        page.set_viewport_size(PHONE)
        problems[f"{step} sideways px"] = sideways_scroll(page)

    assert problems == {"verify": [], "verify sideways px": 0, "enrol": [], "enrol sideways px": 0}


def test_every_route_left_out_of_the_walk_exists_and_says_why():
    stale = set(NOT_PAGES) - set(all_routes())

    assert stale == set()
    assert all(reason for reason in NOT_PAGES.values())


def test_the_check_sees_a_serious_violation(page):
    """The walk's check is live: an image without a text alternative and a button without a name are
    reported."""
    page.set_content('<!doctype html><html lang="en"><head><title>t</title></head><body><main>'
                     '<img src="x.png"><button type="button"></button></main></body></html>')

    found = blocking_violations(page)

    assert [problem.split(" ")[0] for problem in found] == ["button-name", "image-alt"]


def contrast(first: str, second: str) -> float:
    """WCAG 2.2 contrast ratio of two CSS rgb() colours."""
    def luminance(css: str) -> float:
        channels = [int(part) / 255 for part in css[css.index("(") + 1:css.index(")")].split(",")[:3]]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_focus_ring_and_field_borders_stand_out_3_to_1(page, live_server, password_only, nurse, records):
    sign_in(page, live_server.url, nurse.username)
    page.goto(f"{live_server.url}/patients/{records['patient_id']}/edit/")
    page.focus("#id_given_name")

    colours = page.evaluate("""() => {
        const field = document.querySelector("#id_given_name");
        const style = getComputedStyle(field);
        const card = getComputedStyle(field.closest(".card"));
        return {ring: style.outlineColor, ringWidth: style.outlineWidth, border: style.borderTopColor,
                field: style.backgroundColor, card: card.backgroundColor,
                page: getComputedStyle(document.body).backgroundColor};
    }""")

    assert colours["ringWidth"] == "3px"
    assert min(contrast(colours["ring"], colours["card"]), contrast(colours["ring"], colours["page"])) >= 3
    assert min(contrast(colours["border"], colours["field"]), contrast(colours["border"], colours["card"])) >= 3


def test_the_skip_link_is_the_first_tab_stop_and_lands_in_main(page, live_server, password_only, nurse, records):
    sign_in(page, live_server.url, nurse.username)
    page.goto(f"{live_server.url}/patients/{records['patient_id']}/intake/")

    page.keyboard.press("Tab")
    first = page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")

    assert first == "Skip to main content"
    assert page.evaluate("document.activeElement.id") == "main"


def test_a_table_wider_than_the_screen_is_reached_by_keyboard(page, live_server, password_only, nurse):
    sign_in(page, live_server.url, nurse.username)
    page.set_viewport_size(PHONE)
    page.evaluate("""() => {
        const section = document.createElement("section");
        section.innerHTML = '<h2>Readings</h2><div class="table-wrap" id="wide"><table><tbody><tr>'
            + '<td><div>wide</div></td></tr></tbody></table></div>';
        section.querySelector("div div").style.width = "1200px";  // the CSP refuses style attributes
        document.querySelector("main").prepend(section);
        window.dispatchEvent(new Event("resize"));
    }""")

    wide = page.evaluate("""() => { const wrap = document.querySelector("#wide");
        return [wrap.tabIndex, wrap.getAttribute("role"), wrap.getAttribute("aria-label")]; }""")
    narrow = page.evaluate("""() => [...document.querySelectorAll(".table-wrap:not(#wide)")]
        .filter((wrap) => wrap.scrollWidth <= wrap.clientWidth).map((wrap) => wrap.getAttribute("tabindex"))""")
    page.focus("#wide")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")

    assert wide == [0, "region", "Readings"]
    assert set(narrow) <= {None}
    # The arrow keys scroll the focused table; Chrome animates it, so wait for the move.
    page.wait_for_function("document.querySelector('#wide').scrollLeft > 0", timeout=3000)

"""Every page, for every role, at a chair-side tablet's size: axe-core finds no serious or critical
violation, and at a phone's width nothing scrolls sideways (design §5, pages for people).

axe-core comes from the axe-playwright-python package, which bundles it; the walk fails on a page
it does not know, so a new page joins it or says why it is not a page."""

import contextlib
import datetime as dt
import functools
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.accounts.models import PRESCRIBING_ROLES
from clinic.accounts.tests.factories import PASSWORD
from clinic.consents.tests.factories import signed_consent
from clinic.letters.actions import produce_letters
from clinic.letters.content import LetterFacts
from clinic.patients import actions
from clinic.patients.models import Document, ReferringClinician
from clinic.patients.tests.factories import PatientFactory
from clinic.questionnaires import actions as questionnaire_actions
from clinic.questionnaires.models import Alert, Mode
from clinic.questionnaires.tests.factories import CSSRS_HIGH, PHQ9_ITEM_9_POSITIVE
from clinic.referrals.tests.factories import ReferralFactory
from clinic.rules import protocols as protocol_catalogue
from clinic.rules import scales
from clinic.rules.errors import DomainError
from clinic.screening import actions as screening_actions
from clinic.sites.models import Chair
from tests.test_route_audit import all_routes

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TABLET = {"width": 1024, "height": 768}
PHONE = {"width": 390, "height": 844}
BLOCKING_IMPACTS = {"serious", "critical"}

PATIENT_WALK = "test_a_patients_pages_from_a_link_pass_axe_and_fit_a_phone"
TABLET_WALK = "test_the_tablet_pages_pass_axe_and_fit_a_phone"
# Routes that are not pages, or not pages for a signed-in staff member, with the reason.
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
    "questionnaires:request": "POST only",
    "questionnaires:withdraw": "POST only",
    "patient:send_link": "POST only",
    "patient:new_link": "POST only; the page it answers with is walked in " + PATIENT_WALK,
    "patient:sign_out": "POST only; the page it answers with is walked in " + PATIENT_WALK,
    "patient:link": "walked in " + PATIENT_WALK + " (a patient's link)",
    "patient:home": "walked in " + PATIENT_WALK + " (needs a patient signed in from a link)",
    "patient:answer": "walked in " + PATIENT_WALK + " (needs a patient signed in from a link)",
    "patient:crisis": "walked in " + PATIENT_WALK + " (needs a patient signed in from a link)",
    "patient:done": "walked in " + PATIENT_WALK + " (it ends the browser's session)",
    "tablet:start": "POST only",
    "tablet:give_back": "POST only; the page it answers with is walked in " + TABLET_WALK,
    "tablet:home": "walked in " + TABLET_WALK + " (needs the tablet handed to a patient)",
    "tablet:answer": "walked in " + TABLET_WALK + " (needs the tablet handed to a patient)",
    "tablet:crisis": "walked in " + TABLET_WALK + " (needs the tablet handed to a patient)",
    "referrals:change_status": "POST only; a refused change answers with the referral's page",
    "referrals:letter": "the stored file itself",
    "letters:print": "the letter's PDF itself",
    "letters:send": "POST only; answers with the Letters tab",
    "screening:screen": "POST only; answers with the Screening tab",
    "courses:open": "POST only; a refused opening answers with the Course tab",
    "courses:change_phase": "POST only; a refused change answers with the Course tab",
    "courses:stop_letters": "POST only; a refusal answers with the Course tab",
    "consents:withdraw": "POST only; a refused withdrawal answers with the consent's page",
    "patient_consent:consent": "walked in " + PATIENT_WALK + " (needs a patient signed in from a link)",
}
SIGNED_OUT_PAGES = {"accounts:login", "accounts:password_reset", "accounts:password_reset_done",
                    "accounts:password_reset_confirm", "accounts:password_reset_complete"}
INTAKE_KINDS = ("indication", "other_diagnosis", "medication", "allergy", "measurement", "treatment_trial", "result")


@pytest.fixture
def password_only(settings):
    settings.REQUIRE_SECOND_FACTOR = False


@pytest.fixture
def records(main_site, nurse, prescriber, now, settings, tmp_path) -> dict[str, Any]:
    """One record of every kind a page is about, and the URL arguments that reach them."""
    settings.MEDIA_ROOT = tmp_path
    patient = PatientFactory(site=main_site, prescriber=prescriber, given_name="Marisol", family_name="Quenby",
                             phone="555-0142")
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
    [due] = questionnaire_actions.request_questionnaires(patient=patient, instruments=["gad7"], actor=nurse, now=now)
    response = questionnaire_actions.submit_response(patient=patient, instrument="phq9", answers=PHQ9_ITEM_9_POSITIVE,
                                                     actor=nurse, now=now, mode=Mode.PAPER)
    alert = Alert.objects.get(response=response, status="open")
    produce_letters(actor=prescriber, now=now, patient=patient, reason="eligibility_outcome", source=patient,
                    facts=LetterFacts(outcome="eligible_with_conditions", summary="Proceed after review.",
                                      conditions=("CA_HTN — proceed with blood pressure every 15 minutes",),
                                      signed_by=prescriber, signed_at=now))
    consent = signed_consent(patient=patient, actor=nurse, now=now)
    run = screening_actions.screen_patient(patient=patient, actor=nurse, now=now, trigger="manual")
    decision = screening_actions.sign_decision(actor=prescriber, now=now, patient=patient, screening_run=run,
                                               outcome="not_eligible", summary="Intake to complete first.",
                                               caution_decisions={})
    screening_actions.add_addendum(actor=prescriber, now=now, decision=decision, text="Referrer told.")
    referral = ReferralFactory(site=main_site, created_by=nurse, given_name="Tobias", family_name="Renwick",
                               referring_clinician=referrer, source="clinician")
    return {"patient_id": patient.pk, "referral_id": referral.pk,
            "items": items, "document_id": document.pk, "referrer_id": referrer.pk,
            "site_id": main_site.pk, "chair_id": chair.pk, "member_id": nurse.pk, "token_id": 0,
            "uidb64": urlsafe_base64_encode(force_bytes(nurse.pk)), "token": default_token_generator.make_token(nurse),
            "request_id": due.pk, "alert_id": alert.pk, "response_id": response.pk, "version": 1,
            "number": run.number, "decision_id": decision.pk, "consent_id": consent.pk}


def page_urls(records: dict[str, Any]) -> dict[str, str]:
    """Every page's URL, one per intake kind for the intake entry pages and one per scale for the
    questionnaire entry page."""
    urls = {}
    for name, route in all_routes().items():
        if name in NOT_PAGES or name.startswith("api"):
            continue
        if name == "questionnaires:entry":
            for code in scales.INSTRUMENTS:
                urls[f"{name}:{code}"] = reverse(name, kwargs={"patient_id": records["patient_id"], "instrument": code})
            continue
        if name == "protocols:edit":
            for section in protocol_catalogue.SECTIONS:
                urls[f"{name}:{section.key}"] = reverse(name, kwargs={"site_id": records["site_id"],
                                                                      "section": section.key})
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
    urls["alerts:inbox:mine"] = reverse("alerts:inbox") + "?mine=on"
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
    clinical = {"patients:intake", "patients:history", "patients:intake_add:allergy", "questionnaires:entry:midas",
                "alerts:inbox", "alerts:inbox:mine", "letters:tab", "courses:tab", "consents:tab",
                "consents:sign", "consents:detail"}
    assert ("patients:chart" in opened, clinical <= set(opened)) == (True, role != "front_desk")
    assert ("questionnaires:tab" in opened, "alerts:acknowledge" in opened) == (True, role in PRESCRIBING_ROLES)
    assert ("audit:search" in opened, "alerts:site_settings" in opened) == (role == "director",) * 2
    assert {"referrals:queue", "referrals:add", "referrals:detail", "referrals:register"} <= set(opened)


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


# The patient's own pages and tablet mode: every page at a phone's size and at a tablet's.

PATIENT_SCALES = [code for code in scales.INSTRUMENTS
                  if not questionnaire_actions.clinician_rated(scales.instrument(code))]


@pytest.fixture
def answering_patient(main_site, prescriber, nurse):
    """A patient with every scale a patient answers due, and two answers of theirs that raised a suicide
    alert: a PHQ-9 with item 9 positive and a high-risk C-SSRS screener."""
    now = timezone.now()
    patient = PatientFactory(site=main_site, prescriber=prescriber, given_name="Ines", family_name="Marlow",
                             birth_date=dt.date(1980, 4, 9), email="ines.marlow@example.org")
    answered = {code: questionnaire_actions.submit_response(
        patient=patient, instrument=code, answers=answers, actor=questionnaire_actions.PatientActor(patient),
        now=now, mode=Mode.REMOTE)
        for code, answers in (("phq9", PHQ9_ITEM_9_POSITIVE), ("cssrs_screener", CSSRS_HIGH))}
    questionnaire_actions.request_questionnaires(patient=patient, instruments=PATIENT_SCALES, actor=nurse, now=now)
    signed_consent(patient=patient, actor=nurse, now=now)
    return patient, {code: response.pk for code, response in answered.items()}


def check_at_both_sizes(page, name: str, problems: dict[str, list[str]]) -> None:
    """The page's blocking axe violations and its sideways scroll, at a phone's size and at a tablet's."""
    for size, viewport in (("phone", PHONE), ("tablet", TABLET)):
        page.set_viewport_size(viewport)
        pixels = sideways_scroll(page)
        found = blocking_violations(page) + ([f"scrolls {pixels} px sideways"] if pixels > 0 else [])
        if found:
            problems[f"{name} at {size}"] = found


def walk_answering_pages(page, base_url: str, namespace: str, crisis: dict[str, int],
                         problems: dict[str, list[str]]) -> dict[str, Any]:
    """The home page, the answer page of every due scale (and one sent empty, with its errors), and the
    crisis page after an item-9 PHQ-9 and after a high-risk C-SSRS screener; what each page showed."""
    seen = {}
    page.goto(f"{base_url}/{namespace}/")
    seen["due"] = page.locator("[data-testid=due-list] a").evaluate_all("links => links.map(l => l.dataset.instrument)")
    check_at_both_sizes(page, f"{namespace}:home", problems)
    for code in seen["due"]:
        response = page.goto(f"{base_url}/{namespace}/answer/{code}/")
        seen[code] = response.status
        check_at_both_sizes(page, f"{namespace}:answer:{code}", problems)
    page.goto(f"{base_url}/{namespace}/answer/phq9/")
    with page.expect_navigation():
        page.click("button[value=submit]")
    seen["errors"] = page.locator("[data-testid=answer-errors]").count()
    check_at_both_sizes(page, f"{namespace}:answer:phq9 sent empty", problems)
    for code, response_id in crisis.items():
        page.goto(f"{base_url}/{namespace}/crisis/{response_id}/")
        seen[f"crisis {code}"] = page.locator("[data-testid=crisis-text]").count()
        check_at_both_sizes(page, f"{namespace}:crisis:{code}", problems)
    return seen


def test_a_patients_pages_from_a_link_pass_axe_and_fit_a_phone(page, live_server, main_site, answering_patient):
    patient, crisis = answering_patient
    now, tokens = timezone.now(), {}
    issue = functools.partial(questionnaire_actions.issue_link, actor=None, channel="email")
    locked, tokens["locked"] = issue(patient=patient, now=now)
    for _attempt in range(5):
        with contextlib.suppress(DomainError):
            questionnaire_actions.sign_in_with_link(link=locked, birth_date=dt.date(1999, 1, 1), now=now)
    _expired, tokens["expired"] = issue(patient=patient, now=now)  # the next link expires it
    _open, token = issue(patient=patient, now=now)
    # Used up an hour ago, by a patient with nothing left due: a new link may be sent now.
    finished = PatientFactory(site=main_site, birth_date=dt.date(1975, 1, 2), email="finished@example.org")
    used, tokens["used"] = issue(patient=finished, now=now - dt.timedelta(hours=1))
    questionnaire_actions.sign_in_with_link(link=used, birth_date=finished.birth_date, now=now - dt.timedelta(hours=1))
    questionnaire_actions.finish_link_if_done(link=used, now=now - dt.timedelta(hours=1))
    problems, statuses = {}, {}

    for name, path in (("patient:home signed out", "/p/"), ("patient:done", "/p/done/"),
                       ("patient:link unknown", "/p/no-such-link/"),
                       *((f"patient:link {reason}", f"/p/{value}/") for reason, value in tokens.items())):
        statuses[name] = page.goto(live_server.url + path).status
        check_at_both_sizes(page, name, problems)
    page.click("text=Send me a new link")
    statuses["patient:new_link"] = page.locator("[data-testid=new-link-sent]").count()
    check_at_both_sizes(page, "patient:new_link", problems)
    page.goto(f"{live_server.url}/p/{tokens['used']}/")
    page.click("text=Send me a new link")
    statuses["patient:new_link again"] = page.locator(".form-errors").count()
    check_at_both_sizes(page, "patient:new_link again", problems)
    statuses["patient:link"] = page.goto(f"{live_server.url}/p/{token}/").status
    check_at_both_sizes(page, "patient:link", problems)
    page.select_option("select[name=month]", "4")
    page.fill("input[name=day]", "10")
    page.fill("input[name=year]", "1980")
    page.click("button[type=submit]")
    statuses["patient:link wrong date"] = page.locator("[data-testid=sign-in-error]").count()
    check_at_both_sizes(page, "patient:link wrong date", problems)
    page.fill("input[name=day]", "9")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/p/")
    seen = walk_answering_pages(page, live_server.url, "p", crisis, problems)
    page.goto(f"{live_server.url}/p/consent/")
    check_at_both_sizes(page, "patient_consent:consent", problems)
    page.goto(f"{live_server.url}/p/")
    page.click("text=Sign out")
    page.wait_for_url(f"{live_server.url}/p/sign-out/")
    check_at_both_sizes(page, "patient:sign_out", problems)

    assert problems == {}
    assert statuses == {"patient:home signed out": 403, "patient:done": 200, "patient:link unknown": 404,
                        "patient:link locked": 410, "patient:link expired": 410, "patient:link used": 410,
                        "patient:new_link": 1, "patient:new_link again": 1, "patient:link": 200,
                        "patient:link wrong date": 1}
    assert seen == {"due": PATIENT_SCALES, **dict.fromkeys(PATIENT_SCALES, 200), "errors": 1,
                    "crisis phq9": 1, "crisis cssrs_screener": 1}


def test_the_tablet_pages_pass_axe_and_fit_a_phone(page, live_server, password_only, nurse, answering_patient):
    patient, crisis = answering_patient
    problems = {}
    sign_in(page, live_server.url, nurse.username)
    page.goto(f"{live_server.url}/patients/{patient.pk}/questionnaires/")
    page.click("[data-testid=hand-tablet]")
    page.wait_for_url(f"{live_server.url}/tablet/")

    seen = walk_answering_pages(page, live_server.url, "tablet", crisis, problems)
    page.goto(f"{live_server.url}/tablet/")
    with page.expect_navigation():
        page.click("text=Give back to staff")
    given_back = page.locator("[data-testid=given-back]").count()
    check_at_both_sizes(page, "tablet:give_back", problems)

    assert problems == {}
    assert seen == {"due": PATIENT_SCALES, **dict.fromkeys(PATIENT_SCALES, 200), "errors": 1,
                    "crisis phq9": 1, "crisis cssrs_screener": 1}
    assert given_back == 1


def test_every_route_left_out_of_the_walk_exists_and_says_why():
    stale = set(NOT_PAGES) - set(all_routes())

    assert stale == set()
    assert all(reason for reason in NOT_PAGES.values())
    walked_in = {reason.split("walked in ")[1].split(" ")[0] for reason in NOT_PAGES.values() if "walked in " in reason}
    assert {name for name in walked_in if not callable(globals().get(name))} == set()


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
    # The arrow keys scroll the focused table; Chrome animates it, so wait for the move (polled from here:
    # the page's CSP refuses the string evaluation wait_for_function polls with).
    for _poll in range(30):
        if page.evaluate("document.querySelector('#wide').scrollLeft") > 0:
            break
        page.wait_for_timeout(100)
    assert page.evaluate("document.querySelector('#wide').scrollLeft") > 0

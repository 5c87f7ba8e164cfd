"""clinic.js in a real browser: drafts survive an idle timeout and come back to their own form, record
and user only, timers' requests are polls, irreversible buttons ask first, and a form answered with
errors opens on its error summary."""

import time

import pytest
from django.contrib.sessions.backends.db import SessionStore

from clinic.accounts.middleware import LAST_ACTIVITY_KEY
from clinic.accounts.models import ApiToken
from clinic.accounts.tests.factories import PASSWORD, StaffUserFactory
from clinic.accounts.tokens import issue_token
from clinic.patients.tests.factories import PatientFactory

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def password_only(settings):
    settings.REQUIRE_SECOND_FACTOR = False


def _sign_in(page):
    page.fill("input[name=username]", "director")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


def _idle_for_16_minutes(page):
    [cookie] = [c for c in page.context.cookies() if c["name"] == "sessionid"]
    session = SessionStore(session_key=cookie["value"])
    session[LAST_ACTIVITY_KEY] = time.time() - 16 * 60
    session.save()


def test_typed_text_survives_a_timeout_and_goes_once_saved(page, live_server, password_only,
                                                           director, main_site):
    edit_path = f"/sites/{main_site.pk}/edit/"
    page.goto(f"{live_server.url}/login/?next={edit_path}")
    _sign_in(page)
    page.wait_for_url(f"**{edit_path}")
    page.fill("#id_address", "12 Harbour Lane")
    _idle_for_16_minutes(page)

    page.click("form[data-keep-draft] button[type=submit]")
    page.wait_for_url("**/login/?*reason=idle")
    timed_out_text = page.text_content("main")
    _sign_in(page)
    page.wait_for_url(f"**{edit_path}")
    restored = page.input_value("#id_address")
    note = page.text_content(".draft-note")
    page.click("form[data-keep-draft] button[type=submit]")
    page.wait_for_url(f"**/sites/{main_site.pk}/")
    page.goto(live_server.url + edit_path)

    assert "signed out after a period without activity" in timed_out_text
    assert restored == "12 Harbour Lane"
    assert "What you typed earlier" in note
    assert page.input_value("#id_address") == "12 Harbour Lane"
    assert page.locator(".draft-note").count() == 0
    assert page.evaluate("Object.keys(sessionStorage).filter((k) => k.startsWith('draft:'))") == []
    main_site.refresh_from_db()
    assert main_site.address == "12 Harbour Lane"


def test_timer_requests_carry_the_poll_header_and_clicks_do_not(page, live_server, password_only,
                                                                director):
    page.goto(f"{live_server.url}/login/?next=/account/api-tokens/")
    _sign_in(page)
    page.wait_for_url("**/account/api-tokens/")
    page.evaluate("""() => {
        for (const [id, trigger] of [["timer", "every 200ms"], ["clicked", "click"]]) {
            const el = document.createElement("button");
            el.id = id; el.type = "button"; el.textContent = id;
            el.setAttribute("hx-get", "/account/api-tokens/?from=" + id);
            el.setAttribute("hx-trigger", trigger);
            el.setAttribute("hx-swap", "none");
            document.querySelector("main").append(el);
            htmx.process(el);
        }
    }""")

    with page.expect_request(lambda r: "from=timer" in r.url) as timer:
        pass
    with page.expect_request(lambda r: "from=clicked" in r.url) as clicked:
        page.click("#clicked")

    assert timer.value.headers.get("x-clinic-poll") == "1"
    assert "x-clinic-poll" not in clicked.value.headers


def test_revoking_a_token_asks_first(page, live_server, password_only, director, now):
    token, _ = issue_token(user=director, name="Spreadsheet", now=now)
    page.goto(f"{live_server.url}/login/?next=/account/api-tokens/")
    _sign_in(page)
    page.wait_for_url("**/account/api-tokens/")

    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("td form button[type=submit]")
    kept = ApiToken.objects.get(pk=token.pk).revoked_at
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("td form button[type=submit]")
    page.wait_for_selector(".messages")

    assert kept is None
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def _sign_in_as(page, username):
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


def test_a_new_registration_never_starts_with_an_entry_abandoned_earlier(page, live_server, password_only,
                                                                          director, main_site):
    page.goto(f"{live_server.url}/login/?next=/patients/new/")
    _sign_in(page)
    page.wait_for_url("**/patients/new/")
    page.fill("#id_given_name", "Abandoned")
    page.goto(f"{live_server.url}/patients/")
    page.goto(f"{live_server.url}/patients/new/")

    assert page.input_value("#id_given_name") == ""
    assert page.locator(".draft-note").count() == 0


def test_a_registration_sent_into_the_idle_timeout_comes_back_after_signing_in(page, live_server, password_only,
                                                                               director, main_site):
    page.goto(f"{live_server.url}/login/?next=/patients/new/")
    _sign_in(page)
    page.wait_for_url("**/patients/new/")
    page.fill("#id_given_name", "Marisol")
    _idle_for_16_minutes(page)

    page.click("form[data-keep-draft] button[type=submit]")
    page.wait_for_url("**/login/?*reason=idle")
    _sign_in(page)
    page.wait_for_url("**/patients/new/")

    assert page.input_value("#id_given_name") == "Marisol"
    assert "What you typed earlier" in page.text_content(".draft-note")


def test_a_draft_comes_back_to_the_user_who_typed_it_only(page, live_server, password_only, director, main_site):
    StaffUserFactory(username="director2", role="director", organisation=main_site.organisation, sites=[main_site])
    patient = PatientFactory(site=main_site, address="1 Old Road")
    edit_path = f"/patients/{patient.pk}/edit/"
    page.goto(f"{live_server.url}/login/?next={edit_path}")
    _sign_in(page)
    page.wait_for_url(f"**{edit_path}")
    page.fill("#id_address", "12 Harbour Lane")
    _idle_for_16_minutes(page)
    page.click("form[data-keep-draft] button[type=submit]")
    page.wait_for_url("**/login/?*reason=idle")

    _sign_in_as(page, "director2")
    page.wait_for_url(f"**{edit_path}")

    assert page.input_value("#id_address") == "1 Old Road"
    assert page.locator(".draft-note").count() == 0


def test_cancel_discards_the_draft(page, live_server, password_only, director, main_site):
    patient = PatientFactory(site=main_site, address="1 Old Road")
    edit_path = f"/patients/{patient.pk}/edit/"
    page.goto(f"{live_server.url}/login/?next={edit_path}")
    _sign_in(page)
    page.wait_for_url(f"**{edit_path}")
    page.fill("#id_address", "12 Harbour Lane")
    page.click("form[data-keep-draft] .actions a")
    page.wait_for_url(f"**/patients/{patient.pk}/")
    page.goto(live_server.url + edit_path)

    assert page.input_value("#id_address") == "1 Old Road"
    assert page.evaluate("Object.keys(sessionStorage).filter((k) => k.startsWith('draft:'))") == []


def test_a_form_answered_with_errors_opens_on_its_error_summary(page, live_server, password_only, director,
                                                                main_site):
    page.goto(f"{live_server.url}/login/?next=/patients/new/")
    _sign_in(page)
    page.wait_for_url("**/patients/new/")
    page.fill("#id_given_name", "Marisol")
    page.click("form[data-keep-draft] button[type=submit]")
    page.wait_for_selector("[data-error-summary]")

    focused = page.evaluate("document.activeElement.dataset.errorSummary !== undefined")
    summary = page.text_content("[data-error-summary]")
    page.keyboard.press("Tab")

    assert focused
    assert "Family name" in summary and "Birth date" in summary
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#id_family_name"
    assert page.input_value("#id_given_name") == "Marisol"

"""clinic.js in a real browser: drafts survive an idle timeout, timers' requests are polls, and
irreversible buttons ask first."""

import time

import pytest
from django.contrib.sessions.backends.db import SessionStore

from clinic.accounts.middleware import LAST_ACTIVITY_KEY
from clinic.accounts.models import ApiToken
from clinic.accounts.tests.factories import PASSWORD
from clinic.accounts.tokens import issue_token

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

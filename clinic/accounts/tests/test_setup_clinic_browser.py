"""A real clinic from an empty database to its first nurse signing in, in a browser, as the README's
"A real clinic" section walks it: setup_clinic with flags, the director's link, password and second
factor, then the director invites a nurse who signs in the same way. Production settings apart from
HTTPS=false, which lets the live server's plain-http cookies through."""

import io
import re
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from clinic.accounts.models import Role, StaffUser
from clinic.accounts.tests.otp import code_now
from clinic.audit.models import AuditEvent
from clinic.sites.models import Organisation

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[3] / "var" / "screenshots" / "setup-clinic"
DIRECTOR_PASSWORD = "harbour lantern violet 42"
NURSE_PASSWORD = "copper kettle morning 17"


@pytest.fixture
def shoot(page: Page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(target: Page, name: str) -> None:
        target.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return take


def set_up_clinic(base_url: str) -> str:
    """README step 3: the command with flags; its last line is the director's link."""
    out = io.StringIO()
    call_command("setup_clinic", "--organisation", "Lakeside Ketamine Clinic", "--site-name", "Lakeside Main",
                 "--site-code", "MAIN", "--time-zone", "America/Chicago", "--director-username", "dana",
                 "--director-email", "dana@lakeside.example.org", "--base-url", base_url, stdout=out)
    return out.getvalue().splitlines()[-1]


def first_sign_in(page: Page, shoot, *, link: str, username: str, password: str, who: str) -> None:
    """README steps 4–5: choose a password from the link, sign in, set up the authenticator app,
    keep the recovery codes, and land on the patient list."""
    page.goto(link)
    expect(page.get_by_role("heading", name="Choose a password")).to_be_visible()
    page.get_by_label(re.compile(r"^New password\W*$")).fill(password)
    page.get_by_label("New password confirmation").fill(password)
    shoot(page, f"{who}-1-choose-password")
    page.get_by_role("button", name="Save the password").click()
    expect(page.get_by_role("heading", name="Password saved")).to_be_visible()
    page.get_by_role("link", name="Sign in").click()

    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Set up your second factor")).to_be_visible()
    shoot(page, f"{who}-2-set-up-second-factor")
    # The code the authenticator app would show, from the key the page offers it.
    device = TOTPDevice.objects.get(user__username=username, confirmed=False)
    page.get_by_label("Code shown in your app").fill(code_now(device))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    shoot(page, f"{who}-3-recovery-codes")
    page.get_by_role("link", name="I have kept them — continue").click()
    expect(page.get_by_role("heading", name="Patients")).to_be_visible()
    shoot(page, f"{who}-4-signed-in")


def invite_nurse(page: Page, shoot) -> None:
    """README step 6: the director invites a nurse from the Staff page."""
    page.get_by_role("link", name="Staff", exact=True).click()
    page.get_by_role("link", name="Invite a colleague").click()
    page.get_by_label("Username").fill("noah")
    page.get_by_label("Given name").fill("Noah")
    page.get_by_label("Family name").fill("Castillo")
    page.get_by_label("Work email").fill("noah@lakeside.example.org")
    page.get_by_label("Role").select_option(label="Nurse")
    page.get_by_label("Credentials").fill("RN")
    page.get_by_label("Lakeside Main").check()
    shoot(page, "director-5-invite-nurse")
    page.get_by_role("button", name="Invite").click()
    expect(page.get_by_text("Invitation sent to noah@lakeside.example.org.")).to_be_visible()
    shoot(page, "director-6-nurse-invited")


def test_a_real_clinic_from_an_empty_database_to_its_first_nurse_signing_in(
        page: Page, browser, live_server, settings, shoot):
    assert (settings.DEMO_MODE, settings.REQUIRE_SECOND_FACTOR, settings.HTTPS) == (False, True, False)
    assert not Organisation.objects.exists()
    page.set_viewport_size({"width": 1024, "height": 768})

    page.goto(f"{live_server.url}/login/")
    hint = page.get_by_test_id("setup-hint")
    expect(hint).to_contain_text("This clinic is not set up yet")
    expect(hint).to_contain_text(".venv/bin/python manage.py setup_clinic")
    shoot(page, "0-sign-in-before-setup")

    director_link = set_up_clinic(live_server.url)
    first_sign_in(page, shoot, link=director_link, username="dana", password=DIRECTOR_PASSWORD,
                  who="director")
    invite_nurse(page, shoot)

    [invitation] = mail.outbox
    nurse_link = re.search(rf"^{re.escape(live_server.url)}/password-reset/\S+$", invitation.body, re.M)[0]
    nurse_page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()  # a phone
    nurse_page.goto(f"{live_server.url}/login/")
    expect(nurse_page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(nurse_page.get_by_test_id("setup-hint")).to_have_count(0)
    first_sign_in(nurse_page, shoot, link=nurse_link, username="noah", password=NURSE_PASSWORD, who="nurse")

    director, nurse = StaffUser.objects.get(username="dana"), StaffUser.objects.get(username="noah")
    assert (director.role, nurse.role, nurse.organisation_id) == (Role.DIRECTOR, Role.NURSE,
                                                                  director.organisation_id)
    assert [site.code for site in nurse.sites.all()] == ["MAIN"]
    assert all(TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1 for user in (director, nurse))
    logins = AuditEvent.objects.filter(action="accounts.login").order_by("seq")
    assert [(event.actor_label, event.data) for event in logins] == [
        ("dana", {"second_factor": "authenticator set up"}),
        ("noah", {"second_factor": "authenticator set up"})]

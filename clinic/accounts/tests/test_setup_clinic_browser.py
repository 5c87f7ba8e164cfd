"""A real clinic from an empty database to its first nurse signing in, in a browser, as the README's
"A real clinic" section walks it. The clinic runs in its own processes with production settings (the
serve target's commands: deploy check, migrate, collectstatic, the job worker and gunicorn), apart
from HTTPS=false, which lets the browser keep plain-http cookies. setup_clinic runs with flags in a
second shell; the director's link, password and second factor; the director invites a nurse, whose
link comes in the mail the clinic sent, and who signs in the same way on a phone. The test reads the
clinic's database file only at the end, read-only, to check what the clinic stored."""

import base64
import re
from pathlib import Path

import pytest
from django_otp.oath import totp
from playwright.sync_api import Page, expect

from clinic.accounts.models import Role
from clinic.accounts.tests.served_clinic import REPO, ServedClinic, json_rows, readme_settings, served_clinic

pytestmark = [pytest.mark.slow, pytest.mark.browser]

SCREENSHOTS = REPO / "var" / "screenshots" / "setup-clinic"
DIRECTOR_PASSWORD = "harbour lantern violet 42"
NURSE_PASSWORD = "copper kettle morning 17"
PHONE = {"width": 390, "height": 844}
# What plain http costs `check --deploy`, and nothing else: HSTS, the https redirect, secure cookies.
PLAIN_HTTP_WARNINGS = {"security.W004", "security.W008", "security.W012", "security.W016"}
# The server's settings beyond README step 3's file: the shell's basics, plain http, a free port and
# the test's folder. Step 3's TRUSTED_PROXY_HOPS=1 is left out: no proxy stands in front of the
# test server.
BEYOND_STEP_3 = {"PATH", "HOME", "LANG", "HTTPS", "PORT", "VAR_DIR"}


@pytest.fixture
def clinic(tmp_path: Path):
    """README step 4: the clinic started by the serve target's commands, on an empty database."""
    with served_clinic(tmp_path) as served:
        yield served


@pytest.fixture
def shoot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(target: Page, name: str) -> None:
        target.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        width = target.viewport_size["width"]
        assert target.evaluate("document.documentElement.scrollWidth") <= width, f"{name} scrolls sideways"

    return take


def set_up_clinic(clinic: ServedClinic) -> str:
    """README step 5: the command with the README's flags, plus --base-url for the test server's
    port; its last line is the director's link."""
    done = clinic.manage(
        "setup_clinic", "--organisation", "Lakeside Ketamine Clinic", "--site-name", "Lakeside Main",
        "--site-code", "MAIN", "--time-zone", "America/Chicago", "--director-username", "dana",
        "--director-email", "dana@lakeside.example.org", "--base-url", clinic.url)
    assert done.returncode == 0, done.stderr
    link = done.stdout.splitlines()[-1]
    assert re.fullmatch(rf"{re.escape(clinic.url)}/password-reset/\S+/\S+/", link), done.stdout
    return link


def authenticator_code(key: str) -> str:
    """The 6-digit code an authenticator app shows for the key typed into it (RFC 6238 defaults)."""
    return f"{totp(base64.b32decode(key + '=' * (-len(key) % 8))):06d}"


def first_sign_in(page: Page, shoot, *, link: str, username: str, password: str, who: str) -> None:
    """README step 6: choose a password from the link, sign in, set up the authenticator app from the
    key on the page, keep the recovery codes, and land on the patient list."""
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
    key = page.get_by_test_id("totp-secret").inner_text()
    page.get_by_label("Code shown in your app").fill(authenticator_code(key))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.get_by_test_id("recovery-codes").get_by_role("listitem")).to_have_count(10)
    shoot(page, f"{who}-3-recovery-codes")
    page.get_by_role("link", name="I have kept them — continue").click()
    expect(page.get_by_role("heading", name="Patients")).to_be_visible()
    shoot(page, f"{who}-4-signed-in")


def invite_nurse(page: Page, shoot) -> None:
    """README step 7: the director invites a nurse from the Staff page."""
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


def link_in_mail(clinic: ServedClinic, address: str) -> str:
    [message] = clinic.mail_to(address)
    [link] = re.findall(rf"^{re.escape(clinic.url)}/password-reset/\S+$", message, re.M)
    return link


def test_a_real_clinic_from_an_empty_database_to_its_first_nurse_signing_in(clinic, page, browser, shoot):
    # README steps 3 and 4: the settings file, and what the serve target started with it.
    assert readme_settings() == set(clinic.environment) - BEYOND_STEP_3 | {"TRUSTED_PROXY_HOPS"}
    assert clinic.deploy_warnings() == PLAIN_HTTP_WARNINGS
    assert [any("run_worker" in line for line in clinic.running()),
            any("gunicorn config.wsgi" in line for line in clinic.running())] == [True, True]
    assert clinic.get("/healthz")[1]["Server"] == "gunicorn"
    assert clinic.rows("SELECT count(*) FROM sites_organisation") == [(0,)]
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(f"{clinic.url}/login/")
    hint = page.get_by_test_id("setup-hint")
    expect(hint).to_contain_text("This clinic is not set up yet")
    expect(hint).to_contain_text(".venv/bin/python manage.py setup_clinic")
    shoot(page, "0-sign-in-before-setup")

    director_link = set_up_clinic(clinic)
    first_sign_in(page, shoot, link=director_link, username="dana", password=DIRECTOR_PASSWORD, who="director")
    invite_nurse(page, shoot)

    nurse_link = link_in_mail(clinic, "noah@lakeside.example.org")
    nurse_page = browser.new_context(viewport=PHONE).new_page()
    nurse_page.goto(f"{clinic.url}/login/")
    expect(nurse_page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(nurse_page.get_by_test_id("setup-hint")).to_have_count(0)
    first_sign_in(nurse_page, shoot, link=nurse_link, username="noah", password=NURSE_PASSWORD, who="nurse")

    # What the clinic stored, read from its database file.
    [(organisation_id, organisation)] = clinic.rows("SELECT id, name FROM sites_organisation")
    assert organisation == "Lakeside Ketamine Clinic"
    assert clinic.rows("SELECT name, code, time_zone, organisation_id FROM sites_site") == [
        ("Lakeside Main", "MAIN", "America/Chicago", organisation_id)]
    staff = clinic.rows("SELECT username, role, organisation_id, substr(password, 1, 15) FROM accounts_staffuser "
                        "ORDER BY id")
    assert staff == [("dana", Role.DIRECTOR.value, organisation_id, "argon2$argon2id"),
                     ("noah", Role.NURSE.value, organisation_id, "argon2$argon2id")]
    assert clinic.rows("SELECT u.username, s.code FROM accounts_staffuser_sites m "
                       "JOIN accounts_staffuser u ON u.id = m.staffuser_id JOIN sites_site s ON s.id = m.site_id "
                       "ORDER BY u.id") == [("dana", "MAIN"), ("noah", "MAIN")]
    assert clinic.rows("SELECT u.username, d.confirmed FROM otp_totp_totpdevice d "
                       "JOIN accounts_staffuser u ON u.id = d.user_id ORDER BY d.id") == [("dana", 1), ("noah", 1)]
    logins = clinic.rows("SELECT actor_label, data FROM audit_auditevent WHERE action = 'accounts.login' ORDER BY id")
    assert json_rows(logins) == [("dana", {"second_factor": "authenticator set up"}),
                                 ("noah", {"second_factor": "authenticator set up"})]
    assert oct(clinic.database.stat().st_mode & 0o777) == "0o600"

    # Static files carry a content hash in their names and are cached for good.
    stylesheet = re.search(r'href="(/static/web/clinic\.[0-9a-f]{12}\.css)"', page.content())[1]
    status, headers, body = clinic.get(stylesheet)
    assert (status, headers["Cache-Control"], len(body) > 1000) == (200, "max-age=315360000, public, immutable",
                                                                   True)

    # Stopped as a service manager stops it: the shell, gunicorn and the worker all end.
    assert clinic.stop() == (0, [])
    assert clinic.running() == []

"""manage.py setup_clinic (design §4.1): flags, prompts, refusals that leave nothing behind, and the
one-time link with which the first medical director chooses a password and sets up a second factor."""

import builtins
import io
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.accounts import setup
from clinic.accounts.models import Role, StaffUser
from clinic.accounts.tests.factories import PASSWORD, StaffUserFactory
from clinic.accounts.tests.otp import code_now
from clinic.audit.models import AuditEvent
from clinic.audit.verification import verify_chain
from clinic.sites.models import Organisation, Site

ROOT = Path(__file__).resolve().parents[3]
BASE_URL = "https://clinic.example.org"
FLAGS = {
    "--organisation": "Lakeside Ketamine Clinic",
    "--site-name": "Lakeside Main",
    "--site-code": "main",
    "--time-zone": "America/Chicago",
    "--director-username": "dana",
    "--director-email": "dana@lakeside.example.org",
}
QUESTIONS = {
    "Organisation name": "Lakeside Ketamine Clinic",
    "First site's name": "Lakeside Main",
    "Site code": "main",
    "Site's time zone": "America/Chicago",
    "Medical director's username": "dana",
    "Medical director's work email": "dana@lakeside.example.org",
}


@pytest.fixture(autouse=True)
def clinic_host(settings):
    settings.ALLOWED_HOSTS = ["clinic.example.org", "testserver"]
    settings.HTTPS = True


def run(*, flags: dict[str, str] | None = None, extra: tuple[str, ...] = ()) -> tuple[list[str], str]:
    """Run the command; return its output lines and what it wrote to stderr."""
    out, err = io.StringIO(), io.StringIO()
    args = [item for flag, value in (FLAGS if flags is None else flags).items() for item in (flag, value)]
    call_command("setup_clinic", *args, *extra, stdout=out, stderr=err)
    return out.getvalue().splitlines(), err.getvalue()


def refusal(**kwargs) -> CommandError:
    with pytest.raises(CommandError) as refused:
        run(**kwargs)
    return refused.value


def nothing_created() -> dict[str, int]:
    return {"organisations": Organisation.objects.count(), "sites": Site.objects.count(),
            "staff": StaffUser.objects.count(), "audit events": AuditEvent.objects.count()}


def answering(monkeypatch, answers: list[str]) -> list[str]:
    """Feed the answers to the command's questions in turn; return the questions asked."""
    asked, queue = [], iter(answers)

    def fake_input(question: str) -> str:
        asked.append(question)
        return next(queue)

    monkeypatch.setattr(builtins, "input", fake_input)
    return asked


# --- With flags -----------------------------------------------------------------------------


def test_flags_create_the_organisation_its_first_site_and_the_medical_director(db, clock, now):
    clock(now)

    run()

    organisation = Organisation.objects.get()
    site = Site.objects.get()
    director = StaffUser.objects.get()
    assert (organisation.name, organisation.created_at) == ("Lakeside Ketamine Clinic", now)
    assert (site.organisation, site.name, site.code, site.time_zone) == (
        organisation, "Lakeside Main", "MAIN", "America/Chicago")
    assert site.opening_hours.count() == 0 and site.chairs.count() == 0
    assert (director.username, director.email, director.role, director.organisation) == (
        "dana", "dana@lakeside.example.org", Role.DIRECTOR, organisation)
    assert list(director.sites.all()) == [site]
    assert (director.is_active, director.has_usable_password(), director.date_joined) == (True, False, now)


def test_each_creation_is_an_audit_event_of_the_new_organisation_by_the_system(db, clock, now):
    clock(now)

    run()

    organisation = Organisation.objects.get()
    events = list(AuditEvent.objects.order_by("seq"))
    assert [event.action for event in events] == [
        "sites.organisation_created", "sites.site_created", "accounts.staff_invited",
        "accounts.password_link_issued"]
    assert {(e.chain, e.actor_kind, e.actor_id, e.actor_label, e.occurred_at) for e in events} == {
        (str(organisation.pk), "system", None, "setup_clinic", now)}
    assert events[1].data == {"name": "Lakeside Main", "code": "MAIN", "time_zone": "America/Chicago"}
    assert events[2].data == {"username": "dana", "role": "director", "site_ids": [Site.objects.get().pk]}
    assert verify_chain(str(organisation.pk)).intact


def test_last_line_is_the_one_time_link_alone(db):
    lines, _ = run()

    director = StaffUser.objects.get()
    link = urlsplit(lines[-1])
    assert (link.scheme, link.netloc) == ("https", "clinic.example.org")
    assert link.path == setup.password_link_path(director)
    assert lines[-1] == f"{BASE_URL}{link.path}"
    assert "dana@lakeside.example.org" in lines[0] and "within 3 days" in lines[1]


@pytest.mark.parametrize(("allowed_hosts", "https", "base_url"), [
    (["clinic.example.org", "localhost"], True, "https://clinic.example.org"),
    ([".example.org"], True, "https://example.org"),
    (["*", "clinic.example.org"], True, "https://clinic.example.org"),
    (["clinic.example.org"], False, "http://clinic.example.org"),
])
def test_link_is_built_from_the_first_named_host_of_allowed_hosts(db, settings, allowed_hosts, https,
                                                                  base_url):
    settings.ALLOWED_HOSTS, settings.HTTPS = allowed_hosts, https

    lines, _ = run()

    assert lines[-1].startswith(f"{base_url}/password-reset/")


def test_the_username_is_stored_and_printed_as_every_username_is(db):
    lines, _ = run(flags={**FLAGS, "--director-username": "Dana.Whitfield"})

    assert StaffUser.objects.get().username == "dana.whitfield"
    assert "medical director dana.whitfield <dana@lakeside.example.org>" in lines[0]


def test_base_url_flag_gives_the_address_staff_open(db, settings):
    settings.ALLOWED_HOSTS = ["clinic.example.org", "localhost"]

    lines, _ = run(extra=("--base-url", "http://localhost:8123/"))

    assert lines[-1].startswith("http://localhost:8123/password-reset/")


# --- The director's first sign-in -------------------------------------------------------------


def choose_password(client, link: str, password: str):
    """Open the link and submit the password twice; return the page the browser ends on."""
    page = client.get(urlsplit(link).path, follow=True)
    form_path = page.redirect_chain[-1][0]
    return client.post(form_path, {"new_password1": password, "new_password2": password}, follow=True)


def test_the_link_sets_the_password_once(db, client):
    lines, _ = run()

    saved = choose_password(client, lines[-1], PASSWORD)
    again = client.get(urlsplit(lines[-1]).path, follow=True)

    director = StaffUser.objects.get()
    assert "Password saved" in saved.content.decode()
    assert director.check_password(PASSWORD)
    assert "This link has already been used or has expired." in again.content.decode()
    assert AuditEvent.objects.filter(action="accounts.password_reset_completed", actor=director,
                                     data={"first_password": True}).count() == 1


@pytest.mark.parametrize(("password", "reason"), [
    ("short1!", "too short"),
    ("password123", "too common"),
    ("48201937561", "entirely numeric"),
    ("lakeside.example.org", "too similar to the email address"),
])
def test_a_weak_password_is_refused_and_none_is_set(db, client, password, reason):
    lines, _ = run()

    page = choose_password(client, lines[-1], password)

    assert reason in page.content.decode()
    assert not StaffUser.objects.get().has_usable_password()


def test_the_director_must_set_up_a_second_factor_before_anything_else(db, client, settings):
    assert settings.REQUIRE_SECOND_FACTOR and not settings.DEMO_MODE
    lines, _ = run()
    choose_password(client, lines[-1], PASSWORD)

    signed_in = client.post(reverse("accounts:login"), {"username": "dana", "password": PASSWORD})
    pages = {path: client.get(path, follow=True).redirect_chain[-1][0]
             for path in ("/patients/", "/staff/", "/sites/", "/audit/")}
    device = TOTPDevice.objects.get(user__username="dana", confirmed=False)
    enrolled = client.post(reverse("accounts:enrol"), {"code": code_now(device)})
    patients = client.get("/patients/")

    assert signed_in.headers["Location"] == reverse("accounts:enrol")
    assert pages == {path: f"{reverse('accounts:enrol')}?{urlencode({'next': path})}" for path in pages}
    assert "Your recovery codes" in enrolled.content.decode()
    assert patients.status_code == 200
    assert patients.wsgi_request.user.username == "dana"


# --- With prompts ---------------------------------------------------------------------------


def test_without_flags_it_asks_for_each_value(db, monkeypatch):
    asked = answering(monkeypatch, list(QUESTIONS.values()))

    lines, _ = run(flags={})

    assert [question.split(",")[0].split(" [")[0].rstrip(": ") for question in asked] == [
        "Organisation name", "First site's name", "Site code", "Site's time zone",
        "Medical director's username (what they type to sign in)", "Medical director's work email"]
    site = Site.objects.get()
    assert (site.organisation.name, site.name, site.code, site.time_zone) == (
        "Lakeside Ketamine Clinic", "Lakeside Main", "MAIN", "America/Chicago")
    assert StaffUser.objects.get().email == "dana@lakeside.example.org"
    assert lines[-1].startswith(f"{BASE_URL}/password-reset/")


def test_it_asks_only_for_what_the_flags_leave_out(db, monkeypatch):
    asked = answering(monkeypatch, ["dana@lakeside.example.org"])
    flags = {flag: value for flag, value in FLAGS.items() if flag != "--director-email"}

    run(flags=flags)

    assert asked == ["Medical director's work email: "]
    assert StaffUser.objects.get().email == "dana@lakeside.example.org"


def test_an_empty_answer_to_the_time_zone_takes_time_zone(db, monkeypatch, settings):
    settings.TIME_ZONE = "America/Denver"
    asked = answering(monkeypatch, [""])
    flags = {flag: value for flag, value in FLAGS.items() if flag != "--time-zone"}

    run(flags=flags)

    assert asked == ["Site's time zone, e.g. America/Chicago [America/Denver]: "]
    assert Site.objects.get().time_zone == "America/Denver"


def test_a_wrong_answer_is_explained_and_asked_again(db, monkeypatch):
    StaffUserFactory(username="Dana", organisation=None, email="front@lakeside.example.org")
    asked = answering(monkeypatch, ["America/Chikago", "America/Chicago", "dana", "ＤＡＮＡ", "Dana.W"])
    flags = {flag: value for flag, value in FLAGS.items()
             if flag not in ("--time-zone", "--director-username")}

    _, errors = run(flags=flags)

    assert len(asked) == 5
    assert errors.splitlines() == [
        "'America/Chikago' is not a known time zone. Use the name of the site's zone such as "
        "America/Chicago or Europe/London.",
        "The username 'dana' already exists (capitals and look-alike letters count as the same name). "
        "Choose another for the medical director.",
        "The username 'dana' already exists (capitals and look-alike letters count as the same name). "
        "Choose another for the medical director.",
    ]
    assert StaffUser.objects.get(role=Role.DIRECTOR).username == "dana.w"


def test_no_answer_at_all_exits_2_naming_the_flag(db, monkeypatch):
    def closed_input(question: str) -> str:
        raise EOFError

    monkeypatch.setattr(builtins, "input", closed_input)

    error = refusal(flags={})

    assert error.returncode == 2
    assert str(error) == "No answer for --organisation. Give it as a flag."
    assert nothing_created() == {"organisations": 0, "sites": 0, "staff": 0, "audit events": 0}


def test_no_input_names_every_missing_flag(db):
    error = refusal(flags={"--organisation": "Lakeside"}, extra=("--no-input",))

    assert error.returncode == 2
    assert str(error) == ("--site-name, --site-code, --director-username, --director-email are "
                          "missing. Give them, or run without --no-input to be asked.")
    assert nothing_created() == {"organisations": 0, "sites": 0, "staff": 0, "audit events": 0}


def test_no_input_takes_the_missing_time_zone_from_time_zone(db, settings):
    settings.TIME_ZONE = "Europe/London"
    flags = {flag: value for flag, value in FLAGS.items() if flag != "--time-zone"}

    run(flags=flags, extra=("--no-input",))

    assert Site.objects.get().time_zone == "Europe/London"


# --- Refusals -------------------------------------------------------------------------------


def test_a_second_run_exits_2_saying_what_to_do_instead(db):
    run()
    before = nothing_created()

    error = refusal(flags={**FLAGS, "--organisation": "Another Clinic", "--director-username": "sam",
                           "--director-email": "sam@example.org"})

    assert error.returncode == 2
    assert str(error).startswith("This clinic is already set up (Lakeside Ketamine Clinic), so nothing "
                                 "was created. To add a site or staff, sign in as a medical director "
                                 "and use the Sites and Staff pages.")
    assert "manage.py changepassword USERNAME" in str(error)
    assert nothing_created() == before


def test_it_does_not_run_in_demo_mode(db, settings):
    settings.DEMO_MODE = True

    error = refusal()

    assert error.returncode == 2
    assert "does not run in demo mode" in str(error)
    assert nothing_created() == {"organisations": 0, "sites": 0, "staff": 0, "audit events": 0}


@pytest.mark.parametrize(("flag", "value", "message"), [
    ("--time-zone", "America/Chikago",
     "--time-zone: 'America/Chikago' is not a known time zone. Use the name of the site's zone such "
     "as America/Chicago or Europe/London."),
    ("--time-zone", "EST5EDT-ish", "--time-zone: 'EST5EDT-ish' is not a known time zone."),
    ("--director-email", "FRONT@lakeside.example.org",
     "--director-email: FRONT@lakeside.example.org is already the email address of the account "
     "'frontdesk'. Give the medical director an address of their own; password links go to it."),
    ("--director-email", "dana-at-lakeside", "--director-email: 'dana-at-lakeside' is not an email address."),
    ("--director-username", "FrontDesk",
     "--director-username: The username 'frontdesk' already exists (capitals and look-alike letters "
     "count as the same name). Choose another for the medical director."),
    ("--director-username", "ｆｒｏｎｔｄｅｓｋ", "--director-username: The username 'frontdesk' already exists"),
    ("--director-username", "front\u200bdesk", "--director-username: The username 'frontdesk' already exists"),
    ("--director-username", "dana whitfield", "--director-username: 'dana whitfield' cannot be a username."),
    ("--site-code", "MAIN SITE",
     "--site-code: 'MAIN SITE' is not a site code. Use up to 12 letters, digits and - only, for "
     "example MAIN; it starts the medical record numbers of this site."),
    ("--site-code", "M@IN", "--site-code: 'M@IN' is not a site code."),
    ("--site-code", "LAKESIDEMAIN1", "--site-code: Use at most 12 characters (this has 13)."),
    ("--organisation", "   ", "--organisation: This is empty. Give the organisation's name."),
    ("--site-name", "", "--site-name: This is empty. Give the first site's name."),
    ("--base-url", "https://elsewhere.example.com",
     "--base-url: elsewhere.example.com is not in ALLOWED_HOSTS, so the link would be refused."),
    ("--base-url", "clinic.example.org", "--base-url: 'clinic.example.org' is not the address of the clinic."),
    ("--base-url", "https://clinic.example.org/clinic",
     "--base-url: 'https://clinic.example.org/clinic' is not the address of the clinic."),
])
def test_bad_input_exits_2_naming_the_flag_and_creates_nothing(db, flag, value, message):
    # Someone made with createsuperuser before setup: a user of no organisation.
    StaffUserFactory(username="frontdesk", organisation=None, email="front@lakeside.example.org")

    error = refusal(flags={**FLAGS, flag: value})

    assert error.returncode == 2
    assert str(error).startswith(message)
    assert str(error).endswith("Nothing was created. Correct the values and run the command again.")
    assert nothing_created() == {"organisations": 0, "sites": 0, "staff": 1, "audit events": 0}


def test_every_bad_flag_is_named_at_once(db):
    error = refusal(flags={**FLAGS, "--site-code": "M@IN", "--time-zone": "Mars/Olympus",
                           "--director-email": "dana"})

    assert [line.split(":")[0] for line in str(error).splitlines()] == [
        "--site-code", "--time-zone", "--director-email", "Nothing was created. Correct the values and run "
        "the command again."]


def test_no_named_host_to_build_the_link_exits_2(db, settings):
    settings.ALLOWED_HOSTS = ["*"]

    error = refusal()

    assert error.returncode == 2
    assert str(error).startswith("--base-url is missing and ALLOWED_HOSTS names no host")
    assert nothing_created() == {"organisations": 0, "sites": 0, "staff": 0, "audit events": 0}


def test_a_failure_after_the_first_write_leaves_nothing_behind(db, monkeypatch):
    def broken_link(user):
        raise RuntimeError("token generator unavailable")

    monkeypatch.setattr(setup, "password_link_path", broken_link)

    with pytest.raises(RuntimeError):
        run()

    assert nothing_created() == {"organisations": 0, "sites": 0, "staff": 0, "audit events": 0}


# --- As a process -----------------------------------------------------------------------------


@pytest.mark.slow
def test_the_process_prints_the_link_last_and_exits_2_on_a_second_run(tmp_path):
    env = {**{key: value for key, value in os.environ.items()
              if key not in ("DJANGO_SETTINGS_MODULE", "DEBUG", "HTTPS", "DJANGO_ALLOW_ASYNC_UNSAFE")},
           "DATABASE_URL": f"sqlite:///{tmp_path / 'clinic.sqlite3'}", "VAR_DIR": str(tmp_path),
           "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
           "ALLOWED_HOSTS": "clinic.example.org", "DEMO_MODE": "false"}
    command = [sys.executable, "manage.py", "setup_clinic",
               *[item for flag, value in FLAGS.items() for item in (flag, value)]]

    def manage(args: list[str]) -> subprocess.CompletedProcess:
        return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)

    migrated = manage([sys.executable, "manage.py", "migrate", "-v", "0"])
    first = manage(command)
    second = manage(command)

    assert migrated.returncode == 0, migrated.stderr
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines()[-1].startswith("https://clinic.example.org/password-reset/")
    assert second.returncode == 2
    assert "This clinic is already set up (Lakeside Ketamine Clinic)" in second.stderr
    assert second.stdout == ""


# --- The sign-in page -------------------------------------------------------------------------


def test_sign_in_page_says_how_to_finish_setup_until_an_organisation_exists(db, client,
                                                                          django_assert_num_queries):
    with django_assert_num_queries(1):
        before = client.get(reverse("accounts:login")).content.decode()
    run()
    after = client.get(reverse("accounts:login")).content.decode()

    assert "This clinic is not set up yet" in before
    assert ".venv/bin/python manage.py setup_clinic" in before
    assert "This clinic is not set up yet" not in after
    assert "setup_clinic" not in after


def test_demo_mode_shows_no_setup_hint_and_asks_nothing(db, client, settings, django_assert_num_queries):
    settings.DEMO_MODE = True

    with django_assert_num_queries(0):
        page = client.get(reverse("accounts:login")).content.decode()

    assert "not set up yet" not in page

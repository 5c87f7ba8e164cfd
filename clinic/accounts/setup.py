"""First-run setup of a real clinic (design §4.1 `setup_clinic`): the organisation, its first site
and its first medical director, all in one transaction with their audit events, and the one-time
link with which the director chooses a password.

The link is the one an invitation sends (Django's password reset token): it works once, stops
working when the password is set, and expires after PASSWORD_RESET_TIMEOUT.
"""

import re
import zoneinfo
from dataclasses import dataclass, fields
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.http.request import validate_host
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from clinic.accounts.actions import UsernameTaken
from clinic.accounts.models import Role, StaffUser, UsernameValidator, canonical_username, username_rule
from clinic.audit.actions import record_event
from clinic.audit.models import ActorKind
from clinic.rules.errors import DomainError
from clinic.sites.actions import UnknownTimeZone
from clinic.sites.models import Organisation, Site

ACTOR_LABEL = "setup_clinic"
SETUP_LOCK_KEY = 7_310_001  # any fixed number: the PostgreSQL advisory lock of first-run setup
SITE_CODE = re.compile(r"^[A-Za-z0-9-]{1,12}$")  # as the Sites page accepts it


class ClinicAlreadySetUp(DomainError):
    code = "CLINIC_ALREADY_SET_UP"


class BlankValue(DomainError):
    code = "BLANK_VALUE"


class ValueTooLong(DomainError):
    code = "VALUE_TOO_LONG"


class BadSiteCode(DomainError):
    code = "BAD_SITE_CODE"
    field = "site_code"


class BadUsername(DomainError):
    code = "BAD_USERNAME"
    field = "director_username"


class BadEmail(DomainError):
    code = "BAD_EMAIL"
    field = "director_email"


class EmailTaken(DomainError):
    code = "EMAIL_TAKEN"
    field = "director_email"


class BadBaseUrl(DomainError):
    code = "BAD_BASE_URL"
    field = "base_url"


@dataclass(frozen=True)
class ClinicDetails:
    """What the person setting up the clinic gives, in the order they are asked for."""

    organisation_name: str
    site_name: str
    site_code: str
    time_zone: str
    director_username: str
    director_email: str


FIELD_NAMES = tuple(field.name for field in fields(ClinicDetails))
LABELS = {"organisation_name": "the organisation's name", "site_name": "the first site's name",
          "site_code": "a site code such as MAIN", "time_zone": "the site's time zone",
          "director_username": "the medical director's username",
          "director_email": "the medical director's work email"}
MAX_LENGTHS = {"organisation_name": 200, "site_name": 200, "site_code": 12, "time_zone": 64,
               "director_username": 150, "director_email": 254}


@dataclass(frozen=True)
class ClinicSetUp:
    organisation: Organisation
    site: Site
    director: StaffUser
    link: str


def is_set_up() -> bool:
    """Whether any organisation exists; until one does, nobody can sign in."""
    return Organisation.objects.exists()


def existing_clinic_problem() -> ClinicAlreadySetUp | None:
    names = list(Organisation.objects.order_by("pk").values_list("name", flat=True)[:3])
    if not names:
        return None
    return ClinicAlreadySetUp(
        f"This clinic is already set up ({', '.join(names)}), so nothing was created. To add a site "
        "or staff, sign in as a medical director and use the Sites and Staff pages. If the director "
        "cannot sign in, use “Forgot your password?” on the sign-in page, or run "
        "`.venv/bin/python manage.py changepassword USERNAME` on the server; another medical "
        "director can reset a lost second factor from the Staff page.")


def clean(name: str, value: str) -> str:
    """The value as it will be stored: spaces trimmed, site codes in capitals, the username folded
    as every username is (so "Dana" and "ｄａｎａ" are "dana")."""
    value = value.strip()
    if name == "director_username":
        return canonical_username(value)
    return value.upper() if name == "site_code" else value


def value_problem(name: str, value: str) -> DomainError | None:
    """What is wrong with one cleaned value, or None. Checks the database for names taken."""
    if not value:
        return BlankValue(f"This is empty. Give {LABELS[name]}.", field=name)
    if len(value) > MAX_LENGTHS[name]:
        return ValueTooLong(f"Use at most {MAX_LENGTHS[name]} characters (this has {len(value)}).",
                            field=name)
    check = _CHECKS.get(name)
    return check(value) if check else None


def details_problems(details: ClinicDetails) -> list[DomainError]:
    """Every problem with the details, one per field at most, in the order the fields are asked."""
    found = (value_problem(name, getattr(details, name)) for name in FIELD_NAMES)
    return [problem for problem in found if problem is not None]


def _site_code_problem(code: str) -> DomainError | None:
    if SITE_CODE.match(code):
        return None
    return BadSiteCode(f"{code!r} is not a site code. Use up to 12 letters, digits and - only, "
                       "for example MAIN; it starts the medical record numbers of this site.")


def _time_zone_problem(time_zone: str) -> DomainError | None:
    if time_zone in zoneinfo.available_timezones():
        return None
    return UnknownTimeZone(f"{time_zone!r} is not a known time zone. Use the name of the site's zone "
                           "such as America/Chicago or Europe/London.", field="time_zone")


def _username_problem(username: str) -> DomainError | None:
    try:
        UsernameValidator()(username)
    except ValidationError:
        return BadUsername(f"{username!r} cannot be a username. {username_rule(username)}")
    taken = StaffUser.objects.filter(username__iexact=username).values_list("username", flat=True).first()
    if taken is not None:
        return UsernameTaken(f"The username {taken!r} already exists (capitals and look-alike letters "
                             "count as the same name). Choose another for the medical director.",
                             field="director_username")
    return None


def _email_problem(email: str) -> DomainError | None:
    try:
        validate_email(email)
    except ValidationError:
        return BadEmail(f"{email!r} is not an email address. Give the medical director's work "
                        "address, for example dana@clinic.example.org.")
    holder = StaffUser.objects.filter(email__iexact=email).values_list("username", flat=True).first()
    if holder is not None:
        return EmailTaken(f"{email} is already the email address of the account {holder!r}. Give the "
                          "medical director an address of their own; password links go to it.")
    return None


_CHECKS = {"site_code": _site_code_problem, "time_zone": _time_zone_problem,
           "director_username": _username_problem, "director_email": _email_problem}


def default_base_url() -> str | None:
    """https://HOST with the first named host of ALLOWED_HOSTS (http:// when HTTPS is off), or None
    when ALLOWED_HOSTS names none (only wildcards)."""
    hosts = [host.lstrip(".") for host in settings.ALLOWED_HOSTS if host.lstrip(".") not in ("", "*")]
    if not hosts:
        return None
    return f"{'https' if settings.HTTPS else 'http'}://{hosts[0]}"


def base_url_problem(base_url: str) -> DomainError | None:
    parts = urlsplit(base_url)
    if (parts.scheme not in ("http", "https") or not parts.hostname or parts.username
            or parts.path not in ("", "/") or parts.query or parts.fragment):
        return BadBaseUrl(f"{base_url!r} is not the address of the clinic. Give the scheme and host "
                          "staff open in their browser, for example https://clinic.example.org.")
    if not validate_host(parts.hostname, settings.ALLOWED_HOSTS):
        return BadBaseUrl(f"{parts.hostname} is not in ALLOWED_HOSTS, so the link would be refused. "
                          "Add it to ALLOWED_HOSTS or give the address staff use.")
    return None


@transaction.atomic
def set_up_clinic(*, now: datetime, details: ClinicDetails, base_url: str) -> ClinicSetUp:
    """Create the organisation, its first site and its first medical director (who has no password
    yet), and return them with the director's one-time link. All or nothing."""
    _one_setup_at_a_time()
    if problem := existing_clinic_problem():
        raise problem
    if problems := details_problems(details):
        raise problems[0]
    if problem := base_url_problem(base_url):
        raise problem
    organisation = Organisation.objects.create(name=details.organisation_name, created_at=now)
    common = {"now": now, "actor": None, "actor_kind": ActorKind.SYSTEM, "actor_label": ACTOR_LABEL,
              "organisation_id": organisation.pk}
    record_event(**common, action="sites.organisation_created", subject=organisation,
                 data={"name": organisation.name})
    site = Site.objects.create(organisation=organisation, name=details.site_name, code=details.site_code,
                               time_zone=details.time_zone)
    record_event(**common, action="sites.site_created", subject=site, site_id=site.pk,
                 data={"name": site.name, "code": site.code, "time_zone": site.time_zone})
    director = _create_director(organisation=organisation, site=site, details=details, now=now)
    record_event(**common, action="accounts.staff_invited", subject=director,
                 data={"username": director.username, "role": director.role, "site_ids": [site.pk]})
    link = base_url.rstrip("/") + password_link_path(director)
    record_event(**common, action="accounts.password_link_issued", subject=director,
                 data={"email": director.email, "delivered": "printed on the server"})
    return ClinicSetUp(organisation=organisation, site=site, director=director, link=link)


def _one_setup_at_a_time() -> None:
    """Two runs started together must not both find no organisation and both create one. SQLite's
    BEGIN IMMEDIATE already holds the write lock; PostgreSQL takes a lock held to the transaction's end."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SETUP_LOCK_KEY])


def _create_director(*, organisation: Organisation, site: Site, details: ClinicDetails,
                     now: datetime) -> StaffUser:
    director = StaffUser(username=details.director_username, email=details.director_email,
                         role=Role.DIRECTOR, organisation=organisation, date_joined=now)
    director.set_unusable_password()
    try:
        # A savepoint, so an account taking the name at this moment ends in the refusal below.
        with transaction.atomic():
            director.save()
    except IntegrityError:
        raise UsernameTaken(f"The username {details.director_username!r} was just taken. Choose "
                            "another.", field="director_username") from None
    director.sites.set([site])
    return director


def password_link_path(user: StaffUser) -> str:
    """The path of the page where the user chooses a password, as an invitation email links it."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("accounts:password_reset_confirm",
                   kwargs={"uidb64": uid, "token": default_token_generator.make_token(user)})

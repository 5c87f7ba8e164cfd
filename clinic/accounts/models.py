"""Staff users with a role and the sites they work at; API tokens."""

import hashlib
import re
import unicodedata
from collections.abc import Iterator
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Length, Lower
from django.db.models.lookups import Exact
from django.utils.crypto import salted_hmac
from django.utils.deconstruct import deconstructible

from clinic.sites.models import Organisation, Site


class Role(models.TextChoices):
    DIRECTOR = "director", "Medical director"
    PRESCRIBER = "prescriber", "Prescriber"
    NURSE = "nurse", "Nurse"
    FRONT_DESK = "front_desk", "Front desk"


CLINICAL_ROLES = frozenset({Role.DIRECTOR, Role.PRESCRIBER, Role.NURSE})
# Who may prescribe: acknowledge clinical alerts and record suicide risk assessments.
PRESCRIBING_ROLES = frozenset({Role.DIRECTOR, Role.PRESCRIBER})


class AlertChannel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"


# Turkish dotted capital İ and dotless ı look like I and i; each folds to plain "i", so no account
# can be made that only a dot tells apart from another.
TURKISH_I = str.maketrans({"\u0130": "I", "\u0131": "i"})


USERNAME_MAX_LENGTH = 150
# What a username is made of once folded: ASCII only, so that lower() folds every capital it can
# hold alike on SQLite (which folds A-Z only) and on PostgreSQL, and the database's uniqueness of
# lower(username) is exact on both.
USERNAME_PATTERN = re.compile(r"[\w.@+-]+", re.ASCII)
USERNAME_EXAMPLE = "dana.whitfield"


def fold_username(typed: str) -> str:
    """Compatibility forms folded (full-width letters, ligatures) and case folded: "Director",
    "DIRECTOR" and "ｄｉｒｅｃｔｏｒ" are "director"."""
    text = unicodedata.normalize("NFKC", typed).translate(TURKISH_I)
    return unicodedata.normalize("NFKC", text.casefold())


def canonical_username(typed: str) -> str:
    """The username as stored and compared: folded (fold_username), invisible format characters such
    as a zero-width space removed, and surrounding spaces trimmed. What is left is then checked
    against the allowed characters like any other username (UsernameValidator)."""
    return "".join(char for char in fold_username(typed) if unicodedata.category(char) != "Cf").strip()


def username_rule(typed: str) -> str:
    """What to type instead of a refused username, with the name without its accents as the example
    when that is a username ("éve": eve), else a made-up one."""
    plain = "".join(char for char in unicodedata.normalize("NFKD", canonical_username(typed))
                    if not unicodedata.combining(char))
    example = plain if USERNAME_PATTERN.fullmatch(plain) else USERNAME_EXAMPLE
    return (f"Use only the letters a to z (no accents), digits and @ . + - _, with no spaces, for "
            f"example {example}.")


@deconstructible
class UsernameValidator:
    """A username is letters a to z, digits and @ . + - _ once folded (fold_username), so
    full-width "ＤＡＮＡ" passes as "dana" while "éve", a space or a zero-width space is refused."""

    code = "invalid"

    def __call__(self, value: Any) -> None:
        if not USERNAME_PATTERN.fullmatch(fold_username(str(value))):
            raise ValidationError(username_rule(str(value)), code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UsernameValidator)


class OctetLength(models.Func):
    """A text's length in bytes (UTF-8), equal to its length in characters when it is all ASCII."""

    function = "OCTET_LENGTH"
    output_field = models.IntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(compiler, connection, template="LENGTH(CAST(%(expressions)s AS BLOB))",
                           **extra_context)


class StaffUserManager(UserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username: str) -> "StaffUser":
        """Sign-in and createsuperuser find the account whatever capitals or forms were typed."""
        return self.get(username=canonical_username(username))


class StaffUser(AbstractUser):
    username_validator = UsernameValidator()
    username = models.CharField(
        "username", max_length=USERNAME_MAX_LENGTH, unique=True, validators=[username_validator],
        help_text="What they type to sign in: letters a to z, digits and @ . + - _ only. Capitals do "
                  "not matter: Dana and dana are the same username.",
        error_messages={"unique": "A user with that username already exists."},
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True,
                                     related_name="staff")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.FRONT_DESK)
    credentials = models.CharField(max_length=40, blank=True,
                                   help_text="Professional title shown after the name, e.g. MD, RN.")
    sites = models.ManyToManyField(Site, related_name="staff", blank=True)
    # How a clinician is told of a patient's clinical alert at once (clinic.questionnaires): by email,
    # or by text message to the mobile phone.
    alert_channel = models.CharField(max_length=10, choices=AlertChannel.choices, default=AlertChannel.EMAIL)
    mobile_phone = models.CharField(max_length=40, blank=True)
    session_epoch = models.PositiveIntegerField(
        default=0, help_text="Raised to end every session of this user at once: a session signed in "
                             "under an earlier value is refused at its next request.")

    objects = StaffUserManager()

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            # Usernames are stored canonical (save() below); this also holds at the database for a
            # row written by any other path.
            models.UniqueConstraint(Lower("username"), name="accounts_username_unique_ignoring_case"),
            # ...which is exact on both engines because a username is ASCII (USERNAME_PATTERN).
            models.CheckConstraint(condition=Exact(OctetLength("username"), Length("username")),
                                   name="accounts_username_ascii"),
        ]

    @classmethod
    def normalize_username(cls, username: Any) -> Any:
        return canonical_username(username) if isinstance(username, str) else username

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.username = canonical_username(self.username)
        super().save(*args, **kwargs)

    def get_session_auth_hash(self) -> str:
        """What a session keeps to prove it is still this user's: Django's hash of the password,
        and the session epoch once raised, so raising it ends every session (actions.end_sessions)
        as changing the password does."""
        if not self.session_epoch:
            return super().get_session_auth_hash()
        return self._epoch_hash(secret=None)

    def get_session_auth_fallback_hash(self) -> Iterator[str]:
        if not self.session_epoch:
            yield from super().get_session_auth_fallback_hash()
            return
        for secret in settings.SECRET_KEY_FALLBACKS:
            yield self._epoch_hash(secret=secret)

    def _epoch_hash(self, *, secret: str | None) -> str:
        return salted_hmac("clinic.accounts.StaffUser.session_epoch",
                           f"{self.password}:{self.session_epoch}", secret=secret,
                           algorithm="sha256").hexdigest()

    def __str__(self) -> str:
        name = self.get_full_name() or self.username
        return f"{name}, {self.credentials}" if self.credentials else name

    @property
    def is_director(self) -> bool:
        return self.role == Role.DIRECTOR

    @property
    def sees_clinical_data(self) -> bool:
        """Front desk books and registers but does not see notes, scores, intake or results."""
        return self.role in CLINICAL_ROLES

    def site_ids(self) -> list[int]:
        return [site.id for site in self.site_rows()]

    def site_rows(self) -> list["SiteRow"]:
        """The sites this user works at, by name, with their zones; one query per request object,
        shared by the access helper (site ids) and the working site (zone)."""
        if not hasattr(self, "_site_rows"):
            self._site_rows = [SiteRow(*row) for row in
                               self.sites.order_by("name", "id").values_list("id", "name", "time_zone")]
        return self._site_rows

    def working_site(self, chosen_id: int | None = None) -> "SiteRow | None":
        """The site the user is working at: the one chosen this session if still theirs, else the
        first of their sites by name; None for a user of no site."""
        rows = self.site_rows()
        return next((row for row in rows if row.id == chosen_id), rows[0] if rows else None)


class SiteRow(NamedTuple):
    id: int
    name: str
    time_zone: str


def hash_token(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the REST API. Only its hash is stored; the token is shown once."""

    user = models.ForeignKey(StaffUser, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, help_text="First characters, to recognise the token.")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class AnonymousRequestTally(models.Model):
    """Requests from one client address by someone not signed in, in one clock hour (UTC), and the
    audit events they wrote: what limits and de-duplicates those events (clinic/accounts/anonymous.py).

    The address's own row has an empty action and key and counts every such request and event; a
    row per action and key (the username typed for a name no account has, or the email a password
    reset was asked for) counts the repeats that wrote no event of their own. Rows with no address
    and the action `accounts.wrong_passwords_at_account` count the wrong passwords against one
    existing account (the key: its username) from every address in the hour, which caps how many of
    them are audited (clinic.accounts.actions.record_login_failed)."""

    address = models.CharField(max_length=45, blank=True, help_text="Empty when the address is unknown.")
    hour_start = models.DateTimeField()
    action = models.CharField(max_length=64, blank=True)
    key = models.CharField(max_length=254, blank=True)
    requests = models.PositiveIntegerField(default=0)
    events = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["address", "hour_start", "action", "key"],
                                    name="accounts_anonymous_tally_one_row_per_key"),
        ]
        indexes = [models.Index(fields=["hour_start"], name="accounts_anon_tally_hour")]

"""Staff users with a role and the sites they work at; API tokens."""

import hashlib
from typing import NamedTuple

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models

from clinic.sites.models import Organisation, Site


class Role(models.TextChoices):
    DIRECTOR = "director", "Medical director"
    PRESCRIBER = "prescriber", "Prescriber"
    NURSE = "nurse", "Nurse"
    FRONT_DESK = "front_desk", "Front desk"


CLINICAL_ROLES = frozenset({Role.DIRECTOR, Role.PRESCRIBER, Role.NURSE})


class StaffUser(AbstractUser):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True,
                                     related_name="staff")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.FRONT_DESK)
    credentials = models.CharField(max_length=40, blank=True,
                                   help_text="Professional title shown after the name, e.g. MD, RN.")
    sites = models.ManyToManyField(Site, related_name="staff", blank=True)

    objects = UserManager()

    class Meta:
        ordering = ["last_name", "first_name"]

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

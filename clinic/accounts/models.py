"""Staff users with a role and the sites they work at; API tokens."""

import hashlib

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
        # Cached per request object: the access helper asks for it on every lookup.
        if not hasattr(self, "_site_ids"):
            self._site_ids = list(self.sites.values_list("id", flat=True))
        return self._site_ids


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

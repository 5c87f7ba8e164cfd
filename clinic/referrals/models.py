"""The referral queue: people referred to the clinic, worked by front desk from first letter to a booked
consultation and a registered patient."""

from typing import Any

from django.conf import settings
from django.db import models

from clinic.patients.models import Patient, ReferringClinician
from clinic.patients.models.registry import ReferralSource, Sex
from clinic.rules.indications import INDICATION_TABLE
from clinic.sites.models import Organisation, Site


class ReferralStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    CONTACTED = "contacted", "Contacted"
    CONSULTATION_BOOKED = "consultation_booked", "Consultation booked"
    DECLINED = "declined", "Declined"
    UNREACHABLE = "unreachable", "Unreachable"


# Where a referral may go from each status. Declined is final; a booked consultation may be declined,
# or go back to contacted to be booked again.
ALLOWED_MOVES: dict[str, tuple[str, ...]] = {
    ReferralStatus.RECEIVED: (ReferralStatus.CONTACTED, ReferralStatus.CONSULTATION_BOOKED,
                              ReferralStatus.DECLINED, ReferralStatus.UNREACHABLE),
    ReferralStatus.CONTACTED: (ReferralStatus.CONSULTATION_BOOKED, ReferralStatus.DECLINED,
                               ReferralStatus.UNREACHABLE),
    ReferralStatus.UNREACHABLE: (ReferralStatus.CONTACTED, ReferralStatus.CONSULTATION_BOOKED,
                                 ReferralStatus.DECLINED),
    ReferralStatus.CONSULTATION_BOOKED: (ReferralStatus.DECLINED, ReferralStatus.CONTACTED),
    ReferralStatus.DECLINED: (),
}
INDICATION_CHOICES = [(code, label) for code, label, _ in INDICATION_TABLE]


class ReferralQuerySet(models.QuerySet["Referral"]):
    def visible_to(self, user: Any) -> "ReferralQuerySet":
        """Referrals to the sites the staff member works at; nothing for anyone else."""
        if not getattr(user, "is_authenticated", False) or not getattr(user, "organisation_id", None):
            return self.none()
        return self.filter(site_id__in=user.site_ids(), organisation_id=user.organisation_id)

    def open(self) -> "ReferralQuerySet":
        """Referrals still to be worked: neither declined nor registered as a patient."""
        return self.exclude(status=ReferralStatus.DECLINED).filter(patient__isnull=True)


def letter_path(instance: "Referral", filename: str) -> str:
    # Files are named by a random key, never by the person's name.
    return f"referrals/{instance.organisation_id}/{instance.letter_storage_key}"


class Referral(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="referrals")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="referrals")
    received_on = models.DateField("received on")
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    birth_date = models.DateField("date of birth", null=True, blank=True)
    sex = models.CharField(max_length=10, choices=Sex.choices, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    reason = models.TextField("reason for referral")
    indication = models.CharField(max_length=20, choices=INDICATION_CHOICES, blank=True)
    source = models.CharField("referral source", max_length=12, choices=ReferralSource.choices,
                              default=ReferralSource.CLINICIAN)
    referring_clinician = models.ForeignKey(ReferringClinician, on_delete=models.PROTECT, null=True, blank=True,
                                            related_name="referrals")
    letter = models.FileField(upload_to=letter_path, blank=True)
    letter_original_name = models.CharField(max_length=200, blank=True)
    letter_content_type = models.CharField(max_length=100, blank=True)
    letter_size_bytes = models.PositiveIntegerField(null=True, blank=True)
    letter_storage_key = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.RECEIVED)
    # The date of the latest status change (the received date until the first): what the queue shows.
    status_on = models.DateField()
    patient = models.ForeignKey(Patient, on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals")
    # "family, given" folded by clinic.patients.names.person_key: what the duplicate check and search
    # compare. Kept in step by the actions.
    name_key = models.CharField(max_length=402, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    objects = ReferralQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["letter_storage_key"], condition=~models.Q(letter_storage_key=""),
                                    name="referral_letter_key_unique"),
        ]
        indexes = [models.Index(fields=["site", "status", "received_on"], name="referral_queue_idx")]
        ordering = ["received_on", "id"]

    def __str__(self) -> str:
        return f"{self.family_name}, {self.given_name} (referred {self.received_on:%-d %b %Y})"

    @property
    def next_statuses(self) -> tuple[str, ...]:
        return ALLOWED_MOVES[self.status]

    @property
    def is_open(self) -> bool:
        return self.status != ReferralStatus.DECLINED and self.patient_id is None


class ReferralStatusChange(models.Model):
    """One move of a referral's status, kept as recorded: never changed afterwards."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="changes")
    status = models.CharField(max_length=20, choices=ReferralStatus.choices)
    happened_on = models.DateField("date")
    note = models.TextField(blank=True)
    # For a booked consultation: when it is, at the referral's site.
    consultation_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["happened_on", "recorded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status=ReferralStatus.CONSULTATION_BOOKED, consultation_at__isnull=False)
                | (~models.Q(status=ReferralStatus.CONSULTATION_BOOKED) & models.Q(consultation_at__isnull=True)),
                name="referral_consultation_time_when_booked"),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} on {self.happened_on:%-d %b %Y}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A change stands as recorded: a mistake is answered by the next change, never by editing this one.
        if self.pk is not None:
            raise ValueError("A referral's status change is never changed once recorded.")
        super().save(*args, **kwargs)

"""A letter written for a decision, to the patient or to their referring clinician, and each time it went
out by email or on paper."""

from typing import Any

from django.conf import settings
from django.db import models

from clinic.patients.models import Document, Patient, ReferringClinician


class LetterReason(models.TextChoices):
    ELIGIBILITY_OUTCOME = "eligibility_outcome", "Eligibility decision"
    INDUCTION_ASSESSMENT = "induction_assessment", "Assessment after the induction infusions"
    COURSE_STOPPED = "course_stopped", "Change to the course of treatment"
    ALTERNATIVE_REFERRAL = "alternative_referral", "Referral to an alternative treatment"


class Recipient(models.TextChoices):
    PATIENT = "patient", "Patient"
    REFERRER = "referrer", "Referring clinician"


class LetterQuerySet(models.QuerySet["Letter"]):
    def visible_to(self, user: Any) -> "LetterQuerySet":
        """Letters of the patients this staff member sees."""
        return self.filter(patient__in=Patient.objects.visible_to(user))


class Letter(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="letters")
    reason = models.CharField(max_length=30, choices=LetterReason.choices)
    recipient = models.CharField(max_length=10, choices=Recipient.choices)
    referrer = models.ForeignKey(ReferringClinician, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="letters", help_text="The addressee of a referrer's letter.")
    # The PDF as written, among the chart's documents.
    document = models.OneToOneField(Document, on_delete=models.PROTECT, related_name="letter")
    # What the letter comes from (a decision, a change of course), by model label and id: the apps that
    # decide depend on letters, never the reverse.
    source_label = models.CharField(max_length=100)
    source_id = models.CharField(max_length=40)
    outcome = models.CharField(max_length=40, blank=True)
    # On a patient's letter: the patient had no referring clinician, so no copy was written for one.
    no_referrer_copy = models.BooleanField(default=False)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    objects = LetterQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "recipient", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(recipient="patient", referrer__isnull=True)
                | models.Q(recipient="referrer", referrer__isnull=False, no_referrer_copy=False),
                name="letter_referrer_only_on_a_referrers_letter"),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} — {self.addressee}"

    @property
    def addressee(self) -> str:
        if self.recipient == Recipient.REFERRER and self.referrer is not None:
            return str(self.referrer)
        return self.patient.display_name

    @property
    def outcome_text(self) -> str:
        """The decision's outcome in words: "eligible with conditions"."""
        return self.outcome.replace("_", " ")

    @property
    def email_address(self) -> str:
        """Where the letter goes by email today: the patient's or the referrer's address on file."""
        holder = self.referrer if self.recipient == Recipient.REFERRER else self.patient
        return (holder.email if holder is not None else "").strip()


class Delivery(models.TextChoices):
    EMAIL = "email", "Emailed"
    PRINT = "print", "Printed"


class LetterDispatch(models.Model):
    """One sending of a letter: by email to an address, or opened to print. Sending again adds a row."""

    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, related_name="dispatches")
    delivery = models.CharField(max_length=10, choices=Delivery.choices)
    address = models.EmailField(blank=True, help_text="The address emailed; empty for a printed letter.")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]

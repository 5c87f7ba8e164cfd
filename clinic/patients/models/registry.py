"""The patient registry: identity, contacts, escort, referral."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from stdnum import luhn

from clinic.sites.models import Organisation, Site

# The NPI's last digit is a Luhn check digit over the other nine prefixed with 80840, the card issuer
# prefix of US health identifiers (CMS, "Requirements for National Provider Identifier check digit").
NPI_LUHN_PREFIX = "80840"
NPI_DIGITS_MESSAGE = "An NPI has exactly 10 digits. Check the number or leave the NPI empty."


def validate_npi(value: str) -> None:
    """Refuse an NPI that is not 10 digits, or whose last digit is not its check digit."""
    if len(value) != 10 or not (value.isascii() and value.isdigit()):
        raise ValidationError(NPI_DIGITS_MESSAGE, code="npi_format")
    if not luhn.is_valid(NPI_LUHN_PREFIX + value):
        raise ValidationError(
            f"NPI {value} fails its check: the last digit does not match the other nine, so a digit is wrong or "
            "two are swapped. Check the NPI against the referral letter or the NPPES registry, or leave it empty.",
            code="npi_check_digit")


def _works_somewhere(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "organisation_id", None))


class PatientQuerySet(models.QuerySet["Patient"]):
    def visible_to(self, user: Any) -> "PatientQuerySet":
        """Patients of the sites the staff member works at; nothing for anyone else."""
        if not _works_somewhere(user):
            return self.none()
        return self.filter(site_id__in=user.site_ids(), organisation_id=user.organisation_id)


class PatientRecordQuerySet(models.QuerySet):
    """Rows that belong to a patient (through a `patient` foreign key): visible to staff of the
    patient's site alone, as the patient is; nothing for anyone else."""

    def visible_to(self, user: Any) -> "PatientRecordQuerySet":
        if not _works_somewhere(user):
            return self.none()
        return self.filter(patient__site_id__in=user.site_ids(), patient__organisation_id=user.organisation_id)


class ReferringClinician(models.Model):
    """An outside clinician who refers patients and receives letters."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                     related_name="referring_clinicians")
    name = models.CharField(max_length=200)
    credentials = models.CharField(max_length=40, blank=True)
    practice = models.CharField(max_length=200, blank=True)
    npi = models.CharField("NPI", max_length=10, blank=True, validators=[validate_npi])
    phone = models.CharField(max_length=40, blank=True)
    fax = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        parts = [self.name + (f", {self.credentials}" if self.credentials else "")]
        if self.practice:
            parts.append(self.practice)
        return " — ".join(parts)


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Unknown"


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"
    PHONE = "phone", "Phone call"


class ReferralSource(models.TextChoices):
    CLINICIAN = "clinician", "Referred by a clinician"
    SELF = "self", "Self-referred"
    OTHER = "other", "Other"


class Patient(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="patients")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="patients")
    mrn = models.CharField("MRN", max_length=20)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    birth_date = models.DateField()
    sex = models.CharField(max_length=10, choices=Sex.choices)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)
    preferred_channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    emergency_contact_name = models.CharField(max_length=200, blank=True)
    emergency_contact_phone = models.CharField(max_length=40, blank=True)
    emergency_contact_relationship = models.CharField(max_length=60, blank=True)
    escort_name = models.CharField(max_length=200, blank=True,
                                   help_text="Who takes the patient home after an infusion.")
    escort_phone = models.CharField(max_length=40, blank=True)
    referral_source = models.CharField(max_length=12, choices=ReferralSource.choices,
                                       default=ReferralSource.SELF)
    referring_clinician = models.ForeignKey(ReferringClinician, on_delete=models.PROTECT,
                                            null=True, blank=True, related_name="patients")
    # The prescriber responsible for the patient's care: told of the patient's clinical alerts.
    prescriber = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", help_text="Told of this patient's clinical alerts.")
    # "No known drug allergies", as asked and recorded: who said so and when. Empty means not yet
    # recorded, never "none"; adding an allergy clears it.
    nkda_recorded_at = models.DateTimeField("no known drug allergies recorded at", null=True, blank=True)
    nkda_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                         blank=True, related_name="+")
    # "family, given" folded by clinic.patients.names.person_key: what the duplicate check compares.
    # Kept in step by the actions.
    name_key = models.CharField(max_length=402, db_index=True, editable=False)
    # The folded family, given and preferred names and the lower-case MRN (names.search_text): what
    # patient search matches words against. Kept in step by the actions.
    search_text = models.CharField(max_length=640, db_index=True, editable=False)
    # The digits of the patient's own phone without a +1 country code (search_keys.phone_digits): what a
    # search typed as a phone number matches, whatever the formatting. Kept in step by the actions.
    phone_digits = models.CharField(max_length=40, blank=True, editable=False)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    objects = PatientQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "mrn"], name="mrn_unique_in_org"),
        ]
        indexes = [
            models.Index(fields=["site", "family_name", "given_name"], name="patient_site_name_idx"),
            models.Index(fields=["birth_date"], name="patient_birth_date_idx"),
        ]
        ordering = ["family_name", "given_name", "id"]

    def __str__(self) -> str:
        return f"{self.family_name}, {self.given_name} ({self.mrn})"

    @property
    def display_name(self) -> str:
        given = self.preferred_name or self.given_name
        return f"{given} {self.family_name}"


class FamilyNameVariant(models.Model):
    """One word of a patient's folded surname, whole or less one letter (clinic.patients.search_keys):
    what search looks a typed word up in to forgive one typo. Kept in step by the actions."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="family_name_variants")
    text = models.CharField(max_length=200)
    # Where the letter left out stood and what it was; None and "" for the whole word.
    deleted_position = models.PositiveSmallIntegerField(null=True)
    deleted_letter = models.CharField(max_length=1, blank=True)

    class Meta:
        indexes = [models.Index(fields=["text"], name="family_name_variant_text_idx")]

    def __str__(self) -> str:
        return self.text


class MrnSequence(models.Model):
    """Next medical record number per organisation; locked while a patient is registered."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE)
    last_number = models.PositiveIntegerField(default=0)

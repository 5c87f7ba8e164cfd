"""Consent documents (one per text, numbered per site) and the consents patients sign on them.

A document and a signed consent are never changed or removed (database triggers refuse it, migration
0002): a withdrawal adds who withdrew, when and why, once.
"""


from django.conf import settings
from django.db import models

from clinic.patients.models import Document, Patient, PatientRecordQuerySet
from clinic.protocols.models import ClinicProtocol
from clinic.rules import consent as consent_text
from clinic.sites.models import Site


class ConsentDocument(models.Model):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="consent_documents")
    version = models.PositiveIntegerField()
    # The protocol version whose settings first gave this text.
    protocol = models.ForeignKey(ClinicProtocol, on_delete=models.PROTECT, related_name="+")
    rules_version = models.CharField(max_length=40)
    # [{"key", "heading", "paragraphs": [{"text", "source"}]}] as clinic.rules.consent.as_json writes it.
    sections = models.JSONField()
    content_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["site", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["site", "version"], name="one_consent_document_version_per_site"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"version {self.version}"

    @property
    def text(self) -> tuple[consent_text.Section, ...]:
        return consent_text.from_json(self.sections)


class Method(models.TextChoices):
    SIGNED_ON_SCREEN = "signed_on_screen", "Signed on screen"
    PAPER_SCAN = "paper_scan", "Signed on paper, scan uploaded"


class Consent(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="consents")
    document = models.ForeignKey(ConsentDocument, on_delete=models.PROTECT, related_name="consents")
    # The protocol in force when the patient signed, and the rules that built the text.
    protocol = models.ForeignKey(ClinicProtocol, on_delete=models.PROTECT, related_name="+")
    rules_version = models.CharField(max_length=40)
    counselled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    counselled_at = models.DateTimeField()
    counselling_note = models.TextField()
    method = models.CharField(max_length=20, choices=Method.choices)
    # On screen: the patient's full name as typed, and the strokes drawn on the pad
    # ([[x, y], ...] per stroke, in a 600 × 200 box).
    signed_name = models.CharField(max_length=200, blank=True)
    signature_strokes = models.JSONField(default=list, blank=True)
    scan = models.ForeignKey(Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    signed_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    withdrawal_reason = models.TextField(blank=True)

    objects = PatientRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(method="signed_on_screen", scan__isnull=True) & ~models.Q(signed_name=""))
                | models.Q(method="paper_scan", scan__isnull=False),
                name="consent_signed_on_screen_or_scanned"),
        ]

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None

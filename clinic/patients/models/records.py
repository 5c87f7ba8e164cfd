"""Structured results, uploaded documents and the revision history of intake edits."""

from django.conf import settings
from django.db import models

from clinic.patients.models.registry import Patient


class ResultKind(models.TextChoices):
    PREGNANCY_TEST = "pregnancy_test", "Pregnancy test"
    URINE_TOXICOLOGY = "urine_toxicology", "Urine toxicology"
    LIVER_TESTS = "liver_tests", "Liver tests"
    ECG = "ecg", "ECG"
    OTHER = "other", "Other"


class Result(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="results")
    kind = models.CharField(max_length=20, choices=ResultKind.choices)
    taken_on = models.DateField()
    outcome = models.CharField(max_length=12, choices=(
        ("negative", "Negative / normal"), ("positive", "Positive / abnormal"),
        ("borderline", "Borderline"), ("pending", "Pending")))
    summary = models.CharField(max_length=300, blank=True,
                               help_text="e.g. ALT 32 U/L, AST 28 U/L; sinus rhythm, QTc 420 ms.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-taken_on", "-id"]


class DocumentKind(models.TextChoices):
    REFERRAL_LETTER = "referral_letter", "Referral letter"
    OUTSIDE_RECORDS = "outside_records", "Outside records"
    RESULT_REPORT = "result_report", "Result report"
    # A letter the clinic wrote and signed (clinic.letters), kept as its PDF.
    LETTER = "letter", "Letter from the clinic"
    # A signed paper consent, uploaded through the Consent tab (clinic.consents) and linked to its consent.
    CONSENT = "consent", "Signed consent"
    OTHER = "other", "Other"


def document_path(instance: "Document", filename: str) -> str:
    # Files are named by a random key, never by the patient's name.
    return f"patients/{instance.patient_id}/{instance.storage_key}"


class Document(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    document_date = models.DateField()
    title = models.CharField(max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size_bytes = models.PositiveIntegerField()
    storage_key = models.CharField(max_length=64, unique=True)
    file = models.FileField(upload_to=document_path)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["-document_date", "-id"]


class RecordRevision(models.Model):
    """One edit of a patient's record: which fields changed, from what to what, by whom."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="revisions")
    record_type = models.CharField(max_length=60)
    record_id = models.BigIntegerField()
    change = models.CharField(max_length=10, choices=(("create", "Added"), ("update", "Changed"),
                                                      ("delete", "Removed")))
    changes = models.JSONField(default=dict, help_text="{field: [before, after]}")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["-changed_at", "-id"]

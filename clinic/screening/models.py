"""Screening runs and eligibility decisions.

A run keeps the intake it read, every finding, and the protocol and rules versions it screened with,
so an old run reads exactly as it did whatever changes later. A decision is signed once, when it is
written: after that only addenda follow. The database refuses UPDATE and DELETE on all four tables
(migration 0002), like the audit trail's.
"""

from typing import Any

from django.conf import settings
from django.db import models

from clinic.patients.models import Patient, PatientRecordQuerySet
from clinic.protocols.models import ClinicProtocol
from clinic.sites.models import Site


class WrittenOnce(models.Model):
    """A row that is written once and never changed or removed."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError(f"{type(self).__name__} rows are never changed once written.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError(f"{type(self).__name__} rows are never removed.")


class Trigger(models.TextChoices):
    MANUAL = "manual", "Screened again by a clinician"
    INTAKE_CHANGED = "intake_changed", "The intake changed"
    API = "api", "Screened through the API"


class FindingKind(models.TextChoices):
    HARD_STOP = "hard_stop", "Hard stop"
    CAUTION = "caution", "Caution"
    INFORMATION = "information", "Information"


class ScreeningRun(WrittenOnce):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="screening_runs")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    # The run's number for this patient, 1 for the first: what a clinician calls "run 3".
    number = models.PositiveIntegerField()
    run_at = models.DateTimeField()
    # Empty for a run the system made after an intake change.
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")
    trigger = models.CharField(max_length=20, choices=Trigger.choices)
    protocol = models.ForeignKey(ClinicProtocol, on_delete=models.PROTECT, related_name="+")
    rules_version = models.CharField(max_length=40)
    # The day screened for (the site's today when the run was made).
    screened_for = models.DateField()
    # The intake as the rules read it, JSON-plain.
    inputs = models.JSONField()
    # Each finding: code, kind, title, message, data, source, urgent, blocks_infusion_start.
    findings = models.JSONField()

    objects = PatientRecordQuerySet.as_manager()

    class Meta:
        ordering = ["patient", "-number"]
        constraints = [models.UniqueConstraint(fields=["patient", "number"], name="one_screening_run_number")]

    def __str__(self) -> str:
        return f"Screening run {self.number}"

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        return [finding for finding in self.findings if finding["kind"] == kind]

    @property
    def hard_stops(self) -> list[dict[str, Any]]:
        return self.of_kind(FindingKind.HARD_STOP)

    @property
    def cautions(self) -> list[dict[str, Any]]:
        return self.of_kind(FindingKind.CAUTION)

    @property
    def information(self) -> list[dict[str, Any]]:
        return self.of_kind(FindingKind.INFORMATION)


class Outcome(models.TextChoices):
    ELIGIBLE = "eligible", "Eligible"
    ELIGIBLE_WITH_CONDITIONS = "eligible_with_conditions", "Eligible with conditions"
    NOT_ELIGIBLE = "not_eligible", "Not eligible"


class EligibilityDecision(WrittenOnce):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="eligibility_decisions")
    screening_run = models.ForeignKey(ScreeningRun, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(max_length=30, choices=Outcome.choices)
    summary = models.TextField()
    # Required for "eligible with conditions", empty otherwise.
    conditions = models.TextField(blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField()
    protocol = models.ForeignKey(ClinicProtocol, on_delete=models.PROTECT, related_name="+")
    rules_version = models.CharField(max_length=40)

    objects = PatientRecordQuerySet.as_manager()

    class Meta:
        ordering = ["patient", "-signed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({self.signed_at:%Y-%m-%d})"

    @property
    def allows_treatment(self) -> bool:
        return self.outcome != Outcome.NOT_ELIGIBLE


class CautionDecision(WrittenOnce):
    """The prescriber's written decision on one caution of the run the decision reviewed."""

    decision = models.ForeignKey(EligibilityDecision, on_delete=models.PROTECT, related_name="caution_decisions")
    code = models.CharField(max_length=40)
    # The finding as the prescriber read it.
    title = models.CharField(max_length=200)
    message = models.TextField()
    # The finding's data as the prescriber read it (the medicines, the scores): a caution found later with
    # other data is one nobody decided on. Empty on rows written before it was kept: read from the run then.
    data = models.JSONField(null=True, blank=True)
    written_decision = models.TextField()

    class Meta:
        ordering = ["decision", "id"]
        constraints = [models.UniqueConstraint(fields=["decision", "code"], name="one_caution_decision_per_code")]

    def __str__(self) -> str:
        return self.code


class DecisionAddendum(WrittenOnce):
    decision = models.ForeignKey(EligibilityDecision, on_delete=models.PROTECT, related_name="addenda")
    text = models.TextField()
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField()

    class Meta:
        ordering = ["decision", "written_at", "id"]

    def __str__(self) -> str:
        return f"Addendum {self.written_at:%Y-%m-%d %H:%M}"

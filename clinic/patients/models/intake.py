"""Intake: indications, other diagnoses, medicines, allergies, measurements, prior treatments and
the safety history that eligibility screening reads (clinical-reference §2–§3)."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible

from clinic.patients.models.registry import Patient
from clinic.rules import physiological_ranges
from clinic.rules.drug_classes import DRUG_CLASS_TABLE
from clinic.rules.indications import INDICATION_TABLE
from clinic.rules.safety_history import SAFETY_LABELS

# The seven indications of clinical-reference §2.1, from the rules' table.
IndicationCode = models.TextChoices("IndicationCode", [(code, (code, label)) for code, label, _ in INDICATION_TABLE])


@deconstructible
class WithinPhysiologicalRange:
    """Refuses a value outside the rules' range for this measure, with the rules' message."""

    def __init__(self, measure: str) -> None:
        self.measure = measure

    def __call__(self, value: Decimal | int | None) -> None:
        try:
            physiological_ranges.check(self.measure, value)
        except physiological_ranges.OutOfPhysiologicalRange as error:
            raise ValidationError(error.message, code=error.code) from None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WithinPhysiologicalRange) and other.measure == self.measure

    def __hash__(self) -> int:
        return hash(self.measure)


class Indication(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="indications")
    code = models.CharField(max_length=20, choices=IndicationCode.choices)
    icd10_code = models.CharField("ICD-10-CM code", max_length=10)
    is_primary = models.BooleanField(default=False)
    noted_on = models.DateField()
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-is_primary", "noted_on", "id"]


class DiagnosisStatus(models.TextChoices):
    CURRENT = "current", "Current"
    PAST = "past", "Past"


class OtherDiagnosis(models.Model):
    """A diagnosis beside the indications being treated, coded in ICD-10-CM: screening reads these
    codes with the indications' (clinical-reference §2.1, "Codes that screening must read")."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="other_diagnoses")
    icd10_code = models.CharField("ICD-10-CM code", max_length=10)
    # Copied from the code set when the code is recorded, so a later code-set release cannot
    # change what the record said.
    description = models.CharField(max_length=255)
    status = models.CharField(max_length=8, choices=DiagnosisStatus.choices)
    onset_on = models.DateField("onset", null=True, blank=True)
    resolved_on = models.DateField("resolved", null=True, blank=True)
    noted_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        # "current" sorts before "past": current diagnoses first.
        ordering = ["status", "-noted_on", "id"]
        verbose_name_plural = "other diagnoses"

    @property
    def is_current(self) -> bool:
        return self.status == DiagnosisStatus.CURRENT


# The drug classes of clinical-reference §2.2–§3, from the rules' table.
DrugClass = models.TextChoices("DrugClass", [(code, (code, label)) for code, label in DRUG_CLASS_TABLE])


class Medication(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="medications")
    name = models.CharField(max_length=120)
    drug_class = models.CharField(max_length=24, choices=DrugClass.choices)
    dose_text = models.CharField("dose and frequency", max_length=120, blank=True)
    lorazepam_equivalent_mg_per_day = models.DecimalField(
        max_digits=6, decimal_places=2, null=True, blank=True,
        help_text="For benzodiazepines: daily dose as lorazepam-equivalent mg.")
    started_on = models.DateField(null=True, blank=True)
    stopped_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["stopped_on", "name"]

    @property
    def is_current(self) -> bool:
        return self.stopped_on is None


class Allergy(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="allergies")
    substance = models.CharField(max_length=120)
    reaction = models.CharField(max_length=200, blank=True)
    severity = models.CharField(max_length=10, choices=(("mild", "Mild"), ("moderate", "Moderate"),
                                                        ("severe", "Severe")), blank=True)

    class Meta:
        ordering = ["substance"]


class BodyMeasurement(models.Model):
    """Weight, height and seated BP/HR at a date; kept over time, newest wins for dosing."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="measurements")
    measured_on = models.DateField()
    weight_kg = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True,
                                    validators=[WithinPhysiologicalRange("weight_kg")])
    height_cm = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True,
                                    validators=[WithinPhysiologicalRange("height_cm")])
    systolic_mmhg = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[WithinPhysiologicalRange("systolic_mmhg")])
    diastolic_mmhg = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[WithinPhysiologicalRange("diastolic_mmhg")])
    heart_rate_bpm = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[WithinPhysiologicalRange("heart_rate_bpm")])
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-measured_on", "-id"]


class TrialKind(models.TextChoices):
    MEDICATION = "medication", "Medication"
    PSYCHOTHERAPY = "psychotherapy", "Psychotherapy"
    TMS = "tms", "TMS"
    ECT = "ect", "ECT"
    KETAMINE = "ketamine", "Ketamine or esketamine"


class TrialOutcome(models.TextChoices):
    """clinical-reference §2.2."""

    NO_RESPONSE = "no_response", "No response"
    PARTIAL_RESPONSE = "partial_response", "Partial response"
    RESPONSE = "response", "Response"
    RESPONSE_THEN_RELAPSE = "response_then_relapse", "Response, then relapse"
    INTOLERANCE = "intolerance", "Stopped for intolerance"
    UNKNOWN = "unknown", "Unknown"


class TreatmentTrial(models.Model):
    """One prior treatment, one row (clinical-reference §2.2 intake history)."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="treatment_trials")
    kind = models.CharField(max_length=16, choices=TrialKind.choices)
    name = models.CharField(max_length=120, help_text="Drug, therapy modality or protocol.")
    drug_class = models.CharField(max_length=24, choices=DrugClass.choices, blank=True)
    max_daily_dose = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    dose_unit = models.CharField(max_length=12, blank=True)
    started_on = models.DateField(null=True, blank=True)
    stopped_on = models.DateField(null=True, blank=True)
    weeks_at_adequate_dose = models.PositiveSmallIntegerField(null=True, blank=True)
    adherence = models.CharField(max_length=10, blank=True, choices=(
        ("good", "Good"), ("partial", "Partial"), ("poor", "Poor"), ("unknown", "Unknown")))
    sessions_count = models.PositiveSmallIntegerField(null=True, blank=True,
                                                      help_text="Visits or treatments given.")
    route = models.CharField(max_length=20, blank=True, help_text="For ketamine: IV, IM, oral, nasal.")
    non_medical = models.BooleanField(default=False, help_text="Ketamine used outside medical care.")
    cognitive_effects = models.CharField(max_length=200, blank=True)
    outcome = models.CharField(max_length=24, choices=TrialOutcome.choices)
    reason_stopped = models.CharField(max_length=200, blank=True)
    current_episode = models.BooleanField(null=True, blank=True, help_text="Given in the current episode?")
    source = models.CharField(max_length=10, choices=(("patient", "Patient report"),
                                                      ("records", "Records")), default="patient")
    adequate_dose = models.BooleanField(null=True, blank=True, help_text="Prescriber confirms an adequate dose.")

    class Meta:
        ordering = ["started_on", "id"]


class SafetyHistory(models.Model):
    """The history that eligibility screening reads, one row per patient; edits are kept as
    RecordRevision rows."""

    patient = models.OneToOneField(Patient, on_delete=models.CASCADE, related_name="safety_history")
    notes = models.TextField(blank=True)
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    def answers(self) -> dict[str, bool | None]:
        return {name: getattr(self, name) for name in SAFETY_LABELS}


# One yes / no column per question of the rules' safety history, unknown (null) until answered.
for _name, _label in SAFETY_LABELS.items():
    SafetyHistory.add_to_class(_name, models.BooleanField(_label, null=True, blank=True))

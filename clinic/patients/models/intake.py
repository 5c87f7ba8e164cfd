"""Intake: indications, medicines, allergies, measurements, prior treatments and the safety
history that eligibility screening reads (clinical-reference §2–§3)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from clinic.patients.models.registry import Patient


class IndicationCode(models.TextChoices):
    """The seven indications of clinical-reference §2.1."""

    TRD_UNIPOLAR = "TRD_UNIPOLAR", "Treatment-resistant major depression"
    TRD_BIPOLAR = "TRD_BIPOLAR", "Bipolar depression"
    ANXIETY = "ANXIETY", "Anxiety disorder"
    PTSD = "PTSD", "Post-traumatic stress disorder"
    OCD = "OCD", "Obsessive-compulsive disorder"
    FIBROMYALGIA = "FIBROMYALGIA", "Fibromyalgia"
    MIGRAINE_CHRONIC = "MIGRAINE_CHRONIC", "Chronic migraine"


# ICD-10-CM code prefixes accepted per indication (clinical-reference §2.1; verify against the
# current code set). A code must start with one of these.
ICD10_PREFIXES: dict[str, tuple[str, ...]] = {
    IndicationCode.TRD_UNIPOLAR: ("F32", "F33"),
    IndicationCode.TRD_BIPOLAR: ("F31.3", "F31.4", "F31.81", "F31.5"),
    IndicationCode.ANXIETY: ("F41.1", "F41.0", "F40.1"),
    IndicationCode.PTSD: ("F43.10", "F43.11", "F43.12"),
    IndicationCode.OCD: ("F42.2", "F42.8", "F42.9"),
    IndicationCode.FIBROMYALGIA: ("M79.7",),
    IndicationCode.MIGRAINE_CHRONIC: ("G43.7",),
}


class Indication(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="indications")
    code = models.CharField(max_length=20, choices=IndicationCode.choices)
    icd10_code = models.CharField("ICD-10-CM code", max_length=10)
    is_primary = models.BooleanField(default=False)
    noted_on = models.DateField()
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-is_primary", "noted_on", "id"]


class DrugClass(models.TextChoices):
    ANTIDEPRESSANT_SSRI = "ssri", "Antidepressant — SSRI"
    ANTIDEPRESSANT_SNRI = "snri", "Antidepressant — SNRI"
    ANTIDEPRESSANT_TCA = "tca", "Antidepressant — tricyclic"
    ANTIDEPRESSANT_MAOI = "maoi", "Antidepressant — MAOI"
    ANTIDEPRESSANT_OTHER = "antidepressant_other", "Antidepressant — other"
    ANTIPSYCHOTIC = "antipsychotic", "Antipsychotic"
    MOOD_STABILISER = "mood_stabiliser", "Mood stabiliser"
    BENZODIAZEPINE = "benzodiazepine", "Benzodiazepine"
    SEDATIVE_HYPNOTIC = "sedative_hypnotic", "Sedative-hypnotic"
    OPIOID = "opioid", "Opioid"
    STIMULANT = "stimulant", "Stimulant"
    ANTIHYPERTENSIVE = "antihypertensive", "Antihypertensive"
    OTHER = "other", "Other"


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
                                    validators=[MinValueValidator(25), MaxValueValidator(350)])
    height_cm = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True,
                                    validators=[MinValueValidator(100), MaxValueValidator(250)])
    systolic_mmhg = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(50), MaxValueValidator(300)])
    diastolic_mmhg = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(20), MaxValueValidator(200)])
    heart_rate_bpm = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(20), MaxValueValidator(250)])
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


# Each safety item is asked as yes / no and stays unknown (null) until someone answers it.
SAFETY_ITEMS: tuple[tuple[str, str], ...] = (
    ("psychosis_current", "Current psychosis"),
    ("psychotic_features_this_episode", "Psychotic features in this episode"),
    ("psychosis_past", "Past psychosis or psychotic disorder"),
    ("mania_current", "Current manic or mixed episode"),
    ("hypomania_current", "Current hypomania"),
    ("bipolar_disorder", "Bipolar disorder"),
    ("cardiovascular_unstable", "Poorly controlled cardiovascular disease"),
    ("hypertension_uncontrolled", "Uncontrolled hypertension"),
    ("hypertension_controlled", "Controlled hypertension"),
    ("aneurysm", "Aneurysmal vascular disease"),
    ("arteriovenous_malformation", "Arteriovenous malformation"),
    ("intracerebral_haemorrhage_past", "Past intracerebral haemorrhage"),
    ("pregnant", "Pregnant (reported or positive test)"),
    ("could_become_pregnant", "Could become pregnant"),
    ("breastfeeding", "Breastfeeding"),
    ("ketamine_hypersensitivity", "Hypersensitivity to ketamine or esketamine"),
    ("substance_use_disorder_current", "Current moderate or severe substance use disorder"),
    ("ketamine_non_medical_current", "Current non-medical ketamine use"),
    ("substance_use_disorder_past", "Past substance use disorder"),
    ("ketamine_misuse_past", "Past ketamine misuse"),
    ("hepatic_impairment_severe", "Severe hepatic impairment"),
    ("liver_disease", "Liver disease, moderate impairment or abnormal liver tests"),
    ("urinary_symptoms_current", "Current urinary symptoms"),
    ("cystitis_past", "Past cystitis"),
    ("raised_intracranial_or_intraocular_pressure", "Raised intracranial or intraocular pressure"),
    ("neurocognitive_disorder", "Neurocognitive disorder"),
    ("traumatic_brain_injury_symptomatic", "Symptomatic traumatic brain injury"),
    ("dissociative_disorder", "Primary dissociative disorder"),
)


class SafetyHistory(models.Model):
    """The history that eligibility screening reads, one row per patient; edits are kept as
    RecordRevision rows."""

    patient = models.OneToOneField(Patient, on_delete=models.CASCADE, related_name="safety_history")
    notes = models.TextField(blank=True)
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    def answers(self) -> dict[str, bool | None]:
        return {name: getattr(self, name) for name, _ in SAFETY_ITEMS}


for _name, _label in SAFETY_ITEMS:
    SafetyHistory.add_to_class(_name, models.BooleanField(_label, null=True, blank=True))

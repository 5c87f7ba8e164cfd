"""Request and response bodies of the intake record, one set per kind of entry, with the record's
own limits and vocabularies."""

import datetime as dt
from typing import Annotated, Any, Literal

from django.db.models import Model
from pydantic import AfterValidator, ConfigDict, Field, create_model

from clinic.api.v1.fields import (
    Flag,
    IsoDate,
    LongText,
    blank_choice_in,
    blank_choice_out,
    decimal_number,
    measurement,
    text,
    whole_number,
)
from clinic.api.v1.schemas import In, Out, patch_of
from clinic.patients.models import Allergy, Result, TreatmentTrial
from clinic.patients.models.intake import DiagnosisStatus, DrugClass, IndicationCode, TrialKind, TrialOutcome
from clinic.patients.models.records import ResultKind
from clinic.rules import icd10, plausibility
from clinic.rules.safety_history import SAFETY_LABELS


def example(body: dict[str, Any]) -> ConfigDict:
    """An example body for the docs page and for schemathesis."""
    return ConfigDict(json_schema_extra={"examples": [body]})


def choices_of(model: type[Model], field_name: str) -> Any:
    """The values of a field's fixed choices, as a Literal type."""
    return Literal[tuple(value for value, _ in model._meta.get_field(field_name).choices)]


Severity = choices_of(Allergy, "severity")
Adherence = choices_of(TreatmentTrial, "adherence")
TrialSource = choices_of(TreatmentTrial, "source")
ResultOutcome = choices_of(Result, "outcome")
OptionalDate = IsoDate | None
Confirmable = Literal[plausibility.CONFIRMABLE]


class IndicationIn(In):
    model_config = example({"code": "TRD_UNIPOLAR", "icd10_code": "F33.2", "is_primary": True,
                            "noted_on": "2026-10-01"})

    code: IndicationCode | None = Field(default=None, description="The indication; taken from the code when "
                                                                  "left out. A code of another indication gets 422.")
    icd10_code: text(min_length=1, max_length=10) = Field(description="ICD-10-CM code, e.g. F33.2.")
    is_primary: Flag = False
    noted_on: IsoDate
    active: Flag = True


class IndicationOut(Out):
    id: str
    code: IndicationCode
    icd10_code: str
    is_primary: bool
    noted_on: dt.date
    active: bool


class OtherDiagnosisIn(In):
    model_config = example({"icd10_code": "F31.81", "status": "past", "onset_on": "2019-03-01",
                            "resolved_on": "2021-06-01", "noted_on": "2026-10-01"})

    # Written as the code set writes it ("f3181" is F31.81); whether the code set holds it is checked
    # when the entry is saved.
    icd10_code: Annotated[text(min_length=1, max_length=10), AfterValidator(icd10.normalise)] = Field(
        description=f"ICD-10-CM code, e.g. F31.81 ({icd10.CODE_SET}). A code the code set does not hold, "
                    f"a chapter or a block gets 400.")
    status: DiagnosisStatus = Field(description="current, or past (resolved or in remission).")
    onset_on: OptionalDate = None
    resolved_on: OptionalDate = Field(default=None, description="Only for a past diagnosis.")
    noted_on: IsoDate


class OtherDiagnosisOut(Out):
    id: str
    icd10_code: str
    description: str = Field(description="The code set's description, as it read when the code was recorded.")
    status: DiagnosisStatus
    onset_on: dt.date | None
    resolved_on: dt.date | None
    noted_on: dt.date
    recorded_by_id: str
    recorded_at: dt.datetime


class MedicationIn(In):
    model_config = example({"name": "Sertraline", "drug_class": "ssri", "dose_text": "100 mg daily",
                            "started_on": "2025-06-01"})

    name: text(min_length=1, max_length=120)
    drug_class: DrugClass
    dose_text: text(max_length=120) = Field(default="", description="Dose and frequency, e.g. 20 mg daily.")
    lorazepam_equivalent_mg_per_day: decimal_number(ge=0, le=9999.99, places=2) | None = Field(
        default=None, description="For benzodiazepines: the daily dose as lorazepam-equivalent mg.")
    started_on: OptionalDate = None
    stopped_on: OptionalDate = None


class MedicationOut(Out):
    id: str
    name: str
    drug_class: DrugClass
    dose_text: str
    lorazepam_equivalent_mg_per_day: float | None
    started_on: dt.date | None
    stopped_on: dt.date | None


class AllergyIn(In):
    model_config = example({"substance": "Penicillin", "reaction": "Rash", "severity": "moderate"})

    substance: text(min_length=1, max_length=120)
    reaction: text(max_length=200) = ""
    severity: blank_choice_in(Severity) = None


class AllergyOut(Out):
    id: str
    substance: str
    reaction: str
    severity: blank_choice_out(Severity)


class MeasurementIn(In):
    model_config = example({"measured_on": "2026-11-20", "weight_kg": 72.5, "height_cm": 168.0,
                            "systolic_mmhg": 128, "diastolic_mmhg": 82, "heart_rate_bpm": 71})

    measured_on: IsoDate
    weight_kg: measurement("weight_kg", places=1) | None = None
    height_cm: measurement("height_cm", places=1) | None = None
    systolic_mmhg: measurement("systolic_mmhg") | None = None
    diastolic_mmhg: measurement("diastolic_mmhg") | None = None
    heart_rate_bpm: measurement("heart_rate_bpm") | None = None
    confirm: list[Confirmable] = Field(
        default=[], description="Warnings confirmed as right: WEIGHT_CHANGE for a weight more than 10 % from the "
                                "last, HEIGHT_CHANGE for an adult height more than 5 cm from the last. Without "
                                "it such a value gets 422 with the warning's code.")


class MeasurementOut(Out):
    id: str
    measured_on: dt.date
    weight_kg: float | None
    height_cm: float | None
    systolic_mmhg: int | None
    diastolic_mmhg: int | None
    heart_rate_bpm: int | None
    recorded_by_id: str
    recorded_at: dt.datetime


class TreatmentTrialIn(In):
    model_config = example({"kind": "medication", "name": "Sertraline", "drug_class": "ssri",
                            "max_daily_dose": 200, "dose_unit": "mg", "weeks_at_adequate_dose": 8,
                            "adherence": "good", "outcome": "no_response", "current_episode": True,
                            "adequate_dose": True})

    kind: TrialKind
    name: text(min_length=1, max_length=120) = Field(description="Drug, therapy modality or protocol.")
    drug_class: blank_choice_in(DrugClass) = None
    max_daily_dose: decimal_number(ge=0, le=999999.99, places=2) | None = None
    dose_unit: text(max_length=12) = ""
    started_on: OptionalDate = None
    stopped_on: OptionalDate = None
    weeks_at_adequate_dose: whole_number(ge=0, le=32767) | None = None
    adherence: blank_choice_in(Adherence) = None
    sessions_count: whole_number(ge=0, le=32767) | None = None
    route: text(max_length=20) = Field(default="", description="For ketamine: IV, IM, oral, nasal.")
    non_medical: Flag = Field(default=False, description="Ketamine used outside medical care.")
    cognitive_effects: text(max_length=200) = ""
    outcome: TrialOutcome
    reason_stopped: text(max_length=200) = ""
    # null = not yet known (e.g. adequacy awaiting the prescriber's confirmation).
    current_episode: Flag | None = Field(default=None, description="Given in the current episode? null if unknown.")
    source: TrialSource = "patient"
    adequate_dose: Flag | None = Field(default=None, description="Prescriber confirms an adequate dose; null until "
                                                                   "confirmed.")


class TreatmentTrialOut(Out):
    id: str
    kind: TrialKind
    name: str
    drug_class: blank_choice_out(DrugClass)
    max_daily_dose: float | None
    dose_unit: str
    started_on: dt.date | None
    stopped_on: dt.date | None
    weeks_at_adequate_dose: int | None
    adherence: blank_choice_out(Adherence)
    sessions_count: int | None
    route: str
    non_medical: bool
    cognitive_effects: str
    outcome: TrialOutcome
    reason_stopped: str
    current_episode: bool | None
    source: TrialSource
    adequate_dose: bool | None


class ResultIn(In):
    model_config = example({"kind": "ecg", "taken_on": "2026-11-18", "outcome": "negative",
                            "summary": "Sinus rhythm, QTc 420 ms"})

    kind: ResultKind
    taken_on: IsoDate
    outcome: ResultOutcome
    summary: text(max_length=300) = Field(default="", description="e.g. ALT 32 U/L, AST 28 U/L.")


class ResultOut(Out):
    id: str
    kind: ResultKind
    taken_on: dt.date
    outcome: ResultOutcome
    summary: str
    recorded_by_id: str
    recorded_at: dt.datetime


IndicationPatch = patch_of(IndicationIn, name="IndicationPatch")
OtherDiagnosisPatch = patch_of(OtherDiagnosisIn, name="OtherDiagnosisPatch")
MedicationPatch = patch_of(MedicationIn, name="MedicationPatch")
AllergyPatch = patch_of(AllergyIn, name="AllergyPatch")
MeasurementPatch = patch_of(MeasurementIn, name="MeasurementPatch")
TreatmentTrialPatch = patch_of(TreatmentTrialIn, name="TreatmentTrialPatch")
ResultPatch = patch_of(ResultIn, name="ResultPatch")

# Each safety item is yes (true), no (false) or not asked yet (null).
SafetyAnswersIn = create_model(
    "SafetyAnswersIn", __base__=In,
    **{name: (Flag | None, Field(default=None, description=label)) for name, label in SAFETY_LABELS.items()})
SafetyAnswersOut = create_model(
    "SafetyAnswersOut", __base__=Out,
    **{name: (bool | None, Field(description=label)) for name, label in SAFETY_LABELS.items()})


class SafetyHistoryIn(In):
    model_config = example({"answers": {"pregnant": False, "hypertension_controlled": True,
                                        "psychosis_current": False},
                            "notes": "BP controlled on amlodipine."})

    answers: SafetyAnswersIn = Field(description="Every item; one left out is recorded as not asked.")
    notes: LongText = ""


class SafetyHistoryOut(Out):
    answers: SafetyAnswersOut
    notes: str
    updated_at: dt.datetime
    updated_by_id: str

    @staticmethod
    def resolve_answers(history: Any) -> dict[str, bool | None]:
        return history.answers()


class IntakeOut(Out):
    indications: list[IndicationOut]
    other_diagnoses: list[OtherDiagnosisOut]
    medications: list[MedicationOut]
    allergies: list[AllergyOut]
    measurements: list[MeasurementOut]
    treatment_trials: list[TreatmentTrialOut]
    results: list[ResultOut]
    safety_history: SafetyHistoryOut | None

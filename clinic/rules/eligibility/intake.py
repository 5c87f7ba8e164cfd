"""One patient's intake as plain values, the checks that refuse an impossible intake, and the
scoring of the intake screens.

Source: clinical-reference §3 (intake set [D]: safety history, screens, blood pressure, medicines,
pregnancy tests; the suicide risk assessment that lifts HS_SUICIDE_HIGH), §2.1 (diagnosis codes and
the primary scale of each indication) and §2.2 (prior treatments). The safety items and drug classes
mirror the patients app's (clinic/patients/models/intake.py), same names and order.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from clinic.rules import scales
from clinic.rules.drug_classes import DRUG_CLASSES
from clinic.rules.eligibility.diagnoses import Diagnosis, bipolar_codes, is_code_form
from clinic.rules.errors import DomainError
from clinic.rules.indications import INDICATIONS
from clinic.rules.safety_history import SAFETY_LABELS
from clinic.rules.scales.base import Score
from clinic.rules.trd import TreatmentTrial, check_trials
from clinic.rules.typed_values import day_text

SEXES = ("female", "male", "other", "unknown")
# Intake screens (§3 intake set [D]: AUDIT-C, DAST-10, the C-SSRS screener, the primary scale of each
# indication (§2.1) and YMRS if bipolar): each instrument code is also the IntakeScreens field holding its score.
SCREENS = ("audit_c", "dast10", "cssrs_screener", "phq9", "gad7", "pcl5", "ybocs", "fiqr", "midas", "ymrs")
# §3 HS_SUICIDE_HIGH: what a clinician's suicide risk assessment decided.
ASSESSMENT_OUTCOMES = ("proceed", "hold_treatment", "refer_emergency")


class IntakeInvalid(DomainError):
    code = "INTAKE_INVALID"


@dataclass(frozen=True)
class CurrentMedication:
    name: str
    drug_class: str
    lorazepam_equivalent_mg_per_day: Decimal | None = None  # benzodiazepines


@dataclass(frozen=True)
class PregnancyTest:
    taken_on: date
    positive: bool


@dataclass(frozen=True)
class BloodPressure:
    """One seated intake blood pressure."""

    measured_at: datetime
    systolic_mmhg: int
    diastolic_mmhg: int


@dataclass(frozen=True)
class SuicideRiskAssessment:
    """A clinician's suicide risk assessment after a high-risk C-SSRS screener (§3 HS_SUICIDE_HIGH);
    `outcome` is one of ASSESSMENT_OUTCOMES."""

    assessed_on: date
    outcome: str


@dataclass(frozen=True)
class IntakeScreens:
    """Scores from clinic.rules.scales, as `score_screens` gives them; None = not done.

    Each score must carry the answers it was scored from (Score.answers): screening reads the flags,
    alerts and risk the scale computed, and refuses a score built by hand. A C-SSRS screener with
    every answer No is done and has risk None; `cssrs_screener=None` means the screener was not done.
    """

    audit_c: Score | None = None
    dast10: Score | None = None
    cssrs_screener: Score | None = None
    phq9: Score | None = None
    gad7: Score | None = None
    pcl5: Score | None = None
    ybocs: Score | None = None
    fiqr: Score | None = None
    midas: Score | None = None
    ymrs: Score | None = None


@dataclass(frozen=True)
class Intake:
    """One patient's intake as plain values.

    `first_infusion_date` is the course's first infusion (planned or given); `infusion_date` the
    infusion this screening precedes (the same date at intake). `safety` maps SAFETY_ITEMS names to
    True, False or None (not asked); a name left out is not asked. `medications` are the current ones.

    `diagnoses` are every ICD-10-CM diagnosis screening must read (§2.1): callers pass the codes of
    the indications being treated, as current diagnoses, together with the patient's other
    diagnoses, current and past, so that a psychotic or bipolar diagnosis recorded beside another
    indication is not missed.

    `blood_pressures` are the seated intake readings, in any order; a reading at or above the
    uncontrolled level needs a recheck after the protocol's rest (§3 HS_HTN_UNCONTROLLED).
    `cssrs_screened_on` is the date of the C-SSRS screener in `screens` (None = not recorded), and
    `suicide_risk_assessments` the clinicians' assessments that may lift HS_SUICIDE_HIGH.
    `ymrs_rated_on` is the date of the YMRS in `screens` (None = not recorded): for a bipolar diagnosis
    it must be the day of the infusion screened for (§8, YMRS before every infusion).
    """

    birth_date: date
    first_infusion_date: date
    infusion_date: date
    sex: str
    indications: tuple[str, ...]
    safety: Mapping[str, bool | None]
    diagnoses: tuple[Diagnosis, ...] = ()
    medications: tuple[CurrentMedication, ...] = ()
    blood_pressures: tuple[BloodPressure, ...] = ()
    screens: IntakeScreens = IntakeScreens()
    cssrs_screened_on: date | None = None
    ymrs_rated_on: date | None = None
    suicide_risk_assessments: tuple[SuicideRiskAssessment, ...] = ()
    pregnancy_tests: tuple[PregnancyTest, ...] = ()
    treatment_trials: tuple[TreatmentTrial, ...] = ()

    def said_yes(self, name: str) -> bool:
        return self.safety.get(name) is True

    def is_bipolar(self) -> bool:
        """A yes to the bipolar question, a TRD_BIPOLAR indication or any F31 diagnosis: CA_BIPOLAR and
        YMRS follow, whatever the indication treated (§2.1, §3)."""
        return (self.said_yes("bipolar_disorder") or "TRD_BIPOLAR" in self.indications
                or bool(bipolar_codes(self.diagnoses)))


def is_whole_number(value: Any) -> bool:
    """An int, never a bool (True would read as 1)."""
    return isinstance(value, int) and not isinstance(value, bool)


def age_years(birth_date: date, on_date: date) -> int:
    """Whole years of age on `on_date`.

    A birthday is reached when (month, day) reaches the birth's (month, day); someone born on 29
    February therefore turns a year older on 1 March in common years (a product choice; the
    reference is silent, and legal conventions differ).
    """
    before_birthday = (on_date.month, on_date.day) < (birth_date.month, birth_date.day)
    return on_date.year - birth_date.year - before_birthday


def score_screens(*, answers: Mapping[str, Sequence[Any]], sex: str,
                  contexts: Mapping[str, dict[str, Any]] | None = None) -> IntakeScreens:
    """Score the intake screens (§3 intake set) through clinic.rules.scales.

    `answers` maps instrument codes (SCREENS) to answer lists as design §4.4 defines them; `contexts`
    may carry each scale's clinic settings ("protocol") and, for MIDAS, its unscored items. AUDIT-C is
    given the patient's sex for its cut-off. Bad answers raise the scale's error naming the item.
    """
    scores = {}
    for code, given in answers.items():
        if code not in SCREENS:
            raise IntakeInvalid(f"{code!r} is not an intake screen; expected one of {', '.join(SCREENS)}.",
                                field="answers")
        context = dict((contexts or {}).get(code, {}))
        if code == "audit_c":
            context["sex"] = sex
        scores[code] = scales.score(code, given, context)
    return IntakeScreens(**scores)


def check_intake(intake: Intake) -> None:
    """Refuse an intake with an impossible date, code, answer or measure, naming the field to correct."""
    _check_dates(intake)
    _check_diagnoses(intake.diagnoses)
    if intake.sex not in SEXES:
        raise IntakeInvalid(f"Sex {intake.sex!r} is not one of {', '.join(SEXES)}.", field="sex")
    for code in intake.indications:
        if code not in INDICATIONS:
            raise IntakeInvalid(f"Indication {code!r} is not one of {', '.join(INDICATIONS)}.", field="indications")
    for name, answer in intake.safety.items():
        if name not in SAFETY_LABELS:
            raise IntakeInvalid(f"{name!r} is not a safety history question.", field=f"safety.{name}")
        if answer not in (True, False, None):
            raise IntakeInvalid(f"{SAFETY_LABELS[name]}: answer yes, no or leave it unasked, not {answer!r}.",
                                field=f"safety.{name}")
    for index, med in enumerate(intake.medications):
        _check_medication(index, med)
    _check_blood_pressures(intake.blood_pressures)
    _check_screens(intake.screens)
    _check_suicide_risk_assessments(intake)
    check_trials(intake.treatment_trials)


def _check_dates(intake: Intake) -> None:
    if intake.birth_date > intake.first_infusion_date:
        raise IntakeInvalid("The birth date is after the first infusion date. Check both dates.", field="birth_date")
    if intake.infusion_date < intake.first_infusion_date:
        raise IntakeInvalid("The infusion screened for is before the course's first infusion. Check both dates.",
                            field="infusion_date")
    if intake.ymrs_rated_on is not None and intake.ymrs_rated_on > intake.infusion_date:
        raise IntakeInvalid(f"The YMRS is dated {day_text(intake.ymrs_rated_on)}, after the infusion screened for "
                            f"({day_text(intake.infusion_date)}). Check the date.", field="ymrs_rated_on")
    for index, test in enumerate(intake.pregnancy_tests):
        if test.taken_on > intake.infusion_date:
            raise IntakeInvalid(f"A pregnancy test is dated {day_text(test.taken_on)}, after the infusion screened "
                                f"for ({day_text(intake.infusion_date)}). Check the test date.",
                                field=f"pregnancy_tests[{index}].taken_on")


def _check_medication(index: int, med: CurrentMedication) -> None:
    if med.drug_class not in DRUG_CLASSES:
        raise IntakeInvalid(f"{med.name}: drug class {med.drug_class!r} is not one of {', '.join(DRUG_CLASSES)}.",
                            field=f"medications[{index}].drug_class")
    dose = med.lorazepam_equivalent_mg_per_day
    if dose is not None and (not isinstance(dose, int | Decimal) or isinstance(dose, bool)
                             or not Decimal(dose).is_finite() or dose < 0):
        raise IntakeInvalid(f"{med.name}: the lorazepam-equivalent dose must be a decimal number of mg/day, 0 or "
                            f"more; {dose!r} was given.", field=f"medications[{index}].lorazepam_equivalent_mg_per_day")


def _check_diagnoses(diagnoses: tuple[Diagnosis, ...]) -> None:
    for index, diagnosis in enumerate(diagnoses):
        if not isinstance(diagnosis.code, str) or not is_code_form(diagnosis.code):
            raise IntakeInvalid(f"{diagnosis.code!r} is not an ICD-10-CM code (a letter, two characters, then up to "
                                "four after the dot, e.g. F31.64). Check the code.", field=f"diagnoses[{index}].code")
        if not isinstance(diagnosis.current, bool):
            raise IntakeInvalid(f"Diagnosis {diagnosis.code}: say whether it is current (true) or past (false), not "
                                f"{diagnosis.current!r}.", field=f"diagnoses[{index}].current")


def _check_blood_pressures(readings: tuple[BloodPressure, ...]) -> None:
    for index, reading in enumerate(readings):
        where = f"blood_pressures[{index}]"
        if not isinstance(reading.measured_at, datetime):
            raise IntakeInvalid(f"Blood pressure {index + 1}: record the date and time it was measured.",
                                field=f"{where}.measured_at")
        if (reading.measured_at.tzinfo is None) != (readings[0].measured_at.tzinfo is None):
            raise IntakeInvalid(f"Blood pressure {index + 1}: its time has a time zone and another reading's has not, "
                                "so they cannot be put in order. Record every time with its zone.",
                                field=f"{where}.measured_at")
        for name in ("systolic_mmhg", "diastolic_mmhg"):
            value = getattr(reading, name)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise IntakeInvalid(f"The intake blood pressure must be whole mmHg above 0; {name} is {value!r}.",
                                    field=f"{where}.{name}")


def _check_suicide_risk_assessments(intake: Intake) -> None:
    screened_on = intake.cssrs_screened_on
    if screened_on is not None and screened_on > intake.infusion_date:
        raise IntakeInvalid(f"The C-SSRS screener is dated {day_text(screened_on)}, after the infusion screened for "
                            f"({day_text(intake.infusion_date)}). Check the date.", field="cssrs_screened_on")
    for index, assessment in enumerate(intake.suicide_risk_assessments):
        where = f"suicide_risk_assessments[{index}]"
        if assessment.outcome not in ASSESSMENT_OUTCOMES:
            raise IntakeInvalid(f"Suicide risk assessment {index + 1}: outcome {assessment.outcome!r} is not one of "
                                f"{', '.join(ASSESSMENT_OUTCOMES)}.", field=f"{where}.outcome")
        if assessment.assessed_on > intake.infusion_date:
            raise IntakeInvalid(f"A suicide risk assessment is dated {day_text(assessment.assessed_on)}, after the "
                                f"infusion screened for ({day_text(intake.infusion_date)}). Check the date.",
                                field=f"{where}.assessed_on")


def _check_screens(screens: IntakeScreens) -> None:
    """Refuse a score of another instrument, and one without the answers it was scored from: its flags, alerts and
    risk (a positive AUDIT-C, a YMRS of 12 or more, C-SSRS high risk) were never computed, so a missing flag would
    pass silently."""
    for code in SCREENS:
        score = getattr(screens, code)
        if score is None:
            continue
        name = scales.instrument(code).name
        if score.instrument != code:
            raise IntakeInvalid(f"The {name} screen holds a {score.instrument!r} score. Score the {name} answers.",
                                field=f"screens.{code}")
        if score.answers is None:
            raise IntakeInvalid(f"The {name} score carries no answers, so its flags and alerts cannot be trusted. "
                                f"Score the {name} answers with score_screens.", field=f"screens.{code}")

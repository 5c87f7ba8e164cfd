"""One patient's intake as plain values, the checks that refuse an impossible intake, and the
scoring of the intake screens.

Source: clinical-reference §3 (intake set [D]: safety history, screens, blood pressure, medicines,
pregnancy tests) and §2.2 (prior treatments). The safety items and drug classes mirror the patients
app's (clinic/patients/models/intake.py), same names and order.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from clinic.rules import scales
from clinic.rules.drug_classes import DRUG_CLASSES
from clinic.rules.errors import DomainError
from clinic.rules.indications import INDICATIONS
from clinic.rules.safety_history import SAFETY_LABELS
from clinic.rules.scales.base import Score
from clinic.rules.trd import TreatmentTrial, check_trials

SEXES = ("female", "male", "other", "unknown")
# Intake screens (§3 intake set [D]): instrument code → the IntakeScreens field holding its score.
SCREENS = ("audit_c", "dast10", "cssrs_screener", "phq9", "ymrs")


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
class IntakeScreens:
    """Scores from clinic.rules.scales (or plain Score values); None = not done.

    A C-SSRS screener with every answer No is done and has risk None; `cssrs_screener=None` means
    the screener was not done.
    """

    audit_c: Score | None = None
    dast10: Score | None = None
    cssrs_screener: Score | None = None
    phq9: Score | None = None
    ymrs: Score | None = None


@dataclass(frozen=True)
class Intake:
    """One patient's intake as plain values.

    `first_infusion_date` is the course's first infusion (planned or given); `infusion_date` the
    infusion this screening precedes (the same date at intake). `safety` maps SAFETY_ITEMS names to
    True, False or None (not asked); a name left out is not asked. `medications` are the current ones.
    `systolic_mmhg`/`diastolic_mmhg` are the latest seated intake blood pressure.
    """

    birth_date: date
    first_infusion_date: date
    infusion_date: date
    sex: str
    indications: tuple[str, ...]
    safety: Mapping[str, bool | None]
    diagnosis_codes: tuple[str, ...] = ()
    medications: tuple[CurrentMedication, ...] = ()
    systolic_mmhg: int | None = None
    diastolic_mmhg: int | None = None
    screens: IntakeScreens = IntakeScreens()
    pregnancy_tests: tuple[PregnancyTest, ...] = ()
    treatment_trials: tuple[TreatmentTrial, ...] = ()

    def said_yes(self, name: str) -> bool:
        return self.safety.get(name) is True


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

    `answers` maps instrument codes (audit_c, dast10, cssrs_screener, phq9, ymrs) to answer lists as
    design §4.4 defines them; `contexts` may carry each scale's clinic settings ("protocol"). AUDIT-C
    is given the patient's sex for its cut-off. Bad answers raise the scale's error naming the item.
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
    _check_blood_pressure(intake)
    _check_screens(intake.screens)
    check_trials(intake.treatment_trials)


def _check_dates(intake: Intake) -> None:
    if intake.birth_date > intake.first_infusion_date:
        raise IntakeInvalid("The birth date is after the first infusion date. Check both dates.", field="birth_date")
    if intake.infusion_date < intake.first_infusion_date:
        raise IntakeInvalid("The infusion screened for is before the course's first infusion. Check both dates.",
                            field="infusion_date")
    for index, test in enumerate(intake.pregnancy_tests):
        if test.taken_on > intake.infusion_date:
            raise IntakeInvalid(f"A pregnancy test is dated {test.taken_on.isoformat()}, after the infusion screened "
                                f"for ({intake.infusion_date.isoformat()}). Check the test date.",
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


def _check_blood_pressure(intake: Intake) -> None:
    for name in ("systolic_mmhg", "diastolic_mmhg"):
        value = getattr(intake, name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value <= 0):
            raise IntakeInvalid(f"The intake blood pressure must be whole mmHg above 0; {name} is {value!r}.",
                                field=name)


def _check_screens(screens: IntakeScreens) -> None:
    for code in SCREENS:
        score = getattr(screens, code)
        if score is not None and score.instrument != code:
            raise IntakeInvalid(f"The {code} screen holds a {score.instrument!r} score. Score the {code} answers.",
                                field=f"screens.{code}")

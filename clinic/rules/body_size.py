"""Body size: ideal body weight (Devine), adjusted body weight and BMI (clinical-reference §4.2).

Every figure here is unrounded. Dosing rounds the chosen weight to 0.1 kg (§4.5); anything shown
to a person is rounded for display by the caller, never fed back into a calculation.
"""

from decimal import Decimal

from clinic.rules.errors import DomainError

DEVINE_SOURCE = "Devine BJ, Drug Intell Clin Pharm 1974;8:650 [24]; clinical-reference §4.2"
ADJUSTED_SOURCE = "Bauer LA, Applied Clinical Pharmacokinetics 2001 [25]; clinical-reference §4.2"
BMI_SOURCE = "clinical-reference §4.2 (BMI = actual kg / height m²)"

CM_PER_INCH = Decimal("2.54")
DEVINE_BASE_INCHES = Decimal(60)
DEVINE_KG_PER_INCH = Decimal("2.3")
# Devine's intercepts by the sex used in the formula, which a prescriber confirms [D] (§4.2).
DEVINE_BASE_KG = {"male": Decimal("50.0"), "female": Decimal("45.5")}
# §4.2 [D]: below 60 in (152.4 cm) the formula is not used; the prescriber chooses the weight.
DEVINE_MIN_HEIGHT_CM = Decimal("152.4")
ADJUSTMENT_FACTOR = Decimal("0.4")


class InvalidMeasure(DomainError):
    """A weight, height or other measure that is not a positive decimal number."""

    code = "INVALID_VALUE"


class HeightRequired(DomainError):
    code = "HEIGHT_REQUIRED"


class HeightBelowDevineMinimum(DomainError):
    code = "IBW_HEIGHT_TOO_SHORT"


class SexRequiredForIdealWeight(DomainError):
    code = "IBW_SEX_REQUIRED"


def positive_decimal(value: object, *, field: str, name: str, unit: str) -> Decimal:
    """Return `value` as a finite Decimal above zero, or refuse naming the field.

    Floats are refused rather than converted: a binary float has already lost the figure typed in.
    """
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise InvalidMeasure(f"The {name} must be a decimal number of {unit}; {value!r} was given.", field=field)
    number = Decimal(value)
    if not number.is_finite() or number <= 0:
        raise InvalidMeasure(f"The {name} must be more than 0 {unit}; {value} was given. "
                             "Check the figure and enter it again.", field=field)
    return number


def height_inches(height_cm: Decimal) -> Decimal:
    """Height in inches (1 in = 2.54 cm exactly)."""
    return height_cm / CM_PER_INCH


def ideal_body_weight_kg(*, height_cm: Decimal | None, sex: str | None,
                         min_height_cm: Decimal = DEVINE_MIN_HEIGHT_CM) -> Decimal:
    """Ideal body weight by Devine: 50.0 (male) or 45.5 (female) + 2.3 kg per inch over 60 in.

    Source: Devine 1974 [24], as clinical-reference §4.2. Not computed below `min_height_cm`
    (152.4 cm [D]): the formula is for heights over 5 ft, so the prescriber chooses the weight.
    """
    if height_cm is None:
        raise HeightRequired("Ideal and adjusted body weight need the patient's height. Record the height, "
                             "or dose on actual body weight.", field="height_cm")
    if sex not in DEVINE_BASE_KG:
        raise SexRequiredForIdealWeight(
            "Ideal body weight needs the sex used in the formula (female or male), confirmed by the prescriber. "
            "Ask the prescriber to confirm it, or dose on actual body weight.", field="sex")
    if height_cm < min_height_cm:
        raise HeightBelowDevineMinimum(
            f"Height {height_cm} cm is below {min_height_cm} cm, where the ideal body weight formula is not "
            "used. Ask the prescriber to choose the dosing weight (for example actual body weight).",
            field="height_cm")
    return DEVINE_BASE_KG[sex] + DEVINE_KG_PER_INCH * (height_inches(height_cm) - DEVINE_BASE_INCHES)


def adjusted_body_weight_kg(*, actual_kg: Decimal, ideal_kg: Decimal) -> Decimal:
    """IBW + 0.4 × (actual − IBW) when actual is above IBW, else actual. Source: Bauer 2001 [25], §4.2."""
    if actual_kg > ideal_kg:
        return ideal_kg + ADJUSTMENT_FACTOR * (actual_kg - ideal_kg)
    return actual_kg


def body_mass_index(*, weight_kg: Decimal, height_cm: Decimal) -> Decimal:
    """BMI in kg/m² = actual kg / (height cm / 100)². Source: clinical-reference §4.2."""
    height_m = height_cm / 100
    return weight_kg / (height_m * height_m)

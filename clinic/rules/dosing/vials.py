"""Vials and dilution: the listed strengths, how much to draw, and which strengths need or refuse diluent.

Source: clinical-reference §4.3 [L] (strengths on the US label; 100 mg/mL must be diluted with at
least an equal volume; 10 mg/mL is not for further dilution [8, 23]), §4.4 (drug mL = dose ÷
strength) and §4.5 (a measured volume to 0.01 mL below 1 mL, else 0.1 mL).
"""

from decimal import Decimal

from clinic.rules import body_size
from clinic.rules.dosing.protocol import (
    DRAW_STEP_ML,
    SMALL_DRAW_STEP_ML,
    DosingProtocol,
    DosingWarning,
    round_half_up,
)
from clinic.rules.errors import DomainError

LABEL_SOURCE = "Ketalar US label [8]; Handbook on Injectable Drugs [23]; clinical-reference §4.3"
# §4.3 [L]: the strengths on the US label [8, 23].
LISTED_VIAL_MG_PER_ML = (Decimal(10), Decimal(50), Decimal(100))
NOT_FOR_DILUTION_MG_PER_ML = Decimal(10)
MUST_DILUTE_MG_PER_ML = Decimal(100)


class DilutionRequired(DomainError):
    code = "DILUTION_REQUIRED"


class VialNotForDilution(DomainError):
    code = "VIAL_NOT_FOR_DILUTION"


class DrawVolumeTooSmall(DomainError):
    code = "DRAW_VOLUME_TOO_SMALL"


def vial_strength(value: object) -> Decimal:
    """The vial's strength in mg/mL, refused unless it is a positive decimal number."""
    return body_size.positive_decimal(value, field="vial_mg_per_ml", name="vial strength", unit="mg/mL")


def measured_ml(exact_ml: Decimal) -> Decimal:
    """A volume as a syringe measures it: to 0.01 mL below 1 mL, otherwise 0.1 mL (§4.5)."""
    return round_half_up(exact_ml, SMALL_DRAW_STEP_ML if exact_ml < 1 else DRAW_STEP_ML)


def draw_volume_ml(*, dose_mg: Decimal, vial_mg_per_ml: Decimal) -> Decimal:
    """mL to draw: dose ÷ strength, to 0.01 mL below 1 mL, otherwise 0.1 mL (§4.4, §4.5)."""
    return measured_ml(dose_mg / vial_mg_per_ml)


def draw(dose_mg: Decimal, vial_mg_per_ml: Decimal) -> tuple[Decimal, Decimal]:
    """The drug mL to draw and the mg that volume holds; refused when it is too little to measure."""
    drug_ml = draw_volume_ml(dose_mg=dose_mg, vial_mg_per_ml=vial_mg_per_ml)
    if drug_ml == 0:
        raise DrawVolumeTooSmall(f"{dose_mg} mg from a {vial_mg_per_ml} mg/mL vial is under 0.005 mL, too little to "
                                 "measure. Use a weaker vial strength.", field="vial_mg_per_ml")
    return drug_ml, drug_ml * vial_mg_per_ml


_TEN_MG_MESSAGE = ("The 10 mg/mL strength is not for further dilution (Handbook on Injectable Drugs [23], citing "
                   "the maker's labelling). Use a 50 or 100 mg/mL vial for a diluted infusion, or ask the "
                   "pharmacist to confirm the current label.")


def vial_warnings(vial_mg_per_ml: Decimal, diluent_ml: Decimal) -> tuple[DosingWarning, ...]:
    """§4.3: a strength off the label has unchecked dilution rules; 10 mg/mL with diluent warns [23]."""
    if vial_mg_per_ml not in LISTED_VIAL_MG_PER_ML:
        return (DosingWarning("VIAL_STRENGTH_UNLISTED", (
            f"{vial_mg_per_ml} mg/mL is not a strength on the US label (10, 50, 100 mg/mL), so its dilution rules "
            "were not checked. Check the product's labelling.")),)
    if vial_mg_per_ml == NOT_FOR_DILUTION_MG_PER_ML and diluent_ml > 0:
        return (DosingWarning("VIAL_NOT_FOR_DILUTION", _TEN_MG_MESSAGE),)
    return ()


def check_dilution(*, vial_mg_per_ml: Decimal, drug_ml: Decimal, diluent_ml: Decimal,
                   protocol: DosingProtocol) -> None:
    """§4.3 [L]: 100 mg/mL must be diluted with at least an equal volume [8, 23]; 10 mg/mL is not for
    further dilution [23] (a refusal only when the protocol says so)."""
    if diluent_ml < 0:
        raise DilutionRequired(f"The bag's {drug_ml + diluent_ml} mL is less than the {drug_ml} mL of drug it "
                               "should hold. Use a larger bag.", field="bag_ml")
    if vial_mg_per_ml == MUST_DILUTE_MG_PER_ML and diluent_ml < drug_ml:
        raise DilutionRequired(f"The 100 mg/mL strength must be diluted with at least an equal volume "
                               f"(Ketalar label [8]); {drug_ml} mL of drug has {diluent_ml} mL of diluent. Use more "
                               "diluent or a 50 mg/mL vial.", field="bag_ml")
    if protocol.refuse_dilution_of_10_mg_per_ml and vial_mg_per_ml == NOT_FOR_DILUTION_MG_PER_ML and diluent_ml > 0:
        raise VialNotForDilution(_TEN_MG_MESSAGE, field="vial_mg_per_ml")

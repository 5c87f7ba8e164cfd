"""Ketamine dose and pump arithmetic: weight basis, mg/kg dose, draw volume, bag or syringe, rate.

Source: clinical-reference §4 (facts §4.1, weight basis §4.2, vials and dilution §4.3, formulas
§4.4, rounding and limits §4.5, worked examples §4.6). Every figure is a Decimal; rounding is half
up and happens only at the points of §4.5 (dosing weight 0.1 kg, ordered dose 0.1 mg, drawn volume
0.01 mL below 1 mL else 0.1 mL, rate 0.1 mL/h). Figures named `…_display` in the docstrings
below are rounded for display only and never used in a further calculation.

The settings and rounding live in `protocol`, the weight basis in `weight`, vials and dilution in
`vials`, and the dose, bag, syringe and rate in `pump`; this module names them all, so callers
import from `clinic.rules.dosing`.
"""

from clinic.rules.dosing.protocol import (
    BODY_DISPLAY_STEP,
    CONCENTRATION_DISPLAY_STEP,
    DEFAULT_PROTOCOL,
    DOSE_STEP_MG,
    DRAW_STEP_ML,
    INCH_DISPLAY_STEP,
    PER_KG_PER_H_DISPLAY_STEP,
    PERCENT_DISPLAY_STEP,
    RATE_STEP_ML_PER_H,
    SMALL_DRAW_STEP_ML,
    WEIGHT_BASES,
    WEIGHT_STEP_KG,
    DosingProtocol,
    DosingWarning,
    ProtocolInvalid,
    round_half_up,
)
from clinic.rules.dosing.pump import (
    MIN_DURATION_MIN,
    SOURCE,
    ConcentrationInvalid,
    Delivery,
    DoseAboveCap,
    DoseCalculation,
    DoseOutsideRange,
    DurationTooShort,
    InfusedVolumeInvalid,
    SyringePlan,
    calculate,
    check_dose_range,
    delivered,
    dose_mg,
    prepare_syringe,
    rate_ml_per_h,
)
from clinic.rules.dosing.vials import (
    LABEL_SOURCE,
    LISTED_VIAL_MG_PER_ML,
    MUST_DILUTE_MG_PER_ML,
    NOT_FOR_DILUTION_MG_PER_ML,
    DilutionRequired,
    DrawVolumeTooSmall,
    VialNotForDilution,
    draw_volume_ml,
)
from clinic.rules.dosing.weight import (
    DosingWeight,
    MeasureOutOfRange,
    WeightBasisUnknown,
    WeightCapNotSet,
    WeightDateAfterInfusion,
    WeightStale,
    dosing_weight,
)

__all__ = [
    "BODY_DISPLAY_STEP", "CONCENTRATION_DISPLAY_STEP", "DEFAULT_PROTOCOL", "DOSE_STEP_MG", "DRAW_STEP_ML",
    "INCH_DISPLAY_STEP", "LABEL_SOURCE", "LISTED_VIAL_MG_PER_ML", "MIN_DURATION_MIN", "MUST_DILUTE_MG_PER_ML",
    "NOT_FOR_DILUTION_MG_PER_ML", "PERCENT_DISPLAY_STEP", "PER_KG_PER_H_DISPLAY_STEP", "RATE_STEP_ML_PER_H",
    "SMALL_DRAW_STEP_ML", "SOURCE", "WEIGHT_BASES", "WEIGHT_STEP_KG",
    "ConcentrationInvalid", "Delivery", "DilutionRequired", "DoseAboveCap", "DoseCalculation", "DoseOutsideRange",
    "DosingProtocol", "DosingWarning", "DosingWeight", "DrawVolumeTooSmall", "DurationTooShort",
    "InfusedVolumeInvalid", "MeasureOutOfRange", "ProtocolInvalid", "SyringePlan", "VialNotForDilution",
    "WeightBasisUnknown", "WeightCapNotSet", "WeightDateAfterInfusion", "WeightStale",
    "calculate", "check_dose_range", "delivered", "dose_mg", "dosing_weight", "draw_volume_ml", "prepare_syringe",
    "rate_ml_per_h", "round_half_up",
]

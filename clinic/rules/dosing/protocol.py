"""The clinic's dosing settings, the warning every dosing check gives, and the rounding every
figure follows.

Source: clinical-reference §4.2–§4.5. Every figure is a Decimal; rounding is half up and happens
only at the points of §4.5 (dosing weight 0.1 kg, ordered dose 0.1 mg, drawn volume 0.01 mL below
1 mL else 0.1 mL, rate 0.1 mL/h). The `…_DISPLAY_STEP`s round figures for display only, never for
a further calculation.
"""

from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal

from clinic.rules import body_size
from clinic.rules.physiological_ranges import RANGES
from clinic.rules.protocol import ProtocolInvalid

WEIGHT_BASES = ("actual", "ideal", "adjusted", "actual_capped")

WEIGHT_STEP_KG = Decimal("0.1")
DOSE_STEP_MG = Decimal("0.1")
SMALL_DRAW_STEP_ML = Decimal("0.01")
DRAW_STEP_ML = Decimal("0.1")
RATE_STEP_ML_PER_H = Decimal("0.1")
CONCENTRATION_DISPLAY_STEP = Decimal("0.001")
PER_KG_PER_H_DISPLAY_STEP = Decimal("0.01")
PERCENT_DISPLAY_STEP = Decimal("0.01")
BODY_DISPLAY_STEP = Decimal("0.1")
INCH_DISPLAY_STEP = Decimal("0.01")


@dataclass(frozen=True)
class DosingProtocol:
    """The clinic's dosing settings [D], owned by the medical director; defaults from §4.2–§4.5.

    `weight_cap_kg`, `max_dose_mg` and `max_rate_ml_per_h` are unset: the reference gives no value,
    so nothing is capped until the medical director sets one. The weight and height ranges are a
    product choice (the intake form's plausible ranges), not a clinical limit.
    """

    weight_basis: str = "actual"  # §4.2 [D]
    # Product choice: `actual_capped` doses on min(actual, weight_cap_kg); the reference sets no cap.
    weight_cap_kg: Decimal | None = None
    ibw_min_height_cm: Decimal = body_size.DEVINE_MIN_HEIGHT_CM  # §4.2 [D]
    max_weight_age_days: int = 30  # §4.2 [D]: block a weight more than 30 days old
    min_dose_mg_per_kg: Decimal = Decimal("0.1")  # §4.5 [D], the studied range [2, 3]
    max_dose_mg_per_kg: Decimal = Decimal("1.0")  # §4.5 [D]
    warn_above_mg_per_kg: Decimal = Decimal("0.75")  # §4.5 [D]
    max_step_up_mg_per_kg: Decimal = Decimal("0.25")  # §4.5 [D], the titration step of [5]
    max_dose_mg: Decimal | None = None  # §4.5 [D]: absolute mg cap, unset
    bag_ml: Decimal = Decimal(100)  # §4.3 [D] (100 mL NS is common but not in a guideline [U])
    duration_min: Decimal = Decimal(40)  # §4.5 [D]; shorter durations warn
    count_drug_volume_in_total: bool = True  # §4.3 [D]
    max_final_mg_per_ml: Decimal = Decimal("2.0")  # §4.3 [D]: warn above
    max_drawn_difference_percent: Decimal = Decimal(1)  # §4.4 [D]: warn above
    max_rate_ml_per_h: Decimal | None = None  # product choice: no limit in the reference
    # Product choice: the 10 mg/mL "not for further dilution" wording was not seen on the current
    # label (§4.3), so diluting it warns by default; a clinic may make it a refusal.
    refuse_dilution_of_10_mg_per_ml: bool = False
    # The record's plausible ranges (clinic.rules.physiological_ranges) bound the dosing figures too.
    min_weight_kg: Decimal = RANGES["weight_kg"].low
    max_weight_kg: Decimal = RANGES["weight_kg"].high
    min_height_cm: Decimal = RANGES["height_cm"].low
    max_height_cm: Decimal = RANGES["height_cm"].high

    def __post_init__(self) -> None:
        if self.weight_basis not in WEIGHT_BASES:
            raise ProtocolInvalid(f"Weight basis {self.weight_basis!r} is not one of {', '.join(WEIGHT_BASES)}.",
                                  field="weight_basis")
        for item in fields(self):
            _check_setting(item.name, getattr(self, item.name))
        if isinstance(self.max_weight_age_days, bool) or not isinstance(self.max_weight_age_days, int) \
                or self.max_weight_age_days < 0:
            raise ProtocolInvalid("The maximum weight age must be a whole number of days, 0 or more.",
                                  field="max_weight_age_days")
        if self.min_dose_mg_per_kg > self.max_dose_mg_per_kg:
            raise ProtocolInvalid("The lowest allowed mg/kg is above the highest.", field="min_dose_mg_per_kg")


def _check_setting(name: str, value: object) -> None:
    """Every numeric dosing setting is a positive Decimal or whole number (floats lose the typed figure)."""
    if value is None or isinstance(value, bool | str) or name == "max_weight_age_days":
        return
    if not isinstance(value, int | Decimal) or not Decimal(value).is_finite() or value <= 0:
        raise ProtocolInvalid(f"The dosing setting {name} must be a decimal number above 0; it is {value!r}.",
                              field=name)


DEFAULT_PROTOCOL = DosingProtocol()


@dataclass(frozen=True)
class DosingWarning:
    code: str
    message: str


def round_half_up(value: Decimal, step: Decimal) -> Decimal:
    """Round to `step` (e.g. Decimal("0.1")), halves away from zero (§1 conventions [D])."""
    return value.quantize(step, rounding=ROUND_HALF_UP)

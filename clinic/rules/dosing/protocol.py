"""The clinic's dosing settings, the warning every dosing check gives, and the rounding every
figure follows.

Source: clinical-reference §4.2–§4.5. Every figure is a Decimal; rounding is half up and happens
only at the points of §4.5 (dosing weight 0.1 kg, ordered dose 0.1 mg, drawn volume 0.01 mL below
1 mL else 0.1 mL, rate 0.1 mL/h). The `…_DISPLAY_STEP`s round figures for display only, never for
a further calculation.
"""

from dataclasses import dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal

from clinic.rules import body_size
from clinic.rules.physiological_ranges import RANGES
from clinic.rules.protocol import ProtocolInvalid, tagged

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
PLAUSIBLE_SOURCE = ("product choice: the record's plausible range (clinic.rules.physiological_ranges) bounds the "
                    "dosing figures too; not a clinical limit")


@dataclass(frozen=True)
class DosingProtocol:
    """The clinic's dosing settings [D], owned by the medical director; defaults from §4.2–§4.5.

    `weight_cap_kg`, `max_dose_mg` and `max_rate_ml_per_h` are unset: the reference gives no value,
    so nothing is capped until the medical director sets one. The weight and height ranges are a
    product choice (the intake form's plausible ranges), not a clinical limit.
    """

    weight_basis: str = field(
        default="actual", metadata=tagged("D", "§4.2 [D]: each protocol sets weight_basis, actual by default; studies "
                                               "dosed on actual body weight [9, 19]"))
    weight_cap_kg: Decimal | None = field(
        default=None, metadata=tagged("D", "product choice: actual_capped doses on min(actual, weight_cap_kg); the "
                                           "reference sets no cap (§4.2), so unset means none"))
    ibw_min_height_cm: Decimal = field(
        default=body_size.DEVINE_MIN_HEIGHT_CM,
        metadata=tagged("D", "§4.2 [D]: below 152.4 cm (60 in) IBW is not computed; the prescriber chooses the weight"))
    max_weight_age_days: int = field(default=30, metadata=tagged("D", "§4.2 [D]: block a weight more than 30 days old"))
    min_dose_mg_per_kg: Decimal = field(
        default=Decimal("0.1"), metadata=tagged("D", "§4.5 [D]: 0.1–1.0 mg/kg allowed, the studied range [2, 3]"))
    max_dose_mg_per_kg: Decimal = field(
        default=Decimal("1.0"), metadata=tagged("D", "§4.5 [D]: 0.1–1.0 mg/kg allowed, the studied range [2, 3]; the "
                                                     "medical director may widen it"))
    warn_above_mg_per_kg: Decimal = field(default=Decimal("0.75"), metadata=tagged("D", "§4.5 [D]: warn above "
                                                                                        "0.75 mg/kg"))
    max_step_up_mg_per_kg: Decimal = field(
        default=Decimal("0.25"), metadata=tagged("D", "§4.5 [D]: warn on a step up > 0.25 mg/kg from the last "
                                                      "infusion, the titration step of [5]"))
    max_dose_mg: Decimal | None = field(
        default=None, metadata=tagged("D", "§4.5 [D]: absolute mg cap unset; no maximum exists for psychiatric use "
                                           "[U] (§4.1)"))
    bag_ml: Decimal = field(
        default=Decimal(100), metadata=tagged("D", "§4.3 [D] bag_volume_mL = 100 NS (common and used in one study "
                                                   "[44]; no guideline states it [U])"))
    duration_min: Decimal = field(
        default=Decimal(40), metadata=tagged("D", "§4.5 [D]: 40 min, warn if shorter; 0.5 mg/kg over 40 min is "
                                                  "the standard dose [1, 2]"))
    count_drug_volume_in_total: bool = field(default=True, metadata=tagged("D", "§4.3 [D] count_drug_volume_in_total"))
    max_final_mg_per_ml: Decimal = field(
        default=Decimal("2.0"), metadata=tagged("D", "§4.3 [D]: warn above max_final_conc_mg_per_mL = 2.0"))
    max_drawn_difference_percent: Decimal = field(
        default=Decimal(1), metadata=tagged("D", "§4.4 [D]: warn if drawn mg differs from ordered by more than 1 %"))
    max_rate_ml_per_h: Decimal | None = field(
        default=None, metadata=tagged("D", "product choice: the reference sets no rate limit, so unset means none"))
    refuse_dilution_of_10_mg_per_ml: bool = field(
        default=False, metadata=tagged("D", "product choice: the 10 mg/mL \"not for further dilution\" wording [23] "
                                            "was not seen on the current label (§4.3), so diluting it warns; a clinic "
                                            "may make it a refusal"))
    min_weight_kg: Decimal = field(default=RANGES["weight_kg"].low, metadata=tagged("D", PLAUSIBLE_SOURCE))
    max_weight_kg: Decimal = field(default=RANGES["weight_kg"].high, metadata=tagged("D", PLAUSIBLE_SOURCE))
    min_height_cm: Decimal = field(default=RANGES["height_cm"].low, metadata=tagged("D", PLAUSIBLE_SOURCE))
    max_height_cm: Decimal = field(default=RANGES["height_cm"].high, metadata=tagged("D", PLAUSIBLE_SOURCE))

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

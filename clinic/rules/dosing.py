"""Ketamine dose and pump arithmetic: weight basis, mg/kg dose, draw volume, bag or syringe, rate.

Source: clinical-reference §4 (facts §4.1, weight basis §4.2, vials and dilution §4.3, formulas
§4.4, rounding and limits §4.5, worked examples §4.6). Every figure is a Decimal; rounding is half
up and happens only at the points of §4.5 (dosing weight 0.1 kg, ordered dose 0.1 mg, drawn volume
0.01 mL below 1 mL else 0.1 mL, rate 0.1 mL/h). Figures named `…_display` in the docstrings
below are rounded for display only and never used in a further calculation.
"""

from dataclasses import dataclass, fields
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from clinic.rules import body
from clinic.rules.errors import DomainError

SOURCE = "clinical-reference §4.4 formulas and §4.5 rounding and limits"
LABEL_SOURCE = "Ketalar US label [8]; Handbook on Injectable Drugs [23]; clinical-reference §4.3"

WEIGHT_BASES = ("actual", "ideal", "adjusted", "actual_capped")
# §4.3 [L]: the strengths on the US label [8, 23].
LISTED_VIAL_MG_PER_ML = (Decimal(10), Decimal(50), Decimal(100))
NOT_FOR_DILUTION_MG_PER_ML = Decimal(10)
MUST_DILUTE_MG_PER_ML = Decimal(100)
# §4.1 [L]: rapid injection risks respiratory depression and a pressor surge; a bolus takes ≥ 60 s [8].
MIN_DURATION_MIN = Decimal(1)

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


class DoseOutsideRange(DomainError):
    code = "DOSE_OUTSIDE_RANGE"


class DoseAboveCap(DomainError):
    code = "DOSE_ABOVE_CAP"


class WeightStale(DomainError):
    code = "WEIGHT_STALE"


class WeightDateAfterInfusion(DomainError):
    code = "WEIGHT_DATE_AFTER_INFUSION"


class MeasureOutOfRange(DomainError):
    code = "MEASURE_OUT_OF_RANGE"


class WeightBasisUnknown(DomainError):
    code = "WEIGHT_BASIS_UNKNOWN"


class WeightCapNotSet(DomainError):
    code = "WEIGHT_CAP_NOT_SET"


class DurationTooShort(DomainError):
    code = "DURATION_TOO_SHORT"


class DilutionRequired(DomainError):
    code = "DILUTION_REQUIRED"


class VialNotForDilution(DomainError):
    code = "VIAL_NOT_FOR_DILUTION"


class DrawVolumeTooSmall(DomainError):
    code = "DRAW_VOLUME_TOO_SMALL"


class InfusedVolumeInvalid(DomainError):
    code = "INFUSED_VOLUME_INVALID"


class ConcentrationInvalid(DomainError):
    code = "CONCENTRATION_INVALID"


class ProtocolInvalid(DomainError):
    code = "PROTOCOL_INVALID"


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
    ibw_min_height_cm: Decimal = body.DEVINE_MIN_HEIGHT_CM  # §4.2 [D]
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
    min_weight_kg: Decimal = Decimal(25)
    max_weight_kg: Decimal = Decimal(350)
    min_height_cm: Decimal = Decimal(100)
    max_height_cm: Decimal = Decimal(250)

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


@dataclass(frozen=True)
class DosingWeight:
    """The weight a dose is calculated on, with the figures behind it (body sizes unrounded)."""

    basis: str
    dosing_weight_kg: Decimal
    actual_weight_kg: Decimal
    ideal_weight_kg: Decimal | None
    adjusted_weight_kg: Decimal | None
    bmi_kg_per_m2: Decimal | None
    warnings: tuple[DosingWarning, ...] = ()


@dataclass(frozen=True)
class DoseCalculation:
    """One bag's figures, each named with its unit (design §4.4 maps them to the API directly).

    `final_mg_per_ml` (0.001), `mg_per_kg_per_h` and `drawn_difference_percent` (0.01) and the body
    sizes (0.1 kg, 0.1 kg/m², 0.01 in) are rounded for display only.
    """

    weight_basis: str
    actual_weight_kg: Decimal
    dosing_weight_kg: Decimal
    ideal_weight_kg: Decimal | None
    adjusted_weight_kg: Decimal | None
    bmi_kg_per_m2: Decimal | None
    height_in: Decimal | None
    dose_mg_per_kg: Decimal
    dose_mg: Decimal
    vial_mg_per_ml: Decimal
    drug_ml: Decimal
    drawn_mg: Decimal
    drawn_difference_percent: Decimal
    bag_ml: Decimal
    total_ml: Decimal
    final_mg_per_ml: Decimal
    duration_min: Decimal
    rate_ml_per_h: Decimal
    mg_per_kg_per_h: Decimal
    warnings: tuple[DosingWarning, ...]

    @property
    def warning_codes(self) -> tuple[str, ...]:
        return tuple(warning.code for warning in self.warnings)


@dataclass(frozen=True)
class SyringePlan:
    """A syringe made up to a target concentration (§4.6 #4); `final_mg_per_ml` is display-rounded."""

    dose_mg: Decimal
    drug_ml: Decimal
    drawn_mg: Decimal
    diluent_ml: Decimal
    total_ml: Decimal
    final_mg_per_ml: Decimal
    duration_min: Decimal
    rate_ml_per_h: Decimal
    warnings: tuple[DosingWarning, ...]


@dataclass(frozen=True)
class Delivery:
    """What a paused or stopped infusion gave, and the remainder to waste (§4.4, §4.6 #5, §9)."""

    infused_ml: Decimal
    delivered_mg: Decimal
    remaining_ml: Decimal
    remaining_mg: Decimal


def round_half_up(value: Decimal, step: Decimal) -> Decimal:
    """Round to `step` (e.g. Decimal("0.1")), halves away from zero (§1 conventions [D])."""
    return value.quantize(step, rounding=ROUND_HALF_UP)


def draw_volume_ml(*, dose_mg: Decimal, vial_mg_per_ml: Decimal) -> Decimal:
    """mL to draw: dose ÷ strength, to 0.01 mL below 1 mL, otherwise 0.1 mL (§4.4, §4.5)."""
    exact_ml = dose_mg / vial_mg_per_ml
    return round_half_up(exact_ml, SMALL_DRAW_STEP_ML if exact_ml < 1 else DRAW_STEP_ML)


def rate_ml_per_h(*, total_ml: Decimal, duration_min: Decimal) -> Decimal:
    """Pump rate: total mL × 60 ÷ minutes, to 0.1 mL/h (§4.4, §4.5)."""
    return round_half_up(total_ml * 60 / duration_min, RATE_STEP_ML_PER_H)


def dose_mg(*, dosing_weight_kg: Decimal, dose_mg_per_kg: Decimal,
            protocol: DosingProtocol = DEFAULT_PROTOCOL) -> Decimal:
    """Ordered dose: mg/kg × dosing weight, to 0.1 mg (§4.4, §4.5).

    Refuses an mg/kg outside the clinic range (0.1–1.0 mg/kg by default, the studied range [2, 3])
    and a dose above the absolute mg cap when the medical director has set one (§4.5).
    """
    check_dose_range(dose_mg_per_kg, protocol)
    ordered_mg = round_half_up(dose_mg_per_kg * dosing_weight_kg, DOSE_STEP_MG)
    if protocol.max_dose_mg is not None and ordered_mg > protocol.max_dose_mg:
        raise DoseAboveCap(f"{ordered_mg} mg is above the clinic's {protocol.max_dose_mg} mg cap per infusion. "
                           "Ask the prescriber to confirm or change the mg/kg order.", field="dose_mg_per_kg")
    return ordered_mg


def check_dose_range(dose_mg_per_kg: Decimal, protocol: DosingProtocol) -> None:
    """Block an mg/kg outside the clinic's allowed range (§4.5 [D]; studied range [2, 3])."""
    low, high = protocol.min_dose_mg_per_kg, protocol.max_dose_mg_per_kg
    if not low <= dose_mg_per_kg <= high:
        raise DoseOutsideRange(f"{dose_mg_per_kg} mg/kg is outside the clinic's allowed range of {low}–{high} "
                               "mg/kg. Ask the prescriber to change the order; only the medical director can "
                               "widen the range.", field="dose_mg_per_kg")


def dosing_weight(*, weight_kg: Decimal, height_cm: Decimal | None = None, sex: str | None = None,
                  weight_basis: str | None = None, protocol: DosingProtocol = DEFAULT_PROTOCOL) -> DosingWeight:
    """The weight to dose on, by the protocol's basis (§4.2), rounded to 0.1 kg (§4.5).

    actual (default [D]; studies dosed on actual weight [9, 19]); ideal (Devine [24]); adjusted
    (Bauer [25]); actual_capped — a product choice: actual weight, capped at the protocol's
    `weight_cap_kg`, which is unset until the medical director sets it.
    """
    basis = protocol.weight_basis if weight_basis is None else weight_basis
    if basis not in WEIGHT_BASES:
        raise WeightBasisUnknown(f"Weight basis {basis!r} is not known. Choose one of {', '.join(WEIGHT_BASES)}.",
                                 field="weight_basis")
    if basis in ("ideal", "adjusted"):
        ideal_kg = body.ideal_body_weight_kg(height_cm=height_cm, sex=sex, min_height_cm=protocol.ibw_min_height_cm)
    else:
        ideal_kg = _ideal_if_computable(height_cm=height_cm, sex=sex, protocol=protocol)
    adjusted_kg = None if ideal_kg is None else body.adjusted_body_weight_kg(actual_kg=weight_kg,
                                                                            ideal_kg=ideal_kg)
    bmi = None if height_cm is None else body.body_mass_index(weight_kg=weight_kg, height_cm=height_cm)
    by_basis_kg, warnings = _weight_by_basis(basis, weight_kg=weight_kg, ideal_kg=ideal_kg,
                                             adjusted_kg=adjusted_kg, protocol=protocol)
    return DosingWeight(basis, round_half_up(by_basis_kg, WEIGHT_STEP_KG), weight_kg, ideal_kg, adjusted_kg, bmi,
                        warnings)


def _ideal_if_computable(*, height_cm: Decimal | None, sex: str | None, protocol: DosingProtocol) -> Decimal | None:
    """Ideal weight for display when height and sex allow it; None otherwise (never an error)."""
    if height_cm is None or sex not in body.DEVINE_BASE_KG or height_cm < protocol.ibw_min_height_cm:
        return None
    return body.ideal_body_weight_kg(height_cm=height_cm, sex=sex, min_height_cm=protocol.ibw_min_height_cm)


def _weight_by_basis(basis: str, *, weight_kg: Decimal, ideal_kg: Decimal | None, adjusted_kg: Decimal | None,
                     protocol: DosingProtocol) -> tuple[Decimal, tuple[DosingWarning, ...]]:
    if basis == "ideal":
        warnings = ()
        if ideal_kg > weight_kg:
            # Dosing on a weight above the patient's own gives more drug than actual weight would.
            warnings = (DosingWarning("IDEAL_WEIGHT_ABOVE_ACTUAL", (
                f"Ideal body weight ({round_half_up(ideal_kg, BODY_DISPLAY_STEP)} kg) is above the actual weight "
                f"({weight_kg} kg), so this dose is higher than on actual weight. Ask the prescriber to confirm "
                "the weight basis.")),)
        return ideal_kg, warnings
    if basis == "adjusted":
        return adjusted_kg, ()
    if basis == "actual_capped":
        return _capped_weight(weight_kg, protocol)
    return weight_kg, ()


def _capped_weight(weight_kg: Decimal, protocol: DosingProtocol) -> tuple[Decimal, tuple[DosingWarning, ...]]:
    cap_kg = protocol.weight_cap_kg
    if cap_kg is None:
        raise WeightCapNotSet("The protocol doses on capped actual weight, but no weight cap is set. The medical "
                              "director sets the cap; until then dose on another weight basis.", field="weight_basis")
    if weight_kg <= cap_kg:
        return weight_kg, ()
    return cap_kg, (DosingWarning("WEIGHT_CAPPED", f"Actual weight {weight_kg} kg is above the protocol's {cap_kg} kg "
                                  f"cap; the dose is calculated on {cap_kg} kg."),)


def calculate(*, weight_kg: Decimal, dose_mg_per_kg: Decimal, vial_mg_per_ml: Decimal,
              bag_ml: Decimal | None = None, duration_min: Decimal | None = None,
              height_cm: Decimal | None = None, sex: str | None = None, weight_basis: str | None = None,
              weight_measured_on: date | None = None, infusion_date: date | None = None,
              last_dose_mg_per_kg: Decimal | None = None,
              protocol: DosingProtocol = DEFAULT_PROTOCOL) -> DoseCalculation:
    """Dose, draw, bag, concentration and pump rate for one infusion (§4.4 formulas, §4.5 limits).

    Refuses (DomainError): values that are not positive numbers; weight or height outside the
    plausible range; an mg/kg outside the clinic range (DOSE_OUTSIDE_RANGE, which the API answers
    with 422); a dose above a set mg cap; a weight more than `max_weight_age_days` old on the
    infusion date or dated after it (§4.2); a duration under 1 min (§4.1 [8]); 100 mg/mL with less
    diluent than drug (§4.3 [8, 23]). When either date is not given the weight's age cannot be
    checked, and a WEIGHT_DATE_NOT_CHECKED warning says so.
    """
    weight_kg = _measure(weight_kg, "weight_kg", "weight", "kg", protocol.min_weight_kg, protocol.max_weight_kg)
    if height_cm is not None:
        height_cm = _measure(height_cm, "height_cm", "height", "cm", protocol.min_height_cm, protocol.max_height_cm)
    dose_mg_per_kg = body.positive_decimal(dose_mg_per_kg, field="dose_mg_per_kg", name="dose", unit="mg/kg")
    vial_mg_per_ml = body.positive_decimal(vial_mg_per_ml, field="vial_mg_per_ml", name="vial strength",
                                           unit="mg/mL")
    bag_ml = body.positive_decimal(protocol.bag_ml if bag_ml is None else bag_ml, field="bag_ml",
                                   name="bag volume", unit="mL")
    duration_min = _duration(protocol.duration_min if duration_min is None else duration_min)
    check_dose_range(dose_mg_per_kg, protocol)
    weight_warnings = _weight_age_warnings(weight_measured_on, infusion_date, protocol)
    chosen = dosing_weight(weight_kg=weight_kg, height_cm=height_cm, sex=sex, weight_basis=weight_basis,
                           protocol=protocol)
    ordered_mg = dose_mg(dosing_weight_kg=chosen.dosing_weight_kg, dose_mg_per_kg=dose_mg_per_kg, protocol=protocol)
    drug_ml, drawn_mg = _draw(ordered_mg, vial_mg_per_ml)
    total_ml = bag_ml + drug_ml if protocol.count_drug_volume_in_total else bag_ml
    _check_dilution(vial_mg_per_ml=vial_mg_per_ml, drug_ml=drug_ml, diluent_ml=total_ml - drug_ml,
                    protocol=protocol)
    rate = rate_ml_per_h(total_ml=total_ml, duration_min=duration_min)
    warnings = (*weight_warnings, *chosen.warnings,
                *_order_warnings(dose_mg_per_kg, last_dose_mg_per_kg, duration_min, protocol),
                *_preparation_warnings(ordered_mg=ordered_mg, drawn_mg=drawn_mg, vial_mg_per_ml=vial_mg_per_ml,
                                       diluent_ml=total_ml - drug_ml, total_ml=total_ml, rate=rate,
                                       protocol=protocol))
    return DoseCalculation(
        weight_basis=chosen.basis, actual_weight_kg=weight_kg, dosing_weight_kg=chosen.dosing_weight_kg,
        ideal_weight_kg=_display(chosen.ideal_weight_kg, BODY_DISPLAY_STEP),
        adjusted_weight_kg=_display(chosen.adjusted_weight_kg, BODY_DISPLAY_STEP),
        bmi_kg_per_m2=_display(chosen.bmi_kg_per_m2, BODY_DISPLAY_STEP),
        height_in=_display(None if height_cm is None else body.height_inches(height_cm), INCH_DISPLAY_STEP),
        dose_mg_per_kg=dose_mg_per_kg, dose_mg=ordered_mg, vial_mg_per_ml=vial_mg_per_ml, drug_ml=drug_ml,
        drawn_mg=drawn_mg, drawn_difference_percent=round_half_up(_difference_percent(ordered_mg, drawn_mg),
                                                                  PERCENT_DISPLAY_STEP),
        bag_ml=bag_ml, total_ml=total_ml,
        final_mg_per_ml=round_half_up(drawn_mg / total_ml, CONCENTRATION_DISPLAY_STEP),
        duration_min=duration_min, rate_ml_per_h=rate,
        mg_per_kg_per_h=round_half_up(dose_mg_per_kg * 60 / duration_min, PER_KG_PER_H_DISPLAY_STEP),
        warnings=warnings,
    )


def prepare_syringe(*, dose_mg: Decimal, vial_mg_per_ml: Decimal, target_mg_per_ml: Decimal,
                    duration_min: Decimal | None = None, protocol: DosingProtocol = DEFAULT_PROTOCOL) -> SyringePlan:
    """A syringe made up with diluent to a target concentration, and its pump rate (§4.6 #4).

    drug mL as §4.4; diluent = drawn mg ÷ target − drug mL, measured like a drawn volume (0.01 mL
    below 1 mL, else 0.1 mL, §4.5) — a product choice, since the reference rounds no diluent;
    total = drug + diluent; rate = total × 60 ÷ minutes (0.1 mL/h). The target cannot exceed the
    vial's strength, and 100 mg/mL needs at least its own volume of diluent ([8, 23], §4.3).
    """
    dose_mg = body.positive_decimal(dose_mg, field="dose_mg", name="dose", unit="mg")
    vial_mg_per_ml = body.positive_decimal(vial_mg_per_ml, field="vial_mg_per_ml", name="vial strength",
                                           unit="mg/mL")
    target_mg_per_ml = body.positive_decimal(target_mg_per_ml, field="target_mg_per_ml",
                                             name="target concentration", unit="mg/mL")
    duration_min = _duration(protocol.duration_min if duration_min is None else duration_min)
    if target_mg_per_ml > vial_mg_per_ml:
        raise ConcentrationInvalid(f"A syringe cannot be made up to {target_mg_per_ml} mg/mL from a "
                                   f"{vial_mg_per_ml} mg/mL vial. Choose a target at or below the vial's strength.",
                                   field="target_mg_per_ml")
    drug_ml, drawn_mg = _draw(dose_mg, vial_mg_per_ml)
    diluent_exact_ml = drawn_mg / target_mg_per_ml - drug_ml
    diluent_ml = round_half_up(diluent_exact_ml, SMALL_DRAW_STEP_ML if diluent_exact_ml < 1 else DRAW_STEP_ML)
    total_ml = drug_ml + diluent_ml
    _check_dilution(vial_mg_per_ml=vial_mg_per_ml, drug_ml=drug_ml, diluent_ml=diluent_ml, protocol=protocol)
    rate = rate_ml_per_h(total_ml=total_ml, duration_min=duration_min)
    warnings = (*_duration_warnings(duration_min, protocol),
                *_preparation_warnings(ordered_mg=dose_mg, drawn_mg=drawn_mg, vial_mg_per_ml=vial_mg_per_ml,
                                       diluent_ml=diluent_ml, total_ml=total_ml, rate=rate, protocol=protocol))
    return SyringePlan(dose_mg=dose_mg, drug_ml=drug_ml, drawn_mg=drawn_mg, diluent_ml=diluent_ml,
                       total_ml=total_ml,
                       final_mg_per_ml=round_half_up(drawn_mg / total_ml, CONCENTRATION_DISPLAY_STEP),
                       duration_min=duration_min, rate_ml_per_h=rate, warnings=warnings)


def delivered(*, drawn_mg: Decimal, total_ml: Decimal, infused_ml: Decimal) -> Delivery:
    """mg given when an infusion pauses or stops early, and what is left to waste (§4.4, §4.6 #5).

    delivered = infused mL × drawn mg ÷ total mL, to 0.1 mg for the chart and ledger; remaining mg
    = drawn − delivered (so the two always add up to what was drawn — a product choice for the
    ledger's balance, §9); remaining mL = total − infused.
    """
    drawn_mg = body.positive_decimal(drawn_mg, field="drawn_mg", name="drawn dose", unit="mg")
    total_ml = body.positive_decimal(total_ml, field="total_ml", name="total volume", unit="mL")
    infused_ml = _infused(infused_ml, total_ml)
    delivered_mg = round_half_up(infused_ml * drawn_mg / total_ml, DOSE_STEP_MG)
    return Delivery(infused_ml=infused_ml, delivered_mg=delivered_mg, remaining_ml=total_ml - infused_ml,
                    remaining_mg=drawn_mg - delivered_mg)


def _infused(value: object, total_ml: Decimal) -> Decimal:
    """The pump's infused volume: 0 (stopped before it started) up to the whole bag."""
    if value == 0 and not isinstance(value, bool):
        return Decimal(0)
    infused_ml = body.positive_decimal(value, field="infused_ml", name="infused volume", unit="mL")
    if infused_ml > total_ml:
        raise InfusedVolumeInvalid(f"The pump shows {infused_ml} mL infused, but the bag held {total_ml} mL. "
                                   "Read the infused volume from the pump again.", field="infused_ml")
    return infused_ml


def _measure(value: object, field: str, name: str, unit: str, low: Decimal, high: Decimal) -> Decimal:
    number = body.positive_decimal(value, field=field, name=name, unit=unit)
    if not low <= number <= high:
        raise MeasureOutOfRange(f"The {name} {number} {unit} is outside {low}–{high} {unit}. Check the measurement "
                               "and record it again.", field=field)
    return number


def _duration(value: object) -> Decimal:
    minutes = body.positive_decimal(value, field="duration_min", name="infusion duration", unit="min")
    if minutes < MIN_DURATION_MIN:
        raise DurationTooShort(f"An infusion of {minutes} min is faster than a bolus may be given (at least "
                               "60 s, Ketalar label [8]). Ask the prescriber for a longer duration.",
                               field="duration_min")
    return minutes


def _draw(dose_mg: Decimal, vial_mg_per_ml: Decimal) -> tuple[Decimal, Decimal]:
    drug_ml = draw_volume_ml(dose_mg=dose_mg, vial_mg_per_ml=vial_mg_per_ml)
    if drug_ml == 0:
        raise DrawVolumeTooSmall(f"{dose_mg} mg from a {vial_mg_per_ml} mg/mL vial is under 0.005 mL, too little to "
                                 "measure. Use a weaker vial strength.", field="vial_mg_per_ml")
    return drug_ml, drug_ml * vial_mg_per_ml


def _weight_age_warnings(weight_measured_on: date | None, infusion_date: date | None,
                         protocol: DosingProtocol) -> tuple[DosingWarning, ...]:
    """§4.2 [D]: block a weight more than `max_weight_age_days` old on the infusion date."""
    if weight_measured_on is None or infusion_date is None:
        return (DosingWarning("WEIGHT_DATE_NOT_CHECKED", (
            f"The weight's date was not checked against the infusion date. Confirm the weight was measured "
            f"within {protocol.max_weight_age_days} days of the infusion.")),)
    age_days = (infusion_date - weight_measured_on).days
    if age_days < 0:
        raise WeightDateAfterInfusion(f"The weight is dated {weight_measured_on.isoformat()}, after the infusion "
                                      f"date {infusion_date.isoformat()}. Check both dates.",
                                      field="weight_measured_on")
    if age_days > protocol.max_weight_age_days:
        raise WeightStale(f"The weight was measured {age_days} days before the infusion; the protocol allows "
                          f"{protocol.max_weight_age_days}. Weigh the patient again before dosing.",
                          field="weight_measured_on")
    return ()


def _order_warnings(dose_mg_per_kg: Decimal, last_dose_mg_per_kg: Decimal | None, duration_min: Decimal,
                    protocol: DosingProtocol) -> tuple[DosingWarning, ...]:
    """§4.5 [D]: above 0.75 mg/kg; a step up over 0.25 mg/kg from the last infusion [5]; short duration."""
    warnings = []
    if dose_mg_per_kg > protocol.warn_above_mg_per_kg:
        warnings.append(DosingWarning("DOSE_HIGH", (
            f"{dose_mg_per_kg} mg/kg is above {protocol.warn_above_mg_per_kg} mg/kg. The prescriber confirms "
            "this dose; watch blood pressure and dissociation closely.")))
    if last_dose_mg_per_kg is not None:
        last = body.positive_decimal(last_dose_mg_per_kg, field="last_dose_mg_per_kg", name="last dose",
                                     unit="mg/kg")
        if dose_mg_per_kg - last > protocol.max_step_up_mg_per_kg:
            warnings.append(DosingWarning("DOSE_STEP_UP_LARGE", (
                f"{dose_mg_per_kg} mg/kg is {dose_mg_per_kg - last} mg/kg above the last infusion's {last} mg/kg, "
                f"more than the {protocol.max_step_up_mg_per_kg} mg/kg step. The prescriber confirms the step.")))
    return (*warnings, *_duration_warnings(duration_min, protocol))


def _duration_warnings(duration_min: Decimal, protocol: DosingProtocol) -> tuple[DosingWarning, ...]:
    if duration_min >= protocol.duration_min:
        return ()
    return (DosingWarning("DURATION_SHORT", (
        f"{duration_min} min is shorter than the protocol's {protocol.duration_min} min. A faster infusion "
        "raises the peak level; the prescriber confirms the duration.")),)


def _preparation_warnings(*, ordered_mg: Decimal, drawn_mg: Decimal, vial_mg_per_ml: Decimal, diluent_ml: Decimal,
                          total_ml: Decimal, rate: Decimal, protocol: DosingProtocol) -> tuple[DosingWarning, ...]:
    warnings = []
    difference = _difference_percent(ordered_mg, drawn_mg)
    if abs(difference) > protocol.max_drawn_difference_percent:
        warnings.append(DosingWarning("DRAWN_DOSE_DIFFERS", (
            f"The measurable draw holds {drawn_mg} mg, {round_half_up(difference, PERCENT_DISPLAY_STEP)} % from the "
            f"ordered {ordered_mg} mg. Ask the prescriber to accept it or use another vial strength.")))
    if drawn_mg / total_ml > protocol.max_final_mg_per_ml:
        warnings.append(DosingWarning("FINAL_CONCENTRATION_HIGH", (
            f"The final concentration is {round_half_up(drawn_mg / total_ml, CONCENTRATION_DISPLAY_STEP)} mg/mL, "
            f"above {protocol.max_final_mg_per_ml} mg/mL. Use a larger volume of diluent.")))
    if protocol.max_rate_ml_per_h is not None and rate > protocol.max_rate_ml_per_h:
        warnings.append(DosingWarning("RATE_HIGH", f"{rate} mL/h is above the protocol's "
                                      f"{protocol.max_rate_ml_per_h} mL/h. Check the volume and duration."))
    return (*warnings, *_vial_warnings(vial_mg_per_ml, diluent_ml))


_TEN_MG_MESSAGE = ("The 10 mg/mL strength is not for further dilution (Handbook on Injectable Drugs [23], citing "
                   "the maker's labelling). Use a 50 or 100 mg/mL vial for a diluted infusion, or ask the "
                   "pharmacist to confirm the current label.")


def _vial_warnings(vial_mg_per_ml: Decimal, diluent_ml: Decimal) -> tuple[DosingWarning, ...]:
    if vial_mg_per_ml not in LISTED_VIAL_MG_PER_ML:
        return (DosingWarning("VIAL_STRENGTH_UNLISTED", (
            f"{vial_mg_per_ml} mg/mL is not a strength on the US label (10, 50, 100 mg/mL), so its dilution rules "
            "were not checked. Check the product's labelling.")),)
    if vial_mg_per_ml == NOT_FOR_DILUTION_MG_PER_ML and diluent_ml > 0:
        return (DosingWarning("VIAL_NOT_FOR_DILUTION", _TEN_MG_MESSAGE),)
    return ()


def _check_dilution(*, vial_mg_per_ml: Decimal, drug_ml: Decimal, diluent_ml: Decimal,
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


def _difference_percent(ordered_mg: Decimal, drawn_mg: Decimal) -> Decimal:
    return (drawn_mg - ordered_mg) / ordered_mg * 100


def _display(value: Decimal | None, step: Decimal) -> Decimal | None:
    return None if value is None else round_half_up(value, step)

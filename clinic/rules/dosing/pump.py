"""Dose and pump arithmetic: the mg/kg dose, the bag or syringe it is made up in, the pump rate,
and what a paused or stopped infusion delivered.

Source: clinical-reference §4.1 (facts), §4.4 (formulas), §4.5 (rounding and limits) and §4.6
(worked examples).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from clinic.rules import body_size
from clinic.rules.dosing.protocol import (
    BODY_DISPLAY_STEP,
    CONCENTRATION_DISPLAY_STEP,
    DEFAULT_PROTOCOL,
    DOSE_STEP_MG,
    INCH_DISPLAY_STEP,
    PER_KG_PER_H_DISPLAY_STEP,
    PERCENT_DISPLAY_STEP,
    RATE_STEP_ML_PER_H,
    DosingProtocol,
    DosingWarning,
    round_half_up,
)
from clinic.rules.dosing.vials import check_dilution, draw, measured_ml, vial_strength, vial_warnings
from clinic.rules.dosing.weight import dosing_weight, measured_body, weight_age_warnings
from clinic.rules.errors import DomainError

SOURCE = "clinical-reference §4.4 formulas and §4.5 rounding and limits"
# §4.1 [L]: rapid injection risks respiratory depression and a pressor surge; a bolus takes ≥ 60 s [8].
MIN_DURATION_MIN = Decimal(1)


class DoseOutsideRange(DomainError):
    code = "DOSE_OUTSIDE_RANGE"


class DoseAboveCap(DomainError):
    code = "DOSE_ABOVE_CAP"


class DurationTooShort(DomainError):
    code = "DURATION_TOO_SHORT"


class InfusedVolumeInvalid(DomainError):
    code = "INFUSED_VOLUME_INVALID"


class ConcentrationInvalid(DomainError):
    code = "CONCENTRATION_INVALID"


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
    weight_kg, height_cm = measured_body(weight_kg, height_cm, protocol)
    dose_mg_per_kg = body_size.positive_decimal(dose_mg_per_kg, field="dose_mg_per_kg", name="dose", unit="mg/kg")
    vial_mg_per_ml = vial_strength(vial_mg_per_ml)
    bag_ml = body_size.positive_decimal(protocol.bag_ml if bag_ml is None else bag_ml, field="bag_ml",
                                   name="bag volume", unit="mL")
    duration_min = _duration(duration_min, protocol)
    check_dose_range(dose_mg_per_kg, protocol)
    weight_warnings = weight_age_warnings(weight_measured_on, infusion_date, protocol)
    chosen = dosing_weight(weight_kg=weight_kg, height_cm=height_cm, sex=sex, weight_basis=weight_basis,
                           protocol=protocol)
    ordered_mg = dose_mg(dosing_weight_kg=chosen.dosing_weight_kg, dose_mg_per_kg=dose_mg_per_kg, protocol=protocol)
    drug_ml, drawn_mg, total_ml = _bag(ordered_mg, vial_mg_per_ml, bag_ml, protocol)
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
        height_in=_display(None if height_cm is None else body_size.height_inches(height_cm), INCH_DISPLAY_STEP),
        dose_mg_per_kg=dose_mg_per_kg, dose_mg=ordered_mg, vial_mg_per_ml=vial_mg_per_ml, drug_ml=drug_ml,
        drawn_mg=drawn_mg, drawn_difference_percent=round_half_up(_difference_percent(ordered_mg, drawn_mg),
                                                                  PERCENT_DISPLAY_STEP),
        bag_ml=bag_ml, total_ml=total_ml,
        final_mg_per_ml=_concentration_display(drawn_mg, total_ml),
        duration_min=duration_min, rate_ml_per_h=rate,
        mg_per_kg_per_h=round_half_up(dose_mg_per_kg * 60 / duration_min, PER_KG_PER_H_DISPLAY_STEP),
        warnings=warnings,
    )


def _bag(ordered_mg: Decimal, vial_mg_per_ml: Decimal, bag_ml: Decimal,
         protocol: DosingProtocol) -> tuple[Decimal, Decimal, Decimal]:
    """The drug mL drawn into the bag, the mg it holds, and the bag's total mL (§4.3, §4.4)."""
    drug_ml, drawn_mg = draw(ordered_mg, vial_mg_per_ml)
    total_ml = bag_ml + drug_ml if protocol.count_drug_volume_in_total else bag_ml
    check_dilution(vial_mg_per_ml=vial_mg_per_ml, drug_ml=drug_ml, diluent_ml=total_ml - drug_ml,
                   protocol=protocol)
    return drug_ml, drawn_mg, total_ml


def prepare_syringe(*, dose_mg: Decimal, vial_mg_per_ml: Decimal, target_mg_per_ml: Decimal,
                    duration_min: Decimal | None = None, protocol: DosingProtocol = DEFAULT_PROTOCOL) -> SyringePlan:
    """A syringe made up with diluent to a target concentration, and its pump rate (§4.6 #4).

    drug mL as §4.4; diluent = drawn mg ÷ target − drug mL, measured like a drawn volume (0.01 mL
    below 1 mL, else 0.1 mL, §4.5) — a product choice, since the reference rounds no diluent;
    total = drug + diluent; rate = total × 60 ÷ minutes (0.1 mL/h). The target cannot exceed the
    vial's strength, and 100 mg/mL needs at least its own volume of diluent ([8, 23], §4.3).
    """
    dose_mg = body_size.positive_decimal(dose_mg, field="dose_mg", name="dose", unit="mg")
    vial_mg_per_ml = vial_strength(vial_mg_per_ml)
    target_mg_per_ml = body_size.positive_decimal(target_mg_per_ml, field="target_mg_per_ml",
                                             name="target concentration", unit="mg/mL")
    duration_min = _duration(duration_min, protocol)
    if target_mg_per_ml > vial_mg_per_ml:
        raise ConcentrationInvalid(f"A syringe cannot be made up to {target_mg_per_ml} mg/mL from a "
                                   f"{vial_mg_per_ml} mg/mL vial. Choose a target at or below the vial's strength.",
                                   field="target_mg_per_ml")
    drug_ml, drawn_mg = draw(dose_mg, vial_mg_per_ml)
    diluent_ml = measured_ml(drawn_mg / target_mg_per_ml - drug_ml)
    total_ml = drug_ml + diluent_ml
    check_dilution(vial_mg_per_ml=vial_mg_per_ml, drug_ml=drug_ml, diluent_ml=diluent_ml, protocol=protocol)
    rate = rate_ml_per_h(total_ml=total_ml, duration_min=duration_min)
    warnings = (*_duration_warnings(duration_min, protocol),
                *_preparation_warnings(ordered_mg=dose_mg, drawn_mg=drawn_mg, vial_mg_per_ml=vial_mg_per_ml,
                                       diluent_ml=diluent_ml, total_ml=total_ml, rate=rate, protocol=protocol))
    return SyringePlan(dose_mg=dose_mg, drug_ml=drug_ml, drawn_mg=drawn_mg, diluent_ml=diluent_ml,
                       total_ml=total_ml,
                       final_mg_per_ml=_concentration_display(drawn_mg, total_ml),
                       duration_min=duration_min, rate_ml_per_h=rate, warnings=warnings)


def delivered(*, drawn_mg: Decimal, total_ml: Decimal, infused_ml: Decimal) -> Delivery:
    """mg given when an infusion pauses or stops early, and what is left to waste (§4.4, §4.6 #5).

    delivered = infused mL × drawn mg ÷ total mL, to 0.1 mg for the chart and ledger; remaining mg
    = drawn − delivered (so the two always add up to what was drawn — a product choice for the
    ledger's balance, §9); remaining mL = total − infused.
    """
    drawn_mg = body_size.positive_decimal(drawn_mg, field="drawn_mg", name="drawn dose", unit="mg")
    total_ml = body_size.positive_decimal(total_ml, field="total_ml", name="total volume", unit="mL")
    infused_ml = _infused(infused_ml, total_ml)
    delivered_mg = round_half_up(infused_ml * drawn_mg / total_ml, DOSE_STEP_MG)
    return Delivery(infused_ml=infused_ml, delivered_mg=delivered_mg, remaining_ml=total_ml - infused_ml,
                    remaining_mg=drawn_mg - delivered_mg)


def _infused(value: object, total_ml: Decimal) -> Decimal:
    """The pump's infused volume: 0 (stopped before it started) up to the whole bag."""
    if value == 0 and not isinstance(value, bool):
        return Decimal(0)
    infused_ml = body_size.positive_decimal(value, field="infused_ml", name="infused volume", unit="mL")
    if infused_ml > total_ml:
        raise InfusedVolumeInvalid(f"The pump shows {infused_ml} mL infused, but the bag held {total_ml} mL. "
                                   "Read the infused volume from the pump again.", field="infused_ml")
    return infused_ml


def _duration(value: object | None, protocol: DosingProtocol) -> Decimal:
    """The infusion's minutes, the protocol's when none is given; never faster than a bolus (§4.1 [8])."""
    minutes = body_size.positive_decimal(protocol.duration_min if value is None else value, field="duration_min",
                                    name="infusion duration", unit="min")
    if minutes < MIN_DURATION_MIN:
        raise DurationTooShort(f"An infusion of {minutes} min is faster than a bolus may be given (at least "
                               "60 s, Ketalar label [8]). Ask the prescriber for a longer duration.",
                               field="duration_min")
    return minutes


def _order_warnings(dose_mg_per_kg: Decimal, last_dose_mg_per_kg: Decimal | None, duration_min: Decimal,
                    protocol: DosingProtocol) -> tuple[DosingWarning, ...]:
    """§4.5 [D]: above 0.75 mg/kg; a step up over 0.25 mg/kg from the last infusion [5]; short duration."""
    warnings = []
    if dose_mg_per_kg > protocol.warn_above_mg_per_kg:
        warnings.append(DosingWarning("DOSE_HIGH", (
            f"{dose_mg_per_kg} mg/kg is above {protocol.warn_above_mg_per_kg} mg/kg. The prescriber confirms "
            "this dose; watch blood pressure and dissociation closely.")))
    if last_dose_mg_per_kg is not None:
        last = body_size.positive_decimal(last_dose_mg_per_kg, field="last_dose_mg_per_kg", name="last dose",
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
            f"The final concentration is {_concentration_display(drawn_mg, total_ml)} mg/mL, "
            f"above {protocol.max_final_mg_per_ml} mg/mL. Use a larger volume of diluent.")))
    if protocol.max_rate_ml_per_h is not None and rate > protocol.max_rate_ml_per_h:
        warnings.append(DosingWarning("RATE_HIGH", f"{rate} mL/h is above the protocol's "
                                      f"{protocol.max_rate_ml_per_h} mL/h. Check the volume and duration."))
    return (*warnings, *vial_warnings(vial_mg_per_ml, diluent_ml))


def _difference_percent(ordered_mg: Decimal, drawn_mg: Decimal) -> Decimal:
    return (drawn_mg - ordered_mg) / ordered_mg * 100


def _concentration_display(drawn_mg: Decimal, total_ml: Decimal) -> Decimal:
    return round_half_up(drawn_mg / total_ml, CONCENTRATION_DISPLAY_STEP)


def _display(value: Decimal | None, step: Decimal) -> Decimal | None:
    return None if value is None else round_half_up(value, step)

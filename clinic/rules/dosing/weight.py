"""The weight a dose is calculated on: the measured weight and height checked against the
plausible ranges, the weight's age on the infusion date, and the weight basis.

Source: clinical-reference §4.2 (weight basis [D]: actual by default, as the studies dosed [9, 19];
ideal by Devine [24]; adjusted by Bauer [25]; a weight more than 30 days old is blocked) and §4.5
(dosing weight rounded to 0.1 kg).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from clinic.rules import body_size
from clinic.rules.dosing.protocol import (
    BODY_DISPLAY_STEP,
    DEFAULT_PROTOCOL,
    WEIGHT_BASES,
    WEIGHT_STEP_KG,
    DosingProtocol,
    DosingWarning,
    round_half_up,
)
from clinic.rules.errors import DomainError


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


def measured_body(weight_kg: object, height_cm: object, protocol: DosingProtocol) -> tuple[Decimal, Decimal | None]:
    """The weight and, when given, the height as decimals inside the protocol's plausible ranges (a product
    choice, the intake form's, not a clinical limit)."""
    weight_kg = _in_range(weight_kg, field="weight_kg", name="weight", unit="kg", low=protocol.min_weight_kg,
                          high=protocol.max_weight_kg)
    if height_cm is None:
        return weight_kg, None
    return weight_kg, _in_range(height_cm, field="height_cm", name="height", unit="cm", low=protocol.min_height_cm,
                                high=protocol.max_height_cm)


def _in_range(value: object, *, field: str, name: str, unit: str, low: Decimal, high: Decimal) -> Decimal:
    number = body_size.positive_decimal(value, field=field, name=name, unit=unit)
    if not low <= number <= high:
        raise MeasureOutOfRange(f"The {name} {number} {unit} is outside {low}–{high} {unit}. Check the measurement "
                               "and record it again.", field=field)
    return number


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
        ideal_kg = body_size.ideal_body_weight_kg(height_cm=height_cm, sex=sex,
                                                  min_height_cm=protocol.ibw_min_height_cm)
    else:
        ideal_kg = _ideal_if_computable(height_cm=height_cm, sex=sex, protocol=protocol)
    adjusted_kg = None if ideal_kg is None else body_size.adjusted_body_weight_kg(actual_kg=weight_kg,
                                                                                  ideal_kg=ideal_kg)
    bmi = None if height_cm is None else body_size.body_mass_index(weight_kg=weight_kg, height_cm=height_cm)
    by_basis_kg, warnings = _weight_by_basis(basis, weight_kg=weight_kg, ideal_kg=ideal_kg,
                                             adjusted_kg=adjusted_kg, protocol=protocol)
    return DosingWeight(basis, round_half_up(by_basis_kg, WEIGHT_STEP_KG), weight_kg, ideal_kg, adjusted_kg, bmi,
                        warnings)


def _ideal_if_computable(*, height_cm: Decimal | None, sex: str | None, protocol: DosingProtocol) -> Decimal | None:
    """Ideal weight for display when height and sex allow it; None otherwise (never an error)."""
    if height_cm is None or sex not in body_size.DEVINE_BASE_KG or height_cm < protocol.ibw_min_height_cm:
        return None
    return body_size.ideal_body_weight_kg(height_cm=height_cm, sex=sex, min_height_cm=protocol.ibw_min_height_cm)


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


def weight_age_warnings(weight_measured_on: date | None, infusion_date: date | None,
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

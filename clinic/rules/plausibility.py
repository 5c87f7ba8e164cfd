"""Plausible values across fields and over time: a blood pressure whose numbers are swapped, a weight
that jumped since the last one, a history date after today or before birth.

Each refusal names its field and says what was probably meant. A weight or height change may be
real, so it asks for confirmation: the caller passes the codes the user confirmed, and a confirmed
change passes (the record keeps which warnings were overridden).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from clinic.rules.errors import DomainError
from clinic.rules.physiological_ranges import plain
from clinic.rules.protocol import InvalidProtocol, tagged
from clinic.rules.typed_values import day_text

SOURCE = ("Product choice: diastolic below systolic is the definition of the two pressures; the change "
          "thresholds catch unit and typing slips and are not clinical thresholds")
KG_PER_LB = Decimal("0.45359237")  # the international avoirdupois pound, exactly
WEIGHT_CHANGE = "WEIGHT_CHANGE"
HEIGHT_CHANGE = "HEIGHT_CHANGE"
CONFIRMABLE = (WEIGHT_CHANGE, HEIGHT_CHANGE)


@dataclass(frozen=True)
class PlausibilitySettings:
    """When a new weight or height asks for confirmation [D]."""

    weight_change_confirm_percent: Decimal = field(
        default=Decimal(10), metadata=tagged("D", "Product choice: a change of more than 10 % from the last weight "
                                                  "is more often a slip (lb for kg) than a real change"))
    # An adult's measured height varies by about 1 cm over a day and shrinks by about 1 cm a decade
    # after 40; more than 5 cm between two measurements is almost always a slip.
    height_change_confirm_cm: Decimal = field(
        default=Decimal(5), metadata=tagged("D", "Product choice: more than 5 cm from the last height of an adult"))

    def __post_init__(self) -> None:
        for name in ("weight_change_confirm_percent", "height_change_confirm_cm"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | Decimal) or not Decimal(value).is_finite() \
                    or value <= 0:
                raise InvalidProtocol(f"{name} must be a decimal number above 0, not {value!r}: at 0 every new "
                                      "measurement would ask for confirmation.", field=name)


DEFAULT_SETTINGS = PlausibilitySettings()


class BloodPressureSwapped(DomainError):
    code = "BP_DIASTOLIC_NOT_BELOW_SYSTOLIC"
    field = "diastolic_mmhg"


class ChangeToConfirm(DomainError):
    """A value that may be right but differs enough from the last one to ask; `confirm_label` is what the
    user ticks to say it is right."""

    def __init__(self, message: str, *, confirm_label: str) -> None:
        super().__init__(message)
        self.confirm_label = confirm_label


class WeightChangeToConfirm(ChangeToConfirm):
    code = WEIGHT_CHANGE
    field = "weight_kg"


class HeightChangeToConfirm(ChangeToConfirm):
    code = HEIGHT_CHANGE
    field = "height_cm"


class ChangesToConfirm(DomainError):
    """The change warnings of one entry still to confirm (`pending`, never empty), with those already
    confirmed (`confirmed`), so that a page can ask about the first while keeping the others' ticks."""

    def __init__(self, *, pending: list[ChangeToConfirm], confirmed: list[ChangeToConfirm]) -> None:
        super().__init__(" ".join(warning.message for warning in pending), field=pending[0].field)
        self.code = pending[0].code
        self.pending = tuple(pending)
        self.confirmed = tuple(confirmed)


class DateInFuture(DomainError):
    code = "DATE_IN_FUTURE"


class DateBeforeBirth(DomainError):
    code = "DATE_BEFORE_BIRTH"


@dataclass(frozen=True)
class Earlier:
    """The last recorded value of a measure and its date."""

    value: Decimal
    measured_on: date


def check_blood_pressure(*, systolic_mmhg: int | None, diastolic_mmhg: int | None) -> None:
    """Refuse a diastolic pressure equal to or above the systolic: the two are probably swapped."""
    if systolic_mmhg is None or diastolic_mmhg is None or diastolic_mmhg < systolic_mmhg:
        return
    message = f"The diastolic pressure ({diastolic_mmhg}) must be below the systolic ({systolic_mmhg}). "
    if diastolic_mmhg == systolic_mmhg:
        raise BloodPressureSwapped(message + "The two are equal: check both numbers.")
    raise BloodPressureSwapped(message + f"The two may be swapped: did you mean {diastolic_mmhg}/{systolic_mmhg} mmHg?")


def _percent(change: Decimal) -> str:
    return plain(change.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def check_weight_change(*, weight_kg: Decimal | None, last: Earlier | None, confirmed: frozenset[str] = frozenset(),
                        settings: PlausibilitySettings = DEFAULT_SETTINGS) -> None:
    """Ask to confirm a weight more than the set percentage away from the last weight, suggesting the
    weight in pounds when that lands near the last weight."""
    if weight_kg is None or last is None or WEIGHT_CHANGE in confirmed:
        return
    limit = settings.weight_change_confirm_percent
    change = (weight_kg - last.value) / last.value * 100
    if abs(change) <= limit:
        return
    direction = "more" if change > 0 else "less"
    message = (f"{plain(weight_kg)} kg is {_percent(abs(change))} % {direction} than the last weight, "
               f"{plain(last.value)} kg on {day_text(last.measured_on)}.")
    from_pounds = (weight_kg * KG_PER_LB).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if abs(from_pounds - last.value) / last.value * 100 <= limit:
        message += f" Did you mean {plain(last.value)} kg? {plain(weight_kg)} lb = {plain(from_pounds)} kg."
    else:
        message += " Check the number and the unit (kg)."
    raise WeightChangeToConfirm(message, confirm_label=f"Yes, {plain(weight_kg)} kg is right")


def check_height_change(*, height_cm: Decimal | None, last: Earlier | None, adult: bool,
                        confirmed: frozenset[str] = frozenset(),
                        settings: PlausibilitySettings = DEFAULT_SETTINGS) -> None:
    """Ask to confirm an adult's height more than the set number of cm away from the last height."""
    if height_cm is None or last is None or not adult or HEIGHT_CHANGE in confirmed:
        return
    change = height_cm - last.value
    if abs(change) <= settings.height_change_confirm_cm:
        return
    raise HeightChangeToConfirm(
        f"{plain(height_cm)} cm is {plain(abs(change))} cm {'more' if change > 0 else 'less'} than the last height, "
        f"{plain(last.value)} cm on {day_text(last.measured_on)}; an adult's height hardly changes. "
        f"Check the number and the unit (cm).", confirm_label=f"Yes, {plain(height_cm)} cm is right")


def check_history_date(value: date | None, *, today: date, birth_date: date | None, field: str,
                       label: str) -> None:
    """Refuse a history date after today at the site, or before the patient's birth."""
    if value is None:
        return
    if value > today:
        raise DateInFuture(f"The {label} {day_text(value)} is after today at the site ({day_text(today)}). "
                           f"Check the day and the year.", field=field)
    if birth_date is not None and value < birth_date:
        raise DateBeforeBirth(f"The {label} {day_text(value)} is before the patient's birth date "
                              f"({day_text(birth_date)}). Check the day and the year.", field=field)

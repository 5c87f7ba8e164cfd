"""Physiological ranges: the weights, heights, blood pressures and heart rates the record accepts.

A value outside its range is almost always a slip (pounds typed as kilograms, inches as
centimetres, two readings swapped), so it is refused with the range and the likely slip named. The
ranges are a product choice (not in clinical-reference): wide enough for every adult a clinic
treats, narrow enough to catch a unit slip. The same ranges bound the dosing weight and height
(clinical-reference §4.2, `clinic.rules.dosing.protocol`). Models, forms and the API all refuse
through `check`, so a clinician reads the same message wherever the value was typed.
"""

from dataclasses import dataclass
from decimal import Decimal

from clinic.rules.errors import DomainError

SOURCE = "Product choice: plausible adult values, to catch unit slips (not a clinical threshold)"


@dataclass(frozen=True)
class PhysiologicalRange:
    name: str
    label: str
    low: Decimal
    high: Decimal
    unit: str
    hint: str


RANGES: dict[str, PhysiologicalRange] = {
    item.name: item for item in (
        PhysiologicalRange("weight_kg", "Weight", Decimal(25), Decimal(350), "kg",
                           "Check the unit (kg, not lb) and the number."),
        PhysiologicalRange("height_cm", "Height", Decimal(100), Decimal(250), "cm",
                           "Check the unit (cm, not inches) and the number."),
        PhysiologicalRange("systolic_mmhg", "Systolic blood pressure", Decimal(50), Decimal(300), "mmHg",
                           "Check the number, and that systolic and diastolic are not swapped."),
        PhysiologicalRange("diastolic_mmhg", "Diastolic blood pressure", Decimal(20), Decimal(200), "mmHg",
                           "Check the number, and that systolic and diastolic are not swapped."),
        PhysiologicalRange("heart_rate_bpm", "Heart rate", Decimal(20), Decimal(250), "beats/min",
                           "Check the number (beats per minute)."),
    )
}


class OutOfPhysiologicalRange(DomainError):
    code = "OUT_OF_RANGE"


def plain(value: Decimal | int) -> str:
    """A figure as typed: 75, 75.5 (never 75.0 or 7.5E+1)."""
    return f"{Decimal(value).normalize():f}"


def out_of_range_message(name: str, value: Decimal | int) -> str:
    measure = RANGES[name]
    return (f"{measure.label} {plain(value)} {measure.unit} is outside {plain(measure.low)}–{plain(measure.high)} "
            f"{measure.unit}. {measure.hint}")


def check(name: str, value: Decimal | int | None) -> None:
    """Refuse a value outside the range of measure `name`, naming the field; None is not checked."""
    if value is None:
        return
    measure = RANGES[name]
    if not measure.low <= Decimal(value) <= measure.high:
        raise OutOfPhysiologicalRange(out_of_range_message(name, value), field=name)

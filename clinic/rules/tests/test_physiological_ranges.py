from decimal import Decimal as D

import pytest

from clinic.rules import physiological_ranges
from clinic.rules.dosing.protocol import DEFAULT_PROTOCOL
from clinic.rules.physiological_ranges import OutOfPhysiologicalRange, check, out_of_range_message


@pytest.mark.parametrize(("measure", "low", "high"), [
    ("weight_kg", D(25), D(350)), ("height_cm", D(100), D(250)), ("systolic_mmhg", D(50), D(300)),
    ("diastolic_mmhg", D(20), D(200)), ("heart_rate_bpm", D(20), D(250)),
])
def test_accepts_both_ends_of_each_range_and_refuses_just_outside(measure, low, high):
    step = D("0.1") if measure.endswith(("_kg", "_cm")) else D(1)

    check(measure, low)
    check(measure, high)

    for value in (low - step, high + step):
        with pytest.raises(OutOfPhysiologicalRange) as error:
            check(measure, value)
        assert (error.value.code, error.value.field) == ("OUT_OF_RANGE", measure)


def test_a_weight_in_pounds_is_refused_with_the_range_and_the_likely_slip():
    with pytest.raises(OutOfPhysiologicalRange) as error:
        check("weight_kg", D("365.0"))

    assert error.value.message == "Weight 365 kg is outside 25–350 kg. Check the unit (kg, not lb) and the number."


def test_the_message_reads_the_same_for_an_integer_and_a_decimal_of_one_value():
    assert out_of_range_message("systolic_mmhg", 320) == out_of_range_message("systolic_mmhg", D("320.0"))
    assert out_of_range_message("height_cm", D("72.5")).startswith("Height 72.5 cm is outside 100–250 cm.")


def test_an_unrecorded_value_is_not_checked():
    assert check("heart_rate_bpm", None) is None


def test_dosing_weight_and_height_limits_are_the_record_ranges():
    ranges = physiological_ranges.RANGES

    assert (DEFAULT_PROTOCOL.min_weight_kg, DEFAULT_PROTOCOL.max_weight_kg) == (ranges["weight_kg"].low,
                                                                                ranges["weight_kg"].high)
    assert (DEFAULT_PROTOCOL.min_height_cm, DEFAULT_PROTOCOL.max_height_cm) == (ranges["height_cm"].low,
                                                                                ranges["height_cm"].high)

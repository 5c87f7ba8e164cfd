"""Plausible values across fields and over time, both sides of each limit (issue 12, point 3)."""

import dataclasses
import datetime as dt
from decimal import Decimal as D

import pytest

from clinic.rules import plausibility
from clinic.rules.plausibility import (
    DEFAULT_SETTINGS,
    BloodPressureSwapped,
    ChangesToConfirm,
    DateBeforeBirth,
    DateInFuture,
    Earlier,
    HeightChangeToConfirm,
    PlausibilitySettings,
    WeightChangeToConfirm,
    check_blood_pressure,
    check_height_change,
    check_history_date,
    check_weight_change,
)

LAST_WEIGHT = Earlier(value=D(75), measured_on=dt.date(2026, 11, 2))
LAST_HEIGHT = Earlier(value=D(170), measured_on=dt.date(2026, 11, 2))
TODAY = dt.date(2026, 11, 24)
BIRTH = dt.date(1980, 4, 9)


@pytest.mark.parametrize(("systolic", "diastolic", "refused"), [
    (80, 79, False), (80, 80, True), (80, 81, True), (128, 82, False), (None, 82, False), (128, None, False),
])
def test_diastolic_must_be_below_systolic(systolic, diastolic, refused):
    if not refused:
        assert check_blood_pressure(systolic_mmhg=systolic, diastolic_mmhg=diastolic) is None
        return
    with pytest.raises(BloodPressureSwapped) as error:
        check_blood_pressure(systolic_mmhg=systolic, diastolic_mmhg=diastolic)
    assert (error.value.code, error.value.field) == ("BP_DIASTOLIC_NOT_BELOW_SYSTOLIC", "diastolic_mmhg")


def test_a_swapped_blood_pressure_suggests_the_numbers_the_other_way_round():
    with pytest.raises(BloodPressureSwapped) as error:
        check_blood_pressure(systolic_mmhg=80, diastolic_mmhg=120)

    assert error.value.message == ("The diastolic pressure (120) must be below the systolic (80). "
                                   "The two may be swapped: did you mean 120/80 mmHg?")


def test_an_equal_blood_pressure_asks_to_check_both_numbers():
    with pytest.raises(BloodPressureSwapped) as error:
        check_blood_pressure(systolic_mmhg=80, diastolic_mmhg=80)

    assert error.value.message.endswith("The two are equal: check both numbers.")


@pytest.mark.parametrize(("weight_kg", "asks"), [
    (D("82.4"), False),  # 9.9 % more
    (D("82.5"), False),  # 10 % more exactly
    (D("82.6"), True),  # 10.1 % more
    (D("67.6"), False),  # 9.9 % less
    (D("67.5"), False),  # 10 % less
    (D("67.4"), True),  # 10.1 % less
])
def test_a_weight_more_than_ten_percent_from_the_last_asks_for_confirmation(weight_kg, asks):
    if not asks:
        assert check_weight_change(weight_kg=weight_kg, last=LAST_WEIGHT) is None
        return
    with pytest.raises(WeightChangeToConfirm) as error:
        check_weight_change(weight_kg=weight_kg, last=LAST_WEIGHT)
    assert (error.value.code, error.value.field) == ("WEIGHT_CHANGE", "weight_kg")


def test_a_weight_in_pounds_is_named_with_its_weight_in_kilograms():
    with pytest.raises(WeightChangeToConfirm) as error:
        check_weight_change(weight_kg=D(165), last=LAST_WEIGHT)

    assert error.value.message == ("165 kg is 120 % more than the last weight, 75 kg on 2 Nov 2026. "
                                   "Did you mean 75 kg? 165 lb = 74.8 kg.")
    assert error.value.confirm_label == "Yes, 165 kg is right"


def test_pounds_are_suggested_only_when_they_land_near_the_last_weight():
    with pytest.raises(WeightChangeToConfirm) as error:
        check_weight_change(weight_kg=D(95), last=LAST_WEIGHT)

    assert error.value.message == ("95 kg is 26.7 % more than the last weight, 75 kg on 2 Nov 2026. "
                                   "Check the number and the unit (kg).")


def test_a_lower_weight_says_less():
    with pytest.raises(WeightChangeToConfirm) as error:
        check_weight_change(weight_kg=D(60), last=LAST_WEIGHT)

    assert error.value.message.startswith("60 kg is 20 % less than the last weight, 75 kg on 2 Nov 2026.")


@pytest.mark.parametrize("confirmed", [frozenset({"WEIGHT_CHANGE"}), frozenset({"WEIGHT_CHANGE", "HEIGHT_CHANGE"})])
def test_a_confirmed_weight_change_passes(confirmed):
    assert check_weight_change(weight_kg=D(165), last=LAST_WEIGHT, confirmed=confirmed) is None


def test_confirming_the_height_does_not_confirm_the_weight():
    with pytest.raises(WeightChangeToConfirm):
        check_weight_change(weight_kg=D(165), last=LAST_WEIGHT, confirmed=frozenset({"HEIGHT_CHANGE"}))


@pytest.mark.parametrize(("weight_kg", "last"), [(None, LAST_WEIGHT), (D(165), None)])
def test_no_weight_or_no_earlier_weight_is_not_compared(weight_kg, last):
    assert check_weight_change(weight_kg=weight_kg, last=last) is None


def test_the_percentage_is_a_setting_tagged_as_a_default():
    stricter = PlausibilitySettings(weight_change_confirm_percent=D(5))
    metadata = {item.name: item.metadata for item in dataclasses.fields(PlausibilitySettings)}

    with pytest.raises(WeightChangeToConfirm):
        check_weight_change(weight_kg=D("79.0"), last=LAST_WEIGHT, settings=stricter)
    assert DEFAULT_SETTINGS.weight_change_confirm_percent == D(10)
    assert metadata["weight_change_confirm_percent"]["tag"] == "D"
    assert "Product choice" in metadata["weight_change_confirm_percent"]["source"]
    assert metadata["height_change_confirm_cm"]["tag"] == "D"


@pytest.mark.parametrize(("height_cm", "asks"), [
    (D("175.0"), False), (D("175.1"), True), (D("165.0"), False), (D("164.9"), True),
])
def test_an_adult_height_more_than_five_cm_from_the_last_asks(height_cm, asks):
    if not asks:
        assert check_height_change(height_cm=height_cm, last=LAST_HEIGHT, adult=True) is None
        return
    with pytest.raises(HeightChangeToConfirm) as error:
        check_height_change(height_cm=height_cm, last=LAST_HEIGHT, adult=True)
    assert (error.value.code, error.value.field) == ("HEIGHT_CHANGE", "height_cm")


def test_a_height_change_names_both_heights_and_the_date():
    with pytest.raises(HeightChangeToConfirm) as error:
        check_height_change(height_cm=D(107), last=LAST_HEIGHT, adult=True)

    assert error.value.message == ("107 cm is 63 cm less than the last height, 170 cm on 2 Nov 2026; an adult's "
                                   "height hardly changes. Check the number and the unit (cm).")
    assert error.value.confirm_label == "Yes, 107 cm is right"


def test_a_taller_height_says_more():
    with pytest.raises(HeightChangeToConfirm) as error:
        check_height_change(height_cm=D(180), last=LAST_HEIGHT, adult=True)

    assert error.value.message.startswith("180 cm is 10 cm more than the last height")


@pytest.mark.parametrize(("height_cm", "last", "adult", "confirmed"), [
    (None, LAST_HEIGHT, True, frozenset()), (D(190), None, True, frozenset()),
    (D(190), LAST_HEIGHT, False, frozenset()), (D(190), LAST_HEIGHT, True, frozenset({"HEIGHT_CHANGE"})),
])
def test_a_height_change_is_not_asked_about_when_it_cannot_be_a_slip(height_cm, last, adult, confirmed):
    assert check_height_change(height_cm=height_cm, last=last, adult=adult, confirmed=confirmed) is None


@pytest.mark.parametrize(("value", "error_class"), [
    (TODAY, None), (TODAY + dt.timedelta(days=1), DateInFuture), (BIRTH, None),
    (BIRTH - dt.timedelta(days=1), DateBeforeBirth), (None, None),
])
def test_a_history_date_lies_between_birth_and_today_at_the_site(value, error_class):
    if error_class is None:
        assert check_history_date(value, today=TODAY, birth_date=BIRTH, field="started_on",
                                  label="start date") is None
        return
    with pytest.raises(error_class) as error:
        check_history_date(value, today=TODAY, birth_date=BIRTH, field="started_on", label="start date")
    assert error.value.field == "started_on"


def test_a_future_date_names_the_date_and_today_as_pages_show_them():
    with pytest.raises(DateInFuture) as error:
        check_history_date(dt.date(2026, 11, 25), today=TODAY, birth_date=BIRTH, field="measured_on",
                           label="measurement date")

    assert (error.value.code, error.value.message) == (
        "DATE_IN_FUTURE",
        "The measurement date 25 Nov 2026 is after today at the site (24 Nov 2026). Check the day and the year.")


def test_a_date_before_birth_names_the_birth_date():
    with pytest.raises(DateBeforeBirth) as error:
        check_history_date(dt.date(1979, 1, 1), today=TODAY, birth_date=BIRTH, field="started_on",
                           label="start date")

    assert (error.value.code, error.value.message) == (
        "DATE_BEFORE_BIRTH",
        "The start date 1 Jan 1979 is before the patient's birth date (9 Apr 1980). Check the day and the year.")


def test_without_a_birth_date_only_the_future_is_refused():
    assert check_history_date(dt.date(1900, 1, 1), today=TODAY, birth_date=None, field="noted_on",
                              label="date") is None


def test_confirmable_codes_are_the_two_changes():
    assert plausibility.CONFIRMABLE == ("WEIGHT_CHANGE", "HEIGHT_CHANGE")


def test_changes_to_confirm_name_the_first_pending_warning_and_keep_the_confirmed_ones():
    weight = WeightChangeToConfirm("Weight far from the last.", confirm_label="Yes, 165 kg is right")
    height = HeightChangeToConfirm("Height far from the last.", confirm_label="Yes, 120 cm is right")

    both = ChangesToConfirm(pending=[height], confirmed=[weight])

    assert (both.code, both.field, both.message) == ("HEIGHT_CHANGE", "height_cm", "Height far from the last.")
    assert (both.pending, both.confirmed) == ((height,), (weight,))

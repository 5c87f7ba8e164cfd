"""Numbers and dates as typed: read as meant, or refused with what was probably meant."""

import datetime as dt
from decimal import Decimal as D

import pytest

from clinic.rules.typed_values import (
    AmbiguousNumber,
    ImpossibleDate,
    NotADate,
    NotANumber,
    check_calendar,
    day_text,
    parse_date,
    parse_decimal,
)


@pytest.mark.parametrize(("typed", "number"), [
    ("72.5", D("72.5")), ("72,5", D("72.5")), ("72,55", D("72.55")), (" 72,5 ", D("72.5")), ("72", D(72)),
    ("0,5", D("0.5")), (".5", D("0.5")), ("72.", D(72)), ("1250", D(1250)), ("1.25", D("1.25")),
    # Four or more digits after one comma are no thousands group: the comma can only mark decimals.
    ("72,5555", D("72.5555")), (",5", D("0.5")), ("-,5", D("-0.5")), ("72,", D(72)), ("1,2500", D("1.2500")),
])
def test_a_decimal_point_or_a_single_decimal_comma_is_read_as_meant(typed, number):
    assert parse_decimal(typed, field="weight_kg") == number


@pytest.mark.parametrize(("typed", "meant"), [
    ("1,250", "Type 1250 if the comma separates thousands, or 1.250 if it marks the decimals."),
    ("-2,500", "Type -2500 if the comma separates thousands, or -2.500 if it marks the decimals."),
])
def test_a_comma_before_three_digits_is_refused_never_guessed(typed, meant):
    with pytest.raises(AmbiguousNumber) as error:
        parse_decimal(typed, field="max_daily_dose")

    assert (error.value.code, error.value.field) == ("NUMBER_AMBIGUOUS", "max_daily_dose")
    assert error.value.message == (f"“{typed}” could be read two ways, as a thousands separator or a decimal comma. "
                                   f"{meant}")


@pytest.mark.parametrize(("typed", "message"), [
    ("1.250,5", "“1.250,5” has both commas and dots, so it could be read two ways. Type it with no thousands "
                "separator and a dot for decimals: 1250.5 if the comma marks the decimals."),
    ("1,250.5", "“1,250.5” has both commas and dots, so it could be read two ways. Type it with no thousands "
                "separator and a dot for decimals: 1250.5 if the dot marks the decimals."),
    ("1,250,000.5", "“1,250,000.5” has both commas and dots, so it could be read two ways. Type it with no "
                    "thousands separator and a dot for decimals: 1250000.5 if the dot marks the decimals."),
    ("1.250.000,5", "“1.250.000,5” has both commas and dots, so it could be read two ways. Type it with no "
                    "thousands separator and a dot for decimals: 1250000.5 if the comma marks the decimals."),
    ("1,2.5,3", "“1,2.5,3” has both commas and dots, so it could be read two ways. Type it with no thousands "
                "separator and a dot for decimals: 125.3 if the last comma marks the decimals."),
    ("1,250,000", "“1,250,000” has more than one comma, so it is not one number. Type it with no separators: "
                  "1250000 if the commas separate thousands."),
])
def test_a_number_with_several_marks_is_refused_naming_what_was_probably_meant(typed, message):
    with pytest.raises(AmbiguousNumber) as error:
        parse_decimal(typed, field="max_daily_dose")

    assert (error.value.code, error.value.field, error.value.message) == (
        "NUMBER_AMBIGUOUS", "max_daily_dose", message)


@pytest.mark.parametrize("typed", ["1,2,5", "72,5,55"])
def test_commas_that_separate_no_thousands_are_not_a_number_never_called_a_thousands_separator(typed):
    with pytest.raises(NotANumber) as error:
        parse_decimal(typed, field="weight_kg")

    assert (error.value.code, error.value.message) == (
        "NOT_A_NUMBER", f"“{typed}” has more than one comma, so it is not one number. Type one number, with a dot "
                        "for decimals, e.g. 72.5.")


@pytest.mark.parametrize("typed", ["seventy", "72kg", "7..2", "", ",", "-,", "1,2x"])
def test_text_that_is_no_number_is_refused(typed):
    with pytest.raises(NotANumber) as error:
        parse_decimal(typed, field="weight_kg")

    assert (error.value.field, error.value.message) == (
        "weight_kg", f"“{typed}” is not a number. Type digits, with a dot or comma for decimals, e.g. 72.5.")


@pytest.mark.parametrize(("typed", "day"), [
    ("02/29/2020", dt.date(2020, 2, 29)), ("2020-02-29", dt.date(2020, 2, 29)), ("4/9/1980", dt.date(1980, 4, 9)),
])
def test_a_real_date_is_read(typed, day):
    assert parse_date(typed, field="birth_date") == day


@pytest.mark.parametrize(("typed", "message"), [
    ("02/30/2020", "30 Feb 2020 does not exist: February 2020 has 29 days. Check the day and the month."),
    ("2020-02-30", "30 Feb 2020 does not exist: February 2020 has 29 days. Check the day and the month."),
    ("02/29/2021", "29 Feb 2021 does not exist: February 2021 has 28 days. Check the day and the month."),
    ("04/31/2026", "31 Apr 2026 does not exist: April 2026 has 30 days. Check the day and the month."),
    ("13/01/2026", "There is no month 13. Check the month (1 to 12) and that day and month are not swapped."),
    ("01/00/2026", "0 Jan 2026 does not exist: January 2026 has 31 days. Check the day and the month."),
])
def test_an_impossible_date_is_named_as_impossible(typed, message):
    with pytest.raises(ImpossibleDate) as error:
        parse_date(typed, field="birth_date")

    assert (error.value.code, error.value.field, error.value.message) == ("DATE_IMPOSSIBLE", "birth_date", message)


def test_year_zero_does_not_exist():
    with pytest.raises(ImpossibleDate) as error:
        check_calendar(year=0, month=1, day=1, field="birth_date")

    assert error.value.message == "There is no year 0. Check the year."


@pytest.mark.parametrize("typed", ["yesterday", "2020/02/29", "29.02.2020"])
def test_text_that_is_no_date_says_how_to_type_one(typed):
    with pytest.raises(NotADate) as error:
        parse_date(typed, field="noted_on")

    assert error.value.message == (f"“{typed}” is not a date. Choose the date in the calendar, or type it as "
                                   f"YYYY-MM-DD, e.g. 1980-04-09.")


def test_dates_read_as_every_page_shows_them():
    assert [day_text(dt.date(2026, 12, 2)), day_text(dt.date(2026, 5, 31))] == ["2 Dec 2026", "31 May 2026"]


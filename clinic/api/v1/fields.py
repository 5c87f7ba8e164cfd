"""Input types shared by the resources: text the database can store, numbers sent as JSON numbers,
opaque ids."""

import datetime as dt
import re
import zoneinfo
from decimal import Decimal
from functools import partial
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, PlainSerializer, StringConstraints
from pydantic_core import PydanticCustomError

from clinic.rules import physiological_ranges, typed_values

ID_PATTERN = re.compile(r"^[1-9][0-9]{0,17}$")


def pk_from_id(value: str | None) -> int | None:
    """The row id behind an opaque id, or None for a string that cannot be one (answered as missing)."""
    if value is None or not ID_PATTERN.match(value):
        return None
    return int(value)


def _storable(value: str) -> str:
    if "\x00" in value:
        raise ValueError("Remove the NUL character (\\u0000) from the text.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("The text holds a character that is not valid Unicode.") from None
    return value


def text(*, max_length: int, min_length: int = 0) -> Any:
    """A string trimmed of surrounding spaces, within these lengths; a required one must hold more
    than spaces."""
    return Annotated[str, StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length,
                                            pattern=r"\S" if min_length else None),
                     AfterValidator(_storable)]


def _date_as_text(value: Any) -> Any:
    # pydantic would read a number as seconds since 1970; a date must be sent as text.
    if not isinstance(value, str):
        raise ValueError("Give the date as text in ISO form, e.g. 2026-11-20.")
    # A date the calendar does not hold (2020-02-30) is named impossible, not "invalid".
    # Text that is not an ISO date ("123") would be read as seconds since 1970 too.
    match = typed_values.ISO_DATE.match(value.strip())
    if match is None:
        raise PydanticCustomError("date_not_iso", "Give the date in ISO form, e.g. 2026-11-20.")
    try:
        typed_values.check_calendar(year=int(match[1]), month=int(match[2]), day=int(match[3]), field="date")
    except typed_values.ImpossibleDate as error:
        raise PydanticCustomError(error.code, error.message) from None
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_date_as_text)]


def _datetime_as_text(value: Any) -> Any:
    # As for a date: a number would be read as seconds since 1970.
    if not isinstance(value, str):
        raise ValueError("Give the date and time as text in ISO form, e.g. 2026-11-24T09:30:00-05:00.")
    return value


def _within_years(value: dt.datetime) -> dt.datetime:
    # Far outside these years a time with an offset cannot be turned into UTC, and none is a clinic's.
    if not 1900 <= value.year <= 2999:
        raise ValueError("Give a date and time between the years 1900 and 2999.")
    return value


IsoDateTime = Annotated[dt.datetime, BeforeValidator(_datetime_as_text), AfterValidator(_within_years),
                        Field(description="ISO date and time; without an offset it is in the site's time zone.")]


def in_zone(value: dt.datetime, time_zone: str) -> dt.datetime:
    """A request's datetime as an aware one: a time without an offset is in `time_zone` (design §4.4)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=zoneinfo.ZoneInfo(time_zone))


def _to_decimal(value: float, *, places: int) -> Decimal:
    number = Decimal(str(value))
    if number.as_tuple().exponent < -places:
        raise ValueError(f"Give at most {places} decimal place{'s' if places != 1 else ''}.")
    return number


def _as_is(value: Decimal) -> Decimal:
    return value


def decimal_number(*, ge: float, le: float, places: int) -> Any:
    """A JSON number, kept as an exact Decimal for the record."""
    return Annotated[float, Field(strict=True, ge=ge, le=le),
                     AfterValidator(partial(_to_decimal, places=places)),
                     PlainSerializer(_as_is, return_type=Decimal)]


def _within_range(value: Decimal, *, measure: str) -> Decimal:
    try:
        physiological_ranges.check(measure, value)
    except physiological_ranges.OutOfPhysiologicalRange as error:
        # A custom error keeps the rules' message as it is, without pydantic's "Value error, ".
        raise PydanticCustomError(error.code, error.message) from None
    return value


def measurement(measure: str, *, places: int = 0) -> Any:
    """A weight, height, blood pressure or heart rate, refused outside the rules' physiological
    range with the same message as the web form's; the range is shown in the schema."""
    bounds = physiological_ranges.RANGES[measure]
    number = Field(strict=True, json_schema_extra={"minimum": float(bounds.low), "maximum": float(bounds.high)})
    if places:
        return Annotated[float, number, AfterValidator(partial(_to_decimal, places=places)),
                         AfterValidator(partial(_within_range, measure=measure)),
                         PlainSerializer(_as_is, return_type=Decimal)]
    return Annotated[int, number, AfterValidator(partial(_within_range, measure=measure))]


def whole_number(*, ge: int, le: int) -> Any:
    return Annotated[int, Field(strict=True, ge=ge, le=le)]


def _none_as_blank(value: Any) -> Any:
    return "" if value is None else value


def _blank_as_none(value: Any) -> Any:
    return value or None


def blank_choice_in(choices: Any) -> Any:
    """A choice the record may leave blank: null in the API, stored as ""."""
    return Annotated[choices | None, PlainSerializer(_none_as_blank)]


def blank_choice_out(choices: Any) -> Any:
    return Annotated[choices | None, BeforeValidator(_blank_as_none)]


Flag = Annotated[bool, Field(strict=True)]
OpaqueId = Annotated[str, Field(max_length=40, description="An id as returned by this API.")]
Name = text(min_length=1, max_length=100)
ShortText = text(max_length=200)
Phone = text(max_length=40)
LongText = text(max_length=5000)

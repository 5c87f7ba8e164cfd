"""Numbers and dates as people type them: read the way the person meant, or refused with what was
probably meant — never silently turned into another value.

A decimal comma ("72,5") is read as a decimal point, since a clinic's staff and patients may come
from anywhere that writes it so. A comma followed by three digits ("1,250") could be a thousands
separator or a decimal comma, so it is refused rather than guessed: 1250 and 1.25 are both real
doses. A date that the calendar does not hold ("02/30/2020") is named as such, with the number of
days its month has, instead of a bare "enter a valid date".
"""

import calendar
import re
from datetime import date
from decimal import Decimal

from clinic.rules.errors import DomainError

SOURCE = "Product choice: read unambiguous input as meant, refuse the ambiguous with a hint"

# Spelled out here rather than read from the locale, which a server may set to anything.
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December")
MONTH_ABBREVIATIONS = tuple(name[:3] for name in MONTH_NAMES)
# One comma with one or two digits after it, and no dot: the comma can only be a decimal comma.
DECIMAL_COMMA = re.compile(r"^([+-]?\d+),(\d{1,2})$")
PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
# A United States clinic's month/day/year, as a text fallback of a date input shows it.
US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


class NotANumber(DomainError):
    code = "NOT_A_NUMBER"


class AmbiguousNumber(DomainError):
    code = "NUMBER_AMBIGUOUS"


class ImpossibleDate(DomainError):
    code = "DATE_IMPOSSIBLE"


class NotADate(DomainError):
    code = "NOT_A_DATE"


def day_text(value: date) -> str:
    """A date as every page shows it: "2 Dec 2026"."""
    return f"{value.day} {MONTH_ABBREVIATIONS[value.month - 1]} {value.year}"


def parse_decimal(typed: str, *, field: str, label: str) -> Decimal:
    """The number a person typed: "72.5" and "72,5" are 72.5; "1,250", "1.250,5" and anything else
    that is not one plain number are refused, naming the field and how to type it."""
    text = typed.strip().replace(" ", "")
    if match := DECIMAL_COMMA.match(text):
        return Decimal(f"{match[1]}.{match[2]}")
    if "," in text:
        raise AmbiguousNumber(
            f"{label}: “{typed.strip()}” could be read two ways, as a thousands separator or a decimal comma. "
            f"Type the number with no thousands separator and a dot for decimals, e.g. 1250 or 1.25.",
            field=field)
    if PLAIN_NUMBER.match(text):
        return Decimal(text)
    raise NotANumber(f"{label}: “{typed.strip()}” is not a number. Type digits, with a dot or comma for "
                     f"decimals, e.g. 72.5.", field=field)


def parse_date(typed: str, *, field: str, label: str) -> date:
    """A date typed as 2020-02-29 or 02/29/2020 (month first); a date the calendar does not hold is
    refused as impossible, naming how many days its month has."""
    text = typed.strip()
    if match := ISO_DATE.match(text):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    elif match := US_DATE.match(text):
        month, day, year = int(match[1]), int(match[2]), int(match[3])
    else:
        raise NotADate(f"{label}: “{text}” is not a date. Choose the date in the calendar, or type it as "
                       f"YYYY-MM-DD, e.g. 1980-04-09.", field=field)
    check_calendar(year=year, month=month, day=day, field=field, label=label)
    return date(year, month, day)


def check_calendar(*, year: int, month: int, day: int, field: str, label: str) -> None:
    """Refuse a day, month or year the calendar does not hold, saying what is wrong with it."""
    if not 1 <= month <= 12:
        raise ImpossibleDate(f"{label}: there is no month {month}. Check the month (1 to 12) and that day and "
                             f"month are not swapped.", field=field)
    if year < 1:
        raise ImpossibleDate(f"{label}: there is no year {year}. Check the year.", field=field)
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        raise ImpossibleDate(f"{day} {MONTH_ABBREVIATIONS[month - 1]} {year} does not exist: "
                             f"{MONTH_NAMES[month - 1]} {year} has {days} days. Check the day and the month.",
                             field=field)

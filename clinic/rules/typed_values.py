"""Numbers and dates as people type them: read the way the person meant, or refused with what was
probably meant — never silently turned into another value.

A decimal comma ("72,5") is read as a decimal point, since a clinic's staff and patients may come
from anywhere that writes it so. A comma followed by three digits ("1,250") could be a thousands
separator or a decimal comma, so it is refused rather than guessed: 1250 and 1.25 are both real
doses. A number with several commas, or with both commas and dots, is refused too, naming what was
probably meant. A date that the calendar does not hold ("02/30/2020") is named as such, with the
number of days its month has, instead of a bare "enter a valid date".

Messages do not name the field: a form shows each beside its field and its error summary puts the
field's label before it, and the API names the field beside the message.
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
# One comma and no dot. Three digits after it could be a thousands group ("1,250"); anything else
# can only be a decimal comma ("72,5", "72,5555", ",5").
ONE_COMMA = re.compile(r"^([+-]?)(\d*),(\d*)$")
# Digits with dots and commas between them ("1.250,5", "1,250,000").
MARKED_NUMBER = re.compile(r"^[+-]?\d[\d.,]*\d$")
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


def parse_decimal(typed: str, *, field: str) -> Decimal:
    """The number a person typed: "72.5", "72,5" and "72,5555" are read with the decimals typed;
    "1,250", "1,2,5", "1.250,5" and anything else that is not one plain number are refused, saying
    why and how to type it."""
    shown = typed.strip()
    text = shown.replace(" ", "")
    if match := ONE_COMMA.match(text):
        sign, whole, decimals = match[1], match[2], match[3]
        if whole and len(decimals) == 3:
            raise AmbiguousNumber(
                f"“{shown}” could be read two ways, as a thousands separator or a decimal comma. Type "
                f"{sign}{whole}{decimals} if the comma separates thousands, or {sign}{whole}.{decimals} if it marks "
                f"the decimals.", field=field)
        if whole or decimals:
            return Decimal(f"{sign}{whole or 0}" + (f".{decimals}" if decimals else ""))
    if "," in text and MARKED_NUMBER.match(text):
        raise _marks_refusal(shown, text, field=field)
    if PLAIN_NUMBER.match(text):
        return Decimal(text)
    raise NotANumber(f"“{shown}” is not a number. Type digits, with a dot or comma for decimals, e.g. 72.5.",
                     field=field)


def _marks_refusal(shown: str, text: str, *, field: str) -> DomainError:
    """Why a number with several commas, or commas and dots, is not read, and what it probably was."""
    digits_only = re.sub(r"[.,]", "", text)
    if "." not in text:
        groups = text.lstrip("+-").split(",")
        if all(len(group) == 3 for group in groups[1:]):
            return AmbiguousNumber(f"“{shown}” has more than one comma, so it is not one number. Type it with no "
                                   f"separators: {digits_only} if the commas separate thousands.", field=field)
        return NotANumber(f"“{shown}” has more than one comma, so it is not one number. Type one number, with a "
                          "dot for decimals, e.g. 72.5.", field=field)
    last = max(text.rfind(","), text.rfind("."))
    probable = re.sub(r"[.,]", "", text[:last]) + "." + text[last + 1:]
    mark = "comma" if text[last] == "," else "dot"
    which = f"the {mark}" if text.count(text[last]) == 1 else f"the last {mark}"
    return AmbiguousNumber(f"“{shown}” has both commas and dots, so it could be read two ways. Type it with no "
                           f"thousands separator and a dot for decimals: {probable} if {which} marks the decimals.",
                           field=field)


def parse_date(typed: str, *, field: str) -> date:
    """A date typed as 2020-02-29 or 02/29/2020 (month first); a date the calendar does not hold is
    refused as impossible, naming how many days its month has."""
    text = typed.strip()
    if match := ISO_DATE.match(text):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    elif match := US_DATE.match(text):
        month, day, year = int(match[1]), int(match[2]), int(match[3])
    else:
        raise NotADate(f"“{text}” is not a date. Choose the date in the calendar, or type it as YYYY-MM-DD, "
                       f"e.g. 1980-04-09.", field=field)
    check_calendar(year=year, month=month, day=day, field=field)
    return date(year, month, day)


def check_calendar(*, year: int, month: int, day: int, field: str) -> None:
    """Refuse a day, month or year the calendar does not hold, saying what is wrong with it."""
    if not 1 <= month <= 12:
        raise ImpossibleDate(f"There is no month {month}. Check the month (1 to 12) and that day and month are "
                             f"not swapped.", field=field)
    if year < 1:
        raise ImpossibleDate(f"There is no year {year}. Check the year.", field=field)
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        raise ImpossibleDate(f"{day} {MONTH_ABBREVIATIONS[month - 1]} {year} does not exist: "
                             f"{MONTH_NAMES[month - 1]} {year} has {days} days. Check the day and the month.",
                             field=field)

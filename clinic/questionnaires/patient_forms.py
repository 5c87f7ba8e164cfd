"""What a patient types: their date of birth at sign-in, and their answers to one questionnaire."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.http import QueryDict

from clinic.rules.errors import DomainError
from clinic.rules.scales.base import Instrument, Item
from clinic.rules.typed_values import MONTH_NAMES, check_calendar, parse_decimal

MONTHS = [("", "Month")] + [(str(number), name) for number, name in enumerate(MONTH_NAMES, start=1)]
NUMERIC = {"inputmode": "numeric", "pattern": "[0-9]*", "autocomplete": "off"}


class BirthDateForm(forms.Form):
    """Month, day and year as three fields: quick on a phone, and a date the calendar does not hold
    (30 February) is named as impossible rather than taken as a wrong date of birth."""

    month = forms.TypedChoiceField(choices=MONTHS, coerce=int, error_messages={"required": "Choose the month."})
    day = forms.IntegerField(min_value=1, max_value=31, widget=forms.TextInput(attrs={**NUMERIC, "maxlength": 2}),
                             error_messages={"required": "Type the day.", "invalid": "Type the day as a number.",
                                             "min_value": "Type a day from 1 to 31.",
                                             "max_value": "Type a day from 1 to 31."})
    year = forms.IntegerField(min_value=1900, max_value=2100,
                              widget=forms.TextInput(attrs={**NUMERIC, "maxlength": 4}),
                              error_messages={"required": "Type the year.", "invalid": "Type the year as 4 digits.",
                                              "min_value": "Type the year as 4 digits, e.g. 1980.",
                                              "max_value": "Type the year as 4 digits, e.g. 1980."})

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if {"month", "day", "year"} <= set(data):
            try:
                check_calendar(year=data["year"], month=data["month"], day=data["day"], field="birth_date")
            except DomainError as error:
                raise forms.ValidationError(error.message, code=error.code) from error
            data["birth_date"] = dt.date(data["year"], data["month"], data["day"])
        return data


# Items the patient answers beside the scored ones, kept in the response's context (MIDAS A and B).
CONTEXT_ITEMS = {
    "midas": (("midas_a", "A", "On how many days in the last 3 months did you have a headache?", (0, 92)),
              ("midas_b", "B", "On a scale of 0 to 10, on average how painful were these headaches? (0 = no pain at "
                               "all, 10 = pain as bad as it can be)", (0, 10))),
}


@dataclass
class ItemRow:
    """One question as the answer page shows it: the item, the answer given so far, its error."""

    key: str
    number: int | str
    label: str
    options: list[tuple[int, str]]
    number_range: tuple[Any, Any] | None
    answer: Any
    error: str = ""
    gate: str = ""  # "item_2=1": asked only when that earlier answer is given

    @property
    def answer_text(self) -> str:
        return "" if self.answer is None else str(self.answer)


def item_rows(scale: Instrument, answers: list[Any], context: dict[str, Any],
              errors: dict[str, str] | None = None) -> list[ItemRow]:
    errors = errors or {}
    rows = [ItemRow(key=f"item_{item.number}", number=item.number, label=item.text or item.label,
                    options=[(index, option.label) for index, option in enumerate(item.options)],
                    number_range=item.number_range, answer=answer, error=errors.get(str(item.number), ""),
                    gate=f"item_{item.asked_if[0]}={item.asked_if[1]}" if item.asked_if else "")
            for item, answer in zip(scale.items, answers, strict=True)]
    for key, name, label, bounds in CONTEXT_ITEMS.get(scale.code, ()):
        rows.append(ItemRow(key=key, number=name, label=label, options=[], number_range=bounds,
                            answer=context.get(key), error=errors.get(name, "")))
    return rows


def parse_answers(scale: Instrument, data: QueryDict) -> tuple[list[Any], dict[str, Any], dict[str, str]]:
    """The answers as the scale takes them (an option's index or the number, None where blank or where
    the item is not asked after an earlier answer), the context items, and what could not be read, by
    item number."""
    errors: dict[str, str] = {}
    answers: list[Any] = []
    given: dict[int, Any] = {}
    for item in scale.items:
        answer = _read(item.number, item, data.get(f"item_{item.number}", ""), errors)
        if item.asked_if is not None and given.get(item.asked_if[0]) != item.asked_if[1]:
            # Not asked after the earlier answer: whatever the page sent for it is dropped.
            answer = None
            errors.pop(str(item.number), None)
        given[item.number] = answer
        answers.append(answer)
    context: dict[str, Any] = {}
    for key, name, _label, (low, high) in CONTEXT_ITEMS.get(scale.code, ()):
        value = _number(name, data.get(key, ""), errors)
        if value is not None and not low <= value <= high:
            errors[name] = f"Type a whole number from {low} to {high}."
            value = None
        context[key] = value
    return answers, context, errors


def _read(number: int, item: Item, typed: str, errors: dict[str, str]) -> Any:
    typed = typed.strip()
    if not typed:
        return None
    if item.options:
        if typed.isdigit() and int(typed) < len(item.options):
            return int(typed)
        errors[str(number)] = "Choose one of the answers shown."
        return None
    return _number(str(number), typed, errors)


def _number(name: str, typed: str, errors: dict[str, str]) -> int | Decimal | None:
    typed = typed.strip()
    if not typed:
        return None
    try:
        value = parse_decimal(typed, field=name)
    except DomainError as error:
        errors[name] = error.message
        return None
    return int(value) if value == value.to_integral_value() else value

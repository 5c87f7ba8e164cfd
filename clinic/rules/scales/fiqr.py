"""FIQR: the Revised Fibromyalgia Impact Questionnaire, 21 ratings of 0–10, total 0–100.

Source: Bennett RM et al., Arthritis Res Ther 2009;11:R120 and the developers' scoring guidelines
[48]; clinical-reference §7.1–§7.2. Function (items 1–9) sum ÷ 3, plus overall impact (items 10–11)
sum, plus symptoms (items 12–21) sum ÷ 2. The total is fractional: it is kept exact, reported as a
Decimal rounded half-up to one decimal place, and banded on the exact value.

Missing items (send null): as the developers' guidelines say, each domain's sum is multiplied by
its items expected ÷ items answered. Validity [L], from the developers' scoring page (fiqr.info,
via [48]; §7.1): the form is invalid, and is not scored, if 2 or more function items, or any overall
or symptom item, are missing, or if the patient marked more than one answer on 3 or more items. The
items with more than one answer come in the context as `multiple_answer_items` (their numbers). The
developers give no rule for which mark counts on one or two such items: staff enter one rating for
each, the form stays valid, and the score carries the MULTIPLE_ANSWERS flag.

Severity bands are unverified [U]: of the two published sets (Salaffi 2020, Salaffi 2018) neither is
on by default, so severity is None unless the clinic chooses a set. Both sets are applied to the
exact total; the reference says so of the 2020 set and the same is done for 2018 so that a band
never depends on display rounding.

Licence (§7.2): the FIQ family is copyrighted and commercial use is licensed (myalgia.com; Mapi). The
function items' published wording is the licensed text, so the labels here are the system's own
short names for what each item asks about, not the published wording; the clinic shows the
published item text only under its licence.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from clinic.rules.protocol import tagged
from clinic.rules.scales.base import (
    AnswerError,
    Band,
    Instrument,
    InvalidProtocol,
    Item,
    Score,
    band_for,
    item_points,
    protocol_from,
)

SOURCE = ("Bennett RM et al., Arthritis Res Ther 2009;11:R120; FIQR developers' scoring guidelines; "
          "bands Salaffi F et al. 2018 and 2020 [U]")
# The system's own short labels (§7.2 licences), not the published item wording.
LABELS = (
    "Grooming", "Sustained walking", "Cooking", "Floor cleaning", "Carrying shopping", "Stairs",
    "Bed-making", "Sustained sitting", "Grocery shopping",
    "Impact on weekly goals", "Feeling overwhelmed",
    "Pain", "Energy", "Stiffness", "Sleep quality", "Depression", "Memory", "Anxiety",
    "Tenderness", "Balance", "Environmental sensitivity",
)


@dataclass(frozen=True)
class Domain:
    name: str
    first_item: int
    last_item: int
    divisor: int

    @property
    def numbers(self) -> range:
        return range(self.first_item, self.last_item + 1)


DOMAINS = (Domain("function", 1, 9, 3), Domain("overall", 10, 11, 1), Domain("symptoms", 12, 21, 2))
# [L] Developers' validity limits (fiqr.info via [48]): missing items each domain may have (2 or more
# function items, or any overall or symptom item, make the form invalid) ...
MAX_MISSING = {"function": 1, "overall": 0, "symptoms": 0}
# ... and items with more than one answer at which the form is invalid.
INVALID_AT_MULTIPLE_ANSWER_ITEMS = 3

# Salaffi 2020: remission < 24, mild < 41, moderate < 64, severe < 83, very severe ≥ 83 [U].
SALAFFI_2020 = (Band(0, 24, "REMISSION", "Remission (unverified band)", high_inclusive=False),
                Band(24, 41, "MILD", "Mild (unverified band)", high_inclusive=False),
                Band(41, 64, "MODERATE", "Moderate (unverified band)", high_inclusive=False),
                Band(64, 83, "SEVERE", "Severe (unverified band)", high_inclusive=False),
                Band(83, 100, "VERY_SEVERE", "Very severe (unverified band)"))
# Salaffi 2018: remission ≤ 30, mild ≤ 45, moderate ≤ 65, high > 65 [U].
SALAFFI_2018 = (Band(0, 30, "REMISSION", "Remission (unverified band)"),
                Band(30, 45, "MILD", "Mild (unverified band)", low_inclusive=False),
                Band(45, 65, "MODERATE", "Moderate (unverified band)", low_inclusive=False),
                Band(65, 100, "HIGH", "High (unverified band)", low_inclusive=False))
BAND_SETS = {"salaffi_2020": SALAFFI_2020, "salaffi_2018": SALAFFI_2018}


@dataclass(frozen=True)
class FiqrProtocol:
    """The clinic's FIQR setting [D]: which unverified band set [U], if any. The validity limits are the
    developers' [L] and are not settings."""

    band_set: str | None = field(
        default=None, metadata=tagged("U", "§7.2 [U]: two published FIQR band sets (Salaffi 2018 and 2020 [48]); "
                                           "neither enabled by default"))

    def __post_init__(self) -> None:
        if self.band_set is not None and self.band_set not in BAND_SETS:
            raise InvalidProtocol(f"FIQR band set {self.band_set!r} is unknown. Choose one of "
                                  f"{', '.join(BAND_SETS)}, or none.", field="band_set")


DEFAULT_PROTOCOL = FiqrProtocol()
ONE_DECIMAL = Decimal("0.1")


def score(answers: Sequence[Any], context: dict[str, Any]) -> Score:
    """Weighted sum of the three domains, prorating missing items within the developers' validity limits."""
    protocol = protocol_from(context, DEFAULT_PROTOCOL)
    points = item_points(INSTRUMENT, answers, optional_items=frozenset(range(1, len(LABELS) + 1)))
    domain_scores = {domain.name: _domain_score(domain, points) for domain in DOMAINS}
    multiple = _multiple_answer_items(context)
    exact_total = sum(domain_scores.values(), Fraction(0))
    severity = band_for(exact_total, BAND_SETS[protocol.band_set]) if protocol.band_set else None
    flags = tuple(flag for flag, raised in (("PRORATED", None in points), ("MULTIPLE_ANSWERS", bool(multiple)))
                  if raised)
    return Score("fiqr", _one_decimal(exact_total), severity,
                 subscores={name: _one_decimal(value) for name, value in domain_scores.items()}, flags=flags)


def _domain_score(domain: Domain, points: tuple[int | None, ...]) -> Fraction:
    answered = [points[number - 1] for number in domain.numbers if points[number - 1] is not None]
    missing = [number for number in domain.numbers if points[number - 1] is None]
    if len(missing) > MAX_MISSING[domain.name]:
        numbers = ", ".join(str(number) for number in missing)
        limit = "2 or more function items" if domain.name == "function" else f"any {domain.name} item"
        raise AnswerError(f"FIQR {domain.name} items {numbers} have no answer; the developers' scoring guidelines "
                          f"count the form invalid with {limit} missing. Ask the patient to answer item "
                          f"{missing[0]}.", field=f"item {missing[0]}", items=missing)
    # Prorate: the domain sum × items expected ÷ items answered (developers' guidelines).
    return Fraction(sum(answered) * len(domain.numbers), len(answered) * domain.divisor)


def _multiple_answer_items(context: dict[str, Any]) -> tuple[int, ...]:
    """The items the patient marked more than once; refused from 3 items on (developers' validity limit)."""
    given = context.get("multiple_answer_items", ())
    if (isinstance(given, str | bytes) or not isinstance(given, Sequence)
            or not all(_is_item_number(number) for number in given) or len(set(given)) != len(given)):
        raise AnswerError(f"multiple_answer_items must list FIQR item numbers 1 to {len(LABELS)}, each once; "
                          f"{given!r} was sent.", field="context.multiple_answer_items")
    if len(given) >= INVALID_AT_MULTIPLE_ANSWER_ITEMS:
        numbers = ", ".join(str(number) for number in sorted(given))
        raise AnswerError(f"FIQR items {numbers} have more than one answer; the developers' scoring guidelines "
                          f"count the form invalid with {INVALID_AT_MULTIPLE_ANSWER_ITEMS} or more such items. Ask "
                          "the patient to mark one answer on each.", field=f"items {numbers}", items=sorted(given))
    return tuple(given)


def _is_item_number(number: Any) -> bool:
    return isinstance(number, int) and not isinstance(number, bool) and 1 <= number <= len(LABELS)


def _one_decimal(value: Fraction) -> Decimal:
    """Round half-up to one decimal place, exactly (values are never negative)."""
    return Decimal(math.floor(value * 10 + Fraction(1, 2))) * ONE_DECIMAL


INSTRUMENT = Instrument(
    code="fiqr",
    name="FIQR",
    items=tuple(Item(number, label, number_range=(0, 10)) for number, label in enumerate(LABELS, start=1)),
    total_range=(0, 100),
    bands=(),
    recall_period="past 7 days",
    completed_by="patient",
    source=SOURCE,
    licence="Copyrighted (the FIQ family; commercial use licensed: myalgia.com, Mapi). The function items' "
            "published wording is licensed text: the labels here are the system's own short names, not the "
            "published wording, and the clinic shows the item text only under its licence.",
    scorer=score,
    notes=("Domains: function items 1–9 (÷ 3), overall impact 10–11, symptoms 12–21 (÷ 2).",
           "Missing items (null) are prorated per domain (expected ÷ answered). The developers count the form "
           "invalid with 2 or more function items, or any overall or symptom item, missing.",
           "Items the patient marked more than once go in the context as multiple_answer_items: enter one rating "
           "for each; 3 or more such items make the form invalid (developers' guidelines).",
           "Bands are unverified [U]: none unless the clinic picks salaffi_2020 or salaffi_2018."),
)

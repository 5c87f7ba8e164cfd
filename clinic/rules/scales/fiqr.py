"""FIQR: the Revised Fibromyalgia Impact Questionnaire, 21 ratings of 0–10, total 0–100.

Source: Bennett RM et al., Arthritis Res Ther 2009;11:R120 and the developers' scoring guidelines
[48]; clinical-reference §7.1–§7.2. Function (items 1–9) sum ÷ 3, plus overall impact (items 10–11)
sum, plus symptoms (items 12–21) sum ÷ 2. The total is fractional: it is kept exact, reported as a
Decimal rounded half-up to one decimal place, and banded on the exact value.

Missing items (send null): as the developers' guidelines say, each domain's sum is multiplied by
its items expected ÷ items answered. The developers set no validity limit; the limit here is a
clinic setting [D] whose default follows the reference's example: the form cannot be scored if 2
or more function items, or any other item, are missing.

Severity bands are unverified [U]: of the two published sets (Salaffi 2020, Salaffi 2018) neither is
on by default, so severity is None unless the clinic chooses a set. Both sets are applied to the
exact total; the reference says so of the 2020 set and the same is done for 2018 so that a band
never depends on display rounding. Copyrighted; the developers publish licence terms: item wording
is left out and the labels are the system's own.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from clinic.rules.scales.base import (
    AnswerError,
    Band,
    Instrument,
    InvalidProtocol,
    Item,
    Number,
    Score,
    band_for,
    item_points,
    protocol_from,
)

SOURCE = ("Bennett RM et al., Arthritis Res Ther 2009;11:R120; FIQR developers' scoring guidelines; "
          "bands Salaffi F et al. 2018 and 2020 [U]")
LABELS = (
    "Brush or comb hair", "Walk continuously for 20 minutes", "Prepare a homemade meal",
    "Vacuum, scrub or sweep floors", "Lift and carry a bag full of groceries", "Climb one flight of stairs",
    "Change bed sheets", "Sit in a chair for 45 minutes", "Go shopping for groceries",
    "Fibromyalgia prevented reaching goals this week", "Overwhelmed by fibromyalgia symptoms",
    "Pain", "Energy", "Stiffness", "Sleep quality", "Depression", "Memory problems", "Anxiety",
    "Tenderness to touch", "Balance problems", "Sensitivity to noise, light, odours or cold",
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


@dataclass(frozen=True)
class HalfOpenBand(Band):
    """A band whose published bounds may be strict: "< 24" or "> 30" on a fractional total."""

    low_inclusive: bool = True
    high_inclusive: bool = True

    def contains(self, total: Number | Fraction) -> bool:
        above_low = total >= self.low if self.low_inclusive else total > self.low
        below_high = self.high is None or (total <= self.high if self.high_inclusive else total < self.high)
        return above_low and below_high


# Salaffi 2020: remission < 24, mild < 41, moderate < 64, severe < 83, very severe ≥ 83 [U].
SALAFFI_2020 = (HalfOpenBand(0, 24, "REMISSION", "Remission (unverified band)", high_inclusive=False),
                HalfOpenBand(24, 41, "MILD", "Mild (unverified band)", high_inclusive=False),
                HalfOpenBand(41, 64, "MODERATE", "Moderate (unverified band)", high_inclusive=False),
                HalfOpenBand(64, 83, "SEVERE", "Severe (unverified band)", high_inclusive=False),
                HalfOpenBand(83, 100, "VERY_SEVERE", "Very severe (unverified band)"))
# Salaffi 2018: remission ≤ 30, mild ≤ 45, moderate ≤ 65, high > 65 [U].
SALAFFI_2018 = (HalfOpenBand(0, 30, "REMISSION", "Remission (unverified band)"),
                HalfOpenBand(30, 45, "MILD", "Mild (unverified band)", low_inclusive=False),
                HalfOpenBand(45, 65, "MODERATE", "Moderate (unverified band)", low_inclusive=False),
                HalfOpenBand(65, 100, "HIGH", "High (unverified band)", low_inclusive=False))
BAND_SETS = {"salaffi_2020": SALAFFI_2020, "salaffi_2018": SALAFFI_2018}


@dataclass(frozen=True)
class FiqrProtocol:
    """The clinic's FIQR settings [D]: which unverified band set, if any, and how many missing items
    each domain may have before the form cannot be scored."""

    band_set: str | None = None
    max_missing_function: int = 1
    max_missing_overall: int = 0
    max_missing_symptoms: int = 0

    def __post_init__(self) -> None:
        if self.band_set is not None and self.band_set not in BAND_SETS:
            raise InvalidProtocol(f"FIQR band set {self.band_set!r} is unknown. Choose one of "
                                  f"{', '.join(BAND_SETS)}, or none.", field="band_set")
        for domain in DOMAINS:
            limit = self.max_missing(domain)
            if isinstance(limit, bool) or not isinstance(limit, int) or not 0 <= limit < len(domain.numbers):
                raise InvalidProtocol(f"The FIQR {domain.name} limit must be 0 to {len(domain.numbers) - 1} "
                                      f"missing items; {limit!r} was set.", field=f"max_missing_{domain.name}")

    def max_missing(self, domain: Domain) -> int:
        return getattr(self, f"max_missing_{domain.name}")


DEFAULT_PROTOCOL = FiqrProtocol()
ONE_DECIMAL = Decimal("0.1")


def score(answers: Sequence[Any], context: dict[str, Any]) -> Score:
    """Weighted sum of the three domains, prorating missing items within the clinic's limit."""
    protocol = protocol_from(context, DEFAULT_PROTOCOL)
    points = item_points(INSTRUMENT, answers, optional_items=frozenset(range(1, len(LABELS) + 1)))
    domain_scores = {domain.name: _domain_score(domain, points, protocol) for domain in DOMAINS}
    exact_total = sum(domain_scores.values(), Fraction(0))
    severity = band_for(exact_total, BAND_SETS[protocol.band_set]) if protocol.band_set else None
    prorated = any(answer is None for answer in points)
    return Score("fiqr", _one_decimal(exact_total), severity,
                 subscores={name: _one_decimal(value) for name, value in domain_scores.items()},
                 flags=("PRORATED",) if prorated else ())


def _domain_score(domain: Domain, points: tuple[int | None, ...], protocol: FiqrProtocol) -> Fraction:
    answered = [points[number - 1] for number in domain.numbers if points[number - 1] is not None]
    missing = [number for number in domain.numbers if points[number - 1] is None]
    if len(missing) > protocol.max_missing(domain):
        numbers = ", ".join(str(number) for number in missing)
        raise AnswerError(f"FIQR {domain.name} items {numbers} have no answer; this clinic scores the form with "
                          f"at most {protocol.max_missing(domain)} missing {domain.name} item(s). Ask the "
                          f"patient to answer item {missing[0]}.", field=f"item {missing[0]}")
    # Prorate: the domain sum × items expected ÷ items answered (developers' guidelines).
    return Fraction(sum(answered) * len(domain.numbers), len(answered) * domain.divisor)


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
    licence="Copyrighted; the developers publish licence terms. Item wording is left out; the clinic adds "
            "its licensed text.",
    scorer=score,
    notes=("Domains: function items 1–9 (÷ 3), overall impact 10–11, symptoms 12–21 (÷ 2).",
           "Missing items are prorated per domain (expected ÷ answered) within the clinic's limit.",
           "Bands are unverified [U]: none unless the clinic picks salaffi_2020 or salaffi_2018."),
)

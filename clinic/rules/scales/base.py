"""The shape every instrument shares: items and options, bands, alerts and a score.

Answers come in the published item order as the chosen option's index (0 = first option), or the
number itself for items that ask for one (days, a 0–10 rating), or None for an item not asked
(skip logic). An option's `points` is what it scores; it equals its index except where the
published scoring weighs options differently.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from clinic.rules.errors import DomainError

Number = int | Decimal


class AnswerError(DomainError):
    """An answer list the scale cannot score; `field` names the item ("item 3") or "answers"."""

    code = "INVALID_ANSWER"


class UnknownInstrument(DomainError):
    code = "UNKNOWN_INSTRUMENT"


@dataclass(frozen=True)
class Option:
    label: str
    points: int


@dataclass(frozen=True)
class Item:
    """One question. Either `options` (answer = option index) or `number_range` (answer = the
    number itself, inclusive bounds)."""

    number: int
    label: str
    options: tuple[Option, ...] = ()
    number_range: tuple[int, int] | None = None
    unit: str = ""
    # Wording only where the licence allows it; otherwise the clinic adds its licensed text.
    text: str | None = None
    loinc: str | None = None

    @property
    def max_points(self) -> int:
        if self.number_range is not None:
            return self.number_range[1]
        return max(option.points for option in self.options)

    @property
    def min_points(self) -> int:
        if self.number_range is not None:
            return self.number_range[0]
        return min(option.points for option in self.options)


@dataclass(frozen=True)
class Band:
    """Totals from `low` to `high` inclusive (high None = no upper bound)."""

    low: Number
    high: Number | None
    code: str
    label: str

    def contains(self, total: Number) -> bool:
        return total >= self.low and (self.high is None or total <= self.high)


@dataclass(frozen=True)
class Alert:
    code: str
    item: int | None
    message: str


@dataclass(frozen=True)
class Score:
    instrument: str
    total: Number | None
    severity: str | None = None
    risk: str | None = None
    alerts: tuple[Alert, ...] = ()
    subscores: dict[str, Number] = field(default_factory=dict)
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Instrument:
    code: str
    name: str
    items: tuple[Item, ...]
    total_range: tuple[Number, Number] | None
    bands: tuple[Band, ...]
    recall_period: str
    completed_by: str  # "patient", "clinician" or "trained staff"
    source: str
    licence: str
    scorer: Callable[..., Score]
    loinc_panel: str | None = None
    loinc_total: str | None = None
    # True for symptom scales, where a higher total means worse and no answer lowers the total.
    higher_is_worse: bool = True
    notes: tuple[str, ...] = ()

    def score(self, answers: Sequence[Any], context: dict[str, Any] | None = None) -> Score:
        return self.scorer(answers, context or {})


def item_points(instrument: "Instrument", answers: Sequence[Any], *,
                optional_items: frozenset[int] = frozenset()) -> tuple[int | None, ...]:
    """Check the answers against the items and return each item's points (None if not asked).

    Raises AnswerError naming the first item that is missing, of the wrong type or out of range.
    """
    if isinstance(answers, str | bytes) or not isinstance(answers, Sequence):
        raise AnswerError("Send the answers as a list, one per item.", field="answers")
    expected = len(instrument.items)
    if len(answers) != expected:
        raise AnswerError(f"{instrument.name} has {expected} items; {len(answers)} answers were sent. "
                          f"Send one answer per item in the published order.", field="answers")
    return tuple(_points(item, answer, optional=item.number in optional_items)
                 for item, answer in zip(instrument.items, answers, strict=True))


def _points(item: Item, answer: Any, *, optional: bool) -> int | None:
    where = f"item {item.number}"
    if answer is None:
        if optional:
            return None
        raise AnswerError(f"Item {item.number} ({item.label}) has no answer. Answer it before scoring.",
                          field=where)
    if isinstance(answer, bool) or not isinstance(answer, int):
        raise AnswerError(f"Item {item.number} ({item.label}) needs a whole number, not {answer!r}.", field=where)
    if item.number_range is not None:
        low, high = item.number_range
        if not low <= answer <= high:
            raise AnswerError(f"Item {item.number} ({item.label}) must be {low} to {high}"
                              f"{' ' + item.unit if item.unit else ''}; {answer} was sent.", field=where)
        return answer
    if not 0 <= answer < len(item.options):
        raise AnswerError(f"Item {item.number} ({item.label}) has options 0 to {len(item.options) - 1}; "
                          f"{answer} was sent.", field=where)
    return item.options[answer].points


def band_for(total: Number, bands: Sequence[Band]) -> str | None:
    return next((band.code for band in bands if band.contains(total)), None)


def options(*labels: str) -> tuple[Option, ...]:
    """Options scored 0, 1, 2, … in order."""
    return tuple(Option(label, index) for index, label in enumerate(labels))


NO_YES = options("No", "Yes")

"""The shape every instrument shares: items and options, bands, alerts and a score.

Answers come in the published item order as the chosen option's index (0 = first option), or the
number itself for items that ask for one (days, a 0–10 rating, a YMRS rating between the anchor
points), or None for an item not asked (skip logic). An option's `points` is what it scores; it
equals its index except where the published scoring weighs options differently. A number answer may
be an int, a Decimal or a float read from JSON; a float is taken at its shortest decimal form (1.5
is exactly 1.5), so totals are added as Decimals, never in binary floating point.

The suicide-item alerts are locked (clinical-reference §7.2, PHQ-9 row: "no clinic may switch a
suicide-item alert off or make it less sensitive ... a clinic may only add alerts"): a setting that
would do either is refused with `AlertLocked`.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from typing import Any, ClassVar, TypeVar

from clinic.rules.errors import DomainError
from clinic.rules.protocol import InvalidProtocol, tagged

Number = int | Decimal


class AnswerError(DomainError):
    """An answer list the scale cannot score; `field` names the item ("item 3"), the items ("items 1
    and 2") or "answers". `items` lists every item at fault, for an interface that marks each one."""

    code = "INVALID_ANSWER"

    def __init__(self, message: str, *, field: str | None = None, items: Sequence[int | str] = ()) -> None:
        super().__init__(message, field=field)
        if not items and field is not None and field.startswith("item "):
            items = (field.removeprefix("item "),)
        self.items = tuple(str(item) for item in items)


class AlertLocked(InvalidProtocol):
    """A setting that would switch a locked alert off or make it less sensitive (§7.2)."""

    code = "ALERT_LOCKED"


class UnknownInstrument(DomainError):
    code = "UNKNOWN_INSTRUMENT"


@dataclass(frozen=True)
class Option:
    label: str
    points: int


@dataclass(frozen=True)
class Item:
    """One question. Either `options` (answer = option index) or `number_range` (answer = the
    number itself, inclusive bounds, on the grid low, low + step, low + 2 × step, …)."""

    number: int
    label: str
    options: tuple[Option, ...] = ()
    number_range: tuple[Number, Number] | None = None
    unit: str = ""
    step: Number = 1
    # Wording only where the licence allows it; otherwise the clinic adds its licensed text.
    text: str | None = None
    loinc: str | None = None
    # Only where it differs from the instrument's (QIDS-SR16 weight items, C-SSRS behaviour item).
    recall_period: str | None = None
    # Skip logic: (item number, option index). The item is asked only when that earlier item got that
    # option; otherwise its answer must be None. A generator of valid answers honours this too.
    asked_if: tuple[int, int] | None = None

    @property
    def max_points(self) -> Number:
        if self.number_range is not None:
            return self.number_range[1]
        return max(option.points for option in self.options)


@dataclass(frozen=True)
class Band:
    """Totals from `low` to `high` (high None = no upper bound), inclusive unless a bound is marked
    strict: a published "12 to < 21" on a fractional total is Band(12, 21, …, high_inclusive=False)."""

    low: Number
    high: Number | None
    code: str
    label: str
    low_inclusive: bool = True
    high_inclusive: bool = True

    def contains(self, total: Number | Fraction) -> bool:
        above_low = total >= self.low if self.low_inclusive else total > self.low
        below_high = self.high is None or (total <= self.high if self.high_inclusive else total < self.high)
        return above_low and below_high


@dataclass(frozen=True)
class Alert:
    code: str
    item: int | None
    message: str


@dataclass(frozen=True)
class Score:
    """One scored questionnaire. `answers` are those it was scored from, attached by `Instrument.score`
    (and so by `clinic.rules.scales.score`); None on a score built by hand, whose flags, alerts and risk
    nobody computed, so screening refuses it."""

    instrument: str
    total: Number | None
    severity: str | None = None
    risk: str | None = None
    alerts: tuple[Alert, ...] = ()
    subscores: dict[str, Number] = field(default_factory=dict)
    flags: tuple[str, ...] = ()
    answers: tuple[Any, ...] | None = None


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
    # The version of the items and scoring as implemented here, stored with every score: raised when
    # either changes, so a stored response says which scoring gave its total.
    version: str = "1"

    def score(self, answers: Sequence[Any], context: dict[str, Any] | None = None) -> Score:
        """Score the answers and attach them, so a reader of the score can tell it was computed."""
        return replace(self.scorer(answers, context or {}), answers=tuple(answers))


def item_points(instrument: "Instrument", answers: Sequence[Any], *,
                optional_items: frozenset[int] = frozenset()) -> tuple[int | None, ...]:
    """Check the answers against the items and return each item's points (None if not asked).

    Raises AnswerError naming the first item that is missing, of the wrong type or out of range, or
    answered although its `asked_if` condition was not met.
    """
    if isinstance(answers, str | bytes) or not isinstance(answers, Sequence):
        raise AnswerError("Send the answers as a list, one per item.", field="answers")
    expected = len(instrument.items)
    if len(answers) != expected:
        raise AnswerError(f"{instrument.name} has {expected} items; {len(answers)} answers were sent. "
                          f"Send one answer per item in the published order.", field="answers")
    given = {item.number: answer for item, answer in zip(instrument.items, answers, strict=True)}
    # In published order, so an item's gate is checked before the item it gates.
    return tuple(_points(item, answer, optional=item.number in optional_items)
                 if item.asked_if is None or given[item.asked_if[0]] == item.asked_if[1]
                 else _not_asked(instrument, item, answer)
                 for item, answer in zip(instrument.items, answers, strict=True))


def answer_errors(instrument: "Instrument", answers: Sequence[Any]) -> dict[int, str]:
    """Every given answer the scale refuses, by item number: out of range, of the wrong type, or
    answered although its `asked_if` condition was not met. Unanswered items (None) are not errors
    here, so a partial answer list can be checked item by item and the good answers kept."""
    if isinstance(answers, str | bytes) or not isinstance(answers, Sequence) or len(answers) != len(instrument.items):
        raise AnswerError(f"{instrument.name} has {len(instrument.items)} items. Send one answer per item in the "
                          "published order, null for an item not answered.", field="answers")
    given = {item.number: answer for item, answer in zip(instrument.items, answers, strict=True)}
    errors = {}
    for item, answer in zip(instrument.items, answers, strict=True):
        if answer is None:
            continue
        try:
            if item.asked_if is None or given[item.asked_if[0]] == item.asked_if[1]:
                _points(item, answer, optional=True)
            else:
                _not_asked(instrument, item, answer)
        except AnswerError as error:
            errors[item.number] = error.message
    return errors


def unanswered(instrument: "Instrument", answers: Sequence[Any]) -> list[int]:
    """The numbers of the items asked (their `asked_if` condition met) and not answered."""
    given = {item.number: answer for item, answer in zip(instrument.items, answers, strict=True)}
    return [item.number for item in instrument.items if given[item.number] is None
            and (item.asked_if is None or given[item.asked_if[0]] == item.asked_if[1])]


def _not_asked(instrument: "Instrument", item: Item, answer: Any) -> None:
    if answer is None:
        return None
    gate_number, option_index = item.asked_if
    gate = next(other for other in instrument.items if other.number == gate_number)
    raise AnswerError(f"Item {item.number} ({item.label}) is asked only when item {gate_number} is "
                      f"\"{gate.options[option_index].label}\"; send null for item {item.number}.",
                      field=f"item {item.number}")


def _points(item: Item, answer: Any, *, optional: bool) -> Number | None:
    where = f"item {item.number}"
    if answer is None:
        if optional:
            return None
        raise AnswerError(f"Item {item.number} ({item.label}) has no answer. Answer it before scoring.",
                          field=where)
    if item.number_range is not None:
        return _number_answer(item, answer)
    if isinstance(answer, bool) or not isinstance(answer, int):
        raise AnswerError(f"Item {item.number} ({item.label}) needs a whole number, not {_shown(answer)}.",
                          field=where)
    if not 0 <= answer < len(item.options):
        raise AnswerError(f"Item {item.number} ({item.label}) has options 0 to {len(item.options) - 1}; "
                          f"{answer} was sent.", field=where)
    return item.options[answer].points


def _number_answer(item: Item, answer: Any) -> Number:
    """The number itself, checked against the item's range and step; whole values come back as int."""
    value = as_decimal(answer)
    low, high = item.number_range
    if value is None or not low <= value <= high or (value - low) % item.step != 0:
        raise AnswerError(f"Item {item.number} ({item.label}) must be {describe_range(item)}; "
                          f"{_shown(answer)} was sent.", field=f"item {item.number}")
    return exact(value)


def _shown(answer: Any) -> str:
    """An answer as the sender wrote it: 1.25, not Decimal('1.25'); text keeps its quotes."""
    return str(answer) if isinstance(answer, int | float | Decimal) else repr(answer)


def as_decimal(value: Any) -> Decimal | None:
    """An int, a finite Decimal or a finite float as an exact Decimal (a float at its shortest decimal
    form, as JSON wrote it); None for anything else, booleans included."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float) and math.isfinite(value):
        return Decimal(repr(value))
    if isinstance(value, Decimal) and value.is_finite():
        return value
    return None


def exact(value: Decimal) -> Number:
    """A whole value as an int, any other in its shortest form (Decimal("1.50") → Decimal("1.5"))."""
    if value == value.to_integral_value():
        return int(value)
    return value.normalize()


def describe_range(item: Item) -> str:
    """"a whole number from 0 to 92 days", or "0 to 4 in steps of 0.5" for a finer grid."""
    low, high = item.number_range
    unit = f" {item.unit}" if item.unit else ""
    if item.step == 1 and isinstance(low, int):
        return f"a whole number from {low} to {high}{unit}"
    return f"{low} to {high}{unit} in steps of {item.step}"


def band_for(total: Number | Fraction, bands: Sequence[Band]) -> str | None:
    return next((band.code for band in bands if band.contains(total)), None)


def options(*labels: str) -> tuple[Option, ...]:
    """Options scored 0, 1, 2, … in order."""
    return tuple(Option(label, index) for index, label in enumerate(labels))


NO_YES = options("No", "Yes")


ProtocolT = TypeVar("ProtocolT")


def protocol_from(context: dict[str, Any], default: ProtocolT) -> ProtocolT:
    """The clinic's settings for one scale: `context["protocol"]` when the caller passes one (the
    clinic's versioned protocol), else the module's default, built from the reference's values."""
    protocol = context.get("protocol", default)
    if not isinstance(protocol, type(default)):
        raise InvalidProtocol(f"The scoring settings must be a {type(default).__name__}, not {protocol!r}. "
                              "Leave `protocol` out of the context to use the clinic's defaults.",
                              field="context.protocol")
    return protocol


SUICIDE_LOCK_SOURCE = ("§7.2 [D]: the alert fires when the suicide item scores above 0. Locked: no clinic may "
                       "switch a suicide-item alert off or make it less sensitive")


@dataclass(frozen=True)
class SuicideItemProtocol:
    """The suicide alert fires when the scale's suicide item scores above 0 (clinical-reference §7.2).
    The alert is locked: `suicide_alert_above` stays 0, since any other value would switch the alert
    off (None) or make it less sensitive (a higher threshold), and no clinic may do either. The setting
    is kept so that a clinic's stored protocol states the threshold it runs with. Each scale's subclass
    names its item."""

    scale: ClassVar[str]
    item_number: ClassVar[int]

    suicide_alert_above: int = field(default=0, metadata=tagged("D", SUICIDE_LOCK_SOURCE))

    def __post_init__(self) -> None:
        threshold = self.suicide_alert_above
        if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold != 0:
            raise AlertLocked(f"The {self.scale} item {self.item_number} suicide alert is locked (clinical-reference "
                              f"§7.2): it fires whenever item {self.item_number} scores above 0, and no clinic may "
                              f"switch it off or make it less sensitive. Leave suicide_alert_above at 0; "
                              f"{threshold!r} was set.", field="suicide_alert_above")

    def alerts(self, item_points: int, message: str) -> tuple[Alert, ...]:
        """The SUICIDE_RISK alert, saying `message`, when the item scores above 0."""
        if item_points <= self.suicide_alert_above:
            return ()
        return (Alert("SUICIDE_RISK", self.item_number, message),)

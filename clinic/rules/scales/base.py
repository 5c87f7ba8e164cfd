"""The shape every instrument shares: items and options, bands, alerts and a score.

Answers come in the published item order as the chosen option's index (0 = first option), or the
number itself for items that ask for one (days, a 0–10 rating), or None for an item not asked
(skip logic). An option's `points` is what it scores; it equals its index except where the
published scoring weighs options differently.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar, TypeVar

from clinic.rules.errors import DomainError
from clinic.rules.protocol import InvalidProtocol

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
    # Only where it differs from the instrument's (QIDS-SR16 weight items, C-SSRS behaviour item).
    recall_period: str | None = None
    # Skip logic: (item number, option index). The item is asked only when that earlier item got that
    # option; otherwise its answer must be None. A generator of valid answers honours this too.
    asked_if: tuple[int, int] | None = None

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


def _not_asked(instrument: "Instrument", item: Item, answer: Any) -> None:
    if answer is None:
        return None
    gate_number, option_index = item.asked_if
    gate = next(other for other in instrument.items if other.number == gate_number)
    raise AnswerError(f"Item {item.number} ({item.label}) is asked only when item {gate_number} is "
                      f"\"{gate.options[option_index].label}\"; send null for item {item.number}.",
                      field=f"item {item.number}")


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


@dataclass(frozen=True)
class SuicideItemProtocol:
    """[D] The suicide alert fires when the scale's suicide item scores above `suicide_alert_above`
    (clinical-reference §7.2: above 0); None turns it off. Each scale's subclass names the item and
    its highest score: a threshold at that score could never fire, so it is refused."""

    scale: ClassVar[str]
    item_number: ClassVar[int]
    item_max_points: ClassVar[int]

    suicide_alert_above: int | None = 0

    def __post_init__(self) -> None:
        threshold = self.suicide_alert_above
        if threshold is not None and threshold not in range(self.item_max_points):
            raise InvalidProtocol(f"The {self.scale} item {self.item_number} alert threshold must be 0 to "
                                  f"{self.item_max_points - 1}, or None to turn the alert off; not {threshold!r}. "
                                  "The reference's default is 0.", field="suicide_alert_above")

    def alerts(self, item_points: int, message: str) -> tuple[Alert, ...]:
        """The SUICIDE_RISK alert, saying `message`, when the item scores above the threshold."""
        if self.suicide_alert_above is None or item_points <= self.suicide_alert_above:
            return ()
        return (Alert("SUICIDE_RISK", self.item_number, message),)

"""Pain NRS: one 0–10 rating of pain intensity (0 = no pain, 10 = worst pain).

Source: clinical-reference §7.1–§7.3; LOINC 72514-3 (§7.2). The reference cites no paper for the
scale itself. The bands 1–3 mild, 4–6 moderate, 7–10 severe are unverified [U], so they are off by
default (severity None) and only a clinic that switches them on sees them. The recall period, now
or the last 24 hours, is a clinic setting [D]. The reference's response rule for pain (≥ 30 % or
≥ 2 points) is [U] as well and is left out; `change` reports the figures without judging them.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
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

SOURCE = "clinical-reference §7.1–7.3 (pain NRS); bands [U], not verified against a cited source"
RECALL_PERIODS = ("now", "last 24 hours")
UNVERIFIED_BANDS = (Band(0, 0, "NONE", "No pain"), Band(1, 3, "MILD", "Mild (unverified band)"),
                    Band(4, 6, "MODERATE", "Moderate (unverified band)"),
                    Band(7, 10, "SEVERE", "Severe (unverified band)"))
PERCENT_PLACES = Decimal("0.1")


@dataclass(frozen=True)
class PainNrsProtocol:
    """The clinic's pain NRS settings [D]; the defaults show no unverified bands."""

    recall_period: str = field(default="now", metadata=tagged("D", "§7.1: pain NRS recall now or 24 h [D]"))
    show_unverified_bands: bool = field(
        default=False, metadata=tagged("U", "§7.2 [U]: 1–3 mild, 4–6 moderate, 7–10 severe, unverified; hidden by "
                                            "default"))

    def __post_init__(self) -> None:
        if self.recall_period not in RECALL_PERIODS:
            raise InvalidProtocol(f"Pain NRS recall period {self.recall_period!r} is not one of "
                                  f"{', '.join(RECALL_PERIODS)}. Choose one of them.", field="recall_period")


DEFAULT_PROTOCOL = PainNrsProtocol()


def score(answers: Sequence[Any], context: dict[str, Any]) -> Score:
    """The rating itself; a severity band only when the clinic has switched the [U] bands on."""
    protocol = protocol_from(context, DEFAULT_PROTOCOL)
    (total,) = item_points(INSTRUMENT, answers)
    severity = band_for(total, UNVERIFIED_BANDS) if protocol.show_unverified_bands else None
    return Score("pain_nrs", total, severity)


@dataclass(frozen=True)
class NrsChange:
    points: int
    # None when the baseline is 0: no percentage of nothing.
    percent: Decimal | None


def change(*, baseline: int, current: int) -> NrsChange:
    """Change from a baseline rating to a current one, in points and in percent of the baseline,
    rounded half-up to 0.1 % (clinical-reference §7.3: 7 → 4 is −3 points, −42.9 %)."""
    for name, rating in (("baseline", baseline), ("current", current)):
        if isinstance(rating, bool) or not isinstance(rating, int) or not 0 <= rating <= 10:
            raise AnswerError(f"The {name} pain rating must be a whole number from 0 to 10; {rating!r} was sent.",
                              field=name)
    points = current - baseline
    if baseline == 0:
        return NrsChange(points, None)
    percent = (Decimal(points) * 100 / baseline).quantize(PERCENT_PLACES, rounding=ROUND_HALF_UP)
    return NrsChange(points, percent)


INSTRUMENT = Instrument(
    code="pain_nrs",
    name="Pain NRS",
    items=(Item(1, "Pain intensity, 0 (no pain) to 10 (worst pain)", number_range=(0, 10)),),
    total_range=(0, 10),
    bands=(),
    recall_period="now, or the last 24 hours (clinic setting)",
    completed_by="patient",
    source=SOURCE,
    licence="A generic numeric rating scale; the reference names no licence holder.",
    scorer=score,
    loinc_total="72514-3",
    notes=("Bands 1–3 mild, 4–6 moderate, 7–10 severe are unverified [U]: off unless the clinic "
           "switches them on (PainNrsProtocol.show_unverified_bands).",),
)

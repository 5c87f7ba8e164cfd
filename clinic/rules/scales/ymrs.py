"""YMRS: the Young Mania Rating Scale, eleven clinician-rated items, total 0–60.

Source: Young RC et al., Br J Psychiatry 1978;133:429 [41], as clinical-reference §7.1: items 1–4, 7,
10 and 11 score 0–4 and items 5, 6, 8 and 9 score 0–8. The scoring guide allows ratings between the
anchor points ("whole or half points"), so each answer is the rating itself (design §4.4): 0 to 4 in
steps of 0.5 on items 1–4, 7, 10 and 11, and 0 to 8 in steps of 1 on items 5, 6, 8 and 9 (e.g. 3,
between the anchors 2 and 4). The total is their sum and may be fractional (e.g. 12.5); it is added
as Decimals, never binary floats.

Bands [U] (§7.2): one published post-hoc grouping (Born 2021, Int J Bipolar Disord [41]), not a
validated severity scale: < 12 not manic, 12 to < 21 hypomanic, 21 to < 30 manic. A total of 30 or
more is not covered by that set, so its severity is None. A clinic may switch the bands off.

A total of 12 or more holds the next infusion for a prescriber's review (§7.2) and raises the
`CA_MANIA_SCORE` flag (§3); both thresholds are clinic settings [D]. Licence not checked [U]: item
and anchor wording is left out; the items carry short labels.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from clinic.rules.protocol import tagged
from clinic.rules.scales.base import (
    Alert,
    Band,
    Instrument,
    InvalidProtocol,
    Item,
    Number,
    Score,
    as_decimal,
    band_for,
    exact,
    item_points,
    protocol_from,
)

SOURCE = ("Young RC, Biggs JT, Ziegler VE, Meyer DA, Br J Psychiatry 1978;133:429-435; bands [U]: post-hoc "
          "grouping, Born 2021, Int J Bipolar Disord")
HALF_POINT = Decimal("0.5")
DOUBLE_WEIGHT_ITEMS = frozenset({5, 6, 8, 9})
LABELS = ("Elevated mood", "Increased motor activity and energy", "Sexual interest", "Sleep", "Irritability",
          "Speech (rate and amount)", "Language and thought disorder", "Content", "Disruptive or aggressive behaviour",
          "Appearance", "Insight")
MAX_TOTAL = 60
# Born 2021 leaves totals of 30 or more without a band.
UNCOVERED_FROM = 30
# Half-open, since a total may fall between whole numbers (20.5 is hypomanic).
SEVERITY_BANDS = (Band(0, 12, "NOT_MANIC", "Not manic (unverified band)", high_inclusive=False),
                  Band(12, 21, "HYPOMANIC", "Hypomanic (unverified band)", high_inclusive=False),
                  Band(21, UNCOVERED_FROM, "MANIC", "Manic (unverified band)", high_inclusive=False))


@dataclass(frozen=True)
class YmrsProtocol:
    """The clinic's YMRS settings [D]: totals that hold the next infusion and raise the caution (§7.2:
    12), and whether the unverified bands [U] are shown."""

    hold_next_infusion_at_or_above: Number = field(
        default=12, metadata=tagged("D", "§7.2 and §8: YMRS ≥ 12 → hold the next infusion for review [D]"))
    mania_caution_at_or_above: Number = field(
        default=12, metadata=tagged("D", "§3 CA_MANIA_SCORE: YMRS ≥ 12"))
    show_unverified_bands: bool = field(
        default=True, metadata=tagged("U", "§7.2 [U]: one published post-hoc grouping (Born 2021 [41]), not a "
                                           "validated severity scale; shown marked unverified"))

    def __post_init__(self) -> None:
        for name in ("hold_next_infusion_at_or_above", "mania_caution_at_or_above"):
            value = getattr(self, name)
            if isinstance(value, float) or not 0 < (as_decimal(value) or 0) <= MAX_TOTAL:
                raise InvalidProtocol(f"The YMRS {name} setting must be a whole number or a Decimal above 0 and "
                                      f"at most {MAX_TOTAL}; {value!r} was set. The reference's default is 12.",
                                      field=name)
        if not isinstance(self.show_unverified_bands, bool):
            raise InvalidProtocol(f"show_unverified_bands must be true or false, not {self.show_unverified_bands!r}.",
                                  field="show_unverified_bands")


DEFAULT_PROTOCOL = YmrsProtocol()


def score(answers: Sequence[Any], context: dict[str, Any]) -> Score:
    """Sum of the eleven ratings, exact, in the [U] bands; at or above the clinic's threshold → hold alert."""
    protocol = protocol_from(context, DEFAULT_PROTOCOL)
    total = exact(sum((Decimal(points) for points in item_points(INSTRUMENT, answers)), Decimal(0)))
    alerts = ()
    if total >= protocol.hold_next_infusion_at_or_above:
        alerts = (Alert("HOLD_NEXT_INFUSION", None,
                        f"YMRS {total} is at or above {protocol.hold_next_infusion_at_or_above}: hold the next "
                        "infusion until the prescriber has reviewed the patient for (hypo)mania."),)
    flags = ("CA_MANIA_SCORE",) if total >= protocol.mania_caution_at_or_above else ()
    severity = band_for(total, SEVERITY_BANDS) if protocol.show_unverified_bands else None
    return Score("ymrs", total, severity, alerts=alerts, flags=flags)


def _item(number: int, label: str) -> Item:
    if number in DOUBLE_WEIGHT_ITEMS:
        return Item(number, label, number_range=(0, 8), step=1)
    return Item(number, label, number_range=(0, 4), step=HALF_POINT)


INSTRUMENT = Instrument(
    code="ymrs",
    name="YMRS",
    items=tuple(_item(number, label) for number, label in enumerate(LABELS, start=1)),
    total_range=(0, MAX_TOTAL),
    bands=SEVERITY_BANDS,
    recall_period="past 48 hours",
    completed_by="clinician",
    source=SOURCE,
    licence="Licence not checked [U] (clinical-reference §7.2): item and anchor wording is left out; the "
            "clinic adds the published text once it has confirmed the terms.",
    scorer=score,
    notes=("Each answer is the rating itself: items 1–4, 7, 10 and 11 from 0 to 4 in steps of 0.5; items 5, 6, "
           "8 and 9 from 0 to 8 in steps of 1 (the scoring guide allows ratings between the anchor points). "
           "The total may be fractional.",
           "Bands are one published post-hoc grouping (Born 2021), not a validated severity scale [U]: < 12 not "
           "manic, 12 to < 21 hypomanic, 21 to < 30 manic. A total of 30 or more is not covered by it, so its "
           "severity is null.",
           "A total of 12 or more (clinic setting) holds the next infusion for review."),
)

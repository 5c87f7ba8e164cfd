"""YMRS: the Young Mania Rating Scale, eleven clinician-rated items, total 0–60.

Source: Young RC et al., Br J Psychiatry 1978;133:429 [41]; bands (< 12 not manic, 12–20
hypomanic, ≥ 21 manic; one published set) per Int J Bipolar Disord 2021 as clinical-reference §7.2.
Items 1–4, 7, 10 and 11 score 0–4; items 5, 6, 8 and 9 have five options scored 0, 2, 4, 6, 8, so
their answer index 0–4 maps to twice its value. A total of 12 or more holds the next infusion for a
prescriber's review and raises the `CA_MANIA_SCORE` flag (§3); both thresholds are clinic settings
[D]. Licence not checked [U]: item and anchor wording is left out; the options name the scores.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from clinic.rules.scales.base import (
    Alert,
    Band,
    Instrument,
    Item,
    Option,
    Score,
    band_for,
    item_points,
    protocol_from,
)

SOURCE = "Young RC, Biggs JT, Ziegler VE, Meyer DA, Br J Psychiatry 1978;133:429-435; bands Int J Bipolar Disord 2021"
DOUBLE_WEIGHT_ITEMS = frozenset({5, 6, 8, 9})
LABELS = ("Elevated mood", "Increased motor activity and energy", "Sexual interest", "Sleep", "Irritability",
          "Speech (rate and amount)", "Language and thought disorder", "Content", "Disruptive or aggressive behaviour",
          "Appearance", "Insight")
SEVERITY_BANDS = (Band(0, 11, "NOT_MANIC", "Not manic"), Band(12, 20, "HYPOMANIC", "Hypomanic"),
                  Band(21, 60, "MANIC", "Manic"))


def _scores(step: int) -> tuple[Option, ...]:
    return tuple(Option(f"Score {points}", points) for points in range(0, 4 * step + 1, step))


@dataclass(frozen=True)
class YmrsProtocol:
    """The clinic's YMRS settings [D]: totals that hold the next infusion and raise the caution."""

    hold_next_infusion_at_or_above: int = 12
    mania_caution_at_or_above: int = 12


DEFAULT_PROTOCOL = YmrsProtocol()


def score(answers: Sequence[Any], context: dict[str, Any]) -> Score:
    """Sum of the eleven item scores, banded; at or above the clinic's threshold → hold alert."""
    protocol = protocol_from(context, DEFAULT_PROTOCOL)
    total = sum(item_points(INSTRUMENT, answers))
    alerts = ()
    if total >= protocol.hold_next_infusion_at_or_above:
        alerts = (Alert("HOLD_NEXT_INFUSION", None,
                        f"YMRS {total} is at or above {protocol.hold_next_infusion_at_or_above}: hold the next "
                        "infusion until the prescriber has reviewed the patient for (hypo)mania."),)
    flags = ("CA_MANIA_SCORE",) if total >= protocol.mania_caution_at_or_above else ()
    return Score("ymrs", total, band_for(total, SEVERITY_BANDS), alerts=alerts, flags=flags)


INSTRUMENT = Instrument(
    code="ymrs",
    name="YMRS",
    items=tuple(Item(number, label, _scores(2 if number in DOUBLE_WEIGHT_ITEMS else 1))
                for number, label in enumerate(LABELS, start=1)),
    total_range=(0, 60),
    bands=SEVERITY_BANDS,
    recall_period="past 48 hours",
    completed_by="clinician",
    source=SOURCE,
    licence="Licence not checked [U] (clinical-reference §7.2): item and anchor wording is left out; the "
            "clinic adds the published text once it has confirmed the terms.",
    scorer=score,
    notes=("Items 5, 6, 8 and 9 score 0, 2, 4, 6, 8: answer index 0–4.",
           "A total of 12 or more (clinic setting) holds the next infusion for review."),
)

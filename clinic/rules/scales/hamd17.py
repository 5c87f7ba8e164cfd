"""HAM-D17: the seventeen scored, clinician-rated items of the Hamilton Rating Scale for Depression.

Source: clinical-reference §7.1–§7.2 [35] (Rush et al. 2003; Trivedi et al. 2006): 17 items scored
0–4 or 0–2, total 0–52; bands 0–7 none, 8–13 mild, 14–19 moderate, 20–25 severe, 26–52 very severe;
item 3 (suicide) above 0 raises a suicide alert, locked (§7.2). Which items score 0–2 is from the standard form
(Hamilton, J Neurol Neurosurg Psychiatry 1960;23:56-62; Guy, ECDEU Assessment Manual 1976, pp. 180-192):
items 4, 5, 6 (insomnia early, middle, late), 12, 13 (gastrointestinal and general somatic symptoms),
14 (genital symptoms), 16 (loss of weight) and 17 (insight) are 0–2; the other nine are 0–4. That is
9 × 4 + 8 × 2 = 52, the reference's maximum. Recall of a week is from the standard form (§7.1 †).
Licence not checked [U], so items carry short labels and the clinic adds its licensed wording.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from clinic.rules.scales.base import (
    Band,
    Instrument,
    Item,
    Score,
    SuicideItemProtocol,
    band_for,
    item_points,
    options,
    protocol_from,
)

SOURCE = ("Hamilton, J Neurol Neurosurg Psychiatry 1960;23:56-62; bands and alert as clinical-reference §7.2 "
          "(Rush et al. 2003; Trivedi et al. 2006)")
ZERO_TO_FOUR = options("0", "1", "2", "3", "4")
ZERO_TO_TWO = options("0", "1", "2")
LABELS = ("Depressed mood", "Feelings of guilt", "Suicide", "Insomnia: early", "Insomnia: middle",
          "Insomnia: late", "Work and activities", "Retardation", "Agitation", "Anxiety: psychic",
          "Anxiety: somatic", "Somatic symptoms: gastrointestinal", "Somatic symptoms: general",
          "Genital symptoms", "Hypochondriasis", "Loss of weight", "Insight")
ZERO_TO_TWO_ITEMS = frozenset({4, 5, 6, 12, 13, 14, 16, 17})
SEVERITY_BANDS = (Band(0, 7, "NONE", "None"), Band(8, 13, "MILD", "Mild"), Band(14, 19, "MODERATE", "Moderate"),
                  Band(20, 25, "SEVERE", "Severe"), Band(26, 52, "VERY_SEVERE", "Very severe"))
SUICIDE_ITEM = 3


@dataclass(frozen=True)
class Hamd17Protocol(SuicideItemProtocol):
    """The suicide alert fires when item 3 scores above 0 (reference §7.2). Locked (§7.2): no clinic
    may switch it off or raise the threshold."""

    scale = "HAM-D"
    item_number = SUICIDE_ITEM


DEFAULT_PROTOCOL = Hamd17Protocol()


def score(answers: Sequence[Any], context: dict[str, Any]) -> Score:
    """Sum of the seventeen items, banded; item 3 above 0 raises the locked suicide alert."""
    protocol = protocol_from(context, DEFAULT_PROTOCOL)
    points = item_points(INSTRUMENT, answers)
    total = sum(points)
    suicide_points = points[SUICIDE_ITEM - 1]
    alerts = protocol.alerts(suicide_points, f"HAM-D item 3 (suicide) is {suicide_points}: a clinician reviews "
                             "suicide risk with the patient today.")
    return Score("hamd17", total, band_for(total, SEVERITY_BANDS), alerts=alerts)


INSTRUMENT = Instrument(
    code="hamd17",
    name="HAM-D17",
    items=tuple(Item(number, label, ZERO_TO_TWO if number in ZERO_TO_TWO_ITEMS else ZERO_TO_FOUR)
                for number, label in enumerate(LABELS, start=1)),
    total_range=(0, 52),
    bands=SEVERITY_BANDS,
    recall_period="past week",
    completed_by="clinician",
    source=SOURCE,
    licence="Licence not checked [U]. The items carry short labels only; the clinic adds the wording and "
            "anchors once it holds a licence or has confirmed the terms.",
    scorer=score,
    notes=("Items 4, 5, 6, 12, 13, 14, 16 and 17 score 0–2; the rest 0–4 (standard form; 9 × 4 + 8 × 2 = 52).",
           "Item 16 is rated by history or by measured weight, 0–2 either way; the form's 'not assessed' "
           "choice is not offered, so rate it before scoring.",
           "Items 18–21 of the longer form are not part of the 17-item total and are not entered here.",
           "The 1-week recall period is from the standard form; the reference did not check it against a cited "
           "source (§7.1 †)."),
)

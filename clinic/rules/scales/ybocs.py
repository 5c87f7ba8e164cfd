"""Y-BOCS: ten clinician-rated obsessive-compulsive items, each 0–4, over the prior week.

Source: Goodman et al., Arch Gen Psychiatry 1989;46:1006-1011 [38], as clinical-reference §7.1–§7.2:
10 × 0–4, items 1–5 obsessions and 6–10 compulsions, subtotals 0–20 each, total 0–40; bands 0–7
subclinical, 8–15 mild, 16–23 moderate, 24–31 severe, 32–40 extreme; no alert. The Y-BOCS-II is a
different scale (0–50) and is not scored here. Copyrighted; clinical use is allowed on the
developers' terms, so items carry short labels and the clinic adds the licensed wording.
"""

from collections.abc import Sequence
from typing import Any

from clinic.rules.scales.base import Band, Instrument, Item, Score, band_for, item_points, options

SOURCE = "Goodman et al., Arch Gen Psychiatry 1989;46:1006-1011"
RATING = options("0", "1", "2", "3", "4")
ASPECTS = ("time occupied", "interference", "distress", "resistance", "degree of control")
LABELS = tuple(f"Obsessions: {aspect}" for aspect in ASPECTS) + tuple(f"Compulsions: {aspect}" for aspect in ASPECTS)
OBSESSION_ITEMS = range(1, 6)
COMPULSION_ITEMS = range(6, 11)
SEVERITY_BANDS = (Band(0, 7, "SUBCLINICAL", "Subclinical"), Band(8, 15, "MILD", "Mild"),
                  Band(16, 23, "MODERATE", "Moderate"), Band(24, 31, "SEVERE", "Severe"),
                  Band(32, 40, "EXTREME", "Extreme"))


def score(answers: Sequence[Any], context: dict[str, Any]) -> Score:
    """Obsessions (items 1–5) plus compulsions (items 6–10), banded (Goodman 1989)."""
    points = item_points(INSTRUMENT, answers)
    obsessions = sum(points[number - 1] for number in OBSESSION_ITEMS)
    compulsions = sum(points[number - 1] for number in COMPULSION_ITEMS)
    total = obsessions + compulsions
    return Score("ybocs", total, band_for(total, SEVERITY_BANDS),
                 subscores={"obsessions": obsessions, "compulsions": compulsions})


INSTRUMENT = Instrument(
    code="ybocs",
    name="Y-BOCS",
    items=tuple(Item(number, label, RATING) for number, label in enumerate(LABELS, start=1)),
    total_range=(0, 40),
    bands=SEVERITY_BANDS,
    recall_period="prior week",
    completed_by="clinician",
    source=SOURCE,
    licence="Copyrighted (Goodman et al.). Clinical use is allowed on the developers' terms; the items here "
            "carry short labels only, and the clinic adds the licensed wording and anchors under those terms.",
    scorer=score,
    notes=("Subscores: obsessions (items 1–5, 0–20) and compulsions (items 6–10, 0–20).",
           "The Y-BOCS-II is a different scale (0–50); do not enter it here."),
)

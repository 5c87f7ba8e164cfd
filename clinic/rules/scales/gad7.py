"""GAD-7: seven anxiety items, each 0–3, self-completed.

Source: Spitzer, Kroenke, Williams & Löwe, Arch Intern Med 2006;166:1092-1097 [36]; items 7 × 0–3,
total 0–21 and bands 0–4 minimal, 5–9 mild, 10–14 moderate, 15–21 severe as clinical-reference
§7.1–§7.2; no alert. LOINC 69737-5 (panel) / 70274-6 (total) as §7.2. Free to use without
permission (§7.2 licences), so the item wording is included.
"""

from collections.abc import Sequence
from typing import Any

from clinic.rules.scales.base import Band, Instrument, Item, Score, band_for, item_points, options

SOURCE = "Spitzer, Kroenke, Williams & Löwe, Arch Intern Med 2006;166:1092-1097"
FREQUENCY = options("Not at all", "Several days", "More than half the days", "Nearly every day")
ITEMS = (
    ("Nervousness", "Feeling nervous, anxious, or on edge"),
    ("Uncontrollable worry", "Not being able to stop or control worrying"),
    ("Excessive worry", "Worrying too much about different things"),
    ("Trouble relaxing", "Trouble relaxing"),
    ("Restlessness", "Being so restless that it is hard to sit still"),
    ("Irritability", "Becoming easily annoyed or irritable"),
    ("Fear of something awful", "Feeling afraid, as if something awful might happen"),
)
SEVERITY_BANDS = (Band(0, 4, "MINIMAL", "Minimal"), Band(5, 9, "MILD", "Mild"),
                  Band(10, 14, "MODERATE", "Moderate"), Band(15, 21, "SEVERE", "Severe"))


def score(answers: Sequence[Any], context: dict[str, Any]) -> Score:
    """Sum of the seven items, banded (Spitzer 2006)."""
    total = sum(item_points(INSTRUMENT, answers))
    return Score("gad7", total, band_for(total, SEVERITY_BANDS))


INSTRUMENT = Instrument(
    code="gad7",
    name="GAD-7",
    items=tuple(Item(number, label, FREQUENCY, text=text)
                for number, (label, text) in enumerate(ITEMS, start=1)),
    total_range=(0, 21),
    bands=SEVERITY_BANDS,
    recall_period="last 2 weeks",
    completed_by="patient",
    source=SOURCE,
    licence="Free to use, copy and distribute; no permission needed.",
    scorer=score,
    loinc_panel="69737-5",
    loinc_total="70274-6",
    notes=("The 2-week recall period is from the standard form; the reference did not check it against "
           "a cited source (§7.1 †).",),
)

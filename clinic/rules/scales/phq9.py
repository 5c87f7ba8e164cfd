"""PHQ-9: nine depression items, each 0–3 over the last 2 weeks.

Source: Kroenke, Spitzer & Williams, J Gen Intern Med 2001;16:606-613 [30]; bands and the item 9
alert as clinical-reference §7.1–§7.2. Free to use without permission (Pfizer).
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

SOURCE = "Kroenke, Spitzer & Williams, J Gen Intern Med 2001;16:606-613"
FREQUENCY = options("Not at all", "Several days", "More than half the days", "Nearly every day")
ITEM_TEXTS = (
    "Little interest or pleasure in doing things",
    "Feeling down, depressed, or hopeless",
    "Trouble falling or staying asleep, or sleeping too much",
    "Feeling tired or having little energy",
    "Poor appetite or overeating",
    "Feeling bad about yourself — or that you are a failure or have let yourself or your family down",
    "Trouble concentrating on things, such as reading the newspaper or watching television",
    "Moving or speaking so slowly that other people could have noticed? Or the opposite — being so "
    "fidgety or restless that you have been moving around a lot more than usual",
    "Thoughts that you would be better off dead or of hurting yourself in some way",
)
LABELS = ("Anhedonia", "Depressed mood", "Sleep", "Energy", "Appetite", "Self-worth", "Concentration",
          "Psychomotor", "Thoughts of death or self-harm")
SEVERITY_BANDS = (Band(0, 4, "MINIMAL", "Minimal"), Band(5, 9, "MILD", "Mild"),
                  Band(10, 14, "MODERATE", "Moderate"),
                  Band(15, 19, "MODERATELY_SEVERE", "Moderately severe"), Band(20, 27, "SEVERE", "Severe"))
SUICIDE_ITEM = 9


@dataclass(frozen=True)
class Phq9Protocol(SuicideItemProtocol):
    """The suicide-risk alert fires when item 9 scores above 0 (reference §7.2; one-year attempt risk
    rose from 0.4 % to 4 % across item 9 answers [29]). Locked (§7.2): no clinic may switch it off or
    raise the threshold. The review it calls for (same day, with a C-SSRS) is the [D] part."""

    scale = "PHQ-9"
    item_number = SUICIDE_ITEM


DEFAULT_PROTOCOL = Phq9Protocol()


def score(answers: Sequence[Any], context: dict[str, Any]) -> Score:
    """Sum of the nine items; item 9 above 0 raises the locked suicide-risk alert (§7.2)."""
    protocol = protocol_from(context, DEFAULT_PROTOCOL)
    points = item_points(INSTRUMENT, answers)
    total = sum(points)
    alerts = protocol.alerts(points[SUICIDE_ITEM - 1], "PHQ-9 item 9 is positive: a clinician reviews the "
                             "patient today and completes a C-SSRS screener.")
    return Score("phq9", total, band_for(total, SEVERITY_BANDS), alerts=alerts)


INSTRUMENT = Instrument(
    code="phq9",
    name="PHQ-9",
    items=tuple(Item(number, label, FREQUENCY, text=text, loinc="44260-8" if number == SUICIDE_ITEM else None)
                for number, (label, text) in enumerate(zip(LABELS, ITEM_TEXTS, strict=True), start=1)),
    total_range=(0, 27),
    bands=SEVERITY_BANDS,
    recall_period="last 2 weeks",
    completed_by="patient",
    source=SOURCE,
    licence="Free to use, copy and distribute; no permission needed.",
    scorer=score,
    loinc_panel="44249-1",
    loinc_total="44261-6",
)

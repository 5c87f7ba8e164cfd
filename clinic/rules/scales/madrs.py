"""MADRS: ten clinician-rated depression items, each 0–6.

Source: Montgomery & Åsberg, Br J Psychiatry 1979;134:382-389; bands from Snaith et al., Br J
Psychiatry 1986;148:599-601 [39], as clinical-reference §7.1–§7.2: 10 × 0–6, total 0–60; bands 0–6
absent, 7–19 mild, 20–34 moderate, 35–60 severe (Snaith). Item 10 (suicidal thoughts) above 0 raises
a suicide alert, locked: no clinic may switch it off or make it less sensitive (§7.2). Recall of a
week is from the standard form (§7.1 †). Licence not checked [U], so items carry short labels and the
clinic adds its licensed wording.
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

SOURCE = "Montgomery & Åsberg, Br J Psychiatry 1979;134:382-389; bands Snaith et al., Br J Psychiatry 1986"
RATING = options("0", "1", "2", "3", "4", "5", "6")
LABELS = ("Apparent sadness", "Reported sadness", "Inner tension", "Reduced sleep", "Reduced appetite",
          "Concentration difficulties", "Lassitude", "Inability to feel", "Pessimistic thoughts",
          "Suicidal thoughts")
SEVERITY_BANDS = (Band(0, 6, "ABSENT", "Absent"), Band(7, 19, "MILD", "Mild"),
                  Band(20, 34, "MODERATE", "Moderate"), Band(35, 60, "SEVERE", "Severe"))
SUICIDE_ITEM = 10


@dataclass(frozen=True)
class MadrsProtocol(SuicideItemProtocol):
    """The suicide alert fires when item 10 scores above 0 (reference §7.2). Locked (§7.2): no clinic
    may switch it off or raise the threshold."""

    scale = "MADRS"
    item_number = SUICIDE_ITEM


DEFAULT_PROTOCOL = MadrsProtocol()


def score(answers: Sequence[Any], context: dict[str, Any]) -> Score:
    """Sum of the ten items, in Snaith's bands; item 10 above 0 raises the locked suicide alert."""
    protocol = protocol_from(context, DEFAULT_PROTOCOL)
    points = item_points(INSTRUMENT, answers)
    total = sum(points)
    suicide_points = points[SUICIDE_ITEM - 1]
    alerts = protocol.alerts(suicide_points, f"MADRS item 10 (suicidal thoughts) is {suicide_points}: a clinician "
                             "reviews suicide risk with the patient today.")
    return Score("madrs", total, band_for(total, SEVERITY_BANDS), alerts=alerts)


INSTRUMENT = Instrument(
    code="madrs",
    name="MADRS",
    items=tuple(Item(number, label, RATING) for number, label in enumerate(LABELS, start=1)),
    total_range=(0, 60),
    bands=SEVERITY_BANDS,
    recall_period="past week",
    completed_by="clinician",
    source=SOURCE,
    licence="Licence not checked [U]. The items carry short labels only; the clinic adds the wording and "
            "anchors once it holds a licence or has confirmed the terms.",
    scorer=score,
    notes=("Bands are Snaith's. Müller et al. 2003 give an alternative severe cut-off of 31 or more; it is not "
           "used here.",
           "The 1-week recall period is from the standard form; the reference did not check it against a cited "
           "source (§7.1 †)."),
)

"""QIDS-SR16: sixteen self-report depression items, each 0–3, scored as nine symptom domains.

Source: Rush et al., Biol Psychiatry 2003;54:573-583; Trivedi et al. 2006 [35], as clinical-reference
§7.1–§7.2: 16 × 0–3, total 0–27 = max(items 1–4) + 5 + max(6–9) + 10 + 11 + 12 + 13 + 14 + max(15–16)
(never the plain sum of the sixteen items); bands 0–5 none, 6–10 mild, 11–15 moderate, 16–20 severe,
21–27 very severe; item 12 (thoughts of death or suicide) above 0 raises a suicide alert, locked (§7.2). Recall
is the last 7 days, the weight items (8, 9) the last 2 weeks. Licence not checked [U], so items carry
the form's short headings and the clinic adds its licensed wording.
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

SOURCE = "Rush et al., Biol Psychiatry 2003;54:573-583; Trivedi et al. 2006"
RATING = options("0", "1", "2", "3")
LABELS = ("Falling asleep", "Sleep during the night", "Waking up too early", "Sleeping too much", "Feeling sad",
          "Decreased appetite", "Increased appetite", "Decreased weight", "Increased weight",
          "Concentration and decision making", "View of myself", "Thoughts of death or suicide",
          "General interest", "Energy level", "Feeling slowed down", "Feeling restless")
WEIGHT_ITEMS = (8, 9)
# The nine DSM symptom domains: each scores the highest of its items.
DOMAINS = (("sleep", (1, 2, 3, 4)), ("sad_mood", (5,)), ("appetite_weight", (6, 7, 8, 9)),
           ("concentration", (10,)), ("self_view", (11,)), ("suicidal_ideation", (12,)), ("interest", (13,)),
           ("energy", (14,)), ("psychomotor", (15, 16)))
SEVERITY_BANDS = (Band(0, 5, "NONE", "None"), Band(6, 10, "MILD", "Mild"), Band(11, 15, "MODERATE", "Moderate"),
                  Band(16, 20, "SEVERE", "Severe"), Band(21, 27, "VERY_SEVERE", "Very severe"))
SUICIDE_ITEM = 12


@dataclass(frozen=True)
class QidsSr16Protocol(SuicideItemProtocol):
    """The suicide alert fires when item 12 scores above 0 (reference §7.2). Locked (§7.2): no clinic
    may switch it off or raise the threshold."""

    scale = "QIDS-SR16"
    item_number = SUICIDE_ITEM


DEFAULT_PROTOCOL = QidsSr16Protocol()


def score(answers: Sequence[Any], context: dict[str, Any]) -> Score:
    """Sum of the nine domain scores (Rush 2003), banded; item 12 above 0 raises the locked suicide alert."""
    protocol = protocol_from(context, DEFAULT_PROTOCOL)
    points = item_points(INSTRUMENT, answers)
    domains = {name: max(points[number - 1] for number in numbers) for name, numbers in DOMAINS}
    total = sum(domains.values())
    suicide_points = points[SUICIDE_ITEM - 1]
    alerts = protocol.alerts(suicide_points, f"QIDS-SR16 item 12 (thoughts of death or suicide) is {suicide_points}: "
                             "a clinician reviews suicide risk with the patient today.")
    return Score("qids_sr16", total, band_for(total, SEVERITY_BANDS), alerts=alerts, subscores=domains)


INSTRUMENT = Instrument(
    code="qids_sr16",
    name="QIDS-SR16",
    items=tuple(Item(number, label, RATING, recall_period="last 2 weeks" if number in WEIGHT_ITEMS else None)
                for number, label in enumerate(LABELS, start=1)),
    total_range=(0, 27),
    bands=SEVERITY_BANDS,
    recall_period="last 7 days (weight items 8 and 9: last 2 weeks)",
    completed_by="patient",
    source=SOURCE,
    licence="Licence not checked [U]. The items carry the form's short headings only; the clinic adds the "
            "wording and anchors once it holds a licence or has confirmed the terms.",
    scorer=score,
    notes=("Total is the sum of nine domains: the highest of items 1–4 (sleep), 6–9 (appetite and weight) and "
           "15–16 (psychomotor), plus items 5, 10, 11, 12, 13 and 14. Subscores give each domain.",
           "All sixteen answers are required. Where the patient marked only one of a pair of appetite or weight "
           "items, enter 0 for the other: the domain takes the highest, so the total is unchanged."),
)

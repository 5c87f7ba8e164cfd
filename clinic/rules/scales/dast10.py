"""DAST-10: ten yes/no questions on drug use in the past 12 months, total 0–10.

Source: Skinner HA, Addict Behav 1982 [50]; scoring, bands and the screening flag as
clinical-reference §7.1–§7.2. Yes scores 1, except item 3 ("always able to stop"), where No scores
1. Answers are option indices with No first, so item 3's index 0 (No) scores 1. A total of 3 or more
raises an alert and the `CA_SUD_HISTORY` flag (§3); that threshold is a clinic setting [D]. Licence
not checked [U]: item wording is left out.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from clinic.rules.protocol import InvalidProtocol, tagged
from clinic.rules.scales.base import (
    NO_YES,
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

SOURCE = "Skinner HA, Addict Behav 1982;7:363-371 (DAST); DAST-10 bands per clinical-reference §7.2"
REVERSED_ITEM = 3
NO_SCORES = (Option("No", 1), Option("Yes", 0))
LABELS = ("Drug use other than for medical reasons", "More than one drug at a time",
          "Always able to stop using drugs when wanted (reverse-scored)", "Blackouts or flashbacks from drug use",
          "Bad or guilty about drug use", "Spouse or parents complain about drug use",
          "Neglected family because of drug use", "Illegal activities to obtain drugs",
          "Withdrawal symptoms on stopping drugs", "Medical problems from drug use")
SEVERITY_BANDS = (Band(0, 0, "NONE", "No problems reported"), Band(1, 2, "LOW", "Low"),
                  Band(3, 5, "MODERATE", "Moderate"), Band(6, 8, "SUBSTANTIAL", "Substantial"),
                  Band(9, 10, "SEVERE", "Severe"))


@dataclass(frozen=True)
class Dast10Protocol:
    """The clinic's DAST-10 setting [D]: the total that raises the substance-use caution."""

    sud_caution_at_or_above: int = field(
        default=3, metadata=tagged("D", "§3 CA_SUD_HISTORY and §7.2: DAST-10 ≥ 3 [50]"))

    def __post_init__(self) -> None:
        value = self.sud_caution_at_or_above
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10:
            raise InvalidProtocol(f"The DAST-10 caution level must be a whole number from 1 to 10 (the total's "
                                  f"range), not {value!r}.", field="sud_caution_at_or_above")


DEFAULT_PROTOCOL = Dast10Protocol()


def score(answers: Sequence[Any], context: dict[str, Any]) -> Score:
    """Count of answers pointing to a problem, banded; at or above the clinic's threshold → flag."""
    protocol = protocol_from(context, DEFAULT_PROTOCOL)
    total = sum(item_points(INSTRUMENT, answers))
    severity = band_for(total, SEVERITY_BANDS)
    if total < protocol.sud_caution_at_or_above:
        return Score("dast10", total, severity)
    alert = Alert("DAST10_POSITIVE", None,
                  f"DAST-10 {total} is at or above {protocol.sud_caution_at_or_above}: a positive drug-use "
                  "screen. The prescriber reviews the substance-use history caution before the next infusion.")
    return Score("dast10", total, severity, alerts=(alert,), flags=("CA_SUD_HISTORY",))


INSTRUMENT = Instrument(
    code="dast10",
    name="DAST-10",
    items=tuple(Item(number, label, NO_SCORES if number == REVERSED_ITEM else NO_YES)
                for number, label in enumerate(LABELS, start=1)),
    total_range=(0, 10),
    bands=SEVERITY_BANDS,
    recall_period="past 12 months",
    completed_by="patient",
    source=SOURCE,
    licence="Licence not checked [U] (clinical-reference §7.2): item wording is left out; the clinic adds "
            "the published text once it has confirmed the terms.",
    scorer=score,
    loinc_total="82667-7",
    notes=("Item 3 is reverse-scored: No scores 1.",
           "A total of 3 or more (clinic setting) raises CA_SUD_HISTORY."),
)

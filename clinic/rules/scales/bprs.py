"""BPRS: the Brief Psychiatric Rating Scale, 18 clinician-rated items of 1–7, total 18–126.

Source: Overall JE & Gorham DR, Psychol Rep 1962; BPRS (NIDA) [51]; CGI link from Leucht S et al.,
Br J Psychiatry 2005 [51]; clinical-reference §7.1–§7.2. Answers are option indices 0–6, scored 1–7
(not present … extremely severe); some studies score 0–6, and totals on that basis are 18 lower.

No severity bands: Leucht 2005 links totals of about 31, 41 and 53 to CGI "mildly", "moderately"
and "markedly ill". Those are approximate correspondences at points, not cut-offs, and turning them
into bands would invent boundaries, so they are listed in `CGI_CORRESPONDENCES` and the notes only.
The reference's "rising positive items → review" is unverified [U] and is left out. Licence not
checked [U]: item wording is left out.
"""

from collections.abc import Sequence
from typing import Any

from clinic.rules.scales.base import Instrument, Item, Option, Score, item_points

SOURCE = "Overall JE, Gorham DR, Psychol Rep 1962;10:799-812; CGI link Leucht S et al., Br J Psychiatry 2005"
SEVERITY = tuple(Option(label, points) for points, label in enumerate(
    ("Not present", "Very mild", "Mild", "Moderate", "Moderately severe", "Severe", "Extremely severe"), start=1))
LABELS = ("Somatic concern", "Anxiety", "Emotional withdrawal", "Conceptual disorganisation", "Guilt feelings",
          "Tension", "Mannerisms and posturing", "Grandiosity", "Depressive mood", "Hostility", "Suspiciousness",
          "Hallucinatory behaviour", "Motor retardation", "Uncooperativeness", "Unusual thought content",
          "Blunted affect", "Excitement", "Disorientation")
# Approximate (≈) BPRS totals, 1–7 scoring, matching CGI severity ratings (Leucht 2005): not cut-offs.
CGI_CORRESPONDENCES = ((31, "mildly ill"), (41, "moderately ill"), (53, "markedly ill"))


def score(answers: Sequence[Any], context: dict[str, Any]) -> Score:
    """Sum of the eighteen item ratings, 1–7 each; no severity band."""
    return Score("bprs", sum(item_points(INSTRUMENT, answers)))


INSTRUMENT = Instrument(
    code="bprs",
    name="BPRS",
    items=tuple(Item(number, label, SEVERITY) for number, label in enumerate(LABELS, start=1)),
    total_range=(18, 126),
    bands=(),
    recall_period="not stated in the reference",
    completed_by="clinician",
    source=SOURCE,
    licence="Licence not checked [U] (clinical-reference §7.2): item wording is left out; the clinic adds "
            "the published text once it has confirmed the terms.",
    scorer=score,
    notes=("Items score 1–7 (answer index 0–6); some studies score 0–6, 18 lower in total.",
           "Approximate CGI correspondence (Leucht 2005), not bands: ≈ 31 mildly ill, ≈ 41 moderately ill, "
           "≈ 53 markedly ill."),
)

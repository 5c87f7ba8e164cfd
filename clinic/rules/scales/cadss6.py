"""CADSS-6: six items of the 23-item CADSS (items 1, 2, 6, 7, 15 and 22), each 0–4.

Source: Rodrigues et al., J Affect Disord 2021;282:160-164 [40], as clinical-reference §7.1–§7.2:
total 0–24; Spearman r 0.91–0.95 with the full CADSS at infusions 1–4, but derived retrospectively and
not validated. No bands, and none of the full scale's marked-dissociation flag (§7.2: "not for
CADSS-6"). Rated at about 40 minutes of infusion time (§5.2). Licence not checked [U], so items carry
numbered labels and the clinic adds its licensed wording.

Answers are the six items in order; item numbers 1–6 here are positions, and each label names the
CADSS item it is.
"""

from collections.abc import Sequence
from typing import Any

from clinic.rules.scales.base import Instrument, Item, Score, item_points

# Six items of the full CADSS: the same ratings, timing and licence.
from clinic.rules.scales.cadss import LICENCE, RATING, RECALL_PERIOD

SOURCE = "Rodrigues et al., J Affect Disord 2021;282:160-164 (from Bremner et al. 1998)"
CADSS_ITEMS = (1, 2, 6, 7, 15, 22)


def score(answers: Sequence[Any], context: dict[str, Any]) -> Score:
    """Sum of the six items (Rodrigues 2021); no flag."""
    return Score("cadss6", sum(item_points(INSTRUMENT, answers)), None)


INSTRUMENT = Instrument(
    code="cadss6",
    name="CADSS-6",
    items=tuple(Item(number, f"CADSS item {cadss_item}", RATING)
                for number, cadss_item in enumerate(CADSS_ITEMS, start=1)),
    total_range=(0, 24),
    bands=(),
    recall_period=RECALL_PERIOD,
    completed_by="clinician",
    source=SOURCE,
    licence=LICENCE,
    scorer=score,
    notes=("Derived retrospectively from the full CADSS and not validated (Spearman r 0.91–0.95 with the full "
           "scale at infusions 1–4). No bands; the full CADSS's marked-dissociation flag does not apply.",
           "Answer positions 1–6 are CADSS items 1, 2, 6, 7, 15 and 22."),
)

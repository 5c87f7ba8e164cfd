"""HIT-6: six items on the impact of headache, total 36–78.

Source: Kosinski M et al., Qual Life Res 2003; Yang M et al. 2010; NINDS common data elements [47];
weights and bands as clinical-reference §7.1–§7.2. Each answer is an option index; the options score
Never 6, Rarely 8, Sometimes 10, Very often 11, Always 13. Copyright QualityMetric: the item
wording is left out until the clinic holds a licence, and the labels below are the system's own.
"""

from collections.abc import Sequence
from typing import Any

from clinic.rules.scales.base import Band, Instrument, Item, Option, Score, band_for, item_points

SOURCE = "Kosinski M et al., Qual Life Res 2003;12:963-974; Yang M et al. 2010; NINDS CDE (HIT-6)"
FREQUENCY = (Option("Never", 6), Option("Rarely", 8), Option("Sometimes", 10), Option("Very often", 11),
             Option("Always", 13))
LABELS = ("Severe pain when headaches occur", "Headaches limit usual daily activities",
          "Wish to lie down during a headache", "Too tired for work or daily activities (past 4 weeks)",
          "Fed up or irritated by headaches (past 4 weeks)",
          "Headaches limit concentration (past 4 weeks)")
IMPACT_BANDS = (Band(36, 49, "LITTLE", "Little or no impact"), Band(50, 55, "SOME", "Some impact"),
                Band(56, 59, "SUBSTANTIAL", "Substantial impact"), Band(60, 78, "SEVERE", "Severe impact"))


def score(answers: Sequence[Any], context: dict[str, Any]) -> Score:
    """Sum of the six option weights, banded by impact."""
    total = sum(item_points(INSTRUMENT, answers))
    return Score("hit6", total, band_for(total, IMPACT_BANDS))


INSTRUMENT = Instrument(
    code="hit6",
    name="HIT-6",
    items=tuple(Item(number, label, FREQUENCY) for number, label in enumerate(LABELS, start=1)),
    total_range=(36, 78),
    bands=IMPACT_BANDS,
    recall_period="past 4 weeks",
    completed_by="patient",
    source=SOURCE,
    licence="Copyright QualityMetric: use needs a licence. Item wording is left out; the clinic adds its "
            "licensed text.",
    scorer=score,
)

"""CADSS: the 23 subjective items of the Clinician-Administered Dissociative States Scale, each 0–4.

Source: Bremner et al., J Trauma Stress 1998;11:125-136 [40], as clinical-reference §7.1–§7.2: 23
subjective items × 0–4, total 0–92, current state (about 40 minutes after the start of the infusion),
clinician-administered; no severity bands (mean 7.7, SD 9.2, during mood-disorder infusions [40]).
A total above 4 and above the pre-dose total is the dissociative/perceptual change defined in the
esketamine trials (Spravato US label [11]); it raises the marked-dissociation flag and alert. Pass the
pre-dose total as `context["pre_dose_total"]`. Licence not checked [U], so items carry numbered labels
and the clinic adds its licensed wording.
"""

from collections.abc import Sequence
from typing import Any

from clinic.rules.scales.base import Alert, AnswerError, Instrument, Item, Score, item_points, options

SOURCE = "Bremner et al., J Trauma Stress 1998;11:125-136; flag per Spravato US label (esketamine trials)"
RATING = options("0", "1", "2", "3", "4")
ITEM_COUNT = 23
MAX_TOTAL = 4 * ITEM_COUNT
MARKED_ABOVE = 4  # [L] Spravato label: CADSS total > 4 and above pre-dose.
RECALL_PERIOD = "current state, about 40 minutes after the start of the infusion"
LICENCE = ("Licence not checked [U]. The items carry numbered labels only; the clinic adds the wording and anchors "
           "once it holds a licence or has confirmed the terms.")


def score(answers: Sequence[Any], context: dict[str, Any]) -> Score:
    """Sum of the 23 items; flags marked dissociation when the total is above 4 and above the pre-dose
    total (Spravato label). Without a pre-dose total the flag rests on the total alone, and says so."""
    total = sum(item_points(INSTRUMENT, answers))
    pre_dose_total = _pre_dose_total(context)
    if total <= MARKED_ABOVE or (pre_dose_total is not None and total <= pre_dose_total):
        return Score("cadss", total, None)
    compared = (f"above the pre-dose {pre_dose_total}" if pre_dose_total is not None
                else "with no pre-dose score to compare, so it counts as a change")
    alert = Alert("MARKED_DISSOCIATION", None, f"CADSS total {total} is above 4 and {compared}: marked "
                  "dissociation as defined in the esketamine trials. Record it and tell the prescriber.")
    return Score("cadss", total, None, alerts=(alert,), flags=("MARKED_DISSOCIATION",))


def _pre_dose_total(context: dict[str, Any]) -> int | None:
    value = context.get("pre_dose_total")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_TOTAL:
        raise AnswerError(f"The pre-dose CADSS total must be a whole number from 0 to {MAX_TOTAL}, not {value!r}. "
                          "Send the total of the CADSS taken before the dose, or leave it out.",
                          field="context.pre_dose_total")
    return value


INSTRUMENT = Instrument(
    code="cadss",
    name="CADSS",
    items=tuple(Item(number, f"CADSS item {number}", RATING) for number in range(1, ITEM_COUNT + 1)),
    total_range=(0, MAX_TOTAL),
    bands=(),
    recall_period=RECALL_PERIOD,
    completed_by="clinician",
    source=SOURCE,
    licence=LICENCE,
    scorer=score,
    notes=("No severity bands. Mean 7.7 (SD 9.2) during mood-disorder infusions [40].",
           "Marked dissociation: total above 4 and above the pre-dose total (context pre_dose_total). Without a "
           "pre-dose total the flag is raised on a total above 4 alone."),
)

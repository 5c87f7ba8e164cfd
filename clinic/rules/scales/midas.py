"""MIDAS: days of headache-related disability over the last 3 months, graded I–IV.

Source: Stewart WF et al., Neurology 2001 [46]; scoring and grades as clinical-reference §7.1–§7.2
(I 0–5, II 6–10, III 11–20, IV ≥ 21). The five scored items are day counts and the total is their
sum. Items A (headache days) and B (average pain, 0–10) are not scored; they come in the context as
`midas_a` and `midas_b`, are required like any other item and are checked. Licence not checked [U]:
item wording is left out.

A day count runs from 0 to 92, the longest three consecutive calendar months (MAX_DAYS, the item
limit); the same 92 days bound each pair below. Item 2 counts only days not already counted in
item 1, and item 4 only days not in item 3 (§7.1), so items 1 + 2 (paid work or school) and items
3 + 4 (household work) cannot exceed the days in the 3 months: a pair above 92 is refused naming
both items.
"""

from collections.abc import Sequence
from typing import Any

from clinic.rules.scales.base import AnswerError, Band, Instrument, Item, Score, band_for, item_points

SOURCE = "Stewart WF, Lipton RB, Dowson AJ, Sawyer J, Neurology 2001;56(6 Suppl 1):S20-S28"
MAX_DAYS = 92
LABELS = ("Days missed work or school", "Days work or school productivity halved or worse",
          "Days no household work", "Days household productivity halved or worse",
          "Days missed family, social or leisure activities")
GRADES = (Band(0, 5, "GRADE_I", "Grade I: little or no disability"),
          Band(6, 10, "GRADE_II", "Grade II: mild disability"),
          Band(11, 20, "GRADE_III", "Grade III: moderate disability"),
          Band(21, None, "GRADE_IV", "Grade IV: severe disability"))
# §7.1: (first item, second item, what they count) whose days cannot add up to more than MAX_DAYS.
DAY_PAIRS = ((1, 2, "paid work or school"), (3, 4, "household work"))
# Unscored items: (context key, item name, label, inclusive range, unit).
UNSCORED_ITEMS = (("midas_a", "A", "Headache days in the last 3 months", (0, MAX_DAYS), "days"),
                  ("midas_b", "B", "Average headache pain, 0 (none) to 10 (as bad as it can be)", (0, 10), ""))


def score(answers: Sequence[Any], context: dict[str, Any]) -> Score:
    """Sum of the five day counts, graded I–IV; items A and B are checked and returned as subscores."""
    points = item_points(INSTRUMENT, answers)
    _check_day_pairs(points)
    total = sum(points)
    unscored = {key: _unscored_answer(context, key=key, name=name, label=label, bounds=bounds, unit=unit)
                for key, name, label, bounds, unit in UNSCORED_ITEMS}
    subscores = {"headache_days": unscored["midas_a"], "average_pain": unscored["midas_b"]}
    return Score("midas", total, band_for(total, GRADES), subscores=subscores)


def _check_day_pairs(points: tuple[int, ...]) -> None:
    for first, second, activity in DAY_PAIRS:
        days = points[first - 1] + points[second - 1]
        if days > MAX_DAYS:
            raise AnswerError(f"MIDAS items {first} and {second}: days missed plus days at half productivity at "
                              f"{activity} add up to {days}, more than the {MAX_DAYS} days in 3 months. Item "
                              f"{second} counts only days not already counted in item {first}; check both answers "
                              "with the patient.", field=f"items {first} and {second}", items=(first, second))


def _unscored_answer(context: dict[str, Any], *, key: str, name: str, label: str,
                     bounds: tuple[int, int], unit: str) -> int:
    answer = context.get(key)
    low, high = bounds
    where = f"item {name}"
    if answer is None:
        raise AnswerError(f"MIDAS item {name} ({label}) has no answer. Send it as context {key!r}.", field=where)
    if isinstance(answer, bool) or not isinstance(answer, int) or not low <= answer <= high:
        raise AnswerError(f"MIDAS item {name} ({label}) must be a whole number from {low} to {high}"
                          f"{' ' + unit if unit else ''}; {answer!r} was sent.", field=where)
    return answer


INSTRUMENT = Instrument(
    code="midas",
    name="MIDAS",
    items=tuple(Item(number, label, number_range=(0, MAX_DAYS), unit="days")
                for number, label in enumerate(LABELS, start=1)),
    # Items 1 + 2 and 3 + 4 at most 92 days each, item 5 at most 92.
    total_range=(0, MAX_DAYS * (len(DAY_PAIRS) + 1)),
    bands=GRADES,
    recall_period="last 3 months",
    completed_by="patient",
    source=SOURCE,
    licence="Licence not checked [U] (clinical-reference §7.2): item wording is left out; the clinic "
            "adds the published text once it has confirmed the terms.",
    scorer=score,
    notes=("Items A (headache days, 0–92) and B (average pain, 0–10) are unscored and go in the context "
           "as midas_a and midas_b.",
           "Items 1 + 2 and items 3 + 4 cannot add up to more than the 92 days in 3 months: item 2 leaves "
           "out the days of item 1, item 4 those of item 3."),
)

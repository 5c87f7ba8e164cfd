"""C-SSRS screener: six yes/no suicide-risk questions asked by trained staff, giving a risk level.

Source: Posner et al. (Columbia Suicide Severity Rating Scale), screener triage guidance [45], as
clinical-reference §7.1–§7.2: questions 1–5 cover the past month, question 6 (suicidal behaviour)
lifetime and the past 3 months; questions 3–5 are asked only if question 2 is yes. Risk is the highest
rule met: high if Q4 or Q5 is yes or behaviour was within 3 months; moderate if Q3 is yes or
behaviour was more than 3 months ago; low if only Q1 or Q2 is yes. High risk calls for immediate
evaluation and precautions [L]; moderate for a same-day review [D]. There is no total. Licence not
checked [U], so items carry the construct names and the clinic adds its licensed wording.

The alerts are locked (§7.2): the high alert always fires, and no clinic may switch the moderate
alert off. A clinic may only add an alert, on low risk (`alert_on_low`, off by default).

Decision: when every answer is No the risk is None. The screener found nothing to grade; that is not
a finding of "no risk", and the reference's lowest level ("low") needs Q1 or Q2 yes.

Answers (design §4.4): items 1–5 are 0 = No, 1 = Yes; item 6 is 0 = No, 1 = Yes, more than 3 months
ago, 2 = Yes, within 3 months. Items 3–5 are null when item 2 is No and required when it is Yes.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from clinic.rules.protocol import tagged
from clinic.rules.scales.base import (
    NO_YES,
    Alert,
    AlertLocked,
    Instrument,
    InvalidProtocol,
    Item,
    Score,
    item_points,
    options,
    protocol_from,
)

SOURCE = "Posner et al., Columbia Suicide Severity Rating Scale (C-SSRS) screener and triage guidance"
YES = 1
BEHAVIOUR_OPTIONS = options("No", "Yes, more than 3 months ago", "Yes, within 3 months")
BEHAVIOUR_MORE_THAN_3_MONTHS, BEHAVIOUR_WITHIN_3_MONTHS = 1, 2
LABELS = ("Wish to be dead", "Non-specific active suicidal thoughts",
          "Active suicidal ideation with any methods (not plan) without intent to act",
          "Active suicidal ideation with some intent to act, without specific plan",
          "Active suicidal ideation with specific plan and intent", "Suicidal behaviour")
GATE = (2, YES)  # Items 3–5 are asked only after a Yes to item 2.
GATED_ITEMS = (3, 4, 5)
BEHAVIOUR_ITEM = 6
# Highest level first; a level is met when any of its (item, answer) pairs is given.
RISK_RULES = (
    ("high", ((4, YES), (5, YES), (BEHAVIOUR_ITEM, BEHAVIOUR_WITHIN_3_MONTHS))),
    ("moderate", ((3, YES), (BEHAVIOUR_ITEM, BEHAVIOUR_MORE_THAN_3_MONTHS))),
    ("low", ((1, YES), (2, YES))),
)


@dataclass(frozen=True)
class CssrsScreenerProtocol:
    """The clinic's C-SSRS alert settings. High risk always alerts [L]. The moderate alert (same-day
    review [D]) is locked on (§7.2): `alert_on_moderate` stays true. A clinic may add a same-day
    review alert on low risk with `alert_on_low`."""

    alert_on_moderate: bool = field(
        default=True, metadata=tagged("D", "§7.2: moderate → same-day review [D]; locked on (no clinic may switch a "
                                           "suicide alert off)"))
    alert_on_low: bool = field(
        default=False, metadata=tagged("D", "product choice: §7.2 sets no alert on low risk; a clinic may only add "
                                            "alerts, such as this one"))

    def __post_init__(self) -> None:
        for name in ("alert_on_moderate", "alert_on_low"):
            if not isinstance(getattr(self, name), bool):
                raise InvalidProtocol(f"{name} must be true or false, not {getattr(self, name)!r}.", field=name)
        if not self.alert_on_moderate:
            raise AlertLocked("The C-SSRS moderate-risk alert is locked (clinical-reference §7.2): no clinic may "
                              "switch a suicide alert off. Leave alert_on_moderate true; a clinic may only add "
                              "alerts, such as alert_on_low.", field="alert_on_moderate")


DEFAULT_PROTOCOL = CssrsScreenerProtocol()


def score(answers: Sequence[Any], context: dict[str, Any]) -> Score:
    """Risk level by the highest rule met (Posner, triage guidance); None when nothing is positive."""
    protocol = protocol_from(context, DEFAULT_PROTOCOL)
    points = item_points(INSTRUMENT, answers)
    risk, item = next(((level, number) for level, rule in RISK_RULES for number, answer in rule
                       if points[number - 1] == answer), (None, None))
    alerts = ()
    if risk == "high":
        alerts = (Alert("SUICIDE_RISK_HIGH", item, "High suicide risk on the C-SSRS screener: a clinician evaluates "
                        "the patient immediately, and suicide precautions start now."),)
    elif risk == "moderate":
        alerts = (Alert("SUICIDE_RISK_MODERATE", item, "Moderate suicide risk on the C-SSRS screener: a clinician "
                        "reviews the patient today."),)
    elif risk == "low" and protocol.alert_on_low:
        alerts = (Alert("SUICIDE_RISK_LOW", item, "Low suicide risk on the C-SSRS screener: this clinic asks a "
                        "clinician to review the patient today."),)
    return Score("cssrs_screener", None, None, risk=risk, alerts=alerts)


def _item(number: int, label: str) -> Item:
    if number == BEHAVIOUR_ITEM:
        return Item(number, label, BEHAVIOUR_OPTIONS, recall_period="lifetime, and whether within the past 3 months")
    return Item(number, label, NO_YES, recall_period="past month", asked_if=GATE if number in GATED_ITEMS else None)


INSTRUMENT = Instrument(
    code="cssrs_screener",
    name="C-SSRS screener",
    items=tuple(_item(number, label) for number, label in enumerate(LABELS, start=1)),
    total_range=None,
    bands=(),
    recall_period="past month (items 1–5); lifetime and past 3 months (item 6)",
    completed_by="trained staff",
    source=SOURCE,
    licence="Licence not checked [U]. The items carry construct names only; the clinic adds the screener's "
            "wording once it holds a licence or has confirmed the terms.",
    scorer=score,
    notes=("No total: the result is a risk level (high, moderate, low), or None when every answer is No.",
           "Items 3–5 are asked only after a Yes to item 2: send null for them after a No, and an answer after a "
           "Yes.",
           "Item 6 options: 0 No; 1 Yes, more than 3 months ago; 2 Yes, within 3 months."),
)

"""AUDIT-C: the three alcohol-consumption questions of the AUDIT, each 0–4, total 0–12.

Source: Bush K et al., Arch Intern Med 1998; Bradley KA et al. 2003 [49]; cut-offs as
clinical-reference §7.2 (positive ≥ 4 for men, ≥ 3 for women), kept as clinic settings [D]. A
positive screen raises an alert and the `CA_SUD_HISTORY` flag for eligibility screening (§3).

The cut-off depends on the context's `sex` ("male", "female", "other" or "unknown", as the patient
record). When sex is other, unknown or absent, the lower of the two cut-offs applies: it misses
fewer hazardous drinkers, and the alert says which cut-off was used. Licence not checked [U]: item
wording is left out; the answer options are the published response categories.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from clinic.rules.protocol import tagged
from clinic.rules.scales.base import (
    Alert,
    AnswerError,
    Instrument,
    InvalidProtocol,
    Item,
    Score,
    item_points,
    options,
    protocol_from,
)

SOURCE = "Bush K et al., Arch Intern Med 1998;158:1789-1795; Bradley KA et al. 2003 (AUDIT-C)"
SEXES = ("male", "female", "other", "unknown")
ITEMS = (
    Item(1, "How often a drink containing alcohol", options(
        "Never", "Monthly or less", "2–4 times a month", "2–3 times a week", "4 or more times a week")),
    Item(2, "Standard drinks on a typical drinking day", options(
        "1 or 2", "3 or 4", "5 or 6", "7 to 9", "10 or more")),
    Item(3, "How often six or more drinks on one occasion", options(
        "Never", "Less than monthly", "Monthly", "Weekly", "Daily or almost daily")),
)


@dataclass(frozen=True)
class AuditCProtocol:
    """The clinic's AUDIT-C cut-offs [D]: a total at or above the cut-off is a positive screen."""

    positive_at_or_above_male: int = field(
        default=4, metadata=tagged("D", "§7.2: positive ≥ 4 (men) → CA_SUD_HISTORY [49]"))
    positive_at_or_above_female: int = field(
        default=3, metadata=tagged("D", "§7.2: positive ≥ 3 (women) → CA_SUD_HISTORY [49]"))

    def __post_init__(self) -> None:
        for name in ("positive_at_or_above_male", "positive_at_or_above_female"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 12:
                raise InvalidProtocol(f"The AUDIT-C cut-off {name} must be a whole number from 1 to 12 (the "
                                      f"total's range), not {value!r}.", field=name)


DEFAULT_PROTOCOL = AuditCProtocol()


def score(answers: Sequence[Any], context: dict[str, Any]) -> Score:
    """Sum of the three items; at or above the cut-off for the patient's sex → positive screen."""
    protocol = protocol_from(context, DEFAULT_PROTOCOL)
    total = sum(item_points(INSTRUMENT, answers))
    cut_off, basis = cut_off_for(context.get("sex"), protocol)
    if total < cut_off:
        return Score("audit_c", total)
    alert = Alert("AUDIT_C_POSITIVE", None,
                  f"AUDIT-C {total} is at or above the cut-off of {cut_off} ({basis}): a positive alcohol "
                  "screen. The prescriber reviews the substance-use history caution before the next infusion.")
    return Score("audit_c", total, alerts=(alert,), flags=("CA_SUD_HISTORY",))


def cut_off_for(sex: Any, protocol: AuditCProtocol) -> tuple[int, str]:
    """The cut-off and why it applies; the lower one when sex is other, unknown or not given."""
    if sex is not None and sex not in SEXES:
        raise AnswerError(f"Sex {sex!r} is not one of {', '.join(SEXES)}. Send one of them, or leave it out.",
                          field="context.sex")
    if sex == "male":
        return protocol.positive_at_or_above_male, "men's cut-off"
    if sex == "female":
        return protocol.positive_at_or_above_female, "women's cut-off"
    lower = min(protocol.positive_at_or_above_male, protocol.positive_at_or_above_female)
    return lower, "sex not recorded as male or female, so the lower cut-off"


INSTRUMENT = Instrument(
    code="audit_c",
    name="AUDIT-C",
    items=ITEMS,
    total_range=(0, 12),
    bands=(),
    recall_period="past year",
    completed_by="patient",
    source=SOURCE,
    licence="Licence not checked [U] (clinical-reference §7.2): item wording is left out; the clinic adds "
            "the published text once it has confirmed the terms.",
    scorer=score,
    loinc_panel="72109-2",
    loinc_total="75626-2",
    notes=("Positive at ≥ 4 for men and ≥ 3 for women (clinic settings); the lower cut-off when sex is "
           "other, unknown or not given. A positive screen raises CA_SUD_HISTORY.",),
)

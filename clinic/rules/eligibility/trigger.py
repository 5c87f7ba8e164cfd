"""What a screening check returns when its rule is met, and the reading of the safety questions
that many checks share (clinical-reference §3)."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from clinic.rules.eligibility.intake import Intake
from clinic.rules.safety_history import SAFETY_ITEMS, SAFETY_LABELS


@dataclass(frozen=True)
class Trigger:
    message: str
    data: dict[str, Any]


def yes_items(intake: Intake, code: str) -> list[str]:
    """The safety questions feeding rule `code` that were answered yes (never an unanswered one)."""
    return [name for name, _, rule in SAFETY_ITEMS if rule == code and intake.said_yes(name)]


def answered(names: Sequence[str]) -> str:
    return "Answered yes: " + "; ".join(SAFETY_LABELS[name] for name in names) + "."

"""Screening one intake: the clinic's screening settings, and every finding the criteria give.

Source: clinical-reference §3 (style habit 6). Rules run at intake and again before every
infusion. The kind of each finding is a clinic setting [D] whose default is the table's: a hard
stop blocks scheduling; a caution needs the prescriber's documented decision (proceed / proceed
with conditions / decline). A clinic that wants unknowns to block sets IN_INTAKE_INCOMPLETE's kind
to hard_stop.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from clinic.rules.eligibility.criteria import HARD_STOP, KINDS, RULE_CODES, RULES, Rule
from clinic.rules.eligibility.criteria_settings import CriteriaSettings
from clinic.rules.eligibility.intake import Intake, check_intake
from clinic.rules.protocol import ProtocolInvalid as EligibilityProtocolInvalid


@dataclass(frozen=True)
class Finding:
    """One screening result. `data` holds only JSON-plain values (dates as ISO text, decimals as text)."""

    code: str
    kind: str
    title: str
    message: str
    data: dict[str, Any]
    source: str
    urgent: bool = False


@dataclass(frozen=True)
class EligibilityProtocol(CriteriaSettings):
    """Screening settings [D]: the thresholds the criteria read (CriteriaSettings), and the kind of
    each finding.

    `kinds` overrides the kind of any rule by code (e.g. {"CA_HTN": "hard_stop"}).
    """

    kinds: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.kinds.get("IN_TRD") == HARD_STOP:
            raise EligibilityProtocolInvalid("The TRD result is a flag for the prescriber, not an eligibility gate "
                                             "(clinical-reference §2.2); it cannot be a hard stop.", field="kinds")
        for code, kind in self.kinds.items():
            if code not in RULE_CODES:
                raise EligibilityProtocolInvalid(f"No screening rule has the code {code!r}.", field="kinds")
            if kind not in KINDS:
                raise EligibilityProtocolInvalid(f"Kind {kind!r} for {code} is not one of {', '.join(KINDS)}.",
                                                 field="kinds")
        object.__setattr__(self, "kinds", MappingProxyType(dict(self.kinds)))

    def kind_of(self, rule: Rule) -> str:
        return self.kinds.get(rule.code, rule.kind)


DEFAULT_PROTOCOL = EligibilityProtocol()


def screen(intake: Intake, protocol: EligibilityProtocol = DEFAULT_PROTOCOL) -> list[Finding]:
    """Run every rule of clinical-reference §3 on one intake and return every finding, in table order."""
    check_intake(intake)
    findings = []
    for rule in RULES:
        trigger = rule.check(intake, protocol)
        if trigger is not None:
            findings.append(Finding(rule.code, protocol.kind_of(rule), rule.title, trigger.message, trigger.data,
                                    rule.source, rule.urgent))
    return findings

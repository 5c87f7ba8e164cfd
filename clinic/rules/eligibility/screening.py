"""Screening one intake: the clinic's screening settings, every finding the criteria give, and what
those findings block.

Source: clinical-reference §3 (style habit 6). Rules run at intake and again before every
infusion. The kind of each finding is a clinic setting [D] whose default is the table's, except
that no rule in KIND_LOCKS can be made milder than its lock's minimum kind. A hard stop blocks
scheduling; a caution needs the prescriber's documented decision (proceed / proceed with
conditions / decline). A finding may also block the start of an infusion without blocking its
booking: a missing pregnancy test the course's first, a YMRS not rated on the day any infusion of a
bipolar patient. `blocks_scheduling` and `blocks_infusion_start` give booking and the infusion day
one answer each.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from clinic.rules.eligibility.criteria import HARD_STOP, KIND_LOCKS, KINDS, RULE_CODES, RULES, Rule
from clinic.rules.eligibility.criteria_settings import CriteriaSettings
from clinic.rules.eligibility.intake import Intake, check_intake
from clinic.rules.protocol import ProtocolInvalid as EligibilityProtocolInvalid
from clinic.rules.protocol import tagged


@dataclass(frozen=True)
class Finding:
    """One screening result. `data` holds only JSON-plain values (dates as ISO text, decimals as text).

    `blocks_infusion_start` is True when the finding blocks the start of the infusion screened for
    though not its booking: the rule's flag, on every infusion (a YMRS due) or, for a rule limited to
    the first infusion, only there (a missing pregnancy test)."""

    code: str
    kind: str
    title: str
    message: str
    data: dict[str, Any]
    source: str
    urgent: bool = False
    blocks_infusion_start: bool = False


@dataclass(frozen=True)
class EligibilityProtocol(CriteriaSettings):
    """Screening settings [D]: the thresholds the criteria read (CriteriaSettings), and the kind of
    each finding.

    `kinds` overrides the kind of any rule by code (e.g. {"CA_HTN": "hard_stop"}). A rule in
    KIND_LOCKS is never milder than its lock's minimum: the esketamine label's contraindications,
    pregnancy and active psychosis, and the two guards that nothing passes unanswered
    (HS_INTAKE_INCOMPLETE) or unassessed (HS_SUICIDE_HIGH) stay hard stops (§3); CA_SUICIDE_RISK stays
    at least a caution (§7.2, suicide alerts are locked). The TRD result is never a hard stop (§2.2).
    """

    kinds: Mapping[str, str] = field(
        default_factory=dict,
        metadata=tagged("D", "§3 [D]: the kind of each rule is a setting (default the table's), except that the "
                             "esketamine label's contraindications, HS_PREGNANT and HS_PSYCHOSIS_ACTIVE are never "
                             "milder than a hard stop; CA_SUICIDE_RISK stays at least a caution (§7.2)"))

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
            lock = KIND_LOCKS.get(code)
            if lock is not None and not lock.allows(kind):
                raise EligibilityProtocolInvalid(lock.refusal(code), field="kinds")
        object.__setattr__(self, "kinds", MappingProxyType(dict(self.kinds)))

    def kind_of(self, rule: Rule) -> str:
        return self.kinds.get(rule.code, rule.kind)


DEFAULT_PROTOCOL = EligibilityProtocol()


def screen(intake: Intake, protocol: EligibilityProtocol = DEFAULT_PROTOCOL) -> list[Finding]:
    """Run every rule of clinical-reference §3 on one intake and return every finding, in table order."""
    check_intake(intake)
    first_infusion = intake.infusion_date == intake.first_infusion_date
    findings = []
    for rule in RULES:
        trigger = rule.check(intake, protocol)
        if trigger is not None:
            blocks_start = rule.blocks_infusion_start and (first_infusion or not rule.first_infusion_only)
            findings.append(Finding(rule.code, protocol.kind_of(rule), rule.title, trigger.message, trigger.data,
                                    rule.source, rule.urgent, blocks_start))
    return findings


def blocks_scheduling(findings: Iterable[Finding]) -> bool:
    """§3: a hard stop blocks scheduling (booking)."""
    return any(finding.kind == HARD_STOP for finding in findings)


def blocks_infusion_start(findings: Iterable[Finding]) -> bool:
    """§3, §8: the infusion may not start while a hard stop holds, or a finding that blocks the start (a missing
    pregnancy test before infusion 1, a YMRS not rated on the day for a bipolar diagnosis)."""
    findings = list(findings)
    return blocks_scheduling(findings) or any(finding.blocks_infusion_start for finding in findings)

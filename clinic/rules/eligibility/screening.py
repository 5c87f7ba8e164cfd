"""Screening one intake: the clinic's screening settings, and every finding the criteria give.

Source: clinical-reference §3 (style habit 6). Rules run at intake and again before every
infusion. The kind of each finding is a clinic setting [D] whose default is the table's: a hard
stop blocks scheduling; a caution needs the prescriber's documented decision (proceed / proceed
with conditions / decline). A clinic that wants unknowns to block sets IN_INTAKE_INCOMPLETE's kind
to hard_stop.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from clinic.rules.eligibility.criteria import HARD_STOP, KINDS, RULE_CODES, RULES, Rule
from clinic.rules.eligibility.intake import Intake, check_intake
from clinic.rules.protocol import ProtocolInvalid as EligibilityProtocolInvalid
from clinic.rules.trd import DEFAULT_TRD_PROTOCOL, TrdProtocol

CSSRS_RISKS = frozenset({"low", "moderate", "high"})


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
class EligibilityProtocol:
    """Screening settings [D]; defaults from clinical-reference §3.

    `kinds` overrides the kind of any rule by code (e.g. {"CA_HTN": "hard_stop"}). The AUDIT-C,
    DAST-10 and YMRS cut-offs belong to those scales' own settings (clinic.rules.scales).
    """

    kinds: Mapping[str, str] = field(default_factory=dict)
    adult_age_years: int = 18  # HS_AGE
    older_adult_age_years: int = 65  # CA_AGE_65
    mania_includes_hypomania: bool = True  # HS_MANIA: hypomania included by default [D]
    htn_systolic_above_mmhg: int = 140  # CA_HTN: intake BP > 140/90
    htn_diastolic_above_mmhg: int = 90
    cssrs_caution_risks: frozenset[str] = frozenset({"moderate", "high"})  # CA_SUICIDE_RISK
    # CA_CNS_MEDS: trials excluded > 2–3 mg/day lorazepam-equivalent [28]; the lower end by default.
    benzodiazepine_trial_limit_mg_per_day: Decimal = Decimal(2)
    pregnancy_test_max_age_days: int = 7  # §3 intake set [D]: negative and ≤ 7 days old at infusion 1
    trd: TrdProtocol = DEFAULT_TRD_PROTOCOL

    def __post_init__(self) -> None:
        if not self.cssrs_caution_risks <= CSSRS_RISKS:
            raise EligibilityProtocolInvalid(f"C-SSRS risk levels are {', '.join(sorted(CSSRS_RISKS))}.",
                                             field="cssrs_caution_risks")
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

"""The settings the screening criteria read: ages, blood pressure, suicide risk, benzodiazepine dose,
pregnancy test age and the TRD protocol. Defaults from clinical-reference §3 [D].

The kind each finding has is a setting too, but it is checked against the criteria table, so it is
added to these in `screening` (EligibilityProtocol), the one module that reads both.
"""

from dataclasses import dataclass
from decimal import Decimal

from clinic.rules.protocol import ProtocolInvalid
from clinic.rules.trd import DEFAULT_TRD_PROTOCOL, TrdProtocol

CSSRS_RISKS = frozenset({"low", "moderate", "high"})


@dataclass(frozen=True)
class CriteriaSettings:
    """The thresholds of clinical-reference §3 a clinic may change [D]. The AUDIT-C, DAST-10 and YMRS
    cut-offs belong to those scales' own settings (clinic.rules.scales)."""

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
            raise ProtocolInvalid(f"C-SSRS risk levels are {', '.join(sorted(CSSRS_RISKS))}.",
                                  field="cssrs_caution_risks")

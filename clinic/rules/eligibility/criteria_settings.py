"""The settings the screening criteria read: ages, blood pressure, suicide risk, benzodiazepine dose,
pregnancy test age, the primary scale of each indication and the TRD protocol. Defaults from
clinical-reference §2.1 and §3 [D].

The kind each finding has is a setting too, but it is checked against the criteria table, so it is
added to these in `screening` (EligibilityProtocol), the one module that reads both.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

from clinic.rules.eligibility.intake import SCREENS
from clinic.rules.indications import INDICATIONS, PRIMARY_SCALES
from clinic.rules.protocol import ProtocolInvalid
from clinic.rules.trd import DEFAULT_TRD_PROTOCOL, TrdProtocol

CSSRS_RISKS = frozenset({"low", "moderate", "high"})
# §7.2 "Locked": no clinic may switch a suicide alert off or make it less sensitive; it may only add "low".
CSSRS_LOCKED_RISKS = frozenset({"moderate", "high"})
POSITIVE_WHOLE_NUMBERS = ("htn_systolic_above_mmhg", "htn_diastolic_above_mmhg", "htn_uncontrolled_systolic_mmhg",
                          "htn_uncontrolled_diastolic_mmhg", "htn_recheck_after_minutes")


@dataclass(frozen=True)
class CriteriaSettings:
    """The thresholds of clinical-reference §3 a clinic may change [D]. The AUDIT-C, DAST-10 and YMRS
    cut-offs belong to those scales' own settings (clinic.rules.scales)."""

    adult_age_years: int = 18  # HS_AGE
    older_adult_age_years: int = 65  # CA_AGE_65
    mania_includes_hypomania: bool = True  # HS_MANIA: hypomania included by default [D]
    htn_systolic_above_mmhg: int = 140  # CA_HTN: intake BP > 140/90
    htn_diastolic_above_mmhg: int = 90
    # HS_HTN_UNCONTROLLED [D]: an intake BP ≥ 180/110 mmHg confirmed on a recheck after 5 min.
    htn_uncontrolled_systolic_mmhg: int = 180
    htn_uncontrolled_diastolic_mmhg: int = 110
    htn_recheck_after_minutes: int = 5
    # CA_SUICIDE_RISK: must hold moderate and high (§7.2 locked); a clinic may add low.
    cssrs_caution_risks: frozenset[str] = frozenset({"moderate", "high"})
    # CA_CNS_MEDS: trials excluded > 2–3 mg/day lorazepam-equivalent [28]; the lower end by default.
    benzodiazepine_trial_limit_mg_per_day: Decimal = Decimal(2)
    pregnancy_test_max_age_days: int = 7  # §3 intake set [D]: negative and ≤ 7 days old at infusion 1
    # §2.1 primary scale [D], an intake screen for each indication (HS_INTAKE_INCOMPLETE asks for it).
    primary_scales: Mapping[str, str] = field(default_factory=lambda: PRIMARY_SCALES)
    trd: TrdProtocol = DEFAULT_TRD_PROTOCOL

    def __post_init__(self) -> None:
        if not self.cssrs_caution_risks <= CSSRS_RISKS:
            raise ProtocolInvalid(f"C-SSRS risk levels are {', '.join(sorted(CSSRS_RISKS))}.",
                                  field="cssrs_caution_risks")
        if not self.cssrs_caution_risks >= CSSRS_LOCKED_RISKS:
            raise ProtocolInvalid("C-SSRS moderate and high risk always raise the suicide-risk finding: the suicide "
                                  "alerts are locked (clinical-reference §7.2), so no clinic may switch one off. "
                                  "Keep moderate and high; a clinic may only add low.", field="cssrs_caution_risks")
        for name in POSITIVE_WHOLE_NUMBERS:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ProtocolInvalid(f"{name} must be a whole number above 0, not {value!r}.", field=name)
        self._check_primary_scales()

    def _check_primary_scales(self) -> None:
        missing = [code for code in INDICATIONS if code not in self.primary_scales]
        if missing:
            raise ProtocolInvalid(f"Choose a primary scale for {', '.join(missing)} (clinical-reference §2.1).",
                                  field="primary_scales")
        for indication, scale in self.primary_scales.items():
            if indication not in INDICATIONS:
                raise ProtocolInvalid(f"{indication!r} is not an indication; expected one of "
                                      f"{', '.join(INDICATIONS)}.", field="primary_scales")
            if scale not in SCREENS:
                raise ProtocolInvalid(f"The primary scale of {indication} must be an intake screen "
                                      f"({', '.join(SCREENS)}), not {scale!r}.", field="primary_scales")
        object.__setattr__(self, "primary_scales", MappingProxyType(dict(self.primary_scales)))

"""The settings the screening criteria read: ages, blood pressure, suicide risk, benzodiazepine dose,
pregnancy test age, the primary scale of each indication, the intake screens and the TRD protocol.
Defaults from clinical-reference §2.1 and §3 [D].

The kind each finding has is a setting too, but it is checked against the criteria table, so it is
added to these in `screening` (EligibilityProtocol), the one module that reads both.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

from clinic.rules.eligibility.intake import SCREENS, is_whole_number
from clinic.rules.indications import INDICATIONS, PRIMARY_SCALES
from clinic.rules.protocol import ProtocolInvalid, tagged
from clinic.rules.trd import DEFAULT_TRD_PROTOCOL, TrdProtocol

CSSRS_RISKS = frozenset({"low", "moderate", "high"})
# §7.2 "Locked": no clinic may switch a suicide alert off or make it less sensitive; it may only add "low".
CSSRS_LOCKED_RISKS = frozenset({"moderate", "high"})
POSITIVE_WHOLE_NUMBERS = ("htn_systolic_above_mmhg", "htn_diastolic_above_mmhg", "htn_uncontrolled_systolic_mmhg",
                          "htn_uncontrolled_diastolic_mmhg", "htn_recheck_after_minutes")
# §3 HS_AGE: esketamine is not approved under 18 [11]; a clinic may raise the age, never lower it.
YOUNGEST_ADULT_AGE_YEARS = 18
# (uncontrolled level, CA_HTN level, what they measure): the hard stop's level must lie above the caution's.
UNCONTROLLED_SOURCE = "§3 HS_HTN_UNCONTROLLED [D]: an intake BP ≥ 180/110 mmHg confirmed on a recheck after 5 min"
# §3 intake set [D]: the screens every intake needs besides the primary scale (and YMRS if bipolar).
DEFAULT_INTAKE_SCREENS = ("audit_c", "dast10", "cssrs_screener")
# The C-SSRS screener feeds HS_SUICIDE_HIGH and CA_SUICIDE_RISK, whose alerts are locked (§7.2).
LOCKED_INTAKE_SCREENS = ("cssrs_screener",)
HTN_LEVEL_PAIRS = (("htn_uncontrolled_systolic_mmhg", "htn_systolic_above_mmhg", "systolic"),
                   ("htn_uncontrolled_diastolic_mmhg", "htn_diastolic_above_mmhg", "diastolic"))


@dataclass(frozen=True)
class CriteriaSettings:
    """The thresholds of clinical-reference §3 a clinic may change [D]. The AUDIT-C, DAST-10 and YMRS
    cut-offs belong to those scales' own settings (clinic.rules.scales)."""

    adult_age_years: int = field(
        default=18, metadata=tagged("D", "§3 HS_AGE: under 18 at infusion 1; adult trials, esketamine not approved "
                                         "under 18 [11]; a clinic may raise it, never lower it"))
    older_adult_age_years: int = field(
        default=65, metadata=tagged("D", "§3 CA_AGE_65: predicts BP surges [18]; EU esketamine labelling starts "
                                         "lower at this age [64]"))
    mania_includes_hypomania: bool = field(
        default=True, metadata=tagged("D", "§3 HS_MANIA: current hypomania is included by default [D]"))
    htn_systolic_above_mmhg: int = field(default=140, metadata=tagged("D", "§3 CA_HTN: intake BP > 140/90 mmHg "
                                                                           "[18, 19, 11]"))
    htn_diastolic_above_mmhg: int = field(default=90, metadata=tagged("D", "§3 CA_HTN: intake BP > 140/90 mmHg "
                                                                           "[18, 19, 11]"))
    htn_uncontrolled_systolic_mmhg: int = field(default=180, metadata=tagged("D", UNCONTROLLED_SOURCE))
    htn_uncontrolled_diastolic_mmhg: int = field(default=110, metadata=tagged("D", UNCONTROLLED_SOURCE))
    htn_recheck_after_minutes: int = field(default=5, metadata=tagged("D", UNCONTROLLED_SOURCE))
    cssrs_caution_risks: frozenset[str] = field(
        default=CSSRS_LOCKED_RISKS, metadata=tagged("D", "§3 CA_SUICIDE_RISK: C-SSRS risk moderate; high is "
                                                         "HS_SUICIDE_HIGH until assessed. Locked (§7.2): moderate "
                                                         "and high stay; a clinic may add low"))
    benzodiazepine_trial_limit_mg_per_day: Decimal = field(
        default=Decimal(2), metadata=tagged("D", "§3 CA_CNS_MEDS: trials excluded > 2–3 mg/day "
                                                 "lorazepam-equivalent [28]; the lower end by default"))
    pregnancy_test_max_age_days: int = field(
        default=7, metadata=tagged("D", "§3 intake set [D]: negative and ≤ 7 days old at the first infusion of "
                                        "each course; no source sets this schedule"))
    primary_scales: Mapping[str, str] = field(
        default_factory=lambda: PRIMARY_SCALES,
        metadata=tagged("D", "§2.1 primary scale [D] of each indication, an intake screen HS_INTAKE_INCOMPLETE "
                             "asks for"))
    intake_screens: tuple[str, ...] = field(
        default=DEFAULT_INTAKE_SCREENS,
        metadata=tagged("D", "§3 intake set [D]: AUDIT-C, DAST-10 and the C-SSRS screener, besides the primary "
                             "scale and YMRS if bipolar; the C-SSRS screener stays (§7.2 locked suicide alerts)"))
    trd: TrdProtocol = field(default=DEFAULT_TRD_PROTOCOL, metadata=tagged("D", "§2.2; its own section"))

    def __post_init__(self) -> None:
        if not self.cssrs_caution_risks <= CSSRS_RISKS:
            raise ProtocolInvalid(f"C-SSRS risk levels are {', '.join(sorted(CSSRS_RISKS))}.",
                                  field="cssrs_caution_risks")
        if not self.cssrs_caution_risks >= CSSRS_LOCKED_RISKS:
            raise ProtocolInvalid("C-SSRS moderate and high risk always raise the suicide-risk finding: the suicide "
                                  "alerts are locked (clinical-reference §7.2), so no clinic may switch one off. "
                                  "Keep moderate and high; a clinic may only add low.", field="cssrs_caution_risks")
        if not isinstance(self.mania_includes_hypomania, bool):
            raise ProtocolInvalid(f"mania_includes_hypomania must be true or false, not "
                                  f"{self.mania_includes_hypomania!r}.", field="mania_includes_hypomania")
        self._check_ages()
        self._check_blood_pressure()
        self._check_benzodiazepine_limit()
        if not is_whole_number(self.pregnancy_test_max_age_days) or self.pregnancy_test_max_age_days < 0:
            raise ProtocolInvalid(f"pregnancy_test_max_age_days must be a whole number of days, 0 or more (0 = taken "
                                  f"on the day of infusion 1), not {self.pregnancy_test_max_age_days!r}.",
                                  field="pregnancy_test_max_age_days")
        self._check_primary_scales()
        self._check_intake_screens()

    def _check_ages(self) -> None:
        """§3 HS_AGE (< 18 at infusion 1; esketamine not approved under 18 [11]) and CA_AGE_65 (≥ 65)."""
        adult = self.adult_age_years
        if not is_whole_number(adult) or adult < YOUNGEST_ADULT_AGE_YEARS:
            raise ProtocolInvalid(f"adult_age_years must be a whole number of years, {YOUNGEST_ADULT_AGE_YEARS} or "
                                  f"more, not {adult!r}: esketamine is not approved under {YOUNGEST_ADULT_AGE_YEARS} "
                                  "(clinical-reference §3 HS_AGE, Spravato US label [11]). A clinic may raise the "
                                  "age, never lower it.", field="adult_age_years")
        older = self.older_adult_age_years
        if not is_whole_number(older) or older <= adult:
            raise ProtocolInvalid(f"older_adult_age_years must be a whole number of years above adult_age_years "
                                  f"({adult}), not {older!r} (clinical-reference §3 CA_AGE_65).",
                                  field="older_adult_age_years")

    def _check_blood_pressure(self) -> None:
        """§3 CA_HTN (> 140/90 mmHg) and HS_HTN_UNCONTROLLED [D] (≥ 180/110 mmHg on a recheck after 5 min)."""
        for name in POSITIVE_WHOLE_NUMBERS:
            value = getattr(self, name)
            if not is_whole_number(value) or value <= 0:
                raise ProtocolInvalid(f"{name} must be a whole number above 0, not {value!r}.", field=name)
        for uncontrolled, caution, measure in HTN_LEVEL_PAIRS:
            if getattr(self, uncontrolled) <= getattr(self, caution):
                raise ProtocolInvalid(f"The uncontrolled {measure} level ({uncontrolled} = "
                                      f"{getattr(self, uncontrolled)} mmHg) must be above the CA_HTN {measure} level "
                                      f"({caution} = {getattr(self, caution)} mmHg): a reading at the hard stop's "
                                      "level always gives the caution too (clinical-reference §3).", field=uncontrolled)

    def _check_benzodiazepine_limit(self) -> None:
        """§3 CA_CNS_MEDS: trials excluded > 2–3 mg/day lorazepam-equivalent [28]."""
        limit = self.benzodiazepine_trial_limit_mg_per_day
        if (isinstance(limit, bool) or not isinstance(limit, int | Decimal) or not Decimal(limit).is_finite()
                or limit <= 0):
            raise ProtocolInvalid(f"benzodiazepine_trial_limit_mg_per_day must be a decimal number of mg/day "
                                  f"lorazepam-equivalent above 0 (trials excluded above 2–3 mg/day, clinical-reference "
                                  f"§3 CA_CNS_MEDS), not {limit!r}.", field="benzodiazepine_trial_limit_mg_per_day")

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

    def _check_intake_screens(self) -> None:
        if isinstance(self.intake_screens, str) or not all(code in SCREENS for code in self.intake_screens):
            raise ProtocolInvalid(f"Intake screens must be chosen from {', '.join(SCREENS)}, not "
                                  f"{self.intake_screens!r}.", field="intake_screens")
        for code in LOCKED_INTAKE_SCREENS:
            if code not in self.intake_screens:
                raise ProtocolInvalid("Every intake needs the C-SSRS screener: it raises the suicide-risk findings, "
                                      "whose alerts are locked (clinical-reference §7.2). Keep it; a clinic may add "
                                      "screens.", field="intake_screens")
        object.__setattr__(self, "intake_screens", tuple(self.intake_screens))

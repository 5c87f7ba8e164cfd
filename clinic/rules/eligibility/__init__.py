"""Eligibility screening: every finding for one intake (clinical-reference §3; style habit 6).

Rules run at intake and again before every infusion. Each finding has a stable code — the §3
table's (HS_AGE … CA_MANIA_SCORE, HS_SUICIDE_HIGH, HS_INTAKE_INCOMPLETE) and three information codes
of this module (IN_TRD, IN_PREGNANCY_TEST, IN_YMRS_DUE) — a kind, the data that triggered it and its
source. The kind is a clinic setting [D] whose default is the table's, never milder than the minimum
its lock sets (KIND_LOCKS: the locked hard stops of §3, and CA_SUICIDE_RISK at least a caution, §7.2).
A hard stop blocks scheduling (`blocks_scheduling`); a caution needs the prescriber's documented
decision (proceed / proceed with conditions / decline). A missing pregnancy test blocks the start of
infusion 1, and a YMRS not rated on the day the start of any infusion for a bipolar diagnosis, but
neither blocks the booking (`blocks_infusion_start`).

Nothing passes by being unanswered. A safety question left unanswered (None, or absent from
`Intake.safety`) triggers nothing by itself; HS_INTAKE_INCOMPLETE, a hard stop, lists it with the
rules it feeds, together with the intake screens, the indication, the blood pressure (and its
recheck) and the benzodiazepine doses not yet recorded.

Diagnoses are read by ICD-10-CM code (§2.1, `diagnoses`): callers pass the indications' codes as
current diagnoses together with the patient's other diagnoses. The screening scales are read from
their scores: AUDIT-C and DAST-10 raise CA_SUD_HISTORY and YMRS raises CA_MANIA_SCORE through the
`flags` their modules set at the clinic's cut-offs; the C-SSRS screener gives its risk level; PHQ-9
item 9 its alert. Only scores that carry the answers they were scored from are read (`score_screens`),
so a hand-built score cannot hide a flag.

The intake and its checks live in `intake` (with `diagnoses` for the codes), the thresholds in
`criteria_settings`, the §3 table in `criteria` with its longer checks in `blood_pressure`,
`suicide`, `pregnancy`, `mania` and `completeness` (each returning a `trigger.Trigger`), and the whole
settings (those thresholds and the kind of each finding), `screen` and what findings block in
`screening`. Imports run one way, from `screening` down to `diagnoses`. This module names them all,
so callers import from `clinic.rules.eligibility`.
"""

from clinic.rules.eligibility.criteria import (
    CAUTION,
    CNS_CLASSES,
    HARD_STOP,
    INFORMATION,
    KIND_LOCKS,
    KINDS,
    RULE_CODES,
    RULES,
    SUD_SCREEN_NAMES,
    KindLock,
    Rule,
)
from clinic.rules.eligibility.criteria_settings import CSSRS_LOCKED_RISKS, CSSRS_RISKS, CriteriaSettings
from clinic.rules.eligibility.diagnoses import (
    HYPOMANIC,
    MANIC_OR_MIXED,
    PSYCHOTIC_DISORDERS,
    PSYCHOTIC_FEATURES,
    Diagnosis,
)
from clinic.rules.eligibility.intake import (
    ASSESSMENT_OUTCOMES,
    DRUG_CLASSES,
    SCREENS,
    SEXES,
    BloodPressure,
    CurrentMedication,
    Intake,
    IntakeInvalid,
    IntakeScreens,
    PregnancyTest,
    SuicideRiskAssessment,
    age_years,
    score_screens,
)
from clinic.rules.eligibility.screening import (
    DEFAULT_PROTOCOL,
    EligibilityProtocol,
    EligibilityProtocolInvalid,
    Finding,
    blocks_infusion_start,
    blocks_scheduling,
    screen,
)
from clinic.rules.eligibility.trigger import Trigger
from clinic.rules.indications import INDICATIONS, PRIMARY_SCALES
from clinic.rules.safety_history import SAFETY_ITEMS, SAFETY_LABELS

__all__ = [
    "ASSESSMENT_OUTCOMES", "CAUTION", "CNS_CLASSES", "CSSRS_LOCKED_RISKS", "CSSRS_RISKS", "DEFAULT_PROTOCOL",
    "DRUG_CLASSES", "HARD_STOP", "HYPOMANIC", "INDICATIONS", "INFORMATION", "KINDS", "KIND_LOCKS",
    "MANIC_OR_MIXED", "PRIMARY_SCALES", "PSYCHOTIC_DISORDERS", "PSYCHOTIC_FEATURES", "RULES", "RULE_CODES",
    "SAFETY_ITEMS", "SAFETY_LABELS", "SCREENS", "SEXES", "SUD_SCREEN_NAMES",
    "BloodPressure", "CriteriaSettings", "CurrentMedication", "Diagnosis", "EligibilityProtocol",
    "EligibilityProtocolInvalid", "Finding", "Intake", "IntakeInvalid", "IntakeScreens", "KindLock", "PregnancyTest",
    "Rule",
    "SuicideRiskAssessment", "Trigger",
    "age_years", "blocks_infusion_start", "blocks_scheduling", "score_screens", "screen",
]

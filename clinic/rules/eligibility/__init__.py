"""Eligibility screening: every finding for one intake (clinical-reference §3; style habit 6).

Rules run at intake and again before every infusion. Each finding has a stable code — the §3
table's (HS_AGE … CA_MANIA_SCORE) and three information codes of this module (IN_TRD,
IN_PREGNANCY_TEST, IN_INTAKE_INCOMPLETE) — a kind, the data that triggered it and its source. The
kind is a clinic setting [D] whose default is the table's: a hard stop blocks scheduling; a caution
needs the prescriber's documented decision (proceed / proceed with conditions / decline).

Unknown answers are never read as "no". A safety question left unanswered (None, or absent from
`Intake.safety`) triggers nothing by itself; IN_INTAKE_INCOMPLETE lists it with the rules it feeds,
together with the intake screens, blood pressure and benzodiazepine doses not yet recorded, so
the clinician sees what is still to ask. A clinic that wants unknowns to block sets that finding's
kind to hard_stop.

The screening scales are read from their scores (clinic.rules.scales): AUDIT-C and DAST-10 raise
CA_SUD_HISTORY and YMRS raises CA_MANIA_SCORE through the `flags` their modules set at the clinic's
cut-offs; the C-SSRS screener gives its risk level; PHQ-9 item 9 its alert.

The intake and its checks live in `intake`, the thresholds the checks read in `criteria_settings`,
the §3 table and its checks in `criteria`, and the whole settings (those thresholds and the kind of
each finding) and `screen` in `screening`. Imports run one way: `criteria` reads `intake` and
`criteria_settings`, `screening` reads all three, and none of them imports back. This module names
them all, so callers import from `clinic.rules.eligibility`.
"""

from clinic.rules.eligibility.criteria import (
    CAUTION,
    CNS_CLASSES,
    HARD_STOP,
    INFORMATION,
    KINDS,
    PSYCHOTIC_BIPOLAR_ICD10,
    RULE_CODES,
    RULES,
    SUD_SCREEN_NAMES,
    Rule,
    Trigger,
)
from clinic.rules.eligibility.criteria_settings import CSSRS_RISKS, CriteriaSettings
from clinic.rules.eligibility.intake import (
    DRUG_CLASSES,
    SCREENS,
    SEXES,
    CurrentMedication,
    Intake,
    IntakeInvalid,
    IntakeScreens,
    PregnancyTest,
    age_years,
    score_screens,
)
from clinic.rules.eligibility.screening import (
    DEFAULT_PROTOCOL,
    EligibilityProtocol,
    EligibilityProtocolInvalid,
    Finding,
    screen,
)
from clinic.rules.indications import INDICATIONS
from clinic.rules.safety_history import SAFETY_ITEMS, SAFETY_LABELS

__all__ = [
    "CAUTION", "CNS_CLASSES", "CSSRS_RISKS", "DEFAULT_PROTOCOL", "DRUG_CLASSES", "HARD_STOP", "INDICATIONS",
    "INFORMATION", "KINDS", "PSYCHOTIC_BIPOLAR_ICD10", "RULES", "RULE_CODES", "SAFETY_ITEMS", "SAFETY_LABELS",
    "SCREENS", "SEXES", "SUD_SCREEN_NAMES",
    "CriteriaSettings", "CurrentMedication", "EligibilityProtocol", "EligibilityProtocolInvalid", "Finding", "Intake",
    "IntakeInvalid", "IntakeScreens", "PregnancyTest", "Rule", "Trigger",
    "age_years", "score_screens", "screen",
]

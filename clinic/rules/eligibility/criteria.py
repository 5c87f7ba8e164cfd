"""The screening criteria of clinical-reference §3: one check per row of the table, and the table
itself with each row's default kind, title and sources, and the locks: the mildest kind a clinic
may give each locked row (KIND_LOCKS).

A check reads one intake and returns what triggered its row, or None. Unknown answers are never
read as "no": an unanswered safety question triggers nothing by itself, and HS_INTAKE_INCOMPLETE
lists it. Diagnoses are read by code (§2.1, `diagnoses`). The screening scales are read from their
scores: AUDIT-C and DAST-10 raise CA_SUD_HISTORY and YMRS raises CA_MANIA_SCORE through the `flags`
their modules set at the clinic's cut-offs; the C-SSRS screener gives its risk level; PHQ-9 item 9
its alert. The longer checks live in their own modules (blood_pressure, suicide, pregnancy,
completeness); this table names them all.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from clinic.rules.drug_classes import CNS_CLASSES, MOOD_STABILISER_CLASSES
from clinic.rules.eligibility import diagnoses
from clinic.rules.eligibility.blood_pressure import hypertension, hypertension_uncontrolled
from clinic.rules.eligibility.completeness import intake_incomplete
from clinic.rules.eligibility.criteria_settings import CriteriaSettings
from clinic.rules.eligibility.intake import CurrentMedication, Intake, age_years
from clinic.rules.eligibility.mania import ymrs_due
from clinic.rules.eligibility.pregnancy import pregnancy_test, pregnant
from clinic.rules.eligibility.suicide import suicide_high, suicide_risk
from clinic.rules.eligibility.trigger import Trigger, answered, yes_items
from clinic.rules.scales.base import Score
from clinic.rules.trd import TRD_INDICATIONS, TrdAssessment, trd_criteria_met
from clinic.rules.typed_values import day_text

HARD_STOP, CAUTION, INFORMATION = "hard_stop", "caution", "information"
KINDS = (HARD_STOP, CAUTION, INFORMATION)
SUD_SCREEN_NAMES = {"audit_c": "AUDIT-C", "dast10": "DAST-10"}
_LABEL = "a contraindication on the esketamine label [11]"
KIND_WORDS = {HARD_STOP: "a hard stop", CAUTION: "a caution", INFORMATION: "information"}
# From mildest to most serious: a lock refuses any kind before its minimum in this order.
KIND_ORDER = (INFORMATION, CAUTION, HARD_STOP)


@dataclass(frozen=True)
class KindLock:
    """The mildest kind a clinic may give a rule, why, and the reference section that locks it."""

    minimum: str
    reason: str
    reference: str

    def allows(self, kind: str) -> bool:
        return KIND_ORDER.index(kind) >= KIND_ORDER.index(self.minimum)

    def refusal(self, code: str) -> str:
        return f"{code} is {self.reason}; it can never be milder than {KIND_WORDS[self.minimum]} ({self.reference})."


_LOCKED_BY_3 = "clinical-reference §3"
# §3 [D]: "the kind of each rule is a setting, except" the label's contraindications, HS_PREGNANT and
# HS_PSYCHOSIS_ACTIVE, which can never be milder than a hard stop. HS_INTAKE_INCOMPLETE and HS_SUICIDE_HIGH
# are locked too: they are the guards that nothing passes unanswered (§3) or unassessed (§3, §7.2
# "Locked"). CA_SUICIDE_RISK stays at least a caution, so the prescriber's documented decision is never
# dropped (§7.2: no clinic may switch a suicide alert off or make it less sensitive).
KIND_LOCKS: Mapping[str, KindLock] = MappingProxyType({
    "HS_ANEURYSM": KindLock(HARD_STOP, _LABEL, _LOCKED_BY_3),
    "HS_AVM": KindLock(HARD_STOP, _LABEL, _LOCKED_BY_3),
    "HS_ICH": KindLock(HARD_STOP, _LABEL, _LOCKED_BY_3),
    "HS_HYPERSENS": KindLock(HARD_STOP, _LABEL, _LOCKED_BY_3),
    "HS_PREGNANT": KindLock(HARD_STOP, "locked by the reference (positive test or reported pregnancy; RCT "
                            "eligibility [28], esketamine label [11])", _LOCKED_BY_3),
    "HS_PSYCHOSIS_ACTIVE": KindLock(HARD_STOP, "locked by the reference (current psychosis or psychotic features "
                                    "in this episode; [1, 15, 28, 14])", _LOCKED_BY_3),
    "HS_INTAKE_INCOMPLETE": KindLock(HARD_STOP, "the guard that nothing passes by being unanswered: unanswered "
                                     "safety items, a missing blood pressure or missing screens", _LOCKED_BY_3),
    "HS_SUICIDE_HIGH": KindLock(HARD_STOP, "the guard that high suicide risk never passes unassessed: a "
                                "clinician's suicide risk assessment comes first (§7.2, suicide alerts are locked)",
                                _LOCKED_BY_3),
    "CA_SUICIDE_RISK": KindLock(CAUTION, "the suicide alert (C-SSRS moderate or high risk, PHQ-9 item 9 above 0) "
                                "that needs the prescriber's documented decision", "clinical-reference §7.2: no "
                                "clinic may switch a suicide alert off or make it less sensitive"),
})


@dataclass(frozen=True)
class Rule:
    code: str
    kind: str  # the §3 table's kind, the default of the clinic setting
    title: str
    source: str
    check: Callable[[Intake, CriteriaSettings], Trigger | None]
    urgent: bool = False
    # True when the finding blocks the start of the infusion screened for, though not its booking; with
    # `first_infusion_only`, only when that is the course's first infusion.
    blocks_infusion_start: bool = False
    first_infusion_only: bool = False


def _items_rule(code: str) -> Callable[[Intake, CriteriaSettings], Trigger | None]:
    """A rule met by a yes to any safety item that feeds `code` (the §3 row's trigger; its sources in RULES)."""
    def check(intake: Intake, protocol: CriteriaSettings) -> Trigger | None:
        names = yes_items(intake, code)
        return Trigger(answered(names), {"items": names}) if names else None
    return check


def _age(intake: Intake, protocol: CriteriaSettings) -> Trigger | None:
    """§3 HS_AGE: age < 18 years at the first infusion (adult trials; esketamine not approved < 18 [11])."""
    age = age_years(intake.birth_date, intake.first_infusion_date)
    if age >= protocol.adult_age_years:
        return None
    return Trigger(f"Age {age} at the first infusion ({day_text(intake.first_infusion_date)}): under "
                   f"{protocol.adult_age_years}.", {"age_years": age, "birth_date": intake.birth_date.isoformat(),
                                                    "first_infusion_date": intake.first_infusion_date.isoformat()})


def _psychosis(intake: Intake, protocol: CriteriaSettings) -> Trigger | None:
    """§3 HS_PSYCHOSIS_ACTIVE: current psychosis or psychotic features this episode [1, 15, 28, 14]; by code (§2.1):
    F32.3, F33.3, F31.2, F31.5, F31.64 or a psychotic disorder F20–F29, current."""
    names = yes_items(intake, "HS_PSYCHOSIS_ACTIVE")
    codes = diagnoses.psychosis_codes(intake.diagnoses, current=True)
    if not names and not codes:
        return None
    parts = ([answered(names)] if names else []) + (
        [f"Current diagnosis {', '.join(codes)}: psychotic features in this episode or a psychotic disorder."]
        if codes else [])
    return Trigger(" ".join(parts), {"items": names, "diagnosis_codes": codes})


def _psychosis_past(intake: Intake, protocol: CriteriaSettings) -> Trigger | None:
    """§3 CA_PSYCHOSIS_PAST: past psychosis or psychotic disorder [1, 11]; by code (§2.1): a past F20–F29 disorder,
    or psychotic features (F32.3, F33.3, F31.2, F31.5, F31.64) in a past episode."""
    names = yes_items(intake, "CA_PSYCHOSIS_PAST")
    codes = diagnoses.psychosis_codes(intake.diagnoses, current=False)
    if not names and not codes:
        return None
    parts = ([answered(names)] if names else []) + (
        [f"Past diagnosis {', '.join(codes)}: psychosis in a past episode or a psychotic disorder."] if codes else [])
    return Trigger(" ".join(parts), {"items": names, "diagnosis_codes": codes})


def _mania(intake: Intake, protocol: CriteriaSettings) -> Trigger | None:
    """§3 HS_MANIA: current manic or mixed episode [L] (F30.x, F31.1x, F31.2, F31.6x, §2.1); current hypomania
    (F31.0) included by default [D] [28, 14]."""
    hypomania = protocol.mania_includes_hypomania
    names = [name for name in yes_items(intake, "HS_MANIA") if name == "mania_current" or hypomania]
    manic = diagnoses.manic_codes(intake.diagnoses)
    hypomanic = diagnoses.hypomanic_codes(intake.diagnoses) if hypomania else []
    if not (names or manic or hypomanic):
        return None
    parts = ([answered(names)] if names else []) + (
        [f"Current manic or mixed episode: {', '.join(manic)}."] if manic else []) + (
        [f"Current hypomanic episode: {', '.join(hypomanic)} (this clinic includes hypomania)."] if hypomanic else [])
    return Trigger(" ".join(parts), {"items": names, "diagnosis_codes": manic + hypomanic})


def _sud_history(intake: Intake, protocol: CriteriaSettings) -> Trigger | None:
    """§3 CA_SUD_HISTORY: past SUD or ketamine misuse; AUDIT-C positive [49]; DAST-10 ≥ 3 [50] ([1, 11, 15]).

    Past non-medical ketamine recorded as a prior treatment also feeds it (§2.2 intake history)."""
    names = yes_items(intake, "CA_SUD_HISTORY")
    ketamine = [trial.name for trial in intake.treatment_trials if trial.kind == "ketamine" and trial.non_medical]
    screens = {code: _total(score) for code in SUD_SCREEN_NAMES
               if (score := getattr(intake.screens, code)) is not None and "CA_SUD_HISTORY" in score.flags}
    if not (names or ketamine or screens):
        return None
    parts = ([answered(names)] if names else []) + (
        [f"Past non-medical ketamine use recorded: {', '.join(ketamine)}."] if ketamine else []) + [
        f"{SUD_SCREEN_NAMES[code]} {total} is a positive screen."
        for code, total in screens.items()]
    parts.append("Consider urine toxicology [1].")
    return Trigger(" ".join(parts), {"items": names, "non_medical_ketamine": ketamine, "positive_screens": screens})


def _bipolar(intake: Intake, protocol: CriteriaSettings) -> Trigger | None:
    """§3 CA_BIPOLAR: bipolar disorder — a yes, a TRD_BIPOLAR indication, or any F31 code current or past (§2.1) —;
    record mood stabiliser and baseline YMRS (excluded by some trials [28])."""
    if not intake.is_bipolar():
        return None
    codes = diagnoses.bipolar_codes(intake.diagnoses)
    stabilisers = [med.name for med in intake.medications if med.drug_class in MOOD_STABILISER_CLASSES]
    ymrs_total = None if intake.screens.ymrs is None else _total(intake.screens.ymrs)
    coded = f" ({', '.join(codes)})" if codes else ""
    return Trigger(f"Bipolar disorder{coded}. Mood stabiliser: {', '.join(stabilisers) or 'none recorded'}; "
                   f"baseline YMRS: {'not done' if ymrs_total is None else ymrs_total}.",
                   {"diagnosis_codes": codes, "mood_stabilisers": stabilisers, "ymrs_total": ymrs_total})


def _older_adult(intake: Intake, protocol: CriteriaSettings) -> Trigger | None:
    """§3 CA_AGE_65: age ≥ 65 on the infusion screened for (BP surges [18]; EU esketamine label [64])."""
    age = age_years(intake.birth_date, intake.infusion_date)
    if age < protocol.older_adult_age_years:
        return None
    return Trigger(f"Age {age} on {day_text(intake.infusion_date)}: {protocol.older_adult_age_years} or over "
                   "(higher risk of blood pressure surges).", {"age_years": age})


def _cns_medications(intake: Intake, protocol: CriteriaSettings) -> Trigger | None:
    """§3 CA_CNS_MEDS: benzodiazepines (trials excluded > 2–3 mg/day lorazepam-equivalent), sedative-hypnotics,
    opioids, stimulants, MAOIs [28, 11, 14]."""
    medications = [_medication_data(med, protocol) for med in intake.medications if med.drug_class in CNS_CLASSES]
    if not medications:
        return None
    above = [med["name"] for med in medications if med.get("above_trial_limit")]
    message = "Current CNS-active medicines: " + ", ".join(f"{med['name']} ({med['drug_class']})"
                                                           for med in medications) + "."
    if above:
        message += (f" Above {protocol.benzodiazepine_trial_limit_mg_per_day} mg/day lorazepam-equivalent, the "
                    f"level trials excluded: {', '.join(above)}.")
    return Trigger(message, {"medications": medications})


def _medication_data(med: CurrentMedication, protocol: CriteriaSettings) -> dict[str, Any]:
    data: dict[str, Any] = {"name": med.name, "drug_class": med.drug_class}
    if med.drug_class == "benzodiazepine":
        dose = med.lorazepam_equivalent_mg_per_day
        data["lorazepam_equivalent_mg_per_day"] = None if dose is None else str(dose)
        data["above_trial_limit"] = None if dose is None else dose > protocol.benzodiazepine_trial_limit_mg_per_day
    return data


def _mania_score(intake: Intake, protocol: CriteriaSettings) -> Trigger | None:
    """§3 CA_MANIA_SCORE: YMRS ≥ 12 [41], read from the YMRS score's flag (its threshold is the scale's setting)."""
    ymrs = intake.screens.ymrs
    if ymrs is None or "CA_MANIA_SCORE" not in ymrs.flags:
        return None
    return Trigger("YMRS at or above the clinic's threshold: hold the next infusion for the prescriber's review.",
                   {"ymrs_total": _total(ymrs)})


def _total(score: Score) -> int | str:
    """A screen total for the finding's data: a whole number, or text for a fractional one (a YMRS total may be
    12.5), so the data stay JSON-plain. AUDIT-C, DAST-10 and YMRS always have a total once scored."""
    return int(score.total) if score.total == int(score.total) else str(score.total)


def _trd(intake: Intake, protocol: CriteriaSettings) -> Trigger | None:
    """§2.2: the TRD count for each TRD indication, as information for the prescriber [26, 27, 22]; no consensus
    definition exists [26], so the finding names the one applied."""
    indications = [code for code in TRD_INDICATIONS if code in intake.indications]
    if not indications:
        return None
    assessments = [trd_criteria_met(intake.treatment_trials, indication=code, protocol=protocol.trd)
                   for code in indications]
    applied = "; ".join(assessment.definition + (f" ({assessment.indication})" if len(assessments) > 1 else "")
                        for assessment in assessments)
    return Trigger(f"No consensus definition exists (Gaynes 2020 [26]); applied: {applied}. "
                   + " ".join(_trd_summary(assessment) for assessment in assessments),
                   {"assessments": [_trd_data(assessment) for assessment in assessments]})


def _trd_summary(assessment: TrdAssessment) -> str:
    verdict = "met" if assessment.met else "not met"
    return (f"TRD criteria {verdict} for {assessment.indication}: {assessment.failed_trials} adequate failed "
            f"trial(s) in the current episode; the protocol asks for {assessment.required}.")


def _trd_data(assessment: TrdAssessment) -> dict[str, Any]:
    return {"indication": assessment.indication, "met": assessment.met, "failed_trials": assessment.failed_trials,
            "required": assessment.required, "min_weeks": assessment.min_weeks,
            "require_distinct_classes": assessment.require_distinct_classes, "definition": assessment.definition,
            "trials": [{"name": verdict.name, "counted": verdict.counted,
                        "reasons": [{"code": reason.code, "message": reason.message} for reason in verdict.reasons]}
                       for verdict in assessment.verdicts]}


def _source(references: str) -> str:
    return f"clinical-reference §3; {references}"


RULES: tuple[Rule, ...] = (
    Rule("HS_AGE", HARD_STOP, "Under 18 at the first infusion",
         _source("adult trials; esketamine not approved under 18 (Spravato US label [11])"), _age),
    Rule("HS_PSYCHOSIS_ACTIVE", HARD_STOP, "Current psychosis or psychotic features in this episode",
         _source("APA consensus [1]; Psychiatr Ann 2018 [15]; RCT eligibility [28]; clinic sheets [14]"), _psychosis),
    Rule("HS_MANIA", HARD_STOP, "Current manic, mixed or (by default) hypomanic episode",
         _source("RCT eligibility [28]; clinic sheets [14]; hypomania included by default [D]"), _mania),
    Rule("HS_CV_UNSTABLE", HARD_STOP, "Poorly controlled cardiovascular disease",
         _source("ASRA/AAPM/ASA 2018 [13]; RCT eligibility [28]; Psychiatr Ann 2018 [15]"),
         _items_rule("HS_CV_UNSTABLE")),
    Rule("HS_HTN_UNCONTROLLED", HARD_STOP, "Uncontrolled hypertension",
         _source("ASRA/AAPM/ASA 2018 [13]; RCT eligibility [28]; BP ≥ 180/110 mmHg on a recheck [D]"),
         hypertension_uncontrolled),
    Rule("HS_ANEURYSM", HARD_STOP, "Aneurysmal vascular disease", _source("Spravato US label [11]"),
         _items_rule("HS_ANEURYSM")),
    Rule("HS_AVM", HARD_STOP, "Arteriovenous malformation", _source("Spravato US label [11]"),
         _items_rule("HS_AVM")),
    Rule("HS_ICH", HARD_STOP, "Past intracerebral haemorrhage", _source("Spravato US label [11]"),
         _items_rule("HS_ICH")),
    Rule("HS_PREGNANT", HARD_STOP, "Pregnant", _source("RCT eligibility [28]; Spravato US label [11]"), pregnant),
    Rule("HS_HYPERSENS", HARD_STOP, "Hypersensitivity to ketamine or esketamine", _source("Spravato US label [11]"),
         _items_rule("HS_HYPERSENS")),
    Rule("HS_SUD_ACTIVE", HARD_STOP, "Current substance use disorder or non-medical ketamine use",
         _source("ASRA/AAPM/ASA 2018 [13]; RCT eligibility [28]; Psychiatr Ann 2018 [15]"),
         _items_rule("HS_SUD_ACTIVE")),
    Rule("HS_HEPATIC_SEVERE", HARD_STOP, "Severe hepatic impairment",
         _source("ASRA/AAPM/ASA 2018 [13]; Spravato US label [11]"), _items_rule("HS_HEPATIC_SEVERE")),
    Rule("CA_SUD_HISTORY", CAUTION, "Substance use history or positive substance screen",
         _source("APA consensus [1]; Spravato US label [11]; Psychiatr Ann 2018 [15]; AUDIT-C [49]; DAST-10 [50]"),
         _sud_history),
    Rule("CA_PSYCHOSIS_PAST", CAUTION, "Past psychosis", _source("APA consensus [1]; Spravato US label [11]"),
         _psychosis_past),
    Rule("CA_BIPOLAR", CAUTION, "Bipolar disorder: record mood stabiliser and baseline YMRS",
         _source("excluded by some trials [28]"), _bipolar),
    Rule("CA_HEPATIC", CAUTION, "Liver disease or abnormal liver tests",
         _source("Spravato US label [11]; ASRA/AAPM/ASA 2018 [13]"), _items_rule("CA_HEPATIC")),
    Rule("CA_BLADDER", CAUTION, "Urinary symptoms or past cystitis",
         _source("Spravato US label [11]; Psychiatr Ann 2018 [15]; clinic sheets [14]"), _items_rule("CA_BLADDER")),
    Rule("HS_ICP_IOP", HARD_STOP, "Raised intracranial or intraocular pressure",
         _source("ASRA/AAPM/ASA 2018 [13]; Ketalar US label [8]; hard stop by default [D]"),
         _items_rule("HS_ICP_IOP")),
    Rule("CA_EPILEPSY", CAUTION, "Epilepsy with a seizure in the past 12 months",
         _source("NHS ketamine clinic list [U]; caution by default [D]"), _items_rule("CA_EPILEPSY")),
    Rule("CA_HTN", CAUTION, "Controlled hypertension or intake BP above 140/90 mmHg",
         _source("predicts BP surges (Gen Hosp Psychiatry 2024 [18]; Riva-Posse 2018 [19]); Spravato US label [11]"),
         hypertension),
    Rule("CA_AGE_65", CAUTION, "Aged 65 or over",
         _source("predicts BP surges [18]; EU esketamine label starts lower at this age [64]"), _older_adult),
    Rule("CA_CNS_MEDS", CAUTION, "Benzodiazepines, sedative-hypnotics, opioids, stimulants or MAOIs",
         _source("RCT eligibility [28]; Spravato US label [11]; clinic sheets [14]"), _cns_medications),
    Rule("CA_LACTATION", CAUTION, "Breastfeeding", _source("RCT eligibility [28]"), _items_rule("CA_LACTATION")),
    Rule("CA_COGNITIVE", CAUTION, "Neurocognitive disorder or symptomatic brain injury",
         _source("Spravato US label [11]; clinic sheets [14]"), _items_rule("CA_COGNITIVE")),
    Rule("CA_DISSOCIATIVE", CAUTION, "Primary dissociative disorder", _source("clinic sheets [14]"),
         _items_rule("CA_DISSOCIATIVE")),
    Rule("CA_SUICIDE_RISK", CAUTION, "Suicide risk: urgent clinician review",
         _source("§7.2: C-SSRS screener triage (Posner [45]); PHQ-9 item 9 (Kroenke 2001 [30], Simon 2013 [29])"),
         suicide_risk, urgent=True),
    Rule("HS_SUICIDE_HIGH", HARD_STOP, "High suicide risk: no infusion until a clinician's risk assessment",
         _source("§7.2: C-SSRS screener high risk → immediate evaluation and precautions (Posner [45]); hard stop "
                 "until assessed, outpatient setting [D]"), suicide_high, urgent=True),
    Rule("CA_MANIA_SCORE", CAUTION, "YMRS at or above the hold threshold",
         _source("§7.2, §8: YMRS (Young 1978 [41]), hold at ≥ 12 [D]"), _mania_score),
    Rule("IN_TRD", INFORMATION, "Treatment-resistant depression criteria (for the prescriber, not a gate)",
         "clinical-reference §2.2: Gaynes 2020 [26]; Depress Anxiety 2021 [27]; Shiroma 2020 [22]", _trd),
    Rule("IN_PREGNANCY_TEST", INFORMATION, "Pregnancy test needed before the first infusion starts",
         "clinical-reference §3 intake set [D] (no source sets this schedule)", pregnancy_test,
         blocks_infusion_start=True, first_infusion_only=True),
    Rule("IN_YMRS_DUE", INFORMATION, "YMRS to rate before this infusion starts (bipolar disorder)",
         "clinical-reference §8 Mania [D]: YMRS before each infusion for every bipolar diagnosis (F31.x); §3 intake "
         "set", ymrs_due, blocks_infusion_start=True),
    Rule("HS_INTAKE_INCOMPLETE", HARD_STOP, "Intake incomplete: questions, screens or measurements still to do",
         "clinical-reference §3 [D]: nothing passes by being unanswered; not a clinical contraindication",
         intake_incomplete),
)
RULE_CODES = frozenset(rule.code for rule in RULES)

"""The screening criteria of clinical-reference §3: one check per row of the table, and the table
itself with each row's default kind, title and sources.

A check reads one intake and returns what triggered its row, or None. Unknown answers are never
read as "no": an unanswered safety question triggers nothing by itself, and IN_INTAKE_INCOMPLETE
lists it. The screening scales are read from their scores: AUDIT-C and DAST-10 raise
CA_SUD_HISTORY and YMRS raises CA_MANIA_SCORE through the `flags` their modules set at the clinic's
cut-offs; the C-SSRS screener gives its risk level; PHQ-9 item 9 its alert.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from clinic.rules.drug_classes import CNS_CLASSES, MOOD_STABILISER_CLASSES
from clinic.rules.eligibility.criteria_settings import CriteriaSettings
from clinic.rules.eligibility.intake import (
    SCREENS,
    CurrentMedication,
    Intake,
    PregnancyTest,
    age_years,
)
from clinic.rules.safety_history import SAFETY_ITEMS, SAFETY_LABELS
from clinic.rules.scales import phq9
from clinic.rules.scales.base import Score
from clinic.rules.trd import TRD_INDICATIONS, TrdAssessment, trd_criteria_met

HARD_STOP, CAUTION, INFORMATION = "hard_stop", "caution", "information"
KINDS = (HARD_STOP, CAUTION, INFORMATION)
# §2.1: F31.5, bipolar depression with psychotic features, meets HS_PSYCHOSIS_ACTIVE.
PSYCHOTIC_BIPOLAR_ICD10 = "F31.5"
SUD_SCREEN_NAMES = {"audit_c": "AUDIT-C", "dast10": "DAST-10"}


@dataclass(frozen=True)
class Trigger:
    message: str
    data: dict[str, Any]


@dataclass(frozen=True)
class Rule:
    code: str
    kind: str  # the §3 table's kind, the default of the clinic setting
    title: str
    source: str
    check: Callable[[Intake, CriteriaSettings], Trigger | None]
    urgent: bool = False


def _yes_items(intake: Intake, code: str) -> list[str]:
    return [name for name, _, rule in SAFETY_ITEMS if rule == code and intake.said_yes(name)]


def _answered(names: Sequence[str]) -> str:
    return "Answered yes: " + "; ".join(SAFETY_LABELS[name] for name in names) + "."


def _items_rule(code: str) -> Callable[[Intake, CriteriaSettings], Trigger | None]:
    """A rule met by a yes to any safety item that feeds `code` (the §3 row's trigger; its sources in RULES)."""
    def check(intake: Intake, protocol: CriteriaSettings) -> Trigger | None:
        names = _yes_items(intake, code)
        return Trigger(_answered(names), {"items": names}) if names else None
    return check


def _age(intake: Intake, protocol: CriteriaSettings) -> Trigger | None:
    """§3 HS_AGE: age < 18 years at the first infusion (adult trials; esketamine not approved < 18 [11])."""
    age = age_years(intake.birth_date, intake.first_infusion_date)
    if age >= protocol.adult_age_years:
        return None
    return Trigger(f"Age {age} at the first infusion ({intake.first_infusion_date.isoformat()}): under "
                   f"{protocol.adult_age_years}.", {"age_years": age, "birth_date": intake.birth_date.isoformat(),
                                                    "first_infusion_date": intake.first_infusion_date.isoformat()})


def _psychosis(intake: Intake, protocol: CriteriaSettings) -> Trigger | None:
    """§3 HS_PSYCHOSIS_ACTIVE: current psychosis or psychotic features this episode [1, 15, 28, 14]; F31.5 (§2.1)."""
    names = _yes_items(intake, "HS_PSYCHOSIS_ACTIVE")
    codes = [code for code in intake.diagnosis_codes if code.upper().startswith(PSYCHOTIC_BIPOLAR_ICD10)]
    if not names and not codes:
        return None
    parts = ([_answered(names)] if names else []) + (
        [f"Diagnosis {', '.join(codes)}: bipolar depression with psychotic features."] if codes else [])
    return Trigger(" ".join(parts), {"items": names, "diagnosis_codes": codes})


def _mania(intake: Intake, protocol: CriteriaSettings) -> Trigger | None:
    """§3 HS_MANIA: current manic or mixed episode [L]; current hypomania included by default [D] [28, 14]."""
    names = [name for name in _yes_items(intake, "HS_MANIA")
             if name == "mania_current" or protocol.mania_includes_hypomania]
    return Trigger(_answered(names), {"items": names}) if names else None


def _latest_test(intake: Intake) -> PregnancyTest | None:
    return max(intake.pregnancy_tests, key=lambda test: test.taken_on, default=None)


def _pregnant(intake: Intake, protocol: CriteriaSettings) -> Trigger | None:
    """§3 HS_PREGNANT: positive test (the latest one) or reported pregnancy [28, 11]."""
    latest = _latest_test(intake)
    positive_test = latest is not None and latest.positive
    if not intake.said_yes("pregnant") and not positive_test:
        return None
    message = "Pregnancy reported." if intake.said_yes("pregnant") else ""
    if positive_test:
        message = f"{message} Latest pregnancy test ({latest.taken_on.isoformat()}) positive.".strip()
    return Trigger(message, {"reported": intake.said_yes("pregnant"),
                             "positive_test_on": latest.taken_on.isoformat() if positive_test else None})


def _sud_history(intake: Intake, protocol: CriteriaSettings) -> Trigger | None:
    """§3 CA_SUD_HISTORY: past SUD or ketamine misuse; AUDIT-C positive [49]; DAST-10 ≥ 3 [50] ([1, 11, 15]).

    Past non-medical ketamine recorded as a prior treatment also feeds it (§2.2 intake history)."""
    names = _yes_items(intake, "CA_SUD_HISTORY")
    ketamine = [trial.name for trial in intake.treatment_trials if trial.kind == "ketamine" and trial.non_medical]
    screens = {code: _total(score) for code in SUD_SCREEN_NAMES
               if (score := getattr(intake.screens, code)) is not None and "CA_SUD_HISTORY" in score.flags}
    if not (names or ketamine or screens):
        return None
    parts = ([_answered(names)] if names else []) + (
        [f"Past non-medical ketamine use recorded: {', '.join(ketamine)}."] if ketamine else []) + [
        f"{SUD_SCREEN_NAMES[code]} {'' if total is None else f'{total} '}is a positive screen."
        for code, total in screens.items()]
    parts.append("Consider urine toxicology [1].")
    return Trigger(" ".join(parts), {"items": names, "non_medical_ketamine": ketamine, "positive_screens": screens})


def _bipolar(intake: Intake, protocol: CriteriaSettings) -> Trigger | None:
    """§3 CA_BIPOLAR: bipolar disorder; record mood stabiliser and baseline YMRS (excluded by some trials [28])."""
    if not _is_bipolar(intake):
        return None
    stabilisers = [med.name for med in intake.medications if med.drug_class in MOOD_STABILISER_CLASSES]
    ymrs_total = None if intake.screens.ymrs is None else _total(intake.screens.ymrs)
    return Trigger(f"Bipolar disorder. Mood stabiliser: {', '.join(stabilisers) or 'none recorded'}; baseline "
                   f"YMRS: {'not done' if ymrs_total is None else ymrs_total}.",
                   {"mood_stabilisers": stabilisers, "ymrs_total": ymrs_total})


def _is_bipolar(intake: Intake) -> bool:
    return intake.said_yes("bipolar_disorder") or "TRD_BIPOLAR" in intake.indications


def _hypertension(intake: Intake, protocol: CriteriaSettings) -> Trigger | None:
    """§3 CA_HTN: controlled hypertension, or intake BP > 140/90 mmHg (BP surges [18, 19]; [11])."""
    controlled = intake.said_yes("hypertension_controlled")
    high_bp = ((intake.systolic_mmhg or 0) > protocol.htn_systolic_above_mmhg
               or (intake.diastolic_mmhg or 0) > protocol.htn_diastolic_above_mmhg)
    if not (controlled or high_bp):
        return None
    parts = (["Controlled hypertension."] if controlled else []) + (
        [f"Intake BP {intake.systolic_mmhg}/{intake.diastolic_mmhg} mmHg is above "
         f"{protocol.htn_systolic_above_mmhg}/{protocol.htn_diastolic_above_mmhg}."] if high_bp else [])
    return Trigger(" ".join(parts), {"controlled_hypertension": controlled, "systolic_mmhg": intake.systolic_mmhg,
                                     "diastolic_mmhg": intake.diastolic_mmhg})


def _older_adult(intake: Intake, protocol: CriteriaSettings) -> Trigger | None:
    """§3 CA_AGE_65: age ≥ 65 on the infusion screened for (BP surges [18]; EU esketamine label [64])."""
    age = age_years(intake.birth_date, intake.infusion_date)
    if age < protocol.older_adult_age_years:
        return None
    return Trigger(f"Age {age} on {intake.infusion_date.isoformat()}: {protocol.older_adult_age_years} or over "
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


def _suicide_risk(intake: Intake, protocol: CriteriaSettings) -> Trigger | None:
    """§3 CA_SUICIDE_RISK (caution + urgent alert): C-SSRS risk moderate or high [45], or PHQ-9 item 9 > 0 [29, 30]."""
    cssrs, phq = intake.screens.cssrs_screener, intake.screens.phq9
    risk = None if cssrs is None else cssrs.risk
    cssrs_hit = risk in protocol.cssrs_caution_risks
    item9_hit = phq is not None and any(alert.item == phq9.SUICIDE_ITEM for alert in phq.alerts)
    if not (cssrs_hit or item9_hit):
        return None
    parts = ([f"C-SSRS screener risk {risk}."] if cssrs_hit else []) + (
        ["PHQ-9 item 9 is positive."] if item9_hit else [])
    parts.append("A clinician reviews the patient today; high risk needs immediate evaluation and precautions.")
    return Trigger(" ".join(parts), {"cssrs_risk": risk, "phq9_item9_positive": item9_hit})


def _mania_score(intake: Intake, protocol: CriteriaSettings) -> Trigger | None:
    """§3 CA_MANIA_SCORE: YMRS ≥ 12 [41], read from the YMRS score's flag (its threshold is the scale's setting)."""
    ymrs = intake.screens.ymrs
    if ymrs is None or "CA_MANIA_SCORE" not in ymrs.flags:
        return None
    return Trigger("YMRS at or above the clinic's threshold: hold the next infusion for the prescriber's review.",
                   {"ymrs_total": _total(ymrs)})


def _total(score: Score) -> int | None:
    """A whole-number screen total for the finding's data (None when given as a flag alone)."""
    return None if score.total is None else int(score.total)


def _trd(intake: Intake, protocol: CriteriaSettings) -> Trigger | None:
    """§2.2: the TRD count for each TRD indication, as information for the prescriber [26, 27, 22]."""
    indications = [code for code in TRD_INDICATIONS if code in intake.indications]
    if not indications:
        return None
    assessments = [trd_criteria_met(intake.treatment_trials, indication=code, protocol=protocol.trd)
                   for code in indications]
    return Trigger(" ".join(_trd_summary(assessment) for assessment in assessments),
                   {"assessments": [_trd_data(assessment) for assessment in assessments]})


def _trd_summary(assessment: TrdAssessment) -> str:
    verdict = "met" if assessment.met else "not met"
    return (f"TRD criteria {verdict} for {assessment.indication}: {assessment.failed_trials} adequate failed "
            f"trial(s) in the current episode; the protocol asks for {assessment.required}.")


def _trd_data(assessment: TrdAssessment) -> dict[str, Any]:
    return {"indication": assessment.indication, "met": assessment.met, "failed_trials": assessment.failed_trials,
            "required": assessment.required, "min_weeks": assessment.min_weeks,
            "require_distinct_classes": assessment.require_distinct_classes,
            "trials": [{"name": verdict.name, "counted": verdict.counted,
                        "reasons": [{"code": reason.code, "message": reason.message} for reason in verdict.reasons]}
                       for verdict in assessment.verdicts]}


def _pregnancy_test(intake: Intake, protocol: CriteriaSettings) -> Trigger | None:
    """§3 intake set [D]: when the patient could become pregnant (or that is not yet asked), a
    negative test ≤ 7 days old at the course's first infusion. Repeat tests "whenever pregnancy is
    possible" are the clinician's call; no source sets that schedule."""
    if intake.safety.get("could_become_pregnant") is False:
        return None
    earliest = intake.first_infusion_date - timedelta(days=protocol.pregnancy_test_max_age_days)
    if any(not test.positive and earliest <= test.taken_on <= intake.first_infusion_date
           for test in intake.pregnancy_tests):
        return None
    latest = _latest_test(intake)
    found = "No pregnancy test is recorded." if latest is None else (
        f"The latest test ({latest.taken_on.isoformat()}, {'positive' if latest.positive else 'negative'}) is not a "
        "negative test from that window.")
    return Trigger(f"A negative pregnancy test taken {earliest.isoformat()} to "
                   f"{intake.first_infusion_date.isoformat()} is needed before the first infusion. {found}",
                   {"could_become_pregnant": intake.safety.get("could_become_pregnant"),
                    "window": [earliest.isoformat(), intake.first_infusion_date.isoformat()],
                    "latest_test_on": None if latest is None else latest.taken_on.isoformat(),
                    "latest_test_positive": None if latest is None else latest.positive})


def _incomplete(intake: Intake, protocol: CriteriaSettings) -> Trigger | None:
    """§3 intake set [D]: safety questions not asked, screens not done, BP and benzodiazepine doses not recorded."""
    items = [{"item": name, "label": label, "rule": rule} for name, label, rule in SAFETY_ITEMS
             if intake.safety.get(name) is None]
    needed = [code for code in SCREENS if code != "ymrs" or _is_bipolar(intake)]
    screens = [code for code in needed if getattr(intake.screens, code) is None]
    measurements = ["blood_pressure"] if intake.systolic_mmhg is None or intake.diastolic_mmhg is None else []
    doses = [med.name for med in intake.medications
             if med.drug_class == "benzodiazepine" and med.lorazepam_equivalent_mg_per_day is None]
    if not (items or screens or measurements or doses):
        return None
    parts = ([f"Not yet asked: {'; '.join(item['label'] for item in items)}."] if items else []) + (
        [f"Screens not done: {', '.join(screens)}."] if screens else []) + (
        ["Seated blood pressure not recorded."] if measurements else []) + (
        [f"Lorazepam-equivalent dose not recorded for: {', '.join(doses)}."] if doses else [])
    return Trigger(" ".join(parts), {"safety_items": items, "screens": screens, "measurements": measurements,
                                     "benzodiazepine_doses": doses})


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
         _source("ASRA/AAPM/ASA 2018 [13]; RCT eligibility [28]"), _items_rule("HS_HTN_UNCONTROLLED")),
    Rule("HS_ANEURYSM", HARD_STOP, "Aneurysmal vascular disease", _source("Spravato US label [11]"),
         _items_rule("HS_ANEURYSM")),
    Rule("HS_AVM", HARD_STOP, "Arteriovenous malformation", _source("Spravato US label [11]"),
         _items_rule("HS_AVM")),
    Rule("HS_ICH", HARD_STOP, "Past intracerebral haemorrhage", _source("Spravato US label [11]"),
         _items_rule("HS_ICH")),
    Rule("HS_PREGNANT", HARD_STOP, "Pregnant", _source("RCT eligibility [28]; Spravato US label [11]"), _pregnant),
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
         _items_rule("CA_PSYCHOSIS_PAST")),
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
         _hypertension),
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
         _suicide_risk, urgent=True),
    Rule("CA_MANIA_SCORE", CAUTION, "YMRS at or above the hold threshold",
         _source("§7.2, §8: YMRS (Young 1978 [41]), hold at ≥ 12 [D]"), _mania_score),
    Rule("IN_TRD", INFORMATION, "Treatment-resistant depression criteria (for the prescriber, not a gate)",
         "clinical-reference §2.2: Gaynes 2020 [26]; Depress Anxiety 2021 [27]; Shiroma 2020 [22]", _trd),
    Rule("IN_PREGNANCY_TEST", INFORMATION, "Pregnancy test needed before the first infusion",
         "clinical-reference §3 intake set [D] (no source sets this schedule)", _pregnancy_test),
    Rule("IN_INTAKE_INCOMPLETE", INFORMATION, "Intake questions, screens or measurements still to do",
         "clinical-reference §3 intake set [D]; unknown answers are listed, never read as no", _incomplete),
)
RULE_CODES = frozenset(rule.code for rule in RULES)

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D

import pytest

from clinic.rules import eligibility
from clinic.rules.eligibility import (
    BloodPressure,
    CurrentMedication,
    Diagnosis,
    EligibilityProtocol,
    Intake,
    PregnancyTest,
    SuicideRiskAssessment,
)
from clinic.rules.errors import DomainError
from clinic.rules.scales.audit_c import AuditCProtocol
from clinic.rules.scales.base import AnswerError, Score
from clinic.rules.trd import TreatmentTrial

FIRST_INFUSION = date(2025, 3, 10)
SEATED_AT = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
NEGATIVE_SCREENS = {"audit_c": [0, 0, 0], "dast10": [0, 0, 1, 0, 0, 0, 0, 0, 0, 0],
                    "cssrs_screener": [0, 0, None, None, None, 0], "phq9": [0] * 9, "gad7": [0] * 7}
CSSRS_HIGH = [1, 0, None, None, None, 2]
# YMRS answers that total the same whether an answer is an option index or the rating itself (items 1–3 only).
YMRS_12, YMRS_11 = [4, 4, 4] + [0] * 8, [4, 4, 3] + [0] * 8
ALL_NO = {name: False for name, _, _ in eligibility.SAFETY_ITEMS}
FAILED_SSRI = TreatmentTrial(kind="medication", name="sertraline", drug_class="ssri", outcome="no_response",
                             weeks_at_adequate_dose=8, current_episode=True, adequate_dose=True)


def bp(systolic_mmhg, diastolic_mmhg, minutes=0):
    """A seated intake reading `minutes` after the first."""
    return BloodPressure(SEATED_AT + timedelta(minutes=minutes), systolic_mmhg, diastolic_mmhg)


def make(*, safety=None, screens=None, **changes):
    """An adult with anxiety, every question answered no, every screen negative (GAD-7 is the primary scale) and a
    blood pressure of 120/80; `safety` and `screens` (answers per instrument) are merged over that, other fields
    replaced. A YMRS given is rated on the day of the infusion screened for."""
    sex = changes.get("sex", "female")
    answers = {**NEGATIVE_SCREENS, **(screens or {})}
    infusion_date = changes.get("infusion_date", FIRST_INFUSION)
    base = Intake(birth_date=date(1985, 6, 15), first_infusion_date=FIRST_INFUSION, infusion_date=infusion_date,
                  sex=sex, indications=("ANXIETY",), safety={**ALL_NO, **(safety or {})},
                  blood_pressures=(bp(120, 80),), screens=eligibility.score_screens(answers=answers, sex=sex),
                  ymrs_rated_on=infusion_date if "ymrs" in answers else None)
    return replace(base, **changes)


def codes(intake, protocol=eligibility.DEFAULT_PROTOCOL):
    return [finding.code for finding in eligibility.screen(intake, protocol)]


def finding(intake, code, protocol=eligibility.DEFAULT_PROTOCOL):
    return next(found for found in eligibility.screen(intake, protocol) if found.code == code)


def test_clean_intake_has_no_findings():
    """clinical-reference §3: an adult with every question answered no, every intake screen done and negative, and
    a normal blood pressure triggers nothing."""
    assert codes(make()) == []


# --- one table-driven case per finding code, both sides of each trigger (clinical-reference §3) -----

SIMPLE_RULES = ("HS_CV_UNSTABLE", "HS_HTN_UNCONTROLLED", "HS_ANEURYSM", "HS_AVM", "HS_ICH", "HS_HYPERSENS",
                "HS_SUD_ACTIVE", "HS_HEPATIC_SEVERE", "CA_PSYCHOSIS_PAST", "CA_HEPATIC", "CA_BLADDER", "HS_ICP_IOP",
                "CA_EPILEPSY", "CA_LACTATION", "CA_COGNITIVE", "CA_DISSOCIATIVE", "HS_PSYCHOSIS_ACTIVE", "HS_MANIA",
                "HS_PREGNANT", "CA_SUD_HISTORY", "CA_BIPOLAR", "CA_HTN")
NO_HYPOMANIA = EligibilityProtocol(mania_includes_hypomania=False)
PREGNANCY_POSSIBLE = {"could_become_pregnant": True}
BIPOLAR = {"bipolar_disorder": True}
HIGH_RISK = dict(screens={"cssrs_screener": CSSRS_HIGH}, cssrs_screened_on=FIRST_INFUSION)
PROCEED_TODAY = (SuicideRiskAssessment(FIRST_INFUSION, "proceed"),)

CASES = [
    # (code, case id, triggering changes, non-triggering changes, protocol)
    *[(rule, name, dict(safety={name: True}), dict(safety={name: False}), None)
      for name, _, rule in eligibility.SAFETY_ITEMS if rule in SIMPLE_RULES],
    ("HS_AGE", "17y364d vs 18y", dict(birth_date=date(2007, 3, 11)), dict(birth_date=date(2007, 3, 10)), None),
    ("HS_AGE", "29 Feb birth: 28 Feb vs 1 Mar",
     dict(birth_date=date(2008, 2, 29), first_infusion_date=date(2026, 2, 28), infusion_date=date(2026, 2, 28)),
     dict(birth_date=date(2008, 2, 29), first_infusion_date=date(2026, 3, 1), infusion_date=date(2026, 3, 1)), None),
    ("HS_PSYCHOSIS_ACTIVE", "F31.5 vs F31.4", dict(diagnoses=(Diagnosis("F31.5", True),)),
     dict(diagnoses=(Diagnosis("F31.4", True),)), None),
    ("CA_PSYCHOSIS_PAST", "past F20.9 vs past F19.20", dict(diagnoses=(Diagnosis("F20.9", False),)),
     dict(diagnoses=(Diagnosis("F19.20", False),)), None),
    ("HS_MANIA", "F31.13 vs F31.30", dict(diagnoses=(Diagnosis("F31.13", True),)),
     dict(diagnoses=(Diagnosis("F31.30", True),)), None),
    ("HS_HTN_UNCONTROLLED", "180/110 rechecked at 5 min vs 179/109",
     dict(blood_pressures=(bp(180, 110), bp(180, 110, 5))), dict(blood_pressures=(bp(179, 109), bp(179, 109, 5))),
     None),
    ("HS_MANIA", "hypomania excluded by setting", dict(safety={"hypomania_current": True}),
     dict(safety={"hypomania_current": True}), "no_hypomania"),
    ("HS_PREGNANT", "latest test positive vs later negative",
     dict(pregnancy_tests=(PregnancyTest(date(2025, 3, 1), positive=True),)),
     dict(pregnancy_tests=(PregnancyTest(date(2025, 3, 1), positive=True), PregnancyTest(date(2025, 3, 8), False))),
     None),
    ("CA_SUD_HISTORY", "AUDIT-C man 4 vs 3", dict(sex="male", screens={"audit_c": [2, 1, 1]}),
     dict(sex="male", screens={"audit_c": [2, 0, 1]}), None),
    ("CA_SUD_HISTORY", "AUDIT-C woman 3 vs 2", dict(screens={"audit_c": [2, 0, 1]}),
     dict(screens={"audit_c": [1, 0, 1]}), None),
    ("CA_SUD_HISTORY", "DAST-10 3 vs 2", dict(screens={"dast10": [1, 0, 0, 0, 1, 0, 0, 0, 0, 0]}),
     dict(screens={"dast10": [1, 0, 1, 0, 1, 0, 0, 0, 0, 0]}), None),
    ("CA_SUD_HISTORY", "non-medical ketamine trial",
     dict(treatment_trials=(TreatmentTrial(kind="ketamine", name="street ketamine", outcome="unknown",
                                           non_medical=True),)),
     dict(treatment_trials=(TreatmentTrial(kind="ketamine", name="IV ketamine", outcome="response"),)), None),
    ("CA_BIPOLAR", "bipolar indication", dict(indications=("TRD_BIPOLAR",)), dict(indications=("TRD_UNIPOLAR",)),
     None),
    ("CA_BIPOLAR", "past F31.9 beside anxiety vs F32.9", dict(diagnoses=(Diagnosis("F31.9", False),)),
     dict(diagnoses=(Diagnosis("F32.9", False),)), None),
    ("CA_HTN", "systolic 141 vs 140", dict(blood_pressures=(bp(141, 90),)), dict(blood_pressures=(bp(140, 90),)),
     None),
    ("CA_HTN", "diastolic 91 vs 90", dict(blood_pressures=(bp(140, 91),)), dict(blood_pressures=(bp(140, 90),)),
     None),
    ("CA_HTN", "150/95 then 130/80: the same day vs the day before",
     dict(blood_pressures=(bp(150, 95), bp(130, 80, 10))), dict(blood_pressures=(bp(150, 95, -24 * 60), bp(130, 80))),
     None),
    ("CA_AGE_65", "65y vs 64y364d", dict(birth_date=date(1960, 3, 10)), dict(birth_date=date(1960, 3, 11)), None),
    ("CA_AGE_65", "turns 65 after infusion 1", dict(birth_date=date(1960, 3, 5), first_infusion_date=date(2025, 3, 1)),
     dict(birth_date=date(1960, 3, 11), first_infusion_date=date(2025, 3, 1)), None),
    *[("CA_CNS_MEDS", drug_class, dict(medications=(CurrentMedication("drug", drug_class, D(1)),)),
       dict(medications=(CurrentMedication("sertraline", "ssri"),)), None) for drug_class in eligibility.CNS_CLASSES],
    ("CA_SUICIDE_RISK", "C-SSRS moderate vs low", dict(screens={"cssrs_screener": [1, 1, 1, 0, 0, 0]}),
     dict(screens={"cssrs_screener": [1, 0, None, None, None, 0]}), None),
    ("CA_SUICIDE_RISK", "C-SSRS high assessed to proceed vs not yet assessed",
     dict(**HIGH_RISK, suicide_risk_assessments=PROCEED_TODAY), dict(**HIGH_RISK), None),
    ("HS_SUICIDE_HIGH", "C-SSRS high vs moderate", dict(**HIGH_RISK),
     dict(screens={"cssrs_screener": [1, 1, 1, 0, 0, 0]}, cssrs_screened_on=FIRST_INFUSION), None),
    ("HS_SUICIDE_HIGH", "not yet assessed vs assessed to proceed", dict(**HIGH_RISK),
     dict(**HIGH_RISK, suicide_risk_assessments=PROCEED_TODAY), None),
    ("CA_SUICIDE_RISK", "PHQ-9 item 9 1 vs 0", dict(screens={"phq9": [0] * 8 + [1]}),
     dict(screens={"phq9": [3] * 8 + [0]}), None),
    ("CA_MANIA_SCORE", "YMRS 12 vs 11", dict(screens={"ymrs": YMRS_12}), dict(screens={"ymrs": YMRS_11}), None),
    ("IN_YMRS_DUE", "bipolar: YMRS rated the day before vs on the day",
     dict(safety=BIPOLAR, screens={"ymrs": YMRS_11}, ymrs_rated_on=date(2025, 3, 9)),
     dict(safety=BIPOLAR, screens={"ymrs": YMRS_11}, ymrs_rated_on=FIRST_INFUSION), None),
    ("IN_YMRS_DUE", "YMRS rated the day before: bipolar vs not",
     dict(safety=BIPOLAR, screens={"ymrs": YMRS_11}, ymrs_rated_on=date(2025, 3, 9)),
     dict(screens={"ymrs": YMRS_11}, ymrs_rated_on=date(2025, 3, 9)), None),
    ("IN_TRD", "TRD indication vs anxiety", dict(indications=("TRD_UNIPOLAR",)), dict(indications=("ANXIETY",)),
     None),
    ("IN_PREGNANCY_TEST", "no test vs negative test 7 days before", dict(safety=PREGNANCY_POSSIBLE),
     dict(safety=PREGNANCY_POSSIBLE, pregnancy_tests=(PregnancyTest(date(2025, 3, 3), positive=False),)), None),
    ("IN_PREGNANCY_TEST", "negative test 8 vs 0 days before",
     dict(safety=PREGNANCY_POSSIBLE, pregnancy_tests=(PregnancyTest(date(2025, 3, 2), positive=False),)),
     dict(safety=PREGNANCY_POSSIBLE, pregnancy_tests=(PregnancyTest(FIRST_INFUSION, positive=False),)), None),
    ("IN_PREGNANCY_TEST", "not asked vs cannot become pregnant", dict(safety={"could_become_pregnant": None}),
     dict(safety={"could_become_pregnant": False}), None),
    ("HS_INTAKE_INCOMPLETE", "a safety item not asked", dict(safety={"aneurysm": None}),
     dict(safety={"aneurysm": False}), None),
    ("HS_INTAKE_INCOMPLETE", "blood pressure missing", dict(blood_pressures=()), dict(blood_pressures=(bp(120, 80),)),
     None),
    ("HS_INTAKE_INCOMPLETE", "primary scale missing", dict(indications=("PTSD",)), dict(indications=("ANXIETY",)),
     None),
    ("HS_INTAKE_INCOMPLETE", "no indication", dict(indications=()), dict(indications=("ANXIETY",)), None),
    ("HS_INTAKE_INCOMPLETE", "benzodiazepine dose missing",
     dict(medications=(CurrentMedication("lorazepam", "benzodiazepine"),)),
     dict(medications=(CurrentMedication("lorazepam", "benzodiazepine", D(1)),)), None),
]
PROTOCOLS = {None: eligibility.DEFAULT_PROTOCOL, "no_hypomania": NO_HYPOMANIA}


@pytest.mark.parametrize(("code", "triggering", "not_triggering", "protocol"),
                         [case[:1] + case[2:] for case in CASES], ids=[f"{case[0]}: {case[1]}" for case in CASES])
def test_each_finding_on_both_sides_of_its_trigger(code, triggering, not_triggering, protocol):
    """clinical-reference §3 table, one case per trigger: the finding appears on the triggering side only. Where a
    case id shows a setting (hypomania), the triggering side uses the default and the other the changed setting."""
    on_side = codes(make(**triggering))
    off_side = codes(make(**not_triggering), PROTOCOLS[protocol])

    assert code in on_side
    assert code not in off_side


def test_every_rule_code_has_a_table_case():
    """clinical-reference §3: every row of the table is tested on both sides of its trigger."""
    assert {case[0] for case in CASES} == eligibility.RULE_CODES


def every_finding_intake(birth_date):
    """An intake that triggers every finding the patient's age allows."""
    intake = make(
        birth_date=birth_date, sex="male", indications=("TRD_BIPOLAR",),
        diagnoses=(Diagnosis("F31.64", True), Diagnosis("F20.9", False)),
        safety={name: True for name in ALL_NO},
        medications=(CurrentMedication("alprazolam", "benzodiazepine", D(3)),
                     CurrentMedication("lithium", "mood_stabiliser")),
        blood_pressures=(bp(185, 115), bp(182, 112, 6)),
        screens={"audit_c": [4, 4, 4], "cssrs_screener": CSSRS_HIGH, "phq9": [3] * 9, "ymrs": [4] * 11},
        cssrs_screened_on=date(2025, 3, 9), ymrs_rated_on=date(2025, 3, 3),
        pregnancy_tests=(PregnancyTest(date(2025, 3, 9), positive=True),),
        treatment_trials=(FAILED_SSRI, TreatmentTrial(kind="ketamine", name="street", outcome="unknown",
                                                      non_medical=True)),
    )
    # "Could become pregnant" left out of the answers: not asked, so both the test and the question are due.
    return replace(intake, safety={name: answer for name, answer in intake.safety.items()
                                   if name != "could_become_pregnant"})


@pytest.mark.parametrize(("birth_date", "age_finding_left_out"), [
    (date(2007, 3, 11), "CA_AGE_65"),  # 17 at infusion 1
    (date(1950, 3, 10), "HS_AGE"),  # 75 at infusion 1
], ids=["aged 17", "aged 75"])
def test_one_intake_triggers_every_finding_and_gets_all_back(birth_date, age_finding_left_out):
    """Style habit 6 and clinical-reference §3: every criterion runs and every finding comes back, in table order.
    HS_AGE (< 18 at infusion 1) and CA_AGE_65 (≥ 65) cannot co-occur under valid settings (the older-adult age is
    always above the adult age), so one intake gets every finding but CA_AGE_65 and the same intake 58 years older
    every finding but HS_AGE; together they cover every code. HS_SUICIDE_HIGH (C-SSRS high, not yet assessed) and
    CA_SUICIDE_RISK co-occur through PHQ-9 item 9."""
    intake = every_finding_intake(birth_date)

    found = eligibility.screen(intake)

    assert [item.code for item in found] == [rule.code for rule in eligibility.RULES
                                             if rule.code != age_finding_left_out]
    assert json.loads(json.dumps([item.data for item in found])) == [item.data for item in found]


# --- what each finding carries -----------------------------------------------------------------------

def test_finding_carries_kind_source_and_triggering_data():
    """clinical-reference §3: HS_AGE is a hard stop: age < 18 years at first infusion (Spravato US label [11])."""
    result = finding(make(birth_date=date(2007, 3, 11)), "HS_AGE")

    assert (result.kind, result.data["age_years"], result.urgent) == ("hard_stop", 17, False)
    assert "[11]" in result.source
    assert "Age 17 at the first infusion (10 Mar 2025)" in result.message


def test_default_kinds_follow_the_reference_table():
    """clinical-reference §3: HS_* are hard stops, CA_* cautions; the module's own IN_* codes are information."""
    for rule in eligibility.RULES:
        expected = {"HS": "hard_stop", "CA": "caution", "IN": "information"}[rule.code[:2]]
        assert rule.kind == expected


def test_kind_of_each_rule_is_a_clinic_setting():
    """clinical-reference §3 [D]: the kind of each rule is a setting."""
    protocol = EligibilityProtocol(kinds={"CA_HTN": "hard_stop", "IN_PREGNANCY_TEST": "hard_stop"})

    found = eligibility.screen(make(safety=PREGNANCY_POSSIBLE), protocol)

    assert [(item.code, item.kind) for item in found] == [("IN_PREGNANCY_TEST", "hard_stop")]
    assert finding(make(blood_pressures=(bp(150, 80),)), "CA_HTN", protocol).kind == "hard_stop"


def test_suicide_risk_is_a_caution_with_an_urgent_alert():
    """clinical-reference §3: CA_SUICIDE_RISK is 'caution + urgent alert'."""
    result = finding(make(screens={"cssrs_screener": [1, 1, 1, 0, 0, 0]}), "CA_SUICIDE_RISK")

    assert (result.kind, result.urgent, result.data["cssrs_risk"]) == ("caution", True, "moderate")


def test_cns_medicines_flag_benzodiazepines_above_the_trial_limit():
    """clinical-reference §3 CA_CNS_MEDS: trials excluded > 2–3 mg/day lorazepam-equivalent [28]; the default
    limit is 2 mg/day."""
    intake = make(medications=(CurrentMedication("clonazepam", "benzodiazepine", D("2.5")),
                               CurrentMedication("lorazepam", "benzodiazepine", D(2)),
                               CurrentMedication("zolpidem", "sedative_hypnotic")))

    result = finding(intake, "CA_CNS_MEDS")

    assert [(med["name"], med.get("above_trial_limit")) for med in result.data["medications"]] == [
        ("clonazepam", True), ("lorazepam", False), ("zolpidem", None)]
    assert "level trials excluded: clonazepam" in result.message


def test_positive_substance_screens_are_named_with_their_totals():
    """clinical-reference §3 CA_SUD_HISTORY and §7.2: AUDIT-C ≥ 4 for men and DAST-10 ≥ 3 are positive; the finding
    names each positive screen with its total and suggests urine toxicology [1]."""
    intake = make(sex="male", screens={"audit_c": [2, 1, 1], "dast10": [1, 0, 0, 0, 1, 0, 0, 0, 0, 0]})

    result = finding(intake, "CA_SUD_HISTORY")

    assert result.data["positive_screens"] == {"audit_c": 4, "dast10": 3}
    assert result.message == ("AUDIT-C 4 is a positive screen. DAST-10 3 is a positive screen. Consider urine "
                              "toxicology [1].")


def test_bipolar_caution_records_mood_stabiliser_and_baseline_ymrs():
    """clinical-reference §3 CA_BIPOLAR: record mood stabiliser and baseline YMRS."""
    intake = make(safety={"bipolar_disorder": True}, medications=(CurrentMedication("lithium", "mood_stabiliser"),),
                  screens={"ymrs": YMRS_11})

    assert finding(intake, "CA_BIPOLAR").data == {"diagnosis_codes": [], "mood_stabilisers": ["lithium"],
                                                  "ymrs_total": 11}


def test_a_fractional_ymrs_total_stays_plain_data():
    """clinical-reference §7.1 and §7.2: a YMRS total may be fractional (12.5, with a half point on item 4); the
    finding's data keep it as text."""
    intake = make(safety={"bipolar_disorder": True}, screens={"ymrs": [4, 4, 4, D("0.5")] + [0] * 7})

    result = finding(intake, "CA_MANIA_SCORE")

    assert result.data == {"ymrs_total": "12.5"}


def test_unknown_answers_are_listed_never_read_as_no():
    """clinical-reference §3 [D]: unanswered safety items trigger nothing alone; HS_INTAKE_INCOMPLETE lists each
    with the rule it feeds."""
    safety = {**ALL_NO, "aneurysm": None}
    del safety["pregnant"]  # a question left out of the mapping is not asked either
    intake = replace(make(indications=("TRD_BIPOLAR",)), safety=safety)

    result = finding(intake, "HS_INTAKE_INCOMPLETE")

    assert [(item["item"], item["rule"]) for item in result.data["safety_items"]] == [
        ("aneurysm", "HS_ANEURYSM"), ("pregnant", "HS_PREGNANT")]
    assert result.data["screens"] == ["ymrs"]
    assert "HS_ANEURYSM" not in codes(intake) and "HS_PREGNANT" not in codes(intake)


def test_ymrs_is_asked_only_when_bipolar():
    """clinical-reference §3 intake set [D]: YMRS if bipolar."""
    assert "HS_INTAKE_INCOMPLETE" not in codes(make(indications=("TRD_UNIPOLAR",)))


def test_missing_intake_screens_are_listed():
    """clinical-reference §3 intake set [D]: AUDIT-C, DAST-10, the C-SSRS screener and the primary scale (§2.1:
    GAD-7 for anxiety)."""
    intake = replace(make(), screens=eligibility.IntakeScreens())

    result = finding(intake, "HS_INTAKE_INCOMPLETE")

    assert result.data["screens"] == ["audit_c", "dast10", "cssrs_screener", "gad7"]
    assert ("Screens not done: AUDIT-C (intake screen), DAST-10 (intake screen), C-SSRS screener (intake screen), "
            "GAD-7 (primary scale for ANXIETY).") in result.message


def test_trd_finding_reports_counted_and_uncounted_trials():
    """clinical-reference §2.2: the TRD result is a flag for the prescriber, with why each trial did or did not
    count."""
    short = replace(FAILED_SSRI, name="fluoxetine", weeks_at_adequate_dose=3)
    intake = make(indications=("TRD_UNIPOLAR",), treatment_trials=(FAILED_SSRI, short))

    result = finding(intake, "IN_TRD")

    assessment = result.data["assessments"][0]
    assert (result.kind, assessment["met"], assessment["failed_trials"], assessment["required"]) == (
        "information", False, 1, 2)
    assert assessment["trials"][1]["reasons"][0]["code"] == "TOO_SHORT"
    assert result.message.startswith(
        "No consensus definition exists (Gaynes 2020 [26]); applied: at least 2 failed antidepressant trials of "
        "adequate dose for ≥ 6 weeks in the current episode. TRD criteria not met for TRD_UNIPOLAR: 1 adequate")


def test_trd_finding_names_the_definition_for_each_trd_indication():
    """clinical-reference §2.2 [L]: no consensus definition; unipolar ≥ 2 and bipolar ≥ 1 failures [26]."""
    intake = make(indications=("TRD_UNIPOLAR", "TRD_BIPOLAR"), treatment_trials=(FAILED_SSRI,),
                  screens={"ymrs": YMRS_11})

    result = finding(intake, "IN_TRD")

    assert ("applied: at least 2 failed antidepressant trials of adequate dose for ≥ 6 weeks in the current episode "
            "(TRD_UNIPOLAR); at least 1 failed antidepressant trial of adequate dose for ≥ 6 weeks in the current "
            "episode (TRD_BIPOLAR).") in result.message
    assert [item["met"] for item in result.data["assessments"]] == [False, True]


def test_trd_uses_the_bipolar_minimum_for_bipolar_depression():
    """clinical-reference §2.2 [L]: in bipolar depression the most common definition is ≥ 1 failure [26]."""
    intake = make(indications=("TRD_BIPOLAR",), treatment_trials=(FAILED_SSRI,), screens={"ymrs": [0] * 11})

    assert finding(intake, "IN_TRD").data["assessments"][0]["met"] is True


def test_pregnancy_test_taken_after_the_first_infusion_does_not_satisfy_it():
    """clinical-reference §3: negative and ≤ 7 days old at the first infusion of each course."""
    intake = make(safety=PREGNANCY_POSSIBLE, infusion_date=date(2025, 3, 20),
                  pregnancy_tests=(PregnancyTest(date(2025, 3, 15), positive=False),))

    result = finding(intake, "IN_PREGNANCY_TEST")

    assert result.data["window"] == ["2025-03-03", "2025-03-10"]
    assert "(15 Mar 2025, negative)" in result.message


def test_audit_c_uses_the_scale_settings_passed_in():
    """clinical-reference §7.2: AUDIT-C cut-offs are the scale's clinic settings [D]; screening reads its flag."""
    screens = eligibility.score_screens(answers={"audit_c": [2, 1, 1]}, sex="male",
                                        contexts={"audit_c": {"protocol": AuditCProtocol(positive_at_or_above_male=5)}})

    assert screens.audit_c.flags == ()


HAND_BUILT = [
    # (screen, a score built without answers: its flags, alerts or risk were never computed)
    ("audit_c", Score("audit_c", 6)),
    ("audit_c", Score("audit_c", 6, flags=("CA_SUD_HISTORY",))),
    ("dast10", Score("dast10", 5)),
    ("cssrs_screener", Score("cssrs_screener", None)),
    ("phq9", Score("phq9", 27)),
    ("gad7", Score("gad7", 0)),
    ("ymrs", Score("ymrs", 30)),
]


@pytest.mark.parametrize(("code", "score"), HAND_BUILT, ids=[f"{code} {score.total}" for code, score in HAND_BUILT])
def test_refuses_a_score_that_carries_no_answers(code, score):
    """clinical-reference §3 and §7.2: screening reads AUDIT-C and DAST-10 positives, YMRS ≥ 12, the C-SSRS risk and
    PHQ-9 item 9 from what each scale computed from the answers; a score built without answers (a YMRS of 30 with
    no hold flag) is refused, never read as negative."""
    intake = replace(make(), screens=replace(make().screens, **{code: score}))

    with pytest.raises(eligibility.IntakeInvalid) as error:
        eligibility.screen(intake)

    assert (error.value.code, error.value.field) == ("INTAKE_INVALID", f"screens.{code}")


def test_the_refusal_says_to_score_the_answers():
    """clinical-reference §3 intake set: the YMRS is scored from its answers, whose total of 30 holds the next
    infusion (§7.2, ≥ 12); the refusal says how to fix the screen."""
    intake = replace(make(), screens=replace(make().screens, ymrs=Score("ymrs", 30)))

    with pytest.raises(eligibility.IntakeInvalid) as error:
        eligibility.screen(intake)

    assert error.value.message == ("The YMRS score carries no answers, so its flags and alerts cannot be trusted. "
                                   "Score the YMRS answers with score_screens.")


@pytest.mark.parametrize(("code", "answers", "expected"), [
    ("ymrs", [4, 4, 4, 4, 8, 6] + [0] * 5, "CA_MANIA_SCORE"),
    ("audit_c", [4, 4, 4], "CA_SUD_HISTORY"),
    ("cssrs_screener", CSSRS_HIGH, "HS_SUICIDE_HIGH"),
    ("phq9", [0] * 8 + [1], "CA_SUICIDE_RISK"),
])
def test_scored_answers_carry_their_flags_into_screening(code, answers, expected):
    """clinical-reference §7.2: YMRS 30 (≥ 12 holds), AUDIT-C 12 (positive), C-SSRS high and PHQ-9 item 9 = 1, scored
    by score_screens, each give their finding; the score keeps the answers it came from."""
    intake = make(safety={"bipolar_disorder": True}, screens={code: answers}, cssrs_screened_on=FIRST_INFUSION)

    assert getattr(intake.screens, code).answers == tuple(answers)
    assert expected in codes(intake)


# --- ages ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("birth", "on", "age"), [
    (date(2000, 5, 20), date(2018, 5, 19), 17), (date(2000, 5, 20), date(2018, 5, 20), 18),
    (date(2008, 2, 29), date(2026, 2, 28), 17), (date(2008, 2, 29), date(2026, 3, 1), 18),
    (date(2008, 2, 29), date(2028, 2, 29), 20), (date(2008, 2, 28), date(2026, 2, 28), 18),
])
def test_age_in_whole_years_across_birthdays_and_leap_days(birth, on, age):
    """clinical-reference §3 HS_AGE, CA_AGE_65 (whole years). A 29 February birthday is reached on 1 March in
    common years (product choice, documented)."""
    assert eligibility.age_years(birth, on) == age


# --- refusals -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("changes", "field"), [
    (dict(sex="f"), "sex"),
    (dict(indications=("DEPRESSION",)), "indications"),
    (dict(safety={"pregnancy": True}), "safety.pregnancy"),
    (dict(safety={"pregnant": "yes"}), "safety.pregnant"),
    (dict(medications=(CurrentMedication("x", "herbal"),)), "medications[0].drug_class"),
    (dict(medications=(CurrentMedication("x", "benzodiazepine", D(-1)),)),
     "medications[0].lorazepam_equivalent_mg_per_day"),
    (dict(medications=(CurrentMedication("x", "benzodiazepine", 1.5),)),
     "medications[0].lorazepam_equivalent_mg_per_day"),
    (dict(blood_pressures=(bp(0, 80),)), "blood_pressures[0].systolic_mmhg"),
    (dict(blood_pressures=(bp(120, 80), bp(120, True, 5))), "blood_pressures[1].diastolic_mmhg"),
    (dict(blood_pressures=(BloodPressure(FIRST_INFUSION, 120, 80),)), "blood_pressures[0].measured_at"),
    (dict(blood_pressures=(bp(120, 80), BloodPressure(datetime(2025, 3, 3, 9, 5), 120, 80))),
     "blood_pressures[1].measured_at"),
    (dict(diagnoses=(Diagnosis("F3", True),)), "diagnoses[0].code"),
    (dict(diagnoses=(Diagnosis("schizophrenia", True),)), "diagnoses[0].code"),
    (dict(diagnoses=(Diagnosis("F20.9", "yes"),)), "diagnoses[0].current"),
    (dict(cssrs_screened_on=date(2025, 3, 11)), "cssrs_screened_on"),
    (dict(suicide_risk_assessments=(SuicideRiskAssessment(FIRST_INFUSION, "discharge"),)),
     "suicide_risk_assessments[0].outcome"),
    (dict(suicide_risk_assessments=(SuicideRiskAssessment(date(2025, 3, 11), "proceed"),)),
     "suicide_risk_assessments[0].assessed_on"),
    (dict(birth_date=date(2025, 3, 11)), "birth_date"),
    (dict(infusion_date=date(2025, 3, 9)), "infusion_date"),
    (dict(pregnancy_tests=(PregnancyTest(date(2025, 3, 11), positive=False),)), "pregnancy_tests[0].taken_on"),
])
def test_refuses_an_impossible_intake_naming_the_field(changes, field):
    """clinical-reference §3: an intake the rules cannot read is refused, never screened as if empty."""
    intake = replace(make(), **changes)

    with pytest.raises(eligibility.IntakeInvalid) as error:
        eligibility.screen(intake)

    assert (error.value.code, error.value.field) == ("INTAKE_INVALID", field)


def test_refuses_a_score_of_the_wrong_instrument():
    """clinical-reference §3 intake set: the AUDIT-C screen must hold an AUDIT-C score, not a PHQ-9."""
    phq9 = eligibility.score_screens(answers={"phq9": [1, 2, 1, 2, 1, 1, 1, 1, 0]}, sex="female").phq9
    intake = replace(make(), screens=eligibility.IntakeScreens(audit_c=phq9))

    with pytest.raises(eligibility.IntakeInvalid) as error:
        eligibility.screen(intake)

    assert error.value.field == "screens.audit_c"


def test_refuses_an_instrument_that_is_not_an_intake_screen():
    """clinical-reference §3 intake set: MADRS is a secondary scale, not an intake screen."""
    with pytest.raises(eligibility.IntakeInvalid):
        eligibility.score_screens(answers={"madrs": [0] * 10}, sex="female")


def test_scores_every_primary_scale_as_an_intake_screen():
    """clinical-reference §2.1: the primary scales GAD-7, PCL-5, Y-BOCS, FIQR and MIDAS are intake screens."""
    screens = eligibility.score_screens(
        answers={"gad7": [1] * 7, "pcl5": [1] * 20, "ybocs": [1] * 10, "fiqr": [0] * 21, "midas": [1] * 5},
        sex="female", contexts={"midas": {"midas_a": 10, "midas_b": 5}})

    assert [(code, getattr(screens, code).total) for code in ("gad7", "pcl5", "ybocs", "midas")] == [
        ("gad7", 7), ("pcl5", 20), ("ybocs", 10), ("midas", 5)]
    assert screens.fiqr.instrument == "fiqr"


def test_bad_screen_answers_name_the_item():
    """clinical-reference §7.1: AUDIT-C items score 0–4; an answer of 5 is refused naming item 3."""
    with pytest.raises(AnswerError) as error:
        eligibility.score_screens(answers={"audit_c": [0, 0, 5]}, sex="female")

    assert error.value.field == "item 3"


@pytest.mark.parametrize(("settings_", "field"), [
    (dict(kinds={"HS_NOPE": "caution"}), "kinds"), (dict(kinds={"CA_HTN": "warning"}), "kinds"),
    (dict(cssrs_caution_risks=frozenset({"severe"})), "cssrs_caution_risks")])
def test_refuses_an_unknown_rule_kind_or_risk_in_the_protocol(settings_, field):
    """clinical-reference §3 [D] (the kind of each rule is a setting: hard stop, caution or information) and §7.2
    (C-SSRS risk low, moderate or high): a code, kind or level the rules do not know is refused."""
    with pytest.raises(eligibility.EligibilityProtocolInvalid) as error:
        EligibilityProtocol(**settings_)

    assert error.value.field == field


def test_trd_result_cannot_be_made_a_hard_stop():
    """clinical-reference §2.2: the TRD result is a flag for the prescriber, not an eligibility gate."""
    with pytest.raises(eligibility.EligibilityProtocolInvalid) as error:
        EligibilityProtocol(kinds={"IN_TRD": "hard_stop"})

    assert "not an eligibility gate" in error.value.message


def test_refuses_an_impossible_trial_even_without_a_trd_indication():
    """clinical-reference §2.2 intake history: medication outcomes are no_response … unknown; "cured" is refused even
    when no TRD indication reads the trials."""
    intake = make(treatment_trials=(replace(FAILED_SSRI, outcome="cured"),))

    with pytest.raises(DomainError) as error:
        eligibility.screen(intake)

    assert error.value.field == "trials[0].outcome"


def test_missing_answer_list_is_refused_by_the_scale():
    """clinical-reference §3 intake set: a screen sent without its answer list is refused, never scored as empty."""
    with pytest.raises(AnswerError) as error:
        eligibility.score_screens(answers={"dast10": None}, sex="female")

    assert error.value.field == "answers"

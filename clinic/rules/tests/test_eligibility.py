import json
from dataclasses import replace
from datetime import date
from decimal import Decimal as D

import pytest

from clinic.rules import eligibility
from clinic.rules.eligibility import CurrentMedication, EligibilityProtocol, Intake, PregnancyTest
from clinic.rules.errors import DomainError
from clinic.rules.scales.audit_c import AuditCProtocol
from clinic.rules.scales.base import AnswerError, Score
from clinic.rules.trd import TreatmentTrial

FIRST_INFUSION = date(2025, 3, 10)
NEGATIVE_SCREENS = {"audit_c": [0, 0, 0], "dast10": [0, 0, 1, 0, 0, 0, 0, 0, 0, 0],
                    "cssrs_screener": [0, 0, None, None, None, 0], "phq9": [0] * 9}
ALL_NO = {name: False for name, _, _ in eligibility.SAFETY_ITEMS}
FAILED_SSRI = TreatmentTrial(kind="medication", name="sertraline", drug_class="ssri", outcome="no_response",
                             weeks_at_adequate_dose=8, current_episode=True, adequate_dose=True)


def make(*, safety=None, screens=None, **changes):
    """An adult with anxiety, every question answered no and every screen negative; `safety` and `screens`
    (answers per instrument) are merged over that, other fields replaced."""
    sex = changes.get("sex", "female")
    answers = {**NEGATIVE_SCREENS, **(screens or {})}
    base = Intake(birth_date=date(1985, 6, 15), first_infusion_date=FIRST_INFUSION, infusion_date=FIRST_INFUSION,
                  sex=sex, indications=("ANXIETY",), safety={**ALL_NO, **(safety or {})}, systolic_mmhg=120,
                  diastolic_mmhg=80, screens=eligibility.score_screens(answers=answers, sex=sex))
    return replace(base, **changes)


def codes(intake, protocol=eligibility.DEFAULT_PROTOCOL):
    return [finding.code for finding in eligibility.screen(intake, protocol)]


def finding(intake, code, protocol=eligibility.DEFAULT_PROTOCOL):
    return next(found for found in eligibility.screen(intake, protocol) if found.code == code)


def test_clean_intake_has_no_findings():
    assert codes(make()) == []


# --- one table-driven case per finding code, both sides of each trigger (clinical-reference §3) -----

SIMPLE_RULES = ("HS_CV_UNSTABLE", "HS_HTN_UNCONTROLLED", "HS_ANEURYSM", "HS_AVM", "HS_ICH", "HS_HYPERSENS",
                "HS_SUD_ACTIVE", "HS_HEPATIC_SEVERE", "CA_PSYCHOSIS_PAST", "CA_HEPATIC", "CA_BLADDER", "HS_ICP_IOP",
                "CA_EPILEPSY", "CA_LACTATION", "CA_COGNITIVE", "CA_DISSOCIATIVE", "HS_PSYCHOSIS_ACTIVE", "HS_MANIA",
                "HS_PREGNANT", "CA_SUD_HISTORY", "CA_BIPOLAR", "CA_HTN")
NO_HYPOMANIA = EligibilityProtocol(mania_includes_hypomania=False)
PREGNANCY_POSSIBLE = {"could_become_pregnant": True}

CASES = [
    # (code, case id, triggering changes, non-triggering changes, protocol)
    *[(rule, name, dict(safety={name: True}), dict(safety={name: False}), None)
      for name, _, rule in eligibility.SAFETY_ITEMS if rule in SIMPLE_RULES],
    ("HS_AGE", "17y364d vs 18y", dict(birth_date=date(2007, 3, 11)), dict(birth_date=date(2007, 3, 10)), None),
    ("HS_AGE", "29 Feb birth: 28 Feb vs 1 Mar",
     dict(birth_date=date(2008, 2, 29), first_infusion_date=date(2026, 2, 28), infusion_date=date(2026, 2, 28)),
     dict(birth_date=date(2008, 2, 29), first_infusion_date=date(2026, 3, 1), infusion_date=date(2026, 3, 1)), None),
    ("HS_PSYCHOSIS_ACTIVE", "F31.5 vs F31.4", dict(diagnosis_codes=("F31.5",)), dict(diagnosis_codes=("F31.4",)),
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
    ("CA_HTN", "systolic 141 vs 140", dict(systolic_mmhg=141, diastolic_mmhg=90),
     dict(systolic_mmhg=140, diastolic_mmhg=90), None),
    ("CA_HTN", "diastolic 91 vs 90", dict(systolic_mmhg=140, diastolic_mmhg=91),
     dict(systolic_mmhg=140, diastolic_mmhg=90), None),
    ("CA_AGE_65", "65y vs 64y364d", dict(birth_date=date(1960, 3, 10)), dict(birth_date=date(1960, 3, 11)), None),
    ("CA_AGE_65", "turns 65 after infusion 1", dict(birth_date=date(1960, 3, 5), first_infusion_date=date(2025, 3, 1)),
     dict(birth_date=date(1960, 3, 11), first_infusion_date=date(2025, 3, 1)), None),
    *[("CA_CNS_MEDS", drug_class, dict(medications=(CurrentMedication("drug", drug_class, D(1)),)),
       dict(medications=(CurrentMedication("sertraline", "ssri"),)), None) for drug_class in eligibility.CNS_CLASSES],
    ("CA_SUICIDE_RISK", "C-SSRS moderate vs low", dict(screens={"cssrs_screener": [1, 1, 1, 0, 0, 0]}),
     dict(screens={"cssrs_screener": [1, 0, None, None, None, 0]}), None),
    ("CA_SUICIDE_RISK", "C-SSRS high vs none", dict(screens={"cssrs_screener": [1, 0, None, None, None, 2]}),
     dict(screens={"cssrs_screener": [0, 0, None, None, None, 0]}), None),
    ("CA_SUICIDE_RISK", "PHQ-9 item 9 1 vs 0", dict(screens={"phq9": [0] * 8 + [1]}),
     dict(screens={"phq9": [3] * 8 + [0]}), None),
    ("CA_MANIA_SCORE", "YMRS 12 vs 11", dict(screens={"ymrs": [4, 4, 4, 0, 0, 0, 0, 0, 0, 0, 0]}),
     dict(screens={"ymrs": [4, 4, 3, 0, 0, 0, 0, 0, 0, 0, 0]}), None),
    ("IN_TRD", "TRD indication vs anxiety", dict(indications=("TRD_UNIPOLAR",)), dict(indications=("ANXIETY",)),
     None),
    ("IN_PREGNANCY_TEST", "no test vs negative test 7 days before", dict(safety=PREGNANCY_POSSIBLE),
     dict(safety=PREGNANCY_POSSIBLE, pregnancy_tests=(PregnancyTest(date(2025, 3, 3), positive=False),)), None),
    ("IN_PREGNANCY_TEST", "negative test 8 vs 0 days before",
     dict(safety=PREGNANCY_POSSIBLE, pregnancy_tests=(PregnancyTest(date(2025, 3, 2), positive=False),)),
     dict(safety=PREGNANCY_POSSIBLE, pregnancy_tests=(PregnancyTest(FIRST_INFUSION, positive=False),)), None),
    ("IN_PREGNANCY_TEST", "not asked vs cannot become pregnant", dict(safety={"could_become_pregnant": None}),
     dict(safety={"could_become_pregnant": False}), None),
    ("IN_INTAKE_INCOMPLETE", "a safety item not asked", dict(safety={"aneurysm": None}),
     dict(safety={"aneurysm": False}), None),
    ("IN_INTAKE_INCOMPLETE", "blood pressure missing", dict(systolic_mmhg=None), dict(systolic_mmhg=120), None),
    ("IN_INTAKE_INCOMPLETE", "benzodiazepine dose missing",
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
    assert {case[0] for case in CASES} == eligibility.RULE_CODES


def test_one_intake_triggers_every_finding_and_gets_all_back():
    """Style habit 6: every criterion runs and every finding comes back. HS_AGE (< 18 at infusion 1) and
    CA_AGE_65 cannot both hold at the reference's ages, so this protocol moves the older-adult age to 17."""
    intake = make(
        birth_date=date(2007, 3, 11), sex="male", indications=("TRD_BIPOLAR",), diagnosis_codes=("F31.5",),
        safety={name: True for name in ALL_NO},
        medications=(CurrentMedication("alprazolam", "benzodiazepine", D(3)),
                     CurrentMedication("lithium", "mood_stabiliser")),
        systolic_mmhg=150, diastolic_mmhg=95,
        screens={"audit_c": [4, 4, 4], "cssrs_screener": [1, 1, 1, 1, 1, 2], "phq9": [3] * 9,
                 "ymrs": [4] * 11},
        pregnancy_tests=(PregnancyTest(date(2025, 3, 9), positive=True),),
        treatment_trials=(FAILED_SSRI, TreatmentTrial(kind="ketamine", name="street", outcome="unknown",
                                                      non_medical=True)),
    )
    # "Could become pregnant" left out of the answers: not asked, so both the test and the question are due.
    intake = replace(intake, safety={name: answer for name, answer in intake.safety.items()
                                     if name != "could_become_pregnant"})

    found = codes(intake, EligibilityProtocol(older_adult_age_years=17))

    assert found == [rule.code for rule in eligibility.RULES]
    assert json.loads(json.dumps([item.data for item in eligibility.screen(intake)]))


# --- what each finding carries -----------------------------------------------------------------------

def test_finding_carries_kind_source_and_triggering_data():
    """§3: HS_AGE is a hard stop: age < 18 years at first infusion (Spravato US label [11])."""
    result = finding(make(birth_date=date(2007, 3, 11)), "HS_AGE")

    assert (result.kind, result.data["age_years"], result.urgent) == ("hard_stop", 17, False)
    assert "[11]" in result.source
    assert "Age 17 at the first infusion (2025-03-10)" in result.message


def test_default_kinds_follow_the_reference_table():
    """§3: HS_* are hard stops, CA_* cautions; the module's own IN_* codes are information."""
    for rule in eligibility.RULES:
        expected = {"HS": "hard_stop", "CA": "caution", "IN": "information"}[rule.code[:2]]
        assert rule.kind == expected


def test_kind_of_each_rule_is_a_clinic_setting():
    """§3 [D]: the kind of each rule is a setting."""
    protocol = EligibilityProtocol(kinds={"CA_HTN": "hard_stop", "IN_INTAKE_INCOMPLETE": "hard_stop"})

    found = eligibility.screen(make(systolic_mmhg=None), protocol)

    assert [(item.code, item.kind) for item in found] == [("IN_INTAKE_INCOMPLETE", "hard_stop")]
    assert finding(make(systolic_mmhg=150), "CA_HTN", protocol).kind == "hard_stop"


def test_suicide_risk_is_a_caution_with_an_urgent_alert():
    """§3: CA_SUICIDE_RISK is 'caution + urgent alert'."""
    result = finding(make(screens={"cssrs_screener": [1, 1, 1, 0, 0, 0]}), "CA_SUICIDE_RISK")

    assert (result.kind, result.urgent, result.data["cssrs_risk"]) == ("caution", True, "moderate")


def test_cns_medicines_flag_benzodiazepines_above_the_trial_limit():
    """§3 CA_CNS_MEDS: trials excluded > 2–3 mg/day lorazepam-equivalent [28]; the default limit is 2 mg/day."""
    intake = make(medications=(CurrentMedication("clonazepam", "benzodiazepine", D("2.5")),
                               CurrentMedication("lorazepam", "benzodiazepine", D(2)),
                               CurrentMedication("zolpidem", "sedative_hypnotic")))

    result = finding(intake, "CA_CNS_MEDS")

    assert [(med["name"], med.get("above_trial_limit")) for med in result.data["medications"]] == [
        ("clonazepam", True), ("lorazepam", False), ("zolpidem", None)]
    assert "level trials excluded: clonazepam" in result.message


def test_bipolar_caution_records_mood_stabiliser_and_baseline_ymrs():
    """§3 CA_BIPOLAR: record mood stabiliser and baseline YMRS."""
    intake = make(safety={"bipolar_disorder": True}, medications=(CurrentMedication("lithium", "mood_stabiliser"),),
                  screens={"ymrs": [1] * 11})

    assert finding(intake, "CA_BIPOLAR").data == {"mood_stabilisers": ["lithium"], "ymrs_total": 15}


def test_unknown_answers_are_listed_never_read_as_no():
    """Unanswered safety items trigger nothing alone; IN_INTAKE_INCOMPLETE lists each with the rule it feeds."""
    safety = {**ALL_NO, "aneurysm": None}
    del safety["pregnant"]  # a question left out of the mapping is not asked either
    intake = replace(make(indications=("TRD_BIPOLAR",)), safety=safety)

    result = finding(intake, "IN_INTAKE_INCOMPLETE")

    assert [(item["item"], item["rule"]) for item in result.data["safety_items"]] == [
        ("aneurysm", "HS_ANEURYSM"), ("pregnant", "HS_PREGNANT")]
    assert result.data["screens"] == ["ymrs"]
    assert "HS_ANEURYSM" not in codes(intake) and "HS_PREGNANT" not in codes(intake)


def test_ymrs_is_asked_only_when_bipolar():
    """§3 intake set [D]: YMRS if bipolar."""
    assert "IN_INTAKE_INCOMPLETE" not in codes(make(indications=("TRD_UNIPOLAR",)))


def test_missing_intake_screens_are_listed():
    intake = replace(make(), screens=eligibility.IntakeScreens())

    assert finding(intake, "IN_INTAKE_INCOMPLETE").data["screens"] == ["audit_c", "dast10", "cssrs_screener", "phq9"]


def test_trd_finding_reports_counted_and_uncounted_trials():
    """§2.2: the TRD result is a flag for the prescriber, with why each trial did or did not count."""
    short = replace(FAILED_SSRI, name="fluoxetine", weeks_at_adequate_dose=3)
    intake = make(indications=("TRD_UNIPOLAR",), treatment_trials=(FAILED_SSRI, short))

    result = finding(intake, "IN_TRD")

    assessment = result.data["assessments"][0]
    assert (result.kind, assessment["met"], assessment["failed_trials"], assessment["required"]) == (
        "information", False, 1, 2)
    assert assessment["trials"][1]["reasons"][0]["code"] == "TOO_SHORT"


def test_trd_uses_the_bipolar_minimum_for_bipolar_depression():
    intake = make(indications=("TRD_BIPOLAR",), treatment_trials=(FAILED_SSRI,), screens={"ymrs": [0] * 11})

    assert finding(intake, "IN_TRD").data["assessments"][0]["met"] is True


def test_pregnancy_test_taken_after_the_first_infusion_does_not_satisfy_it():
    """§3: negative and ≤ 7 days old at the first infusion of each course."""
    intake = make(safety=PREGNANCY_POSSIBLE, infusion_date=date(2025, 3, 20),
                  pregnancy_tests=(PregnancyTest(date(2025, 3, 15), positive=False),))

    result = finding(intake, "IN_PREGNANCY_TEST")

    assert result.data["window"] == ["2025-03-03", "2025-03-10"]
    assert "(2025-03-15, negative)" in result.message


def test_audit_c_uses_the_scale_settings_passed_in():
    """§7.2: AUDIT-C cut-offs are the scale's clinic settings [D]; screening reads its flag."""
    screens = eligibility.score_screens(answers={"audit_c": [2, 1, 1]}, sex="male",
                                        contexts={"audit_c": {"protocol": AuditCProtocol(positive_at_or_above_male=5)}})

    assert screens.audit_c.flags == ()


def test_plain_score_values_are_accepted():
    """Scores may come as plain values (total, flags, risk) without the answers."""
    screens = eligibility.IntakeScreens(audit_c=Score("audit_c", 6, flags=("CA_SUD_HISTORY",)),
                                        dast10=Score("dast10", None, flags=("CA_SUD_HISTORY",)),
                                        cssrs_screener=Score("cssrs_screener", None, risk="high"))

    result = finding(replace(make(), screens=screens), "CA_SUD_HISTORY")

    assert result.data["positive_screens"] == {"audit_c": 6, "dast10": None}
    assert "AUDIT-C 6 is a positive screen. DAST-10 is a positive screen." in result.message
    assert "CA_SUICIDE_RISK" in codes(replace(make(), screens=screens))


# --- ages ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("birth", "on", "age"), [
    (date(2000, 5, 20), date(2018, 5, 19), 17), (date(2000, 5, 20), date(2018, 5, 20), 18),
    (date(2008, 2, 29), date(2026, 2, 28), 17), (date(2008, 2, 29), date(2026, 3, 1), 18),
    (date(2008, 2, 29), date(2028, 2, 29), 20), (date(2008, 2, 28), date(2026, 2, 28), 18),
])
def test_age_in_whole_years_across_birthdays_and_leap_days(birth, on, age):
    """A 29 February birthday is reached on 1 March in common years (product choice, documented)."""
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
    (dict(systolic_mmhg=0), "systolic_mmhg"),
    (dict(diastolic_mmhg=True), "diastolic_mmhg"),
    (dict(birth_date=date(2025, 3, 11)), "birth_date"),
    (dict(infusion_date=date(2025, 3, 9)), "infusion_date"),
    (dict(pregnancy_tests=(PregnancyTest(date(2025, 3, 11), positive=False),)), "pregnancy_tests[0].taken_on"),
])
def test_refuses_an_impossible_intake_naming_the_field(changes, field):
    intake = replace(make(), **changes)

    with pytest.raises(eligibility.IntakeInvalid) as error:
        eligibility.screen(intake)

    assert (error.value.code, error.value.field) == ("INTAKE_INVALID", field)


def test_refuses_a_score_of_the_wrong_instrument():
    intake = replace(make(), screens=eligibility.IntakeScreens(audit_c=Score("phq9", 3)))

    with pytest.raises(eligibility.IntakeInvalid) as error:
        eligibility.screen(intake)

    assert error.value.field == "screens.audit_c"


def test_refuses_an_instrument_that_is_not_an_intake_screen():
    with pytest.raises(eligibility.IntakeInvalid):
        eligibility.score_screens(answers={"gad7": [0] * 7}, sex="female")


def test_bad_screen_answers_name_the_item():
    with pytest.raises(AnswerError) as error:
        eligibility.score_screens(answers={"audit_c": [0, 0, 5]}, sex="female")

    assert error.value.field == "item 3"


@pytest.mark.parametrize("settings_", [dict(kinds={"HS_NOPE": "caution"}), dict(kinds={"CA_HTN": "warning"}),
                                       dict(cssrs_caution_risks=frozenset({"severe"}))])
def test_refuses_an_unknown_rule_kind_or_risk_in_the_protocol(settings_):
    with pytest.raises(eligibility.EligibilityProtocolInvalid):
        EligibilityProtocol(**settings_)


def test_trd_result_cannot_be_made_a_hard_stop():
    """§2.2: the TRD result is a flag for the prescriber, not an eligibility gate."""
    with pytest.raises(eligibility.EligibilityProtocolInvalid) as error:
        EligibilityProtocol(kinds={"IN_TRD": "hard_stop"})

    assert "not an eligibility gate" in error.value.message


def test_refuses_an_impossible_trial_even_without_a_trd_indication():
    intake = make(treatment_trials=(replace(FAILED_SSRI, outcome="cured"),))

    with pytest.raises(DomainError) as error:
        eligibility.screen(intake)

    assert error.value.field == "trials[0].outcome"


def test_missing_answer_list_is_refused_by_the_scale():
    with pytest.raises(AnswerError) as error:
        eligibility.score_screens(answers={"dast10": None}, sex="female")

    assert error.value.field == "answers"

"""The screening thresholds a clinic may change (clinical-reference §3 [D]) and the values they refuse."""

from datetime import date
from decimal import Decimal as D

import pytest

from clinic.rules import eligibility
from clinic.rules.eligibility import EligibilityProtocol, PregnancyTest
from clinic.rules.tests.test_eligibility import FIRST_INFUSION, PREGNANCY_POSSIBLE, bp, codes, make

ACCEPTED = [
    # (setting, value, other settings it needs): the limit itself, on the allowed side.
    ("adult_age_years", 18, {}),
    ("adult_age_years", 21, {}),
    ("older_adult_age_years", 19, {}),
    ("older_adult_age_years", 30, dict(adult_age_years=29)),
    ("pregnancy_test_max_age_days", 0, {}),
    ("htn_systolic_above_mmhg", 179, {}),
    ("htn_diastolic_above_mmhg", 109, {}),
    ("htn_uncontrolled_systolic_mmhg", 141, {}),
    ("htn_uncontrolled_diastolic_mmhg", 91, {}),
    ("htn_recheck_after_minutes", 1, {}),
    ("benzodiazepine_trial_limit_mg_per_day", D("0.5"), {}),
    ("benzodiazepine_trial_limit_mg_per_day", 3, {}),
    ("mania_includes_hypomania", False, {}),
]

REFUSED = [
    # (setting, value, other settings, words the message must hold)
    ("adult_age_years", 17, {}, "esketamine is not approved under 18"),
    ("adult_age_years", 0, {}, "18 or more"),
    ("adult_age_years", -5, {}, "18 or more"),
    ("adult_age_years", None, {}, "whole number of years"),
    ("adult_age_years", 18.0, {}, "whole number of years"),
    ("adult_age_years", True, {}, "whole number of years"),
    ("older_adult_age_years", 18, {}, "above adult_age_years (18)"),
    ("older_adult_age_years", 29, dict(adult_age_years=29), "above adult_age_years (29)"),
    ("older_adult_age_years", None, {}, "whole number of years"),
    ("older_adult_age_years", "65", {}, "whole number of years"),
    ("pregnancy_test_max_age_days", -1, {}, "0 or more"),
    ("pregnancy_test_max_age_days", None, {}, "0 or more"),
    ("pregnancy_test_max_age_days", 7.5, {}, "0 or more"),
    ("htn_systolic_above_mmhg", 0, {}, "whole number above 0"),
    ("htn_diastolic_above_mmhg", None, {}, "whole number above 0"),
    ("htn_uncontrolled_systolic_mmhg", 0, {}, "whole number above 0"),
    ("htn_uncontrolled_diastolic_mmhg", True, {}, "whole number above 0"),
    ("htn_systolic_above_mmhg", "140", {}, "whole number above 0"),
    ("htn_recheck_after_minutes", 0, {}, "whole number above 0"),
    ("htn_recheck_after_minutes", -5, {}, "whole number above 0"),
    ("benzodiazepine_trial_limit_mg_per_day", 0, {}, "above 0"),
    ("benzodiazepine_trial_limit_mg_per_day", D(-2), {}, "above 0"),
    ("benzodiazepine_trial_limit_mg_per_day", None, {}, "above 0"),
    ("benzodiazepine_trial_limit_mg_per_day", 2.5, {}, "above 0"),
    ("benzodiazepine_trial_limit_mg_per_day", D("NaN"), {}, "above 0"),
    ("benzodiazepine_trial_limit_mg_per_day", True, {}, "above 0"),
    ("mania_includes_hypomania", None, {}, "true or false"),
]

LEVEL_CLASHES = [
    # (settings, the uncontrolled level named): the hard stop's level at or below the caution's.
    (dict(htn_systolic_above_mmhg=180), "htn_uncontrolled_systolic_mmhg"),
    (dict(htn_uncontrolled_systolic_mmhg=140), "htn_uncontrolled_systolic_mmhg"),
    (dict(htn_diastolic_above_mmhg=110), "htn_uncontrolled_diastolic_mmhg"),
    (dict(htn_uncontrolled_diastolic_mmhg=90), "htn_uncontrolled_diastolic_mmhg"),
]


@pytest.mark.parametrize(("setting", "value", "others"), ACCEPTED,
                         ids=[f"{setting}={value!r}" for setting, value, _ in ACCEPTED])
def test_accepts_each_threshold_at_its_limit(setting, value, others):
    """clinical-reference §3 [D]: a clinic may raise the adult age from 18 (HS_AGE) and move the older-adult age
    (CA_AGE_65), the pregnancy test's age (≤ 7 days), the blood pressure levels (140/90, 180/110 rechecked after 5
    min) and the benzodiazepine limit (2–3 mg/day), within what the rules can apply."""
    protocol = EligibilityProtocol(**others, **{setting: value})

    assert getattr(protocol, setting) == value


@pytest.mark.parametrize(("setting", "value", "others", "words"), REFUSED,
                         ids=[f"{setting}={value!r}" for setting, value, _, _ in REFUSED])
def test_refuses_a_threshold_the_rules_cannot_apply_naming_the_setting(setting, value, others, words):
    """clinical-reference §3 [D]: whole numbers of the right type; the adult age never below 18 (esketamine not
    approved under 18 [11]); the older-adult age above it; the pregnancy test's age 0 or more; blood pressure levels
    above 0 with the uncontrolled level above the CA_HTN level; a recheck rest of at least 1 minute."""
    with pytest.raises(eligibility.EligibilityProtocolInvalid) as error:
        EligibilityProtocol(**others, **{setting: value})

    assert (error.value.code, error.value.field) == ("INVALID_PROTOCOL", setting)
    assert words in error.value.message


@pytest.mark.parametrize(("settings_", "field"), LEVEL_CLASHES, ids=[str(settings_) for settings_, _ in LEVEL_CLASHES])
def test_refuses_an_uncontrolled_level_not_above_the_caution_level(settings_, field):
    """clinical-reference §3: CA_HTN at > 140/90 mmHg and HS_HTN_UNCONTROLLED [D] at ≥ 180/110 mmHg; a clinic may
    move either, but the hard stop's level must stay above the caution's."""
    with pytest.raises(eligibility.EligibilityProtocolInvalid) as error:
        EligibilityProtocol(**settings_)

    assert error.value.field == field


def test_the_level_clash_refusal_gives_both_levels():
    """clinical-reference §3 CA_HTN and HS_HTN_UNCONTROLLED: the refusal names both settings and their values."""
    with pytest.raises(eligibility.EligibilityProtocolInvalid) as error:
        EligibilityProtocol(htn_uncontrolled_diastolic_mmhg=90)

    assert error.value.message == (
        "The uncontrolled diastolic level (htn_uncontrolled_diastolic_mmhg = 90 mmHg) must be above the CA_HTN "
        "diastolic level (htn_diastolic_above_mmhg = 90 mmHg): a reading at the hard stop's level always gives the "
        "caution too (clinical-reference §3).")


def test_the_adult_age_refusal_gives_the_reason_and_what_a_clinic_may_do():
    """clinical-reference §3 HS_AGE: age < 18 at the first infusion; esketamine is not approved under 18 [11]."""
    with pytest.raises(eligibility.EligibilityProtocolInvalid) as error:
        EligibilityProtocol(adult_age_years=16)

    assert error.value.message == (
        "adult_age_years must be a whole number of years, 18 or more, not 16: esketamine is not approved under 18 "
        "(clinical-reference §3 HS_AGE, Spravato US label [11]). A clinic may raise the age, never lower it.")


@pytest.mark.parametrize(("birth_date", "expected"), [(date(2004, 3, 11), True), (date(2004, 3, 10), False)],
                         ids=["20y364d", "21y"])
def test_a_raised_adult_age_moves_the_hard_stop(birth_date, expected):
    """clinical-reference §3 HS_AGE [D]: a clinic may raise the age; at 21 a patient of 20 is stopped, one of 21
    is not."""
    found = codes(make(birth_date=birth_date), EligibilityProtocol(adult_age_years=21))

    assert ("HS_AGE" in found) is expected


@pytest.mark.parametrize(("taken_on", "expected"), [(FIRST_INFUSION, False), (date(2025, 3, 9), True)],
                         ids=["same day", "the day before"])
def test_a_pregnancy_test_age_of_0_days_wants_a_test_on_the_day(taken_on, expected):
    """clinical-reference §3 intake set [D]: negative and ≤ 7 days old at infusion 1; at 0 days only a test on the
    day of infusion 1 counts."""
    intake = make(safety=PREGNANCY_POSSIBLE, pregnancy_tests=(PregnancyTest(taken_on, positive=False),))

    found = codes(intake, EligibilityProtocol(pregnancy_test_max_age_days=0))

    assert ("IN_PREGNANCY_TEST" in found) is expected


@pytest.mark.parametrize(("limit", "expected"), [(D("2.5"), False), (D("2.4"), True)])
def test_the_benzodiazepine_limit_is_a_clinic_setting(limit, expected):
    """clinical-reference §3 CA_CNS_MEDS: trials excluded > 2–3 mg/day lorazepam-equivalent [28]; a clinic may set
    the limit anywhere in that range; 2.5 mg/day is above a 2.4 limit and not above a 2.5 one."""
    intake = make(medications=(eligibility.CurrentMedication("clonazepam", "benzodiazepine", D("2.5")),))

    result = next(item for item in eligibility.screen(intake, EligibilityProtocol(
        benzodiazepine_trial_limit_mg_per_day=limit)) if item.code == "CA_CNS_MEDS")

    assert result.data["medications"][0]["above_trial_limit"] is expected


def test_a_caution_level_just_below_the_uncontrolled_level_keeps_both_findings():
    """clinical-reference §3 CA_HTN and HS_HTN_UNCONTROLLED [D]: with the caution at > 179 mmHg and the hard stop at
    ≥ 180 mmHg, a confirmed 180/100 gives both."""
    protocol = EligibilityProtocol(htn_systolic_above_mmhg=179)

    found = codes(make(blood_pressures=(bp(180, 100), bp(180, 100, 5))), protocol)

    assert {"HS_HTN_UNCONTROLLED", "CA_HTN"} <= set(found)

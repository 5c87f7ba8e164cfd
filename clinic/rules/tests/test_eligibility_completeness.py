"""Nothing passes by being unanswered (clinical-reference §3 [D]): HS_INTAKE_INCOMPLETE, the pregnancy test that
blocks the start of infusion 1, several results on one date, and what findings block."""

from dataclasses import replace
from datetime import date

import pytest

from clinic.rules import eligibility
from clinic.rules.eligibility import Diagnosis, EligibilityProtocol, Intake, IntakeScreens, PregnancyTest
from clinic.rules.tests.test_eligibility import (
    FIRST_INFUSION,
    NEGATIVE_SCREENS,
    PREGNANCY_POSSIBLE,
    codes,
    finding,
    make,
)

# Lowest answers for every intake screen, scored as screening needs them (MIDAS with its unscored items).
LOWEST = {**NEGATIVE_SCREENS, "pcl5": [0] * 20, "ybocs": [0] * 10, "fiqr": [0] * 21, "midas": [0] * 5, "ymrs": [0] * 11}
MIDAS_CONTEXT = {"midas": {"midas_a": 0, "midas_b": 0}}
EMPTY = Intake(birth_date=date(1985, 6, 15), first_infusion_date=FIRST_INFUSION, infusion_date=FIRST_INFUSION,
               sex="female", indications=(), safety={})


def test_an_empty_intake_lists_everything_missing_and_blocks_scheduling():
    """clinical-reference §3 [D]: an intake with unanswered safety items, without a blood pressure or without the
    intake screens cannot be scheduled; HS_INTAKE_INCOMPLETE lists everything missing."""
    found = eligibility.screen(EMPTY)

    result = next(item for item in found if item.code == "HS_INTAKE_INCOMPLETE")
    assert [item.code for item in found] == ["IN_PREGNANCY_TEST", "HS_INTAKE_INCOMPLETE"]
    assert [item["item"] for item in result.data["safety_items"]] == [name for name, _, _ in eligibility.SAFETY_ITEMS]
    assert (result.data["screens"], result.data["indication_missing"], result.data["measurements"]) == (
        ["audit_c", "dast10", "cssrs_screener"], True, ["blood_pressure"])
    assert result.kind == "hard_stop"
    for text in ("Not yet answered: Current psychosis;", "No indication recorded: record what is being treated.",
                 "Screens not done: AUDIT-C (intake screen), DAST-10 (intake screen), C-SSRS screener (intake "
                 "screen).", "Seated blood pressure not recorded."):
        assert text in result.message
    assert eligibility.blocks_scheduling(found) is True
    assert eligibility.blocks_infusion_start(found) is True


@pytest.mark.parametrize(("indication", "scale"), [
    ("TRD_UNIPOLAR", "phq9"), ("TRD_BIPOLAR", "phq9"), ("ANXIETY", "gad7"), ("PTSD", "pcl5"), ("OCD", "ybocs"),
    ("FIBROMYALGIA", "fiqr"), ("MIGRAINE_CHRONIC", "midas"),
])
def test_the_primary_scale_of_each_indication_is_required(indication, scale):
    """clinical-reference §2.1 primary scale [D] and §3 intake set: the primary scale of each recorded indication."""
    scored = eligibility.score_screens(answers=LOWEST, sex="female", contexts=MIDAS_CONTEXT)
    done = IntakeScreens(**{code: getattr(scored, code) for code in ("audit_c", "dast10", "cssrs_screener", "ymrs")})
    without = replace(make(), indications=(indication,), screens=done)
    with_it = replace(without, screens=replace(done, **{scale: getattr(scored, scale)}))

    assert finding(without, "HS_INTAKE_INCOMPLETE").data["screens"] == [scale]
    assert "HS_INTAKE_INCOMPLETE" not in codes(with_it)


def test_two_indications_need_both_primary_scales_once_each():
    """clinical-reference §2.1: each recorded indication's primary scale, listed once."""
    intake = replace(make(), indications=("TRD_UNIPOLAR", "TRD_BIPOLAR", "PTSD"), screens=IntakeScreens())

    result = finding(intake, "HS_INTAKE_INCOMPLETE")

    assert result.data["screens"] == ["audit_c", "dast10", "cssrs_screener", "phq9", "pcl5", "ymrs"]
    assert "PHQ-9 (primary scale for TRD_UNIPOLAR), PCL-5 (primary scale for PTSD), YMRS (bipolar disorder)" in (
        result.message)


def test_the_primary_scale_is_a_clinic_setting():
    """clinical-reference §2.1: the primary scale is [D]; a clinic may follow anxiety with PHQ-9."""
    protocol = EligibilityProtocol(primary_scales={**eligibility.PRIMARY_SCALES, "ANXIETY": "phq9"})
    intake = replace(make(), screens=replace(make().screens, phq9=None))

    assert finding(intake, "HS_INTAKE_INCOMPLETE", protocol).data["screens"] == ["phq9"]
    assert "HS_INTAKE_INCOMPLETE" not in codes(intake)


@pytest.mark.parametrize(("scales", "message"), [
    ({"ANXIETY": "madrs"}, "The primary scale of ANXIETY must be an intake screen"),
    ({"DEPRESSION": "phq9"}, "'DEPRESSION' is not an indication"),
    ({}, "Choose a primary scale for"),
])
def test_refuses_a_primary_scale_that_is_not_an_intake_screen_or_missing(scales, message):
    """clinical-reference §2.1 and §3 intake set: every indication has a primary scale among the intake screens."""
    settings_ = {**eligibility.PRIMARY_SCALES, **scales} if scales else {"TRD_UNIPOLAR": "phq9"}

    with pytest.raises(eligibility.EligibilityProtocolInvalid) as error:
        EligibilityProtocol(primary_scales=settings_)

    assert (error.value.field, message in error.value.message) == ("primary_scales", True)


def test_a_benzodiazepine_without_its_dose_is_listed():
    """clinical-reference §3 CA_CNS_MEDS: the lorazepam-equivalent dose is needed to compare with the trial limit."""
    intake = make(medications=(eligibility.CurrentMedication("lorazepam", "benzodiazepine"),))

    result = finding(intake, "HS_INTAKE_INCOMPLETE")

    assert (result.data["benzodiazepine_doses"], result.message) == (
        ["lorazepam"], "Lorazepam-equivalent dose not recorded for: lorazepam.")


# --- the pregnancy test blocks the start of infusion 1, not the booking ---------------------------------------

@pytest.mark.parametrize(("infusion_date", "blocks_start"), [(FIRST_INFUSION, True), (date(2025, 3, 17), False)])
def test_a_missing_pregnancy_test_blocks_the_start_of_infusion_1_not_the_booking(infusion_date, blocks_start):
    """clinical-reference §3 [D]: for a patient who could become pregnant, a missing pregnancy test blocks the start
    of infusion 1 (not the booking); the finding stays information."""
    found = eligibility.screen(make(safety=PREGNANCY_POSSIBLE, infusion_date=infusion_date))

    assert [(item.code, item.kind, item.blocks_infusion_start) for item in found] == [
        ("IN_PREGNANCY_TEST", "information", blocks_start)]
    assert eligibility.blocks_scheduling(found) is False
    assert eligibility.blocks_infusion_start(found) is blocks_start


def test_a_negative_test_in_the_window_lets_infusion_1_start():
    """clinical-reference §3 intake set [D]: negative and ≤ 7 days old at the first infusion."""
    found = eligibility.screen(make(safety=PREGNANCY_POSSIBLE,
                                    pregnancy_tests=(PregnancyTest(date(2025, 3, 3), positive=False),)))

    assert (found, eligibility.blocks_infusion_start(found)) == ([], False)


@pytest.mark.parametrize(("infusion_date", "expected"), [
    (FIRST_INFUSION, [("IN_PREGNANCY_TEST", True), ("IN_YMRS_DUE", True)]),
    (date(2025, 3, 17), [("IN_PREGNANCY_TEST", False), ("IN_YMRS_DUE", True)]),
], ids=["infusion 1", "a later infusion"])
def test_findings_that_block_a_start_but_never_the_booking(infusion_date, expected):
    """clinical-reference §3 [D] and §8 Mania [D]: a missing pregnancy test blocks the start of infusion 1 only; a
    YMRS not rated on the day blocks the start of every infusion of a bipolar patient; neither blocks the booking."""
    intake = make(safety={**PREGNANCY_POSSIBLE, "bipolar_disorder": True}, infusion_date=infusion_date,
                  screens={"ymrs": [0] * 11}, ymrs_rated_on=date(2025, 3, 3))

    found = eligibility.screen(intake)

    assert [(item.code, item.blocks_infusion_start) for item in found if item.kind == "information"] == expected
    assert (eligibility.blocks_scheduling(found), eligibility.blocks_infusion_start(found)) == (False, True)


def test_cautions_block_neither_booking_nor_start():
    """clinical-reference §3: a caution needs the prescriber's decision; it blocks nothing by itself."""
    found = eligibility.screen(make(safety={"breastfeeding": True}))

    assert [item.kind for item in found] == ["caution"]
    assert (eligibility.blocks_scheduling(found), eligibility.blocks_infusion_start(iter(found))) == (False, False)


# --- several results of one kind on one date: the most serious counts -----------------------------------------

LATEST = date(2025, 3, 8)
SAME_DAY = [(PregnancyTest(LATEST, positive=True), PregnancyTest(LATEST, positive=False)),
            (PregnancyTest(LATEST, positive=False), PregnancyTest(LATEST, positive=True))]


@pytest.mark.parametrize("tests", SAME_DAY, ids=["positive first", "negative first"])
def test_a_positive_and_a_negative_test_on_the_latest_date_make_hs_pregnant(tests):
    """clinical-reference §3: several results of one kind on one date, the most serious counts (any positive test
    on the latest date is positive), whatever their order."""
    result = finding(make(pregnancy_tests=tests), "HS_PREGNANT")

    assert result.data == {"reported": False, "positive_test_on": "2025-03-08"}
    assert result.message == "Latest pregnancy test (8 Mar 2025) positive."


@pytest.mark.parametrize("tests", SAME_DAY, ids=["positive first", "negative first"])
def test_a_date_with_a_positive_test_is_never_a_negative_test_in_the_window(tests):
    """clinical-reference §3: the negative test before infusion 1 must be a date with no positive result."""
    result = finding(make(safety=PREGNANCY_POSSIBLE, pregnancy_tests=tests), "IN_PREGNANCY_TEST")

    assert (result.data["latest_test_on"], result.data["latest_test_positive"]) == ("2025-03-08", True)
    assert "The latest test (8 Mar 2025, positive) is not a negative test from that window." in result.message


def test_a_later_negative_date_follows_an_earlier_positive():
    """clinical-reference §3 HS_PREGNANT reads the latest date; a later negative test in the window satisfies the
    test before infusion 1."""
    tests = (PregnancyTest(date(2025, 3, 4), positive=True), PregnancyTest(LATEST, positive=False))

    assert codes(make(safety=PREGNANCY_POSSIBLE, pregnancy_tests=tests)) == []


def test_a_diagnosis_recorded_with_the_indication_is_read_with_it():
    """clinical-reference §2.1: callers pass the indications' codes with the patient's other diagnoses; a
    schizophrenia diagnosis beside a PTSD indication is not missed."""
    intake = make(indications=("PTSD",), screens={"pcl5": [0] * 20},
                  diagnoses=(Diagnosis("F43.10", True), Diagnosis("F20.0", True)))

    assert codes(intake) == ["HS_PSYCHOSIS_ACTIVE"]

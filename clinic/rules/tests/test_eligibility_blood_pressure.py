"""Intake blood pressure (clinical-reference §3): CA_HTN when the highest reading of the latest date is > 140/90
mmHg (several results on one date: the most serious counts), and HS_HTN_UNCONTROLLED [D] on a reading ≥ 180/110 mmHg
confirmed by a recheck at least 5 minutes later."""

import pytest

from clinic.rules import eligibility
from clinic.rules.eligibility import EligibilityProtocol
from clinic.rules.tests.test_eligibility import bp, codes, finding, make

UNCONTROLLED, RECHECK, CAUTION = "HS_HTN_UNCONTROLLED", "HS_INTAKE_INCOMPLETE", "CA_HTN"

READING_CASES = [
    # (case id, readings, findings expected among HS_HTN_UNCONTROLLED, HS_INTAKE_INCOMPLETE, CA_HTN)
    ("179/109 alone", (bp(179, 109),), {CAUTION}),
    ("179/109 rechecked at 5 min", (bp(179, 109), bp(179, 109, 5)), {CAUTION}),
    ("180/110 alone: recheck due", (bp(180, 110),), {RECHECK, CAUTION}),
    ("180/110 confirmed at 5 min", (bp(180, 110), bp(180, 110, 5)), {UNCONTROLLED, CAUTION}),
    ("180/110 rechecked at 4 min: does not count", (bp(180, 110), bp(180, 110, 4)), {RECHECK, CAUTION}),
    ("180/110 rechecked at 5 min below the level", (bp(180, 110), bp(179, 109, 5)), {CAUTION}),
    ("180/110 rechecked at 5 min at 150/95", (bp(180, 110), bp(150, 95, 5)), {CAUTION}),
    ("180/110 rechecked at 5 min at 120/80", (bp(180, 110), bp(120, 80, 5)), {CAUTION}),
    ("185/115 rechecked at 5 min at 130/80", (bp(185, 115), bp(130, 80, 5)), {CAUTION}),
    ("systolic 180 alone, confirmed", (bp(180, 80), bp(181, 85, 5)), {UNCONTROLLED, CAUTION}),
    ("diastolic 110 alone, confirmed", (bp(130, 110), bp(130, 112, 5)), {UNCONTROLLED, CAUTION}),
    ("systolic 180 then diastolic 110", (bp(180, 80), bp(130, 110, 5)), {UNCONTROLLED, CAUTION}),
    ("high, low recheck, then high again unrechecked", (bp(185, 115), bp(150, 90, 6), bp(185, 80, 8)),
     {UNCONTROLLED, CAUTION}),
    ("high, 4 min later high, nothing after", (bp(185, 115), bp(186, 116, 4)), {RECHECK, CAUTION}),
    ("entered newest first", (bp(180, 110, 5), bp(180, 110)), {UNCONTROLLED, CAUTION}),
    ("low then high unrechecked", (bp(120, 80), bp(190, 100, 10)), {RECHECK, CAUTION}),
]


@pytest.mark.parametrize(("readings", "expected"), [case[1:] for case in READING_CASES],
                         ids=[case[0] for case in READING_CASES])
def test_uncontrolled_hypertension_needs_a_confirming_recheck(readings, expected):
    """clinical-reference §3 HS_HTN_UNCONTROLLED [D]: an intake BP ≥ 180/110 mmHg confirmed on a recheck after 5 min;
    a reading at that level not yet rechecked makes the intake incomplete; a recheck below it avoids the hard stop, but
    CA_HTN reads the highest reading of the day (> 140/90), so the first reading keeps the caution."""
    found = set(codes(make(blood_pressures=readings)))

    assert found & {UNCONTROLLED, RECHECK, CAUTION} == expected


def test_the_confirmed_finding_names_both_readings():
    """clinical-reference §3 HS_HTN_UNCONTROLLED: the message and data give the reading and its recheck."""
    result = finding(make(blood_pressures=(bp(182, 104), bp(180, 111, 7))), UNCONTROLLED)

    assert result.kind == "hard_stop"
    assert result.message == ("Intake BP 182/104 mmHg on 3 Mar 2025, confirmed on the recheck (180/111 mmHg on "
                              "3 Mar 2025): at or above 180/110 mmHg.")
    assert [reading["systolic_mmhg"] for reading in result.data["readings"]] == [182, 180]


def test_an_unrechecked_reading_asks_for_the_recheck_and_blocks_scheduling():
    """clinical-reference §3 [D]: HS_INTAKE_INCOMPLETE says to recheck after 5 minutes' rest; a hard stop."""
    found = eligibility.screen(make(blood_pressures=(bp(120, 80), bp(195, 115, 2))))

    result = next(item for item in found if item.code == RECHECK)
    assert ("Blood pressure 195/115 mmHg on 3 Mar 2025 is at or above 180/110 mmHg: recheck the blood "
            "pressure after 5 minutes' rest.") in result.message
    assert result.data["measurements"] == ["blood_pressure_recheck"]
    assert [reading["measured_at"] for reading in result.data["blood_pressure_rechecks"]] == [
        "2025-03-03T09:02:00+00:00"]
    assert eligibility.blocks_scheduling(found) is True


def test_the_clinician_flag_alone_is_enough():
    """clinical-reference §3 HS_HTN_UNCONTROLLED: clinician flag, whatever the reading."""
    result = finding(make(safety={"hypertension_uncontrolled": True}), UNCONTROLLED)

    assert (result.message, result.data) == ("Answered yes: Uncontrolled hypertension.",
                                             {"items": ["hypertension_uncontrolled"], "readings": []})


CAUTION_CASES = [
    # (case id, readings, CA_HTN expected): the highest systolic and diastolic of the latest date.
    ("150/95 then 130/80", (bp(150, 95), bp(130, 80, 10)), True),
    ("130/80 then 150/95", (bp(130, 80), bp(150, 95, 10)), True),
    ("141/80 then 120/91: each above on one measure", (bp(141, 80), bp(120, 91, 10)), True),
    ("140/90 then 120/80: at the level, not above", (bp(140, 90), bp(120, 80, 10)), False),
    ("150/95 yesterday, 130/80 today", (bp(150, 95, -24 * 60), bp(130, 80)), False),
    ("130/80 yesterday, 141/80 today", (bp(130, 80, -24 * 60), bp(141, 80)), True),
    ("entered newest first: 130/80 today, 150/95 yesterday", (bp(130, 80), bp(150, 95, -24 * 60)), False),
]


@pytest.mark.parametrize(("readings", "expected"), [case[1:] for case in CAUTION_CASES],
                         ids=[case[0] for case in CAUTION_CASES])
def test_caution_reads_the_highest_reading_of_the_latest_date(readings, expected):
    """clinical-reference §3 CA_HTN: intake BP > 140/90 mmHg; several results of one kind on the same date, the most
    serious counts, so a lower later reading that day never hides a high one; an earlier date's readings do not
    count."""
    assert (CAUTION in codes(make(blood_pressures=readings))) is expected


def test_the_caution_gives_the_day_s_readings_and_the_highest():
    """clinical-reference §3 CA_HTN: the message and data give every reading of the date and the highest systolic and
    diastolic, which may come from different readings."""
    result = finding(make(blood_pressures=(bp(152, 88, -24 * 60), bp(150, 86), bp(138, 95, 10))), CAUTION)

    assert result.message == ("Intake BP on 3 Mar 2025: 150/86 mmHg, 138/95 mmHg; the highest, "
                              "150/95, is above 140/90.")
    assert result.data == {
        "controlled_hypertension": False, "highest_systolic_mmhg": 150, "highest_diastolic_mmhg": 95,
        "readings": [{"measured_at": "2025-03-03T09:00:00+00:00", "systolic_mmhg": 150, "diastolic_mmhg": 86},
                     {"measured_at": "2025-03-03T09:10:00+00:00", "systolic_mmhg": 138, "diastolic_mmhg": 95}]}


def test_controlled_hypertension_alone_gives_the_caution():
    """clinical-reference §3 CA_HTN: controlled hypertension, whatever the reading."""
    result = finding(make(safety={"hypertension_controlled": True}), CAUTION)

    assert (result.message, result.data["highest_systolic_mmhg"]) == ("Controlled hypertension.", 120)


@pytest.mark.parametrize(("settings_", "readings", "expected"), [
    (dict(htn_uncontrolled_systolic_mmhg=170), (bp(170, 90), bp(170, 90, 5)), True),
    (dict(htn_uncontrolled_systolic_mmhg=170), (bp(169, 90), bp(169, 90, 5)), False),
    (dict(htn_uncontrolled_diastolic_mmhg=100), (bp(150, 100), bp(150, 100, 5)), True),
    (dict(htn_recheck_after_minutes=10), (bp(180, 110), bp(180, 110, 10)), True),
    (dict(htn_recheck_after_minutes=10), (bp(180, 110), bp(180, 110, 9)), False),
])
def test_levels_and_rest_are_clinic_settings(settings_, readings, expected):
    """clinical-reference §3 [D]: 180/110 mmHg and 5 minutes are shipped defaults a clinic may change."""
    found = codes(make(blood_pressures=readings), EligibilityProtocol(**settings_))

    assert (UNCONTROLLED in found) is expected


@pytest.mark.parametrize("settings_", [dict(htn_uncontrolled_systolic_mmhg=0), dict(htn_recheck_after_minutes=-5),
                                       dict(htn_uncontrolled_diastolic_mmhg=True),
                                       dict(htn_systolic_above_mmhg="140")])
def test_refuses_a_level_or_rest_that_is_not_a_positive_whole_number(settings_):
    """clinical-reference §3 [D]: the levels are whole mmHg and the rest whole minutes, above 0."""
    with pytest.raises(eligibility.EligibilityProtocolInvalid) as error:
        EligibilityProtocol(**settings_)

    assert error.value.field == next(iter(settings_))

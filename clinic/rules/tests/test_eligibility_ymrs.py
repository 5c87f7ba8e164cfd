"""YMRS before every infusion for a bipolar diagnosis (clinical-reference §8 Mania [D]; §3 intake set)."""

from dataclasses import replace
from datetime import date

import pytest

from clinic.rules import eligibility
from clinic.rules.eligibility import Diagnosis
from clinic.rules.tests.test_eligibility import BIPOLAR, FIRST_INFUSION, codes, finding, make

DUE = "IN_YMRS_DUE"
LAST_WEEK, DAY_BEFORE, INFUSION_3 = date(2025, 3, 3), date(2025, 3, 9), date(2025, 3, 17)
YMRS_0 = [0] * 11


def rated(on, **changes):
    """A patient rated with a YMRS of 0 on `on` (None = no date recorded)."""
    return make(screens={"ymrs": YMRS_0}, ymrs_rated_on=on, **changes)


CASES = [
    # (case id, intake, YMRS due before this infusion)
    ("bipolar (answer), rated on the day of infusion 1", rated(FIRST_INFUSION, safety=BIPOLAR), False),
    ("bipolar (answer), rated the day before infusion 1", rated(DAY_BEFORE, safety=BIPOLAR), True),
    ("bipolar (TRD_BIPOLAR), rated a week before", rated(LAST_WEEK, indications=("TRD_BIPOLAR",)), True),
    ("bipolar (past F31.9 beside anxiety), rated a week before",
     rated(LAST_WEEK, diagnoses=(Diagnosis("F31.9", False),)), True),
    ("bipolar, YMRS with no date", rated(None, safety=BIPOLAR), True),
    ("bipolar, no YMRS", make(safety=BIPOLAR), True),
    ("bipolar, a date but no YMRS", make(safety=BIPOLAR, ymrs_rated_on=FIRST_INFUSION), True),
    ("bipolar, infusion 3, rated at infusion 1", rated(FIRST_INFUSION, safety=BIPOLAR, infusion_date=INFUSION_3),
     True),
    ("bipolar, infusion 3, rated that day", rated(INFUSION_3, safety=BIPOLAR, infusion_date=INFUSION_3), False),
    ("not bipolar, rated a week before", rated(LAST_WEEK), False),
    ("not bipolar (F32.9), no YMRS", make(diagnoses=(Diagnosis("F32.9", True),)), False),
]


@pytest.mark.parametrize(("intake", "due"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_a_bipolar_patient_needs_a_ymrs_rated_on_the_day_of_each_infusion(intake, due):
    """clinical-reference §8 Mania [D]: YMRS before each infusion for every patient with a bipolar diagnosis (F31.x),
    whatever the indication; a rating from another day, or with no date, is not this infusion's. Patients without a
    bipolar diagnosis need none."""
    assert (DUE in codes(intake)) is due


def test_the_finding_names_the_day_needed_and_the_last_rating():
    """clinical-reference §8 Mania [D]: the finding says which day the YMRS is needed and when it was last rated."""
    result = finding(rated(FIRST_INFUSION, safety=BIPOLAR, infusion_date=INFUSION_3), DUE)

    assert result.message == ("Bipolar disorder: the YMRS is rated before every infusion. Rate it on 17 Mar 2025, "
                              "before this infusion starts. The last YMRS was rated on 10 Mar 2025.")
    assert result.data == {"needed_on": "2025-03-17", "last_rated_on": "2025-03-10", "ymrs_recorded": True}


@pytest.mark.parametrize(("intake", "last"), [
    (make(safety=BIPOLAR), "No YMRS is recorded."),
    (rated(None, safety=BIPOLAR), "The YMRS recorded has no rating date."),
], ids=["no YMRS", "no date"])
def test_the_finding_says_what_is_missing(intake, last):
    """clinical-reference §8 Mania [D] and §3 (nothing passes by being unanswered): a missing YMRS or rating date is
    named."""
    assert finding(intake, DUE).message.endswith(f"before this infusion starts. {last}")


@pytest.mark.parametrize("infusion_date", [FIRST_INFUSION, INFUSION_3], ids=["infusion 1", "infusion 3"])
def test_it_blocks_the_start_of_every_infusion_but_not_the_booking(infusion_date):
    """clinical-reference §8 Mania [D]: the YMRS comes before each infusion, so a missing one blocks that infusion's
    start (like the pregnancy test, §3) but never its booking; the finding is information."""
    found = eligibility.screen(rated(LAST_WEEK, safety=BIPOLAR, infusion_date=infusion_date))

    assert [(item.code, item.kind, item.blocks_infusion_start) for item in found if item.code == DUE] == [
        (DUE, "information", True)]
    assert (eligibility.blocks_scheduling(found), eligibility.blocks_infusion_start(found)) == (False, True)


@pytest.mark.parametrize(("intake", "findings"), [
    (rated(LAST_WEEK, safety=BIPOLAR), ["CA_BIPOLAR", DUE]),
    (make(safety=BIPOLAR), ["CA_BIPOLAR", DUE, "HS_INTAKE_INCOMPLETE"]),
], ids=["baseline done last week", "no baseline"])
def test_the_intake_still_asks_for_a_baseline_ymrs(intake, findings):
    """clinical-reference §3 intake set [D] (YMRS if bipolar) and CA_BIPOLAR (record baseline YMRS): the baseline
    YMRS completes the intake whatever its date; only the start of the infusion waits for the day's rating."""
    assert codes(intake) == findings


def test_a_ymrs_at_the_hold_threshold_still_holds_whatever_its_date():
    """clinical-reference §7.2 and §8: YMRS ≥ 12 holds the next infusion; an old rating at 12 keeps CA_MANIA_SCORE
    beside the rating due."""
    intake = make(safety=BIPOLAR, screens={"ymrs": [4, 4, 4] + [0] * 8}, ymrs_rated_on=LAST_WEEK)

    assert codes(intake) == ["CA_BIPOLAR", "CA_MANIA_SCORE", DUE]


def test_refuses_a_ymrs_dated_after_the_infusion():
    """clinical-reference §8 Mania [D]: the YMRS is rated before the infusion; a date after it is a mistake to
    correct, never a rating for it."""
    intake = replace(rated(FIRST_INFUSION, safety=BIPOLAR), ymrs_rated_on=date(2025, 3, 11))

    with pytest.raises(eligibility.IntakeInvalid) as error:
        eligibility.screen(intake)

    assert (error.value.field, error.value.message) == (
        "ymrs_rated_on",
        "The YMRS is dated 11 Mar 2025, after the infusion screened for (10 Mar 2025). Check the date.")

"""Suicide risk at screening (clinical-reference §3 HS_SUICIDE_HIGH, CA_SUICIDE_RISK; §7.2 locked alerts)."""

from datetime import date

import pytest

from clinic.rules import eligibility
from clinic.rules.eligibility import EligibilityProtocol, SuicideRiskAssessment
from clinic.rules.tests.test_eligibility import CSSRS_HIGH, FIRST_INFUSION, codes, finding, make

SCREENED_ON = date(2025, 3, 9)
DAY_BEFORE, NEXT_DAY = date(2025, 3, 8), FIRST_INFUSION


def high_risk(*assessments, screened_on=SCREENED_ON, **changes):
    return make(screens={"cssrs_screener": CSSRS_HIGH, **changes.pop("screens", {})}, cssrs_screened_on=screened_on,
                suicide_risk_assessments=tuple(SuicideRiskAssessment(*pair) for pair in assessments), **changes)


ASSESSMENT_CASES = [
    # (case id, assessments, screener date, hard stop holds, what the message says is needed)
    ("no assessment", (), SCREENED_ON, True,
     "No suicide risk assessment is recorded: record a clinician's assessment made on or after 2025-03-09."),
    ("assessed the day before the screener", ((DAY_BEFORE, "proceed"),), SCREENED_ON, True,
     "The assessments recorded are before the screener (2025-03-09): record a clinician's suicide risk assessment "
     "made on or after that date."),
    ("same day, proceed", ((SCREENED_ON, "proceed"),), SCREENED_ON, False, None),
    ("same day, hold treatment", ((SCREENED_ON, "hold_treatment"),), SCREENED_ON, True,
     "The suicide risk assessment on 2025-03-09 decided to hold treatment: no infusion."),
    ("same day, refer to emergency care", ((SCREENED_ON, "refer_emergency"),), SCREENED_ON, True,
     "The suicide risk assessment on 2025-03-09 decided to refer for emergency care: no infusion."),
    ("next day, proceed", ((NEXT_DAY, "proceed"),), SCREENED_ON, False, None),
    ("proceed then hold on the same day", ((SCREENED_ON, "proceed"), (SCREENED_ON, "hold_treatment")), SCREENED_ON,
     True, "decided to hold treatment"),
    ("hold then proceed on the same day", ((SCREENED_ON, "hold_treatment"), (SCREENED_ON, "proceed")), SCREENED_ON,
     True, "decided to hold treatment"),
    ("proceed, then hold the next day", ((SCREENED_ON, "proceed"), (NEXT_DAY, "hold_treatment")), SCREENED_ON, True,
     "The suicide risk assessment on 2025-03-10 decided to hold treatment"),
    ("hold, then proceed the next day", ((SCREENED_ON, "hold_treatment"), (NEXT_DAY, "proceed")), SCREENED_ON, False,
     None),
    ("screener date not recorded", ((SCREENED_ON, "proceed"),), None, True,
     "The screener's date is not recorded, so no assessment can be matched to it"),
]


@pytest.mark.parametrize(("assessments", "screened_on", "holds", "needed"), [case[1:] for case in ASSESSMENT_CASES],
                         ids=[case[0] for case in ASSESSMENT_CASES])
def test_high_risk_is_a_hard_stop_until_an_assessment_decides_to_proceed(assessments, screened_on, holds, needed):
    """clinical-reference §3 HS_SUICIDE_HIGH [D]: C-SSRS risk high, no outpatient infusion until a clinician's
    same-day suicide risk assessment is recorded; the assessment turns it into CA_SUICIDE_RISK. Anything else keeps
    the hard stop (fail safe); on one date the most serious outcome counts."""
    found = eligibility.screen(high_risk(*assessments, screened_on=screened_on))

    by_code = {item.code: item for item in found}
    assert ("HS_SUICIDE_HIGH" in by_code, "CA_SUICIDE_RISK" in by_code) == (holds, not holds)
    assert eligibility.blocks_scheduling(found) is holds
    if holds:
        assert needed in by_code["HS_SUICIDE_HIGH"].message


def test_the_hard_stop_is_urgent_and_says_what_to_do_now():
    """clinical-reference §3 HS_SUICIDE_HIGH and §7.2: high → immediate evaluation and precautions [L]."""
    result = finding(high_risk(), "HS_SUICIDE_HIGH")

    assert (result.kind, result.urgent) == ("hard_stop", True)
    assert result.message.startswith(
        "C-SSRS screener at high risk on 2025-03-09: a clinician evaluates the patient now and suicide precautions "
        "start. No outpatient infusion until a clinician's suicide risk assessment, made on or after the screener's "
        "date, decides to proceed.")
    assert result.data == {"cssrs_risk": "high", "cssrs_screened_on": "2025-03-09", "assessments": []}


def test_an_assessment_to_proceed_leaves_an_urgent_caution_naming_its_date():
    """clinical-reference §3: the assessment turns HS_SUICIDE_HIGH into CA_SUICIDE_RISK (caution + urgent alert)."""
    result = finding(high_risk((SCREENED_ON, "proceed")), "CA_SUICIDE_RISK")

    assert (result.kind, result.urgent) == ("caution", True)
    assert result.message.startswith("C-SSRS screener risk high. A clinician's suicide risk assessment on 2025-03-09 "
                                     "decided to proceed.")
    assert result.data == {"cssrs_risk": "high", "phq9_item9_positive": False, "assessed_on": "2025-03-09"}


def test_phq9_item_9_keeps_its_caution_beside_the_hard_stop():
    """clinical-reference §3 CA_SUICIDE_RISK: PHQ-9 item 9 > 0, whatever the C-SSRS says."""
    found = codes(high_risk(screens={"phq9": [0] * 8 + [1]}))

    assert {"HS_SUICIDE_HIGH", "CA_SUICIDE_RISK"} <= set(found)
    assert finding(high_risk(screens={"phq9": [0] * 8 + [1]}), "CA_SUICIDE_RISK").data["assessed_on"] is None


@pytest.mark.parametrize(("answers", "expected"), [
    ([1, 1, 1, 0, 0, 0], ["CA_SUICIDE_RISK"]),  # moderate: Q3 yes
    ([1, 0, None, None, None, 1], ["CA_SUICIDE_RISK"]),  # moderate: behaviour > 3 months ago
    ([1, 1, 0, 0, 0, 0], []),  # low
    ([1, 1, 0, 1, 0, 0], ["HS_SUICIDE_HIGH"]),  # high: Q4 yes
    ([1, 1, 0, 0, 1, 0], ["HS_SUICIDE_HIGH"]),  # high: Q5 yes
])
def test_cssrs_levels_by_default(answers, expected):
    """clinical-reference §7.2 C-SSRS: high (Q4 or Q5 yes, or behaviour ≤ 3 months) is a hard stop until assessed;
    moderate (Q3 yes, or behaviour > 3 months) a caution; low nothing by default."""
    assert codes(make(screens={"cssrs_screener": answers}, cssrs_screened_on=SCREENED_ON)) == expected


def test_a_clinic_may_add_low_risk_to_the_caution():
    """clinical-reference §7.2 "Locked": a clinic may only add alerts, e.g. low risk."""
    protocol = EligibilityProtocol(cssrs_caution_risks=frozenset({"low", "moderate", "high"}))

    assert codes(make(screens={"cssrs_screener": [1, 1, 0, 0, 0, 0]}), protocol) == ["CA_SUICIDE_RISK"]


@pytest.mark.parametrize("risks", [frozenset({"high"}), frozenset({"moderate"}), frozenset({"low", "high"}),
                                   frozenset()])
def test_refuses_caution_risks_without_moderate_and_high(risks):
    """clinical-reference §7.2 "Locked": no clinic may switch a suicide alert off or make it less sensitive."""
    with pytest.raises(eligibility.EligibilityProtocolInvalid) as error:
        EligibilityProtocol(cssrs_caution_risks=risks)

    assert error.value.field == "cssrs_caution_risks"
    assert error.value.message == (
        "C-SSRS moderate and high risk always raise the suicide-risk finding: the suicide alerts are locked "
        "(clinical-reference §7.2), so no clinic may switch one off. Keep moderate and high; a clinic may only add "
        "low.")


def test_the_locked_risks_are_moderate_and_high():
    """clinical-reference §7.2: the C-SSRS levels are among the locked suicide alerts."""
    assert sorted(eligibility.CSSRS_LOCKED_RISKS) == ["high", "moderate"]

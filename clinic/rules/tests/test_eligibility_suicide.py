"""Suicide risk at screening (clinical-reference §3 HS_SUICIDE_HIGH, CA_SUICIDE_RISK; §7.2 locked alerts)."""

from datetime import date
from itertools import combinations

import pytest

from clinic.rules import eligibility, scales
from clinic.rules.eligibility import EligibilityProtocol, SuicideRiskAssessment, suicide
from clinic.rules.tests.test_eligibility import CSSRS_HIGH, FIRST_INFUSION, codes, finding, make

SCREENED_ON = date(2025, 3, 9)
DAY_BEFORE, NEXT_DAY, INFUSION_DAY = date(2025, 3, 8), FIRST_INFUSION, date(2025, 3, 11)
SAME_DAYS = "on the screener's day (9 Mar 2025) or the infusion's (11 Mar 2025)"


def high_risk(*assessments, screened_on=SCREENED_ON, **changes):
    """A C-SSRS screener at high risk on `screened_on`, screened for the infusion on INFUSION_DAY (the course's
    second day, so the day after the screener is neither)."""
    changes.setdefault("infusion_date", INFUSION_DAY)
    return make(screens={"cssrs_screener": CSSRS_HIGH, **changes.pop("screens", {})}, cssrs_screened_on=screened_on,
                suicide_risk_assessments=tuple(SuicideRiskAssessment(*pair) for pair in assessments), **changes)


ASSESSMENT_CASES = [
    # (case id, assessments, screener date, hard stop holds, what the message says is needed)
    ("no assessment", (), SCREENED_ON, True,
     f"No suicide risk assessment is recorded: record a clinician's assessment made {SAME_DAYS}."),
    ("assessed the day before the screener", ((DAY_BEFORE, "proceed"),), SCREENED_ON, True,
     "The assessments recorded are before the screener (9 Mar 2025): record a clinician's suicide risk assessment "
     f"made {SAME_DAYS}."),
    ("screener's day, proceed", ((SCREENED_ON, "proceed"),), SCREENED_ON, False, None),
    ("infusion's day, proceed", ((INFUSION_DAY, "proceed"),), SCREENED_ON, False, None),
    ("next day (neither), proceed", ((NEXT_DAY, "proceed"),), SCREENED_ON, True,
     "The suicide risk assessment on 10 Mar 2025 decided to proceed, but it is not a same-day assessment: record a "
     f"clinician's suicide risk assessment made {SAME_DAYS}."),
    ("same day, hold treatment", ((SCREENED_ON, "hold_treatment"),), SCREENED_ON, True,
     "The suicide risk assessment on 9 Mar 2025 decided to hold treatment: no infusion."),
    ("same day, refer to emergency care", ((SCREENED_ON, "refer_emergency"),), SCREENED_ON, True,
     "The suicide risk assessment on 9 Mar 2025 decided to refer for emergency care: no infusion."),
    ("proceed then hold on the same day", ((SCREENED_ON, "proceed"), (SCREENED_ON, "hold_treatment")), SCREENED_ON,
     True, "decided to hold treatment"),
    ("hold then proceed on the same day", ((SCREENED_ON, "hold_treatment"), (SCREENED_ON, "proceed")), SCREENED_ON,
     True, "decided to hold treatment"),
    ("proceed, then hold the next day", ((SCREENED_ON, "proceed"), (NEXT_DAY, "hold_treatment")), SCREENED_ON, True,
     "The suicide risk assessment on 10 Mar 2025 decided to hold treatment"),
    ("hold, then proceed the next day (neither)", ((SCREENED_ON, "hold_treatment"), (NEXT_DAY, "proceed")),
     SCREENED_ON, True, "The suicide risk assessment on 10 Mar 2025 decided to proceed, but it is not a same-day"),
    ("hold, then proceed on the infusion's day", ((SCREENED_ON, "hold_treatment"), (INFUSION_DAY, "proceed")),
     SCREENED_ON, False, None),
    ("proceed on the screener's day, again the next day", ((SCREENED_ON, "proceed"), (NEXT_DAY, "proceed")),
     SCREENED_ON, False, None),
    ("proceed on the screener's day, hold on the infusion's", ((SCREENED_ON, "proceed"),
                                                               (INFUSION_DAY, "hold_treatment")), SCREENED_ON, True,
     "The suicide risk assessment on 11 Mar 2025 decided to hold treatment: no infusion."),
    ("screened and assessed on the infusion's day, proceed", ((INFUSION_DAY, "proceed"),), INFUSION_DAY, False, None),
    ("screened on the infusion's day, not assessed", (), INFUSION_DAY, True,
     "record a clinician's assessment made on 11 Mar 2025, the day of the screener and of the infusion."),
    ("screener date not recorded", ((SCREENED_ON, "proceed"),), None, True,
     "The screener's date is not recorded, so no assessment can be matched to it"),
]


@pytest.mark.parametrize(("assessments", "screened_on", "holds", "needed"), [case[1:] for case in ASSESSMENT_CASES],
                         ids=[case[0] for case in ASSESSMENT_CASES])
def test_high_risk_is_a_hard_stop_until_a_same_day_assessment_decides_to_proceed(assessments, screened_on, holds,
                                                                                needed):
    """clinical-reference §3 HS_SUICIDE_HIGH [D]: C-SSRS risk high, no outpatient infusion until a clinician's
    same-day suicide risk assessment is recorded (dated the day of the high screener or of the infusion screened
    for); the assessment turns it into CA_SUICIDE_RISK. Anything else keeps the hard stop (fail safe) and says which
    dates would do; the latest decision counts, and on one date the most serious outcome."""
    found = eligibility.screen(high_risk(*assessments, screened_on=screened_on))

    by_code = {item.code: item for item in found}
    assert ("HS_SUICIDE_HIGH" in by_code, "CA_SUICIDE_RISK" in by_code) == (holds, not holds)
    assert eligibility.blocks_scheduling(found) is holds
    if holds:
        assert needed in by_code["HS_SUICIDE_HIGH"].message


def test_the_hard_stop_is_urgent_and_says_what_to_do_now():
    """clinical-reference §3 HS_SUICIDE_HIGH and §7.2: high → immediate evaluation and precautions [L]; the message
    and data give the dates a same-day assessment may have."""
    result = finding(high_risk(), "HS_SUICIDE_HIGH")

    assert (result.kind, result.urgent) == ("hard_stop", True)
    assert result.message == (
        "C-SSRS screener at high risk on 9 Mar 2025: a clinician evaluates the patient now and suicide precautions "
        "start. No outpatient infusion until a clinician's suicide risk assessment, made the day of the screener or "
        "of the infusion, decides to proceed. No suicide risk assessment is recorded: record a clinician's assessment "
        "made on the screener's day (9 Mar 2025) or the infusion's (11 Mar 2025).")
    assert result.data == {"cssrs_risk": "high", "cssrs_screened_on": "2025-03-09",
                           "assessment_dates_accepted": ["2025-03-09", "2025-03-11"], "assessments": []}


@pytest.mark.parametrize(("assessments", "assessed_on", "shown"), [
    (((SCREENED_ON, "proceed"),), "2025-03-09", "9 Mar 2025"),
    (((INFUSION_DAY, "proceed"),), "2025-03-11", "11 Mar 2025"),
    (((SCREENED_ON, "proceed"), (INFUSION_DAY, "proceed")), "2025-03-11", "11 Mar 2025"),
], ids=["screener's day", "infusion's day", "both: the latest"])
def test_an_assessment_to_proceed_leaves_an_urgent_caution_naming_its_date(assessments, assessed_on, shown):
    """clinical-reference §3: the same-day assessment turns HS_SUICIDE_HIGH into CA_SUICIDE_RISK (caution + urgent
    alert), which names the assessment that decided."""
    result = finding(high_risk(*assessments), "CA_SUICIDE_RISK")

    assert (result.kind, result.urgent) == ("caution", True)
    assert result.message.startswith(f"C-SSRS screener risk high. A clinician's suicide risk assessment on "
                                     f"{shown} decided to proceed.")
    assert result.data == {"cssrs_risk": "high", "phq9_item9_positive": False, "assessed_on": assessed_on}


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


RISK_SETS = [frozenset(risks) for size in range(4) for risks in combinations(sorted(eligibility.CSSRS_RISKS), size)]


@pytest.mark.parametrize("risks", RISK_SETS, ids=["+".join(sorted(risks)) or "none" for risks in RISK_SETS])
def test_only_caution_risks_holding_moderate_and_high_are_accepted(risks):
    """clinical-reference §7.2 "Locked": the C-SSRS moderate and high alerts can never be switched off; a clinic may
    only add low. Of every set of risk levels, exactly those holding moderate and high are accepted."""
    if {"moderate", "high"} <= risks:
        assert EligibilityProtocol(cssrs_caution_risks=risks).cssrs_caution_risks == risks
    else:
        with pytest.raises(eligibility.EligibilityProtocolInvalid):
            EligibilityProtocol(cssrs_caution_risks=risks)


# Which stored screener screening reads (suicide.screener_to_screen): a later, lower answer never lifts
# the hard stop; only a same-day assessment deciding to proceed does (§3 HS_SUICIDE_HIGH).
HIGH_ANSWERS = [1, 1, 0, 1, 0, 0]  # Q4 yes: high (§7.2)
LOW_ANSWERS = [1, 0, None, None, None, 0]  # Q1 only: low


def screener(answers):
    return scales.score("cssrs_screener", answers)


def test_no_screener_gives_none():
    assert suicide.screener_to_screen([], assessments=(), infusion_date=FIRST_INFUSION) is None


@pytest.mark.parametrize(("assessments", "read"), [
    ((), "high"),  # the high screener is not assessed: it stays the one read
    ((SuicideRiskAssessment(FIRST_INFUSION, "hold_treatment"),), "high"),
    ((SuicideRiskAssessment(date(2025, 3, 9), "proceed"),), "high"),  # neither the screener's day nor today's
    ((SuicideRiskAssessment(FIRST_INFUSION, "proceed"),), "low"),  # same day, proceed: the latest is read
])
def test_a_later_low_screener_is_read_only_once_the_high_one_is_cleared(assessments, read):
    high_on, low_on = date(2025, 3, 8), FIRST_INFUSION
    screeners = [(low_on, screener(LOW_ANSWERS)), (high_on, screener(HIGH_ANSWERS))]

    day, score = suicide.screener_to_screen(screeners, assessments=assessments, infusion_date=FIRST_INFUSION)

    assert (score.risk, day) == (("high", high_on) if read == "high" else ("low", low_on))


def test_the_latest_is_read_when_no_screener_is_high():
    screeners = [(FIRST_INFUSION, screener(LOW_ANSWERS)), (date(2025, 2, 1), screener(LOW_ANSWERS))]

    assert suicide.screener_to_screen(screeners, assessments=(), infusion_date=FIRST_INFUSION)[0] == FIRST_INFUSION

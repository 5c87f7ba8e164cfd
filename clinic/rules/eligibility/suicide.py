"""Suicide risk at screening: HS_SUICIDE_HIGH and CA_SUICIDE_RISK (clinical-reference §3, §7.2).

A C-SSRS screener at high risk is a hard stop until assessed [D]: no outpatient infusion until a
clinician's same-day suicide risk assessment decides to proceed. Same-day means dated the day of the
high screener or the day of the infusion screened for; that assessment turns the hard stop into
CA_SUICIDE_RISK. The decision read is that of the latest date assessed on or after the screener's
date; when that date holds several assessments, the most serious outcome counts (as for several
results of one kind on one date, §3). Anything else keeps the hard stop and says which dates would
do: no assessment, only earlier ones, an outcome other than "proceed", a decision to proceed made on
neither of those days (an assessment days after the screener, with the infusion later still), or no
recorded screener date to compare with.

CA_SUICIDE_RISK also comes from a C-SSRS risk in the clinic's caution levels (moderate and high,
locked by §7.2; a clinic may add low) and from PHQ-9 item 9 > 0, read through the score's alerts.
"""

from collections.abc import Sequence
from datetime import date
from typing import Any

from clinic.rules.eligibility.criteria_settings import CriteriaSettings
from clinic.rules.eligibility.intake import Intake, SuicideRiskAssessment
from clinic.rules.eligibility.trigger import Trigger
from clinic.rules.scales import phq9
from clinic.rules.scales.base import Score
from clinic.rules.typed_values import day_text

HIGH = "high"
OUTCOME_WORDS = {"proceed": "to proceed", "hold_treatment": "to hold treatment",
                 "refer_emergency": "to refer for emergency care"}


def screener_to_screen(screeners: Sequence[tuple[date, Score]], *, assessments: Sequence[SuicideRiskAssessment],
                       infusion_date: date) -> tuple[date, Score] | None:
    """Which of a patient's C-SSRS screeners (each with its date, newest first) screening reads: the
    latest, unless the latest high-risk one has not been cleared by a same-day assessment deciding to
    proceed; then that one. A later, lower answer never lifts HS_SUICIDE_HIGH: only the clinician's
    assessment does (§3 HS_SUICIDE_HIGH, §7.2 high → immediate evaluation [L])."""
    if not screeners:
        return None
    high = next(((day, score) for day, score in screeners if score.risk == HIGH), None)
    if high is not None and _cleared_on(high[0], tuple(assessments), infusion_date) is None:
        return high
    return screeners[0]


def _high_risk(intake: Intake) -> bool:
    return intake.screens.cssrs_screener is not None and intake.screens.cssrs_screener.risk == HIGH


def _deciding(intake: Intake) -> list[SuicideRiskAssessment]:
    """The assessments of the latest date on or after the screener's (none when its date is unknown)."""
    return _deciding_after(intake.cssrs_screened_on, intake.suicide_risk_assessments)


def _deciding_after(screened_on: date | None,
                    assessments: Sequence[SuicideRiskAssessment]) -> list[SuicideRiskAssessment]:
    if screened_on is None:
        return []
    after = [assessment for assessment in assessments if assessment.assessed_on >= screened_on]
    latest = max((assessment.assessed_on for assessment in after), default=None)
    return [assessment for assessment in after if assessment.assessed_on == latest]


def _proceeds(assessments: list[SuicideRiskAssessment]) -> bool:
    """Some assessments, every one deciding to proceed (on one date the most serious outcome counts)."""
    return bool(assessments) and all(assessment.outcome == "proceed" for assessment in assessments)


def same_days(intake: Intake) -> list[date]:
    """The days a same-day assessment may be dated: the high screener's and the infusion's, latest first."""
    return _same_days(intake.cssrs_screened_on, intake.infusion_date)


def _same_days(screened_on: date | None, infusion_date: date) -> list[date]:
    return sorted({screened_on, infusion_date}, reverse=True) if screened_on is not None else []


def cleared_on(intake: Intake) -> date | None:
    """The date of the same-day assessment that decided to proceed after a high-risk screener, or None.

    The latest decision on or after the screener must be to proceed; the clearing assessment is then the latest
    of the screener's day and the infusion's day whose assessments all decided to proceed."""
    return _cleared_on(intake.cssrs_screened_on, intake.suicide_risk_assessments, intake.infusion_date)


def _cleared_on(screened_on: date | None, assessments: Sequence[SuicideRiskAssessment],
                infusion_date: date) -> date | None:
    if not _proceeds(_deciding_after(screened_on, assessments)):
        return None
    for day in _same_days(screened_on, infusion_date):
        if _proceeds([assessment for assessment in assessments if assessment.assessed_on == day]):
            return day
    return None


def _accepted_dates(intake: Intake) -> str:
    screened_on, infusion_on = day_text(intake.cssrs_screened_on), day_text(intake.infusion_date)
    if screened_on == infusion_on:
        return f"on {screened_on}, the day of the screener and of the infusion"
    return f"on the screener's day ({screened_on}) or the infusion's ({infusion_on})"


def _what_is_needed(intake: Intake) -> str:
    screened_on = intake.cssrs_screened_on
    if screened_on is None:
        return ("The screener's date is not recorded, so no assessment can be matched to it: record the date it was "
                "done, and the assessment.")
    deciding = _deciding(intake)
    dates = _accepted_dates(intake)
    if deciding and not _proceeds(deciding):
        outcome = next(assessment.outcome for assessment in deciding if assessment.outcome != "proceed")
        return (f"The suicide risk assessment on {day_text(deciding[0].assessed_on)} decided "
                f"{OUTCOME_WORDS[outcome]}: no infusion.")
    if deciding:
        return (f"The suicide risk assessment on {day_text(deciding[0].assessed_on)} decided to proceed, but it is "
                f"not a same-day assessment: record a clinician's suicide risk assessment made {dates}.")
    if intake.suicide_risk_assessments:
        return (f"The assessments recorded are before the screener ({day_text(screened_on)}): record a clinician's "
                f"suicide risk assessment made {dates}.")
    return f"No suicide risk assessment is recorded: record a clinician's assessment made {dates}."


def _assessments_data(intake: Intake) -> list[dict[str, Any]]:
    return [{"assessed_on": assessment.assessed_on.isoformat(), "outcome": assessment.outcome}
            for assessment in intake.suicide_risk_assessments]


def suicide_high(intake: Intake, protocol: CriteriaSettings) -> Trigger | None:
    """§3 HS_SUICIDE_HIGH [D]: C-SSRS risk high, until a clinician's same-day suicide risk assessment (the day of the
    screener or of the infusion) decides to proceed (§7.2: high → immediate evaluation and precautions [L];
    outpatient setting)."""
    if not _high_risk(intake) or cleared_on(intake) is not None:
        return None
    screened_on = intake.cssrs_screened_on
    when = "" if screened_on is None else f" on {day_text(screened_on)}"
    return Trigger(f"C-SSRS screener at high risk{when}: a clinician evaluates the patient now and suicide "
                   "precautions start. No outpatient infusion until a clinician's suicide risk assessment, made the "
                   f"day of the screener or of the infusion, decides to proceed. {_what_is_needed(intake)}",
                   {"cssrs_risk": HIGH, "cssrs_screened_on": None if screened_on is None else screened_on.isoformat(),
                    "assessment_dates_accepted": [day.isoformat() for day in sorted(same_days(intake))],
                    "assessments": _assessments_data(intake)})


def suicide_risk(intake: Intake, protocol: CriteriaSettings) -> Trigger | None:
    """§3 CA_SUICIDE_RISK (caution + urgent alert): C-SSRS risk moderate [45], high once a same-day assessment decided
    to proceed (HS_SUICIDE_HIGH), or PHQ-9 item 9 > 0 [29, 30]."""
    cssrs, phq = intake.screens.cssrs_screener, intake.screens.phq9
    risk = None if cssrs is None else cssrs.risk
    assessed_on = cleared_on(intake) if risk == HIGH else None
    # High risk not yet assessed is HS_SUICIDE_HIGH's; the assessment turns it into this caution.
    cssrs_hit = risk in protocol.cssrs_caution_risks and (risk != HIGH or assessed_on is not None)
    item9_hit = phq is not None and any(alert.item == phq9.SUICIDE_ITEM for alert in phq.alerts)
    if not (cssrs_hit or item9_hit):
        return None
    parts = ([f"C-SSRS screener risk {risk}."] if cssrs_hit else []) + (
        [f"A clinician's suicide risk assessment on {day_text(assessed_on)} decided to proceed."]
        if cssrs_hit and assessed_on is not None else []) + (["PHQ-9 item 9 is positive."] if item9_hit else [])
    parts.append("A clinician reviews the patient today; high risk needs immediate evaluation and precautions.")
    return Trigger(" ".join(parts), {"cssrs_risk": risk, "phq9_item9_positive": item9_hit,
                                     "assessed_on": None if assessed_on is None else assessed_on.isoformat()})

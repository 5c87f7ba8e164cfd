"""Discharge: no hypotension, sedation and dissociation back to baseline, no respiratory depression
(clinical-reference §5.5).

SpO₂ < 92 %, RR 8–24/min and HR < 50 are test values standing in for the medical director's
settings; the reference ships none. Sedation scores are on an unnamed clinic scale: the reference
leaves its scoring open [U].
"""

from datetime import datetime, timedelta

import pytest

from clinic.rules import discharge
from clinic.rules.discharge import Assessment, DischargeProtocol
from clinic.rules.vitals import Reading, VitalsProtocol

END = datetime(2026, 11, 24, 9, 40)
SET = VitalsProtocol(spo2_low_below_percent=92, rr_low_below_per_min=8, rr_high_above_per_min=24,
                     hr_low_below_bpm=50)


def assess(*, baseline_systolic=130, systolic=130, protocol=None, **charted):
    at = END + timedelta(minutes=60)
    baseline = Reading(END - timedelta(minutes=50), baseline_systolic, 60, 75, 97, 14)
    latest = Reading(at, systolic, 60, 75, 97, 14)
    values = dict(pre_infusion_sedation_score=2, sedation_score=2, pre_dose_cadss6=1, cadss6=1,
                  respiratory_depression=False, on_oxygen=False, alert_and_oriented=True, drinking=True,
                  nausea="none", walks_steadily=True, responsible_adult_name="Dana Reyes") | charted
    assessment = Assessment(assessed_at=at, infusion_end_at=END, baseline=baseline, latest=latest, **values)
    return discharge.readiness(assessment, protocol=protocol or DischargeProtocol(), vitals_protocol=SET)


def codes(result):
    return [item.code for item in result.unmet]


@pytest.mark.parametrize(("baseline_systolic", "systolic", "expected"), [
    # SBP ≥ 90 mmHg (baseline 100, so the drop stays inside 20).
    (100, 89, ["SYSTOLIC_LOW"]),
    (100, 90, []),
    # Not more than 20 below baseline: baseline − 20 passes, baseline − 21 fails.
    (130, 110, []),
    (130, 109, ["SYSTOLIC_BELOW_BASELINE"]),
    # Both at once.
    (120, 89, ["SYSTOLIC_LOW", "SYSTOLIC_BELOW_BASELINE"]),
])
def test_not_hypotensive(baseline_systolic, systolic, expected):
    """clinical-reference §5.5 [D]: not hypotensive, SBP ≥ 90 mmHg and not more than 20 mmHg below baseline (rescue
    drugs such as clonidine, hydralazine or metoprolol can overshoot)."""
    result = assess(baseline_systolic=baseline_systolic, systolic=systolic)

    assert (codes(result), result.ready) == (expected, not expected)


def test_hypotension_says_what_to_do():
    """clinical-reference §5.5 [D]: each hypotension finding names the figures and the next step."""
    result = assess(baseline_systolic=120, systolic=89)

    assert [item.message for item in result.unmet] == [
        "Systolic 89 mmHg is below 90. Lay the patient down, tell the prescriber and recheck in 15 min.",
        "Systolic 89 mmHg is more than 20 below the baseline 120 (lowest allowed 100). Tell the prescriber, check "
        "for a rescue drug's overshoot and recheck in 15 min."]


@pytest.mark.parametrize(("settings_", "baseline_systolic", "systolic", "expected"), [
    (dict(min_systolic_mmhg=100), 110, 99, ["SYSTOLIC_LOW"]),
    (dict(min_systolic_mmhg=100), 110, 100, []),
    (dict(max_systolic_below_baseline_mmhg=10), 130, 120, []),
    (dict(max_systolic_below_baseline_mmhg=10), 130, 119, ["SYSTOLIC_BELOW_BASELINE"]),
])
def test_the_hypotension_limits_are_clinic_settings(settings_, baseline_systolic, systolic, expected):
    """clinical-reference §5.5 [D]: 90 mmHg and 20 mmHg are defaults the medical director may change."""
    result = assess(baseline_systolic=baseline_systolic, systolic=systolic, protocol=DischargeProtocol(**settings_))

    assert codes(result) == expected


@pytest.mark.parametrize(("charted", "expected"), [
    # Sedation back to the pre-infusion score (2 here).
    (dict(sedation_score=3), ["SEDATION_NOT_AT_BASELINE"]),
    (dict(sedation_score=2), []),
    (dict(sedation_score=None), ["SEDATION_NOT_RECORDED"]),
    (dict(pre_infusion_sedation_score=None), ["SEDATION_BASELINE_NOT_RECORDED"]),
    (dict(pre_infusion_sedation_score=None, sedation_score=None), ["SEDATION_BASELINE_NOT_RECORDED"]),
    # CADSS-6 back to the pre-dose score (1 here); at or below it passes.
    (dict(cadss6=2), ["CADSS6_NOT_AT_BASELINE"]),
    (dict(cadss6=1), []),
    (dict(cadss6=0), []),
    (dict(cadss6=None), ["CADSS6_NOT_RECORDED"]),
    (dict(pre_dose_cadss6=None), ["CADSS6_BASELINE_NOT_RECORDED"]),
    # No respiratory depression: yes, no, not recorded.
    (dict(respiratory_depression=True), ["RESPIRATORY_DEPRESSION"]),
    (dict(respiratory_depression=False), []),
    (dict(respiratory_depression=None), ["RESPIRATORY_DEPRESSION_NOT_RECORDED"]),
])
def test_sedation_dissociation_and_breathing_resolved(charted, expected):
    """clinical-reference §5.5 [D]: sedation back to baseline (sedation scale), dissociation back to baseline (CADSS-6
    back to the pre-dose score) and no respiratory depression, as the esketamine REMS requires before
    leaving [11]; a score or observation not recorded fails safe."""
    result = assess(**charted)

    assert (codes(result), result.ready) == (expected, not expected)


@pytest.mark.parametrize(("deeper_when", "score", "expected"), [
    (None, 1, ["SEDATION_NOT_AT_BASELINE"]), (None, 2, []), (None, 3, ["SEDATION_NOT_AT_BASELINE"]),
    ("higher", 1, []), ("higher", 2, []), ("higher", 3, ["SEDATION_NOT_AT_BASELINE"]),
    ("lower", 1, ["SEDATION_NOT_AT_BASELINE"]), ("lower", 2, []), ("lower", 3, []),
])
def test_the_sedation_scales_direction_is_a_setting(deeper_when, score, expected):
    """clinical-reference §5.2: the sedation scale is a setting and its scoring is not covered [U]. Unset, only the
    pre-infusion score itself passes; set, a score on the awake side of it passes too."""
    result = assess(sedation_score=score, protocol=DischargeProtocol(sedation_deeper_when=deeper_when))

    assert codes(result) == expected


def test_not_back_to_baseline_names_both_scores():
    """clinical-reference §5.5 [D]: the nurse sees the latest and the baseline score, and what to do."""
    result = assess(sedation_score=3, cadss6=4, pre_infusion_sedation_score=None)
    unset = assess(respiratory_depression=None, cadss6=4)

    assert [item.message for item in result.unmet] == [
        "No pre-infusion sedation score is charted, so a return to it cannot be shown. Ask the prescriber to assess "
        "the patient before discharge.",
        "CADSS-6 4, pre-dose 1: not yet back to baseline. Keep observing and reassess in 15 min."]
    assert unset.unmet[1].message == "Record whether the patient shows respiratory depression (apnoea, laryngospasm)."


@pytest.mark.parametrize(("charted", "field"), [
    (dict(sedation_score=1.5), "sedation_score"),
    (dict(pre_infusion_sedation_score=True), "pre_infusion_sedation_score"),
    (dict(cadss6=25), "cadss6"), (dict(pre_dose_cadss6=-1), "pre_dose_cadss6"), (dict(cadss6="3"), "cadss6"),
])
def test_refuses_impossible_scores(charted, field):
    """clinical-reference §7.1: CADSS-6 totals 0–24; a sedation score is a whole number on the clinic's scale."""
    with pytest.raises(discharge.InvalidAssessment) as error:
        assess(**charted)

    assert error.value.field == field


@pytest.mark.parametrize("settings_", [dict(min_systolic_mmhg=0), dict(max_systolic_below_baseline_mmhg=0),
                                       dict(sedation_deeper_when="up")])
def test_refuses_impossible_settings(settings_):
    """clinical-reference §5.5 [D] settings: limits above 0, and a sedation direction of 'higher' or 'lower'
    when set."""
    with pytest.raises(discharge.InvalidProtocol) as error:
        DischargeProtocol(**settings_)

    assert error.value.field == next(iter(settings_))


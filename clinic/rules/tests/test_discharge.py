"""Discharge readiness and driving advice (clinical-reference §5.5).

SpO₂ < 92 %, RR 8–24/min and HR < 50 are test values standing in for the medical director's
settings; the reference ships none.
"""

import dataclasses
from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic.rules import discharge
from clinic.rules.discharge import Assessment, DischargeProtocol
from clinic.rules.vitals import Reading, VitalsProtocol

END = datetime(2026, 11, 24, 9, 40)
SET = VitalsProtocol(spo2_low_below_percent=92, rr_low_below_per_min=8, rr_high_above_per_min=24,
                     hr_low_below_bpm=50)
BASELINE = Reading(END - timedelta(minutes=50), 130, 80, 75, 97, 14)


def assess(minutes_after_end=60, systolic=130, diastolic=80, heart=75, spo2=97, rate=14, reading_age_min=0,
           **observed):
    at = END + timedelta(minutes=minutes_after_end)
    latest = Reading(at - timedelta(minutes=reading_age_min), systolic, diastolic, heart, spo2, rate)
    values = dict(pre_infusion_sedation_score=0, sedation_score=0, pre_dose_cadss6=0, cadss6=0,
                  respiratory_depression=False, on_oxygen=False, alert_and_oriented=True, drinking=True, nausea="none",
                  walks_steadily=True, responsible_adult_name="Dana Reyes") | observed
    return Assessment(assessed_at=at, infusion_end_at=END, baseline=BASELINE, latest=latest, **values)


def unmet(assessment, vitals_protocol=SET):
    return [item.code for item in discharge.readiness(assessment, vitals_protocol=vitals_protocol).unmet]


def test_ready_at_60_minutes_when_every_criterion_holds():
    """clinical-reference §5.5 [D]: ≥ 60 min after the end and every criterion met."""
    result = discharge.readiness(assess(), vitals_protocol=SET)

    assert (result.ready, result.unmet, result.observe_until_at) == (True, (), END + timedelta(minutes=60))


def test_not_ready_before_60_minutes():
    """clinical-reference §5.5 [D]: observation lasts at least 60 min after the infusion ends; at 59 min the patient
    stays, and the message says until when."""
    result = discharge.readiness(assess(59), vitals_protocol=SET)

    assert (result.ready, [item.code for item in result.unmet]) == (False, ["OBSERVATION_TIME"])
    assert "Observe until 10:40" in result.unmet[0].message


@pytest.mark.parametrize(("values", "expected"), [
    # SBP < baseline + 20, DBP < baseline + 10 (baseline 130/80).
    (dict(systolic=149), []), (dict(systolic=150), ["SYSTOLIC_ABOVE_BASELINE"]),
    (dict(diastolic=89), []), (dict(diastolic=90), ["DIASTOLIC_ABOVE_BASELINE"]),
    # HR within ±20 of baseline 75.
    (dict(heart=95), []), (dict(heart=96), ["HEART_RATE_FROM_BASELINE"]),
    (dict(heart=55), []), (dict(heart=54), ["HEART_RATE_FROM_BASELINE"]),
    # SpO₂ and RR within the settings, without oxygen.
    (dict(spo2=92), []), (dict(spo2=91), ["SPO2_LOW"]), (dict(spo2=None), ["SPO2_NOT_RECORDED"]),
    (dict(rate=8), []), (dict(rate=7), ["RR_OUT_OF_RANGE"]), (dict(rate=24), []), (dict(rate=25), ["RR_OUT_OF_RANGE"]),
    (dict(rate=None), ["RR_NOT_RECORDED"]),
    (dict(on_oxygen=True), ["ON_OXYGEN"]), (dict(on_oxygen=None), ["OXYGEN_NOT_RECORDED"]),
    # Alert and oriented, drinking, at most mild nausea, steady walking.
    (dict(alert_and_oriented=False), ["NOT_ALERT_ORIENTED"]),
    (dict(alert_and_oriented=None), ["NOT_ALERT_ORIENTED_NOT_RECORDED"]),
    (dict(drinking=False), ["NOT_DRINKING"]), (dict(drinking=None), ["NOT_DRINKING_NOT_RECORDED"]),
    (dict(nausea="mild"), []), (dict(nausea="moderate"), ["NAUSEA"]), (dict(nausea=None), ["NAUSEA_NOT_RECORDED"]),
    (dict(walks_steadily=False), ["NOT_WALKING_STEADILY"]),
    (dict(walks_steadily=None), ["NOT_WALKING_STEADILY_NOT_RECORDED"]),
    # A named responsible adult.
    (dict(responsible_adult_name=None), ["NO_RESPONSIBLE_ADULT"]), (dict(responsible_adult_name="  "),
                                                                   ["NO_RESPONSIBLE_ADULT"]),
    # Vitals taken after the end, and fresh (product choice: within the 15-min reading interval).
    (dict(reading_age_min=15), []), (dict(reading_age_min=16), ["VITALS_STALE"]),
])
def test_each_criterion_on_both_sides(values, expected):
    """clinical-reference §5.5 [D] criteria (procedural-sedation model [16]), each on both sides of its limit."""
    assert unmet(assess(**values)) == expected


def test_bp_must_also_be_under_the_hold_level():
    """clinical-reference §5.5: BP under PRE_BP_HOLD (160/100) even when within the margins of a high baseline."""
    high = dataclasses.replace(BASELINE, systolic_mmhg=150, diastolic_mmhg=95)

    at_hold = dataclasses.replace(assess(systolic=160, diastolic=99), baseline=high)
    under = dataclasses.replace(assess(systolic=159, diastolic=99), baseline=high)

    assert (unmet(at_hold), unmet(under)) == (["BP_AT_HOLD_LEVEL"], [])


def test_unset_spo2_and_rr_limits_cannot_be_confirmed():
    """clinical-reference §5.3: SpO₂ and RR limits have no shipped value; discharge cannot confirm them and says why."""
    result = discharge.readiness(assess())

    assert result.ready is False
    assert [item.code for item in result.unmet] == ["SPO2_LIMIT_NOT_SET", "RR_LIMITS_NOT_SET"]
    assert "medical director has not set" in result.unmet[0].message


def test_vitals_from_before_the_end_do_not_count():
    """clinical-reference §5.5 [D] and §5.2: discharge rests on the vitals charted after the infusion (every 15 min
    until discharge); a reading from before the end cannot show recovery."""
    before_end = dataclasses.replace(BASELINE, taken_at=END - timedelta(minutes=1))
    assessment = dataclasses.replace(assess(), latest=before_end)

    assert unmet(assessment) == ["VITALS_NOT_AFTER_INFUSION"]


def test_returns_every_unmet_criterion_at_once():
    """clinical-reference §5.5 [D]: all criteria must hold, so every one not met is listed at once, in the order of
    §5.5, not only the first; a hypotensive reading fails both hypotension limits."""
    assessment = assess(30, systolic=155, diastolic=92, heart=100, spo2=90, rate=30, on_oxygen=True,
                        sedation_score=2, cadss6=3, respiratory_depression=True, alert_and_oriented=False,
                        drinking=False, nausea="severe", walks_steadily=False, responsible_adult_name=None)
    hypotensive = assess(systolic=85, diastolic=50)

    assert unmet(assessment) == ["OBSERVATION_TIME", "SYSTOLIC_ABOVE_BASELINE", "DIASTOLIC_ABOVE_BASELINE",
                                 "HEART_RATE_FROM_BASELINE", "SPO2_LOW", "RR_OUT_OF_RANGE", "ON_OXYGEN",
                                 "SEDATION_NOT_AT_BASELINE", "CADSS6_NOT_AT_BASELINE", "RESPIRATORY_DEPRESSION",
                                 "NOT_ALERT_ORIENTED", "NOT_DRINKING", "NAUSEA", "NOT_WALKING_STEADILY",
                                 "NO_RESPONSIBLE_ADULT"]
    assert unmet(hypotensive) == ["SYSTOLIC_LOW", "SYSTOLIC_BELOW_BASELINE"]


@pytest.mark.parametrize(("assessment", "field"), [
    (dataclasses.replace(assess(), latest=Reading(END + timedelta(minutes=61), 130, 80, 75, 97, 14)), "latest"),
    (dataclasses.replace(assess(), assessed_at=END - timedelta(minutes=1)), "assessed_at"),
    (assess(nausea="a little"), "nausea"),
    (assess(systolic=70, diastolic=80), "diastolic_mmhg"),
])
def test_refuses_an_impossible_assessment(assessment, field):
    """clinical-reference §5.5 and §5.2: an assessment with vitals taken after it, an assessment before the infusion
    ends, a nausea level outside none/mild/moderate/severe or a diastolic above the systolic is refused naming the
    field, never read as ready."""
    with pytest.raises(discharge.DomainError) as error:
        discharge.readiness(assessment, vitals_protocol=SET)

    assert error.value.field == field


@given(minutes=st.integers(0, 240), systolic=st.integers(82, 210), heart=st.integers(40, 140),
       nausea=st.sampled_from(discharge.NAUSEA_LEVELS))
def test_ready_exactly_when_nothing_is_unmet_and_never_before_60_minutes(minutes, systolic, heart, nausea):
    """clinical-reference §5.5 [D], property: ready exactly when no criterion is unmet, and never before the
    60-minute observation, whatever the BP, heart rate and nausea."""
    result = discharge.readiness(assess(minutes, systolic=systolic, heart=heart, nausea=nausea),
                                 vitals_protocol=SET)

    assert result.ready == (result.unmet == ())
    assert not result.ready or minutes >= 60


def test_driving_advice_is_the_stricter_of_both_rules():
    """clinical-reference §5.5 [D]: the esketamine rule (not until the next day after restful sleep [11]) and the
    clinic-sheet rule (24 h: no driving, machinery, major decisions, alcohol or cannabis [14])."""
    advice = discharge.driving_advice(infusion_end_at=END)

    assert advice.no_driving_until_at == datetime(2026, 11, 25, 9, 40)
    assert "until 09:40 on Wed 25 Nov 2026" in advice.text
    assert "restful night's sleep, whichever comes later" in advice.text
    assert "machinery" in advice.text and "alcohol" in advice.text and "cannabis" in advice.text
    assert any("[11]" in source for source in advice.sources) and any("[14]" in source for source in advice.sources)


@pytest.mark.parametrize(("settings_", "field"), [(dict(min_observation_min=0), "min_observation_min"),
                                                (dict(max_nausea="some"), "max_nausea"),
                                                (dict(heart_rate_within_bpm=-1), "heart_rate_within_bpm")])
def test_refuses_an_impossible_protocol(settings_, field):
    """clinical-reference §5.5 [D]: an observation time of 0, a nausea level that is not one of
    none/mild/moderate/severe or a negative heart-rate margin is refused naming the setting (the
    hypotension and sedation settings are refused in test_discharge_recovery)."""
    with pytest.raises(discharge.InvalidProtocol) as error:
        DischargeProtocol(**settings_)

    assert error.value.field == field


def test_a_clinic_may_require_the_esketamine_two_hours():
    """clinical-reference §5.5: esketamine requires ≥ 2 h [11]; a clinic may set 120 min."""
    result = discharge.readiness(assess(90), protocol=DischargeProtocol(min_observation_min=120), vitals_protocol=SET)

    assert [item.code for item in result.unmet] == ["OBSERVATION_TIME"]


SHIPPED = {
    "min_observation_min": (60, "D"), "systolic_below_baseline_plus_mmhg": (20, "D"),
    "diastolic_below_baseline_plus_mmhg": (10, "D"), "min_systolic_mmhg": (90, "D"),
    "max_systolic_below_baseline_mmhg": (20, "D"), "sedation_deeper_when": (None, "U"),
    "heart_rate_within_bpm": (20, "D"), "max_nausea": ("mild", "D"), "vitals_fresh_within_min": (15, "U"),
    "no_driving_hours": (24, "D"),
}


def test_every_setting_ships_the_reference_default_with_its_tag():
    """clinical-reference §5.5 [D]: 60 min, SBP < baseline + 20, DBP < baseline + 10, SBP ≥ 90 and not
    more than 20 below baseline, HR ± 20, at most mild nausea, 24 h no driving; the sedation scale's
    direction (§5.2) and the freshness of the vitals are not in the reference, so they are [U]."""
    shipped = {spec.name: (spec.default, spec.metadata["tag"]) for spec in dataclasses.fields(DischargeProtocol)}

    assert shipped == SHIPPED

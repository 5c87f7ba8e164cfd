"""Vitals alerts and due timepoints (clinical-reference §5.2–§5.3).

The medical director's SpO₂/RR/HR-low limits used here (SpO₂ < 92 %, RR < 8 or > 24/min, HR < 50)
are test values standing in for a clinic's settings: the reference ships none.
"""

import dataclasses
from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic.rules import vitals
from clinic.rules.errors import DomainError
from clinic.rules.vitals import INFUSION, POST, PRE, Pause, Reading, VitalsProtocol

START = datetime(2026, 11, 24, 9, 0)
SET = VitalsProtocol(spo2_low_below_percent=92, rr_low_below_per_min=8, rr_high_above_per_min=24,
                     hr_low_below_bpm=50)
BASELINE = Reading(START - timedelta(minutes=10), 130, 80, 75, 97, 14)


def reading(minute=10, systolic=130, diastolic=80, heart=75, spo2=97, rate=14, **more):
    return Reading(START + timedelta(minutes=minute), systolic, diastolic, heart, spo2, rate, **more)


def codes(alerts):
    return [alert.code for alert in alerts]


def during(**values):
    return codes(vitals.alerts_for_reading(reading(**values), phase=INFUSION, protocol=SET, baseline=BASELINE))


def test_unset_thresholds_block_every_alert_check():
    """clinical-reference §5.3: SPO2_LOW, RR_LOW/HIGH and HR_LOW have no shipped value; infusions are blocked until the
    medical director sets one."""
    with pytest.raises(vitals.ThresholdNotSet) as error:
        vitals.alerts_for_reading(reading(), phase=PRE)

    assert error.value.code == "THRESHOLD_NOT_SET"
    assert error.value.missing == ("spo2_low_below_percent", "rr_low_below_per_min", "rr_high_above_per_min",
                                   "hr_low_below_bpm")
    assert "SPO2_LOW (spo2_low_below_percent)" in error.value.message
    assert error.value.field == "spo2_low_below_percent"


def test_names_only_the_thresholds_still_unset():
    """clinical-reference §5.3: SPO2_LOW, RR_LOW/HIGH and HR_LOW have no shipped value; with SpO₂ and HR-low set,
    the refusal names only the two RR limits still unset."""
    partly = VitalsProtocol(spo2_low_below_percent=92, hr_low_below_bpm=50)

    with pytest.raises(vitals.ThresholdNotSet) as error:
        vitals.alerts_for_series([BASELINE], start_at=START, protocol=partly)

    assert error.value.missing == ("rr_low_below_per_min", "rr_high_above_per_min")


def test_unset_thresholds_are_marked_required_in_the_protocol_data():
    """clinical-reference §5.3: the four limits with no shipped value are exactly the settings a settings page marks
    required, and once all four are set nothing blocks."""
    required = {spec.name for spec in dataclasses.fields(VitalsProtocol) if spec.metadata.get("required")}

    assert required == set(vitals.unset_thresholds(VitalsProtocol()))
    vitals.require_thresholds_set(SET)


@pytest.mark.parametrize(("systolic", "diastolic", "recheck", "expected"), [
    (140, 90, False, ([], ())),
    (141, 90, False, (["PRE_BP_CAUTION"], ("RECHECK", "PRESCRIBER_ACKNOWLEDGES"))),
    (140, 91, False, (["PRE_BP_CAUTION"], ("RECHECK", "PRESCRIBER_ACKNOWLEDGES"))),
    (159, 99, False, (["PRE_BP_CAUTION"], ("RECHECK", "PRESCRIBER_ACKNOWLEDGES"))),
    (160, 95, False, (["PRE_BP_HOLD"], ("HOLD", "RECHECK"))),
    (150, 100, False, (["PRE_BP_HOLD"], ("HOLD", "RECHECK"))),
    (195, 115, False, (["PRE_BP_HOLD"], ("HOLD", "RECHECK"))),
    (159, 99, True, (["PRE_BP_CAUTION"], ("RECHECK", "PRESCRIBER_ACKNOWLEDGES"))),
    (160, 95, True, (["PRE_BP_HOLD"], ("HOLD", "PRESCRIBER_DECIDES"))),
    (150, 100, True, (["PRE_BP_HOLD"], ("HOLD", "PRESCRIBER_DECIDES"))),
    (140, 90, True, ([], ())),
])
def test_pre_infusion_blood_pressure(systolic, diastolic, recheck, expected):
    """clinical-reference §5.3: PRE_BP_CAUTION at SBP > 140 or DBP > 90 [11]; PRE_BP_HOLD at SBP ≥ 160 or DBP ≥ 100 on
    any pre-infusion reading, asking for a recheck; on the recheck it refuses the start and the
    prescriber decides on rescheduling."""
    alerts = vitals.alerts_for_reading(reading(-5, systolic, diastolic), phase=PRE, protocol=SET, is_recheck=recheck)

    assert (codes(alerts), alerts[0].actions if alerts else ()) == expected


def test_pre_alerts_say_what_to_do():
    """clinical-reference §5.3: the caution asks for a recheck and the prescriber's acknowledgement; the hold asks for a
    recheck after rest, says an acknowledgement does not lift it, and on recheck refuses the start."""
    caution, = vitals.alerts_for_reading(reading(-5, 150, 85), phase=PRE, protocol=SET)
    hold, = vitals.alerts_for_reading(reading(-5, 165, 85), phase=PRE, protocol=SET)
    refused, = vitals.alerts_for_reading(reading(-5, 165, 85), phase=PRE, protocol=SET, is_recheck=True)

    assert "Recheck after 5 min rest" in caution.message
    assert hold.message == ("BP 165/85 mmHg before the infusion, at or above 160/100. Recheck after 5 min rest, at "
                            "09:00 or later. Do not start the infusion: it may start only once a recheck after rest "
                            "is below the hold limit. An acknowledgement does not lift this hold.")
    assert refused.message == ("BP 165/85 mmHg on recheck, still at or above 160/100. Do not start the infusion. The "
                               "prescriber decides on rescheduling.")


@pytest.mark.parametrize(("systolic", "diastolic", "expected"), [
    (169, 80, []), (170, 80, ["BP_RISE"]), (130, 104, []), (130, 105, ["BP_RISE"])])
def test_bp_rise_over_baseline(systolic, diastolic, expected):
    """clinical-reference §5.3 BP_RISE: + 40 mmHg systolic or + 25 diastolic over baseline [11] → notify prescriber."""
    assert during(systolic=systolic, diastolic=diastolic) == expected


def test_bp_rise_says_the_label_gives_an_incidence_and_the_threshold_is_a_product_choice():
    """clinical-reference §5.3 BP_RISE: the label reports the rise as an incidence figure [11]; using it as an action
    threshold is a product choice. The alert, its rule and both settings say so."""
    alert, = vitals.alerts_for_reading(reading(systolic=170), phase=INFUSION, protocol=SET, baseline=BASELINE)
    specs = {spec.name: spec for spec in dataclasses.fields(VitalsProtocol)}

    sources = [alert.source, vitals.RULES["BP_RISE"].source,
               specs["bp_rise_systolic_at_or_above_mmhg"].metadata["source"],
               specs["bp_rise_diastolic_at_or_above_mmhg"].metadata["source"]]
    for source in sources:
        assert "incidence figure [11]" in source
        assert "using it as an action threshold is a product choice" in source


@pytest.mark.parametrize(("systolic", "diastolic", "expected"), [
    (179, 109, ["BP_RISE"]),
    (180, 104, ["BP_RISE", "BP_PAUSE_PENDING"]),
    (150, 110, ["BP_RISE", "BP_PAUSE_PENDING"]),
    (199, 104, ["BP_RISE", "BP_PAUSE_PENDING"]),
    (200, 104, ["BP_STOP", "BP_RISE"]),
    (150, 119, ["BP_RISE", "BP_PAUSE_PENDING"]),
    (150, 120, ["BP_STOP", "BP_RISE"]),
])
def test_pause_and_stop_levels_on_one_reading(systolic, diastolic, expected):
    """clinical-reference §5.3 [42]: BP_PAUSE at SBP ≥ 180 or DBP ≥ 110 once confirmed 5 min later (one reading asks
    for the recheck); BP_STOP at SBP ≥ 200 or DBP ≥ 120 on any reading."""
    assert during(systolic=systolic, diastolic=diastolic) == expected


def test_bp_stop_asks_to_stop_and_call_now():
    """clinical-reference §5.3 BP_STOP: SBP ≥ 200 or DBP ≥ 120 on any reading → stop the infusion, prescriber now,
    keep monitoring; the source [42] is marked anecdotal."""
    stop, = vitals.alerts_for_reading(reading(20, 205, 100), phase=INFUSION, protocol=SET,
                                      baseline=reading(-10, 170, 90))

    assert stop.actions == ("STOP", "CALL_PRESCRIBER_NOW", "KEEP_MONITORING")
    assert stop.source.endswith("[42] (anecdotal)")


def test_bp_stop_before_the_start_means_do_not_start():
    """clinical-reference §5.3: a pre-infusion 210/100 is at the PRE_BP_HOLD and the BP_STOP levels; before the
    start "stop" means do not start, call the prescriber now and keep monitoring."""
    alerts = vitals.alerts_for_reading(reading(-5, 210, 100), phase=PRE, protocol=SET)

    assert codes(alerts) == ["PRE_BP_HOLD", "BP_STOP"]
    assert alerts[1].actions == ("HOLD", "CALL_PRESCRIBER_NOW", "KEEP_MONITORING")
    assert "Do not start the infusion" in alerts[1].message


@pytest.mark.parametrize(("heart", "expected"), [(120, []), (121, ["HR_HIGH_PENDING"]), (50, []), (49, ["HR_LOW"])])
def test_heart_rate_limits(heart, expected):
    """clinical-reference §5.3: HR_HIGH above 120 bpm for ≥ 5 min [42]; HR_LOW at the clinic's setting."""
    assert during(heart=heart) == expected


@pytest.mark.parametrize(("spo2", "rate", "expected"), [
    (92, 14, []), (91, 14, ["SPO2_LOW"]), (97, 8, []), (97, 7, ["RR_LOW"]), (97, 24, []), (97, 25, ["RR_HIGH"]),
    (None, None, ["VITALS_INCOMPLETE"])])
def test_spo2_and_respiratory_rate_limits(spo2, rate, expected):
    """clinical-reference §5.3: SPO2_LOW, RR_LOW, RR_HIGH at the medical director's settings → pause, notify
    prescriber."""
    assert during(spo2=spo2, rate=rate) == expected


@pytest.mark.parametrize(("phase", "actions", "starts"), [
    (PRE, ("HOLD", "NOTIFY_PRESCRIBER"), "Do not start"),
    (INFUSION, ("PAUSE", "NOTIFY_PRESCRIBER"), "Pause the pump"),
    (POST, ("NOTIFY_PRESCRIBER",), "The infusion has ended"),
])
def test_a_pause_alert_reads_right_in_each_phase(phase, actions, starts):
    """clinical-reference §5.3 SPO2_LOW → pause, notify prescriber: before the start "pause" is "do not start"
    (hold); after the end there is no pump to pause, so only the prescriber is notified."""
    alert, = vitals.alerts_for_reading(reading(spo2=88), phase=phase, protocol=SET, baseline=BASELINE)

    assert alert.actions == actions
    assert alert.message.split(". ", 1)[1].startswith(starts)


@pytest.mark.parametrize(("symptoms", "expected"), [
    (frozenset({"CHEST_PAIN"}), ["SYMPTOM_STOP"]), (frozenset({"CONFUSION", "NAUSEA_VOMIT"}), ["SYMPTOM_STOP"]),
    (frozenset({"NAUSEA_VOMIT", "DIZZY"}), [])])
def test_symptom_stop(symptoms, expected):
    """clinical-reference §5.3 SYMPTOM_STOP: chest pain, severe headache, new neurological or visual change,
    breathlessness, confusion → stop, prescriber now, emergency protocol [43]."""
    assert during(symptoms=symptoms) == expected


def test_symptom_stop_names_the_symptom_and_the_emergency_protocol():
    """clinical-reference §5.3 SYMPTOM_STOP: a severe headache → stop, prescriber now, emergency protocol [43]; the
    message names the symptom reported."""
    alert, = vitals.alerts_for_reading(reading(symptoms=frozenset({"SEVERE_HEADACHE"})), phase=INFUSION,
                                       protocol=SET, baseline=BASELINE)

    assert alert.actions == ("STOP", "CALL_PRESCRIBER_NOW", "EMERGENCY_PROTOCOL")
    assert alert.message.startswith("Reported: severe headache.")


def test_sedation_and_marked_dissociation_notify_the_prescriber():
    """clinical-reference §5.2 sedation score and the CADSS marked-dissociation flag (§7.2, [11]) as inputs."""
    alerts = vitals.alerts_for_reading(reading(sedation_concern=True, marked_dissociation=True), phase=INFUSION,
                                       protocol=SET, baseline=BASELINE)

    notify = ("NOTIFY_PRESCRIBER", "KEEP_MONITORING")
    assert [(alert.code, alert.actions) for alert in alerts] == [("SEDATION", notify), ("DISSOCIATION", notify)]


@pytest.mark.parametrize(("values", "field"), [
    (dict(systolic=-1), "systolic_mmhg"), (dict(heart=True), "heart_rate_bpm"), (dict(spo2=101), "spo2_percent"),
    (dict(systolic=80, diastolic=80), "diastolic_mmhg"), (dict(rate=12.5), "respiratory_rate_per_min"),
    (dict(symptoms=frozenset({"HEADACHE"})), "symptoms")])
def test_refuses_impossible_readings(values, field):
    """clinical-reference §1 (units: mmHg, bpm, breaths/min, %) and §5.3: a negative BP, a yes/no for a heart rate,
    SpO₂ above 100 %, a diastolic not below the systolic, a fractional respiratory rate or a symptom outside the
    SYMPTOM_STOP list is refused naming the field."""
    with pytest.raises(DomainError) as error:
        vitals.alerts_for_reading(reading(**values), phase=INFUSION, protocol=SET, baseline=BASELINE)

    assert error.value.field == field


def test_refuses_an_unknown_phase_and_a_missing_baseline():
    """clinical-reference §5.2–§5.3: a reading is pre-infusion, infusion or post-infusion; BP_RISE is measured over
    baseline, so an infusion reading without a baseline is refused, never read as no rise."""
    with pytest.raises(vitals.UnknownPhase):
        vitals.alerts_for_reading(reading(), phase="during", protocol=SET)
    with pytest.raises(vitals.BaselineMissing):
        vitals.alerts_for_reading(reading(), phase=INFUSION, protocol=SET)


def series(*readings, end_minute=None, **kwargs):
    end_at = START + timedelta(minutes=end_minute) if end_minute is not None else None
    return vitals.alerts_for_series(list(readings), start_at=START, end_at=end_at, protocol=SET, **kwargs)


def actions_of(alerts):
    return [(alert.code, alert.actions) for alert in alerts]


ASK_RECHECK = ("PRE_BP_HOLD", ("HOLD", "RECHECK"))
REFUSE = ("PRE_BP_HOLD", ("HOLD", "PRESCRIBER_DECIDES"))
CAUTION = ("PRE_BP_CAUTION", ("RECHECK", "PRESCRIBER_ACKNOWLEDGES"))


@pytest.mark.parametrize(("first", "second", "expected"), [
    ((-12, 165, 85), (-7, 165, 85), [ASK_RECHECK, REFUSE]),
    ((-12, 165, 85), (-8, 165, 85), [ASK_RECHECK, ASK_RECHECK]),
    ((-12, 165, 85), (-7, 150, 85), [ASK_RECHECK, CAUTION]),
    ((-12, 150, 85), (-7, 165, 85), [CAUTION, ASK_RECHECK]),
])
def test_series_recheck_after_5_minutes_refuses_and_sooner_asks_again(first, second, expected):
    """clinical-reference §5.3 PRE_BP_HOLD: at the hold limit on any pre-infusion reading; a recheck at least 5 min
    later still at or above it refuses the start; one sooner is not the recheck; a caution reading
    followed by one at the hold limit asks for that reading's own recheck."""
    assert actions_of(series(reading(*first), reading(*second))) == expected


def test_series_confirms_bp_pause_5_minutes_later():
    """clinical-reference §5.3 BP_PAUSE: SBP ≥ 180 confirmed 5 min later → pause pump, notify, recheck every 5 min."""
    alerts = series(BASELINE, reading(20, 182, 100), reading(24, 181, 100), reading(25, 185, 100),
                    reading(30, 183, 100))

    assert codes(alerts) == ["BP_RISE", "BP_PAUSE_PENDING", "BP_RISE", "BP_PAUSE_PENDING", "BP_RISE", "BP_PAUSE",
                             "BP_RISE"]
    pause = alerts[5]
    assert pause.actions == ("PAUSE", "NOTIFY_PRESCRIBER", "RECHECK")
    assert "after 5 min" in pause.message


def test_a_reading_below_the_limit_restarts_the_confirmation():
    """clinical-reference §5.3 BP_PAUSE: SBP ≥ 180 must be confirmed 5 min later; a reading below 180 in between
    (160) means the 182 at 26 min starts a new confirmation, so no pause yet."""
    alerts = series(BASELINE, reading(20, 182, 100), reading(23, 160, 100), reading(26, 182, 100))

    assert "BP_PAUSE" not in codes(alerts)


def test_series_confirms_hr_high_after_5_minutes():
    """clinical-reference §5.3 HR_HIGH: > 120 bpm for ≥ 5 min → pause, notify prescriber."""
    alerts = series(BASELINE, reading(20, heart=125), reading(25, heart=130))

    assert codes(alerts) == ["HR_HIGH_PENDING", "HR_HIGH"]
    assert alerts[1].actions == ("PAUSE", "NOTIFY_PRESCRIBER")


def test_resume_needs_two_readings_5_minutes_apart_below_the_pause_limits():
    """clinical-reference §5.3 RESUME: below pause limits on 2 readings 5 min apart, and the prescriber approves;
    same rate, pause time added to the infusion time."""
    paused = [BASELINE, reading(20, 182, 100), reading(25, 185, 100)]

    too_soon = series(*paused, reading(30, 150, 90), reading(34, 150, 90))
    on_time = series(*paused, reading(30, 150, 90), reading(35, 150, 90))

    assert "RESUME" not in codes(too_soon)
    resume = on_time[-1]
    assert (resume.code, resume.actions) == ("RESUME", ("PRESCRIBER_APPROVES", "RESUME"))
    assert "09:30 and 09:35" in resume.message and "pause time is added" in resume.message


def test_a_low_spo2_pauses_and_recovers_to_resume():
    """clinical-reference §5.3 SPO2_LOW → pause, then RESUME once 2 readings 5 min apart are below the pause
    limits."""
    alerts = series(BASELINE, reading(20, spo2=89), reading(25), reading(30))

    assert codes(alerts) == ["SPO2_LOW", "RESUME"]


def test_no_resume_without_a_pause():
    """clinical-reference §5.3 RESUME follows a pause only: normal readings raise no alert at all."""
    assert series(BASELINE, reading(20), reading(25), reading(30)) == ()


def test_nothing_resumes_after_a_stop():
    """clinical-reference §5.3: BP_STOP stops the infusion; RESUME is only for a pause, so later normal readings
    never resume it."""
    alerts = series(BASELINE, reading(20, 182, 100), reading(25, 185, 100), reading(28, 205, 100),
                    reading(33, 150, 90), reading(38, 150, 90))

    assert codes(alerts)[-2:] == ["BP_STOP", "BP_RISE"]
    assert "RESUME" not in codes(alerts)


def test_after_the_end_a_confirmed_high_bp_notifies_without_a_pump_to_pause():
    """clinical-reference §5.3 BP_PAUSE and §5.2 (vitals every 15 min until discharge): a confirmed 182/100 after
    the end cannot pause a pump; the prescriber is notified and the BP rechecked every 5 min."""
    alerts = series(BASELINE, reading(45, 182, 100), reading(50, 182, 100), end_minute=40)

    assert codes(alerts) == ["BP_RISE", "BP_PAUSE_PENDING", "BP_RISE", "BP_PAUSE"]
    assert alerts[-1].actions == ("NOTIFY_PRESCRIBER", "RECHECK")
    assert alerts[-1].message.endswith("The infusion has ended: notify the prescriber and recheck every 5 min.")


def test_series_takes_the_last_pre_infusion_reading_as_baseline_unless_given():
    """clinical-reference §5.3 BP_RISE (+40 mmHg over baseline): the baseline is the last pre-infusion reading (140,
    so 170 is +30, no alert) unless one is given (120, so 170 is +50, BP_RISE)."""
    readings = [reading(-14, 120, 80), reading(-6, 140, 80), reading(20, 170, 80)]

    assert codes(series(*readings)) == []
    assert codes(series(*readings, baseline=reading(-14, 120, 80))) == ["BP_RISE"]


def test_series_sorts_the_readings_by_time():
    """clinical-reference §5.3 BP_PAUSE ("confirmed 5 min later"): readings are taken in time order, whatever order
    they are listed in, so 182 at 20 min and 185 at 25 min confirm the pause."""
    assert codes(series(reading(25, 185, 100), reading(20, 182, 100), BASELINE))[-1] == "BP_PAUSE"


def test_series_without_a_pre_infusion_reading_refuses():
    """clinical-reference §5.2 (BP before the start) and §5.3 BP_RISE: without a pre-infusion reading there is no
    baseline, and the series is refused rather than read as no rise."""
    with pytest.raises(vitals.BaselineMissing):
        series(reading(10))


@pytest.mark.parametrize(("minutes", "approved", "allowed", "reasons"), [
    ((30, 35), True, True, 0),
    ((30, 34), True, False, 1),
    ((30, 35), False, False, 1),
    ((), True, False, 1),
])
def test_resume_needs_settled_vitals_and_the_prescribers_approval(minutes, approved, allowed, reasons):
    """clinical-reference §5.3 RESUME: below pause limits on 2 readings 5 min apart, and the prescriber approves."""
    readings = [reading(25, 185, 100)] + [reading(minute, 150, 90) for minute in minutes]

    decision = vitals.resume_decision(readings, prescriber_approved=approved, protocol=SET)

    assert (decision.allowed, len(decision.reasons)) == (allowed, reasons)


def test_resume_refused_when_the_last_reading_is_high_again():
    """clinical-reference §5.3 RESUME: below the pause limits on 2 readings 5 min apart; a later 181 mmHg systolic
    is back at BP_PAUSE, so resuming is refused."""
    readings = [reading(30, 150, 90), reading(35, 150, 90), reading(36, 181, 90)]

    assert not vitals.resume_decision(readings, prescriber_approved=True, protocol=SET).allowed


def test_no_resume_after_a_stop():
    """clinical-reference §5.3: after BP_STOP the infusion is stopped, not paused; it never resumes, and the refusal
    says why."""
    readings = [reading(25, 205, 100), reading(30, 150, 90), reading(35, 150, 90)]

    decision = vitals.resume_decision(readings, prescriber_approved=True, protocol=SET)

    assert decision.reasons == ("The infusion was stopped (stop-level BP or a stop symptom): it does not resume.",)


def minutes_of(timepoints):
    return [(point.code, int((point.due_at - START).total_seconds() // 60)) for point in timepoints]


def test_due_timepoints_for_a_40_minute_infusion():
    """clinical-reference §5.2: ≤ 15 min before start; 10, 20, 30, 40 min (CADSS-6 at ~40); end; every 15 min
    until discharge."""
    points = vitals.due_timepoints(start_at=START, end_at=START + timedelta(minutes=40))

    assert minutes_of(points) == [("PRE", 0), ("INFUSION_10", 10), ("INFUSION_20", 20), ("INFUSION_30", 30),
                                  ("INFUSION_40", 40), ("END", 40), ("POST_15", 55), ("POST_30", 70),
                                  ("POST_45", 85), ("POST_60", 100)]
    assert points[0].earliest_at == START - timedelta(minutes=15)
    assert "CADSS-6" in points[4].records and "CADSS-6" not in points[3].records
    assert "escort" in points[0].records and "mL infused" in points[5].records


def test_pauses_do_not_count_as_infusion_time():
    """clinical-reference §5.3 RESUME: the pause time is added to the infusion time; a 10-min pause at 15 min moves
    the 20-, 30- and 40-min readings 10 min later."""
    pause = Pause(START + timedelta(minutes=15), START + timedelta(minutes=25))

    points = vitals.due_timepoints(start_at=START, end_at=START + timedelta(minutes=50), pauses=[pause])

    assert minutes_of(points)[:6] == [("PRE", 0), ("INFUSION_10", 10), ("INFUSION_20", 30), ("INFUSION_30", 40),
                                      ("INFUSION_40", 50), ("END", 50)]


def test_an_early_stop_drops_the_later_infusion_timepoints():
    """clinical-reference §4.6 example 5: stopped at 25 min; the 30- and 40-min readings are no longer due."""
    points = vitals.due_timepoints(start_at=START, end_at=START + timedelta(minutes=25))

    assert minutes_of(points)[:4] == [("PRE", 0), ("INFUSION_10", 10), ("INFUSION_20", 20), ("END", 25)]


def test_a_longer_infusion_keeps_the_10_minute_spacing():
    """clinical-reference §5.2 lists 10–40 min only; a 60-min infusion keeps going every 10 min (product choice,
    [U])."""
    points = vitals.due_timepoints(start_at=START, end_at=START + timedelta(minutes=60))

    assert [code for code, _ in minutes_of(points)][1:8] == ["INFUSION_10", "INFUSION_20", "INFUSION_30",
                                                             "INFUSION_40", "INFUSION_50", "INFUSION_60", "END"]
    spec = {field.name: field for field in dataclasses.fields(VitalsProtocol)}["infusion_every_min_after_last"]
    assert spec.metadata["verified"] is False


def test_without_an_end_only_the_planned_infusion_timepoints_are_due():
    """clinical-reference §5.2: before the infusion ends, the pre-infusion set and the 10, 20, 30 and 40 min
    readings are due; the end and post-infusion readings follow once it has ended."""
    points = vitals.due_timepoints(start_at=START)

    assert [code for code, _ in minutes_of(points)] == ["PRE", "INFUSION_10", "INFUSION_20", "INFUSION_30",
                                                        "INFUSION_40"]


def test_post_infusion_readings_continue_until_discharge():
    """clinical-reference §5.2 [19]: every 15 min until discharge; ended at 40 min and discharged at 140 min, the
    last due reading is 90 min after the end (130 min)."""
    points = vitals.due_timepoints(start_at=START, end_at=START + timedelta(minutes=40),
                                   until_at=START + timedelta(minutes=140))

    assert minutes_of(points)[-1] == ("POST_90", 130)


@pytest.mark.parametrize(("end", "pauses", "until", "field"), [
    (0, [], None, "end_at"),
    (40, [(-5, 5)], None, "pauses[1]"),
    (40, [(10, 20), (15, 25)], None, "pauses[2]"),
    (40, [(10, 10)], None, "pauses[1]"),
    (40, [(35, 45)], None, "pauses[1]"),
    (40, [], 30, "until_at"),
    (None, [], 30, "until_at"),
])
def test_refuses_impossible_times(end, pauses, until, field):
    """clinical-reference §5.2–§5.3: an infusion ends after it starts, pauses fall inside it, in order and without
    overlap, and discharge comes after the end; anything else is refused naming the field."""
    def at(minute):
        return None if minute is None else START + timedelta(minutes=minute)

    with pytest.raises(vitals.InvalidTimes) as error:
        vitals.due_timepoints(start_at=START, end_at=at(end), until_at=at(until),
                              pauses=[Pause(at(a), at(b)) for a, b in pauses])

    assert error.value.field == field


@st.composite
def infusion_days(draw):
    duration = draw(st.integers(1, 240))
    cuts = sorted(draw(st.lists(st.integers(1, duration - 1), max_size=6, unique=True))) if duration > 1 else []
    pauses, total = [], 0
    for begin, end in zip(cuts[::2], cuts[1::2], strict=False):
        pauses.append(Pause(START + timedelta(minutes=begin), START + timedelta(minutes=end)))
        total += end - begin
    extra = draw(st.integers(0, 180))
    return duration, pauses, extra


@given(infusion_days())
def test_due_timepoints_are_ordered_and_inside_the_day(day):
    """clinical-reference §5.2 and §5.3 RESUME, property: the due times never go backwards, every infusion reading
    falls by the end (pauses added), and there is exactly one end-of-infusion set."""
    duration, pauses, extra = day
    end_at = START + timedelta(minutes=duration)

    points = vitals.due_timepoints(start_at=START, end_at=end_at, pauses=pauses,
                                   until_at=end_at + timedelta(minutes=extra))
    times = [point.due_at for point in points]

    assert times == sorted(times)
    assert all(point.due_at <= end_at for point in points if point.code.startswith("INFUSION"))
    assert [point.code for point in points].count("END") == 1


@pytest.mark.parametrize("settings_", [dict(hr_high_above_bpm=0), dict(spo2_low_below_percent=101),
                                       dict(rr_low_below_per_min=20, rr_high_above_per_min=12),
                                       dict(infusion_timepoints_min=(20, 10)), dict(infusion_timepoints_min=()),
                                       dict(stop_symptoms=("HEADACHE",))])
def test_refuses_an_impossible_protocol(settings_):
    """clinical-reference §5.2–§5.3 [D]: a heart-rate limit of 0, SpO₂ above 100 %, an RR-low limit above the
    RR-high limit, infusion timepoints out of order or none, or a stop symptom not in SYMPTOM_STOP is refused."""
    with pytest.raises(vitals.InvalidProtocol) as error:
        VitalsProtocol(**settings_)

    assert error.value.field == next(iter(settings_))


SHIPPED = {
    "pre_bp_caution_systolic_above_mmhg": 140, "pre_bp_caution_diastolic_above_mmhg": 90,
    "pre_bp_recheck_rest_min": 5, "pre_bp_hold_systolic_at_or_above_mmhg": 160,
    "pre_bp_hold_diastolic_at_or_above_mmhg": 100, "bp_rise_systolic_at_or_above_mmhg": 40,
    "bp_rise_diastolic_at_or_above_mmhg": 25, "bp_pause_systolic_at_or_above_mmhg": 180,
    "bp_pause_diastolic_at_or_above_mmhg": 110, "bp_pause_confirm_after_min": 5,
    "bp_stop_systolic_at_or_above_mmhg": 200, "bp_stop_diastolic_at_or_above_mmhg": 120, "hr_high_above_bpm": 120,
    "hr_high_sustained_min": 5, "spo2_low_below_percent": None, "rr_low_below_per_min": None,
    "rr_high_above_per_min": None, "hr_low_below_bpm": None, "vitals_complete_within_min": 5,
    "resume_readings_apart_min": 5, "stop_symptoms": vitals.STOP_SYMPTOMS, "pre_window_min": 15,
    "infusion_timepoints_min": (10, 20, 30, 40), "infusion_every_min_after_last": 10, "cadss6_at_min": 40,
    "post_every_min": 15, "post_listed_min": 60,
}


def test_every_setting_ships_the_reference_default():
    """clinical-reference §5.2–§5.3 [D]: caution > 140/90, hold ≥ 160/100 after 5 min rest, rise +40/+25,
    pause ≥ 180/110 confirmed after 5 min, stop ≥ 200/120, HR > 120 for 5 min, no shipped SpO₂/RR/HR-low
    value, incomplete after 5 min, resume 5 min apart; readings ≤ 15 min before, at 10–40 min, CADSS-6
    at 40, every 15 min after; §5.5 the 60-min observation. Only the spacing past 40 min, which §5.2
    does not give, is [U]."""
    fields = dataclasses.fields(VitalsProtocol)

    assert {spec.name: spec.default for spec in fields} == SHIPPED
    assert [spec.name for spec in fields if spec.metadata["tag"] != "D"] == ["infusion_every_min_after_last"]


def test_the_stop_symptoms_are_the_reference_list():
    """clinical-reference §5.3 SYMPTOM_STOP: chest pain, severe headache, new neurological or visual
    change, breathlessness, confusion."""
    assert set(vitals.STOP_SYMPTOMS) == {"CHEST_PAIN", "SEVERE_HEADACHE", "NEURO_CHANGE", "VISUAL_CHANGE",
                                         "BREATHLESSNESS", "CONFUSION"}


@pytest.mark.parametrize(("code", "actions"), [
    ("PRE_BP_CAUTION", ("RECHECK", "PRESCRIBER_ACKNOWLEDGES")), ("PRE_BP_HOLD", ("HOLD", "RECHECK")),
    ("BP_RISE", ("NOTIFY_PRESCRIBER",)), ("BP_PAUSE", ("PAUSE", "NOTIFY_PRESCRIBER", "RECHECK")),
    ("BP_STOP", ("STOP", "CALL_PRESCRIBER_NOW", "KEEP_MONITORING")),
    ("SYMPTOM_STOP", ("STOP", "CALL_PRESCRIBER_NOW", "EMERGENCY_PROTOCOL")),
    ("HR_HIGH", ("PAUSE", "NOTIFY_PRESCRIBER")), ("SPO2_LOW", ("PAUSE", "NOTIFY_PRESCRIBER")),
    ("RR_LOW", ("PAUSE", "NOTIFY_PRESCRIBER")), ("RR_HIGH", ("PAUSE", "NOTIFY_PRESCRIBER")),
    ("HR_LOW", ("PAUSE", "NOTIFY_PRESCRIBER")), ("VITALS_INCOMPLETE", ("COMPLETE_SET",)),
    ("RESUME", ("PRESCRIBER_APPROVES", "RESUME")),
])
def test_each_alert_asks_for_the_reference_action(code, actions):
    """clinical-reference §5.3 Action column: each rule's default trigger asks for the action listed
    there (recheck and acknowledge, hold, notify, pause, stop and call now, emergency protocol,
    complete the set, resume with approval)."""
    assert vitals.RULES[code].actions == actions

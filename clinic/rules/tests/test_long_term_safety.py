"""Cumulative exposure and long-term monitoring (clinical-reference §8)."""

import dataclasses
import itertools
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic.rules import long_term_safety
from clinic.rules.long_term_safety import Dose, LongTermProtocol, Patient
from clinic.rules.scales import ymrs

D = Decimal
ON = date(2027, 6, 30)


def dose(days_before, mg="35.0", kg="70.0"):
    return Dose(ON - timedelta(days=days_before), D(mg), D(kg))


def patient(indication="TRD_UNIPOLAR", *, ca_hepatic=False, infusion_today=True, bipolar=False, **dates):
    return Patient(indication, ca_hepatic=ca_hepatic, infusion_today=infusion_today, bipolar=bipolar, **dates)


def test_running_totals_and_windows():
    """clinical-reference §8 [D]: running totals (mg, mg/kg, infusions) and counts for the last 30,
    90 and 365 days. "Last 30 days" is on_date and the 29 dates before it."""
    doses = [dose(0), dose(29), dose(30, "21.9"), dose(89), dose(90, "70.0", "100.0"), dose(364), dose(365)]

    exposure = long_term_safety.cumulative_exposure(doses, on_date=ON)

    assert (exposure.all_time.infusions, exposure.all_time.total_mg) == (7, D("266.9"))
    assert {days: (totals.infusions, totals.total_mg) for days, totals in exposure.windows.items()} == {
        30: (2, D("70.0")), 90: (4, D("126.9")), 365: (6, D("231.9"))}
    assert exposure.windows[30].total_mg_per_kg == D("1.0")


def test_mg_per_kg_uses_delivered_mg_and_is_rounded_only_for_display():
    """clinical-reference §4.6 example 5 and §8: 21.9 mg delivered at 70.0 kg is 0.3128… mg/kg;
    displayed 0.31."""
    exposure = long_term_safety.cumulative_exposure([dose(0, "21.9")], on_date=ON)

    assert exposure.all_time.total_mg_per_kg == D("21.9") / D("70.0")
    assert exposure.all_time.total_mg_per_kg_display == D("0.31")


def test_doses_after_the_date_asked_about_are_left_out():
    """clinical-reference §8 [D]: the running totals shown at ordering count the doses given up to
    that date; a dose dated the next day is not yet given."""
    exposure = long_term_safety.cumulative_exposure([dose(0), dose(-1)], on_date=ON)

    assert (exposure.all_time.infusions, exposure.all_time.total_mg) == (1, D("35.0"))


def test_no_doses_gives_zero_totals():
    """clinical-reference §8 [D]: a patient with no infusions has running totals of 0 in every window."""
    exposure = long_term_safety.cumulative_exposure([], on_date=ON)

    assert (exposure.all_time.infusions, exposure.all_time.total_mg, exposure.windows[365].total_mg_per_kg) == (
        0, D(0), D(0))


@pytest.mark.parametrize(("bad", "field"), [
    (Dose(datetime(2027, 6, 1, 9, 0), D(35), D(70)), "doses[1]"),
    (Dose(ON, D(-1), D(70)), "doses[1].delivered_mg"),
    (Dose(ON, 35.0, D(70)), "doses[1].delivered_mg"),
    (Dose(ON, D(35), D(0)), "doses[1].dosing_weight_kg"),
    (Dose(ON, D(35), D("Infinity")), "doses[1].dosing_weight_kg"),
])
def test_refuses_impossible_doses(bad, field):
    """clinical-reference §1 conventions (Decimal, never binary floats) and §8: a running total is
    only as good as its doses, so a dose without a date, a negative or float mg, or a weight of 0 or
    infinity is refused naming the dose."""
    with pytest.raises(long_term_safety.InvalidDose) as error:
        long_term_safety.cumulative_exposure([bad], on_date=ON)

    assert error.value.field == field


def test_no_cap_unless_the_clinic_sets_one():
    """clinical-reference §8: no limit on total dose or infusion count exists [U]; no cap unless
    the clinic sets one."""
    exposure = long_term_safety.cumulative_exposure([dose(days) for days in range(0, 400, 7)], on_date=ON)

    assert long_term_safety.cap_findings(exposure, planned_mg=D(1000)) == ()
    assert LongTermProtocol().cap_total_mg is None and LongTermProtocol().cap_total_infusions is None


@pytest.mark.parametrize(("cap_mg", "planned", "expected"), [
    (D(105), D(35), []), (D("104.9"), D(35), ["CUMULATIVE_MG_CAP"])])
def test_a_clinic_mg_cap_on_both_sides(cap_mg, planned, expected):
    """clinical-reference §8 [D]: a clinic-set cap is passed when 70 mg given + 35 mg planned is
    above it: 105 mg is not passed, 104.9 mg is."""
    exposure = long_term_safety.cumulative_exposure([dose(0), dose(7)], on_date=ON)

    findings = long_term_safety.cap_findings(exposure, planned_mg=planned,
                                             protocol=LongTermProtocol(cap_total_mg=cap_mg))

    assert [finding.code for finding in findings] == expected


@pytest.mark.parametrize(("cap", "expected"), [(3, []), (2, ["CUMULATIVE_INFUSION_CAP"])])
def test_a_clinic_infusion_cap_on_both_sides(cap, expected):
    """clinical-reference §8 [D]: with 2 infusions given, a third passes a clinic cap of 2, not of 3."""
    exposure = long_term_safety.cumulative_exposure([dose(0), dose(7)], on_date=ON)

    findings = long_term_safety.cap_findings(exposure, protocol=LongTermProtocol(cap_total_infusions=cap))

    assert [finding.code for finding in findings] == expected


@st.composite
def dose_lists(draw):
    offsets = draw(st.lists(st.integers(-30, 800), max_size=30))
    return [dose(offset, str(draw(st.decimals(0, 100, places=1))), str(draw(st.decimals(30, 200, places=1))))
            for offset in offsets]


@given(dose_lists())
def test_windows_nest(doses):
    """clinical-reference §8 [D], property: 30 ⊆ 90 ⊆ 365 days ⊆ all time, in count and in mg."""
    exposure = long_term_safety.cumulative_exposure(doses, on_date=ON)
    ladder = [exposure.windows[30], exposure.windows[90], exposure.windows[365], exposure.all_time]

    assert all(a.infusions <= b.infusions and a.total_mg <= b.total_mg for a, b in itertools.pairwise(ladder))


@pytest.mark.parametrize(("start", "months", "expected"), [
    (date(2027, 1, 15), 6, date(2027, 7, 15)), (date(2026, 8, 31), 6, date(2027, 2, 28)),
    (date(2027, 8, 31), 6, date(2028, 2, 29)), (date(2027, 10, 1), 6, date(2028, 4, 1))])
def test_six_months_later(start, months, expected):
    """clinical-reference §8 [D]: "every 6 months" is the same day 6 months later, or the month's
    last day when it is shorter (31 August + 6 months is 28 or 29 February)."""
    assert long_term_safety.add_months(start, months) == expected


def items(patient, on_date=ON, protocol=long_term_safety.DEFAULT_PROTOCOL, ymrs_protocol=ymrs.DEFAULT_PROTOCOL):
    return {item.code: item for item in long_term_safety.monitoring_due(
        patient, on_date=on_date, protocol=protocol, ymrs_protocol=ymrs_protocol)}


def test_before_every_infusion_the_bladder_questions_are_due():
    """clinical-reference §8: before every infusion, yes/no questions on each bladder symptom."""
    today = items(patient(infusion_today=True))
    other_day = items(patient(infusion_today=False))

    assert (today["BLADDER_QUESTIONS"].due, other_day["BLADDER_QUESTIONS"].due) == (True, False)


@pytest.mark.parametrize(("indication", "bipolar", "ymrs_due"), [
    ("PTSD", True, True),
    ("ANXIETY", True, True),
    ("TRD_UNIPOLAR", True, True),
    ("TRD_BIPOLAR", True, True),
    ("TRD_BIPOLAR", False, True),
    ("TRD_UNIPOLAR", False, False),
    ("PTSD", False, False),
])
def test_ymrs_is_due_before_each_infusion_for_every_bipolar_patient(indication, bipolar, ymrs_due):
    """clinical-reference §8 mania row: YMRS before each infusion for every patient with a bipolar
    diagnosis (F31.x), whatever the indication. A PTSD patient with a bipolar diagnosis is screened;
    a TRD_BIPOLAR indication always is; a non-bipolar TRD_UNIPOLAR or PTSD patient is not."""
    today = items(patient(indication, bipolar=bipolar, infusion_today=True))
    other_day = items(patient(indication, bipolar=bipolar, infusion_today=False))

    assert ("YMRS" in today, "YMRS" in other_day) == (ymrs_due, ymrs_due)
    if ymrs_due:
        assert (today["YMRS"].due, today["YMRS"].due_on, other_day["YMRS"].due) == (True, None, False)
        assert "hold at or above 12" in today["YMRS"].action


def test_the_ymrs_item_states_the_scales_own_hold_threshold():
    """clinical-reference §7.2 [D] and §8: the hold threshold is the YMRS scale's one setting, so a
    clinic that moves it to 14 sees 14 in the monitoring item too."""
    ymrs_protocol = ymrs.YmrsProtocol(hold_next_infusion_at_or_above=14)

    item = items(patient("PTSD", bipolar=True), ymrs_protocol=ymrs_protocol)["YMRS"]

    assert "hold at or above 14" in item.action and "12" not in item.action


@pytest.mark.parametrize("bipolar", [None, "yes", 1])
def test_an_unrecorded_bipolar_answer_is_refused(bipolar):
    """clinical-reference §3 (nothing passes by being unanswered) and §8: without a yes or no on a
    bipolar diagnosis the YMRS cannot be left out, so the list is refused naming the field."""
    with pytest.raises(long_term_safety.InvalidMonitoringInput) as error:
        long_term_safety.monitoring_due(patient("PTSD", bipolar=bipolar), on_date=ON)

    assert error.value.field == "bipolar"
    assert "bipolar" in error.value.message


def test_baseline_lfts_only_for_ca_hepatic():
    """clinical-reference §8: LFTs at baseline if CA_HEPATIC."""
    hepatic = items(patient(ca_hepatic=True))
    tested = items(patient(ca_hepatic=True, last_lft_on=date(2027, 6, 1)))
    other = items(patient(ca_hepatic=False))

    assert (hepatic["LFT_BASELINE"].due, hepatic["LFT_BASELINE"].due_on) == (True, ON)
    assert "LFT_BASELINE" not in tested and "LFT_BASELINE" not in other
    assert "LFT_MAINTENANCE" not in hepatic


@pytest.mark.parametrize(("on_date", "due"), [(date(2027, 7, 14), False), (date(2027, 7, 15), True)])
def test_lfts_every_6_months_in_maintenance(on_date, due):
    """clinical-reference §8: LFTs every 6 months in maintenance (product default, not evidence)."""
    in_maintenance = patient(ca_hepatic=True, maintenance_started_on=date(2027, 3, 1), last_lft_on=date(2027, 1, 15))

    item = items(in_maintenance, on_date)["LFT_MAINTENANCE"]

    assert (item.due_on, item.due) == (date(2027, 7, 15), due)


def test_maintenance_lfts_count_from_the_start_of_maintenance_without_a_test():
    """clinical-reference §8: LFTs "then every 6 months in maintenance"; with no test yet, the six
    months count from the start of maintenance."""
    in_maintenance = patient(infusion_today=False, maintenance_started_on=date(2027, 1, 4))

    assert items(in_maintenance)["LFT_MAINTENANCE"].due_on == date(2027, 7, 4)


def test_a_clinic_may_limit_maintenance_lfts_to_ca_hepatic():
    """clinical-reference §8 is ambiguous whether "then every 6 months" applies to everyone in
    maintenance; it is a setting."""
    protocol = LongTermProtocol(lft_in_maintenance_only_if_ca_hepatic=True)
    in_maintenance = patient(infusion_today=False, maintenance_started_on=date(2027, 1, 4))

    assert "LFT_MAINTENANCE" not in items(in_maintenance, protocol=protocol)
    assert "LFT_MAINTENANCE" in items(in_maintenance)


def test_cognition_question_each_maintenance_visit_and_screen_every_6_months():
    """clinical-reference §8: a memory and concentration question at each maintenance visit; a
    formal screen every 6 months."""
    in_maintenance = patient(maintenance_started_on=date(2027, 1, 4), last_cognition_screen_on=date(2027, 1, 4))
    induction = patient()

    due = items(in_maintenance)

    assert due["COGNITION_QUESTION"].due
    assert (due["COGNITION_SCREEN"].due_on, due["COGNITION_SCREEN"].due) == (date(2027, 7, 4), False)
    assert "COGNITION_QUESTION" not in items(induction) and "COGNITION_SCREEN" not in items(induction)


@pytest.mark.parametrize(("last", "due_on", "due"), [
    (None, ON, True), (date(2026, 12, 31), date(2027, 6, 30), True), (date(2027, 1, 1), date(2027, 7, 1), False)])
def test_audit_c_and_dast_10_every_6_months(last, due_on, due):
    """clinical-reference §8: AUDIT-C and DAST-10 every 6 months; never done → due now."""
    screened = patient("ANXIETY", infusion_today=False, last_audit_c_on=last, last_dast10_on=last)

    due_items = items(screened)

    for code in ("AUDIT_C", "DAST_10"):
        assert (due_items[code].due_on, due_items[code].due) == (due_on, due)


def test_refuses_a_history_date_after_the_date_asked_about():
    """clinical-reference §8: the 6-monthly checks count from the last one done; a last test dated
    after the day asked about would push the next one out, so it is refused."""
    future = patient("ANXIETY", infusion_today=False, last_lft_on=ON + timedelta(days=1))

    with pytest.raises(long_term_safety.InvalidMonitoringInput) as error:
        long_term_safety.monitoring_due(future, on_date=ON)

    assert error.value.field == "last_lft_on"


NO_SYMPTOMS = dict.fromkeys(long_term_safety.BLADDER_SYMPTOMS, False)


def test_no_bladder_symptoms_means_no_review():
    """clinical-reference §8: only a yes to a bladder question asks for prescriber review."""
    assert long_term_safety.bladder_review(NO_SYMPTOMS) is None


@pytest.mark.parametrize("symptom", long_term_safety.BLADDER_SYMPTOMS)
def test_any_yes_to_a_bladder_question_needs_prescriber_review(symptom):
    """clinical-reference §8: any yes → prescriber review before dosing; urinalysis at the
    prescriber's discretion."""
    finding = long_term_safety.bladder_review(NO_SYMPTOMS | {symptom: True})

    assert finding.code == "BLADDER_REVIEW"
    assert symptom.replace("_", " ").lower() in finding.message and "before dosing" in finding.message


@pytest.mark.parametrize(("answers", "field"), [
    ({k: v for k, v in NO_SYMPTOMS.items() if k != "NOCTURIA"}, "NOCTURIA"),
    (NO_SYMPTOMS | {"DYSURIA": None}, "DYSURIA"),
    (NO_SYMPTOMS | {"DYSURIA": "no"}, "DYSURIA"),
    (NO_SYMPTOMS | {"FEVER": False}, "FEVER"),
])
def test_every_bladder_question_must_be_answered_yes_or_no(answers, field):
    """clinical-reference §8: yes/no questions on each symptom before every infusion; an unanswered
    or unknown question is refused naming it, never read as a no."""
    with pytest.raises(long_term_safety.BladderAnswerMissing) as error:
        long_term_safety.bladder_review(answers)

    assert error.value.field == field


@pytest.mark.parametrize(("total", "held"), [
    (11, False), (D("11.5"), False), (12, True), (D("12.5"), True), (16, True)])
def test_ymrs_holds_at_12(total, held):
    """clinical-reference §8 and §7.2: YMRS ≥ 12 → hold the next infusion for review; §7.3 fixture
    16 hypomanic → hold. A half-point total (§7.1) is compared exactly: 11.5 is below, 12.5 above."""
    finding = long_term_safety.ymrs_hold(total)

    assert (finding is not None) == held
    if held:
        assert finding.code == "YMRS_HOLD"
        assert f"YMRS {total}, at or above 12" in finding.message


@pytest.mark.parametrize(("total", "held"), [(13, False), (14, True)])
def test_ymrs_hold_follows_the_scales_threshold(total, held):
    """clinical-reference §7.2 [D]: the hold threshold is a clinic setting of the YMRS scale; the
    long-term check reads it from there, so both sides of a clinic's 14 agree with the score's alert."""
    ymrs_protocol = ymrs.YmrsProtocol(hold_next_infusion_at_or_above=14)
    answers = [2, 1, 1, 2, 4, 2, 1, 0, 0, 0, 0] if total == 13 else [2, 1, 1, 2, 4, 2, 1, 1, 0, 0, 0]

    finding = long_term_safety.ymrs_hold(total, ymrs_protocol=ymrs_protocol)
    score = ymrs.score(answers, {"protocol": ymrs_protocol})

    assert score.total == total
    assert (finding is not None, bool(score.alerts)) == (held, held)


def test_ymrs_refuses_an_impossible_total():
    """clinical-reference §7.1: the YMRS total runs 0–60, so 61 is refused, never clamped."""
    with pytest.raises(long_term_safety.DomainError) as error:
        long_term_safety.ymrs_hold(61)

    assert (error.value.code, error.value.field) == ("SCORE_OUT_OF_RANGE", "ymrs_total")


@pytest.mark.parametrize(("settings_", "field"), [
    (dict(window_days=()), "window_days"), (dict(window_days=(0,)), "window_days"),
    (dict(lft_every_months=0), "lft_every_months"), (dict(cognition_screen_every_months=0),
                                                     "cognition_screen_every_months"),
    (dict(misuse_screen_every_months=0), "misuse_screen_every_months"),
    (dict(cap_total_mg=D(0)), "cap_total_mg"), (dict(cap_total_infusions=0), "cap_total_infusions")])
def test_refuses_an_impossible_protocol(settings_, field):
    """clinical-reference §8 [D]: windows and intervals of at least 1, and a cap above 0 or unset;
    anything else is refused naming the setting."""
    with pytest.raises(long_term_safety.InvalidProtocol) as error:
        LongTermProtocol(**settings_)

    assert error.value.field == field


def test_the_long_term_settings_hold_no_second_ymrs_threshold():
    """clinical-reference §7.2 and §8: the YMRS hold is one setting of the YMRS scale; the long-term
    settings keep no copy that could drift from it, and each of them carries the [D] tag of §8."""
    fields = {spec.name: spec.metadata for spec in dataclasses.fields(LongTermProtocol)}

    assert not [name for name in fields if "ymrs" in name]
    assert {metadata["tag"] for metadata in fields.values()} == {"D"}
    assert all("§8" in metadata["source"] for metadata in fields.values())

from dataclasses import fields
from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic.rules import body_size, dosing
from clinic.rules.dosing import DosingProtocol

EXAMPLE_1 = dict(weight_kg=D("70.0"), dose_mg_per_kg=D("0.5"), vial_mg_per_ml=D(50), bag_ml=D(100),
                 duration_min=D(40))
INFUSION_DAY = date(2025, 3, 10)


def calc(**overrides):
    return dosing.calculate(**{**EXAMPLE_1, "weight_measured_on": INFUSION_DAY, "infusion_date": INFUSION_DAY,
                               **overrides})


def codes(result):
    return result.warning_codes


# --- worked examples, clinical-reference §4.6 -------------------------------------------------------

def test_example_1_standard_bag():
    """§4.6 #1: 0.5 mg/kg, 70.0 kg, 50 mg/mL, 100 mL, 40 min → 35.0 mg; 0.70 mL; 100.70 mL; 0.348 mg/mL;
    151.05 → 151.1 mL/h; 0.75 mg/kg/h."""
    result = calc()

    assert (result.dosing_weight_kg, result.dose_mg, result.drug_ml, result.drawn_mg) == (
        D("70.0"), D("35.0"), D("0.70"), D("35.0"))
    assert (result.total_ml, result.final_mg_per_ml, result.rate_ml_per_h, result.mg_per_kg_per_h) == (
        D("100.70"), D("0.348"), D("151.1"), D("0.75"))
    assert result.warnings == ()


def test_example_2_adjusted_weight_rounds_half_up_where_a_float_would_not():
    """§4.6 #2: female, 165 cm, 110 kg (BMI 40.4), adjusted, 0.5 mg/kg, 50 mg/mL, 100 mL, 40 min → 64.96 in;
    IBW 56.9; AdjBW 78.1; 39.05 → 39.1 mg (a float gives 39.0); 0.78 mL; drawn 39.0 mg (−0.26 %, no warning);
    100.78 mL; 0.387 mg/mL; 151.2 mL/h. Devine 1974 [24], Bauer 2001 [25]."""
    result = calc(weight_kg=D(110), height_cm=D(165), sex="female", weight_basis="adjusted")

    assert round(0.5 * 78.1, 1) == 39.0  # the float trap the reference warns about
    assert (result.height_in, result.bmi_kg_per_m2, result.ideal_weight_kg, result.adjusted_weight_kg) == (
        D("64.96"), D("40.4"), D("56.9"), D("78.1"))
    assert (result.dosing_weight_kg, result.dose_mg, result.drug_ml, result.drawn_mg) == (
        D("78.1"), D("39.1"), D("0.78"), D("39.0"))
    assert result.drawn_difference_percent == D("-0.26")
    assert (result.total_ml, result.final_mg_per_ml, result.rate_ml_per_h) == (D("100.78"), D("0.387"), D("151.2"))
    assert result.warnings == ()


def test_example_3_concentrated_vial_diluted_in_the_bag():
    """§4.6 #3: 0.75 mg/kg, 84.0 kg, 100 mg/mL, 100 mL, 45 min → 63.0 mg; 0.63 mL; 100.63 mL; 0.626 mg/mL;
    134.2 mL/h; 1.00 mg/kg/h. 0.75 mg/kg is not above the 0.75 warning level (§4.5)."""
    result = calc(weight_kg=D("84.0"), dose_mg_per_kg=D("0.75"), vial_mg_per_ml=D(100), duration_min=D(45))

    assert (result.dose_mg, result.drug_ml, result.total_ml, result.final_mg_per_ml) == (
        D("63.0"), D("0.63"), D("100.63"), D("0.626"))
    assert (result.rate_ml_per_h, result.mg_per_kg_per_h) == (D("134.2"), D("1.00"))
    assert result.warnings == ()


def test_example_4_syringe_made_up_to_one_mg_per_ml():
    """§4.6 #4: syringe at the label's 1 mg/mL; 35.0 mg from 50 mg/mL → 0.70 mL + 34.30 mL diluent = 35.00 mL;
    52.5 mL/h (40 min)."""
    plan = dosing.prepare_syringe(dose_mg=D("35.0"), vial_mg_per_ml=D(50), target_mg_per_ml=D(1),
                                  duration_min=D(40))

    assert (plan.drug_ml, plan.diluent_ml, plan.total_ml) == (D("0.70"), D("34.30"), D("35.00"))
    assert (plan.final_mg_per_ml, plan.rate_ml_per_h, plan.warnings) == (D("1.000"), D("52.5"), ())


def test_example_5_early_stop_delivered_dose_and_waste():
    """§4.6 #5: #1 stopped at 25 min with 62.9 mL infused → delivered 21.9 mg; 37.8 mL left holding 13.1 mg
    (witnessed waste, §9)."""
    first = calc()

    stop = dosing.delivered(drawn_mg=first.drawn_mg, total_ml=first.total_ml, infused_ml=D("62.9"))

    assert (stop.delivered_mg, stop.remaining_ml, stop.remaining_mg) == (D("21.9"), D("37.8"), D("13.1"))


def test_example_6_devine_ideal_weight_male():
    """§4.6 #6: male, 180 cm → 70.87 in; IBW 75.0 kg (Devine 1974 [24])."""
    ideal = body_size.ideal_body_weight_kg(height_cm=D(180), sex="male")

    assert dosing.round_half_up(body_size.height_inches(D(180)), D("0.01")) == D("70.87")
    assert dosing.round_half_up(ideal, D("0.1")) == D("75.0")


def test_result_names_every_figure_the_api_returns():
    """design §4.4 dosing/calculate: the response fields map directly onto the result."""
    names = {item.name for item in fields(dosing.DoseCalculation)}

    assert {"dosing_weight_kg", "dose_mg", "drug_ml", "drawn_mg", "total_ml", "final_mg_per_ml",
            "rate_ml_per_h", "mg_per_kg_per_h", "warnings"} <= names


# --- clinic dose range, warnings and cap (§4.5) ------------------------------------------------------

@pytest.mark.parametrize("mg_per_kg", [D("0.09"), D("1.01"), D("2")])
def test_refuses_dose_outside_clinic_range(mg_per_kg):
    """§4.5 [D]: 0.1–1.0 mg/kg allowed (studied range [2, 3]); block outside it."""
    with pytest.raises(dosing.DoseOutsideRange) as error:
        calc(dose_mg_per_kg=mg_per_kg)

    assert (error.value.code, error.value.field) == ("DOSE_OUTSIDE_RANGE", "dose_mg_per_kg")
    assert "0.1–1.0 mg/kg" in error.value.message


@pytest.mark.parametrize("mg_per_kg", [D("0.1"), D("1.0")])
def test_accepts_both_ends_of_the_clinic_range(mg_per_kg):
    """§4.5: the range 0.1–1.0 mg/kg is inclusive."""
    assert calc(dose_mg_per_kg=mg_per_kg).dose_mg == mg_per_kg * 70


def test_medical_director_can_widen_the_range():
    """§4.5: the medical director may widen the range."""
    result = calc(dose_mg_per_kg=D("1.2"), protocol=DosingProtocol(max_dose_mg_per_kg=D("1.5")))

    assert result.dose_mg == D("84.0")


@pytest.mark.parametrize(("mg_per_kg", "warned"), [(D("0.75"), False), (D("0.76"), True)])
def test_warns_above_three_quarters_mg_per_kg(mg_per_kg, warned):
    """§4.5 [D]: warn above 0.75 mg/kg."""
    assert ("DOSE_HIGH" in codes(calc(dose_mg_per_kg=mg_per_kg))) is warned


@pytest.mark.parametrize(("mg_per_kg", "warned"), [(D("0.75"), False), (D("0.76"), True)])
def test_warns_on_step_up_over_a_quarter_mg_per_kg(mg_per_kg, warned):
    """§4.5 [D]: warn on a step up > 0.25 mg/kg from the last infusion (the step of Cusin 2017 [5])."""
    result = calc(dose_mg_per_kg=mg_per_kg, last_dose_mg_per_kg=D("0.5"))

    assert ("DOSE_STEP_UP_LARGE" in codes(result)) is warned


def test_step_down_never_warns():
    """§4.5: only a step up warns."""
    assert "DOSE_STEP_UP_LARGE" not in codes(calc(dose_mg_per_kg=D("0.1"), last_dose_mg_per_kg=D("1.0")))


def test_refuses_a_non_positive_last_dose():
    with pytest.raises(body_size.InvalidMeasure) as error:
        calc(last_dose_mg_per_kg=D(0))

    assert error.value.field == "last_dose_mg_per_kg"


def test_no_mg_cap_by_default():
    """§4.5: the absolute mg cap is unset (no maximum exists for psychiatric use [U], §4.1)."""
    assert DosingProtocol().max_dose_mg is None
    assert calc(weight_kg=D(350), dose_mg_per_kg=D("1.0")).dose_mg == D("350.0")


@pytest.mark.parametrize(("weight_kg", "refused"), [(D("80.0"), False), (D("80.1"), True)])
def test_refuses_dose_above_a_set_cap(weight_kg, refused):
    """§4.5: once the medical director sets an mg cap, a dose above it is refused (style habit 5)."""
    protocol = DosingProtocol(max_dose_mg=D(40))
    if refused:
        with pytest.raises(dosing.DoseAboveCap) as error:
            calc(weight_kg=weight_kg, protocol=protocol)
        assert error.value.code == "DOSE_ABOVE_CAP"
        assert "40 mg cap" in error.value.message
    else:
        assert calc(weight_kg=weight_kg, protocol=protocol).dose_mg == D("40.0")


@pytest.mark.parametrize(("minutes", "warned"), [(D(40), False), (D(39), True), (D(2), True)])
def test_warns_when_shorter_than_forty_minutes(minutes, warned):
    """§4.5 [D]: 40 min; warn if shorter (2–100 min reported as safe [2])."""
    assert ("DURATION_SHORT" in codes(calc(duration_min=minutes))) is warned


def test_refuses_a_duration_shorter_than_a_bolus():
    """§4.1 [L]: a bolus takes at least 60 s (Ketalar label [8])."""
    with pytest.raises(dosing.DurationTooShort) as error:
        calc(duration_min=D("0.5"))

    assert (error.value.code, error.value.field) == ("DURATION_TOO_SHORT", "duration_min")


def test_protocol_defaults_fill_bag_and_duration():
    """§4.3 [D] bag 100 mL; §4.5 [D] 40 min."""
    result = dosing.calculate(weight_kg=D("70.0"), dose_mg_per_kg=D("0.5"), vial_mg_per_ml=D(50))

    assert (result.bag_ml, result.duration_min, result.rate_ml_per_h) == (D(100), D(40), D("151.1"))


# --- impossible values ------------------------------------------------------------------------------

@pytest.mark.parametrize(("field", "value"), [
    ("weight_kg", D(-70)), ("weight_kg", D(0)), ("vial_mg_per_ml", D(0)), ("bag_ml", D(0)),
    ("duration_min", D(0)), ("duration_min", D(-40)), ("dose_mg_per_kg", D(0)), ("weight_kg", 70.0),
    ("weight_kg", D("NaN")), ("weight_kg", True), ("height_cm", D(-1)), ("vial_mg_per_ml", "50"),
])
def test_refuses_impossible_values_naming_the_field(field, value):
    """Issue 4 "Bad input": nothing is silently clamped."""
    with pytest.raises(body_size.InvalidMeasure) as error:
        calc(**{field: value})

    assert (error.value.code, error.value.field) == ("INVALID_VALUE", field)


@pytest.mark.parametrize(("field", "value"), [("weight_kg", D("24.9")), ("weight_kg", D("350.1")),
                                              ("height_cm", D("99.9")), ("height_cm", D("250.1"))])
def test_refuses_implausible_measurements(field, value):
    """Product choice: the intake form's plausible ranges (25–350 kg, 100–250 cm)."""
    with pytest.raises(dosing.MeasureOutOfRange) as error:
        calc(**{field: value})

    assert error.value.field == field


def test_refuses_a_draw_too_small_to_measure():
    with pytest.raises(dosing.DrawVolumeTooSmall) as error:
        calc(vial_mg_per_ml=D(100000))

    assert error.value.code == "DRAW_VOLUME_TOO_SMALL"


# --- weight age (§4.2) ------------------------------------------------------------------------------

@pytest.mark.parametrize(("measured_on", "refused"), [(date(2025, 2, 8), False), (date(2025, 2, 7), True)])
def test_blocks_a_weight_more_than_thirty_days_old(measured_on, refused):
    """§4.2 [D]: block if the weight is more than 30 days old (30 days allowed, 31 refused)."""
    if refused:
        with pytest.raises(dosing.WeightStale) as error:
            calc(weight_measured_on=measured_on)
        assert (error.value.code, error.value.field) == ("WEIGHT_STALE", "weight_measured_on")
    else:
        assert "WEIGHT_DATE_NOT_CHECKED" not in codes(calc(weight_measured_on=measured_on))


def test_refuses_a_weight_dated_after_the_infusion():
    with pytest.raises(dosing.WeightDateAfterInfusion):
        calc(weight_measured_on=date(2025, 3, 11))


@pytest.mark.parametrize("missing", ["weight_measured_on", "infusion_date"])
def test_warns_when_the_weight_date_cannot_be_checked(missing):
    """§4.2: without both dates the 30-day rule cannot be applied, so the calculator says so."""
    assert "WEIGHT_DATE_NOT_CHECKED" in codes(calc(**{missing: None}))


# --- weight basis (§4.2) ----------------------------------------------------------------------------

def test_ideal_basis_doses_on_devine_weight():
    """§4.2: ideal basis, Devine [24]: male 180 cm → 75.0 kg → 37.5 mg at 0.5 mg/kg."""
    result = calc(weight_kg=D(95), height_cm=D(180), sex="male", weight_basis="ideal")

    assert (result.dosing_weight_kg, result.dose_mg) == (D("75.0"), D("37.5"))


def test_ideal_basis_above_actual_weight_warns():
    """Product choice: dosing on a weight above the patient's own gives more drug; the prescriber confirms."""
    result = calc(weight_kg=D(60), height_cm=D(180), sex="male", weight_basis="ideal")

    assert result.dosing_weight_kg == D("75.0")
    assert "IDEAL_WEIGHT_ABOVE_ACTUAL" in codes(result)


def test_adjusted_weight_is_actual_when_actual_is_below_ideal():
    """§4.2: AdjBW = actual when actual ≤ IBW (Bauer [25])."""
    result = calc(weight_kg=D("60.0"), height_cm=D(180), sex="male", weight_basis="adjusted")

    assert result.dosing_weight_kg == D("60.0")


def test_devine_at_exactly_sixty_inches():
    """§4.2: 152.4 cm is 60 in exactly, so IBW is the intercept: 45.5 kg female, 50.0 kg male (Devine [24])."""
    assert body_size.ideal_body_weight_kg(height_cm=D("152.4"), sex="female") == D("45.5")
    assert body_size.ideal_body_weight_kg(height_cm=D("152.4"), sex="male") == D("50.0")


@pytest.mark.parametrize("basis", ["ideal", "adjusted"])
def test_refuses_ideal_weight_below_sixty_inches(basis):
    """§4.2 [D]: below 152.4 cm IBW is not computed; the prescriber chooses the weight."""
    with pytest.raises(body_size.HeightBelowDevineMinimum) as error:
        calc(height_cm=D("152.3"), sex="female", weight_basis=basis)

    assert (error.value.code, error.value.field) == ("IBW_HEIGHT_TOO_SHORT", "height_cm")
    assert "prescriber to choose" in error.value.message


def test_actual_basis_with_short_height_shows_no_ideal_weight():
    """§4.2: below 152.4 cm IBW is not computed — and actual-weight dosing is unaffected."""
    result = calc(height_cm=D(150), sex="female")

    assert (result.ideal_weight_kg, result.adjusted_weight_kg, result.bmi_kg_per_m2) == (None, None, D("31.1"))


def test_actual_basis_shows_ideal_and_adjusted_weight_beside_the_dose():
    """§4.2: every infusion stores the basis and weight; IBW and AdjBW are shown for the prescriber's choice."""
    result = calc(weight_kg=D("95.0"), height_cm=D(180), sex="male")

    assert (result.dosing_weight_kg, result.ideal_weight_kg, result.adjusted_weight_kg) == (
        D("95.0"), D("75.0"), D("83.0"))


def test_refuses_ideal_weight_without_height():
    with pytest.raises(body_size.HeightRequired):
        calc(sex="male", weight_basis="ideal")


@pytest.mark.parametrize("sex", [None, "other", "unknown"])
def test_refuses_ideal_weight_without_a_confirmed_formula_sex(sex):
    """§4.2 [D]: the sex used in the formula is a prescriber-confirmed field (female or male)."""
    with pytest.raises(body_size.SexRequiredForIdealWeight) as error:
        calc(height_cm=D(170), sex=sex, weight_basis="adjusted")

    assert error.value.field == "sex"


def test_protocol_weight_basis_applies_when_the_order_names_none():
    """§4.2 [D]: each protocol sets weight_basis."""
    result = calc(weight_kg=D(110), height_cm=D(165), sex="female", protocol=DosingProtocol(weight_basis="adjusted"))

    assert (result.weight_basis, result.dosing_weight_kg) == ("adjusted", D("78.1"))


def test_refuses_an_unknown_weight_basis():
    with pytest.raises(dosing.WeightBasisUnknown):
        calc(weight_basis="lean")


def test_capped_basis_needs_a_cap_set_by_the_medical_director():
    """Product choice for actual_capped: the reference sets no cap, so it stays unset until set."""
    with pytest.raises(dosing.WeightCapNotSet) as error:
        calc(weight_basis="actual_capped")

    assert error.value.code == "WEIGHT_CAP_NOT_SET"


@pytest.mark.parametrize(("weight_kg", "dosing_kg", "capped"), [(D("100.0"), D("100.0"), False),
                                                                (D("120.0"), D("100.0"), True)])
def test_capped_basis_doses_on_the_lower_of_actual_and_cap(weight_kg, dosing_kg, capped):
    protocol = DosingProtocol(weight_cap_kg=D(100))

    result = calc(weight_kg=weight_kg, weight_basis="actual_capped", protocol=protocol)

    assert result.dosing_weight_kg == dosing_kg
    assert ("WEIGHT_CAPPED" in codes(result)) is capped


# --- draw, bag and concentration (§4.3, §4.4) -------------------------------------------------------

@pytest.mark.parametrize(("weight_kg", "vial", "drug_ml", "warned"), [
    (D("105.2"), D(50), D("1.1"), True),   # 52.6 mg → 1.052 → 1.1 mL = 55 mg, +4.56 %
    (D("70.4"), D(50), D("0.70"), False),  # 35.2 mg → 0.704 → 0.70 mL = 35 mg, −0.57 %
])
def test_warns_when_the_measurable_draw_differs_over_one_percent(weight_kg, vial, drug_ml, warned):
    """§4.4 [D]: drawn = draw mL × strength; warn if |drawn − ordered| / ordered > 1 %; draw rounds to 0.01 mL
    below 1 mL, else 0.1 mL (§4.5)."""
    result = calc(weight_kg=weight_kg, vial_mg_per_ml=vial)

    assert result.drug_ml == drug_ml
    assert ("DRAWN_DOSE_DIFFERS" in codes(result)) is warned


@pytest.mark.parametrize(("bag_ml", "warned"), [(D("9.6"), False), (D("9.5"), True)])
def test_warns_above_two_mg_per_ml_final_concentration(bag_ml, warned):
    """§4.3 [D]: warn above max_final_conc 2.0 mg/mL (20.0 mg in 10.0 mL is exactly 2.0)."""
    result = calc(weight_kg=D(40), bag_ml=bag_ml)

    assert ("FINAL_CONCENTRATION_HIGH" in codes(result)) is warned


def test_drug_volume_left_out_of_the_total_when_the_clinic_says_so():
    """§4.3 [D]: count_drug_volume_in_total = false → total is the bag volume."""
    result = calc(protocol=DosingProtocol(count_drug_volume_in_total=False))

    assert (result.total_ml, result.final_mg_per_ml, result.rate_ml_per_h) == (D(100), D("0.350"), D("150.0"))


def test_refuses_a_bag_smaller_than_the_drug_it_holds():
    with pytest.raises(dosing.DilutionRequired):
        calc(bag_ml=D("0.5"), protocol=DosingProtocol(count_drug_volume_in_total=False))


@pytest.mark.parametrize(("bag_ml", "refused"), [(D("1.0"), False), (D("0.9"), True)])
def test_hundred_mg_per_ml_needs_at_least_an_equal_volume_of_diluent(bag_ml, refused):
    """§4.3 [L]: 100 mg/mL must be diluted with at least an equal volume (Ketalar label [8], [23])."""
    order = dict(weight_kg=D(100), dose_mg_per_kg=D("1.0"), vial_mg_per_ml=D(100), bag_ml=bag_ml)
    if refused:
        with pytest.raises(dosing.DilutionRequired) as error:
            calc(**order)
        assert (error.value.code, error.value.field) == ("DILUTION_REQUIRED", "bag_ml")
    else:
        assert calc(**order).drug_ml == D("1.0")


def test_ten_mg_per_ml_in_a_bag_warns_by_default():
    """§4.3 [L]: the 10 mg/mL strength is not for further dilution ([23]; label wording not seen, so a warning)."""
    result = calc(vial_mg_per_ml=D(10))

    assert (result.drug_ml, "VIAL_NOT_FOR_DILUTION" in codes(result)) == (D("3.5"), True)


def test_ten_mg_per_ml_in_a_bag_is_refused_when_the_clinic_says_so():
    with pytest.raises(dosing.VialNotForDilution):
        calc(vial_mg_per_ml=D(10), protocol=DosingProtocol(refuse_dilution_of_10_mg_per_ml=True))


def test_an_unlisted_vial_strength_warns():
    """§4.3 [L]: the label lists 10, 50 and 100 mg/mL; other strengths' dilution rules are unknown here."""
    assert "VIAL_STRENGTH_UNLISTED" in codes(calc(vial_mg_per_ml=D(25)))


@pytest.mark.parametrize(("limit", "warned"), [(D("151.1"), False), (D(150), True)])
def test_warns_above_a_rate_limit_when_one_is_set(limit, warned):
    """Product choice: no rate limit in the reference; a clinic may set one."""
    result = calc(protocol=DosingProtocol(max_rate_ml_per_h=limit))

    assert ("RATE_HIGH" in codes(result)) is warned


# --- syringe and delivered dose ----------------------------------------------------------------------

def test_syringe_cannot_be_stronger_than_the_vial():
    with pytest.raises(dosing.ConcentrationInvalid):
        dosing.prepare_syringe(dose_mg=D(35), vial_mg_per_ml=D(50), target_mg_per_ml=D(60))


def test_syringe_from_hundred_mg_per_ml_needs_an_equal_volume_of_diluent():
    """§4.3 [L] [8, 23]: 35 mg at 60 mg/mL would hold 0.35 mL drug with 0.23 mL diluent."""
    with pytest.raises(dosing.DilutionRequired):
        dosing.prepare_syringe(dose_mg=D(35), vial_mg_per_ml=D(100), target_mg_per_ml=D(60))


def test_undiluted_ten_mg_per_ml_syringe_has_no_dilution_warning():
    """§4.3: the 10 mg/mL strength given as it is needs no diluent; only its concentration warns."""
    plan = dosing.prepare_syringe(dose_mg=D(35), vial_mg_per_ml=D(10), target_mg_per_ml=D(10),
                                  duration_min=D(30))

    assert (plan.diluent_ml, plan.total_ml, plan.rate_ml_per_h) == (D(0), D("3.5"), D("7.0"))
    assert [warning.code for warning in plan.warnings] == ["DURATION_SHORT", "FINAL_CONCENTRATION_HIGH"]


def test_small_syringe_diluent_is_measured_to_hundredths():
    """§4.5 draw rounding applied to the diluent (product choice): 4 mg at 5 mg/mL → 0.8 mL total, diluent 0.72 mL."""
    plan = dosing.prepare_syringe(dose_mg=D(4), vial_mg_per_ml=D(50), target_mg_per_ml=D(5))

    assert (plan.drug_ml, plan.diluent_ml, plan.total_ml) == (D("0.08"), D("0.72"), D("0.80"))


@pytest.mark.parametrize(("infused_ml", "delivered_mg", "remaining_mg"), [
    (D(0), D(0), D("35.0")), (D("100.70"), D("35.0"), D(0))])
def test_delivered_dose_at_the_ends(infused_ml, delivered_mg, remaining_mg):
    """§4.4: delivered = infused × drawn ÷ total; what remains is waste (§9)."""
    stop = dosing.delivered(drawn_mg=D("35.0"), total_ml=D("100.70"), infused_ml=infused_ml)

    assert (stop.delivered_mg, stop.remaining_mg) == (delivered_mg, remaining_mg)


@pytest.mark.parametrize("infused_ml", [D("100.71"), D("-1")])
def test_refuses_an_infused_volume_outside_the_bag(infused_ml):
    with pytest.raises((body_size.InvalidMeasure, dosing.InfusedVolumeInvalid)) as error:
        dosing.delivered(drawn_mg=D("35.0"), total_ml=D("100.70"), infused_ml=infused_ml)

    assert error.value.field == "infused_ml"


# --- protocol checks ---------------------------------------------------------------------------------

@pytest.mark.parametrize("settings_", [dict(weight_basis="lean"), dict(max_final_mg_per_ml=D(0)),
                                       dict(max_dose_mg=D(-1)), dict(max_weight_age_days=-1),
                                       dict(min_dose_mg_per_kg=D(2)), dict(bag_ml=-100), dict(bag_ml=100.0),
                                       dict(duration_min=D("Infinity")), dict(max_weight_age_days=7.5)])
def test_refuses_an_inconsistent_protocol(settings_):
    with pytest.raises(dosing.ProtocolInvalid):
        DosingProtocol(**settings_)


# --- properties (style habit 10) ---------------------------------------------------------------------

weights = st.decimals(min_value=25, max_value=350, places=1)
doses = st.decimals(min_value=D("0.1"), max_value=D("1.0"), places=2)
minutes = st.decimals(min_value=1, max_value=240, places=0)
vials = st.sampled_from([D(10), D(50), D(100)])
HALF_STEP_MG = D("0.05")


@given(weight_kg=weights, mg_per_kg=doses)
def test_dose_scales_linearly_with_weight_and_mg_per_kg(weight_kg, mg_per_kg):
    """§4.4: dose = mg/kg × dosing weight, off by at most half the 0.1 mg rounding step (§4.5)."""
    result = calc(weight_kg=weight_kg, dose_mg_per_kg=mg_per_kg)

    assert abs(result.dose_mg - mg_per_kg * weight_kg) <= HALF_STEP_MG


@given(weight_kg=st.decimals(min_value=25, max_value=175, places=1), mg_per_kg=doses)
def test_doubling_the_weight_doubles_the_dose(weight_kg, mg_per_kg):
    """§4.4: twice the weight gives twice the dose, within the two 0.1 mg roundings (§4.5)."""
    single = calc(weight_kg=weight_kg, dose_mg_per_kg=mg_per_kg).dose_mg

    assert abs(calc(weight_kg=2 * weight_kg, dose_mg_per_kg=mg_per_kg).dose_mg - 2 * single) <= 3 * HALF_STEP_MG


@given(weight_kg=weights, mg_per_kg=doses, duration_min=minutes, vial=vials)
def test_rate_times_duration_gives_the_bag_volume(weight_kg, mg_per_kg, duration_min, vial):
    """§4.4: rate = total × 60 ÷ min, rounded to 0.1 mL/h, so rate × min ÷ 60 is the total within 0.05 mL/h."""
    result = calc(weight_kg=weight_kg, dose_mg_per_kg=mg_per_kg, duration_min=duration_min, vial_mg_per_ml=vial)

    assert abs(result.rate_ml_per_h * duration_min / 60 - result.total_ml) <= D("0.05") * duration_min / 60


@given(weight_kg=weights, mg_per_kg=doses, cap_mg=st.decimals(min_value=10, max_value=200, places=1))
def test_dose_never_exceeds_a_set_cap(weight_kg, mg_per_kg, cap_mg):
    """§4.5: with an mg cap set, a dose is either within it or refused."""
    protocol = DosingProtocol(max_dose_mg=cap_mg)
    try:
        assert calc(weight_kg=weight_kg, dose_mg_per_kg=mg_per_kg, protocol=protocol).dose_mg <= cap_mg
    except dosing.DoseAboveCap:
        assert dosing.round_half_up(weight_kg * mg_per_kg, D("0.1")) > cap_mg

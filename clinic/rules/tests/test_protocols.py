"""The clinic protocol catalogue: every section's fields with their tags, JSON-plain values that build back
into the same protocol object, and every refusal naming its field with the rule's own message."""

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic.rules import protocols
from clinic.rules.course_plan import InductionProtocol
from clinic.rules.dosing.protocol import DosingProtocol
from clinic.rules.eligibility import EligibilityProtocol
from clinic.rules.protocol import InvalidProtocol
from clinic.rules.scales.base import AlertLocked
from clinic.rules.trd import TrdProtocol
from clinic.rules.visits import VisitProtocol

KEYS = [item.key for item in protocols.SECTIONS]
SPECS = [spec for key in KEYS for spec in protocols.field_specs(key)]
WRONG_TYPE = {"int": "abc", "decimal": "abc", "bool": "yes", "text": 12, "choice": 12, "int_list": "1, 2",
              "text_list": "low", "mapping": ["low"]}
# One value each section's own checks refuse, as stored values and as the class takes them.
REFUSED = {
    "eligibility": ({"adult_age_years": 17}, {"adult_age_years": 17}),
    "trd": ({"min_weeks": 3}, {"min_weeks": 3}),
    "dosing": ({"weight_basis": "lean"}, {"weight_basis": "lean"}),
    "visits": ({"consultation_chair_min": 0}, {"consultation_chair_min": 0}),
    "vitals": ({"infusion_timepoints_min": [20, 10]}, {"infusion_timepoints_min": (20, 10)}),
    "discharge": ({"max_nausea": "extreme"}, {"max_nausea": "extreme"}),
    "induction": ({"induction_count": 0}, {"induction_count": 0}),
    "response": ({"partial_pct": "0"}, {"partial_pct": Decimal(0)}),
    "maintenance": ({"min_interval_weeks": 7}, {"min_interval_weeks": 7}),
    "long_term": ({"window_days": [0]}, {"window_days": (0,)}),
    "phq9": ({"suicide_alert_above": 1}, {"suicide_alert_above": 1}),
    "madrs": ({"suicide_alert_above": 2}, {"suicide_alert_above": 2}),
    "qids_sr16": ({"suicide_alert_above": 1}, {"suicide_alert_above": 1}),
    "hamd17": ({"suicide_alert_above": 1}, {"suicide_alert_above": 1}),
    "cssrs_screener": ({"alert_on_moderate": False}, {"alert_on_moderate": False}),
    "audit_c": ({"positive_at_or_above_male": 13}, {"positive_at_or_above_male": 13}),
    "dast10": ({"sud_caution_at_or_above": 0}, {"sud_caution_at_or_above": 0}),
    "pcl5": ({"provisional_cutoff": 81}, {"provisional_cutoff": 81}),
    "ymrs": ({"hold_next_infusion_at_or_above": "61"}, {"hold_next_infusion_at_or_above": Decimal(61)}),
    "fiqr": ({"band_set": "salaffi_1999"}, {"band_set": "salaffi_1999"}),
    "pain_nrs": ({"recall_period": "last week"}, {"recall_period": "last week"}),
    "plausibility": ({"height_change_confirm_cm": "0"}, {"height_change_confirm_cm": Decimal(0)}),
}


def refusal(call):
    with pytest.raises(InvalidProtocol) as caught:
        call()
    return caught.value


def test_every_section_is_a_protocol_object_with_a_unique_key():
    assert len(set(KEYS)) == len(KEYS) == 22
    assert set(REFUSED) == set(KEYS)
    assert protocols.section("induction") == protocols.Section("induction", "Induction course", InductionProtocol,
                                                               "clinical-reference §6.1")


@pytest.mark.parametrize("key", KEYS)
def test_default_values_build_back_into_the_default_object(key):
    default = protocols.section(key).cls()

    stored = json.loads(json.dumps(protocols.to_values(default)))

    assert protocols.build(key, stored) == default
    assert protocols.build(key, {}) == default
    assert protocols.defaults()[key] == stored


@pytest.mark.parametrize("key", KEYS)
def test_refuses_a_setting_the_section_does_not_have(key):
    error = refusal(lambda: protocols.build(key, {"no_such_setting": 1}))

    assert error.field == "no_such_setting"
    assert error.message == f"{protocols.section(key).title} has no setting 'no_such_setting'."


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: f"{spec.section}.{spec.name}")
def test_refuses_a_value_of_the_wrong_type_naming_the_field(spec):
    error = refusal(lambda: protocols.build(spec.section, {spec.name: WRONG_TYPE[spec.kind]}))

    assert error.field == spec.name
    assert repr(WRONG_TYPE[spec.kind]) in error.message


@pytest.mark.parametrize("key", KEYS)
def test_refuses_what_the_protocol_object_itself_refuses_with_its_own_message(key):
    stored, direct = REFUSED[key]
    expected = refusal(lambda: protocols.section(key).cls(**direct))

    error = refusal(lambda: protocols.build(key, stored))

    assert (type(error), error.field, error.message) == (type(expected), expected.field, expected.message)
    assert error.field == next(iter(stored))


@pytest.mark.parametrize("key", ["phq9", "madrs", "qids_sr16", "hamd17", "cssrs_screener"])
def test_a_locked_suicide_alert_cannot_be_switched_off(key):
    stored, _ = REFUSED[key]

    error = refusal(lambda: protocols.build(key, stored))

    assert isinstance(error, AlertLocked)
    assert "locked (clinical-reference §7.2)" in error.message


@pytest.mark.parametrize(("values", "field", "words"), [
    ({"kinds": {"HS_PREGNANT": "caution"}}, "kinds", "HS_PREGNANT"),
    ({"kinds": {"IN_TRD": "hard_stop"}}, "kinds", "not an eligibility gate"),
    ({"cssrs_caution_risks": ["high"]}, "cssrs_caution_risks", "Keep moderate and high"),
    ({"intake_screens": ["audit_c", "dast10"]}, "intake_screens", "needs the C-SSRS screener"),
])
def test_locked_screening_settings_are_refused_as_the_rules_refuse_them(values, field, words):
    error = refusal(lambda: protocols.build("eligibility", values))

    assert error.field == field
    assert words in error.message


def test_an_int_setting_takes_no_fraction_and_no_true_or_false():
    assert refusal(lambda: protocols.build("induction", {"induction_count": 6.5})).field == "induction_count"
    assert refusal(lambda: protocols.build("induction", {"induction_count": True})).field == "induction_count"


def test_a_decimal_setting_takes_text_numbers_and_floats_exactly_as_written():
    built = protocols.build("dosing", {"max_dose_mg_per_kg": 1.5, "warn_above_mg_per_kg": "0.8", "bag_ml": 250})

    assert (built.max_dose_mg_per_kg, built.warn_above_mg_per_kg, built.bag_ml) == (
        Decimal("1.5"), Decimal("0.8"), Decimal(250))
    assert protocols.to_values(built)["max_dose_mg_per_kg"] == "1.5"
    assert refusal(lambda: protocols.build("dosing", {"bag_ml": "NaN"})).field == "bag_ml"


def test_an_unset_setting_takes_none_only_where_the_object_allows_it():
    assert protocols.build("dosing", {"max_dose_mg": None}).max_dose_mg is None

    error = refusal(lambda: protocols.build("dosing", {"bag_ml": None}))

    assert (error.field, error.message) == ("bag_ml", "Bag (mL) needs a value.")


def test_the_trd_section_is_built_first_and_held_by_eligibility():
    built = protocols.build_all({"trd": {"min_weeks": 8}, "induction": {"induction_count": 8}})

    assert built["eligibility"].trd == built["trd"] == TrdProtocol(min_weeks=8)
    assert built["induction"].induction_count == 8
    assert list(built) == KEYS
    assert "trd" not in protocols.to_values(EligibilityProtocol())
    assert protocols.build("eligibility", {}, sections={"trd": TrdProtocol(min_weeks=4)}).trd.min_weeks == 4


def test_refuses_an_unknown_section():
    assert refusal(lambda: protocols.build_all({"dosage": {}})).field == "dosage"
    assert refusal(lambda: protocols.section("dosage")).field == "section"


def test_field_specs_carry_tag_source_and_what_an_unset_setting_blocks():
    specs = {spec.name: spec for spec in protocols.field_specs("vitals")}

    spo2 = specs["spo2_low_below_percent"]
    assert (spo2.label, spo2.kind, spo2.tag, spo2.verified, spo2.required, spo2.default) == (
        "SpO₂ low below (%)", "int", "D", True, True, None)
    assert spo2.blocks == "infusions until the medical director sets it"
    assert specs["infusion_every_min_after_last"].verified is False
    assert specs["stop_symptoms"].kind == "text_list"
    assert ("CHEST_PAIN", "Chest pain") in specs["stop_symptoms"].choices


def test_every_spec_has_a_known_kind_and_its_default_is_the_stored_default():
    stored = protocols.defaults()

    for spec in SPECS:
        assert spec.kind in protocols.KINDS
        assert spec.default == stored[spec.section][spec.name]
        assert spec.tag in {"L", "D", "U"} and spec.source


def test_choice_fields_list_their_options_with_labels():
    specs = {spec.name: spec for spec in protocols.field_specs("eligibility")}
    fiqr = protocols.field_specs("fiqr")[0]

    assert specs["primary_scales"].kind == "mapping"
    assert specs["primary_scales"].default["PTSD"] == "pcl5"
    assert ("pcl5", "PCL-5") in specs["primary_scales"].choices
    assert specs["intake_screens"].default == ["audit_c", "dast10", "cssrs_screener"]
    assert specs["cssrs_caution_risks"].default == ["high", "moderate"]
    assert (fiqr.kind, fiqr.tag, fiqr.default, fiqr.choices) == (
        "choice", "U", None, (("salaffi_2020", "Salaffi 2020"), ("salaffi_2018", "Salaffi 2018")))
    assert protocols.field_specs("dosing")[0].choices[0] == ("actual", "Actual")


def test_a_clinic_adds_a_threshold_to_one_scale_of_the_response_table():
    stored = protocols.defaults()["response"]
    stored["criteria"]["pcl5"]["response_points"] = {"value": "10", "tag": "D", "source": "clinic's choice"}

    built = protocols.build("response", stored)

    assert built.criteria_for("pcl5").response_points.value == Decimal(10)
    assert built.criteria_for("phq9") == protocols.build("response", {}).criteria_for("phq9")


def test_the_response_table_keeps_its_order_whatever_order_the_store_gives():
    stored = protocols.defaults()["response"]
    stored["criteria"] = dict(reversed(list(stored["criteria"].items())))

    assert protocols.build("response", stored) == protocols.build("response", {})


@pytest.mark.parametrize("criteria", ["phq9", {"phq9": {"remission": None, "colour": "red"}},
                                      {"phq9": {"remission": {"score": "5"}}}, {"nope": {}}])
def test_refuses_a_malformed_response_table(criteria):
    assert refusal(lambda: protocols.build("response", {"criteria": criteria})).field == "criteria"


@given(count=st.integers(min_value=-5, max_value=40))
def test_an_induction_count_builds_or_is_refused_naming_a_field(count):
    try:
        built = protocols.build("induction", {"induction_count": count})
    except InvalidProtocol as error:
        assert error.field in {"induction_count", "futility_check_after_infusion"}
        assert count < 3
    else:
        assert built.induction_count == count
        assert protocols.build("induction", protocols.to_values(built)) == built


@given(bag_ml=st.decimals(min_value=Decimal("0.1"), max_value=Decimal(1000), places=1))
def test_a_decimal_setting_survives_the_store(bag_ml):
    built = protocols.build("dosing", {"bag_ml": str(bag_ml)})

    stored = json.loads(json.dumps(protocols.to_values(built)))

    assert protocols.build("dosing", stored) == built == DosingProtocol(bag_ml=bag_ml)


@given(chair_min=st.integers(min_value=1, max_value=24 * 60), setup_min=st.integers(min_value=0, max_value=60))
def test_visit_minutes_survive_the_store(chair_min, setup_min):
    values = {"induction_infusion_chair_min": chair_min, "induction_infusion_setup_min": setup_min}

    built = protocols.build("visits", values)

    assert built == VisitProtocol(induction_infusion_chair_min=chair_min, induction_infusion_setup_min=setup_min)
    assert protocols.build("visits", protocols.to_values(built)) == built


def test_a_decimal_setting_refuses_a_list():
    assert refusal(lambda: protocols.build("dosing", {"bag_ml": [100]})).field == "bag_ml"


def test_a_setting_of_a_type_the_store_cannot_hold_is_caught_when_its_section_is_read():
    @dataclass(frozen=True)
    class DatedProtocol:
        starts_on: date = date(2026, 12, 2)

    with pytest.raises(TypeError, match=r"DatedProtocol\.starts_on has a type the catalogue cannot store"):
        protocols._kind(DatedProtocol, "starts_on", date)

"""The visit protocol: chair and set-up minutes the reference leaves unset block booking, the fasting
instruction the reference leaves unset blocks pre-visit instructions, and the escort and driving texts
of clinical-reference §5.5."""

import pytest

from clinic.rules import visits
from clinic.rules.protocol import InvalidProtocol
from clinic.rules.visits import VisitProtocol, VisitSettingNotSet

SET = VisitProtocol(consultation_chair_min=45, consultation_setup_min=0, induction_infusion_chair_min=120,
                    induction_infusion_setup_min=15, maintenance_infusion_chair_min=105,
                    maintenance_infusion_setup_min=15, fasting_text="No solids for 6 hours.")


def test_shipped_visit_protocol_leaves_every_minute_and_the_fasting_text_unset():
    assert visits.unset_settings(visits.DEFAULT_PROTOCOL) == (
        "consultation_chair_min", "consultation_setup_min", "induction_infusion_chair_min",
        "induction_infusion_setup_min", "maintenance_infusion_chair_min", "maintenance_infusion_setup_min",
        "fasting_text")
    assert visits.unset_settings(SET) == ()


def test_booking_is_refused_while_a_visit_types_minutes_are_unset():
    with pytest.raises(VisitSettingNotSet) as caught:
        visits.booking_minutes(visits.DEFAULT_PROTOCOL, "induction_infusion")

    assert caught.value.missing == ("induction_infusion_chair_min", "induction_infusion_setup_min")
    assert caught.value.field == "induction_infusion_chair_min"
    assert caught.value.message.startswith("Booking is blocked: the medical director has not set "
                                           "induction_infusion_chair_min, induction_infusion_setup_min.")


def test_booking_minutes_once_set():
    assert visits.booking_minutes(SET, "induction_infusion") == (120, 15)
    assert visits.booking_minutes(SET, "consultation") == (45, 0)


def test_refuses_an_unknown_visit_type():
    with pytest.raises(InvalidProtocol) as caught:
        visits.booking_minutes(SET, "follow_up")

    assert caught.value.field == "visit_type"


def test_pre_visit_instructions_wait_for_the_clinics_fasting_text():
    with pytest.raises(VisitSettingNotSet) as caught:
        visits.pre_visit_instructions(visits.DEFAULT_PROTOCOL)

    assert caught.value.missing == ("fasting_text",)


def test_pre_visit_instructions_give_escort_driving_and_fasting():
    escort, driving, fasting = visits.pre_visit_instructions(SET)

    assert "responsible adult" in escort
    # §5.5: the stricter of the esketamine rule (next day after restful sleep) and the 24-h clinic-sheet rule.
    assert "day after your infusion, after a night's restful sleep" in driving
    assert "24 hours" in driving and "alcohol or use cannabis" in driving
    assert fasting == "No solids for 6 hours."


@pytest.mark.parametrize(("changes", "field"), [
    ({"consultation_chair_min": 0}, "consultation_chair_min"),
    ({"maintenance_infusion_setup_min": -1}, "maintenance_infusion_setup_min"),
    ({"induction_infusion_chair_min": 24 * 60 + 1}, "induction_infusion_chair_min"),
    ({"induction_infusion_chair_min": True}, "induction_infusion_chair_min"),
    ({"escort_text": "  "}, "escort_text"),
    ({"fasting_text": ""}, "fasting_text"),
])
def test_refuses_impossible_visit_settings(changes, field):
    with pytest.raises(InvalidProtocol) as caught:
        VisitProtocol(**changes)

    assert caught.value.field == field


def test_set_up_may_be_zero_minutes():
    assert VisitProtocol(consultation_setup_min=0).consultation_setup_min == 0

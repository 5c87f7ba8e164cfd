"""Contraindications a clinic cannot soften (clinical-reference §3), and the [D] rows it may."""

import pytest

from clinic.rules import eligibility
from clinic.rules.eligibility import EligibilityProtocol
from clinic.rules.tests.test_eligibility import finding, make

LOCKED = ("HS_ANEURYSM", "HS_AVM", "HS_ICH", "HS_HYPERSENS", "HS_PREGNANT", "HS_PSYCHOSIS_ACTIVE",
          "HS_INTAKE_INCOMPLETE", "HS_SUICIDE_HIGH")


def test_the_locked_hard_stops_are_the_reference_s():
    """clinical-reference §3 [D]: the esketamine label's contraindications, HS_PREGNANT and HS_PSYCHOSIS_ACTIVE can
    never be milder than a hard stop; so can the guards that nothing passes unanswered or unassessed."""
    assert set(eligibility.LOCKED_HARD_STOPS) == set(LOCKED)
    assert all(eligibility.LOCKED_HARD_STOPS.values())


@pytest.mark.parametrize("kind", ["caution", "information"])
@pytest.mark.parametrize("code", LOCKED)
def test_refuses_a_locked_hard_stop_made_milder(code, kind):
    """clinical-reference §3 [D]: a setting that softens a locked hard stop is refused, naming the rule and why."""
    with pytest.raises(eligibility.EligibilityProtocolInvalid) as error:
        EligibilityProtocol(kinds={code: kind})

    assert error.value.field == "kinds"
    assert error.value.message == (f"{code} is {eligibility.LOCKED_HARD_STOPS[code]}; it can never be milder than a "
                                   "hard stop (clinical-reference §3).")


def test_the_aneurysm_refusal_reads_as_the_label_s_contraindication():
    """clinical-reference §3: HS_ANEURYSM is a contraindication on the esketamine label [11]."""
    with pytest.raises(eligibility.EligibilityProtocolInvalid) as error:
        EligibilityProtocol(kinds={"HS_ANEURYSM": "caution"})

    assert error.value.message == ("HS_ANEURYSM is a contraindication on the esketamine label [11]; it can never be "
                                   "milder than a hard stop (clinical-reference §3).")


@pytest.mark.parametrize("code", ["HS_INTAKE_INCOMPLETE", "HS_SUICIDE_HIGH"])
def test_the_two_guards_say_what_they_guard(code):
    """clinical-reference §3: HS_INTAKE_INCOMPLETE (nothing passes unanswered) and HS_SUICIDE_HIGH (nothing passes
    unassessed) are locked for what they guard, not as clinical contraindications."""
    assert eligibility.LOCKED_HARD_STOPS[code].startswith("the guard that")


@pytest.mark.parametrize("code", LOCKED)
def test_a_locked_rule_may_be_set_to_hard_stop(code):
    """clinical-reference §3: restating the locked kind is allowed."""
    assert EligibilityProtocol(kinds={code: "hard_stop"}).kinds == {code: "hard_stop"}


@pytest.mark.parametrize(("code", "kind"), [("HS_ICP_IOP", "caution"), ("HS_AGE", "caution"),
                                            ("CA_EPILEPSY", "hard_stop"), ("IN_PREGNANCY_TEST", "hard_stop")])
def test_other_kinds_remain_clinic_settings(code, kind):
    """clinical-reference §3 [D]: the kind of each other rule is a setting (HS_ICP_IOP, CA_EPILEPSY are [D])."""
    assert EligibilityProtocol(kinds={code: kind}).kind_of(next(rule for rule in eligibility.RULES
                                                                if rule.code == code)) == kind


@pytest.mark.parametrize(("item", "code", "kind"), [
    ("raised_intracranial_or_intraocular_pressure", "HS_ICP_IOP", "hard_stop"),
    ("epilepsy_recent_seizure", "CA_EPILEPSY", "caution"),
])
def test_raised_pressure_is_a_hard_stop_and_recent_epilepsy_a_caution_by_default(item, code, kind):
    """clinical-reference §3: HS_ICP_IOP hard stop [D] (ketamine raises both pressures [13, 8]); CA_EPILEPSY caution
    [D] (a seizure in the past 12 months; NHS clinic list [U])."""
    result = finding(make(safety={item: True}), code)

    assert (result.kind, result.data) == (kind, {"items": [item]})
    assert eligibility.blocks_scheduling([result]) is (kind == "hard_stop")


@pytest.mark.parametrize(("item", "code"), [("raised_intracranial_or_intraocular_pressure", "HS_ICP_IOP"),
                                            ("epilepsy_recent_seizure", "CA_EPILEPSY")])
def test_raised_pressure_and_epilepsy_need_a_yes(item, code):
    """clinical-reference §3: a no raises nothing; unanswered, the intake is incomplete (never read as no)."""
    answered_no = [found.code for found in eligibility.screen(make(safety={item: False}))]
    unanswered = eligibility.screen(make(safety={item: None}))

    assert answered_no == []
    assert [(found.code, [entry["rule"] for entry in found.data["safety_items"]]) for found in unanswered] == [
        ("HS_INTAKE_INCOMPLETE", [code])]

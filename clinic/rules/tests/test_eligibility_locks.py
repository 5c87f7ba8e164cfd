"""Kinds a clinic cannot soften (clinical-reference §3 locked hard stops, §7.2 locked suicide alerts), and the
[D] rows it may."""

import pytest

from clinic.rules import eligibility
from clinic.rules.eligibility import EligibilityProtocol
from clinic.rules.tests.test_eligibility import finding, make

LOCKED = ("HS_ANEURYSM", "HS_AVM", "HS_ICH", "HS_HYPERSENS", "HS_PREGNANT", "HS_PSYCHOSIS_ACTIVE",
          "HS_INTAKE_INCOMPLETE", "HS_SUICIDE_HIGH")
# The mildest kind the reference lets a clinic give each locked rule (§3 locked kinds; §7.2 suicide alerts).
MINIMUM = {**{code: "hard_stop" for code in LOCKED}, "CA_SUICIDE_RISK": "caution"}
MILDEST_FIRST = ("information", "caution", "hard_stop")


def _allowed_by_the_reference(code, kind):
    if code == "IN_TRD" and kind == "hard_stop":
        return False  # §2.2: the TRD result is a flag for the prescriber, never a gate
    return code not in MINIMUM or MILDEST_FIRST.index(kind) >= MILDEST_FIRST.index(MINIMUM[code])


SETTINGS = [(code, kind) for code in sorted(eligibility.RULE_CODES) for kind in MILDEST_FIRST]


@pytest.mark.parametrize(("code", "kind"), SETTINGS, ids=[f"{code}={kind}" for code, kind in SETTINGS])
def test_every_rule_takes_every_kind_except_those_the_reference_locks(code, kind):
    """clinical-reference §3 [D]: the kind of each rule is a setting, except that the esketamine label's
    contraindications, HS_PREGNANT and HS_PSYCHOSIS_ACTIVE (and the guards HS_INTAKE_INCOMPLETE and HS_SUICIDE_HIGH)
    can never be milder than a hard stop; §7.2: CA_SUICIDE_RISK never milder than a caution; §2.2: IN_TRD never a
    hard stop. Every other code accepts every kind."""
    if _allowed_by_the_reference(code, kind):
        assert EligibilityProtocol(kinds={code: kind}).kinds == {code: kind}
    else:
        with pytest.raises(eligibility.EligibilityProtocolInvalid) as error:
            EligibilityProtocol(kinds={code: kind})
        assert error.value.field == "kinds"


REFUSALS = [
    ("HS_ANEURYSM", "caution", "HS_ANEURYSM is a contraindication on the esketamine label [11]; it can never be "
     "milder than a hard stop (clinical-reference §3)."),
    ("HS_PREGNANT", "information", "HS_PREGNANT is locked by the reference (positive test or reported pregnancy; "
     "RCT eligibility [28], esketamine label [11]); it can never be milder than a hard stop (clinical-reference §3)."),
    ("HS_INTAKE_INCOMPLETE", "caution", "HS_INTAKE_INCOMPLETE is the guard that nothing passes by being unanswered: "
     "unanswered safety items, a missing blood pressure or missing screens; it can never be milder than a hard stop "
     "(clinical-reference §3)."),
    ("HS_SUICIDE_HIGH", "caution", "HS_SUICIDE_HIGH is the guard that high suicide risk never passes unassessed: a "
     "clinician's suicide risk assessment comes first (§7.2, suicide alerts are locked); it can never be milder than "
     "a hard stop (clinical-reference §3)."),
    ("CA_SUICIDE_RISK", "information", "CA_SUICIDE_RISK is the suicide alert (C-SSRS moderate or high risk, PHQ-9 "
     "item 9 above 0) that needs the prescriber's documented decision; it can never be milder than a caution "
     "(clinical-reference §7.2: no clinic may switch a suicide alert off or make it less sensitive)."),
]


@pytest.mark.parametrize(("code", "kind", "message"), REFUSALS, ids=[f"{code}={kind}" for code, kind, _ in REFUSALS])
def test_the_refusal_names_the_rule_why_it_is_locked_and_the_lock(code, kind, message):
    """clinical-reference §3 [D] locked kinds and §7.2 locked suicide alerts: the refusal names the rule, what it
    guards or why the reference locks it, and the mildest kind allowed."""
    with pytest.raises(eligibility.EligibilityProtocolInvalid) as error:
        EligibilityProtocol(kinds={code: kind})

    assert error.value.message == message


def test_the_suicide_risk_caution_may_be_made_a_hard_stop():
    """clinical-reference §7.2: a clinic may make a suicide alert stricter, never milder; the finding then blocks
    scheduling."""
    protocol = EligibilityProtocol(kinds={"CA_SUICIDE_RISK": "hard_stop"})

    result = finding(make(screens={"cssrs_screener": [1, 1, 1, 0, 0, 0]}), "CA_SUICIDE_RISK", protocol)

    assert (result.kind, eligibility.blocks_scheduling([result])) == ("hard_stop", True)


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

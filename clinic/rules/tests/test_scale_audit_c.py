import pytest

from clinic.rules.scales import audit_c
from clinic.rules.scales.base import AnswerError

SCORE = audit_c.INSTRUMENT.score


def test_reference_fixture_5_is_positive():
    """clinical-reference §7.3: 3,1,1 → 5, positive (≥ 4 men, ≥ 3 women; Bush 1998, Bradley 2003)."""
    result = SCORE([3, 1, 1], {"sex": "male"})

    assert result.total == 5
    assert [alert.code for alert in result.alerts] == ["AUDIT_C_POSITIVE"]
    assert result.flags == ("CA_SUD_HISTORY",)


@pytest.mark.parametrize(("sex", "positive"), [("female", True), ("male", False)])
def test_reference_fixture_3_is_positive_only_if_female(sex, positive):
    """clinical-reference §7.3: 2,0,1 → 3, positive only if female."""
    result = SCORE([2, 0, 1], {"sex": sex})

    assert result.total == 3
    assert (result.flags == ("CA_SUD_HISTORY",)) is positive


@pytest.mark.parametrize("context", [{}, {"sex": None}, {"sex": "other"}, {"sex": "unknown"}])
def test_lower_cut_off_applies_when_sex_is_not_male_or_female(context):
    """clinical-reference §7.2 AUDIT-C: positive ≥ 4 (men), ≥ 3 (women). Without male or female the lower cut-off
    (3) applies, so no hazardous drinker is missed, and the alert says which cut-off was used (a product decision
    where §7.2 gives none)."""
    result = SCORE([2, 0, 1], context)

    assert result.flags == ("CA_SUD_HISTORY",)
    assert "lower cut-off" in result.alerts[0].message


@pytest.mark.parametrize(("answers", "sex", "positive"), [
    ([2, 1, 0], "male", False), ([2, 1, 1], "male", True),
    ([1, 1, 0], "female", False), ([2, 1, 0], "female", True),
])
def test_cut_off_boundaries(answers, sex, positive):
    """clinical-reference §7.2: men 3 negative / 4 positive; women 2 negative / 3 positive."""
    result = SCORE(answers, {"sex": sex})

    assert (len(result.alerts) == 1, result.flags == ("CA_SUD_HISTORY",)) == (positive, positive)


@pytest.mark.parametrize(("answers", "total", "positive"), [([0, 0, 0], 0, False), ([4, 4, 4], 12, True)])
def test_minimum_and_maximum_totals(answers, total, positive):
    """clinical-reference §7.1: 3 × 0–4, total 0–12; no bands, so severity stays None."""
    result = SCORE(answers, {"sex": "male"})

    assert (result.total, result.severity, bool(result.alerts)) == (total, None, positive)


def test_clinic_may_raise_the_mens_cut_off():
    """clinical-reference §7.2 and §3 [D]: the AUDIT-C cut-offs are clinic settings; with the men's cut-off at 5, a
    man's 4 raises no alert."""
    context = {"sex": "male", "protocol": audit_c.AuditCProtocol(positive_at_or_above_male=5)}

    assert SCORE([2, 1, 1], context).alerts == ()


def test_refuses_an_unknown_sex_value():
    """clinical-reference §7.2 AUDIT-C: the cut-off depends on sex, so a sex value the rules cannot read ("F") is
    refused naming it rather than guessed."""
    with pytest.raises(AnswerError) as error:
        SCORE([2, 0, 1], {"sex": "F"})

    assert error.value.field == "context.sex"


def test_out_of_range_answer_names_the_item():
    """clinical-reference §7.1 AUDIT-C: 3 items × 0–4; a 5 on item 2 is refused naming the item."""
    with pytest.raises(AnswerError) as error:
        SCORE([2, 5, 1])

    assert error.value.field == "item 2"


def test_wrong_answer_count_names_the_answers():
    """clinical-reference §7.1 AUDIT-C: 3 items; two answers are refused naming the answers."""
    with pytest.raises(AnswerError) as error:
        SCORE([2, 0])

    assert error.value.field == "answers"


def test_carries_the_loinc_codes_from_the_reference():
    """clinical-reference §7.2: AUDIT-C panel 72109-2, total 75626-2."""
    assert (audit_c.INSTRUMENT.loinc_panel, audit_c.INSTRUMENT.loinc_total) == ("72109-2", "75626-2")

"""C-SSRS screener risk levels against Posner et al. triage guidance [45], clinical-reference §7.1–§7.3 and
the answer format of design §4.4 (item 6: 0 No, 1 Yes more than 3 months ago, 2 Yes within 3 months)."""

import pytest

from clinic.rules.scales import cssrs_screener
from clinic.rules.scales.base import AnswerError

SCORE = cssrs_screener.INSTRUMENT.score
NOT_ASKED = [None, None, None]


def test_reference_fixture_yes_yes_yes_no_no_no_is_moderate():
    """clinical-reference §7.3: yes, yes, yes, no, no, no → moderate."""
    result = SCORE([1, 1, 1, 0, 0, 0])

    assert (result.total, result.severity, result.risk) == (None, None, "moderate")
    assert [(alert.code, alert.item) for alert in result.alerts] == [("SUICIDE_RISK_MODERATE", 3)]


def test_reference_fixture_behaviour_within_3_months_is_high():
    """clinical-reference §7.3: Q1 yes, Q2 no, Q6 yes within 3 months → high; Q3–5 not asked."""
    result = SCORE([1, 0, *NOT_ASKED, 2])

    assert result.risk == "high"
    assert [(alert.code, alert.item) for alert in result.alerts] == [("SUICIDE_RISK_HIGH", 6)]
    assert "immediately" in result.alerts[0].message


@pytest.mark.parametrize(("answers", "item"), [([1, 1, 0, 1, 0, 0], 4), ([1, 1, 0, 0, 1, 0], 5),
                                               ([0, 0, *NOT_ASKED, 2], 6), ([1, 1, 1, 1, 1, 2], 4)])
def test_high_risk_on_intent_plan_or_recent_behaviour(answers, item):
    """clinical-reference §7.2 high: Q4 or Q5 yes, or behaviour ≤ 3 months ago → immediate evaluation and
    precautions [L]."""
    result = SCORE(answers)

    assert result.risk == "high"
    assert [(alert.code, alert.item) for alert in result.alerts] == [("SUICIDE_RISK_HIGH", item)]


@pytest.mark.parametrize(("answers", "item"), [([0, 1, 1, 0, 0, 0], 3), ([0, 0, *NOT_ASKED, 1], 6),
                                               ([1, 1, 0, 0, 0, 1], 6)])
def test_moderate_risk_on_method_or_past_behaviour(answers, item):
    """clinical-reference §7.2 moderate: Q3 yes, or behaviour > 3 months ago → same-day review [D]."""
    result = SCORE(answers)

    assert result.risk == "moderate"
    assert [(alert.code, alert.item) for alert in result.alerts] == [("SUICIDE_RISK_MODERATE", item)]


@pytest.mark.parametrize("answers", [[1, 0, *NOT_ASKED, 0], [0, 1, 0, 0, 0, 0], [1, 1, 0, 0, 0, 0]])
def test_low_risk_when_only_q1_or_q2_is_yes(answers):
    """clinical-reference §7.2 low: only Q1/Q2 yes; the reference names no alert for low risk."""
    result = SCORE(answers)

    assert (result.risk, result.alerts) == ("low", ())


def test_no_positive_answer_gives_no_risk_level():
    """clinical-reference §7.2 C-SSRS: low needs a yes to Q1 or Q2; with every answer No no rule is met, so the risk
    is None, not "low", and nothing alerts."""
    result = SCORE([0, 0, *NOT_ASKED, 0])

    assert (result.total, result.risk, result.alerts) == (None, None, ())




@pytest.mark.parametrize("item", [3, 4, 5])
def test_an_answer_to_q3_to_q5_after_no_to_q2_names_the_item(item):
    """clinical-reference §7.1 skip logic: Q3–5 only if Q2 = yes; after a No they must be null (design §4.4)."""
    answers = [1, 0, *NOT_ASKED, 0]
    answers[item - 1] = 0

    with pytest.raises(AnswerError) as error:
        SCORE(answers)

    assert error.value.field == f"item {item}"
    assert "send null" in error.value.message


@pytest.mark.parametrize("item", [3, 4, 5])
def test_a_missing_q3_to_q5_after_yes_to_q2_names_the_item(item):
    """clinical-reference §7.1 skip logic: after a Yes to Q2, Q3–5 are asked and must be answered."""
    answers = [1, 1, 0, 0, 0, 0]
    answers[item - 1] = None

    with pytest.raises(AnswerError) as error:
        SCORE(answers)

    assert error.value.field == f"item {item}"


@pytest.mark.parametrize(("answer", "label", "risk"), [(0, "No", None),
                                                     (1, "Yes, more than 3 months ago", "moderate"),
                                                     (2, "Yes, within 3 months", "high")])
def test_each_q6_option_reads_as_the_risk_it_gives(answer, label, risk):
    """clinical-reference §7.2 C-SSRS: behaviour ≤ 3 months ago is high, > 3 months ago moderate. The
    option a nurse picks says which, so a label swapped with its neighbour is caught."""
    result = SCORE([0, 0, *NOT_ASKED, answer])

    assert (cssrs_screener.INSTRUMENT.items[5].options[answer].label, result.risk) == (label, risk)


def test_item_6_out_of_range_names_the_item():
    """clinical-reference §7.1 C-SSRS: Q6 is lifetime and past 3 months, three options (0–2); a 3 is refused naming
    the item."""
    with pytest.raises(AnswerError) as error:
        SCORE([0, 0, *NOT_ASKED, 3])

    assert error.value.field == "item 6"


@pytest.mark.parametrize("item", [1, 2, 6])
def test_a_missing_always_asked_item_names_the_item(item):
    """clinical-reference §7.1 C-SSRS: Q1, Q2 and Q6 are always asked; a missing answer is refused naming the item,
    never read as No."""
    answers = [0, 0, *NOT_ASKED, 0]
    answers[item - 1] = None

    with pytest.raises(AnswerError) as error:
        SCORE(answers)

    assert error.value.field == f"item {item}"


def test_wrong_answer_count_names_the_answers():
    """clinical-reference §7.1 C-SSRS screener: 6 yes/no questions; three answers are refused naming the answers."""
    with pytest.raises(AnswerError) as error:
        SCORE([0, 0, 0])

    assert error.value.field == "answers"

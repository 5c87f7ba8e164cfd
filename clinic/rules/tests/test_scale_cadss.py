"""CADSS scoring against Bremner et al. 1998 [40], the Spravato label's dissociation definition [11] and
clinical-reference §7.1–§7.3."""

import pytest

from clinic.rules.scales import cadss
from clinic.rules.scales.base import AnswerError

SCORE = cadss.INSTRUMENT.score


def answers_totalling(total: int) -> list[int]:
    answers = []
    for _ in cadss.INSTRUMENT.items:
        answers.append(min(4, total))
        total -= answers[-1]
    return answers


def test_reference_fixture_pre_dose_0_and_9_at_40_minutes_is_flagged():
    """clinical-reference §7.3: pre-dose 0, 40 min 9 → marked-dissociation flag."""
    result = SCORE(answers_totalling(9), {"pre_dose_total": 0})

    assert (result.total, result.severity, result.flags) == (9, None, ("MARKED_DISSOCIATION",))
    assert [(alert.code, alert.item) for alert in result.alerts] == [("MARKED_DISSOCIATION", None)]


def test_total_of_4_is_not_flagged_even_above_the_pre_dose_total():
    """clinical-reference §7.2: the flag needs a total above 4 (Spravato label)."""
    result = SCORE(answers_totalling(4), {"pre_dose_total": 0})

    assert (result.total, result.flags, result.alerts) == (4, (), ())


def test_total_of_5_above_the_pre_dose_total_is_flagged():
    """clinical-reference §7.2: total > 4 and above the pre-dose score; 5 is the first total above 4."""
    result = SCORE(answers_totalling(5), {"pre_dose_total": 4})

    assert result.flags == ("MARKED_DISSOCIATION",)


def test_total_equal_to_the_pre_dose_total_is_not_flagged():
    """clinical-reference §7.2: the total must be above the pre-dose score, not equal to it."""
    result = SCORE(answers_totalling(12), {"pre_dose_total": 12})

    assert (result.flags, result.alerts) == ((), ())


def test_total_one_above_the_pre_dose_total_is_flagged():
    """clinical-reference §7.2 CADSS: full CADSS > 4 and above the pre-dose score is the marked dissociation of the
    esketamine trials [11]; 13 against a pre-dose 12 is flagged."""
    result = SCORE(answers_totalling(13), {"pre_dose_total": 12})

    assert result.flags == ("MARKED_DISSOCIATION",)


def test_without_a_pre_dose_total_the_flag_rests_on_the_total_and_says_so():
    """clinical-reference §7.2 CADSS: > 4 and above the pre-dose score. Without a pre-dose score no comparison can
    clear the patient, so 5 is flagged (and says so) and 4 is not."""
    flagged, quiet = SCORE(answers_totalling(5)), SCORE(answers_totalling(4))

    assert flagged.flags == ("MARKED_DISSOCIATION",)
    assert "no pre-dose score" in flagged.alerts[0].message
    assert quiet.flags == ()


def test_minimum_and_maximum_totals_and_no_bands():
    """clinical-reference §7.1: 23 subjective items × 0–4, total 0–92; §7.2: no bands."""
    lowest, highest = SCORE([0] * 23), SCORE([4] * 23)

    assert (lowest.total, lowest.severity, highest.total, highest.severity) == (0, None, 92, None)
    assert cadss.INSTRUMENT.bands == ()


@pytest.mark.parametrize("pre_dose_total", [-1, 93, 4.5, "3", True])
def test_an_impossible_pre_dose_total_is_refused(pre_dose_total):
    """clinical-reference §7.1 CADSS: the total runs 0–92 in whole points; a pre-dose total outside it, fractional,
    text or a yes/no is refused naming it."""
    with pytest.raises(AnswerError) as error:
        SCORE([0] * 23, {"pre_dose_total": pre_dose_total})

    assert error.value.field == "context.pre_dose_total"


def test_wrong_answer_count_names_the_answers():
    """clinical-reference §7.1 CADSS: 23 subjective items; the 27-item version's observer items are not part of this
    total, so 27 answers are refused naming the answers."""
    with pytest.raises(AnswerError) as error:
        SCORE([0] * 27)

    assert error.value.field == "answers"


def test_out_of_range_answer_names_the_item():
    """clinical-reference §7.1 CADSS: 23 items × 0–4; a 5 on item 23 is refused naming the item."""
    with pytest.raises(AnswerError) as error:
        SCORE([0] * 22 + [5])

    assert error.value.field == "item 23"

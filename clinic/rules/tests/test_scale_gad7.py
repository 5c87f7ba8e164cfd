"""GAD-7 scoring against Spitzer et al., Arch Intern Med 2006 [36] and clinical-reference §7.1–§7.3."""

import pytest

from clinic.rules.scales import gad7
from clinic.rules.scales.base import AnswerError

SCORE = gad7.INSTRUMENT.score


def answers_totalling(total: int) -> list[int]:
    answers = []
    for _ in gad7.INSTRUMENT.items:
        answers.append(min(3, total))
        total -= answers[-1]
    return answers


def test_reference_fixture_is_8_mild():
    """clinical-reference §7.3: 2,2,1,1,0,1,1 → 8 mild."""
    result = SCORE([2, 2, 1, 1, 0, 1, 1])

    assert (result.total, result.severity, result.alerts) == (8, "MILD", ())


@pytest.mark.parametrize(("total", "band"), [(0, "MINIMAL"), (4, "MINIMAL"), (5, "MILD"), (9, "MILD"),
                                             (10, "MODERATE"), (14, "MODERATE"), (15, "SEVERE"), (21, "SEVERE")])
def test_band_boundaries(total, band):
    """clinical-reference §7.2 GAD-7: Spitzer 2006 [36] bands 0–4, 5–9, 10–14, 15–21, both sides of every boundary
    and both ends."""
    result = SCORE(answers_totalling(total))

    assert (result.total, result.severity) == (total, band)


def test_minimum_and_maximum_totals_are_0_and_21():
    """clinical-reference §7.1: 7 × 0–3, total 0–21."""
    assert (SCORE([0] * 7).total, SCORE([3] * 7).total) == (0, 21)
    assert gad7.INSTRUMENT.total_range == (0, 21)


def test_carries_the_loinc_codes_of_the_reference():
    """clinical-reference §7.2 LOINC: GAD-7 69737-5 (panel) / 70274-6 (total)."""
    assert (gad7.INSTRUMENT.loinc_panel, gad7.INSTRUMENT.loinc_total) == ("69737-5", "70274-6")


def test_wrong_answer_count_names_the_answers():
    """clinical-reference §7.1 GAD-7: 7 items; 6 answers are refused naming the answers and both counts."""
    with pytest.raises(AnswerError) as error:
        SCORE([0] * 6)

    assert error.value.field == "answers"
    assert "7 items; 6 answers" in error.value.message


def test_out_of_range_answer_names_the_item():
    """clinical-reference §7.1 GAD-7: 7 items × 0–3; a 4 on item 6 is refused naming the item."""
    with pytest.raises(AnswerError) as error:
        SCORE([0, 0, 0, 0, 0, 4, 0])

    assert error.value.field == "item 6"


def test_missing_answer_names_the_item():
    """clinical-reference §7.1 GAD-7: the total is the sum of all 7 items; a missing answer is refused naming the
    item, never read as 0."""
    with pytest.raises(AnswerError) as error:
        SCORE([0, None, 0, 0, 0, 0, 0])

    assert error.value.field == "item 2"


@pytest.mark.parametrize("answer", [True, "1", 1.0])
def test_an_answer_that_is_not_a_whole_number_names_the_item(answer):
    """clinical-reference §7.1 GAD-7 (items 0–3) and design §4.4: an answer is the chosen option's index, so a
    yes/no, text or a float is refused naming the item."""
    with pytest.raises(AnswerError) as error:
        SCORE([0, 0, 0, answer, 0, 0, 0])

    assert error.value.field == "item 4"


def test_answers_that_are_not_a_list_are_refused():
    """clinical-reference §7.1 GAD-7: seven item answers, one per item; a string of digits is not a list of answers
    and is refused."""
    with pytest.raises(AnswerError) as error:
        SCORE("0000000")

    assert error.value.field == "answers"

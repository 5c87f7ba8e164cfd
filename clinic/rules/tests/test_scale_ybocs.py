"""Y-BOCS scoring against Goodman et al., Arch Gen Psychiatry 1989 [38] and clinical-reference §7.1–§7.3."""

import pytest

from clinic.rules.scales import ybocs
from clinic.rules.scales.base import AnswerError

SCORE = ybocs.INSTRUMENT.score


def answers_totalling(total: int) -> list[int]:
    answers = []
    for _ in ybocs.INSTRUMENT.items:
        answers.append(min(4, total))
        total -= answers[-1]
    return answers


def test_reference_fixture_is_10_plus_12_moderate():
    """clinical-reference §7.3: 2,2,2,2,2, 3,3,2,2,2 → 10 + 12 = 22 moderate."""
    result = SCORE([2, 2, 2, 2, 2, 3, 3, 2, 2, 2])

    assert (result.total, result.severity) == (22, "MODERATE")
    assert result.subscores == {"obsessions": 10, "compulsions": 12}


@pytest.mark.parametrize(("total", "band"), [(0, "SUBCLINICAL"), (7, "SUBCLINICAL"), (8, "MILD"), (15, "MILD"),
                                             (16, "MODERATE"), (23, "MODERATE"), (24, "SEVERE"), (31, "SEVERE"),
                                             (32, "EXTREME"), (40, "EXTREME")])
def test_band_boundaries(total, band):
    """clinical-reference §7.2 bands 0–7, 8–15, 16–23, 24–31, 32–40 (Goodman 1989), both sides of every boundary."""
    result = SCORE(answers_totalling(total))

    assert (result.total, result.severity) == (total, band)


def test_minimum_and_maximum_totals_with_subtotals():
    """clinical-reference §7.1: 10 × 0–4, total 0–40, obsessions and compulsions subtotals 0–20 each."""
    lowest, highest = SCORE([0] * 10), SCORE([4] * 10)

    assert (lowest.total, lowest.subscores) == (0, {"obsessions": 0, "compulsions": 0})
    assert (highest.total, highest.subscores) == (40, {"obsessions": 20, "compulsions": 20})


def test_compulsions_are_items_6_to_10():
    """clinical-reference §7.1: items 1–5 obsessions, 6–10 compulsions."""
    result = SCORE([0, 0, 0, 0, 1, 4, 0, 0, 0, 0])

    assert result.subscores == {"obsessions": 1, "compulsions": 4}


def test_item_wording_is_left_to_the_clinic_licence():
    """clinical-reference §7.2 licences: Y-BOCS is copyrighted; short labels only, no item text."""
    assert all(item.text is None for item in ybocs.INSTRUMENT.items)
    assert "developers' terms" in ybocs.INSTRUMENT.licence


def test_wrong_answer_count_names_the_answers():
    """clinical-reference §7.1 Y-BOCS: 10 items (Y-BOCS-II is a different scale); 11 answers are refused naming the
    answers."""
    with pytest.raises(AnswerError) as error:
        SCORE([0] * 11)

    assert error.value.field == "answers"


def test_out_of_range_answer_names_the_item():
    """clinical-reference §7.1 Y-BOCS: 10 items × 0–4; a 5 on item 10 is refused naming the item."""
    with pytest.raises(AnswerError) as error:
        SCORE([0, 0, 0, 0, 0, 0, 0, 0, 0, 5])

    assert error.value.field == "item 10"

"""HAM-D17 scoring against clinical-reference §7.1–§7.3 [35] and the standard form's item ranges
(Hamilton 1960; Guy, ECDEU Assessment Manual 1976)."""

import pytest

from clinic.rules.scales import hamd17
from clinic.rules.scales.base import AnswerError

SCORE = hamd17.INSTRUMENT.score
MAXIMA = [item.max_points for item in hamd17.INSTRUMENT.items]


def answers_totalling(total: int) -> list[int]:
    answers = []
    for highest in MAXIMA:
        answers.append(min(highest, total))
        total -= answers[-1]
    return answers


def test_reference_fixture_is_18_moderate_without_alert():
    """clinical-reference §7.3: 2,2,0,2,1,1,2,1,1,2,1,1,1,1,0,0,0 → 18 moderate; item 3 = 0, no alert."""
    result = SCORE([2, 2, 0, 2, 1, 1, 2, 1, 1, 2, 1, 1, 1, 1, 0, 0, 0])

    assert (result.total, result.severity, result.alerts) == (18, "MODERATE", ())


def test_items_4_5_6_12_13_14_16_17_score_0_to_2_and_the_rest_0_to_4():
    """clinical-reference §7.1 HAM-D17: 17 items scored 0–4 or 0–2, total 0–52; on the standard form (Hamilton 1960;
    Guy 1976) items 4, 5, 6, 12, 13, 14, 16 and 17 are the 0–2 ones (9 × 4 + 8 × 2 = 52)."""
    two = [number for number, highest in enumerate(MAXIMA, start=1) if highest == 2]

    assert two == [4, 5, 6, 12, 13, 14, 16, 17]
    assert sorted(set(MAXIMA)) == [2, 4]


@pytest.mark.parametrize(("total", "band"), [(0, "NONE"), (7, "NONE"), (8, "MILD"), (13, "MILD"), (14, "MODERATE"),
                                             (19, "MODERATE"), (20, "SEVERE"), (25, "SEVERE"), (26, "VERY_SEVERE"),
                                             (52, "VERY_SEVERE")])
def test_band_boundaries(total, band):
    """clinical-reference §7.2 bands 0–7, 8–13, 14–19, 20–25, 26–52, both sides of every boundary."""
    result = SCORE(answers_totalling(total))

    assert (result.total, result.severity) == (total, band)


def test_minimum_and_maximum_totals():
    """clinical-reference §7.1: total 0–52."""
    assert (SCORE([0] * 17).total, SCORE(MAXIMA).total) == (0, 52)


def test_item_3_above_0_raises_the_suicide_alert():
    """clinical-reference §7.2: HAM-D17 item 3 > 0 → suicide alert [D]."""
    result = SCORE([0, 0, 1] + [0] * 14)

    assert [(alert.code, alert.item) for alert in result.alerts] == [("SUICIDE_RISK", 3)]




def test_a_3_on_a_0_to_2_item_names_the_item():
    """clinical-reference §7.1 HAM-D17: item 16 (loss of weight) is 0–2 on the standard form; a 3 is refused naming
    the item, and its 'not assessed' choice is not offered."""
    with pytest.raises(AnswerError) as error:
        SCORE([0] * 15 + [3, 0])

    assert error.value.field == "item 16"


def test_wrong_answer_count_names_the_answers():
    """clinical-reference §7.1 HAM-D17: 17 items; the 21-item form's extra items are not part of it, so 21 answers
    are refused naming the answers."""
    with pytest.raises(AnswerError) as error:
        SCORE([0] * 21)

    assert error.value.field == "answers"

"""MADRS scoring against Montgomery & Åsberg 1979 with Snaith's bands [39] and clinical-reference §7.1–§7.3."""

import pytest

from clinic.rules.scales import madrs
from clinic.rules.scales.base import AnswerError

SCORE = madrs.INSTRUMENT.score


def answers_totalling(total: int) -> list[int]:
    answers = []
    for _ in madrs.INSTRUMENT.items:
        answers.append(min(6, total))
        total -= answers[-1]
    return answers


def test_reference_fixture_is_28_moderate_without_alert():
    """clinical-reference §7.3: 4,4,3,3,2,3,3,3,3,0 → 28 moderate; no alert."""
    result = SCORE([4, 4, 3, 3, 2, 3, 3, 3, 3, 0])

    assert (result.total, result.severity, result.alerts) == (28, "MODERATE", ())


@pytest.mark.parametrize(("total", "band"), [(0, "ABSENT"), (6, "ABSENT"), (7, "MILD"), (19, "MILD"),
                                             (20, "MODERATE"), (34, "MODERATE"), (35, "SEVERE"), (60, "SEVERE")])
def test_snaith_band_boundaries(total, band):
    """clinical-reference §7.2 Snaith bands 0–6 absent, 7–19 mild, 20–34 moderate, 35–60 severe, both sides of
    each boundary."""
    result = SCORE(answers_totalling(total))

    assert (result.total, result.severity) == (total, band)


def test_minimum_and_maximum_totals():
    """clinical-reference §7.1: 10 × 0–6, total 0–60."""
    assert (SCORE([0] * 10).total, SCORE([6] * 10).total) == (0, 60)


def test_item_10_above_0_raises_the_suicide_alert():
    """clinical-reference §7.2: MADRS item 10 > 0 → suicide alert [D]."""
    result = SCORE([0] * 9 + [1])

    assert [(alert.code, alert.item) for alert in result.alerts] == [("SUICIDE_RISK", 10)]
    assert "item 10 (suicidal thoughts) is 1" in result.alerts[0].message





def test_wrong_answer_count_names_the_answers():
    """clinical-reference §7.1 MADRS: 10 items; 9 answers are refused naming the answers."""
    with pytest.raises(AnswerError) as error:
        SCORE([0] * 9)

    assert error.value.field == "answers"


def test_out_of_range_answer_names_the_item():
    """clinical-reference §7.1 MADRS: 10 items × 0–6; a 7 on item 2 is refused naming the item."""
    with pytest.raises(AnswerError) as error:
        SCORE([0, 7] + [0] * 8)

    assert error.value.field == "item 2"

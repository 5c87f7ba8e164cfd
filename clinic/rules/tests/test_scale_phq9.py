import pytest

from clinic.rules.scales import phq9
from clinic.rules.scales.base import AnswerError

SCORE = phq9.INSTRUMENT.score


def test_reference_fixture_moderate_without_alert():
    """clinical-reference §7.3: 1,2,1,2,1,1,1,1,0 → 10 moderate, no alert (Kroenke 2001 bands)."""
    result = SCORE([1, 2, 1, 2, 1, 1, 1, 1, 0])

    assert (result.total, result.severity, result.alerts) == (10, "MODERATE", ())


def test_reference_fixture_minimal_with_item_9_alert():
    """clinical-reference §7.3: 0,1,0,1,0,0,0,0,1 → 3 minimal with the item-9 alert."""
    result = SCORE([0, 1, 0, 1, 0, 0, 0, 0, 1])

    assert (result.total, result.severity) == (3, "MINIMAL")
    assert [(alert.code, alert.item) for alert in result.alerts] == [("SUICIDE_RISK", 9)]


@pytest.mark.parametrize(("total", "band"), [(0, "MINIMAL"), (4, "MINIMAL"), (5, "MILD"), (9, "MILD"),
                                             (10, "MODERATE"), (14, "MODERATE"), (15, "MODERATELY_SEVERE"),
                                             (19, "MODERATELY_SEVERE"), (20, "SEVERE"), (27, "SEVERE")])
def test_band_boundaries(total, band):
    """clinical-reference §7.2 PHQ-9: Kroenke 2001 [30] bands 0–4, 5–9, 10–14, 15–19, 20–27, both sides of every
    boundary."""
    answers = [min(3, max(0, total - 3 * index)) for index in range(8)] + [0]
    answers[-1] = total - sum(answers)

    result = SCORE(answers)

    assert (result.total, result.severity) == (total, band)


def test_wrong_answer_count_names_the_answers():
    """clinical-reference §7.1 PHQ-9: 9 items; 8 answers are refused naming the answers and both counts."""
    with pytest.raises(AnswerError) as error:
        SCORE([0] * 8)

    assert error.value.field == "answers"
    assert "9 items; 8 answers" in error.value.message


def test_out_of_range_answer_names_the_item():
    """clinical-reference §7.1 PHQ-9: 9 items × 0–3; a 4 on item 3 is refused naming the item."""
    with pytest.raises(AnswerError) as error:
        SCORE([0, 0, 4, 0, 0, 0, 0, 0, 0])

    assert error.value.field == "item 3"


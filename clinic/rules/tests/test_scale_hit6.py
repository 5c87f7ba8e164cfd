import pytest

from clinic.rules.scales import hit6
from clinic.rules.scales.base import AnswerError

SCORE = hit6.INSTRUMENT.score
NEVER, RARELY, SOMETIMES, VERY_OFTEN, ALWAYS = range(5)


def test_reference_fixture_is_63_severe():
    """clinical-reference §7.3: very often, sometimes, always, rarely, sometimes, very often → 63 severe
    (weights 6/8/10/11/13, Kosinski 2003)."""
    result = SCORE([VERY_OFTEN, SOMETIMES, ALWAYS, RARELY, SOMETIMES, VERY_OFTEN])

    assert (result.total, result.severity) == (63, "SEVERE")


@pytest.mark.parametrize(("answers", "total", "band"), [
    ([NEVER, RARELY, RARELY, RARELY, RARELY, VERY_OFTEN], 49, "LITTLE"),
    ([NEVER, RARELY, RARELY, RARELY, SOMETIMES, SOMETIMES], 50, "SOME"),
    ([VERY_OFTEN, VERY_OFTEN, VERY_OFTEN, NEVER, RARELY, RARELY], 55, "SOME"),
    ([SOMETIMES, SOMETIMES, SOMETIMES, SOMETIMES, RARELY, RARELY], 56, "SUBSTANTIAL"),
    ([VERY_OFTEN, SOMETIMES, SOMETIMES, SOMETIMES, SOMETIMES, RARELY], 59, "SUBSTANTIAL"),
    ([SOMETIMES] * 6, 60, "SEVERE"),
])
def test_band_boundaries(answers, total, band):
    """clinical-reference §7.2: ≤ 49 little, 50–55 some, 56–59 substantial, ≥ 60 severe, both sides."""
    result = SCORE(answers)

    assert (result.total, result.severity) == (total, band)


def test_minimum_total_is_36():
    """clinical-reference §7.1: all Never scores 6 × 6 = 36."""
    assert (SCORE([NEVER] * 6).total, SCORE([NEVER] * 6).severity) == (36, "LITTLE")


def test_maximum_total_is_78():
    """clinical-reference §7.1: all Always scores 6 × 13 = 78."""
    assert (SCORE([ALWAYS] * 6).total, SCORE([ALWAYS] * 6).severity) == (78, "SEVERE")


def test_answer_is_the_option_index_not_the_weight():
    """clinical-reference §7.1 HIT-6 (Never 6 … Always 13) and design §4.4: the answer is the option index, so 6
    (the weight of Never) is out of range and refused naming the item; Never is index 0."""
    with pytest.raises(AnswerError) as error:
        SCORE([NEVER, 6, NEVER, NEVER, NEVER, NEVER])

    assert error.value.field == "item 2"


def test_wrong_answer_count_names_the_answers():
    """clinical-reference §7.1 HIT-6: 6 items; 5 answers are refused naming the answers."""
    with pytest.raises(AnswerError) as error:
        SCORE([NEVER] * 5)

    assert error.value.field == "answers"


def test_item_wording_is_withheld_under_licence():
    """clinical-reference §7.2: HIT-6 is copyrighted (QualityMetric)."""
    assert all(item.text is None for item in hit6.INSTRUMENT.items)
    assert "QualityMetric" in hit6.INSTRUMENT.licence

import pytest

from clinic.rules.scales import ymrs
from clinic.rules.scales.base import AnswerError

SCORE = ymrs.INSTRUMENT.score
DOUBLE = {5, 6, 8, 9}


def indices(points: list[int]) -> list[int]:
    """Item scores → option indices: items 5, 6, 8 and 9 step by 2 (design §4.4)."""
    return [score // 2 if number in DOUBLE else score for number, score in enumerate(points, start=1)]


def test_reference_fixture_is_16_hypomanic_with_hold_alert():
    """clinical-reference §7.3: item scores 2,1,1,2, 4,2, 1, 2,0, 0,1 → 16 hypomanic → hold alert. The
    fixture lists scores (items 5, 6, 8, 9 even, on 0–8), sent as option indices 2,1,1,2, 2,1, 1, 1,0, 0,1."""
    answers = indices([2, 1, 1, 2, 4, 2, 1, 2, 0, 0, 1])

    result = SCORE(answers)

    assert answers == [2, 1, 1, 2, 2, 1, 1, 1, 0, 0, 1]
    assert (result.total, result.severity, result.flags) == (16, "HYPOMANIC", ("CA_MANIA_SCORE",))
    assert [alert.code for alert in result.alerts] == ["HOLD_NEXT_INFUSION"]


@pytest.mark.parametrize(("points", "total", "band"), [
    ([0] * 11, 0, "NOT_MANIC"),
    ([4, 4, 3, 0, 0, 0, 0, 0, 0, 0, 0], 11, "NOT_MANIC"),
    ([4, 4, 4, 0, 0, 0, 0, 0, 0, 0, 0], 12, "HYPOMANIC"),
    ([4, 4, 4, 4, 4, 0, 0, 0, 0, 0, 0], 20, "HYPOMANIC"),
    ([4, 4, 4, 4, 4, 0, 1, 0, 0, 0, 0], 21, "MANIC"),
    ([4, 4, 4, 4, 8, 8, 4, 8, 8, 4, 4], 60, "MANIC"),
])
def test_band_boundaries_and_extremes(points, total, band):
    """clinical-reference §7.2 (Int J Bipolar Disord 2021): < 12 not manic, 12–20 hypomanic, ≥ 21 manic,
    both sides; minimum 0 and maximum 60 (§7.1)."""
    result = SCORE(indices(points))

    assert (result.total, result.severity) == (total, band)


@pytest.mark.parametrize(("total", "held"), [(11, False), (12, True)])
def test_hold_alert_boundary(total, held):
    """clinical-reference §7.2: YMRS ≥ 12 → hold the next infusion for review [D]."""
    result = SCORE(indices([4, 4, total - 8, 0, 0, 0, 0, 0, 0, 0, 0]))

    assert (bool(result.alerts), bool(result.flags)) == (held, held)


def test_double_weight_item_scores_twice_its_index():
    """Young 1978: items 5, 6, 8, 9 score 0–8; answer index 4 is 8 points."""
    assert SCORE([0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0]).total == 8


def test_clinic_may_move_the_hold_threshold():
    """The hold threshold is a clinic setting [D]."""
    context = {"protocol": ymrs.YmrsProtocol(hold_next_infusion_at_or_above=17)}

    assert SCORE(indices([2, 1, 1, 2, 4, 2, 1, 2, 0, 0, 1]), context).alerts == ()


def test_index_above_4_on_a_double_weight_item_names_the_item():
    """design §4.4: the answer is the option index 0–4, not the 0–8 score."""
    with pytest.raises(AnswerError) as error:
        SCORE([0, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0])

    assert error.value.field == "item 5"


def test_wrong_answer_count_names_the_answers():
    with pytest.raises(AnswerError) as error:
        SCORE([0] * 10)

    assert error.value.field == "answers"

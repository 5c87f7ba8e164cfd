import pytest

from clinic.rules.scales import midas
from clinic.rules.scales.base import AnswerError

SCORE = midas.INSTRUMENT.score
CONTEXT = {"midas_a": 20, "midas_b": 7}


def test_reference_fixture_is_16_days_grade_iii():
    """clinical-reference §7.3: 2,4,3,5,2 (A 20, B 7) → 16 → grade III (Stewart 2001 grades)."""
    result = SCORE([2, 4, 3, 5, 2], CONTEXT)

    assert (result.total, result.severity) == (16, "GRADE_III")
    assert result.subscores == {"headache_days": 20, "average_pain": 7}


@pytest.mark.parametrize(("total", "grade"), [(0, "GRADE_I"), (5, "GRADE_I"), (6, "GRADE_II"), (10, "GRADE_II"),
                                              (11, "GRADE_III"), (20, "GRADE_III"), (21, "GRADE_IV")])
def test_grade_boundaries(total, grade):
    """clinical-reference §7.2 (Stewart 2001): I 0–5, II 6–10, III 11–20, IV ≥ 21, both sides."""
    result = SCORE([total, 0, 0, 0, 0], CONTEXT)

    assert (result.total, result.severity) == (total, grade)


@pytest.mark.parametrize("answers", [[92, 0, 92, 0, 92], [46, 46, 0, 92, 92], [0, 92, 45, 47, 92]])
def test_maximum_total_is_276_grade_iv(answers):
    """clinical-reference §7.1: items 1 + 2 and 3 + 4 cannot exceed the 92 days in 3 months, item 5 is at
    most 92: the highest total is 3 × 92 = 276, grade IV."""
    result = SCORE(answers, CONTEXT)

    assert (result.total, result.severity) == (276, "GRADE_IV")
    assert midas.INSTRUMENT.total_range == (0, 276)


@pytest.mark.parametrize(("answers", "total"), [([46, 46, 0, 0, 0], 92), ([0, 0, 0, 92, 0], 92),
                                              ([92, 0, 0, 92, 0], 184), ([1, 91, 91, 1, 5], 189)])
def test_day_pairs_of_92_days_are_accepted(answers, total):
    """clinical-reference §7.1: items 1 + 2 and 3 + 4 may reach the 92 days in 3 months (the item limit)."""
    assert SCORE(answers, CONTEXT).total == total


@pytest.mark.parametrize(("answers", "first", "second", "days", "activity"), [
    ([47, 46, 0, 0, 0], 1, 2, 93, "paid work or school"),
    ([90, 5, 0, 0, 0], 1, 2, 95, "paid work or school"),
    ([0, 0, 50, 43, 0], 3, 4, 93, "household work"),
    ([0, 0, 92, 92, 0], 3, 4, 184, "household work"),
])
def test_impossible_day_pairs_are_refused_naming_both_items(answers, first, second, days, activity):
    """clinical-reference §7.1: item 2 excludes the days of item 1 and item 4 those of item 3, so items
    1 + 2 and 3 + 4 cannot exceed the 92 days in 3 months (the item limit): 93 is refused."""
    with pytest.raises(AnswerError) as error:
        SCORE(answers, CONTEXT)

    assert (error.value.field, error.value.items) == (f"items {first} and {second}", (str(first), str(second)))
    assert error.value.message.startswith(
        f"MIDAS items {first} and {second}: days missed plus days at half productivity at {activity} add up to "
        f"{days}, more than the 92 days in 3 months.")


def test_day_count_above_3_months_names_the_item():
    """clinical-reference §7.1 MIDAS: day counts over the last 3 months, which hold at most 92 days; 93 on item 3 is
    refused naming the item."""
    with pytest.raises(AnswerError) as error:
        SCORE([0, 0, 93, 0, 0], CONTEXT)

    assert error.value.field == "item 3"


def test_negative_day_count_names_the_item():
    """clinical-reference §7.1 MIDAS: each answer is a count of days, 0 or more; −1 on item 1 is refused naming the
    item."""
    with pytest.raises(AnswerError) as error:
        SCORE([-1, 0, 0, 0, 0], CONTEXT)

    assert error.value.field == "item 1"


def test_missing_item_a_is_named():
    """clinical-reference §7.1 MIDAS: 5 day counts plus A and B (unscored), which are part of the form (Stewart 2001
    [46]) and sent in the context (design §4.4); a missing A is refused naming it."""
    with pytest.raises(AnswerError) as error:
        SCORE([2, 4, 3, 5, 2], {"midas_b": 7})

    assert error.value.field == "item A"


@pytest.mark.parametrize("pain", [11, -1, "7", 7.5, True])
def test_item_b_outside_0_to_10_is_named(pain):
    """clinical-reference §7.1 MIDAS: item B (unscored) is the pain rating 0–10 in whole points; 11, −1, text, 7.5
    or a yes/no is refused naming item B."""
    with pytest.raises(AnswerError) as error:
        SCORE([2, 4, 3, 5, 2], {"midas_a": 20, "midas_b": pain})

    assert error.value.field == "item B"


def test_item_a_above_3_months_is_named():
    """clinical-reference §7.1 MIDAS: item A (unscored) counts headache days in the 3 months, at most 92; 93 is
    refused naming item A."""
    with pytest.raises(AnswerError) as error:
        SCORE([2, 4, 3, 5, 2], {"midas_a": 93, "midas_b": 7})

    assert error.value.field == "item A"


def test_wrong_answer_count_names_the_answers():
    """clinical-reference §7.1 MIDAS: the total is Q1 + … + Q5, so only the 5 scored items are answers (A and B go
    in the context, design §4.4); seven answers are refused naming the answers."""
    with pytest.raises(AnswerError) as error:
        SCORE([2, 4, 3, 5, 2, 20, 7], CONTEXT)

    assert error.value.field == "answers"

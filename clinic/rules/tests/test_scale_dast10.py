import pytest

from clinic.rules.scales import dast10
from clinic.rules.scales.base import AnswerError

SCORE = dast10.INSTRUMENT.score
N, Y = 0, 1


def answers_with(problems: int) -> list[int]:
    """The first `problems` items answered the way that scores 1 (No for item 3), the rest not."""
    scoring = [N if number == 3 else Y for number in range(1, 11)]
    return [scoring[index] if index < problems else 1 - scoring[index] for index in range(10)]


def test_reference_fixture_with_item_3_yes_is_2_low():
    """clinical-reference §7.3: Y,N,Y,N,Y,N,N,N,N,N → 2 low (item 3 Yes scores 0; Skinner 1982)."""
    result = SCORE([Y, N, Y, N, Y, N, N, N, N, N])

    assert (result.total, result.severity, result.alerts, result.flags) == (2, "LOW", (), ())


def test_reference_fixture_with_item_3_no_is_3_moderate_and_positive():
    """clinical-reference §7.3: the same with item 3 = No → 3 moderate, positive (≥ 3 → CA_SUD_HISTORY)."""
    result = SCORE([Y, N, N, N, Y, N, N, N, N, N])

    assert (result.total, result.severity, result.flags) == (3, "MODERATE", ("CA_SUD_HISTORY",))
    assert [alert.code for alert in result.alerts] == ["DAST10_POSITIVE"]


@pytest.mark.parametrize(("total", "band"), [(0, "NONE"), (1, "LOW"), (2, "LOW"), (3, "MODERATE"), (5, "MODERATE"),
                                             (6, "SUBSTANTIAL"), (8, "SUBSTANTIAL"), (9, "SEVERE"), (10, "SEVERE")])
def test_band_boundaries(total, band):
    """clinical-reference §7.2: 0 none, 1–2 low, 3–5 moderate, 6–8 substantial, 9–10 severe, both sides."""
    result = SCORE(answers_with(total))

    assert (result.total, result.severity) == (total, band)


def test_minimum_total_needs_item_3_yes():
    """clinical-reference §7.1 DAST-10: yes = 1, except item 3: no = 1; so all No scores 1 and the minimum 0 is all
    No with item 3 Yes."""
    assert (SCORE([N] * 10).total, SCORE(answers_with(0)).total) == (1, 0)


def test_maximum_total_needs_item_3_no():
    """clinical-reference §7.1 DAST-10: yes = 1, except item 3: no = 1; so all Yes scores 9 and the maximum 10 is
    all Yes with item 3 No."""
    assert (SCORE([Y] * 10).total, SCORE(answers_with(10)).total) == (9, 10)


@pytest.mark.parametrize(("total", "flagged"), [(2, False), (3, True)])
def test_flag_boundary(total, flagged):
    """clinical-reference §7.2: DAST-10 ≥ 3 → CA_SUD_HISTORY."""
    result = SCORE(answers_with(total))

    assert (result.flags == ("CA_SUD_HISTORY",), len(result.alerts) == 1) == (flagged, flagged)


def test_clinic_may_move_the_flag_threshold():
    """clinical-reference §7.2 and §3 [D]: DAST-10 ≥ 3 → CA_SUD_HISTORY is a clinic setting; at 4, a score of 3
    raises no flag."""
    context = {"protocol": dast10.Dast10Protocol(sud_caution_at_or_above=4)}

    assert SCORE(answers_with(3), context).flags == ()


def test_out_of_range_answer_names_the_item():
    """clinical-reference §7.1 DAST-10: 10 yes/no items; a 2 on item 3 is refused naming the item."""
    with pytest.raises(AnswerError) as error:
        SCORE([Y, N, 2, N, Y, N, N, N, N, N])

    assert error.value.field == "item 3"


def test_wrong_answer_count_names_the_answers():
    """clinical-reference §7.1 DAST-10: 10 items; 11 answers are refused naming the answers."""
    with pytest.raises(AnswerError) as error:
        SCORE([N] * 11)

    assert error.value.field == "answers"


def test_carries_the_loinc_code_from_the_reference():
    """clinical-reference §7.2: DAST-10 total 82667-7."""
    assert dast10.INSTRUMENT.loinc_total == "82667-7"

"""CADSS-6 scoring against Rodrigues et al., J Affect Disord 2021 [40] and clinical-reference §7.1–§7.3."""

import pytest

from clinic.rules.scales import cadss6
from clinic.rules.scales.base import AnswerError

SCORE = cadss6.INSTRUMENT.score


def test_reference_fixture_is_5():
    """clinical-reference §7.3: 1,2,0,1,1,0 → 5."""
    result = SCORE([1, 2, 0, 1, 1, 0])

    assert (result.total, result.severity) == (5, None)


def test_a_total_above_4_raises_no_dissociation_flag():
    """clinical-reference §7.2: the marked-dissociation rule is for the full CADSS, not for CADSS-6, even with a
    pre-dose 0."""
    result = SCORE([4] * 6, {"pre_dose_total": 0})

    assert (result.total, result.flags, result.alerts) == (24, (), ())


def test_minimum_and_maximum_totals():
    """clinical-reference §7.1: items 1, 2, 6, 7, 15, 22 × 0–4, total 0–24."""
    assert (SCORE([0] * 6).total, SCORE([4] * 6).total) == (0, 24)


def test_items_are_the_cadss_items_1_2_6_7_15_22():
    """clinical-reference §7.1: CADSS-6 = items 1, 2, 6, 7, 15, 22 of the CADSS."""
    assert [item.label for item in cadss6.INSTRUMENT.items] == [
        "CADSS item 1", "CADSS item 2", "CADSS item 6", "CADSS item 7", "CADSS item 15", "CADSS item 22"]


def test_notes_say_it_was_derived_retrospectively_and_not_validated():
    """clinical-reference §7.1: derived retrospectively, not validated."""
    assert any("retrospectively" in note and "not validated" in note for note in cadss6.INSTRUMENT.notes)


def test_wrong_answer_count_names_the_answers():
    """clinical-reference §7.1 CADSS-6: items 1, 2, 6, 7, 15 and 22 only; the full 23 answers are refused naming the
    answers."""
    with pytest.raises(AnswerError) as error:
        SCORE([0] * 23)

    assert error.value.field == "answers"


def test_out_of_range_answer_names_the_item():
    """clinical-reference §7.1 CADSS-6: 6 items × 0–4 (0–24); a −1 on item 4 is refused naming the item."""
    with pytest.raises(AnswerError) as error:
        SCORE([0, 0, 0, -1, 0, 0])

    assert error.value.field == "item 4"

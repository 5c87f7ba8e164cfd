import pytest

from clinic.rules.scales import bprs
from clinic.rules.scales.base import AnswerError

SCORE = bprs.INSTRUMENT.score


def test_reference_fixture_all_items_2_is_36():
    """clinical-reference §7.3: all 18 items = 2 → 36. The fixture gives scores on 1–7, so "2" (very
    mild) is option index 1."""
    result = SCORE([1] * 18)

    assert (result.total, result.severity) == (36, None)


def test_minimum_total_is_18():
    """clinical-reference §7.1: 18 × 1–7, so all "not present" (index 0) scores 18."""
    assert SCORE([0] * 18).total == 18


def test_maximum_total_is_126():
    """clinical-reference §7.1 BPRS: 18 items × 1–7, total 18–126; every item at its highest (index 6, rated 7)
    totals 126."""
    assert SCORE([6] * 18).total == 126


@pytest.mark.parametrize("total", [31, 41, 53])
def test_cgi_correspondences_are_not_presented_as_bands(total):
    """clinical-reference §7.2 BPRS: the CGI link (Leucht 2005 [51]) is ≈ 31 mildly, ≈ 41 moderately, ≈ 53 markedly
    ill; approximate points, so no severity band is claimed for them."""
    answers = [min(6, max(0, total - 18 - 6 * index)) for index in range(18)]

    result = SCORE(answers)

    assert (result.total, result.severity) == (total, None)
    assert bprs.INSTRUMENT.bands == ()
    assert bprs.CGI_CORRESPONDENCES == ((31, "mildly ill"), (41, "moderately ill"), (53, "markedly ill"))


def test_out_of_range_answer_names_the_item():
    """clinical-reference §7.1 BPRS: items are rated 1–7, sent as option indices 0–6; index 7 does not exist and is
    refused naming the item."""
    with pytest.raises(AnswerError) as error:
        SCORE([0] * 17 + [7])

    assert error.value.field == "item 18"


def test_wrong_answer_count_names_the_answers():
    """clinical-reference §7.1 BPRS: 18 items; 17 answers are refused naming the answers."""
    with pytest.raises(AnswerError) as error:
        SCORE([0] * 17)

    assert error.value.field == "answers"

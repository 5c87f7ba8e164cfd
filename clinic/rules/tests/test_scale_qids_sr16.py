"""QIDS-SR16 scoring against Rush et al., Biol Psychiatry 2003 [35] and clinical-reference §7.1–§7.3."""

import pytest

from clinic.rules.scales import qids_sr16
from clinic.rules.scales.base import AnswerError

SCORE = qids_sr16.INSTRUMENT.score
DOMAIN_FIRST_ITEMS = (1, 5, 6, 10, 11, 12, 13, 14, 15)


def answers_totalling(total: int) -> list[int]:
    """One item per domain carries the points, so the total is the plain domain sum."""
    answers = [0] * 16
    for number in DOMAIN_FIRST_ITEMS:
        answers[number - 1] = min(3, total)
        total -= answers[number - 1]
    return answers


def test_reference_fixture_is_15_by_domains_not_19_by_plain_sum():
    """clinical-reference §7.3: 1,2,3,0, 2, 0,1,0,2, 2,1,0,2,2, 1,0 → 3+2+2+2+1+0+2+2+1 = 15 moderate
    (a naive sum gives 19)."""
    answers = [1, 2, 3, 0, 2, 0, 1, 0, 2, 2, 1, 0, 2, 2, 1, 0]

    result = SCORE(answers)

    assert sum(answers) == 19
    assert (result.total, result.severity, result.alerts) == (15, "MODERATE", ())
    assert list(result.subscores.values()) == [3, 2, 2, 2, 1, 0, 2, 2, 1]


@pytest.mark.parametrize(("total", "band"), [(0, "NONE"), (5, "NONE"), (6, "MILD"), (10, "MILD"), (11, "MODERATE"),
                                             (15, "MODERATE"), (16, "SEVERE"), (20, "SEVERE"), (21, "VERY_SEVERE"),
                                             (27, "VERY_SEVERE")])
def test_band_boundaries(total, band):
    """clinical-reference §7.2 bands 0–5, 6–10, 11–15, 16–20, 21–27 (Rush 2003), both sides of every boundary."""
    result = SCORE(answers_totalling(total))

    assert (result.total, result.severity) == (total, band)


def test_minimum_and_maximum_totals():
    """clinical-reference §7.1: 16 × 0–3 but total 0–27, because three domains take the highest of their items."""
    assert (SCORE([0] * 16).total, SCORE([3] * 16).total) == (0, 27)


GROUPED = dict(qids_sr16.DOMAINS)


@pytest.mark.parametrize(("domain", "number"), [(domain, number) for domain in ("sleep", "appetite_weight",
                                                                                 "psychomotor")
                                                for number in GROUPED[domain]])
def test_grouped_domains_take_the_highest_item(domain, number):
    """clinical-reference §7.1: max(1–4), max(6–9), max(15–16): a 3 on any one item, with 1 on the others,
    scores 3 once."""
    answers = [0] * 16
    for sibling in GROUPED[domain]:
        answers[sibling - 1] = 1
    answers[number - 1] = 3

    result = SCORE(answers)

    assert (result.subscores[domain], result.total) == (3, 3)


def test_weight_items_recall_two_weeks():
    """clinical-reference §7.1: recall 7 days; weight items 2 weeks."""
    recalls = {item.number: item.recall_period for item in qids_sr16.INSTRUMENT.items if item.recall_period}

    assert recalls == {8: "last 2 weeks", 9: "last 2 weeks"}


def test_item_12_above_0_raises_the_suicide_alert():
    """clinical-reference §7.2: QIDS-SR16 item 12 > 0 → suicide alert [D]."""
    answers = [0] * 16
    answers[11] = 1

    result = SCORE(answers)

    assert [(alert.code, alert.item) for alert in result.alerts] == [("SUICIDE_RISK", 12)]




def test_an_unanswered_appetite_item_names_the_item():
    """clinical-reference §7.1 QIDS-SR16: 16 × 0–3, scored as max(6–9) for appetite and weight; all sixteen answers
    are required (a blank alternative item is entered as 0), so a missing item 7 is refused naming it."""
    answers = [0] * 16
    answers[6] = None

    with pytest.raises(AnswerError) as error:
        SCORE(answers)

    assert error.value.field == "item 7"


def test_out_of_range_answer_names_the_item():
    """clinical-reference §7.1 QIDS-SR16: 16 items × 0–3; a 4 on item 16 is refused naming the item."""
    with pytest.raises(AnswerError) as error:
        SCORE([0] * 15 + [4])

    assert error.value.field == "item 16"


def test_wrong_answer_count_names_the_answers():
    """clinical-reference §7.1 QIDS-SR16: 16 items; 9 answers (one per domain) are refused naming the answers."""
    with pytest.raises(AnswerError) as error:
        SCORE([0] * 9)

    assert error.value.field == "answers"

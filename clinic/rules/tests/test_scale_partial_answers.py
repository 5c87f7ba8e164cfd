"""Checking answers item by item before a scale is scored (scales.base.answer_errors, unanswered), and
the kind of every alert the scales raise (scales.alert_kinds; clinical-reference §7.2)."""

import inspect
import re

import pytest

from clinic.rules import scales
from clinic.rules.scales import alert_kinds
from clinic.rules.scales.base import AnswerError, answer_errors, unanswered


def test_each_refused_answer_is_named_by_its_item_and_unanswered_items_are_not_errors():
    phq9 = scales.instrument("phq9")

    errors = answer_errors(phq9, [0, 4, None, -1, 1, None, None, None, 3])

    assert sorted(errors) == [2, 4]
    assert errors[2].startswith("Item 2 (")


def test_an_answer_to_an_item_not_asked_is_refused_by_item():
    """C-SSRS items 3–5 are asked only after a Yes to item 2 (§7.1)."""
    cssrs = scales.instrument("cssrs_screener")

    errors = answer_errors(cssrs, [1, 0, 1, None, None, 0])

    assert list(errors) == [3]
    assert "send null for item 3" in errors[3]


@pytest.mark.parametrize("answers", [[0, 1], "012345678", None])
def test_a_list_of_the_wrong_length_or_not_a_list_is_refused_whole(answers):
    with pytest.raises(AnswerError) as refused:
        answer_errors(scales.instrument("phq9"), answers)

    assert (refused.value.field, "has 9 items" in refused.value.message) == ("answers", True)


def test_unanswered_lists_the_items_asked_and_left_empty_only():
    cssrs = scales.instrument("cssrs_screener")

    assert unanswered(cssrs, [1, 1, None, 0, None, None]) == [3, 5, 6]
    assert unanswered(cssrs, [1, 0, None, None, None, None]) == [6]  # 3–5 are not asked after a No to 2


def test_every_alert_code_a_scale_raises_has_a_kind():
    """A code without a kind would reach no clinician: every Alert("CODE", …) in the scales' source has one."""
    modules = {inspect.getmodule(instrument.scorer) for instrument in scales.INSTRUMENTS.values()} | {scales.base}
    raised = {code for module in modules for code in re.findall(r'Alert\("([A-Z0-9_]+)"', inspect.getsource(module))}

    assert raised == set(alert_kinds.KINDS)
    assert {alert_kinds.kind_of(code) for code in raised} == {"suicide_risk", "mania", "dissociation", "substance_use"}


def test_an_alert_code_without_a_kind_is_refused_rather_than_filed_under_nothing():
    with pytest.raises(alert_kinds.UnknownAlert) as refused:
        alert_kinds.kind_of("NEW_ALERT")

    assert "clinic.rules.scales.alert_kinds" in refused.value.message
    assert (alert_kinds.is_high_risk("SUICIDE_RISK_HIGH"), alert_kinds.is_high_risk("SUICIDE_RISK")) == (True, False)

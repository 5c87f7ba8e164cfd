"""The safety history by topic: every question in one group, and what an answered or a blank group
records (clinic.rules.safety_history.group_answers)."""

import pytest

from clinic.rules.safety_history import (
    NONE_OF_THESE,
    SAFETY_GROUPS,
    SAFETY_LABELS,
    SafetyAnswersConflict,
    group_answers,
)

HEART = next(names for key, _, names in SAFETY_GROUPS if key == "heart_vessels")


def test_every_question_is_in_exactly_one_group():
    grouped = [name for _, _, names in SAFETY_GROUPS for name in names]

    assert sorted(grouped) == sorted(SAFETY_LABELS)
    assert len(grouped) == len(set(grouped)) == 29


def test_none_of_these_answers_every_question_of_its_group_no_and_leaves_the_others_not_asked():
    answers = group_answers(ticked={"heart_vessels": {NONE_OF_THESE}}, before={})

    assert {name: answers[name] for name in HEART} == dict.fromkeys(HEART, False)
    assert {value for name, value in answers.items() if name not in HEART} == {None}


@pytest.mark.parametrize(("ticked", "before", "expected"), [
    # A tick is Yes, and the group's unticked questions become No.
    ({"hypertension_controlled"}, {}, {"hypertension_controlled": True, "aneurysm": False}),
    # Nothing ticked: a recorded No stays No, anything else is not asked.
    (set(), {"aneurysm": False, "hypertension_controlled": True}, {"hypertension_controlled": None, "aneurysm": False}),
    # Nothing ticked and nothing recorded: not asked.
    (set(), {}, {"hypertension_controlled": None, "aneurysm": None}),
    # A recorded Yes unticked while another box is ticked: No, because the group was answered.
    ({"aneurysm"}, {"hypertension_controlled": True}, {"hypertension_controlled": False, "aneurysm": True}),
], ids=["tick-is-yes", "blank-keeps-no-only", "blank-is-not-asked", "answered-group-unticked-is-no"])
def test_group_answers(ticked, before, expected):
    answers = group_answers(ticked={"heart_vessels": ticked}, before=before)

    assert {name: answers[name] for name in expected} == expected


def test_none_of_these_beside_a_ticked_question_is_refused_naming_both():
    with pytest.raises(SafetyAnswersConflict) as refused:
        group_answers(ticked={"pregnancy": {NONE_OF_THESE, "breastfeeding"}}, before={})

    assert refused.value.field == "pregnancy"
    assert refused.value.message == ("Pregnancy and breastfeeding: “None of these” is ticked together with "
                                     "Breastfeeding. Untick one or the other.")

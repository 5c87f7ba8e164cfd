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
    answers = group_answers(ticked={"heart_vessels": {NONE_OF_THESE}}, shown={}, before={})

    assert {name: answers[name] for name in HEART} == dict.fromkeys(HEART, False)
    assert {value for name, value in answers.items() if name not in HEART} == {None}


@pytest.mark.parametrize(("ticked", "shown", "before", "expected"), [
    # A tick is Yes, and the group's unticked questions become No.
    ({"hypertension_controlled"}, set(), {}, {"hypertension_controlled": True, "aneurysm": False}),
    # A Yes unticked, nothing else ticked: a recorded No stays No, anything else is not asked.
    (set(), {"hypertension_controlled"}, {"aneurysm": False, "hypertension_controlled": True},
     {"hypertension_controlled": None, "aneurysm": False}),
    # Nothing ticked, nothing shown, nothing recorded: not asked.
    (set(), set(), {}, {"hypertension_controlled": None, "aneurysm": None}),
    # A recorded Yes unticked while another box is ticked: No, because the group was answered.
    ({"aneurysm"}, {"hypertension_controlled"}, {"hypertension_controlled": True},
     {"hypertension_controlled": False, "aneurysm": True}),
    # Sent as shown: a Yes beside questions never asked keeps them not asked.
    ({"hypertension_controlled"}, {"hypertension_controlled"}, {"hypertension_controlled": True},
     {"hypertension_controlled": True, "aneurysm": None}),
    # Sent as shown, "None of these" ticked because all were No: still No.
    ({NONE_OF_THESE}, {NONE_OF_THESE}, dict.fromkeys(HEART, False), {"hypertension_controlled": False}),
], ids=["tick-is-yes", "yes-unticked-is-not-asked", "blank-is-not-asked", "answered-group-unticked-is-no",
        "unchanged-keeps-not-asked", "unchanged-none-stays-no"])
def test_group_answers(ticked, shown, before, expected):
    answers = group_answers(ticked={"heart_vessels": ticked}, shown={"heart_vessels": shown}, before=before)

    assert {name: answers[name] for name in expected} == expected


def test_none_of_these_beside_a_ticked_question_is_refused_naming_both():
    with pytest.raises(SafetyAnswersConflict) as refused:
        group_answers(ticked={"pregnancy": {NONE_OF_THESE, "breastfeeding"}}, shown={}, before={})

    assert refused.value.field == "pregnancy"
    assert refused.value.message == ("Pregnancy and breastfeeding: “None of these” is ticked together with "
                                     "Breastfeeding. Untick one or the other.")

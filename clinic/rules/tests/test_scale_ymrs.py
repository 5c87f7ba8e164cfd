from decimal import Decimal

import pytest

from clinic.rules.scales import ymrs
from clinic.rules.scales.base import AnswerError, InvalidProtocol

SCORE = ymrs.INSTRUMENT.score
D = Decimal
FIXTURE = [2, 1, 1, 2, 4, 2, 1, 2, 0, 0, 1]


def test_reference_fixture_is_16_hypomanic_with_hold_alert():
    """clinical-reference §7.3: 2,1,1,2, 4,2, 1, 2,0, 0,1 → 16 hypomanic → hold alert. Each answer is the
    rating itself (design §4.4), so the fixture is sent as it stands."""
    result = SCORE(FIXTURE)

    assert (result.total, result.severity, result.flags) == (16, "HYPOMANIC", ("CA_MANIA_SCORE",))
    assert [alert.code for alert in result.alerts] == ["HOLD_NEXT_INFUSION"]
    assert "YMRS 16 is at or above 12" in result.alerts[0].message


@pytest.mark.parametrize(("answers", "total"), [
    pytest.param([D("1.5"), 1, 1, 2, 4, 2, D("0.5"), 2, 0, 0, 1], D(15), id="half points summing whole"),
    pytest.param([D("1.5"), 1, 1, 2, 4, 2, 1, 2, 0, 0, 1], D("15.5"), id="one half point"),
    pytest.param([2, 1, 1, 2, 3, 2, 1, 2, 0, 0, 1], 15, id="3 between the anchors 2 and 4"),
    pytest.param([2, 1, 1, 2, 5, 1, 1, 3, 0, 0, 1], 17, id="odd ratings on 0-8 items"),
    pytest.param([1.5, 0.5, 0, 0, 0, 0, 0, 0, 0, 0, 3.5], D("5.5"), id="JSON floats"),
    pytest.param([D("1.50"), D("2.0"), 0, 0, 0, 0, 0, 0, 0, 0, 0], D("3.5"), id="Decimals with trailing zeros"),
])
def test_ratings_between_the_anchor_points_are_summed_exactly(answers, total):
    """clinical-reference §7.1: the scoring guide allows ratings between the anchor points ("whole or
    half points"): 0–4 in steps of 0.5 on items 1–4, 7, 10, 11; 0–8 in steps of 1 on items 5, 6, 8, 9.
    The total is an exact sum and may be fractional."""
    result = SCORE(answers)

    assert result.total == total
    assert isinstance(result.total, int if total == int(total) else Decimal)


def test_the_highest_ratings_add_up_to_60():
    """clinical-reference §7.1: seven items rated to 4 and four to 8, total 0–60."""
    assert [item.max_points for item in ymrs.INSTRUMENT.items] == [4, 4, 4, 4, 8, 8, 4, 8, 8, 4, 4]
    assert sum(item.max_points for item in ymrs.INSTRUMENT.items) == ymrs.INSTRUMENT.total_range[1] == 60


def test_a_fractional_total_of_12_5_is_hypomanic_and_holds():
    """clinical-reference §7.2: ≥ 12 holds the next infusion [D]; 12.5 is in 12 to < 21 hypomanic [U]."""
    result = SCORE([4, 4, D("3.5"), 0, 0, 0, 0, 0, 0, 0, D("1")])

    assert (str(result.total), result.severity, result.flags) == ("12.5", "HYPOMANIC", ("CA_MANIA_SCORE",))
    assert "YMRS 12.5 is at or above 12" in result.alerts[0].message


@pytest.mark.parametrize(("answers", "total", "band"), [
    ([0] * 11, 0, "NOT_MANIC"),
    ([4, 4, D("3.5"), 0, 0, 0, 0, 0, 0, 0, 0], D("11.5"), "NOT_MANIC"),
    ([4, 4, 4, 0, 0, 0, 0, 0, 0, 0, 0], 12, "HYPOMANIC"),
    ([4, 4, 4, 4, 4, 0, D("0.5"), 0, 0, 0, 0], D("20.5"), "HYPOMANIC"),
    ([4, 4, 4, 4, 4, 0, 1, 0, 0, 0, 0], 21, "MANIC"),
    ([4, 4, 4, 4, 8, 4, D("1.5"), 0, 0, 0, 0], D("29.5"), "MANIC"),
    ([4, 4, 4, 4, 8, 4, 2, 0, 0, 0, 0], 30, None),
    ([4, 4, 4, 4, 8, 8, 4, 8, 8, 4, 4], 60, None),
])
def test_born_2021_bands_on_both_sides_of_each_cut_off(answers, total, band):
    """clinical-reference §7.2 [U] (Born 2021, post-hoc): < 12 not manic, 12 to < 21 hypomanic, 21 to < 30
    manic; 30 and above is not covered by that set, so severity is None. Half a point either side."""
    result = SCORE(answers)

    assert (result.total, result.severity) == (total, band)


def test_bands_are_marked_unverified_and_the_uncovered_top_is_noted():
    """clinical-reference §7.2: the YMRS bands are [U] and leave 30 and above uncovered."""
    assert [band.label for band in ymrs.INSTRUMENT.bands] == [
        "Not manic (unverified band)", "Hypomanic (unverified band)", "Manic (unverified band)"]
    assert ymrs.INSTRUMENT.bands[-1].high == 30
    assert any("30 or more is not covered" in note for note in ymrs.INSTRUMENT.notes)


def test_clinic_may_switch_the_unverified_bands_off():
    """clinical-reference §1: a [U] rule stays configurable; the hold alert does not depend on it."""
    context = {"protocol": ymrs.YmrsProtocol(show_unverified_bands=False)}

    result = SCORE(FIXTURE, context)

    assert (result.total, result.severity, [alert.code for alert in result.alerts]) == (
        16, None, ["HOLD_NEXT_INFUSION"])


@pytest.mark.parametrize(("answers", "held"), [
    ([4, 4, 3, 0, 0, 0, 0, 0, 0, 0, 0], False),
    ([4, 4, D("3.5"), 0, 0, 0, 0, 0, 0, 0, 0], False),
    ([4, 4, 4, 0, 0, 0, 0, 0, 0, 0, 0], True),
])
def test_hold_alert_and_caution_at_12(answers, held):
    """clinical-reference §7.2: YMRS ≥ 12 → hold the next infusion for review [D]; §3 CA_MANIA_SCORE.
    11, 11.5 and 12."""
    result = SCORE(answers)

    assert (bool(result.alerts), result.flags) == (held, ("CA_MANIA_SCORE",) if held else ())


@pytest.mark.parametrize(("settings", "held", "flagged"), [
    ({"hold_next_infusion_at_or_above": 17}, False, True),
    ({"mania_caution_at_or_above": D("15.5")}, True, True),
    ({"mania_caution_at_or_above": 17}, True, False),
])
def test_clinic_may_move_the_hold_and_caution_thresholds(settings, held, flagged):
    """clinical-reference §7.2: the hold threshold is a clinic setting [D]; the fixture totals 16."""
    result = SCORE(FIXTURE, {"protocol": ymrs.YmrsProtocol(**settings)})

    assert (bool(result.alerts), bool(result.flags)) == (held, flagged)


@pytest.mark.parametrize("settings", [
    {"hold_next_infusion_at_or_above": 0}, {"hold_next_infusion_at_or_above": 61},
    {"mania_caution_at_or_above": 12.0}, {"mania_caution_at_or_above": None},
    {"mania_caution_at_or_above": True}, {"show_unverified_bands": "yes"},
])
def test_refuses_thresholds_the_scale_cannot_reach(settings):
    """clinical-reference §7.1: totals run 0–60; a threshold outside (0, 60], or not a number, is no setting."""
    with pytest.raises(InvalidProtocol) as error:
        ymrs.YmrsProtocol(**settings)

    assert error.value.field == next(iter(settings))


@pytest.mark.parametrize(("item", "rating", "shown"), [
    (1, D("1.25"), "0 to 4 in steps of 0.5"),
    (11, 0.3, "0 to 4 in steps of 0.5"),
    (7, D("4.5"), "0 to 4 in steps of 0.5"),
    (2, -0.5, "0 to 4 in steps of 0.5"),
    (5, D("3.5"), "a whole number from 0 to 8"),
    (9, 9, "a whole number from 0 to 8"),
    (6, -1, "a whole number from 0 to 8"),
    (8, "4", "a whole number from 0 to 8"),
    (3, True, "0 to 4 in steps of 0.5"),
    (4, float("nan"), "0 to 4 in steps of 0.5"),
    (10, D("Infinity"), "0 to 4 in steps of 0.5"),
])
def test_a_rating_off_the_step_or_out_of_range_names_the_item(item, rating, shown):
    """clinical-reference §7.1 and design §4.4: half points on items 1–4, 7, 10, 11, whole points on items 5,
    6, 8, 9; anything else is refused naming the item and its allowed ratings."""
    answers = [0] * 11
    answers[item - 1] = rating

    with pytest.raises(AnswerError) as error:
        SCORE(answers)

    assert (error.value.field, error.value.items) == (f"item {item}", (str(item),))
    assert f"Item {item} ({ymrs.LABELS[item - 1]}) must be {shown}" in error.value.message


@pytest.mark.parametrize(("answers", "field"), [([0] * 10, "answers"), ([0] * 10 + [None], "item 11")])
def test_wrong_count_or_missing_rating_is_named(answers, field):
    """clinical-reference §7.1 YMRS: 11 items, the total their sum; design §4.4: one rating per item. Ten ratings
    are refused naming the answers, a missing item 11 naming the item."""
    with pytest.raises(AnswerError) as error:
        SCORE(answers)

    assert error.value.field == field

import pytest

from clinic.rules.scales import pain_nrs
from clinic.rules.scales.base import AnswerError, InvalidProtocol

SCORE = pain_nrs.INSTRUMENT.score
WITH_UNVERIFIED_BANDS = {"protocol": pain_nrs.PainNrsProtocol(show_unverified_bands=True)}


def test_reference_fixture_severe_to_moderate_is_minus_3_points_and_42_9_percent():
    """clinical-reference §7.3: pain NRS 7 → 4 is severe → moderate, −3 points (−42.9 %); the bands
    are [U], so the fixture switches them on."""
    before = SCORE([7], WITH_UNVERIFIED_BANDS)
    after = SCORE([4], WITH_UNVERIFIED_BANDS)

    change = pain_nrs.change(baseline=7, current=4)

    assert (before.total, before.severity, after.total, after.severity) == (7, "SEVERE", 4, "MODERATE")
    assert (change.points, str(change.percent)) == (-3, "-42.9")


def test_unverified_bands_are_off_by_default():
    """clinical-reference §7.2: pain NRS bands are [U], never shown as fact unless the clinic opts in."""
    result = SCORE([7])

    assert (result.total, result.severity) == (7, None)
    assert pain_nrs.INSTRUMENT.bands == ()


@pytest.mark.parametrize(("rating", "band"), [(0, "NONE"), (1, "MILD"), (3, "MILD"), (4, "MODERATE"),
                                              (6, "MODERATE"), (7, "SEVERE"), (10, "SEVERE")])
def test_unverified_band_boundaries(rating, band):
    """clinical-reference §7.2 [U]: 1–3 mild, 4–6 moderate, 7–10 severe, both sides of each boundary;
    0 is the scale's no-pain anchor."""
    assert SCORE([rating], WITH_UNVERIFIED_BANDS).severity == band


@pytest.mark.parametrize("rating", [0, 10])
def test_minimum_and_maximum_totals(rating):
    """clinical-reference §7.1: one item, 0–10, the total is the rating."""
    assert SCORE([rating]).total == rating


def test_rise_is_positive_change():
    """clinical-reference §7.3 pain NRS (7 → 4 is −3 points, −42.9 %): a rise from 4 to 7 is +3 points, +75.0 % of
    the baseline, rounded half-up to 0.1 % for display."""
    change = pain_nrs.change(baseline=4, current=7)

    assert (change.points, str(change.percent)) == (3, "75.0")


def test_change_from_zero_has_no_percentage():
    """clinical-reference §7.3 pain NRS change and §6.2 (no percentage from a baseline of 0): 0 → 5 is +5 points and
    no percentage."""
    change = pain_nrs.change(baseline=0, current=5)

    assert (change.points, change.percent) == (5, None)


def test_change_refuses_a_rating_above_10():
    """clinical-reference §7.1 pain NRS: 1 item × 0–10; a current rating of 11 is refused naming it, never
    clamped."""
    with pytest.raises(AnswerError) as error:
        pain_nrs.change(baseline=7, current=11)

    assert error.value.field == "current"


def test_out_of_range_rating_names_the_item():
    """clinical-reference §7.1 pain NRS: 1 item × 0–10; 11 is refused naming the item and the range."""
    with pytest.raises(AnswerError) as error:
        SCORE([11])

    assert error.value.field == "item 1"
    assert "0 to 10" in error.value.message


def test_missing_rating_names_the_item():
    """clinical-reference §7.1 pain NRS: the total is the value; a missing rating is refused naming the item, never
    read as 0."""
    with pytest.raises(AnswerError) as error:
        SCORE([None])

    assert error.value.field == "item 1"


def test_wrong_answer_count_names_the_answers():
    """clinical-reference §7.1 pain NRS: 1 item; two answers are refused naming the answers."""
    with pytest.raises(AnswerError) as error:
        SCORE([3, 4])

    assert error.value.field == "answers"


def test_refuses_an_unknown_recall_period():
    """clinical-reference §7.1: recall is now or the last 24 hours [D]; nothing else."""
    with pytest.raises(InvalidProtocol):
        pain_nrs.PainNrsProtocol(recall_period="last week")


def test_refuses_settings_of_the_wrong_kind():
    """clinical-reference §7.2 pain NRS bands are [U] and off unless the clinic's protocol switches them on;
    settings that are not a pain NRS protocol are refused naming them, never half-read."""
    with pytest.raises(InvalidProtocol) as error:
        SCORE([3], {"protocol": {"show_unverified_bands": True}})

    assert error.value.field == "context.protocol"


def test_carries_the_loinc_code_from_the_reference():
    """clinical-reference §7.2: pain NRS LOINC 72514-3."""
    assert pain_nrs.INSTRUMENT.loinc_total == "72514-3"

from decimal import Decimal
from fractions import Fraction

import pytest

from clinic.rules.scales import fiqr
from clinic.rules.scales.base import AnswerError, InvalidProtocol, band_for

SCORE = fiqr.INSTRUMENT.score
FIXTURE = [3, 4, 5, 6, 7, 5, 5, 5, 5,  5, 7,  7, 6, 8, 5, 6, 4, 7, 6, 5, 6]
SET_2020 = {"protocol": fiqr.FiqrProtocol(band_set="salaffi_2020")}
SET_2018 = {"protocol": fiqr.FiqrProtocol(band_set="salaffi_2018")}


def _fill(total: int, count: int) -> list[int]:
    """`count` ratings of 0–10 adding up to `total`, highest first."""
    return [min(10, max(0, total - 10 * index)) for index in range(count)]


def answers_for(*, function: int, overall: int, symptoms: int) -> list[int]:
    return _fill(function, 9) + _fill(overall, 2) + _fill(symptoms, 10)


def test_reference_fixture_is_57_0():
    """clinical-reference §7.3: function 45 ÷ 3 = 15.0, overall 12.0, symptoms 60 ÷ 2 = 30.0 → 57.0
    (Bennett 2009 weights)."""
    result = SCORE(FIXTURE)

    assert (str(result.total), result.severity, result.flags) == ("57.0", None, ())
    assert result.subscores == {"function": Decimal("15.0"), "overall": Decimal("12.0"),
                                "symptoms": Decimal("30.0")}


@pytest.mark.parametrize(("context", "band"), [(SET_2020, "MODERATE"), (SET_2018, "MODERATE")])
def test_reference_fixture_is_moderate_in_both_band_sets(context, band):
    """clinical-reference §7.3: 57.0 is moderate in both the 2020 and the 2018 Salaffi sets [U]."""
    assert SCORE(FIXTURE, context).severity == band


def test_no_band_set_is_on_by_default():
    """clinical-reference §7.2: both FIQR band sets are [U]; neither is enabled by default."""
    assert (fiqr.DEFAULT_PROTOCOL.band_set, fiqr.INSTRUMENT.bands) == (None, ())


@pytest.mark.parametrize(("sums", "shown", "band"), [
    ((1, 3, 41), "23.8", "REMISSION"), ((0, 4, 40), "24.0", "MILD"),
    ((1, 20, 41), "40.8", "MILD"), ((0, 1, 80), "41.0", "MODERATE"),
    ((1, 20, 87), "63.8", "MODERATE"), ((0, 14, 100), "64.0", "SEVERE"),
    ((40, 20, 99), "82.8", "SEVERE"), ((39, 20, 100), "83.0", "VERY_SEVERE"),
])
def test_salaffi_2020_boundaries(sums, shown, band):
    """clinical-reference §7.2 (Salaffi 2020, [U]): remission < 24, mild < 41, moderate < 64, severe < 83,
    very severe ≥ 83; the nearest totals either side of each cut-off (steps of 1/6)."""
    function, overall, symptoms = sums

    result = SCORE(answers_for(function=function, overall=overall, symptoms=symptoms), SET_2020)

    assert (str(result.total), result.severity) == (shown, band)


@pytest.mark.parametrize(("sums", "shown", "band"), [
    ((0, 10, 40), "30.0", "REMISSION"), ((1, 10, 40), "30.3", "MILD"),
    ((0, 15, 60), "45.0", "MILD"), ((1, 15, 60), "45.3", "MODERATE"),
    ((0, 15, 100), "65.0", "MODERATE"), ((1, 15, 100), "65.3", "HIGH"),
])
def test_salaffi_2018_boundaries(sums, shown, band):
    """clinical-reference §7.2 (Salaffi 2018, [U]): remission ≤ 30, mild ≤ 45, moderate ≤ 65, high > 65."""
    function, overall, symptoms = sums

    result = SCORE(answers_for(function=function, overall=overall, symptoms=symptoms), SET_2018)

    assert (str(result.total), result.severity) == (shown, band)


def test_2020_band_uses_the_unrounded_total():
    """clinical-reference §7.2: the 2020 set is half-open on the unrounded total. Prorated sums give
    23 71/72, shown as 24.0 but still remission."""
    answers = [None, *_fill(5, 8), *_fill(1, 2), None, *_fill(38, 9)]
    context = {"protocol": fiqr.FiqrProtocol(band_set="salaffi_2020", max_missing_symptoms=1)}

    result = SCORE(answers, context)

    assert (str(result.total), result.severity) == ("24.0", "REMISSION")


@pytest.mark.parametrize(("rating", "total"), [(0, "0.0"), (10, "100.0")])
def test_minimum_and_maximum_totals(rating, total):
    """clinical-reference §7.1: 0–100 (30 + 20 + 50 at most)."""
    assert str(SCORE([rating] * 21).total) == total


def test_prorates_one_missing_function_item():
    """Developers' guidelines [48]: the function sum 42 over 8 answered × 9/8 = 47.25, ÷ 3 = 15.75;
    the total 57.75 rounds half-up to 57.8."""
    result = SCORE([None, *FIXTURE[1:]])

    assert (str(result.total), str(result.subscores["function"]), result.flags) == ("57.8", "15.8", ("PRORATED",))


def test_refuses_two_missing_function_items_by_default():
    """clinical-reference §7.1: the validity limit is a product choice [D]; the default follows the
    reference's example (invalid if ≥ 2 function items are missing)."""
    with pytest.raises(AnswerError) as error:
        SCORE([3, None, 5, None, 7, 5, 5, 5, 5, *FIXTURE[9:]])

    assert error.value.field == "item 2"
    assert "items 2, 4" in error.value.message


@pytest.mark.parametrize("missing", [10, 12, 21])
def test_refuses_any_missing_overall_or_symptom_item_by_default(missing):
    answers = list(FIXTURE)
    answers[missing - 1] = None

    with pytest.raises(AnswerError) as error:
        SCORE(answers)

    assert error.value.field == f"item {missing}"


def test_clinic_may_allow_a_missing_overall_item():
    """Prorating [48]: overall 7 over 1 answered × 2/1 = 14; total 15 + 14 + 30 = 59.0."""
    context = {"protocol": fiqr.FiqrProtocol(max_missing_overall=1)}

    result = SCORE([*FIXTURE[:9], None, 7, *FIXTURE[11:]], context)

    assert (str(result.total), result.subscores["overall"]) == ("59.0", Decimal("14.0"))


def test_rounds_half_up_not_to_even():
    """clinical-reference §1: round half-up. Function 1 over 5 answered × 9/5 ÷ 3 = 0.6 and symptoms
    1 over 4 answered × 10/4 ÷ 2 = 1.25 give 1.85, shown as 1.9."""
    context = {"protocol": fiqr.FiqrProtocol(max_missing_function=4, max_missing_symptoms=6)}
    answers = [1, 0, 0, 0, 0, None, None, None, None, 0, 0, 1, 0, 0, 0, None, None, None, None, None, None]

    assert str(SCORE(answers, context).total) == "1.9"


@pytest.mark.parametrize("settings", [{"band_set": "salaffi_2019"}, {"max_missing_function": 9},
                                      {"max_missing_overall": -1}])
def test_refuses_impossible_settings(settings):
    """A domain needs at least one answer to prorate; only the two published band sets exist."""
    with pytest.raises(InvalidProtocol):
        fiqr.FiqrProtocol(**settings)


def test_out_of_range_rating_names_the_item():
    with pytest.raises(AnswerError) as error:
        SCORE([*FIXTURE[:14], 11, *FIXTURE[15:]])

    assert error.value.field == "item 15"


def test_wrong_answer_count_names_the_answers():
    with pytest.raises(AnswerError) as error:
        SCORE(FIXTURE[:20])

    assert error.value.field == "answers"



@pytest.mark.parametrize("band_set", sorted(fiqr.BAND_SETS))
def test_every_total_has_a_band_that_never_falls_as_the_total_rises(band_set):
    """Salaffi 2018 and 2020 [U]: the half-open bands cover 0–100 without gaps and in order. Every
    unprorated total is a multiple of 1/6 (function ÷ 3 plus symptoms ÷ 2), so all 601 are checked."""
    bands = fiqr.BAND_SETS[band_set]
    codes = [band.code for band in bands]

    ranks = [codes.index(band_for(Fraction(sixths, 6), bands)) for sixths in range(601)]

    assert ranks == sorted(ranks)
    assert (ranks[0], ranks[-1]) == (0, len(codes) - 1)

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
    """clinical-reference §7.2: the 2020 set is half-open on the unrounded total: 23.95 is shown as 24.0
    but is still remission."""
    total = Fraction(2395, 100)

    assert (str(fiqr._one_decimal(total)), band_for(total, fiqr.SALAFFI_2020)) == ("24.0", "REMISSION")


@pytest.mark.parametrize(("rating", "total"), [(0, "0.0"), (10, "100.0")])
def test_minimum_and_maximum_totals(rating, total):
    """clinical-reference §7.1: 0–100 (30 + 20 + 50 at most)."""
    assert str(SCORE([rating] * 21).total) == total


def test_prorates_one_missing_function_item():
    """clinical-reference §7.1 FIQR missing items [48]: the function sum 42 over 8 answered × 9/8 = 47.25, ÷ 3 =
    15.75; the total 57.75 rounds half-up to 57.8 and is flagged as prorated."""
    result = SCORE([None, *FIXTURE[1:]])

    assert (str(result.total), str(result.subscores["function"]), result.flags) == ("57.8", "15.8", ("PRORATED",))


@pytest.mark.parametrize("missing", [(2, 4), (1, 9), (1, 2, 3)])
def test_refuses_two_or_more_missing_function_items(missing):
    """clinical-reference §7.1 [48]: the developers' scoring page (fiqr.info) counts the form invalid if
    2 or more function items are missing; the refusal names every missing item."""
    answers = [None if number in missing else answer for number, answer in enumerate(FIXTURE, start=1)]

    with pytest.raises(AnswerError) as error:
        SCORE(answers)

    assert (error.value.field, error.value.items) == (f"item {missing[0]}", tuple(str(n) for n in missing))
    assert f"items {', '.join(str(n) for n in missing)} have no answer" in error.value.message
    assert "invalid with 2 or more function items missing" in error.value.message


@pytest.mark.parametrize(("missing", "domain"), [(10, "overall"), (11, "overall"), (12, "symptoms"),
                                                  (21, "symptoms")])
def test_refuses_any_missing_overall_or_symptom_item(missing, domain):
    """clinical-reference §7.1 [48]: any missing overall or symptom item makes the form invalid."""
    answers = list(FIXTURE)
    answers[missing - 1] = None

    with pytest.raises(AnswerError) as error:
        SCORE(answers)

    assert error.value.field == f"item {missing}"
    assert f"invalid with any {domain} item missing" in error.value.message


@pytest.mark.parametrize("setting", ["max_missing_function", "max_missing_overall", "max_missing_symptoms"])
def test_the_validity_limits_are_not_clinic_settings(setting):
    """clinical-reference §7.1 [48]: the validity limits are the developers' own, so no clinic may loosen
    them."""
    with pytest.raises(TypeError):
        fiqr.FiqrProtocol(**{setting: 2})


def test_rounds_half_up_not_to_even():
    """clinical-reference §1: round half-up. Function 6 over 8 answered × 9/8 ÷ 3 = 2.25, shown as 2.3
    (half-even would give 2.2)."""
    answers = [None, 6, *[0] * 19]

    result = SCORE(answers)

    assert (str(result.total), str(result.subscores["function"]), result.flags) == ("2.3", "2.3", ("PRORATED",))


@pytest.mark.parametrize("band_set", ["salaffi_2019", "", 2020])
def test_refuses_an_unknown_band_set(band_set):
    """clinical-reference §7.2: only the two published band sets exist [U]."""
    with pytest.raises(InvalidProtocol) as error:
        fiqr.FiqrProtocol(band_set=band_set)

    assert error.value.field == "band_set"


def test_out_of_range_rating_names_the_item():
    """clinical-reference §7.1 FIQR: 21 items × 0–10; an 11 on item 15 is refused naming the item."""
    with pytest.raises(AnswerError) as error:
        SCORE([*FIXTURE[:14], 11, *FIXTURE[15:]])

    assert error.value.field == "item 15"


def test_wrong_answer_count_names_the_answers():
    """clinical-reference §7.1 FIQR: 21 items (function 9, overall 2, symptoms 10); 20 answers are refused naming
    the answers."""
    with pytest.raises(AnswerError) as error:
        SCORE(FIXTURE[:20])

    assert error.value.field == "answers"



@pytest.mark.parametrize("band_set", sorted(fiqr.BAND_SETS))
def test_every_total_has_a_band_that_never_falls_as_the_total_rises(band_set):
    """clinical-reference §7.2 FIQR [U]: the 2018 and 2020 half-open bands cover 0–100 without gaps and in order.
    Every unprorated total is a multiple of 1/6 (function ÷ 3 plus symptoms ÷ 2), so all 601 are checked."""
    bands = fiqr.BAND_SETS[band_set]
    codes = [band.code for band in bands]

    ranks = [codes.index(band_for(Fraction(sixths, 6), bands)) for sixths in range(601)]

    assert ranks == sorted(ranks)
    assert (ranks[0], ranks[-1]) == (0, len(codes) - 1)


@pytest.mark.parametrize(("items", "flags"), [((), ()), ((2,), ("MULTIPLE_ANSWERS",)),
                                              ((2, 15), ("MULTIPLE_ANSWERS",))])
def test_one_or_two_items_with_more_than_one_answer_still_score(items, flags):
    """clinical-reference §7.1 [48]: the form is invalid only from 3 items with more than one answer;
    fewer are scored as entered and flagged."""
    result = SCORE(FIXTURE, {"multiple_answer_items": list(items)})

    assert (str(result.total), result.flags) == ("57.0", flags)


@pytest.mark.parametrize("items", [(2, 15, 21), (1, 10, 11, 12)])
def test_three_or_more_items_with_more_than_one_answer_are_refused_naming_them(items):
    """clinical-reference §7.1 [48]: invalid if 3 or more items have more than one answer (fiqr.info)."""
    with pytest.raises(AnswerError) as error:
        SCORE(FIXTURE, {"multiple_answer_items": list(reversed(items))})

    numbers = ", ".join(str(item) for item in items)
    assert (error.value.field, error.value.items) == (f"items {numbers}", tuple(str(item) for item in items))
    assert f"FIQR items {numbers} have more than one answer" in error.value.message


def test_a_prorated_form_with_items_with_more_than_one_answer_carries_both_flags():
    """clinical-reference §7.1 [48]: one missing function item and two items with more than one answer
    leave the form valid."""
    result = SCORE([None, *FIXTURE[1:]], {"multiple_answer_items": [3, 4]})

    assert (str(result.total), result.flags) == ("57.8", ("PRORATED", "MULTIPLE_ANSWERS"))


@pytest.mark.parametrize("items", [[0], [22], [3, 3], "3", [True], 3, [2.0]])
def test_multiple_answer_items_must_be_item_numbers_each_once(items):
    """clinical-reference §7.1: FIQR has items 1–21."""
    with pytest.raises(AnswerError) as error:
        SCORE(FIXTURE, {"multiple_answer_items": items})

    assert error.value.field == "context.multiple_answer_items"


def test_labels_are_the_systems_own_not_the_licensed_wording():
    """clinical-reference §7.2 licences: the function items' wording ("Walk continuously for 20 minutes",
    …) is licensed text, so the labels are the system's own and the licence note says so."""
    labels = [item.label for item in fiqr.INSTRUMENT.items]

    assert (len(labels), labels[1]) == (21, "Sustained walking")
    assert "Walk continuously for 20 minutes" not in labels
    assert all(item.text is None for item in fiqr.INSTRUMENT.items)
    assert "the labels here are the system's own short names" in fiqr.INSTRUMENT.licence

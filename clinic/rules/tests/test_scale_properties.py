"""Properties every instrument in INSTRUMENTS must keep (issue 4 acceptance; style §5 habit 10).

Answers are generated from each instrument's own items: an option index or a number on the item's
grid (range and step: YMRS half points), and None for an item whose `asked_if` gate was not met
(C-SSRS items 3–5). Instruments that read the context get a valid one (MIDAS items A and B, the CADSS
pre-dose total, the AUDIT-C sex).
"""

import math
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic.rules.scales import INSTRUMENTS, instrument, midas, score
from clinic.rules.scales.base import Instrument, Item, Number, Score, UnknownInstrument

ALL = sorted(INSTRUMENTS.values(), key=lambda instrument: instrument.code)
WITH_TOTAL = [instrument for instrument in ALL if instrument.total_range is not None]
SYMPTOM_SCALES = [instrument for instrument in WITH_TOTAL if instrument.higher_is_worse]
BANDED = [instrument for instrument in WITH_TOTAL if instrument.bands]
PAIRED_LIMITS = {"midas": midas.DAY_PAIRS}
# clinical-reference §7.2: the YMRS band set (Born 2021) stops below 30; above it severity is None.
UNCOVERED_TOP = {"ymrs": 30}
CONTEXTS = {
    "midas": st.fixed_dictionaries({"midas_a": st.integers(0, 92), "midas_b": st.integers(0, 10)}),
    "cadss": st.fixed_dictionaries({}, optional={"pre_dose_total": st.integers(0, 92)}),
    "audit_c": st.fixed_dictionaries({}, optional={"sex": st.sampled_from(["male", "female", "other", "unknown"])}),
}


def by_code(instruments: list[Instrument]) -> Any:
    return pytest.mark.parametrize("instrument", instruments, ids=[instrument.code for instrument in instruments])


def numbers_on_grid(item: Item, *, at_least: Number, at_most: Number) -> st.SearchStrategy[Number]:
    """The item's allowed numbers from `at_least` to `at_most`: low, low + step, … high."""
    low, _ = item.number_range
    first, last = math.ceil((at_least - low) / item.step), math.floor((at_most - low) / item.step)
    return st.integers(first, last).map(lambda steps: low + steps * item.step)


def ceiling(instrument: Instrument, item: Item, given: dict[int, Any]) -> Number:
    """The item's highest number, lowered where it shares a limit with an item already answered (MIDAS
    items 1 + 2 and 3 + 4 at most 92 days, clinical-reference §7.1)."""
    partners = {first: second for first, second, _ in PAIRED_LIMITS.get(instrument.code, ())}
    partners |= {second: first for first, second in partners.items()}
    partner_days = given.get(partners.get(item.number), 0) or 0
    return min(item.number_range[1], midas.MAX_DAYS - partner_days)


def answer_to(instrument: Instrument, item: Item, given: dict[int, Any]) -> st.SearchStrategy[Number]:
    if item.number_range is not None:
        return numbers_on_grid(item, at_least=item.number_range[0], at_most=ceiling(instrument, item, given))
    return st.integers(0, len(item.options) - 1)


@st.composite
def answers_for(draw: st.DrawFn, instrument: Instrument) -> list[int | None]:
    given_answers: dict[int, int | None] = {}
    for item in instrument.items:
        asked = item.asked_if is None or given_answers.get(item.asked_if[0]) == item.asked_if[1]
        given_answers[item.number] = draw(answer_to(instrument, item, given_answers)) if asked else None
    return list(given_answers.values())


def context_for(instrument: Instrument) -> st.SearchStrategy[dict[str, Any]]:
    return CONTEXTS.get(instrument.code, st.just({}))


def worse_or_equal_answer(instrument: Instrument, answers: list[Any], item: Item) -> st.SearchStrategy[Number]:
    """An answer to the same item worth at least as many points."""
    answer = answers[item.number - 1]
    if item.number_range is not None:
        given = dict(enumerate(answers, start=1))
        return numbers_on_grid(item, at_least=answer, at_most=ceiling(instrument, item, given))
    points = item.options[answer].points
    return st.sampled_from([index for index, option in enumerate(item.options) if option.points >= points])


def severity_rank(instrument: Instrument, score: Score) -> int:
    """The band's place in order; a total above an uncovered top ranks after every band."""
    codes = [band.code for band in instrument.bands]
    uncovered_from = UNCOVERED_TOP.get(instrument.code)
    if uncovered_from is not None and score.total >= uncovered_from:
        assert score.severity is None, f"{instrument.code}: {score.total} is above every band"
        return len(codes)
    assert score.severity in codes, f"{instrument.code}: severity {score.severity!r} is not one of its bands {codes}"
    return codes.index(score.severity)


@by_code(WITH_TOTAL)
@given(data=st.data())
def test_total_stays_within_the_published_range(instrument, data):
    """clinical-reference §7.1: every total lies in the instrument's published range."""
    answers = data.draw(answers_for(instrument))
    context = data.draw(context_for(instrument))

    total = instrument.score(answers, context).total

    low, high = instrument.total_range
    assert low <= total <= high


@by_code(SYMPTOM_SCALES)
@given(data=st.data())
def test_raising_one_answer_never_lowers_the_total(instrument, data):
    """clinical-reference §7.1 (each total is a sum, or QIDS-SR16's sum of domain maxima) and §7.2 (bands in order),
    property: an option worth more points (or a higher number) on any one item never lowers the total or the band.
    Points, not indices: DAST-10 item 3 is reversed."""
    answers = data.draw(answers_for(instrument))
    context = data.draw(context_for(instrument))
    gates = {item.asked_if[0] for item in instrument.items if item.asked_if is not None}
    choices = [index for index, item in enumerate(instrument.items)
               if answers[index] is not None and item.number not in gates]
    index = data.draw(st.sampled_from(choices))
    item = instrument.items[index]
    raised = data.draw(worse_or_equal_answer(instrument, answers, item))

    lower = instrument.score(answers, context)
    higher = instrument.score([*answers[:index], raised, *answers[index + 1:]], context)

    assert higher.total >= lower.total
    if instrument.bands:
        assert severity_rank(instrument, higher) >= severity_rank(instrument, lower)


@by_code(BANDED)
@given(data=st.data())
def test_severity_never_decreases_as_the_total_rises(instrument, data):
    """clinical-reference §7.2: bands run in order, so of two scores the higher total never has the
    lower severity."""
    context = data.draw(context_for(instrument))
    first = instrument.score(data.draw(answers_for(instrument)), context)
    second = instrument.score(data.draw(answers_for(instrument)), context)

    low, high = sorted((first, second), key=lambda score: score.total)

    assert severity_rank(instrument, low) <= severity_rank(instrument, high)


@by_code(BANDED)
def test_bands_run_in_order_without_gaps_or_overlaps(instrument):
    """clinical-reference §7.2: each band starts where the last ended (the next whole number for inclusive
    whole-number bounds; the same number where one of the two is strict, as in YMRS "12 to < 21"), the
    first at the lowest total and the last at the highest, open, or where the set stops (YMRS 30)."""
    bands = instrument.bands
    low, high = instrument.total_range

    assert bands[0].low <= low
    assert bands[-1].high is None or bands[-1].high >= high or bands[-1].high == UNCOVERED_TOP[instrument.code]
    for before, after in pairwise(bands):
        assert before.high is not None
        if before.high_inclusive and after.low_inclusive:
            assert after.low > before.high
            if all(isinstance(bound, int) for bound in (before.high, after.low)):
                assert after.low == before.high + 1
        else:
            assert (after.low, before.high_inclusive or after.low_inclusive) == (before.high, True)


def test_an_unknown_instrument_code_is_refused_listing_the_known_ones():
    """clinical-reference §7.1 lists the instruments the clinic scores, with design §4.4's codes (phq9, gad7, …);
    any other code is refused, naming the known codes."""
    with pytest.raises(UnknownInstrument) as error:
        score("beck", [0])

    assert (error.value.code, error.value.field) == ("UNKNOWN_INSTRUMENT", "code")
    assert "Known codes: audit_c, bprs," in error.value.message
    assert instrument("ymrs") is INSTRUMENTS["ymrs"]

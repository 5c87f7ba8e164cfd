"""Classification against baseline (clinical-reference §6.2)."""

import dataclasses
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic.rules import response, scales
from clinic.rules.response import (
    NO_AGREED_THRESHOLD,
    NON_RESPONSE,
    NOT_EVALUABLE,
    PARTIAL,
    REMISSION,
    RESPONSE,
    WORSE,
    DatedScore,
    ResponseProtocol,
    classify,
)

D = Decimal
START = datetime(2026, 12, 7, 9, 0)


@pytest.mark.parametrize(("scale", "baseline", "current", "category", "unverified"), [
    # PHQ-9: remission < 5 [L] [34]; response ≥ 50 % [L]; partial ≥ 25 % [D].
    ("phq9", 20, 4, REMISSION, False),
    ("phq9", 20, 5, RESPONSE, False),
    ("phq9", 20, 10, RESPONSE, False),
    ("phq9", 20, 11, PARTIAL, False),
    ("phq9", 20, 15, PARTIAL, False),
    ("phq9", 20, 16, NON_RESPONSE, False),
    ("phq9", 20, 20, NON_RESPONSE, False),
    ("phq9", 20, 21, WORSE, False),
    # MADRS: remission ≤ 10 [L] [7].
    ("madrs", 30, 10, REMISSION, False),
    ("madrs", 30, 11, RESPONSE, False),
    ("madrs", 40, 20, RESPONSE, False),
    ("madrs", 40, 21, PARTIAL, False),
    # QIDS-SR16: remission ≤ 5 [L] [35].
    ("qids_sr16", 20, 5, REMISSION, False),
    ("qids_sr16", 20, 6, RESPONSE, False),
    # HAM-D17: remission ≤ 7, response 50 %, both [U].
    ("hamd17", 24, 7, REMISSION, True),
    ("hamd17", 24, 8, RESPONSE, True),
    ("hamd17", 24, 13, PARTIAL, True),
    # GAD-7: remission < 5, response 50 %, both [U].
    ("gad7", 15, 4, REMISSION, True),
    ("gad7", 15, 5, RESPONSE, True),
    # Y-BOCS: remission ≤ 12, response ≥ 35 %, both [U].
    ("ybocs", 30, 12, REMISSION, True),
    ("ybocs", 20, 13, RESPONSE, True),
    ("ybocs", 20, 14, PARTIAL, True),
    ("ybocs", 20, 15, PARTIAL, True),
    ("ybocs", 20, 16, NON_RESPONSE, True),
    # Pain NRS: ≥ 30 % or ≥ 2 points [U]; no remission rule.
    ("pain_nrs", 10, 8, RESPONSE, True),
    ("pain_nrs", 10, 9, NON_RESPONSE, True),
    ("pain_nrs", 7, 5, RESPONSE, True),
    ("pain_nrs", 7, 6, NON_RESPONSE, True),
    ("pain_nrs", 4, 3, PARTIAL, True),
    ("pain_nrs", 10, 0, RESPONSE, True),
])
def test_both_sides_of_every_threshold(scale, baseline, current, category, unverified):
    """Clinical-reference §6.2 classify() and its per-scale table, on both sides of each cut-off
    (pain NRS 7 → 5 is only 28.6 % but 2 points better); a score above baseline is "worse"; a
    result resting on an [U] threshold says it is unverified."""
    result = classify(baseline=baseline, current=current, scale=scale)

    assert (result.category, result.unverified) == (category, unverified)


def test_pain_nrs_reference_example():
    """Clinical-reference §7.3: pain NRS 7 → 4 is −3 points (−42.9 %); by §6.2 that is a response
    on the unverified pain threshold."""
    result = classify(baseline=7, current=4, scale="pain_nrs")

    assert (result.change_points, result.improvement_pct_display) == (D(-3), D("42.9"))
    assert (result.category, result.unverified) == (RESPONSE, True)
    assert "unverified" in result.note


@pytest.mark.parametrize(("scale", "baseline_answers", "baseline", "current_answers", "current", "category"), [
    ("phq9", [1, 2, 1, 2, 1, 1, 1, 1, 0], 10, [0, 1, 0, 1, 0, 0, 0, 0, 1], 3, REMISSION),
    ("phq9", [2, 2, 2, 2, 2, 2, 2, 2, 0], 16, [1, 2, 1, 2, 1, 1, 1, 1, 0], 10, PARTIAL),
    ("ybocs", [4, 4, 4, 3, 3, 4, 3, 3, 3, 3], 34, [2, 2, 2, 2, 2, 3, 3, 2, 2, 2], 22, RESPONSE),
    ("madrs", [4, 4, 4, 4, 4, 4, 4, 4, 4, 4], 40, [4, 4, 3, 3, 2, 3, 3, 3, 3, 0], 28, PARTIAL),
])
def test_reference_scoring_fixtures_classify(scale, baseline_answers, baseline, current_answers, current, category):
    """clinical-reference §7.3 scoring fixtures (PHQ-9 10 and 3, Y-BOCS 22, MADRS 28) scored by the scale modules and
    classified by §6.2: PHQ-9 10 → 3 is 70 % and < 5, remission; Y-BOCS 34 → 22 is 35.3 %, a
    response on the [U] 35 % rule; MADRS 40 → 28 is 30 %, partial."""
    baseline_total = scales.score(scale, baseline_answers).total
    current_total = scales.score(scale, current_answers).total

    result = classify(baseline=baseline_total, current=current_total, scale=scale)

    assert (baseline_total, current_total, result.category) == (baseline, current, category)


def test_baseline_of_zero_is_not_evaluable():
    """clinical-reference §6.2: if baseline == 0 return "not_evaluable"."""
    result = classify(baseline=0, current=3, scale="phq9")

    assert (result.category, result.improvement_pct, result.unverified) == (NOT_EVALUABLE, None, False)
    assert (result.improvement_pct_display, result.meets_remission) == (None, False)


@pytest.mark.parametrize("scale", ["pcl5", "fiqr", "midas", "hit6"])
def test_scales_without_agreed_thresholds_say_so(scale):
    """clinical-reference §6.2: PCL-5, FIQR, MIDAS and HIT-6 have no agreed threshold [U]; nothing is invented."""
    baseline = 60 if scale == "hit6" else 40

    result = classify(baseline=baseline, current=baseline - 20, scale=scale)

    assert result.category == NO_AGREED_THRESHOLD
    assert result.meets_remission is None
    assert "No agreed" in result.note or "no agreed" in result.note.lower()


def test_pcl5_note_lists_the_literature_figures():
    """clinical-reference §6.2 PCL-5 row: 5/10 points [37], 15–18 reliable change [66], MID ~9–12 [67]."""
    result = classify(baseline=50, current=30, scale="pcl5")

    assert all(figure in result.note for figure in ("5 (reliable)", "15–18", "9–12"))


def test_fiqr_accepts_a_fractional_total():
    """clinical-reference §7.1 (FIQR totals are fractional) and §6.2 (no agreed FIQR threshold): the 57.0 fixture of
    §7.3 classifies without a threshold, and the change is exact."""
    result = classify(baseline=D("70.5"), current=D("57.0"), scale="fiqr")

    assert (result.category, result.change_points) == (NO_AGREED_THRESHOLD, D("-13.5"))


@pytest.mark.parametrize(("current", "meets"), [(11, True), (D("11.5"), True), (12, False)])
def test_ymrs_reports_remission_as_unverified_and_has_no_response_rule(current, meets):
    """clinical-reference §6.2 YMRS row: remission < 12 is [U], a post-hoc grouping [41], and is shown as such; no
    response threshold. A half-point total (§7.1) is compared exactly."""
    result = classify(baseline=20, current=current, scale="ymrs")

    assert (result.category, result.meets_remission, result.unverified) == (NO_AGREED_THRESHOLD, meets, True)
    assert result.basis == ("remission: score < 12 [U] (§6.2 [U]: a post-hoc grouping (Born 2021) [41])",)
    assert "unverified [U]" in result.note


@pytest.mark.parametrize(("requires", "category"), [(False, REMISSION), (True, PARTIAL)])
def test_remission_requires_response_setting(requires, category):
    """clinical-reference §6.2 [D] remission_requires_response (default False): Y-BOCS 16 → 12 is ≤ 12 but only 25 %,
    below the 35 % response [U]. With the default floors this is the one scale where it matters."""
    protocol = ResponseProtocol(remission_requires_response=requires)

    result = classify(baseline=16, current=12, scale="ybocs", protocol=protocol)

    assert result.category == category


def test_remission_with_response_required_lists_both_thresholds():
    """clinical-reference §6.2: with remission_requires_response, remission needs the response threshold too."""
    protocol = ResponseProtocol(remission_requires_response=True)

    result = classify(baseline=20, current=4, scale="phq9", protocol=protocol)

    assert result.category == REMISSION
    assert [line.split(":")[0] for line in result.basis] == ["remission", "response"]


def test_basis_names_each_threshold_with_its_tag():
    """clinical-reference §6.2: each result shows the thresholds it used and their tags, so [U] is
    never shown as fact."""
    result = classify(baseline=20, current=14, scale="ybocs")

    assert result.basis == ("remission: score ≤ 12 [U] (§6.2 [U]: not verified)",
                            "response: ≥ 35 % improvement [U] (§6.2 [U]: not verified)",
                            "partial: ≥ 25 % improvement [D] (§6.2 convention)")


def test_a_clinic_may_set_its_own_pcl5_threshold():
    """clinical-reference §6.2 leaves PCL-5 open; a clinic-set [D] threshold (here 10 points) classifies, tagged
    as the clinic's."""
    own = response.ScaleCriteria("pcl5", response_points=response.Threshold(D(10), "D", "clinic setting"))
    protocol = ResponseProtocol(criteria=(own,))

    result = classify(baseline=50, current=40, scale="pcl5", protocol=protocol)

    assert (result.category, result.unverified) == (RESPONSE, False)


@pytest.mark.parametrize(("baseline", "current", "field", "code"), [
    (-1, 3, "baseline", "SCORE_OUT_OF_RANGE"),
    (10, 28, "current", "SCORE_OUT_OF_RANGE"),
    (10.0, 3, "baseline", "INVALID_SCORE"),
    (True, 3, "baseline", "INVALID_SCORE"),
    (10, D("NaN"), "current", "INVALID_SCORE"),
    ("10", 3, "baseline", "INVALID_SCORE"),
])
def test_refuses_impossible_scores(baseline, current, field, code):
    """clinical-reference §7.1 and §1 conventions: no score is clamped (PHQ-9 runs 0–27), and only whole numbers or
    Decimals are taken, never binary floats; the refusal names the score."""
    with pytest.raises(response.DomainError) as error:
        classify(baseline=baseline, current=current, scale="phq9")

    assert (error.value.code, error.value.field) == (code, field)


def test_hit6_range_starts_at_36():
    """clinical-reference §7.1: HIT-6 runs 36–78 (six items weighted 6–13), so a total of 30 is refused, not
    classified."""
    with pytest.raises(response.ScoreOutOfRange):
        classify(baseline=30, current=40, scale="hit6")


def test_refuses_a_scale_that_is_not_an_outcome_scale():
    """clinical-reference §6.2: AUDIT-C is a screen, not an outcome scale."""

    with pytest.raises(response.UnknownOutcomeScale) as error:
        classify(baseline=5, current=3, scale="audit_c")

    assert error.value.field == "scale"
    assert "phq9" in error.value.message


def test_every_outcome_scale_of_the_reference_has_a_row():
    """clinical-reference §6.2 table: PHQ-9, MADRS, QIDS-SR16, HAM-D17, GAD-7, Y-BOCS, PCL-5, YMRS,
    pain NRS, FIQR, MIDAS and HIT-6 each have a row, so none falls through to "unknown scale"."""
    assert [row.scale for row in response.DEFAULT_CRITERIA] == [
        "phq9", "madrs", "qids_sr16", "hamd17", "gad7", "ybocs", "pcl5", "ymrs", "pain_nrs", "fiqr", "midas", "hit6"]


def test_unverified_thresholds_are_marked_in_the_protocol_data():
    """clinical-reference §6.2 tags: GAD-7, HAM-D17, Y-BOCS, pain NRS and YMRS thresholds are [U]; PHQ-9, MADRS,
    QIDS-SR16 [L]."""
    protocol = ResponseProtocol()
    unverified = {row.scale for row in protocol.criteria if any(not t.verified for t in row.thresholds())}

    assert unverified == {"gad7", "hamd17", "ybocs", "pain_nrs", "ymrs"}
    assert protocol.criteria_for("madrs").relapse_at_or_above.value == 22


def test_every_setting_ships_the_reference_default_with_its_tag():
    """clinical-reference §6.2 [D]: partial ≥ 25 %, remission_requires_response False, baseline ≤ 7
    days before infusion 1, end score 1–7 days after infusion 6; §6.3: titration 0.5 → 0.75 mg/kg
    from Cusin 2017 [5], a published schedule [L]."""
    shipped = {spec.name: (spec.default, spec.metadata["tag"]) for spec in dataclasses.fields(ResponseProtocol)
               if spec.name != "criteria"}

    assert shipped == {"partial_pct": (D(25), "D"), "remission_requires_response": (False, "D"),
                       "baseline_max_days_before_first_infusion": (7, "D"),
                       "end_score_min_days_after_sixth": (1, "D"), "end_score_max_days_after_sixth": (7, "D"),
                       "titration_from_mg_per_kg": (D("0.5"), "L"), "titration_to_mg_per_kg": (D("0.75"), "L")}


@pytest.mark.parametrize("settings_", [dict(partial_pct=D(0)), dict(partial_pct=D(101)),
                                       dict(end_score_min_days_after_sixth=8),
                                       dict(baseline_max_days_before_first_infusion=-1)])
def test_refuses_an_impossible_protocol(settings_):
    """clinical-reference §6.2 [D]: partial above 0 % and at most 100 %, score windows in order, no
    negative window; the refusal names the setting."""
    with pytest.raises(response.InvalidProtocol) as error:
        ResponseProtocol(**settings_)

    assert error.value.field == next(iter(settings_))


RANK = {category: rank for rank, category in enumerate(response.ORDER)}
GRADED = ["phq9", "madrs", "qids_sr16", "hamd17", "gad7", "ybocs", "pain_nrs"]


@st.composite
def score_pairs(draw):
    scale = draw(st.sampled_from(GRADED))
    high = scales.instrument(scale).total_range[1]
    baseline = draw(st.integers(1, high))
    current = draw(st.integers(0, high - 1))
    return scale, baseline, current


@given(score_pairs(), st.booleans())
def test_classification_never_improves_when_the_current_score_rises(pair, requires_response):
    """clinical-reference §6.2 is monotone: a higher (worse) current score never gives a better category; the
    baseline alone decides "not evaluable"."""
    scale, baseline, current = pair
    protocol = ResponseProtocol(remission_requires_response=requires_response)

    lower = classify(baseline=baseline, current=current, scale=scale, protocol=protocol)
    higher = classify(baseline=baseline, current=current + 1, scale=scale, protocol=protocol)

    assert higher.category == lower.category == NOT_EVALUABLE or RANK[higher.category] >= RANK[lower.category]


@given(score_pairs())
def test_improvement_matches_the_formula(pair):
    """clinical-reference §6.2: pct = (baseline − current) / baseline × 100, in Decimal (28 significant digits)."""
    scale, baseline, current = pair

    result = classify(baseline=baseline, current=current, scale=scale)

    assert abs(result.improvement_pct * baseline - (baseline - current) * 100) < D("1e-20")


@pytest.mark.parametrize(("baseline", "current", "pct"), [(20, 10, 50), (20, 15, 25), (20, 13, 35), (10, 7, 30)])
def test_improvement_on_a_boundary_is_exact(baseline, current, pct):
    """clinical-reference §6.2: a boundary such as exactly 50 % is computed exactly, so it meets
    "≥ 50 %" (no float error)."""
    result = classify(baseline=baseline, current=current, scale="ybocs")

    assert result.improvement_pct == pct


def _scores(*pairs):
    return [DatedScore(taken_at, total) for taken_at, total in pairs]


def test_baseline_is_the_last_score_within_7_days_before_infusion_1():
    """clinical-reference §6.2 [D]: baseline = last score ≤ 7 days before infusion 1."""
    scores = _scores((START - timedelta(days=8), 20), (START - timedelta(days=7, hours=2), 19),
                     (START - timedelta(days=2), 18), (START + timedelta(hours=1), 5))

    chosen = response.select_baseline(scores, first_infusion_at=START, scale="phq9")

    assert chosen.total == 18


def test_baseline_at_exactly_7_calendar_days_counts_and_8_does_not():
    """clinical-reference §6.2: 7 calendar days before is inside the window, 8 is not."""
    seven = _scores((datetime(2026, 11, 30, 8, 0), 17))
    eight = _scores((datetime(2026, 11, 29, 23, 59), 17))

    assert response.select_baseline(seven, first_infusion_at=START, scale="phq9").total == 17
    with pytest.raises(response.NoBaselineScore) as error:
        response.select_baseline(eight, first_infusion_at=START, scale="phq9")
    assert "PHQ-9" in error.value.message and error.value.code == "NO_BASELINE_SCORE"


def test_baseline_taken_the_same_morning_before_the_start_counts():
    """clinical-reference §6.2 [D]: a score taken up to the start of infusion 1 counts, the latest wins."""

    scores = _scores((START - timedelta(minutes=30), 16), (START, 15))

    assert response.select_baseline(scores, first_infusion_at=START, scale="phq9").total == 15


def test_baseline_tie_keeps_the_later_listed_score():
    """clinical-reference §6.2 [D]: of two scores at the same time, the later-listed is the baseline."""

    scores = _scores((START - timedelta(days=1), 16), (START - timedelta(days=1), 14))

    assert response.select_baseline(scores, first_infusion_at=START, scale="phq9").total == 14


@pytest.mark.parametrize(("days_after", "found"), [(0, False), (1, True), (7, True), (8, False)])
def test_end_of_induction_score_is_taken_1_to_7_days_after_infusion_6(days_after, found):
    """clinical-reference §6.2 [D]: the end-of-induction score is taken 1–7 days after infusion 6."""
    scores = _scores((START + timedelta(days=days_after, hours=1), 6))

    if found:
        assert response.select_end_of_induction_score(scores, sixth_infusion_at=START, scale="phq9").total == 6
    else:
        with pytest.raises(response.NoEndOfInductionScore):
            response.select_end_of_induction_score(scores, sixth_infusion_at=START, scale="phq9")

"""Baselines that cannot show response or remission, and scores worse than baseline
(clinical-reference §6.2 classify(): not_evaluable and worse)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic.rules import response, scales
from clinic.rules.response import (
    NO_AGREED_THRESHOLD,
    NOT_EVALUABLE,
    REMISSION,
    RESPONSE,
    WORSE,
    ResponseProtocol,
    ScaleCriteria,
    Threshold,
    classify,
)
from clinic.rules.scales import hamd17, midas, pain_nrs

D = Decimal


@pytest.mark.parametrize(("baseline", "current", "category", "meets"), [
    (3, 4, NOT_EVALUABLE, False),
    (9, 4, NOT_EVALUABLE, False),
    (20, 9, RESPONSE, False),
    (20, 4, REMISSION, True),
])
def test_phq9_acceptance_table(baseline, current, category, meets):
    """clinical-reference §6.2 [D]: a PHQ-9 baseline below 10 (the moderate band) is not evaluable,
    even when the current score is < 5; 20 → 9 is 55 % (response), 20 → 4 is < 5 (remission)."""
    result = classify(baseline=baseline, current=current, scale="phq9")

    assert (result.category, result.meets_remission) == (category, meets)


@pytest.mark.parametrize(("scale", "floor", "tag"), [
    ("phq9", 10, "D"), ("madrs", 20, "D"), ("qids_sr16", 11, "D"), ("gad7", 10, "D"), ("ybocs", 16, "D"),
    ("hamd17", 14, "U"), ("pain_nrs", 4, "U"), ("midas", 11, "D"),
])
def test_both_sides_of_each_minimum_baseline(scale, floor, tag):
    """clinical-reference §6.2 [D] min_baseline: PHQ-9 10, MADRS 20, QIDS-SR16 11, GAD-7 10, Y-BOCS 16;
    HAM-D17 14 and pain NRS 4 from moderate bands §7.2 marks [U], so tagged [U]; MIDAS 11 from grade
    III, not marked [U]. One point below the floor is not evaluable whatever the current score, and
    unverified exactly when the floor is [U]; at the floor, a score of 0 is classified."""
    below = classify(baseline=floor - 1, current=0, scale=scale)
    at = classify(baseline=floor, current=0, scale=scale)

    assert below.category == NOT_EVALUABLE
    assert below.meets_remission in (False, None)
    assert below.basis == (f"not evaluable: baseline below {floor} [{tag}] "
                           f"({response.DEFAULT_PROTOCOL.criteria_for(scale).min_baseline.source})",)
    assert below.unverified == (tag == "U")
    assert f"A baseline of {floor - 1} is below {floor}" in below.note
    assert at.category in (REMISSION, RESPONSE, NO_AGREED_THRESHOLD)


@pytest.mark.parametrize(("scale", "baseline", "current", "category"), [
    ("hamd17", 13, 0, NOT_EVALUABLE), ("hamd17", 14, 16, WORSE), ("hamd17", 14, 7, REMISSION),
    ("pain_nrs", 3, 0, NOT_EVALUABLE), ("pain_nrs", 4, 5, WORSE), ("pain_nrs", 4, 2, RESPONSE),
])
def test_a_result_resting_on_an_unverified_floor_is_unverified(scale, baseline, current, category):
    """clinical-reference §1 ([U] is never shown as fact) and §6.2/§7.2: the HAM-D17 and pain NRS
    floors come from [U] moderate bands. A result below the floor, and one the floor let through,
    both rest on it: each names the floor with its [U] tag and says it is provisional."""
    floor, band = {"hamd17": (14, "14–19, one of several published sets"), "pain_nrs": (4, "4–6")}[scale]

    result = classify(baseline=baseline, current=current, scale=scale)

    assert (result.category, result.unverified) == (category, True)
    relation = "not evaluable: baseline below" if category == NOT_EVALUABLE else "evaluable: baseline ≥"
    assert result.basis[0] == (f"{relation} {floor} [U] (§6.2 [U]: the scale's moderate band, itself unverified "
                               f"(§7.2): {band})")
    assert "unverified [U]" in result.note


@pytest.mark.parametrize(("scale", "baseline", "current", "category"), [
    ("phq9", 9, 4, NOT_EVALUABLE), ("madrs", 19, 0, NOT_EVALUABLE), ("midas", 10, 0, NOT_EVALUABLE),
    ("phq9", 10, 11, WORSE), ("midas", 11, 12, WORSE),
])
def test_a_result_resting_on_a_default_floor_stays_verified(scale, baseline, current, category):
    """clinical-reference §6.2 [D]: the PHQ-9, MADRS and MIDAS (grade III, not marked [U]) floors are
    clinic defaults, so a result resting on them is not marked unverified and a worse score names no
    floor."""
    result = classify(baseline=baseline, current=current, scale=scale)

    assert (result.category, result.unverified) == (category, False)
    assert "unverified" not in result.note
    if category == WORSE:
        assert result.basis == ()


@pytest.mark.parametrize(("scale", "bands"), [
    ("phq9", scales.phq9.SEVERITY_BANDS), ("madrs", scales.madrs.SEVERITY_BANDS),
    ("qids_sr16", scales.qids_sr16.SEVERITY_BANDS), ("gad7", scales.gad7.SEVERITY_BANDS),
    ("ybocs", scales.ybocs.SEVERITY_BANDS), ("hamd17", hamd17.SEVERITY_BANDS),
    ("pain_nrs", pain_nrs.UNVERIFIED_BANDS), ("midas", midas.GRADES),
])
def test_each_minimum_baseline_is_the_lower_bound_of_the_shipped_moderate_band(scale, bands):
    """clinical-reference §6.2: min_baseline is the scale's moderate band; the reference's [D]
    values (PHQ-9 10 … Y-BOCS 16) and the derived ones agree with the bands the scales ship (§7.2).
    A floor derived from a band §7.2 marks [U] (HAM-D17, pain NRS) carries [U]; the others [D]."""
    moderate = next(band for band in bands if "moderate" in band.label.lower())

    floor = response.DEFAULT_PROTOCOL.criteria_for(scale).min_baseline

    assert (floor.value, floor.tag) == (moderate.low, "U" if scale in ("hamd17", "pain_nrs") else "D")


@pytest.mark.parametrize("scale", ["pcl5", "ymrs", "fiqr", "hit6"])
def test_scales_without_a_shipped_moderate_band_leave_the_minimum_unset(scale):
    """clinical-reference §6.2: PCL-5 has no bands, YMRS's grouping has no moderate band, FIQR's
    band sets are off by default and HIT-6's bands name none; unset means only a baseline of 0 is
    not evaluable."""
    criteria = response.DEFAULT_PROTOCOL.criteria_for(scale)
    low = scales.instrument(scale).total_range[0]

    assert criteria.min_baseline is None
    assert classify(baseline=low + 1, current=low, scale=scale).category == NO_AGREED_THRESHOLD


@pytest.mark.parametrize(("scale", "baseline", "current", "protocol"), [
    ("ymrs", 5, 8, response.DEFAULT_PROTOCOL),
    ("ymrs", D("4.5"), D("5.0"), response.DEFAULT_PROTOCOL),
    ("phq9", 2, 3, ResponseProtocol(criteria=(ScaleCriteria(
        "phq9", response.Remission(D(5), False, "L", "§6.2"), Threshold(D(50), "L", "§6.2"),
        min_baseline=Threshold(D(1), "D", "clinic setting")),))),
])
def test_worse_than_baseline_is_never_remission_even_inside_the_remission_range(scale, baseline, current, protocol):
    """clinical-reference §6.2: if current > baseline return "worse", never remission. YMRS 5 → 8 is
    still < 12, and so is a half point worse (4.5 → 5.0); PHQ-9 2 → 3 is < 5 for a clinic that lowered
    the floor to 1."""
    result = classify(baseline=baseline, current=current, scale=scale, protocol=protocol)

    assert (result.category, result.meets_remission) == (WORSE, False)
    assert result.change_points == D(current) - D(baseline)
    assert "worse than at baseline" in result.note


def test_worse_on_a_scale_without_a_remission_rule_reports_no_remission_rule():
    """clinical-reference §6.2: pain NRS has no remission rule, so `meets_remission` stays None; the
    result names only the [U] floor it rests on (§7.2)."""
    result = classify(baseline=5, current=6, scale="pain_nrs")

    assert (result.category, result.meets_remission, result.unverified) == (WORSE, None, True)
    assert [line.split(" [")[0] for line in result.basis] == ["evaluable: baseline ≥ 4"]


@pytest.mark.parametrize("value", [0, -1, 28])
def test_refuses_an_impossible_minimum_baseline(value):
    """clinical-reference §6.2 [D]: a floor must lie inside the scale's range (PHQ-9 0–27) and above
    0, since a baseline of 0 is always not evaluable."""
    row = ScaleCriteria("phq9", min_baseline=Threshold(D(value), "D", "clinic setting"))

    with pytest.raises(response.InvalidProtocol) as error:
        ResponseProtocol(criteria=(row,))

    assert error.value.field == "criteria"
    assert "PHQ-9 minimum baseline" in error.value.message


def test_refuses_a_row_for_a_scale_the_clinic_does_not_score():
    """clinical-reference §6.2: every row names a scale of §7."""
    with pytest.raises(response.InvalidProtocol) as error:
        ResponseProtocol(criteria=(ScaleCriteria("bdi2"),))

    assert error.value.field == "criteria"


GRADED = [row.scale for row in response.DEFAULT_CRITERIA]


@st.composite
def any_pair(draw):
    scale = draw(st.sampled_from(GRADED))
    low, high = scales.instrument(scale).total_range
    return scale, draw(st.integers(low, high)), draw(st.integers(low, high))


@given(any_pair())
def test_response_or_remission_only_from_an_evaluable_baseline_and_no_worse_score(pair):
    """clinical-reference §6.2, property: response or remission needs a baseline above 0 and at or
    above the floor, and a score no worse than it; not evaluable and worse never meet remission."""
    scale, baseline, current = pair
    floor = response.DEFAULT_PROTOCOL.criteria_for(scale).min_baseline

    result = classify(baseline=baseline, current=current, scale=scale)

    if result.category in (REMISSION, RESPONSE):
        assert baseline > 0 and current <= baseline
        assert floor is None or baseline >= floor.value
    if result.category in (NOT_EVALUABLE, WORSE):
        assert result.meets_remission is not True
    assert (result.category == WORSE) == (current > baseline and result.category != NOT_EVALUABLE)

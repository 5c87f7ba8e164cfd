"""Response, partial response, remission and non-response against baseline, and which baselines
and scores cannot show them.

Source: clinical-reference §6.2 (classification, per-scale thresholds and their tags). Every
threshold carries its tag: [L] published, [D] the clinic's default, [U] unverified. A result that
rests on an [U] threshold says so (`unverified`), and a scale with no agreed threshold (PCL-5, FIQR,
MIDAS, HIT-6, YMRS) gets `no_agreed_threshold` instead of an invented one. A baseline of 0 or below
the scale's `min_baseline` is `not_evaluable` and a score above baseline is `worse`: neither is ever
response or remission. The floors §6.2 lists (PHQ-9 10, MADRS 20, QIDS-SR16 11, GAD-7 10, Y-BOCS
16) are [D]; HAM-D17 14 and pain NRS 4 come from moderate bands §7.2 marks [U], so they are [U] too,
and every result that rests on one of them (not evaluable below it, or classified above it) is
`unverified`. Scores are compared exactly; `improvement_pct_display` is rounded half-up to
0.1 % for people only. What the rules propose after infusion 6 (§6.3) lives in `maintenance`.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from clinic.rules import scales
from clinic.rules.errors import DomainError
from clinic.rules.protocol import InvalidProtocol, Tagged, tagged

SOURCE = "clinical-reference §6.2 classification"
REMISSION, RESPONSE, PARTIAL, NON_RESPONSE = "remission", "response", "partial", "non_response"
WORSE, NOT_EVALUABLE, NO_AGREED_THRESHOLD = "worse", "not_evaluable", "no_agreed_threshold"
# Best first: a rising score can only move a result rightwards along this order.
ORDER = (REMISSION, RESPONSE, PARTIAL, NON_RESPONSE, WORSE)
CATEGORIES = (*ORDER, NOT_EVALUABLE, NO_AGREED_THRESHOLD)
PERCENT_DISPLAY_STEP = Decimal("0.1")
RESPONSE_50_SOURCE = "§6.2: ≥ 50 % [L] (Murrough 2013 [17], Phillips 2019 [31], clinic cohort [6], Salloum 2019 [7])"
MIN_BASELINE_SOURCE = "§6.2 min_baseline [D]"
UNVERIFIED_BAND_SOURCE = "§6.2 [U]: the scale's moderate band, itself unverified (§7.2)"


class UnknownOutcomeScale(DomainError):
    code = "UNKNOWN_OUTCOME_SCALE"


class InvalidScore(DomainError):
    code = "INVALID_SCORE"


class ScoreOutOfRange(DomainError):
    code = "SCORE_OUT_OF_RANGE"


class NoBaselineScore(DomainError):
    code = "NO_BASELINE_SCORE"


class NoEndOfInductionScore(DomainError):
    code = "NO_END_OF_INDUCTION_SCORE"


@dataclass(frozen=True)
class Threshold(Tagged):
    """A cut-off with its evidence tag ("L", "D" or "U") and source; "U" is never shown as fact."""

    value: Decimal
    tag: str
    source: str


@dataclass(frozen=True)
class Remission(Tagged):
    """Remission when the score is below `score` (or at or below it when `inclusive`)."""

    score: Decimal
    inclusive: bool
    tag: str
    source: str

    def met(self, current: Decimal) -> bool:
        return current <= self.score if self.inclusive else current < self.score

    def describe(self) -> str:
        return f"score {'≤' if self.inclusive else '<'} {self.score}"


@dataclass(frozen=True)
class ScaleCriteria:
    """One scale's row of §6.2. Response is met by `response_pct` or by `response_points` (either).

    `min_baseline` is the lowest baseline that can show response or remission (§6.2: the scale's
    moderate band). Unset (None) where the scale has no moderate band: then only a baseline of 0
    is not evaluable, and a clinic that wants a floor sets its own, tagged "D".
    """

    scale: str
    remission: Remission | None = None
    response_pct: Threshold | None = None
    response_points: Threshold | None = None
    relapse_at_or_above: Threshold | None = None
    note: str = ""
    min_baseline: Threshold | None = None

    @property
    def has_response_threshold(self) -> bool:
        return self.response_pct is not None or self.response_points is not None

    def response_thresholds(self) -> tuple[Threshold, ...]:
        return tuple(t for t in (self.response_pct, self.response_points) if t is not None)

    def thresholds(self) -> tuple[Threshold | Remission, ...]:
        return (self.remission, *self.response_thresholds()) if self.remission else self.response_thresholds()


def _pct(value: int, tag: str, source: str) -> Threshold:
    return Threshold(Decimal(value), tag, source)


def _floor(value: int, source: str, tag: str = "D") -> Threshold:
    return Threshold(Decimal(value), tag, source)


DEFAULT_CRITERIA = (
    ScaleCriteria("phq9", Remission(Decimal(5), False, "L", "§6.2; Psychiatr Serv PHQ-9 remission [34]"),
                  _pct(50, "L", RESPONSE_50_SOURCE), min_baseline=_floor(10, MIN_BASELINE_SOURCE)),
    ScaleCriteria("madrs", Remission(Decimal(10), True, "L", "§6.2; Salloum 2019 [7] (≤ 12 in some studies)"),
                  _pct(50, "L", RESPONSE_50_SOURCE), relapse_at_or_above=_pct(22, "L", "§6.2; Salloum 2019 [7]"),
                  min_baseline=_floor(20, MIN_BASELINE_SOURCE)),
    ScaleCriteria("qids_sr16", Remission(Decimal(5), True, "L", "§6.2; Rush 2003, Trivedi 2006 [35]"),
                  _pct(50, "L", RESPONSE_50_SOURCE), min_baseline=_floor(11, MIN_BASELINE_SOURCE)),
    ScaleCriteria("hamd17", Remission(Decimal(7), True, "U", "§6.2 [U]: not verified"),
                  _pct(50, "U", "§6.2 [U]: not verified"),
                  min_baseline=_floor(14, f"{UNVERIFIED_BAND_SOURCE}: 14–19, one of several published sets",
                                      "U")),
    ScaleCriteria("gad7", Remission(Decimal(5), False, "U", "§6.2 [U]: not verified"),
                  _pct(50, "U", "§6.2 [U]: not verified"), min_baseline=_floor(10, MIN_BASELINE_SOURCE)),
    ScaleCriteria("ybocs", Remission(Decimal(12), True, "U", "§6.2 [U]: not verified"),
                  _pct(35, "U", "§6.2 [U]: not verified"), min_baseline=_floor(16, MIN_BASELINE_SOURCE)),
    ScaleCriteria("pcl5", note="No agreed threshold [U]: older VA guidance gave 5 (reliable) and 10 (meaningful) "
                  "points [37]; later studies put reliable change at 15–18 points in veterans [66] and the minimal "
                  "important difference at ~9–12 in primary care, with ≤ 5 likely not reliable [67]."),
    ScaleCriteria("ymrs", Remission(Decimal(12), False, "U", "§6.2 [U]: a post-hoc grouping (Born 2021) [41]"),
                  note="YMRS has no response threshold; it is watched for mania (hold at or above the clinic's YMRS "
                       "threshold, §8)."),
    ScaleCriteria("pain_nrs", response_pct=_pct(30, "U", "§6.2 [U]: ≥ 30 % or ≥ 2 points, not verified"),
                  response_points=_pct(2, "U", "§6.2 [U]: ≥ 30 % or ≥ 2 points, not verified"),
                  min_baseline=_floor(4, f"{UNVERIFIED_BAND_SOURCE}: 4–6", "U")),
    ScaleCriteria("fiqr", note="No agreed response or remission threshold for FIQR [U] (§6.2)."),
    ScaleCriteria("midas", note="No agreed response or remission threshold for MIDAS [U] (§6.2).",
                  min_baseline=_floor(11, "§6.2 [D]: the scale's moderate band, grade III (11–20, §7.2); the "
                                      "MIDAS grades are not marked [U], so the floor stays [D]")),
    ScaleCriteria("hit6", note="No agreed response or remission threshold for HIT-6 [U] (§6.2)."),
)


@dataclass(frozen=True)
class ResponseProtocol:
    """The clinic's classification settings; defaults from clinical-reference §6.2–§6.3.

    `criteria` is a table of per-scale rows, each threshold with its own tag; a clinic may add a
    threshold the reference leaves open (e.g. PCL-5 points) and tag it "D" as its own choice.
    """

    partial_pct: Decimal = field(default=Decimal(25), metadata=tagged("D", "§6.2: partial ≥ 25 % [D] convention"))
    remission_requires_response: bool = field(default=False, metadata=tagged("D", "§6.2"))
    baseline_max_days_before_first_infusion: int = field(
        default=7, metadata=tagged("D", "§6.2: last score ≤ 7 days before infusion 1"))
    end_score_min_days_after_sixth: int = field(
        default=1, metadata=tagged("D", "§6.2: taken 1–7 days after infusion 6"))
    end_score_max_days_after_sixth: int = field(
        default=7, metadata=tagged("D", "§6.2: taken 1–7 days after infusion 6"))
    titration_from_mg_per_kg: Decimal = field(default=Decimal("0.5"), metadata=tagged("L", "§6.3; Cusin 2017 [5]"))
    titration_to_mg_per_kg: Decimal = field(default=Decimal("0.75"), metadata=tagged("L", "§6.3; Cusin 2017 [5]"))
    criteria: tuple[ScaleCriteria, ...] = field(
        default=DEFAULT_CRITERIA, metadata=tagged("D", "§6.2 table; each threshold carries its own tag"))

    def __post_init__(self) -> None:
        if not 0 < self.partial_pct <= 100:
            raise InvalidProtocol("The partial-response percentage must be above 0 and at most 100.",
                                  field="partial_pct")
        if not 0 <= self.end_score_min_days_after_sixth <= self.end_score_max_days_after_sixth:
            raise InvalidProtocol("The end-of-induction score window must start on or after infusion 6 and end "
                                  "no earlier than it starts.", field="end_score_min_days_after_sixth")
        if self.baseline_max_days_before_first_infusion < 0:
            raise InvalidProtocol("The baseline window cannot be negative.",
                                  field="baseline_max_days_before_first_infusion")
        for row in self.criteria:
            _check_min_baseline(row)

    def criteria_for(self, scale: str) -> ScaleCriteria:
        for row in self.criteria:
            if row.scale == scale:
                return row
        known = ", ".join(row.scale for row in self.criteria)
        raise UnknownOutcomeScale(f"{scale!r} is not an outcome scale the clinic classifies. Use the course's "
                                  f"primary scale, one of: {known}.", field="scale")


def _check_min_baseline(row: ScaleCriteria) -> None:
    if row.scale not in scales.INSTRUMENTS:
        raise InvalidProtocol(f"{row.scale!r} is not a scale the clinic scores; classify only known scales.",
                              field="criteria")
    if row.min_baseline is None:
        return
    low, high = scales.instrument(row.scale).total_range
    if not low < row.min_baseline.value <= high:
        raise InvalidProtocol(f"A {scales.instrument(row.scale).name} minimum baseline of {row.min_baseline.value} "
                              f"is impossible: set it above {low} and at most {high}, or leave it unset.",
                              field="criteria")


DEFAULT_PROTOCOL = ResponseProtocol()


@dataclass(frozen=True)
class Classification:
    """The result of §6.2. `improvement_pct` is exact (None when the baseline is 0);
    `change_points` is current − baseline, so a fall in symptoms is negative. `meets_remission`
    is None for a scale without a remission rule, and False whenever the result is not evaluable
    or worse, whatever the score."""

    scale: str
    category: str
    baseline: Decimal
    current: Decimal
    change_points: Decimal
    improvement_pct: Decimal | None
    meets_remission: bool | None
    unverified: bool
    basis: tuple[str, ...]
    note: str = ""

    @property
    def improvement_pct_display(self) -> Decimal | None:
        if self.improvement_pct is None:
            return None
        return self.improvement_pct.quantize(PERCENT_DISPLAY_STEP, rounding=ROUND_HALF_UP)


def percent_improvement(*, baseline: Decimal, current: Decimal) -> Decimal | None:
    """(baseline − current) / baseline × 100, exact; None when the baseline is 0 (§6.2)."""
    if baseline == 0:
        return None
    return (Decimal(baseline) - Decimal(current)) * 100 / Decimal(baseline)


def checked_score(value: Any, *, scale: str, field: str) -> Decimal:
    """A total as a Decimal, refused when it is not a number or outside the scale's published range."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal) or (
            isinstance(value, Decimal) and not value.is_finite()):
        raise InvalidScore(f"The {field} score must be a whole number or a Decimal, not {value!r}.", field=field)
    instrument = scales.instrument(scale)
    low, high = instrument.total_range or (0, None)
    if value < low or (high is not None and value > high):
        raise ScoreOutOfRange(f"A {instrument.name} total of {value} is impossible: it runs from {low} to {high}. "
                              f"Check the {field} score.", field=field)
    return Decimal(value)


def classify(*, baseline: Any, current: Any, scale: str,
             protocol: ResponseProtocol = DEFAULT_PROTOCOL) -> Classification:
    """Response, partial, remission or non-response of `current` against `baseline` on `scale`.

    Source: clinical-reference §6.2 — not evaluable when the baseline is 0 or below the scale's
    `min_baseline` ([D], or [U] where it comes from a [U] band of §7.2; a result resting on a [U]
    floor is unverified); worse when the score is above baseline; then remission when the score
    meets the scale's remission rule (and, if `remission_requires_response`, the response
    threshold); response at the scale's threshold; partial at ≥ 25 % [D]; else non-response.
    Not evaluable and worse are never response or remission.
    """
    criteria = protocol.criteria_for(scale)
    result = _Result(criteria, checked_score(baseline, scale=scale, field="baseline"),
                     checked_score(current, scale=scale, field="current"))
    floor = criteria.min_baseline
    if result.pct is None:
        return result.refused(NOT_EVALUABLE, "The baseline score is 0, so no improvement can be measured. The "
                              "prescriber judges the course without this classification.")
    if floor is not None and result.baseline < floor.value:
        return result.refused(NOT_EVALUABLE, f"A baseline of {result.baseline} is below {floor.value}, the lowest that "
                              "can show response or remission on this scale. The prescriber judges the course "
                              "without a computed class.", used=(floor,), below_floor=True)
    # An unverified floor decided that this baseline can be classified, so the result rests on it.
    admitted = (floor,) if floor is not None and not floor.verified else ()
    if result.current > result.baseline:
        return result.refused(WORSE, f"The score is worse than at baseline ({result.baseline} → {result.current}): "
                              "never response or remission. The prescriber reviews the course.", used=admitted)
    if not criteria.has_response_threshold:
        used = (*admitted, criteria.remission) if criteria.remission else admitted
        unverified, basis, caveat = _basis(used, criteria)
        return result.build(NO_AGREED_THRESHOLD, unverified, basis, " ".join(filter(None, (criteria.note, caveat))))
    return _graded(result, criteria, protocol, admitted)


def _graded(result: "_Result", criteria: ScaleCriteria, protocol: ResponseProtocol,
            admitted: tuple[Threshold, ...]) -> Classification:
    responded = _responded(criteria, result.baseline - result.current, result.pct)
    if result.meets and (responded or not protocol.remission_requires_response):
        used = (criteria.remission, *criteria.response_thresholds()) if protocol.remission_requires_response \
            else (criteria.remission,)
        return result.build(REMISSION, *_basis((*admitted, *used), criteria))
    if responded:
        return result.build(RESPONSE, *_basis((*admitted, *criteria.response_thresholds()), criteria))
    partial = Threshold(protocol.partial_pct, "D", "§6.2 convention")
    category = PARTIAL if result.pct >= protocol.partial_pct else NON_RESPONSE
    return result.build(category, *_basis((*admitted, *criteria.thresholds(), partial), criteria))


def _responded(criteria: ScaleCriteria, points_better: Decimal, pct: Decimal) -> bool:
    by_pct = criteria.response_pct is not None and pct >= criteria.response_pct.value
    by_points = criteria.response_points is not None and points_better >= criteria.response_points.value
    return by_pct or by_points


def _basis(used: Sequence[Threshold | Remission], criteria: ScaleCriteria, *,
           below_floor: bool = False) -> tuple[bool, tuple[str, ...], str]:
    lines = [f"{_rule(threshold, criteria, below_floor)} [{threshold.tag}] ({threshold.source})" for threshold in used]
    unverified = any(not threshold.verified for threshold in used)
    note = ("Rests on a threshold the reference marks unverified [U]: show it as provisional, not as an "
            "established criterion." if unverified else "")
    return unverified, tuple(lines), note


def _rule(threshold: Threshold | Remission, criteria: ScaleCriteria, below_floor: bool) -> str:
    if isinstance(threshold, Remission):
        return f"remission: {threshold.describe()}"
    if threshold is criteria.min_baseline:
        return f"not evaluable: baseline below {threshold.value}" if below_floor \
            else f"evaluable: baseline ≥ {threshold.value}"
    if threshold is criteria.response_points:
        return f"response: ≥ {threshold.value} points better"
    if threshold is criteria.response_pct:
        return f"response: ≥ {threshold.value} % improvement"
    return f"partial: ≥ {threshold.value} % improvement"


@dataclass(frozen=True)
class _Result:
    criteria: ScaleCriteria
    baseline: Decimal
    current: Decimal

    @property
    def pct(self) -> Decimal | None:
        return percent_improvement(baseline=self.baseline, current=self.current)

    @property
    def meets(self) -> bool | None:
        return self.criteria.remission.met(self.current) if self.criteria.remission else None

    def build(self, category: str, unverified: bool, basis: tuple[str, ...], note: str) -> Classification:
        return Classification(self.criteria.scale, category, self.baseline, self.current,
                              self.current - self.baseline, self.pct, self.meets, unverified, basis, note)

    def refused(self, category: str, note: str, *, used: tuple[Threshold, ...] = (),
                below_floor: bool = False) -> Classification:
        """A result that can never be remission: `meets_remission` is False whatever the score. It is
        unverified when it rests on an unverified floor in `used`."""
        meets = None if self.criteria.remission is None else False
        unverified, basis, caveat = _basis(used, self.criteria, below_floor=below_floor)
        return Classification(self.criteria.scale, category, self.baseline, self.current,
                              self.current - self.baseline, self.pct, meets, unverified, basis,
                              " ".join(filter(None, (note, caveat))))


@dataclass(frozen=True)
class DatedScore:
    taken_at: datetime
    total: Any


def select_baseline(scores: Sequence[DatedScore], *, first_infusion_at: datetime, scale: str,
                    protocol: ResponseProtocol = DEFAULT_PROTOCOL) -> DatedScore:
    """The baseline: the last score taken no later than the start of infusion 1 and at most 7
    calendar days before its date (clinical-reference §6.2 [D]). Ties keep the later-listed score."""
    window_days = protocol.baseline_max_days_before_first_infusion
    eligible = [score for score in scores if score.taken_at <= first_infusion_at
                and (first_infusion_at.date() - score.taken_at.date()).days <= window_days]
    if not eligible:
        raise NoBaselineScore(f"No {scales.instrument(scale).name} score was taken in the {window_days} days before "
                              f"infusion 1 ({first_infusion_at:%Y-%m-%d}). Have the patient complete it before the "
                              "first infusion.", field="scores")
    return _latest(eligible)


def select_end_of_induction_score(scores: Sequence[DatedScore], *, sixth_infusion_at: datetime, scale: str,
                                  protocol: ResponseProtocol = DEFAULT_PROTOCOL) -> DatedScore:
    """The end-of-induction score: the last one taken 1–7 calendar days after infusion 6
    (clinical-reference §6.2 [D]). Ties keep the later-listed score."""
    low, high = protocol.end_score_min_days_after_sixth, protocol.end_score_max_days_after_sixth
    eligible = [score for score in scores if score.taken_at >= sixth_infusion_at
                and low <= (score.taken_at.date() - sixth_infusion_at.date()).days <= high]
    if not eligible:
        raise NoEndOfInductionScore(f"No {scales.instrument(scale).name} score was taken {low}–{high} days after "
                                    f"infusion 6 ({sixth_infusion_at:%Y-%m-%d}). Ask the patient to complete it.",
                                    field="scores")
    return _latest(eligible)


def _latest(scores: Sequence[DatedScore]) -> DatedScore:
    # max() keeps the first of equal times, so reversed the later-listed score wins a tie.
    return max(reversed(scores), key=lambda score: score.taken_at)

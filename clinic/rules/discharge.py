"""Discharge readiness after an infusion, and the driving advice the patient leaves with.

Source: clinical-reference §5.5. Observation [D]: at least 60 min after the infusion ends and until
every criterion holds (no psychiatric guideline sets a minimum [U]; esketamine requires ≥ 2 h [11]).
Criteria [D] (procedural-sedation model, RCEM 2018 [16]; the margins are product choices): SBP <
baseline + 20 mmHg, DBP < baseline + 10 mmHg and BP under PRE_BP_HOLD; not hypotensive: SBP ≥ 90
mmHg and not more than 20 mmHg below baseline (rescue drugs can overshoot); sedation back to the
pre-infusion score and CADSS-6 back to the pre-dose score, and no respiratory depression, as the
esketamine REMS requires before leaving [11]; HR within ±20 bpm of baseline; SpO₂ and RR within the
clinic's settings without oxygen; alert and oriented, drinking, at most mildly nauseated, walking
steadily; leaving with a named responsible adult [8].

Every criterion runs and every unmet one is returned. A criterion the clinic cannot confirm
because its threshold is unset, or a finding not yet charted, counts as unmet and says why.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from clinic.rules import vitals
from clinic.rules.errors import DomainError
from clinic.rules.protocol import InvalidProtocol, tagged
from clinic.rules.scales import cadss6
from clinic.rules.vitals import Reading, VitalsProtocol

SOURCE = "clinical-reference §5.5 [D]; procedural-sedation discharge model, RCEM 2018 [16]"
NAUSEA_LEVELS = ("none", "mild", "moderate", "severe")
SEDATION_DIRECTIONS = ("higher", "lower")
CADSS6_MIN, CADSS6_MAX = cadss6.INSTRUMENT.total_range


class InvalidAssessment(DomainError):
    code = "INVALID_DISCHARGE_ASSESSMENT"


@dataclass(frozen=True)
class DischargeProtocol:
    """The clinic's discharge settings, defaults from clinical-reference §5.5."""

    min_observation_min: int = field(
        default=60, metadata=tagged("D", "§5.5: ≥ 60 min after the infusion ends (esketamine ≥ 2 h [11])"))
    systolic_below_baseline_plus_mmhg: int = field(default=20, metadata=tagged("D", "§5.5 [16]; margin a product "
                                                                                    "choice"))
    diastolic_below_baseline_plus_mmhg: int = field(default=10, metadata=tagged("D", "§5.5 [16]; margin a product "
                                                                                     "choice"))
    min_systolic_mmhg: int = field(default=90, metadata=tagged("D", "§5.5 [D]: not hypotensive, SBP ≥ 90 mmHg"))
    max_systolic_below_baseline_mmhg: int = field(
        default=20, metadata=tagged("D", "§5.5 [D]: not hypotensive, SBP not more than 20 mmHg below baseline (rescue "
                                         "drugs can overshoot)"))
    sedation_deeper_when: str | None = field(
        default=None, metadata=tagged("U", "§5.2: the sedation scale is a setting and its scoring is not covered "
                                           "[U]. Unset, discharge needs the pre-infusion score exactly; 'higher' or "
                                           "'lower' (the way the clinic's scale moves as sedation deepens) also "
                                           "passes a score on the awake side of it"))
    heart_rate_within_bpm: int = field(default=20, metadata=tagged("D", "§5.5 [16]; margin a product choice"))
    max_nausea: str = field(default="mild", metadata=tagged("D", "§5.5: no more than mildly nauseated"))
    vitals_fresh_within_min: int = field(
        default=15, metadata=tagged("U", "product choice: §5.2 charts vitals every 15 min until discharge"))
    no_driving_hours: int = field(default=24, metadata=tagged("D", "§5.5; clinic discharge sheet [14]"))

    def __post_init__(self) -> None:
        for name in ("min_observation_min", "systolic_below_baseline_plus_mmhg", "diastolic_below_baseline_plus_mmhg",
                     "min_systolic_mmhg", "max_systolic_below_baseline_mmhg", "heart_rate_within_bpm",
                     "vitals_fresh_within_min", "no_driving_hours"):
            if getattr(self, name) <= 0:
                raise InvalidProtocol(f"{name} must be above 0.", field=name)
        if self.sedation_deeper_when not in (None, *SEDATION_DIRECTIONS):
            raise InvalidProtocol("sedation_deeper_when must be unset, 'higher' or 'lower'.",
                                  field="sedation_deeper_when")
        if self.max_nausea not in NAUSEA_LEVELS:
            raise InvalidProtocol(f"max_nausea must be one of {', '.join(NAUSEA_LEVELS)}.", field="max_nausea")


DEFAULT_PROTOCOL = DischargeProtocol()


@dataclass(frozen=True)
class Assessment:
    """What the nurse has charted at the discharge check. None means not yet assessed.

    Sedation scores are on the clinic's scale (§5.2), the pre-infusion one beside the latest;
    CADSS-6 is the pre-dose total beside the latest (0–24); `respiratory_depression` is whether the
    patient shows it now (§5.4 RESP_DEPRESSION: apnoea, laryngospasm)."""

    assessed_at: datetime
    infusion_end_at: datetime
    baseline: Reading
    latest: Reading
    pre_infusion_sedation_score: int | None = None
    sedation_score: int | None = None
    pre_dose_cadss6: int | None = None
    cadss6: int | None = None
    respiratory_depression: bool | None = None
    on_oxygen: bool | None = None
    alert_and_oriented: bool | None = None
    drinking: bool | None = None
    nausea: str | None = None
    walks_steadily: bool | None = None
    responsible_adult_name: str | None = None


@dataclass(frozen=True)
class Unmet:
    code: str
    message: str
    source: str = SOURCE


@dataclass(frozen=True)
class Readiness:
    ready: bool
    unmet: tuple[Unmet, ...]
    observe_until_at: datetime


def readiness(assessment: Assessment, *, protocol: DischargeProtocol = DEFAULT_PROTOCOL,
              vitals_protocol: VitalsProtocol = vitals.DEFAULT_PROTOCOL) -> Readiness:
    """Ready only when the minimum observation has passed and every criterion of
    clinical-reference §5.5 holds; otherwise every unmet criterion, each with what to do."""
    _check(assessment)
    observe_until_at = assessment.infusion_end_at + timedelta(minutes=protocol.min_observation_min)
    unmet = [finding for criterion in CRITERIA if (finding := criterion(assessment, protocol, vitals_protocol))]
    if assessment.assessed_at < observe_until_at:
        unmet.insert(0, Unmet("OBSERVATION_TIME", f"Observe until {observe_until_at:%H:%M}, "
                              f"{protocol.min_observation_min} min after the infusion ended."))
    return Readiness(not unmet, tuple(unmet), observe_until_at)


def _check(assessment: Assessment) -> None:
    vitals.check_reading(assessment.baseline)
    vitals.check_reading(assessment.latest)
    if assessment.assessed_at < assessment.infusion_end_at:
        raise InvalidAssessment("The discharge check is timed before the infusion ended. Check the times.",
                                field="assessed_at")
    if assessment.latest.taken_at > assessment.assessed_at:
        raise InvalidAssessment("The latest reading is timed after the discharge check. Check the reading's time.",
                                field="latest")
    for name in ("pre_infusion_sedation_score", "sedation_score", "pre_dose_cadss6", "cadss6"):
        value = getattr(assessment, name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise InvalidAssessment(f"{name} must be a whole number; {value!r} was entered. Re-enter it.", field=name)
    for name in ("pre_dose_cadss6", "cadss6"):
        value = getattr(assessment, name)
        if value is not None and not CADSS6_MIN <= value <= CADSS6_MAX:
            raise InvalidAssessment(f"A CADSS-6 total is {CADSS6_MIN}–{CADSS6_MAX}; {value} was entered. Re-score it.",
                                    field=name)
    if assessment.nausea is not None and assessment.nausea not in NAUSEA_LEVELS:
        raise InvalidAssessment(f"Nausea must be one of {', '.join(NAUSEA_LEVELS)}, not {assessment.nausea!r}.",
                                field="nausea")


def _fresh_vitals(a: Assessment, p: DischargeProtocol, _: VitalsProtocol) -> Unmet | None:
    if a.latest.taken_at < a.infusion_end_at:
        return Unmet("VITALS_NOT_AFTER_INFUSION", "The latest vitals are from before the infusion ended. Take a "
                     "reading now.")
    if a.assessed_at - a.latest.taken_at > timedelta(minutes=p.vitals_fresh_within_min):
        return Unmet("VITALS_STALE", f"The latest vitals are more than {p.vitals_fresh_within_min} min old. Take a "
                     "reading now.")
    return None


def _below_baseline_plus(code: str, *, pressure: str, latest_mmhg: int, baseline_mmhg: int,
                         margin_mmhg: int) -> Unmet | None:
    limit = baseline_mmhg + margin_mmhg
    if latest_mmhg < limit:
        return None
    return Unmet(code, f"{pressure} {latest_mmhg} mmHg is not below {limit} (baseline {baseline_mmhg} + "
                 f"{margin_mmhg}). Keep observing and recheck in 15 min.")


def _systolic(a: Assessment, p: DischargeProtocol, v: VitalsProtocol) -> Unmet | None:
    return _below_baseline_plus("SYSTOLIC_ABOVE_BASELINE", pressure="Systolic", latest_mmhg=a.latest.systolic_mmhg,
                                baseline_mmhg=a.baseline.systolic_mmhg,
                                margin_mmhg=p.systolic_below_baseline_plus_mmhg)


def _diastolic(a: Assessment, p: DischargeProtocol, v: VitalsProtocol) -> Unmet | None:
    return _below_baseline_plus("DIASTOLIC_ABOVE_BASELINE", pressure="Diastolic", latest_mmhg=a.latest.diastolic_mmhg,
                                baseline_mmhg=a.baseline.diastolic_mmhg,
                                margin_mmhg=p.diastolic_below_baseline_plus_mmhg)


def _below_hold(a: Assessment, p: DischargeProtocol, v: VitalsProtocol) -> Unmet | None:
    systolic, diastolic = v.pre_bp_hold_systolic_at_or_above_mmhg, v.pre_bp_hold_diastolic_at_or_above_mmhg
    if a.latest.systolic_mmhg >= systolic or a.latest.diastolic_mmhg >= diastolic:
        return Unmet("BP_AT_HOLD_LEVEL", f"BP {a.latest.systolic_mmhg}/{a.latest.diastolic_mmhg} mmHg is not under "
                     f"the hold level {systolic}/{diastolic}. Keep observing and tell the prescriber.")
    return None


def _systolic_not_low(a: Assessment, p: DischargeProtocol, v: VitalsProtocol) -> Unmet | None:
    if a.latest.systolic_mmhg >= p.min_systolic_mmhg:
        return None
    return Unmet("SYSTOLIC_LOW", f"Systolic {a.latest.systolic_mmhg} mmHg is below {p.min_systolic_mmhg}. Lay the "
                 "patient down, tell the prescriber and recheck in 15 min.")


def _systolic_not_far_below_baseline(a: Assessment, p: DischargeProtocol, v: VitalsProtocol) -> Unmet | None:
    limit = a.baseline.systolic_mmhg - p.max_systolic_below_baseline_mmhg
    if a.latest.systolic_mmhg >= limit:
        return None
    return Unmet("SYSTOLIC_BELOW_BASELINE", f"Systolic {a.latest.systolic_mmhg} mmHg is more than "
                 f"{p.max_systolic_below_baseline_mmhg} below the baseline {a.baseline.systolic_mmhg} (lowest allowed "
                 f"{limit}). Tell the prescriber, check for a rescue drug's overshoot and recheck in 15 min.")


def _back_to(code: str, *, what: str, latest: int | None, baseline: int | None, baseline_name: str,
             passes: bool) -> Unmet | None:
    """Unmet when either score is missing or the latest is not back to its baseline."""
    if baseline is None:
        return Unmet(f"{code}_BASELINE_NOT_RECORDED", f"No {baseline_name} {what} is charted, so a return to it "
                     "cannot be shown. Ask the prescriber to assess the patient before discharge.")
    if latest is None:
        return Unmet(f"{code}_NOT_RECORDED", f"Record the {what} now.")
    if passes:
        return None
    return Unmet(f"{code}_NOT_AT_BASELINE", f"{what[0].upper()}{what[1:]} {latest}, {baseline_name} {baseline}: not "
                 "yet back to baseline. Keep observing and reassess in 15 min.")


def _sedation(a: Assessment, p: DischargeProtocol, v: VitalsProtocol) -> Unmet | None:
    latest, baseline = a.sedation_score, a.pre_infusion_sedation_score
    passes = latest is not None and baseline is not None and (
        latest == baseline
        or (p.sedation_deeper_when == "higher" and latest < baseline)
        or (p.sedation_deeper_when == "lower" and latest > baseline))
    return _back_to("SEDATION", what="sedation score", latest=latest, baseline=baseline,
                    baseline_name="pre-infusion", passes=passes)


def _dissociation(a: Assessment, p: DischargeProtocol, v: VitalsProtocol) -> Unmet | None:
    latest, baseline = a.cadss6, a.pre_dose_cadss6
    passes = latest is not None and baseline is not None and latest <= baseline
    return _back_to("CADSS6", what="CADSS-6", latest=latest, baseline=baseline, baseline_name="pre-dose",
                    passes=passes)


def _respiratory_depression(a: Assessment, p: DischargeProtocol, v: VitalsProtocol) -> Unmet | None:
    if a.respiratory_depression is None:
        return Unmet("RESPIRATORY_DEPRESSION_NOT_RECORDED", "Record whether the patient shows respiratory depression "
                     "(apnoea, laryngospasm).")
    if a.respiratory_depression:
        return Unmet("RESPIRATORY_DEPRESSION", "Respiratory depression is charted: the patient may not leave until it "
                     "has resolved. Tell the prescriber and keep observing.")
    return None


def _heart_rate(a: Assessment, p: DischargeProtocol, v: VitalsProtocol) -> Unmet | None:
    difference = a.latest.heart_rate_bpm - a.baseline.heart_rate_bpm
    if abs(difference) > p.heart_rate_within_bpm:
        return Unmet("HEART_RATE_FROM_BASELINE", f"Heart rate {a.latest.heart_rate_bpm} bpm is {difference:+d} from "
                     f"the baseline {a.baseline.heart_rate_bpm}, beyond ±{p.heart_rate_within_bpm}. Keep observing.")
    return None


def _spo2(a: Assessment, p: DischargeProtocol, v: VitalsProtocol) -> Unmet | None:
    if v.spo2_low_below_percent is None:
        return Unmet("SPO2_LIMIT_NOT_SET", "SpO₂ cannot be confirmed: the medical director has not set the SpO₂ low "
                     "limit (spo2_low_below_percent).")
    if a.latest.spo2_percent is None:
        return Unmet("SPO2_NOT_RECORDED", "Record SpO₂ on room air.")
    if a.latest.spo2_percent < v.spo2_low_below_percent:
        return Unmet("SPO2_LOW", f"SpO₂ {a.latest.spo2_percent} % is below {v.spo2_low_below_percent} %. Keep "
                     "observing and tell the prescriber.")
    return None


def _respiratory_rate(a: Assessment, p: DischargeProtocol, v: VitalsProtocol) -> Unmet | None:
    low, high = v.rr_low_below_per_min, v.rr_high_above_per_min
    if low is None or high is None:
        return Unmet("RR_LIMITS_NOT_SET", "Respiratory rate cannot be confirmed: the medical director has not set "
                     "the RR limits (rr_low_below_per_min, rr_high_above_per_min).")
    rate = a.latest.respiratory_rate_per_min
    if rate is None:
        return Unmet("RR_NOT_RECORDED", "Record the respiratory rate.")
    if rate < low or rate > high:
        return Unmet("RR_OUT_OF_RANGE", f"Respiratory rate {rate}/min is outside {low}–{high}/min. Keep observing "
                     "and tell the prescriber.")
    return None


def _oxygen(a: Assessment, p: DischargeProtocol, v: VitalsProtocol) -> Unmet | None:
    if a.on_oxygen is None:
        return Unmet("OXYGEN_NOT_RECORDED", "Record whether the patient is on oxygen.")
    if a.on_oxygen:
        return Unmet("ON_OXYGEN", "SpO₂ and RR must hold without oxygen. Take the patient off oxygen and recheck.")
    return None


def _observed(code: str, value: bool | None, not_recorded: str, unmet: str) -> Unmet | None:
    if value is None:
        return Unmet(f"{code}_NOT_RECORDED", not_recorded)
    return None if value else Unmet(code, unmet)


def _alert(a: Assessment, p: DischargeProtocol, v: VitalsProtocol) -> Unmet | None:
    return _observed("NOT_ALERT_ORIENTED", a.alert_and_oriented, "Record whether the patient is alert and oriented.",
                     "The patient is not yet alert and oriented. Keep observing.")


def _drinking(a: Assessment, p: DischargeProtocol, v: VitalsProtocol) -> Unmet | None:
    return _observed("NOT_DRINKING", a.drinking, "Record whether the patient is drinking.",
                     "The patient is not yet drinking. Offer fluids and keep observing.")


def _walking(a: Assessment, p: DischargeProtocol, v: VitalsProtocol) -> Unmet | None:
    return _observed("NOT_WALKING_STEADILY", a.walks_steadily, "Record whether the patient walks steadily.",
                     "The patient does not yet walk steadily. Keep observing.")


def _nausea(a: Assessment, p: DischargeProtocol, v: VitalsProtocol) -> Unmet | None:
    if a.nausea is None:
        return Unmet("NAUSEA_NOT_RECORDED", "Record the patient's nausea: none, mild, moderate or severe.")
    if NAUSEA_LEVELS.index(a.nausea) > NAUSEA_LEVELS.index(p.max_nausea):
        return Unmet("NAUSEA", f"Nausea is {a.nausea}; at most {p.max_nausea} is allowed. Treat it as prescribed and "
                     "keep observing.")
    return None


def _escort(a: Assessment, p: DischargeProtocol, v: VitalsProtocol) -> Unmet | None:
    if not (a.responsible_adult_name or "").strip():
        return Unmet("NO_RESPONSIBLE_ADULT", "Record the name of the responsible adult taking the patient home. "
                     "The patient may not leave alone [8].")
    return None


CRITERIA = (_fresh_vitals, _systolic, _diastolic, _below_hold, _systolic_not_low, _systolic_not_far_below_baseline,
            _heart_rate, _spo2, _respiratory_rate, _oxygen, _sedation, _dissociation, _respiratory_depression,
            _alert, _drinking, _nausea, _walking, _escort)


@dataclass(frozen=True)
class DrivingAdvice:
    no_driving_until_at: datetime
    text: str
    sources: tuple[str, ...] = ("Spravato label: no driving until the next day after restful sleep [11]",
                                "clinic discharge sheet: 24 h without driving, machinery, major decisions, "
                                "alcohol or cannabis [14]")


def driving_advice(*, infusion_end_at: datetime, protocol: DischargeProtocol = DEFAULT_PROTOCOL) -> DrivingAdvice:
    """The stricter of the two rules of clinical-reference §5.5 [D]: both apply, so the patient
    waits 24 h after the infusion *and* until the next day after a restful night's sleep, whichever
    comes later, and avoids machinery, major decisions, alcohol and cannabis for those 24 h."""
    until_at = infusion_end_at + timedelta(hours=protocol.no_driving_hours)
    text = (f"Do not drive, operate machinery or make major decisions until {until_at:%H:%M} on "
            f"{until_at:%a %d %b %Y} ({protocol.no_driving_hours} hours after the infusion), and not before you "
            "have had a restful night's sleep, whichever comes later. Drink no alcohol and use no cannabis for "
            f"{protocol.no_driving_hours} hours.")
    return DrivingAdvice(until_at, text)

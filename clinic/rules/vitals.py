"""Infusion-day vitals: alerts for one reading and for a day's sequence, and when readings are due.

Source: clinical-reference §5.2 (schedule) and §5.3 (alerts). The thresholds are [D]: they come
from the Spravato label [11] and one clinic's protocol described on a forum [42] (anecdotal), not
from guidelines, and the medical director confirms each before go-live. SpO₂ low, RR low/high and
HR low have no shipped value: `require_thresholds_set` refuses every alert check, and so every
infusion, until the medical director sets them.

Each alert carries the actions it asks for. In the pre-infusion phase "pause" means "do not start"
(HOLD); after the infusion has ended there is no pump to pause, so PAUSE is dropped.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any

from clinic.rules.errors import DomainError

SOURCE = "clinical-reference §5.3 alerts [D]; Spravato label [11]; clinic protocol on a forum [42] (anecdotal)"
PRE, INFUSION, POST = "pre", "infusion", "post"
PHASES = (PRE, INFUSION, POST)

RECHECK, HOLD, PAUSE, STOP, RESUME = "RECHECK", "HOLD", "PAUSE", "STOP", "RESUME"
CALL_PRESCRIBER_NOW, NOTIFY_PRESCRIBER = "CALL_PRESCRIBER_NOW", "NOTIFY_PRESCRIBER"
PRESCRIBER_ACKNOWLEDGES, PRESCRIBER_DECIDES, PRESCRIBER_APPROVES = (
    "PRESCRIBER_ACKNOWLEDGES", "PRESCRIBER_DECIDES", "PRESCRIBER_APPROVES")
EMERGENCY_PROTOCOL, KEEP_MONITORING = "EMERGENCY_PROTOCOL", "KEEP_MONITORING"

# §5.3 SYMPTOM_STOP: chest pain, severe headache, new neurological or visual change, breathlessness, confusion.
STOP_SYMPTOMS = ("CHEST_PAIN", "SEVERE_HEADACHE", "NEURO_CHANGE", "VISUAL_CHANGE", "BREATHLESSNESS", "CONFUSION")
# §5.4 adverse-effect codes: charted, but not a stop by themselves.
OTHER_SYMPTOMS = ("DREAMY_DROWSY", "DIZZY", "SLEEP", "VISION", "MUSCLE", "NAUSEA_VOMIT", "APPETITE", "BP_HIGH",
                  "BP_LOW", "HR_HIGH", "HR_LOW", "ARRHYTHMIA", "RESP_DEPRESSION", "EMERGENCE", "SITE", "RASH",
                  "ANAPHYLAXIS", "URINARY", "PERCEPTUAL", "DISSOCIATION")


class ThresholdNotSet(DomainError):
    """A required threshold the reference leaves unset; `missing` names every one."""

    code = "THRESHOLD_NOT_SET"

    def __init__(self, message: str, *, missing: tuple[str, ...]) -> None:
        super().__init__(message, field=missing[0])
        self.missing = missing


class ImpossibleReading(DomainError):
    code = "IMPOSSIBLE_READING"


class UnknownSymptom(DomainError):
    code = "UNKNOWN_SYMPTOM"


class UnknownPhase(DomainError):
    code = "UNKNOWN_PHASE"


class BaselineMissing(DomainError):
    code = "BASELINE_VITALS_MISSING"


class InvalidTimes(DomainError):
    code = "INVALID_TIMES"


class InvalidProtocol(DomainError):
    code = "INVALID_PROTOCOL"


def _tagged(tag: str, source: str, **more: Any) -> dict[str, Any]:
    """Field metadata a settings page shows: the evidence tag, its source, and whether verified."""
    return {"tag": tag, "source": source, "verified": tag != "U", **more}


def _required(source: str) -> dict[str, Any]:
    return _tagged("D", source, required=True, blocks="infusions until the medical director sets it")


_LABEL = "§5.3 [D]; Spravato label [11]"
_FORUM = "§5.3 [D]; one clinic's protocol on a forum [42] (anecdotal)"
_UNSET = "§5.3 [D]: no shipped value; infusions are blocked until the medical director sets one"


@dataclass(frozen=True)
class VitalsProtocol:
    """The clinic's vitals settings (clinical-reference §5.2–§5.3). "above" means strictly above;
    "at_or_above" includes the value; "below" means strictly below."""

    pre_bp_caution_systolic_above_mmhg: int = field(default=140, metadata=_tagged("D", _LABEL))
    pre_bp_caution_diastolic_above_mmhg: int = field(default=90, metadata=_tagged("D", _LABEL))
    pre_bp_recheck_rest_min: int = field(default=5, metadata=_tagged("D", "§5.3: recheck after 5 min rest"))
    pre_bp_hold_systolic_at_or_above_mmhg: int = field(default=160, metadata=_tagged("D", "§5.3 (on recheck)"))
    pre_bp_hold_diastolic_at_or_above_mmhg: int = field(default=100, metadata=_tagged("D", "§5.3 (on recheck)"))
    bp_rise_systolic_at_or_above_mmhg: int = field(default=40, metadata=_tagged("D", _LABEL))
    bp_rise_diastolic_at_or_above_mmhg: int = field(default=25, metadata=_tagged("D", _LABEL))
    bp_pause_systolic_at_or_above_mmhg: int = field(default=180, metadata=_tagged("D", _FORUM))
    bp_pause_diastolic_at_or_above_mmhg: int = field(default=110, metadata=_tagged("D", _FORUM))
    bp_pause_confirm_after_min: int = field(default=5, metadata=_tagged("D", _FORUM + ": confirmed 5 min later"))
    bp_stop_systolic_at_or_above_mmhg: int = field(default=200, metadata=_tagged("D", _FORUM))
    bp_stop_diastolic_at_or_above_mmhg: int = field(default=120, metadata=_tagged("D", _FORUM))
    hr_high_above_bpm: int = field(default=120, metadata=_tagged("D", _FORUM))
    hr_high_sustained_min: int = field(default=5, metadata=_tagged("D", _FORUM + ": for ≥ 5 min"))
    spo2_low_below_percent: int | None = field(default=None, metadata=_required(_UNSET))
    rr_low_below_per_min: int | None = field(default=None, metadata=_required(_UNSET))
    rr_high_above_per_min: int | None = field(default=None, metadata=_required(_UNSET))
    hr_low_below_bpm: int | None = field(default=None, metadata=_required(_UNSET))
    resume_readings_apart_min: int = field(default=5, metadata=_tagged("D", "§5.3 RESUME: 2 readings 5 min apart"))
    stop_symptoms: tuple[str, ...] = field(default=STOP_SYMPTOMS, metadata=_tagged("D", "§5.3 SYMPTOM_STOP [43]"))
    pre_window_min: int = field(default=15, metadata=_tagged("D", "§5.2: ≤ 15 min before start"))
    infusion_timepoints_min: tuple[int, ...] = field(
        default=(10, 20, 30, 40), metadata=_tagged("D", "§5.2: 10, 20, 30, 40 min of infusion time"))
    infusion_every_min_after_last: int = field(
        default=10, metadata=_tagged("U", "product choice: §5.2 lists 10–40 min only; longer infusions keep the "
                                          "10-min spacing until they end"))
    cadss6_at_min: int = field(default=40, metadata=_tagged("D", "§5.2: CADSS-6 at about 40 min"))
    post_every_min: int = field(default=15, metadata=_tagged("D", "§5.2: every 15 min until discharge [19]"))
    post_listed_min: int = field(
        default=60, metadata=_tagged("D", "§5.5: the 60-min minimum observation; more follow until discharge"))

    def __post_init__(self) -> None:
        for spec in fields(self):
            value = getattr(self, spec.name)
            if isinstance(value, int) and not isinstance(value, bool) and value <= 0:
                raise InvalidProtocol(f"{spec.name} must be above 0; {value} was set.", field=spec.name)
        if list(self.infusion_timepoints_min) != sorted(set(self.infusion_timepoints_min)) \
                or not self.infusion_timepoints_min or self.infusion_timepoints_min[0] <= 0:
            raise InvalidProtocol("Infusion timepoints must be rising minutes above 0.",
                                  field="infusion_timepoints_min")
        if self.spo2_low_below_percent is not None and self.spo2_low_below_percent > 100:
            raise InvalidProtocol("The SpO₂ low limit is a percentage of at most 100.", field="spo2_low_below_percent")
        if None not in (self.rr_low_below_per_min, self.rr_high_above_per_min) and \
                self.rr_low_below_per_min >= self.rr_high_above_per_min:
            raise InvalidProtocol("The low respiratory-rate limit must be below the high one.",
                                  field="rr_low_below_per_min")
        unknown = set(self.stop_symptoms) - set(STOP_SYMPTOMS) - set(OTHER_SYMPTOMS)
        if unknown:
            raise InvalidProtocol(f"Unknown stop symptom(s): {', '.join(sorted(unknown))}.", field="stop_symptoms")


DEFAULT_PROTOCOL = VitalsProtocol()
REQUIRED = (("SPO2_LOW", "spo2_low_below_percent"), ("RR_LOW", "rr_low_below_per_min"),
            ("RR_HIGH", "rr_high_above_per_min"), ("HR_LOW", "hr_low_below_bpm"))


def unset_thresholds(protocol: VitalsProtocol) -> tuple[str, ...]:
    """The required thresholds the medical director has not set, by field name (§5.3)."""
    return tuple(name for _, name in REQUIRED if getattr(protocol, name) is None)


def require_thresholds_set(protocol: VitalsProtocol) -> None:
    """Refuse while SpO₂ low, RR low/high or HR low is unset: clinical-reference §5.3 blocks
    infusions until the medical director sets them."""
    missing = unset_thresholds(protocol)
    if missing:
        names = ", ".join(f"{code} ({name})" for code, name in REQUIRED if name in missing)
        raise ThresholdNotSet(f"Infusions are blocked: the medical director has not set {names}. Set them in the "
                              "clinic's vitals protocol before the first infusion.", missing=missing)


@dataclass(frozen=True)
class Reading:
    """One set of vitals. `sedation_concern` is the nurse's finding on the clinic's sedation scale
    (the scale is a setting, §5.2); `marked_dissociation` is the CADSS marked-dissociation flag."""

    taken_at: datetime
    systolic_mmhg: int
    diastolic_mmhg: int
    heart_rate_bpm: int
    spo2_percent: int | None = None
    respiratory_rate_per_min: int | None = None
    symptoms: frozenset[str] = frozenset()
    sedation_concern: bool = False
    marked_dissociation: bool = False


@dataclass(frozen=True)
class AlertRule:
    """An alert's actions and instruction; `not_started` and `ended` replace the instruction
    before the start and after the end, when there is no pump to pause or stop."""

    code: str
    actions: tuple[str, ...]
    instruction: str
    source: str
    not_started: str = ""
    ended: str = ""


_NOTIFY_NOT_STARTED = "Do not start the infusion; notify the prescriber."
_NOTIFY_ENDED = "The infusion has ended: notify the prescriber."
RULES = {rule.code: rule for rule in (
    AlertRule("PRE_BP_CAUTION", (RECHECK, PRESCRIBER_ACKNOWLEDGES),
              "Recheck after 5 min rest; the prescriber acknowledges before the infusion starts.", _LABEL),
    AlertRule("PRE_BP_HOLD", (HOLD, PRESCRIBER_DECIDES),
              "Do not start the infusion. The prescriber decides on rescheduling.", "§5.3 [D] (on recheck)"),
    AlertRule("BP_RISE", (NOTIFY_PRESCRIBER,), "Notify the prescriber.", _LABEL),
    AlertRule("BP_PAUSE_PENDING", (RECHECK,), "Recheck in 5 min: if it is still as high, BP_PAUSE applies.",
              _FORUM),
    AlertRule("BP_PAUSE", (PAUSE, NOTIFY_PRESCRIBER, RECHECK),
              "Pause the pump, notify the prescriber and recheck every 5 min.", _FORUM,
              ended="The infusion has ended: notify the prescriber and recheck every 5 min."),
    AlertRule("BP_STOP", (STOP, CALL_PRESCRIBER_NOW, KEEP_MONITORING),
              "Stop the infusion, call the prescriber now and keep monitoring.", _FORUM,
              not_started="Do not start the infusion; call the prescriber now and keep monitoring.",
              ended="The infusion has ended: call the prescriber now and keep monitoring."),
    AlertRule("SYMPTOM_STOP", (STOP, CALL_PRESCRIBER_NOW, EMERGENCY_PROTOCOL),
              "Stop the infusion, call the prescriber now and follow the emergency protocol.",
              "§5.3 [D]; Yip 2022 [43]",
              not_started="Do not start the infusion; call the prescriber now and follow the emergency protocol.",
              ended="The infusion has ended: call the prescriber now and follow the emergency protocol."),
    AlertRule("HR_HIGH_PENDING", (RECHECK,), "Recheck in 5 min: if it is still as fast, HR_HIGH applies.", _FORUM),
    AlertRule("HR_HIGH", (PAUSE, NOTIFY_PRESCRIBER), "Pause the pump and notify the prescriber.", _FORUM,
              ended=_NOTIFY_ENDED),
    *(AlertRule(code, (PAUSE, NOTIFY_PRESCRIBER), "Pause the pump and notify the prescriber.", "§5.3 [D]",
                not_started=_NOTIFY_NOT_STARTED, ended=_NOTIFY_ENDED) for code in (
        "SPO2_LOW", "RR_LOW", "RR_HIGH", "HR_LOW")),
    AlertRule("RESUME", (PRESCRIBER_APPROVES, RESUME),
              "With the prescriber's approval, resume at the same rate; the pause time is added to the infusion "
              "time.", "§5.3 [D] RESUME"),
    AlertRule("SEDATION", (NOTIFY_PRESCRIBER, KEEP_MONITORING), "Notify the prescriber and keep monitoring.",
              "§5.2 sedation score (scale is a setting; MOAA/S scoring not covered [U]); action is a product choice"),
    AlertRule("DISSOCIATION", (NOTIFY_PRESCRIBER, KEEP_MONITORING), "Notify the prescriber and keep monitoring.",
              "§7.2 CADSS > 4 and above pre-dose (esketamine trials [11]); action is a product choice"),
)}


@dataclass(frozen=True)
class Alert:
    code: str
    actions: tuple[str, ...]
    message: str
    source: str
    taken_at: datetime


def _alert(code: str, reading: Reading, finding: str, phase: str) -> Alert:
    rule = RULES[code]
    actions, instruction = rule.actions, rule.instruction
    if phase == PRE and rule.not_started:
        actions, instruction = tuple(dict.fromkeys(HOLD if a in (PAUSE, STOP) else a for a in actions)), \
            rule.not_started
    elif phase == POST and rule.ended:
        actions, instruction = tuple(a for a in actions if a not in (PAUSE, STOP)), rule.ended
    return Alert(code, actions, f"{finding} {instruction}", rule.source, reading.taken_at)


def check_reading(reading: Reading) -> None:
    """Refuse values no patient can have; nothing is clamped."""
    numbers = {"systolic_mmhg": reading.systolic_mmhg, "diastolic_mmhg": reading.diastolic_mmhg,
               "heart_rate_bpm": reading.heart_rate_bpm, "spo2_percent": reading.spo2_percent,
               "respiratory_rate_per_min": reading.respiratory_rate_per_min}
    for name, value in numbers.items():
        if value is None and name in ("spo2_percent", "respiratory_rate_per_min"):
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ImpossibleReading(f"{name} must be a whole number, 0 or more; {value!r} was entered. Re-enter it.",
                                    field=name)
    if reading.diastolic_mmhg >= reading.systolic_mmhg:
        raise ImpossibleReading(f"A diastolic pressure of {reading.diastolic_mmhg} mmHg is not below the systolic "
                                f"{reading.systolic_mmhg} mmHg. Re-measure and re-enter the blood pressure.",
                                field="diastolic_mmhg")
    if reading.spo2_percent is not None and reading.spo2_percent > 100:
        raise ImpossibleReading(f"SpO₂ cannot be {reading.spo2_percent} %; it is at most 100 %. Re-enter it.",
                                field="spo2_percent")
    unknown = set(reading.symptoms) - set(STOP_SYMPTOMS) - set(OTHER_SYMPTOMS)
    if unknown:
        raise UnknownSymptom(f"Unknown symptom code(s): {', '.join(sorted(unknown))}. Choose from the clinic's list.",
                             field="symptoms")


def _bp(reading: Reading) -> str:
    return f"BP {reading.systolic_mmhg}/{reading.diastolic_mmhg} mmHg"


def _bp_at_or_above(reading: Reading, systolic: int, diastolic: int) -> bool:
    return reading.systolic_mmhg >= systolic or reading.diastolic_mmhg >= diastolic


def bp_at_stop_level(reading: Reading, protocol: VitalsProtocol) -> bool:
    return _bp_at_or_above(reading, protocol.bp_stop_systolic_at_or_above_mmhg,
                           protocol.bp_stop_diastolic_at_or_above_mmhg)


def bp_at_pause_level(reading: Reading, protocol: VitalsProtocol) -> bool:
    return _bp_at_or_above(reading, protocol.bp_pause_systolic_at_or_above_mmhg,
                           protocol.bp_pause_diastolic_at_or_above_mmhg)


def hr_high(reading: Reading, protocol: VitalsProtocol) -> bool:
    return reading.heart_rate_bpm > protocol.hr_high_above_bpm


def _pre_alerts(reading: Reading, protocol: VitalsProtocol, is_recheck: bool) -> list[Alert]:
    if is_recheck and _bp_at_or_above(reading, protocol.pre_bp_hold_systolic_at_or_above_mmhg,
                                      protocol.pre_bp_hold_diastolic_at_or_above_mmhg):
        return [_alert("PRE_BP_HOLD", reading, f"{_bp(reading)} on recheck, at or above "
                       f"{protocol.pre_bp_hold_systolic_at_or_above_mmhg}/"
                       f"{protocol.pre_bp_hold_diastolic_at_or_above_mmhg}.", PRE)]
    if reading.systolic_mmhg > protocol.pre_bp_caution_systolic_above_mmhg or \
            reading.diastolic_mmhg > protocol.pre_bp_caution_diastolic_above_mmhg:
        return [_alert("PRE_BP_CAUTION", reading, f"{_bp(reading)} before the infusion, above "
                       f"{protocol.pre_bp_caution_systolic_above_mmhg}/{protocol.pre_bp_caution_diastolic_above_mmhg}.",
                       PRE)]
    return []


def _any_phase_alerts(reading: Reading, protocol: VitalsProtocol, phase: str) -> list[Alert]:
    alerts = []
    if bp_at_stop_level(reading, protocol):
        alerts.append(_alert("BP_STOP", reading, f"{_bp(reading)}, at or above "
                             f"{protocol.bp_stop_systolic_at_or_above_mmhg}/"
                             f"{protocol.bp_stop_diastolic_at_or_above_mmhg}.", phase))
    stop_symptoms = sorted(set(reading.symptoms) & set(protocol.stop_symptoms))
    if stop_symptoms:
        named = ", ".join(symptom.replace("_", " ").lower() for symptom in stop_symptoms)
        alerts.append(_alert("SYMPTOM_STOP", reading, f"Reported: {named}.", phase))
    alerts += [_alert(code, reading, finding, phase) for code, finding in _limit_findings(reading, protocol)]
    return alerts


def _limit_findings(reading: Reading, protocol: VitalsProtocol) -> list[tuple[str, str]]:
    spo2, rate, heart = reading.spo2_percent, reading.respiratory_rate_per_min, reading.heart_rate_bpm
    findings = []
    if spo2 is not None and spo2 < protocol.spo2_low_below_percent:
        findings.append(("SPO2_LOW", f"SpO₂ {spo2} %, below {protocol.spo2_low_below_percent} %."))
    if rate is not None and rate < protocol.rr_low_below_per_min:
        findings.append(("RR_LOW", f"Respiratory rate {rate}/min, below {protocol.rr_low_below_per_min}/min."))
    if rate is not None and rate > protocol.rr_high_above_per_min:
        findings.append(("RR_HIGH", f"Respiratory rate {rate}/min, above {protocol.rr_high_above_per_min}/min."))
    if heart < protocol.hr_low_below_bpm:
        findings.append(("HR_LOW", f"Heart rate {heart} bpm, below {protocol.hr_low_below_bpm} bpm."))
    return findings


def _during_alerts(reading: Reading, protocol: VitalsProtocol, phase: str, baseline: Reading) -> list[Alert]:
    alerts = []
    systolic_rise = reading.systolic_mmhg - baseline.systolic_mmhg
    diastolic_rise = reading.diastolic_mmhg - baseline.diastolic_mmhg
    if systolic_rise >= protocol.bp_rise_systolic_at_or_above_mmhg or \
            diastolic_rise >= protocol.bp_rise_diastolic_at_or_above_mmhg:
        alerts.append(_alert("BP_RISE", reading, f"{_bp(reading)}, {systolic_rise:+d}/{diastolic_rise:+d} mmHg over "
                             f"the baseline {baseline.systolic_mmhg}/{baseline.diastolic_mmhg}.", phase))
    if reading.sedation_concern:
        alerts.append(_alert("SEDATION", reading, "Sedation at the clinic's alert level.", phase))
    if reading.marked_dissociation:
        alerts.append(_alert("DISSOCIATION", reading, "CADSS shows marked dissociation.", phase))
    return alerts


def _pending_alerts(reading: Reading, protocol: VitalsProtocol, phase: str) -> list[Alert]:
    alerts = []
    if bp_at_pause_level(reading, protocol) and not bp_at_stop_level(reading, protocol):
        alerts.append(_alert("BP_PAUSE_PENDING", reading, f"{_bp(reading)}, at or above "
                             f"{protocol.bp_pause_systolic_at_or_above_mmhg}/"
                             f"{protocol.bp_pause_diastolic_at_or_above_mmhg}.", phase))
    if hr_high(reading, protocol):
        alerts.append(_alert("HR_HIGH_PENDING", reading, f"Heart rate {reading.heart_rate_bpm} bpm, above "
                             f"{protocol.hr_high_above_bpm}.", phase))
    return alerts


def alerts_for_reading(reading: Reading, *, phase: str, protocol: VitalsProtocol = DEFAULT_PROTOCOL,
                       baseline: Reading | None = None, is_recheck: bool = False) -> tuple[Alert, ...]:
    """Every §5.3 alert one reading raises on its own. Before the infusion: PRE_BP_CAUTION, or
    PRE_BP_HOLD when `is_recheck`. From the start: BP_RISE over `baseline` (the last pre-infusion
    reading), and BP_PAUSE_PENDING / HR_HIGH_PENDING, which ask for the recheck that confirms
    BP_PAUSE or HR_HIGH (see `alerts_for_series`). Any phase: BP_STOP, SYMPTOM_STOP, SPO2_LOW,
    RR_LOW, RR_HIGH, HR_LOW. Refuses while a required threshold is unset."""
    require_thresholds_set(protocol)
    check_reading(reading)
    if phase not in PHASES:
        raise UnknownPhase(f"Phase {phase!r} is not one of {', '.join(PHASES)}.", field="phase")
    if phase == PRE:
        return tuple(_pre_alerts(reading, protocol, is_recheck) + _any_phase_alerts(reading, protocol, phase))
    if baseline is None:
        raise BaselineMissing("Chart the pre-infusion reading first: it is the baseline for the BP rise alert.",
                              field="baseline")
    check_reading(baseline)
    return tuple(_any_phase_alerts(reading, protocol, phase) + _during_alerts(reading, protocol, phase, baseline)
                 + _pending_alerts(reading, protocol, phase))


def below_pause_limits(reading: Reading, protocol: VitalsProtocol) -> bool:
    """Below every limit that pauses the pump (§5.3 RESUME)."""
    return not (bp_at_pause_level(reading, protocol) or hr_high(reading, protocol)
                or _limit_findings(reading, protocol))


@dataclass
class _Watch:
    """An unbroken run of readings over one pause limit: since when, and whether it is confirmed."""

    code: str
    since: datetime | None = None
    confirmed: bool = False

    def update(self, active: bool, at: datetime, minutes: int) -> str | None:
        """"PENDING" for a run not yet `minutes` long, "CONFIRMED" once when it is, else None."""
        if not active:
            self.since, self.confirmed = None, False
            return None
        if self.since is None:
            self.since = at
        if self.confirmed:
            return None
        if at - self.since >= timedelta(minutes=minutes):
            self.confirmed = True
            return "CONFIRMED"
        return "PENDING"


@dataclass
class _Day:
    """The state of one infusion day as its readings come in, oldest first."""

    protocol: VitalsProtocol
    paused: bool = False
    stopped: bool = False
    caution_at: datetime | None = None
    bp: _Watch = field(default_factory=lambda: _Watch("BP_PAUSE"))
    hr: _Watch = field(default_factory=lambda: _Watch("HR_HIGH"))
    clear: _Watch = field(default_factory=lambda: _Watch("RESUME"))

    def pre(self, reading: Reading) -> list[Alert]:
        rest = timedelta(minutes=self.protocol.pre_bp_recheck_rest_min)
        is_recheck = self.caution_at is not None and reading.taken_at - self.caution_at >= rest
        alerts = _pre_alerts(reading, self.protocol, is_recheck)
        if any(alert.code == "PRE_BP_CAUTION" for alert in alerts):
            self.caution_at = reading.taken_at
        return alerts + _any_phase_alerts(reading, self.protocol, PRE)

    def during(self, reading: Reading, phase: str, baseline: Reading) -> list[Alert]:
        alerts = _any_phase_alerts(reading, self.protocol, phase)
        alerts += _during_alerts(reading, self.protocol, phase, baseline)
        if any(alert.code in ("BP_STOP", "SYMPTOM_STOP") for alert in alerts):
            self.stopped = True
        if self.stopped:
            return alerts
        if phase == INFUSION and any(alert.code in ("SPO2_LOW", "RR_LOW", "RR_HIGH", "HR_LOW") for alert in alerts):
            self.paused = True
        return alerts + self._sustained(reading, phase) + self._resume(reading, phase)

    def _sustained(self, reading: Reading, phase: str) -> list[Alert]:
        protocol, alerts = self.protocol, []
        pending = {alert.code: alert for alert in _pending_alerts(reading, protocol, phase)}
        for watch, active, minutes in (
                (self.bp, bp_at_pause_level(reading, protocol), protocol.bp_pause_confirm_after_min),
                (self.hr, hr_high(reading, protocol), protocol.hr_high_sustained_min)):
            since = watch.since or reading.taken_at
            state = watch.update(active, reading.taken_at, minutes)
            if state == "PENDING":
                alerts.append(pending[f"{watch.code}_PENDING"])
            elif state == "CONFIRMED":
                self.paused = self.paused or phase == INFUSION
                alerts.append(_confirmed(watch.code, reading, since, protocol, phase))
        return alerts

    def _resume(self, reading: Reading, phase: str) -> list[Alert]:
        if not (self.paused and phase == INFUSION):
            return []
        since = self.clear.since or reading.taken_at
        if self.clear.update(below_pause_limits(reading, self.protocol), reading.taken_at,
                             self.protocol.resume_readings_apart_min) != "CONFIRMED":
            return []
        self.paused, self.clear = False, _Watch("RESUME")
        return [_alert("RESUME", reading, f"Below every pause limit on readings at {since:%H:%M} and "
                       f"{reading.taken_at:%H:%M}.", phase)]


def _confirmed(code: str, reading: Reading, since: datetime, protocol: VitalsProtocol, phase: str) -> Alert:
    minutes = int((reading.taken_at - since).total_seconds() // 60)
    if code == "BP_PAUSE":
        finding = (f"{_bp(reading)}, still at or above {protocol.bp_pause_systolic_at_or_above_mmhg}/"
                   f"{protocol.bp_pause_diastolic_at_or_above_mmhg} after {minutes} min.")
    else:
        finding = f"Heart rate {reading.heart_rate_bpm} bpm, above {protocol.hr_high_above_bpm} for {minutes} min."
    return _alert(code, reading, finding, phase)


def alerts_for_series(readings: Sequence[Reading], *, start_at: datetime, end_at: datetime | None = None,
                      protocol: VitalsProtocol = DEFAULT_PROTOCOL,
                      baseline: Reading | None = None) -> tuple[Alert, ...]:
    """Every §5.3 alert of one infusion day, in time order. Readings before `start_at` are
    pre-infusion: one taken at least 5 min after a PRE_BP_CAUTION reading is its recheck. From the
    start, BP at the pause limits is BP_PAUSE once a reading at least 5 min later is still there
    (with none below in between), and HR above 120 likewise HR_HIGH; until then they are
    *_PENDING. While paused, 2 readings at least 5 min apart below every pause limit raise RESUME
    (for the prescriber to approve). After BP_STOP or SYMPTOM_STOP nothing resumes. `baseline`
    defaults to the last pre-infusion reading. Refuses while a required threshold is unset."""
    require_thresholds_set(protocol)
    ordered = sorted(readings, key=lambda reading: reading.taken_at)
    for reading in ordered:
        check_reading(reading)
    pre_readings = [reading for reading in ordered if reading.taken_at < start_at]
    if baseline is not None:
        check_reading(baseline)
    baseline = baseline or (pre_readings[-1] if pre_readings else None)
    day, alerts = _Day(protocol), []
    for reading in ordered:
        phase = _phase(reading.taken_at, start_at, end_at)
        if phase == PRE:
            alerts += day.pre(reading)
            continue
        if baseline is None:
            raise BaselineMissing("No pre-infusion reading was charted, so there is no baseline for the BP rise "
                                  "alert. Chart the baseline reading.", field="baseline")
        alerts += day.during(reading, phase, baseline)
    return tuple(alerts)


def _phase(at: datetime, start_at: datetime, end_at: datetime | None) -> str:
    if at < start_at:
        return PRE
    return INFUSION if end_at is None or at < end_at else POST


@dataclass(frozen=True)
class ResumeDecision:
    allowed: bool
    reasons: tuple[str, ...]
    source: str = "clinical-reference §5.3 RESUME [D]"


def resume_decision(readings_since_pause: Sequence[Reading], *, prescriber_approved: bool,
                    protocol: VitalsProtocol = DEFAULT_PROTOCOL) -> ResumeDecision:
    """May the pump restart? Only when the readings since the pause end in an unbroken run below
    every pause limit spanning at least 5 min (2 readings 5 min apart), no reading reached the stop
    level, and the prescriber approves; then at the same rate, the pause time added to the infusion
    time (clinical-reference §5.3)."""
    require_thresholds_set(protocol)
    ordered = sorted(readings_since_pause, key=lambda reading: reading.taken_at)
    for reading in ordered:
        check_reading(reading)
    reasons = []
    if any(bp_at_stop_level(reading, protocol) or set(reading.symptoms) & set(protocol.stop_symptoms)
           for reading in ordered):
        reasons.append("The infusion was stopped (stop-level BP or a stop symptom): it does not resume.")
    if not _settled(ordered, protocol):
        reasons.append(f"Take readings until 2, at least {protocol.resume_readings_apart_min} min apart, are both "
                       "below every pause limit.")
    if not prescriber_approved:
        reasons.append("The prescriber approves the restart first.")
    return ResumeDecision(not reasons, tuple(reasons))


def _settled(ordered: Sequence[Reading], protocol: VitalsProtocol) -> bool:
    run_since = None
    for reading in ordered:
        clear = below_pause_limits(reading, protocol)
        run_since = (run_since or reading.taken_at) if clear else None
    return run_since is not None and ordered[-1].taken_at - run_since >= timedelta(
        minutes=protocol.resume_readings_apart_min)


@dataclass(frozen=True)
class Pause:
    started_at: datetime
    ended_at: datetime


@dataclass(frozen=True)
class DueTimepoint:
    """When a reading is due. `code` is PRE, INFUSION_<min>, END or POST_<min after end>; PRE may
    be taken from `earliest_at` up to `due_at` (the start)."""

    code: str
    due_at: datetime
    earliest_at: datetime
    records: tuple[str, ...]
    source: str


PRE_RECORDS = ("BP", "HR", "SpO2", "RR", "symptoms", "escort", "pregnancy status", "fasting")
INFUSION_RECORDS = ("BP", "HR", "SpO2", "RR", "sedation score")
END_RECORDS = ("vitals", "mL infused", "stop time")
POST_RECORDS = ("vitals", "sedation", "nausea")


def due_timepoints(*, start_at: datetime, end_at: datetime | None = None, pauses: Sequence[Pause] = (),
                   until_at: datetime | None = None,
                   protocol: VitalsProtocol = DEFAULT_PROTOCOL) -> tuple[DueTimepoint, ...]:
    """The readings due on an infusion day, in time order (clinical-reference §5.2 [D]).

    Pre-infusion within 15 min before the start; at 10, 20, 30 and 40 min of infusion time (pauses
    do not count, CADSS-6 at 40) and, for a longer infusion, every 10 min after [product choice];
    at the end; then every 15 min after the end until `until_at` (default: the end + 60 min, the
    minimum observation; pass the discharge time to list the rest). Timepoints after an early end
    are dropped. Without `end_at` only the pre-infusion and the listed infusion timepoints are due.
    """
    _check_times(start_at, end_at, pauses, until_at)
    pre = DueTimepoint("PRE", start_at, start_at - timedelta(minutes=protocol.pre_window_min), PRE_RECORDS, "§5.2")
    due = [pre, *_infusion_timepoints(start_at, end_at, pauses, protocol)]
    if end_at is None:
        return tuple(due)
    due.append(DueTimepoint("END", end_at, end_at, END_RECORDS, "§5.2"))
    last_at = until_at or end_at + timedelta(minutes=protocol.post_listed_min)
    minutes = protocol.post_every_min
    while end_at + timedelta(minutes=minutes) <= last_at:
        at = end_at + timedelta(minutes=minutes)
        due.append(DueTimepoint(f"POST_{minutes}", at, at, POST_RECORDS, "§5.2; Riva-Posse 2018 [19]"))
        minutes += protocol.post_every_min
    return tuple(due)


def _infusion_timepoints(start_at: datetime, end_at: datetime | None, pauses: Sequence[Pause],
                         protocol: VitalsProtocol) -> list[DueTimepoint]:
    due = []
    for minutes in _infusion_minutes(protocol, ends=end_at is not None):
        at = _wall_time(start_at, minutes, pauses)
        if end_at is not None and at > end_at:
            break
        records = INFUSION_RECORDS + (("CADSS-6",) if minutes == protocol.cadss6_at_min else ())
        due.append(DueTimepoint(f"INFUSION_{minutes}", at, at, records, "§5.2"))
    return due


def _infusion_minutes(protocol: VitalsProtocol, *, ends: bool) -> Iterator[int]:
    yield from protocol.infusion_timepoints_min
    minutes = protocol.infusion_timepoints_min[-1]
    while ends:
        minutes += protocol.infusion_every_min_after_last
        yield minutes


def _wall_time(start_at: datetime, infusion_min: int, pauses: Sequence[Pause]) -> datetime:
    """The clock time at which the pump has run `infusion_min` minutes; pauses do not count (§5.3)."""
    at = start_at + timedelta(minutes=infusion_min)
    for pause in pauses:
        if pause.started_at < at:
            at += pause.ended_at - pause.started_at
    return at


def _check_times(start_at: datetime, end_at: datetime | None, pauses: Sequence[Pause],
                 until_at: datetime | None) -> None:
    if end_at is not None and end_at <= start_at:
        raise InvalidTimes(f"The infusion ends ({end_at:%H:%M}) no later than it starts ({start_at:%H:%M}). "
                           "Check both times.", field="end_at")
    previous_end = start_at
    for number, pause in enumerate(pauses, start=1):
        if pause.started_at < previous_end or pause.ended_at <= pause.started_at or (
                end_at is not None and pause.ended_at > end_at):
            raise InvalidTimes(f"Pause {number} ({pause.started_at:%H:%M}–{pause.ended_at:%H:%M}) must start after "
                               "the infusion starts and any earlier pause ends, end after it starts, and end by the "
                               "end of the infusion. Check its times.", field=f"pauses[{number}]")
        previous_end = pause.ended_at
    if until_at is not None and (end_at is None or until_at < end_at):
        raise InvalidTimes("Readings after the infusion are listed up to a time after its end; give the end time "
                           "and a later time to list up to.", field="until_at")


"""Alerts across one infusion day, where a reading's meaning depends on those before it, and
whether a paused pump may restart.

Source: clinical-reference §5.3 [D]: a pre-infusion BP at the hold limit waits for a recheck after
5 min rest (PRE_BP_HOLD); BP at the pause limits and HR above 120 count once a recheck at
least 5 min later confirms them; RESUME needs 2 readings at least 5 min apart below every pause
limit and the prescriber's approval; after a stop nothing resumes.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from clinic.rules.vitals.alerts import (
    INFUSION,
    POST,
    PRE,
    Alert,
    BaselineMissing,
    alert_for,
    any_phase_alerts,
    below_pause_limits,
    bp_at_pause_level,
    bp_at_stop_level,
    bp_text,
    during_alerts,
    hr_high,
    pending_alerts,
    pre_alerts,
)
from clinic.rules.vitals.reading import Reading, check_reading, checked_in_time_order
from clinic.rules.vitals.start import HoldWatch
from clinic.rules.vitals.thresholds import DEFAULT_PROTOCOL, VitalsProtocol, require_thresholds_set


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
    bp: _Watch = field(default_factory=lambda: _Watch("BP_PAUSE"))
    hr: _Watch = field(default_factory=lambda: _Watch("HR_HIGH"))
    clear: _Watch = field(default_factory=lambda: _Watch("RESUME"))
    hold: HoldWatch = field(init=False)

    def __post_init__(self) -> None:
        self.hold = HoldWatch(self.protocol)

    def pre(self, reading: Reading) -> list[Alert]:
        return pre_alerts(reading, self.protocol, self.hold.update(reading)) + \
            any_phase_alerts(reading, self.protocol, PRE)

    def during(self, reading: Reading, phase: str, baseline: Reading) -> list[Alert]:
        alerts = any_phase_alerts(reading, self.protocol, phase)
        alerts += during_alerts(reading, self.protocol, phase, baseline)
        if any(alert.code in ("BP_STOP", "SYMPTOM_STOP") for alert in alerts):
            self.stopped = True
        if self.stopped:
            return alerts
        if phase == INFUSION and any(alert.code in ("SPO2_LOW", "RR_LOW", "RR_HIGH", "HR_LOW") for alert in alerts):
            self.paused = True
        return alerts + self._sustained(reading, phase) + self._resume(reading, phase)

    def _sustained(self, reading: Reading, phase: str) -> list[Alert]:
        protocol, alerts = self.protocol, []
        pending = {alert.code: alert for alert in pending_alerts(reading, protocol, phase)}
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
        return [alert_for("RESUME", reading, f"Below every pause limit on readings at {since:%H:%M} and "
                          f"{reading.taken_at:%H:%M}.", phase)]


def _confirmed(code: str, reading: Reading, since: datetime, protocol: VitalsProtocol, phase: str) -> Alert:
    minutes = int((reading.taken_at - since).total_seconds() // 60)
    if code == "BP_PAUSE":
        finding = (f"{bp_text(reading)}, still at or above {protocol.bp_pause_systolic_at_or_above_mmhg}/"
                   f"{protocol.bp_pause_diastolic_at_or_above_mmhg} after {minutes} min.")
    else:
        finding = f"Heart rate {reading.heart_rate_bpm} bpm, above {protocol.hr_high_above_bpm} for {minutes} min."
    return alert_for(code, reading, finding, phase)


def alerts_for_series(readings: Sequence[Reading], *, start_at: datetime, end_at: datetime | None = None,
                      protocol: VitalsProtocol = DEFAULT_PROTOCOL,
                      baseline: Reading | None = None) -> tuple[Alert, ...]:
    """Every §5.3 alert of one infusion day, in time order. Readings before `start_at` are
    pre-infusion: one at the hold limit raises PRE_BP_HOLD asking for a recheck after 5 min rest,
    and a recheck still at or above it raises PRE_BP_HOLD refusing the start (see `HoldWatch`;
    `start_decision` says whether the infusion may start). From the
    start, BP at the pause limits is BP_PAUSE once a reading at least 5 min later is still there
    (with none below in between), and HR above 120 likewise HR_HIGH; until then they are
    *_PENDING. While paused, 2 readings at least 5 min apart below every pause limit raise RESUME
    (for the prescriber to approve). After BP_STOP or SYMPTOM_STOP nothing resumes. `baseline`
    defaults to the last pre-infusion reading. Refuses while a required threshold is unset."""
    require_thresholds_set(protocol)
    ordered = checked_in_time_order(readings)
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
    ordered = checked_in_time_order(readings_since_pause)
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

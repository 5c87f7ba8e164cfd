"""Alerts for one infusion-day reading: what each alert asks the nurse to do, and when it fires.

Source: clinical-reference §5.3 (alerts [D]; Spravato label [11]; one clinic's protocol on a forum
[42], anecdotal). Each alert carries the actions it asks for. In the pre-infusion phase "pause" means
"do not start" (HOLD); after the infusion has ended there is no pump to pause, so PAUSE is dropped.
"""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from clinic.rules.errors import DomainError
from clinic.rules.vitals.reading import Reading, check_reading
from clinic.rules.vitals.thresholds import (
    BP_RISE_SOURCE,
    DEFAULT_PROTOCOL,
    FORUM_SOURCE,
    HOLD_SOURCE,
    LABEL_SOURCE,
    VitalsProtocol,
    require_thresholds_set,
)

SOURCE = "clinical-reference §5.3 alerts [D]; Spravato label [11]; clinic protocol on a forum [42] (anecdotal)"
PRE, INFUSION, POST = "pre", "infusion", "post"
PHASES = (PRE, INFUSION, POST)

RECHECK, HOLD, PAUSE, STOP, RESUME = "RECHECK", "HOLD", "PAUSE", "STOP", "RESUME"
CALL_PRESCRIBER_NOW, NOTIFY_PRESCRIBER = "CALL_PRESCRIBER_NOW", "NOTIFY_PRESCRIBER"
PRESCRIBER_ACKNOWLEDGES, PRESCRIBER_DECIDES, PRESCRIBER_APPROVES = (
    "PRESCRIBER_ACKNOWLEDGES", "PRESCRIBER_DECIDES", "PRESCRIBER_APPROVES")
EMERGENCY_PROTOCOL, KEEP_MONITORING, COMPLETE_SET = "EMERGENCY_PROTOCOL", "KEEP_MONITORING", "COMPLETE_SET"


class UnknownPhase(DomainError):
    code = "UNKNOWN_PHASE"


class BaselineMissing(DomainError):
    code = "BASELINE_VITALS_MISSING"


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
              "Recheck after 5 min rest; the prescriber acknowledges before the infusion starts.", LABEL_SOURCE),
    AlertRule("PRE_BP_HOLD", (HOLD, RECHECK),
              "Do not start the infusion: it may start only once a recheck after rest is below the hold limit. "
              "An acknowledgement does not lift this hold.", HOLD_SOURCE),
    AlertRule("BP_RISE", (NOTIFY_PRESCRIBER,), "Notify the prescriber.", BP_RISE_SOURCE),
    AlertRule("BP_PAUSE_PENDING", (RECHECK,), "Recheck in 5 min: if it is still as high, BP_PAUSE applies.",
              FORUM_SOURCE),
    AlertRule("BP_PAUSE", (PAUSE, NOTIFY_PRESCRIBER, RECHECK),
              "Pause the pump, notify the prescriber and recheck every 5 min.", FORUM_SOURCE,
              ended="The infusion has ended: notify the prescriber and recheck every 5 min."),
    AlertRule("BP_STOP", (STOP, CALL_PRESCRIBER_NOW, KEEP_MONITORING),
              "Stop the infusion, call the prescriber now and keep monitoring.", FORUM_SOURCE,
              not_started="Do not start the infusion; call the prescriber now and keep monitoring.",
              ended="The infusion has ended: call the prescriber now and keep monitoring."),
    AlertRule("SYMPTOM_STOP", (STOP, CALL_PRESCRIBER_NOW, EMERGENCY_PROTOCOL),
              "Stop the infusion, call the prescriber now and follow the emergency protocol.",
              "§5.3 [D]; Yip 2022 [43]",
              not_started="Do not start the infusion; call the prescriber now and follow the emergency protocol.",
              ended="The infusion has ended: call the prescriber now and follow the emergency protocol."),
    AlertRule("HR_HIGH_PENDING", (RECHECK,), "Recheck in 5 min: if it is still as fast, HR_HIGH applies.",
              FORUM_SOURCE),
    AlertRule("HR_HIGH", (PAUSE, NOTIFY_PRESCRIBER), "Pause the pump and notify the prescriber.", FORUM_SOURCE,
              ended=_NOTIFY_ENDED),
    *(AlertRule(code, (PAUSE, NOTIFY_PRESCRIBER), "Pause the pump and notify the prescriber.", "§5.3 [D]",
                not_started=_NOTIFY_NOT_STARTED, ended=_NOTIFY_ENDED) for code in (
        "SPO2_LOW", "RR_LOW", "RR_HIGH", "HR_LOW")),
    AlertRule("VITALS_INCOMPLETE", (COMPLETE_SET,), "Complete the set: both are monitored continuously.",
              "§5.3 [D] VITALS_INCOMPLETE; §5.2 (SpO₂ and RR at every timepoint)",
              not_started="Complete the set before the infusion starts."),
    AlertRule("RESUME", (PRESCRIBER_APPROVES, RESUME),
              "With the prescriber's approval, resume at the same rate; the pause time is added to the infusion "
              "time.", "§5.3 [D] RESUME"),
    AlertRule("SEDATION", (NOTIFY_PRESCRIBER, KEEP_MONITORING), "Notify the prescriber and keep monitoring.",
              "§5.2 sedation score (scale is a setting; MOAA/S scoring not covered [U]); action is a product choice"),
    AlertRule("DISSOCIATION", (NOTIFY_PRESCRIBER, KEEP_MONITORING), "Notify the prescriber and keep monitoring.",
              "§7.2 CADSS > 4 and above pre-dose (esketamine trials [11]); action is a product choice"),
)}


# A recheck still at or above the hold limit: the start is refused, not waiting on anything.
HOLD_CONFIRMED = AlertRule("PRE_BP_HOLD", (HOLD, PRESCRIBER_DECIDES),
                           "Do not start the infusion. The prescriber decides on rescheduling.", HOLD_SOURCE)


@dataclass(frozen=True)
class Alert:
    code: str
    actions: tuple[str, ...]
    message: str
    source: str
    taken_at: datetime
    overdue_at: datetime | None = None


def alert_for(code: str, reading: Reading, finding: str, phase: str, *, rule: AlertRule | None = None) -> Alert:
    """The alert `code` raises for `finding`, its actions and instruction fitted to the phase;
    `rule` replaces the code's usual rule."""
    rule = rule or RULES[code]
    actions, instruction = rule.actions, rule.instruction
    if phase == PRE and rule.not_started:
        actions, instruction = tuple(dict.fromkeys(HOLD if a in (PAUSE, STOP) else a for a in actions)), \
            rule.not_started
    elif phase == POST and rule.ended:
        actions, instruction = tuple(a for a in actions if a not in (PAUSE, STOP)), rule.ended
    return Alert(code, actions, f"{finding} {instruction}", rule.source, reading.taken_at)


def bp_text(reading: Reading) -> str:
    return f"BP {reading.systolic_mmhg}/{reading.diastolic_mmhg} mmHg"


def _bp_at_or_above(reading: Reading, systolic: int, diastolic: int) -> bool:
    return reading.systolic_mmhg >= systolic or reading.diastolic_mmhg >= diastolic


def bp_at_hold_level(reading: Reading, protocol: VitalsProtocol) -> bool:
    return _bp_at_or_above(reading, protocol.pre_bp_hold_systolic_at_or_above_mmhg,
                           protocol.pre_bp_hold_diastolic_at_or_above_mmhg)


def bp_at_stop_level(reading: Reading, protocol: VitalsProtocol) -> bool:
    return _bp_at_or_above(reading, protocol.bp_stop_systolic_at_or_above_mmhg,
                           protocol.bp_stop_diastolic_at_or_above_mmhg)


def bp_at_pause_level(reading: Reading, protocol: VitalsProtocol) -> bool:
    return _bp_at_or_above(reading, protocol.bp_pause_systolic_at_or_above_mmhg,
                           protocol.bp_pause_diastolic_at_or_above_mmhg)


def hr_high(reading: Reading, protocol: VitalsProtocol) -> bool:
    return reading.heart_rate_bpm > protocol.hr_high_above_bpm


def pre_alerts(reading: Reading, protocol: VitalsProtocol, is_recheck: bool) -> list[Alert]:
    """PRE_BP_HOLD at or above the hold limit (asking for a recheck, or refusing the start when
    `is_recheck`), else PRE_BP_CAUTION above the caution limit."""
    hold = f"{protocol.pre_bp_hold_systolic_at_or_above_mmhg}/{protocol.pre_bp_hold_diastolic_at_or_above_mmhg}"
    if bp_at_hold_level(reading, protocol) and is_recheck:
        return [alert_for("PRE_BP_HOLD", reading, f"{bp_text(reading)} on recheck, still at or above {hold}.", PRE,
                          rule=HOLD_CONFIRMED)]
    if bp_at_hold_level(reading, protocol):
        recheck_at = reading.taken_at + timedelta(minutes=protocol.pre_bp_recheck_rest_min)
        return [alert_for("PRE_BP_HOLD", reading, f"{bp_text(reading)} before the infusion, at or above {hold}. "
                          f"Recheck after {protocol.pre_bp_recheck_rest_min} min rest, at {recheck_at:%H:%M} or "
                          "later.", PRE)]
    if reading.systolic_mmhg > protocol.pre_bp_caution_systolic_above_mmhg or \
            reading.diastolic_mmhg > protocol.pre_bp_caution_diastolic_above_mmhg:
        return [alert_for("PRE_BP_CAUTION", reading, f"{bp_text(reading)} before the infusion, above "
                          f"{protocol.pre_bp_caution_systolic_above_mmhg}/"
                          f"{protocol.pre_bp_caution_diastolic_above_mmhg}.", PRE)]
    return []


def any_phase_alerts(reading: Reading, protocol: VitalsProtocol, phase: str) -> list[Alert]:
    alerts = []
    if bp_at_stop_level(reading, protocol):
        alerts.append(alert_for("BP_STOP", reading, f"{bp_text(reading)}, at or above "
                                f"{protocol.bp_stop_systolic_at_or_above_mmhg}/"
                                f"{protocol.bp_stop_diastolic_at_or_above_mmhg}.", phase))
    stop_symptoms = sorted(set(reading.symptoms) & set(protocol.stop_symptoms))
    if stop_symptoms:
        named = ", ".join(symptom.replace("_", " ").lower() for symptom in stop_symptoms)
        alerts.append(alert_for("SYMPTOM_STOP", reading, f"Reported: {named}.", phase))
    alerts += [alert_for(code, reading, finding, phase) for code, finding in _limit_findings(reading, protocol)]
    return alerts + incomplete_alerts(reading, protocol, phase)


def missing_measures(reading: Reading) -> tuple[str, ...]:
    """The continuously monitored measures a set left out (§5.3 VITALS_INCOMPLETE)."""
    values = (("SpO₂", reading.spo2_percent), ("respiratory rate", reading.respiratory_rate_per_min))
    return tuple(name for name, value in values if value is None)


def incomplete_alerts(reading: Reading, protocol: VitalsProtocol, phase: str) -> list[Alert]:
    """VITALS_INCOMPLETE for a set without SpO₂ or RR, naming what is missing and when it is overdue.
    Every charted set counts: the rules cannot tell a due set from an extra one, and both measures
    are on the monitor continuously (§5.2)."""
    missing = missing_measures(reading)
    if not missing:
        return []
    overdue_at = reading.taken_at + timedelta(minutes=protocol.vitals_complete_within_min)
    named = " and ".join(missing)
    alert = alert_for("VITALS_INCOMPLETE", reading, f"{named[0].upper()}{named[1:]} not recorded in the "
                      f"{reading.taken_at:%H:%M} set; it is overdue from {overdue_at:%H:%M}.", phase)
    return [replace(alert, overdue_at=overdue_at)]


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


def during_alerts(reading: Reading, protocol: VitalsProtocol, phase: str, baseline: Reading) -> list[Alert]:
    alerts = []
    systolic_rise = reading.systolic_mmhg - baseline.systolic_mmhg
    diastolic_rise = reading.diastolic_mmhg - baseline.diastolic_mmhg
    if systolic_rise >= protocol.bp_rise_systolic_at_or_above_mmhg or \
            diastolic_rise >= protocol.bp_rise_diastolic_at_or_above_mmhg:
        alerts.append(alert_for("BP_RISE", reading, f"{bp_text(reading)}, {systolic_rise:+d}/{diastolic_rise:+d} "
                                f"mmHg over the baseline {baseline.systolic_mmhg}/{baseline.diastolic_mmhg}.", phase))
    if reading.sedation_concern:
        alerts.append(alert_for("SEDATION", reading, "Sedation at the clinic's alert level.", phase))
    if reading.marked_dissociation:
        alerts.append(alert_for("DISSOCIATION", reading, "CADSS shows marked dissociation.", phase))
    return alerts


def pending_alerts(reading: Reading, protocol: VitalsProtocol, phase: str) -> list[Alert]:
    alerts = []
    if bp_at_pause_level(reading, protocol) and not bp_at_stop_level(reading, protocol):
        alerts.append(alert_for("BP_PAUSE_PENDING", reading, f"{bp_text(reading)}, at or above "
                                f"{protocol.bp_pause_systolic_at_or_above_mmhg}/"
                                f"{protocol.bp_pause_diastolic_at_or_above_mmhg}.", phase))
    if hr_high(reading, protocol):
        alerts.append(alert_for("HR_HIGH_PENDING", reading, f"Heart rate {reading.heart_rate_bpm} bpm, above "
                                f"{protocol.hr_high_above_bpm}.", phase))
    return alerts


def alerts_for_reading(reading: Reading, *, phase: str, protocol: VitalsProtocol = DEFAULT_PROTOCOL,
                       baseline: Reading | None = None, is_recheck: bool = False) -> tuple[Alert, ...]:
    """Every §5.3 alert one reading raises on its own. Before the infusion: PRE_BP_HOLD at or above
    the hold limit, asking for a recheck after rest, or refusing the start when `is_recheck` (the
    reading is the recheck of an earlier one at the hold limit); else PRE_BP_CAUTION. From the
    start: BP_RISE over `baseline` (the last pre-infusion reading), and BP_PAUSE_PENDING /
    HR_HIGH_PENDING, which ask for the recheck that confirms BP_PAUSE or HR_HIGH (see
    `alerts_for_series`). Any phase: BP_STOP, SYMPTOM_STOP, SPO2_LOW,
    RR_LOW, RR_HIGH, HR_LOW, and VITALS_INCOMPLETE for a set without SpO₂ or RR. Refuses while a
    required threshold is unset."""
    require_thresholds_set(protocol)
    check_reading(reading)
    if phase not in PHASES:
        raise UnknownPhase(f"Phase {phase!r} is not one of {', '.join(PHASES)}.", field="phase")
    if phase == PRE:
        return tuple(pre_alerts(reading, protocol, is_recheck) + any_phase_alerts(reading, protocol, phase))
    if baseline is None:
        raise BaselineMissing("Chart the pre-infusion reading first: it is the baseline for the BP rise alert.",
                              field="baseline")
    check_reading(baseline)
    return tuple(any_phase_alerts(reading, protocol, phase) + during_alerts(reading, protocol, phase, baseline)
                 + pending_alerts(reading, protocol, phase))


def below_pause_limits(reading: Reading, protocol: VitalsProtocol) -> bool:
    """Below every limit that pauses the pump (§5.3 RESUME); a set without SpO₂ or RR cannot show it."""
    return not (bp_at_pause_level(reading, protocol) or hr_high(reading, protocol)
                or _limit_findings(reading, protocol) or missing_measures(reading))


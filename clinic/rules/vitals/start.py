"""Whether an infusion may start, from the readings before it and the prescriber's acknowledgements.

Source: clinical-reference §5.2 [D] (a pre-infusion set ≤ 15 min before the start: BP, HR, SpO₂,
RR) and §5.3 [D]. PRE_BP_HOLD: any pre-infusion reading at or above the hold limit blocks the start
until a recheck after 5 min rest is below it; a recheck still at or above it means do not start, and
the prescriber decides on rescheduling. No acknowledgement lifts a hold: only a recheck does.
PRE_BP_CAUTION: the prescriber acknowledges before the start. An alert that asks not to start
(SpO₂, RR or HR-low limits, an incomplete set) blocks while the latest reading raises it; after
BP_STOP or SYMPTOM_STOP before the start the infusion does not start that day, as nothing resumes
after a stop.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from clinic.rules.errors import DomainError
from clinic.rules.vitals.alerts import (
    COMPLETE_SET,
    HOLD,
    PRE,
    Alert,
    any_phase_alerts,
    bp_at_hold_level,
    bp_text,
    pre_alerts,
)
from clinic.rules.vitals.reading import Reading, checked_in_time_order
from clinic.rules.vitals.thresholds import DEFAULT_PROTOCOL, VitalsProtocol, require_thresholds_set

MAY_START, BLOCKED, DO_NOT_START = "MAY_START", "BLOCKED", "DO_NOT_START"
SOURCE = "clinical-reference §5.2 [D] pre-infusion set; §5.3 [D] PRE_BP_HOLD, PRE_BP_CAUTION"
# The only alert a prescriber's acknowledgement can clear before the start (§5.3).
ACKNOWLEDGEABLE = ("PRE_BP_CAUTION",)
STOP_CODES = ("BP_STOP", "SYMPTOM_STOP")


class ReadingAfterStart(DomainError):
    code = "READING_AFTER_START"


@dataclass(frozen=True)
class Acknowledgement:
    """A prescriber's acknowledgement of an alert, by its code."""

    code: str
    acknowledged_at: datetime


@dataclass
class HoldWatch:
    """The PRE_BP_HOLD of one infusion day as its pre-infusion readings come in, oldest first.

    A reading at the hold limit opens the hold. A reading at least `pre_bp_recheck_rest_min` after
    the one that opened it is its recheck: still at or above the limit, the start is refused for the
    day; below it, the hold lifts, but only once that long has passed since the last reading at the
    limit, so a quick low reading between two high ones lifts nothing.
    """

    protocol: VitalsProtocol
    opened_at: datetime | None = None
    last_high_at: datetime | None = None
    refused_at: datetime | None = None

    def update(self, reading: Reading) -> bool:
        """Take the next reading; True when it is a recheck still at or above the hold limit."""
        rest = timedelta(minutes=self.protocol.pre_bp_recheck_rest_min)
        at = reading.taken_at
        if bp_at_hold_level(reading, self.protocol):
            refused = self.refused_at is not None or (self.opened_at is not None and at - self.opened_at >= rest)
            self.refused_at = self.refused_at or (at if refused else None)
            self.opened_at, self.last_high_at = self.opened_at or at, at
            return refused
        if self.opened_at is not None and self.refused_at is None and at - self.last_high_at >= rest:
            self.opened_at = self.last_high_at = None
        return False

    @property
    def open(self) -> bool:
        return self.opened_at is not None and self.refused_at is None


@dataclass(frozen=True)
class StartDecision:
    """MAY_START, BLOCKED (until something is done, each reason says what) or DO_NOT_START
    (not today: the prescriber decides on rescheduling)."""

    state: str
    reasons: tuple[str, ...]
    alerts: tuple[Alert, ...]
    source: str = SOURCE

    @property
    def may_start(self) -> bool:
        return self.state == MAY_START


def start_decision(readings: Sequence[Reading], *, start_at: datetime, acknowledgements: Sequence[Acknowledgement] = (),
                   protocol: VitalsProtocol = DEFAULT_PROTOCOL) -> StartDecision:
    """May the infusion start at `start_at`, given the day's pre-infusion readings and the
    prescriber's acknowledgements (clinical-reference §5.2–§5.3)? Every reason is returned.
    Refuses while a required threshold is unset, and a reading timed after `start_at`."""
    require_thresholds_set(protocol)
    ordered = checked_in_time_order(readings)
    if ordered and ordered[-1].taken_at > start_at:
        raise ReadingAfterStart(f"A reading is timed {ordered[-1].taken_at:%H:%M}, after the start at "
                                f"{start_at:%H:%M}. Check the reading's time.", field="readings")
    watch, alerts, latest_alerts = HoldWatch(protocol), [], []
    for reading in ordered:
        latest_alerts = pre_alerts(reading, protocol, watch.update(reading)) + any_phase_alerts(reading, protocol, PRE)
        alerts += latest_alerts
    refusals = _refusals(watch, alerts, protocol)
    blocks = _blocks(ordered, start_at, watch, latest_alerts, acknowledgements, protocol)
    state = DO_NOT_START if refusals else BLOCKED if blocks else MAY_START
    return StartDecision(state, tuple(refusals + blocks), tuple(alerts))


def _hold_text(protocol: VitalsProtocol) -> str:
    return f"{protocol.pre_bp_hold_systolic_at_or_above_mmhg}/{protocol.pre_bp_hold_diastolic_at_or_above_mmhg}"


def _refusals(watch: HoldWatch, alerts: list[Alert], protocol: VitalsProtocol) -> list[str]:
    refusals = []
    if watch.refused_at is not None:
        refusals.append(f"The recheck at {watch.refused_at:%H:%M} is still at or above {_hold_text(protocol)}: do "
                        "not start the infusion today. The prescriber decides on rescheduling.")
    refusals += [f"{alert.message} The infusion does not start today." for alert in alerts
                 if alert.code in STOP_CODES]
    return refusals


def _blocks(ordered: list[Reading], start_at: datetime, watch: HoldWatch, latest_alerts: list[Alert],
            acknowledgements: Sequence[Acknowledgement], protocol: VitalsProtocol) -> list[str]:
    window = timedelta(minutes=protocol.pre_window_min)
    if not ordered:
        return ["No pre-infusion reading is charted. Take BP, HR, SpO₂ and RR before the start."]
    latest, blocks = ordered[-1], []
    if start_at - latest.taken_at > window:
        blocks.append(f"The last pre-infusion reading, at {latest.taken_at:%H:%M}, is more than "
                      f"{protocol.pre_window_min} min before the start. Take a new set.")
    if watch.open:
        recheck_at = watch.last_high_at + timedelta(minutes=protocol.pre_bp_recheck_rest_min)
        blocks.append(f"BP was at or above {_hold_text(protocol)} at {watch.last_high_at:%H:%M}. Recheck after "
                      f"{protocol.pre_bp_recheck_rest_min} min rest, at {recheck_at:%H:%M} or later: the infusion "
                      "may start only once a recheck is below it. An acknowledgement does not lift this hold.")
    blocks += [alert.message for alert in latest_alerts if alert.code not in ("PRE_BP_HOLD", *STOP_CODES)
               and (HOLD in alert.actions or COMPLETE_SET in alert.actions)]
    if any(alert.code == "PRE_BP_CAUTION" for alert in latest_alerts) and not any(
            ack.code in ACKNOWLEDGEABLE and latest.taken_at <= ack.acknowledged_at <= start_at
            for ack in acknowledgements):
        blocks.append(f"{bp_text(latest)} at {latest.taken_at:%H:%M}: the prescriber acknowledges this reading "
                      "before the start.")
    return blocks

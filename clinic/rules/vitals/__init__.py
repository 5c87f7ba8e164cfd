"""Infusion-day vitals: alerts for one reading and for a day's sequence, and when readings are due.

Source: clinical-reference §5.2 (schedule) and §5.3 (alerts). The thresholds are [D]: they come
from the Spravato label [11] and one clinic's protocol described on a forum [42] (anecdotal), not
from guidelines, and the medical director confirms each before go-live. SpO₂ low, RR low/high and
HR low have no shipped value: `require_thresholds_set` refuses every alert check, and so every
infusion, until the medical director sets them.

Each alert carries the actions it asks for. In the pre-infusion phase "pause" means "do not start"
(HOLD); after the infusion has ended there is no pump to pause, so PAUSE is dropped.

The settings live in `thresholds`, one reading in `reading`, its alerts in `alerts`, whether the
infusion may start in `start` (PRE_BP_HOLD: only a recheck after rest below the hold limit lifts
it, never an acknowledgement), a day's sequence and the restart decision in `series`, and the due
times in `schedule`; this module names them all, so callers import from `clinic.rules.vitals`.
"""

from clinic.rules.protocol import InvalidProtocol
from clinic.rules.vitals.alerts import (
    CALL_PRESCRIBER_NOW,
    COMPLETE_SET,
    EMERGENCY_PROTOCOL,
    HOLD,
    INFUSION,
    KEEP_MONITORING,
    NOTIFY_PRESCRIBER,
    PAUSE,
    PHASES,
    POST,
    PRE,
    PRESCRIBER_ACKNOWLEDGES,
    PRESCRIBER_APPROVES,
    PRESCRIBER_DECIDES,
    RECHECK,
    RESUME,
    RULES,
    SOURCE,
    STOP,
    Alert,
    AlertRule,
    BaselineMissing,
    UnknownPhase,
    alerts_for_reading,
    below_pause_limits,
    bp_at_hold_level,
    bp_at_pause_level,
    bp_at_stop_level,
    hr_high,
    missing_measures,
)
from clinic.rules.vitals.reading import (
    OTHER_SYMPTOMS,
    STOP_SYMPTOMS,
    ImpossibleReading,
    Reading,
    UnknownSymptom,
    check_reading,
)
from clinic.rules.vitals.schedule import (
    END_RECORDS,
    INFUSION_RECORDS,
    POST_RECORDS,
    PRE_RECORDS,
    DueTimepoint,
    InvalidTimes,
    Pause,
    due_timepoints,
)
from clinic.rules.vitals.series import ResumeDecision, alerts_for_series, resume_decision
from clinic.rules.vitals.start import (
    BLOCKED,
    DO_NOT_START,
    MAY_START,
    Acknowledgement,
    HoldWatch,
    ReadingAfterStart,
    StartDecision,
    start_decision,
)
from clinic.rules.vitals.thresholds import (
    DEFAULT_PROTOCOL,
    REQUIRED,
    ThresholdNotSet,
    VitalsProtocol,
    require_thresholds_set,
    unset_thresholds,
)

__all__ = [
    "BLOCKED", "CALL_PRESCRIBER_NOW", "COMPLETE_SET", "DEFAULT_PROTOCOL", "DO_NOT_START", "EMERGENCY_PROTOCOL",
    "END_RECORDS", "HOLD", "INFUSION", "INFUSION_RECORDS", "KEEP_MONITORING", "MAY_START", "NOTIFY_PRESCRIBER",
    "OTHER_SYMPTOMS", "PAUSE", "PHASES", "POST", "POST_RECORDS", "PRE", "PRESCRIBER_ACKNOWLEDGES",
    "PRESCRIBER_APPROVES", "PRESCRIBER_DECIDES", "PRE_RECORDS", "RECHECK", "REQUIRED", "RESUME", "RULES", "SOURCE",
    "STOP", "STOP_SYMPTOMS",
    "Acknowledgement", "Alert", "AlertRule", "BaselineMissing", "DueTimepoint", "HoldWatch", "ImpossibleReading",
    "InvalidProtocol", "InvalidTimes", "Pause", "Reading", "ReadingAfterStart", "ResumeDecision", "StartDecision",
    "ThresholdNotSet", "UnknownPhase", "UnknownSymptom", "VitalsProtocol",
    "alerts_for_reading", "alerts_for_series", "below_pause_limits", "bp_at_hold_level", "bp_at_pause_level",
    "bp_at_stop_level", "check_reading", "due_timepoints", "hr_high", "missing_measures", "require_thresholds_set",
    "resume_decision", "start_decision", "unset_thresholds",
]

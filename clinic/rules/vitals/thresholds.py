"""The clinic's vitals settings: alert thresholds and reading times, and the thresholds that must be set.

Source: clinical-reference §5.2 (schedule) and §5.3 (alerts). The thresholds are [D]: they come
from the Spravato label [11] and one clinic's protocol described on a forum [42] (anecdotal), not
from guidelines, and the medical director confirms each before go-live. SpO₂ low, RR low/high and
HR low have no shipped value: `require_thresholds_set` refuses every alert check, and so every
infusion, until the medical director sets them.
"""

from dataclasses import dataclass, field, fields
from typing import Any

from clinic.rules.errors import DomainError
from clinic.rules.protocol import InvalidProtocol, tagged
from clinic.rules.vitals.reading import OTHER_SYMPTOMS, STOP_SYMPTOMS


class ThresholdNotSet(DomainError):
    """A required threshold the reference leaves unset; `missing` names every one."""

    code = "THRESHOLD_NOT_SET"

    def __init__(self, message: str, *, missing: tuple[str, ...]) -> None:
        super().__init__(message, field=missing[0])
        self.missing = missing


def _required(source: str) -> dict[str, Any]:
    return tagged("D", source, required=True, blocks="infusions until the medical director sets it")


LABEL_SOURCE = "§5.3 [D]; Spravato label [11]"
FORUM_SOURCE = "§5.3 [D]; one clinic's protocol on a forum [42] (anecdotal)"
HOLD_SOURCE = ("§5.3 [D] PRE_BP_HOLD: on any pre-infusion reading; the start waits for a recheck after 5 min rest "
               "below it, and a recheck still at or above it means do not start")
BP_RISE_SOURCE = ("§5.3 [D]: the Spravato label reports this rise as an incidence figure [11]; using it as an action "
                  "threshold is a product choice")
_UNSET = "§5.3 [D]: no shipped value; infusions are blocked until the medical director sets one"


@dataclass(frozen=True)
class VitalsProtocol:
    """The clinic's vitals settings (clinical-reference §5.2–§5.3). "above" means strictly above;
    "at_or_above" includes the value; "below" means strictly below."""

    pre_bp_caution_systolic_above_mmhg: int = field(default=140, metadata=tagged("D", LABEL_SOURCE))
    pre_bp_caution_diastolic_above_mmhg: int = field(default=90, metadata=tagged("D", LABEL_SOURCE))
    pre_bp_recheck_rest_min: int = field(default=5, metadata=tagged("D", "§5.3: recheck after 5 min rest"))
    pre_bp_hold_systolic_at_or_above_mmhg: int = field(default=160, metadata=tagged("D", HOLD_SOURCE))
    pre_bp_hold_diastolic_at_or_above_mmhg: int = field(default=100, metadata=tagged("D", HOLD_SOURCE))
    bp_rise_systolic_at_or_above_mmhg: int = field(default=40, metadata=tagged("D", BP_RISE_SOURCE))
    bp_rise_diastolic_at_or_above_mmhg: int = field(default=25, metadata=tagged("D", BP_RISE_SOURCE))
    bp_pause_systolic_at_or_above_mmhg: int = field(default=180, metadata=tagged("D", FORUM_SOURCE))
    bp_pause_diastolic_at_or_above_mmhg: int = field(default=110, metadata=tagged("D", FORUM_SOURCE))
    bp_pause_confirm_after_min: int = field(default=5, metadata=tagged("D", FORUM_SOURCE + ": confirmed 5 min later"))
    bp_stop_systolic_at_or_above_mmhg: int = field(default=200, metadata=tagged("D", FORUM_SOURCE))
    bp_stop_diastolic_at_or_above_mmhg: int = field(default=120, metadata=tagged("D", FORUM_SOURCE))
    hr_high_above_bpm: int = field(default=120, metadata=tagged("D", FORUM_SOURCE))
    hr_high_sustained_min: int = field(default=5, metadata=tagged("D", FORUM_SOURCE + ": for ≥ 5 min"))
    spo2_low_below_percent: int | None = field(default=None, metadata=_required(_UNSET))
    rr_low_below_per_min: int | None = field(default=None, metadata=_required(_UNSET))
    rr_high_above_per_min: int | None = field(default=None, metadata=_required(_UNSET))
    hr_low_below_bpm: int | None = field(default=None, metadata=_required(_UNSET))
    vitals_complete_within_min: int = field(
        default=5, metadata=tagged("D", "§5.3 VITALS_INCOMPLETE: the nurse completes the set; overdue after 5 min"))
    resume_readings_apart_min: int = field(default=5, metadata=tagged("D", "§5.3 RESUME: 2 readings 5 min apart"))
    stop_symptoms: tuple[str, ...] = field(default=STOP_SYMPTOMS, metadata=tagged("D", "§5.3 SYMPTOM_STOP [43]"))
    pre_window_min: int = field(default=15, metadata=tagged("D", "§5.2: ≤ 15 min before start"))
    infusion_timepoints_min: tuple[int, ...] = field(
        default=(10, 20, 30, 40), metadata=tagged("D", "§5.2: 10, 20, 30, 40 min of infusion time"))
    infusion_every_min_after_last: int = field(
        default=10, metadata=tagged("U", "product choice: §5.2 lists 10–40 min only; longer infusions keep the "
                                         "10-min spacing until they end"))
    cadss6_at_min: int = field(default=40, metadata=tagged("D", "§5.2: CADSS-6 at about 40 min"))
    post_every_min: int = field(default=15, metadata=tagged("D", "§5.2: every 15 min until discharge [19]"))
    post_listed_min: int = field(
        default=60, metadata=tagged("D", "§5.5: the 60-min minimum observation; more follow until discharge"))

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

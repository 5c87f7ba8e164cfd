"""The clinic's visit settings: how long each visit type holds a chair, the set-up around it, and the
instructions a patient gets before the visit.

Source: clinical-reference §5.2 (the pre-infusion check records escort and fasting) and §5.5
(discharge with a named responsible adult [8]; driving advice, the stricter of the esketamine rule
[11] and the clinic-sheet rule [14]).

The reference gives no chair or set-up minutes, so they ship unset [U]: booking waits until the
medical director sets them. Nor does it set a fasting rule: §5.2 only reports what one clinic uses
("no solids for 6 h, clear fluids until 2 h before"). That wording is offered as FASTING_SUGGESTION
but not shipped as the instruction, because pre-visit instructions reach patients as fact and an
unverified value is never shown as fact (§1); until the medical director sets the clinic's own
fasting text, pre-visit instructions wait for it.
"""

from dataclasses import dataclass, field
from typing import Any

from clinic.rules.errors import DomainError
from clinic.rules.protocol import InvalidProtocol, tagged

SOURCE = "clinical-reference §5.2 and §5.5"
VISIT_TYPES = ("consultation", "induction_infusion", "maintenance_infusion")
MAX_MINUTES = 24 * 60
FASTING_SUGGESTION = "No solids for 6 hours before your visit. Clear fluids are fine until 2 hours before."
ESCORT_TEXT = ("Arrange for a responsible adult to collect you and take you home. We will not let you leave on "
               "your own, and we will ask for their name when you arrive.")
NO_DRIVING_TEXT = ("Do not drive until the day after your infusion, after a night's restful sleep, and not for at "
                   "least 24 hours. For 24 hours, do not use machinery or make major decisions, and do not drink "
                   "alcohol or use cannabis.")


class VisitSettingNotSet(DomainError):
    """A visit setting the reference leaves unset; `missing` names every one."""

    code = "VISIT_SETTING_NOT_SET"

    def __init__(self, message: str, *, missing: tuple[str, ...]) -> None:
        super().__init__(message, field=missing[0])
        self.missing = missing


def _minutes(what: str) -> dict[str, Any]:
    return tagged("U", f"product setting: the reference gives no {what}; booking waits until the medical director "
                       "sets it", required=True, blocks="booking")


@dataclass(frozen=True)
class VisitProtocol:
    """Chair and set-up minutes of each visit type, and the pre-visit instruction texts."""

    consultation_chair_min: int | None = field(default=None, metadata=_minutes("consultation length"))
    consultation_setup_min: int | None = field(default=None, metadata=_minutes("set-up time for a consultation"))
    induction_infusion_chair_min: int | None = field(
        default=None, metadata=_minutes("chair time for an induction infusion (§5.5: at least 60 min of observation "
                                        "after a 40-min infusion, until discharge)"))
    induction_infusion_setup_min: int | None = field(
        default=None, metadata=_minutes("set-up time for an induction infusion"))
    maintenance_infusion_chair_min: int | None = field(
        default=None, metadata=_minutes("chair time for a maintenance infusion"))
    maintenance_infusion_setup_min: int | None = field(
        default=None, metadata=_minutes("set-up time for a maintenance infusion"))
    escort_text: str = field(
        default=ESCORT_TEXT, metadata=tagged("D", "§5.5 [D]: the patient leaves with a named responsible adult [8]"))
    no_driving_text: str = field(
        default=NO_DRIVING_TEXT,
        metadata=tagged("D", "§5.5 [D]: the stricter of no driving until the next day after restful sleep [11] and, "
                             "for 24 h, no driving, machinery, major decisions, alcohol or cannabis [14]"))
    fasting_text: str | None = field(
        default=None,
        metadata=tagged("U", f"§5.2 [U]: no source sets a fasting rule; one clinic uses: no solids for 6 h, clear "
                             f"fluids until 2 h before (suggested wording: {FASTING_SUGGESTION!r})",
                        required=True, blocks="pre-visit instructions"))

    def __post_init__(self) -> None:
        for visit_type in VISIT_TYPES:
            for name, lowest in ((f"{visit_type}_chair_min", 1), (f"{visit_type}_setup_min", 0)):
                value = getattr(self, name)
                if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                          or not lowest <= value <= MAX_MINUTES):
                    raise InvalidProtocol(f"{name} must be a whole number of minutes from {lowest} to {MAX_MINUTES}, "
                                          f"not {value!r}.", field=name)
        for name in ("escort_text", "no_driving_text", "fasting_text"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, str) or not value.strip()):
                raise InvalidProtocol(f"Write the {name.removesuffix('_text').replace('_', ' ')} instruction "
                                      "patients get before the visit; it cannot be blank.", field=name)


DEFAULT_PROTOCOL = VisitProtocol()


def unset_settings(protocol: VisitProtocol) -> tuple[str, ...]:
    """The required settings the medical director has not set, by field name."""
    return tuple(name for name in (*(f"{visit_type}_{part}_min" for visit_type in VISIT_TYPES
                                     for part in ("chair", "setup")), "fasting_text")
                 if getattr(protocol, name) is None)


def booking_minutes(protocol: VisitProtocol, visit_type: str) -> tuple[int, int]:
    """(chair minutes, set-up minutes) of one visit type; refused while either is unset."""
    if visit_type not in VISIT_TYPES:
        raise InvalidProtocol(f"{visit_type!r} is not a visit type; expected one of {', '.join(VISIT_TYPES)}.",
                              field="visit_type")
    names = (f"{visit_type}_chair_min", f"{visit_type}_setup_min")
    missing = tuple(name for name in names if getattr(protocol, name) is None)
    if missing:
        raise VisitSettingNotSet(f"Booking is blocked: the medical director has not set {', '.join(missing)}. Set "
                                 "them in the clinic's visit protocol.", missing=missing)
    return getattr(protocol, names[0]), getattr(protocol, names[1])


def pre_visit_instructions(protocol: VisitProtocol) -> tuple[str, ...]:
    """The escort, driving and fasting texts, in that order; refused while the fasting text is unset."""
    if protocol.fasting_text is None:
        raise VisitSettingNotSet("Pre-visit instructions are blocked: the medical director has not set the clinic's "
                                 "fasting instruction (fasting_text). Set it in the clinic's visit protocol.",
                                 missing=("fasting_text",))
    return protocol.escort_text, protocol.no_driving_text, protocol.fasting_text

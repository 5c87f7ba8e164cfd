"""When infusion-day readings are due: before the start, through the infusion, at the end and after.

Source: clinical-reference §5.2 [D] (schedule; every 15 min after the end, Riva-Posse 2018 [19]) and
§5.3 (pauses do not count as infusion time).
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from clinic.rules.errors import DomainError
from clinic.rules.vitals.thresholds import DEFAULT_PROTOCOL, VitalsProtocol


class InvalidTimes(DomainError):
    code = "INVALID_TIMES"


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


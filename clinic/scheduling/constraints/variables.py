"""The model's variables shared by every constraint module: per request a literal "placed whole",
per session its date and start minute on the timeline, the start on the slot grid."""

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from clinic.scheduling.constraints import opening_hours, series_dates, timeline
from clinic.scheduling.problem import Instance, Request

SessionKey = tuple[str, int]  # request id, index from 1


@dataclass(eq=False)
class SessionVars:
    request: Request
    index: int
    days: tuple[int, ...]  # the dates it may take, as day numbers
    start_domain: cp_model.Domain
    placed: cp_model.IntVar  # its request's literal
    day: cp_model.IntVar
    start: cp_model.IntVar
    grid_step: cp_model.IntVar  # start = day × 1440 + grid_step × slot_minutes

    @property
    def key(self) -> SessionKey:
        return self.request.id, self.index

    @property
    def name(self) -> str:
        return f"{self.request.id}#{self.index}"


@dataclass
class Frame:
    """The model under construction; constraint modules add to it and record what decoding needs."""

    instance: Instance
    model: cp_model.CpModel
    sessions: list[SessionVars] = field(default_factory=list)
    placed: dict[str, cp_model.IntVar] = field(default_factory=dict)
    tails: dict[int, cp_model.IntervalVar] = field(default_factory=dict)
    day_spans: dict[int, cp_model.IntVar] = field(default_factory=dict)
    chair_choice: dict[SessionKey, dict[str | None, cp_model.IntVar]] = field(default_factory=dict)
    nurse_choice: dict[SessionKey, dict[str, cp_model.IntVar]] = field(default_factory=dict)
    preferred: dict[SessionKey, cp_model.IntVar] = field(default_factory=dict)

    def requests_with_literal(self) -> list[tuple[Request, cp_model.IntVar]]:
        return [(r, self.placed[r.id]) for r in self.instance.requests if r.id in self.placed]


def build(instance: Instance, model: cp_model.CpModel) -> Frame:
    """Variables for every request that has dates at all; the others stay unplaced without any."""
    frame = Frame(instance=instance, model=model)
    blocked = series_dates.fixed_days_by_patient(instance)
    starts = opening_hours.StartDomains(instance)
    for request in instance.requests:
        days = series_dates.candidate_days(
            instance, request, blocked=blocked[request.patient],
            usable=lambda day, minutes=request.chair_minutes: not starts.on(day, minutes).is_empty())
        if days is None:
            continue
        placed = model.new_bool_var(f"placed_{request.id}")
        frame.placed[request.id] = placed
        for index, session_days in enumerate(days, start=1):
            frame.sessions.append(_session(frame, request, index, session_days, placed, starts))
    return frame


def _session(frame: Frame, request: Request, index: int, days: list[int], placed: cp_model.IntVar,
             starts: "opening_hours.StartDomains") -> SessionVars:
    model, slot = frame.model, frame.instance.slot_minutes
    domain = cp_model.Domain.from_intervals([])
    for day in days:
        domain = domain.union_with(starts.on(day, request.chair_minutes))
    name = f"{request.id}#{index}"
    day = model.new_int_var_from_domain(cp_model.Domain.from_values(days), f"day_{name}")
    start = model.new_int_var_from_domain(domain, f"start_{name}")
    grid_step = model.new_int_var(0, (timeline.MINUTES_PER_DAY - 1) // slot, f"slot_{name}")
    model.add(start == timeline.MINUTES_PER_DAY * day + slot * grid_step)
    return SessionVars(request=request, index=index, days=tuple(days), start_domain=domain, placed=placed,
                       day=day, start=start, grid_step=grid_step)


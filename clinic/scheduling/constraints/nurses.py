"""Rule 3: each session has a nurse with one shift covering its whole chair time; at any minute a
nurse monitors at most max_patients sessions; her set-up periods never overlap.

A literal per (session, nurse) whose shifts could serve it. Fixed sessions are folded in as
constants: their set-ups and the stretches where they already fill the nurse are cut out of the
start domain; stretches they fill in part lower her capacity in the cumulative, on dates where two
new sessions could meet.
"""

from collections import Counter, defaultdict

from ortools.sat.python import cp_model

from clinic.scheduling.constraints import timeline
from clinic.scheduling.constraints.variables import Frame
from clinic.scheduling.problem import Instance, Nurse


def add(frame: Frame) -> None:
    model = frame.model
    nurses = [_NurseTime(frame.instance, nurse) for nurse in frame.instance.nurses]
    monitored: dict[str, list[cp_model.IntervalVar]] = defaultdict(list)
    setups: dict[str, list[cp_model.IntervalVar]] = defaultdict(list)
    sessions_on: dict[str, Counter[int]] = defaultdict(Counter)
    for session in frame.sessions:
        minutes, setup = session.request.chair_minutes, session.request.setup_minutes
        choices: dict[str, cp_model.IntVar] = {}
        for nurse in nurses:
            allowed = nurse.allowed(minutes, setup).intersection_with(session.start_domain)
            if allowed.is_empty():
                continue
            literal = model.new_bool_var(f"nurse_{nurse.id}_{session.name}")
            model.add_linear_expression_in_domain(session.start, allowed).only_enforce_if(literal)
            monitored[nurse.id].append(model.new_optional_fixed_size_interval_var(
                session.start, minutes, literal, f"{nurse.id}_{session.name}"))
            if setup > 0:
                setups[nurse.id].append(model.new_optional_fixed_size_interval_var(
                    session.start, setup, literal, f"setup_{nurse.id}_{session.name}"))
            sessions_on[nurse.id].update(session.days)
            choices[nurse.id] = literal
        frame.nurse_choice[session.key] = choices
        model.add(sum(choices.values()) == session.placed)
    for nurse in nurses:
        _monitoring(frame, nurse, monitored[nurse.id], sessions_on[nurse.id])
        if len(setups[nurse.id]) > 1:
            model.add_no_overlap(setups[nurse.id])


def _monitoring(frame: Frame, nurse: "_NurseTime", intervals: list, sessions_on: Counter[int]) -> None:
    held_at_most = max((count for _, _, count in nurse.partly_held), default=0)
    if len(intervals) <= 1 or len(intervals) + held_at_most <= nurse.max_patients:
        return
    model = frame.model
    items = [(interval, 1) for interval in intervals]
    for start, end, count in nurse.partly_held:
        if sessions_on[start // timeline.MINUTES_PER_DAY] > 1:
            items.append((model.new_interval_var(start, end - start, end, f"held_{nurse.id}_{start}"), count))
    model.add_cumulative([i for i, _ in items], [d for _, d in items], nurse.max_patients)


class _NurseTime:
    """One nurse's shifts and the time her fixed sessions already take."""

    def __init__(self, instance: Instance, nurse: Nurse) -> None:
        self.id, self.max_patients = nurse.id, nurse.max_patients
        self.shifts = [span for spans in timeline.shifts_by_day(instance, nurse).values() for span in spans]
        fixed = [timeline.fixed_span(instance, s) for s in instance.fixed if s.nurse == nurse.id]
        profile = timeline.load_profile((start, end) for start, end, _ in fixed)
        self.full = [(start, end) for start, end, count in profile if count >= nurse.max_patients]
        self.partly_held = [(start, end, count) for start, end, count in profile if count < nurse.max_patients]
        self.fixed_setups = [(start, setup_end) for start, _, setup_end in fixed if setup_end > start]
        self._known: dict[tuple[int, int], cp_model.Domain] = {}

    def allowed(self, chair_minutes: int, setup_minutes: int) -> cp_model.Domain:
        """Starts inside one shift that neither meet a full stretch nor a fixed set-up."""
        key = (chair_minutes, setup_minutes)
        if key not in self._known:
            covered = [[start, end - chair_minutes] for start, end in self.shifts if end - start >= chair_minutes]
            clashes = [[start - chair_minutes + 1, end - 1] for start, end in self.full]
            if setup_minutes > 0:
                clashes += [[start - setup_minutes + 1, end - 1] for start, end in self.fixed_setups]
            self._known[key] = cp_model.Domain.from_intervals(covered).intersection_with(
                cp_model.Domain.from_intervals(clashes).complement())
        return self._known[key]

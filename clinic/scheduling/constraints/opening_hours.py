"""Rule 2: chair time inside the date's opening hours, on an open date of the horizon.

The start domain of a session on a date is also cut to what some nurse's shift could cover
(rule 3 then picks the nurse), so a date no shift can serve is never a candidate.
"""

from ortools.sat.python import cp_model

from clinic.scheduling.constraints import timeline
from clinic.scheduling.problem import Instance


class StartDomains:
    """Start minutes possible on a date for a given chair time, remembered per (date, minutes)."""

    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        self.shifts = [timeline.shifts_by_day(instance, nurse) for nurse in instance.nurses]
        self._known: dict[tuple[int, int], cp_model.Domain] = {}

    def on(self, day: int, chair_minutes: int) -> cp_model.Domain:
        key = (day, chair_minutes)
        if key not in self._known:
            self._known[key] = self._compute(day, chair_minutes)
        return self._known[key]

    def _compute(self, day: int, chair_minutes: int) -> cp_model.Domain:
        hours = timeline.opening(self.instance, day)
        if hours is None:
            return cp_model.Domain.from_intervals([])
        opened = cp_model.Domain.from_intervals([[hours[0], hours[1] - chair_minutes]])
        covered = cp_model.Domain.from_intervals([[start, end - chair_minutes] for shifts in self.shifts
                                                 for start, end in shifts.get(day, ()) if end - start >= chair_minutes])
        return opened.intersection_with(covered)

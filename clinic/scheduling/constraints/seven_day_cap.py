"""Rule 5, the cap: never more than max_per_7_days visits of a series in any 7 consecutive dates,
previous_dates included.

Visits only move forward in time, so "at most cap in any 7 dates" is "visit j falls at least 7 dates
after visit j - cap": one linear inequality per visit, no date-by-date literals.
"""

from clinic.scheduling.constraints import timeline
from clinic.scheduling.constraints.spacing import by_request
from clinic.scheduling.constraints.variables import Frame

WINDOW_DAYS = 7


def add(frame: Frame) -> None:
    for sessions in by_request(frame).values():
        request = sessions[0].request
        cap = request.max_per_7_days
        if cap is None:
            continue
        visits = [timeline.day_of(frame.instance, day) for day in request.previous_dates] + [s.day for s in sessions]
        for later in range(max(cap, len(request.previous_dates)), len(visits)):
            frame.model.add(visits[later] - visits[later - cap] >= WINDOW_DAYS).only_enforce_if(sessions[0].placed)

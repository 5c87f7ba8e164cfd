"""Rule 5, the dates: each session's candidate dates inside [earliest, latest], on open dates the
patient has free, spaced from previous_dates, with no date kept that no neighbour could be spaced from.

The model keeps one "placed" literal per request (`variables`), so a request is placed whole or not
at all; `spacing` and `seven_day_cap` then tie the dates a placed series takes.
"""

from collections.abc import Callable

from clinic.scheduling.constraints import timeline
from clinic.scheduling.problem import Instance, Request


def candidate_days(instance: Instance, request: Request, *, blocked: set[int],
                   usable: Callable[[int], bool]) -> list[list[int]] | None:
    """For each session, the dates it could take given the window, spacing and previous visits, or
    None when some session has none (the request cannot be placed)."""
    first, last = timeline.day_of(instance, request.earliest), timeline.day_of(instance, request.latest)
    open_days = [day for day in range(first, last + 1) if day not in blocked and usable(day)]
    previous = [timeline.day_of(instance, day) for day in request.previous_dates]
    cap = request.max_per_7_days
    if cap is not None:
        open_days = [day for day in open_days if 1 + sum(day - 6 <= p <= day for p in previous) <= cap]
    days = [list(open_days) for _ in range(request.sessions)]
    if previous:
        days[0] = [day for day in days[0] if request.min_gap_days <= day - previous[-1] <= request.max_gap_days]
    _spacing_support(days, request.min_gap_days, request.max_gap_days)
    return days if all(days) else None


def _spacing_support(days: list[list[int]], min_gap: int, max_gap: int) -> None:
    """Drop dates with no possible neighbour before or after, until nothing changes."""
    changed = True
    while changed:
        changed = False
        for index in range(len(days) - 1):
            before, after = days[index], days[index + 1]
            after_set, before_set = set(after), set(before)
            kept_before = [d for d in before if any(d + gap in after_set for gap in range(min_gap, max_gap + 1))]
            kept_after = [d for d in after if any(d - gap in before_set for gap in range(min_gap, max_gap + 1))]
            if len(kept_before) != len(before) or len(kept_after) != len(after):
                days[index], days[index + 1] = kept_before, kept_after
                changed = True


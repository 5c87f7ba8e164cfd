"""Rule 5, the dates: each session's candidate dates inside [earliest, latest], on open dates the
patient has free, the first spaced from previous_dates and the last from following_dates, none where
the series' given visits already fill a 7-date window, and none that no neighbour could be spaced from.

The model keeps one "placed" literal per request (`variables`), so a request is placed whole or not
at all; `spacing` and `seven_day_cap` then tie the dates a placed series takes.
"""

from collections import defaultdict
from collections.abc import Callable

from clinic.scheduling.constraints import timeline
from clinic.scheduling.problem import Instance, Request

WINDOW_DAYS = 7


def fixed_days_by_patient(instance: Instance) -> dict[str, set[int]]:
    """The dates of each patient's fixed sessions, as day numbers (some may lie outside the horizon)."""
    days: dict[str, set[int]] = defaultdict(set)
    for session in instance.fixed:
        days[session.patient].add(timeline.day_of(instance, session.start.date()))
    return days


def given_days(instance: Instance, request: Request, fixed_days: set[int]) -> set[int]:
    """The visits the 7-day cap counts besides the new sessions: previous and following dates and the
    patient's fixed sessions, one visit a date (a booked visit listed both ways is one visit)."""
    dates = (*request.previous_dates, *request.following_dates)
    return {timeline.day_of(instance, day) for day in dates} | fixed_days


def candidate_days(instance: Instance, request: Request, *, blocked: set[int],
                   usable: Callable[[int], bool]) -> list[list[int]] | None:
    """For each session, the dates it could take given the window, spacing, previous and following
    visits and the patient's fixed sessions (`blocked`, their dates), or None when some session has
    none (the request cannot be placed)."""
    first, last = timeline.day_of(instance, request.earliest), timeline.day_of(instance, request.latest)
    open_days = [day for day in range(first, last + 1) if day not in blocked and usable(day)]
    cap = request.max_per_7_days
    if cap is not None:
        if _given_crowd_the_series(instance, request, cap):
            return None
        given = given_days(instance, request, blocked)
        open_days = [day for day in open_days if not crowded(day, given, cap)]
    days = [list(open_days) for _ in range(request.sessions)]
    spacing = range(request.min_gap_days, request.max_gap_days + 1)
    if request.previous_dates:
        previous = timeline.day_of(instance, request.previous_dates[-1])
        days[0] = [day for day in days[0] if day - previous in spacing]
    if request.following_dates:
        following = timeline.day_of(instance, request.following_dates[0])
        days[-1] = [day for day in days[-1] if following - day in spacing]
    _spacing_support(days, request.min_gap_days, request.max_gap_days)
    return days if all(days) else None


def crowded(day: int, visits: set[int], cap: int) -> bool:
    """Some 7 dates holding `day` already hold `cap` of these visits, so a session there would break the cap."""
    near = [other for other in visits if abs(other - day) < WINDOW_DAYS]
    return any(1 + sum(first <= other < first + WINDOW_DAYS for other in near) > cap
               for first in range(day - WINDOW_DAYS + 1, day + 1))


def _given_crowd_the_series(instance: Instance, request: Request, cap: int) -> bool:
    """Previous and following visits so close that the whole series, which lies between them, makes
    more than `cap` visits in 7 dates wherever it goes."""
    if not (request.previous_dates and request.following_dates):
        return False
    previous = [timeline.day_of(instance, day) for day in request.previous_dates]
    following = [timeline.day_of(instance, day) for day in request.following_dates]
    for before in range(1, len(previous) + 1):
        after = cap + 1 - request.sessions - before  # following visits needed to make cap + 1 in all
        if 1 <= after <= len(following) and following[after - 1] - previous[-before] < WINDOW_DAYS:
            return True
    return False


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


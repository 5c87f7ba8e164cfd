"""Rule 5, the cap: never more than max_per_7_days visits in any 7 consecutive dates holding a new
session, counting previous_dates, following_dates and the patient's fixed sessions.

Previous visits, the new sessions and following visits come in that order, so "at most cap in any 7
dates" along that chain is "visit j falls at least 7 dates after visit j - cap": one linear inequality
per pair holding a session, no date-by-date literals. Pairs of given visits with the whole series
between them are settled before the model (`series_dates`).

A fixed session of the patient may fall between new sessions, so it has no place in that chain. Only
where one lies near the series' dates does the model count, per 7-date window around it, the sessions
inside the window, from literals "session i is on date d".
"""

from ortools.sat.python import cp_model

from clinic.scheduling.constraints import series_dates, timeline
from clinic.scheduling.constraints.spacing import by_request
from clinic.scheduling.constraints.variables import Frame, SessionVars

WINDOW_DAYS = series_dates.WINDOW_DAYS


def add(frame: Frame) -> None:
    fixed_days = series_dates.fixed_days_by_patient(frame.instance)
    for sessions in by_request(frame).values():
        request = sessions[0].request
        if request.max_per_7_days is None:
            continue
        _along_the_chain(frame, sessions, request.max_per_7_days)
        fixed = fixed_days[request.patient]
        if fixed:
            given = series_dates.given_days(frame.instance, request, fixed)
            _around_fixed_sessions(frame, sessions, request.max_per_7_days, fixed=fixed, given=given)


def _along_the_chain(frame: Frame, sessions: list[SessionVars], cap: int) -> None:
    request, placed = sessions[0].request, sessions[0].placed
    previous = [timeline.day_of(frame.instance, day) for day in request.previous_dates]
    following = [timeline.day_of(frame.instance, day) for day in request.following_dates]
    chain: list[int | cp_model.IntVar] = [*previous, *(s.day for s in sessions), *following]
    first_session, last_session = len(previous), len(previous) + len(sessions) - 1
    for later in range(max(cap, first_session), min(len(chain), last_session + cap + 1)):
        earlier = later - cap
        if earlier < first_session and later > last_session:
            continue  # two given visits: `series_dates` keeps a request they crowd out of the model
        frame.model.add(chain[later] - chain[earlier] >= WINDOW_DAYS).only_enforce_if(placed)


def _around_fixed_sessions(frame: Frame, sessions: list[SessionVars], cap: int, *, fixed: set[int],
                           given: set[int]) -> None:
    """For each 7-date window holding a fixed session and a date some session could take: the sessions
    in it at most `cap` less the given visits in it (none when they fill it)."""
    first_day = min(s.days[0] for s in sessions)
    last_day = max(s.days[-1] for s in sessions)
    windows = []
    for start in range(first_day - WINDOW_DAYS + 1, last_day + 1):
        window = range(start, start + WINDOW_DAYS)
        if any(day in window for day in fixed) and any(day in window for s in sessions for day in s.days):
            room = max(0, cap - sum(day in window for day in given))
            if room < len(sessions):
                windows.append((window, room))
    if not windows:
        return
    on_day = {s.index: _day_literals(frame, s) for s in sessions}
    for window, room in windows:
        inside = [literal for s in sessions for day, literal in on_day[s.index].items() if day in window]
        frame.model.add(sum(inside) <= room).only_enforce_if(sessions[0].placed)


def _day_literals(frame: Frame, session: SessionVars) -> dict[int, cp_model.IntVar]:
    """One literal per date the session may take, true exactly on the date it takes."""
    low, high = session.days[0], session.days[-1]
    literals = [frame.model.new_bool_var(f"on_{session.name}_{day}") for day in range(low, high + 1)]
    frame.model.add_map_domain(session.day, literals, low)
    return {day: literals[day - low] for day in session.days}

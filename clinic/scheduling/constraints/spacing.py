"""Rule 5, the spacing: consecutive sessions of a placed series min_gap_days..max_gap_days apart,
which also keeps them in index order. The first session's gap from previous_dates and the last
one's to following_dates are in their candidate dates (`series_dates`)."""

from itertools import pairwise

from clinic.scheduling.constraints.variables import Frame, SessionVars


def add(frame: Frame) -> None:
    for sessions in by_request(frame).values():
        request, placed = sessions[0].request, sessions[0].placed
        for earlier, later in pairwise(sessions):
            frame.model.add_linear_constraint(later.day - earlier.day, request.min_gap_days,
                                            request.max_gap_days).only_enforce_if(placed)


def by_request(frame: Frame) -> dict[str, list[SessionVars]]:
    """Each request's sessions in index order."""
    found: dict[str, list[SessionVars]] = {}
    for session in frame.sessions:
        found.setdefault(session.request.id, []).append(session)
    return found

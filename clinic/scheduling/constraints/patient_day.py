"""Rule 4: a patient has at most one session per date.

Sessions of one request are already on different dates (spacing), and dates with the patient's fixed
sessions are never candidates (`variables`); what is left is a patient with several requests, whose
sessions' dates must differ: a no-overlap of one-day intervals on the date axis.
"""

from collections import defaultdict

from clinic.scheduling.constraints.variables import Frame, SessionVars


def add(frame: Frame) -> None:
    by_patient: dict[str, list[SessionVars]] = defaultdict(list)
    for session in frame.sessions:
        by_patient[session.request.patient].append(session)
    for patient, sessions in by_patient.items():
        if len({session.request.id for session in sessions}) > 1:
            frame.model.add_no_overlap([frame.model.new_optional_fixed_size_interval_var(
                session.day, 1, session.placed, f"visit_{patient}_{session.name}") for session in sessions])

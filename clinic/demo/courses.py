"""Treatment courses for the demo patients signed eligible: one course at every phase (induction, the
assessment after induction, maintenance with its interval, taper, stopped, and referred to alternatives),
each opened from the patient's signed eligible decision and moved by signed phase changes through the
course actions, which write the letters those decisions produce. The consents come before, from the
consent demo. Once: a second run of the seed finds the courses and adds nothing.

Each step is dated a number of days after the eligibility decision it follows, and no later than an hour
before the seed's `now`, or than the decision itself when that was signed later: a decision signed at `now`
puts its whole course at that moment."""

import datetime as dt
from dataclasses import dataclass

from clinic.accounts.models import StaffUser
from clinic.courses import actions
from clinic.courses.models import TreatmentCourse
from clinic.demo import patients as demo_patients
from clinic.patients.models import Indication, Patient
from clinic.rules import course_phases as phases
from clinic.rules import response
from clinic.screening.models import EligibilityDecision, Outcome
from clinic.screening.queries import decision_in_force
from clinic.sites.models import Organisation

INDUCTION_DONE = ("Induction series completed. The primary-scale score 1–7 days after the last infusion, against the "
                  "baseline, decides what follows.")


@dataclass(frozen=True)
class Step:
    """One signed phase change, `days` after the eligibility decision."""

    days: int
    to_phase: str
    reason: str
    interval_weeks: int | None = None
    alternatives: tuple[str, ...] = ()
    assessment_result: str | None = None


# One story per patient signed eligible, in the order of their record numbers; the course opens a day after
# the decision. Together they reach every phase.
STORIES: tuple[tuple[Step, ...], ...] = (
    (),
    (Step(20, phases.ASSESSMENT, INDUCTION_DONE),),
    (Step(20, phases.ASSESSMENT, INDUCTION_DONE),
     Step(24, phases.MAINTENANCE, "Response after induction: the score fell by more than half from the baseline. "
                                  "Maintenance agreed with the patient, one infusion every 4 weeks to start with.",
          interval_weeks=4, assessment_result=response.RESPONSE)),
    (Step(20, phases.ASSESSMENT, INDUCTION_DONE),
     Step(24, phases.MAINTENANCE, "Remission after induction. Maintenance every 3 weeks while it holds.",
          interval_weeks=3, assessment_result=response.REMISSION),
     Step(90, phases.MAINTENANCE, "Remission held through three maintenance infusions; the interval widens to 5 "
                                  "weeks, as agreed at the benefit–risk review.", interval_weeks=5),
     Step(160, phases.TAPER, "In remission for four months. The patient prefers to taper and stop; visits are "
                             "agreed one at a time, with the home questionnaires every two weeks.")),
    (Step(20, phases.ASSESSMENT, INDUCTION_DONE),
     Step(24, phases.STOPPED, "No response after six infusions: the score fell by less than a quarter from the "
                              "baseline. The course stops; the referring clinician continues the current medicines.",
          assessment_result=response.NON_RESPONSE)),
    (Step(20, phases.ASSESSMENT, INDUCTION_DONE),
     Step(24, phases.INDUCTION, "Partial response: the score fell by a third. Two more infusions agreed with the "
                                "patient before deciding again.", assessment_result=response.PARTIAL),
     Step(34, phases.ASSESSMENT, "The two further infusions are given; the score after the last decides what "
                                 "follows."),
     Step(38, phases.REFERRED, "Improvement stalled below a response after eight infusions. A medication change "
                               "and psychotherapy discussed and chosen with the patient; referred back for both.",
          alternatives=("MEDICATION_CHANGE", "PSYCHOTHERAPY"), assessment_result=response.PARTIAL)),
)


def seed_courses(*, organisation: Organisation, now: dt.datetime) -> int:
    """Open and move the demo courses, once; returns how many were opened."""
    if TreatmentCourse.objects.filter(patient__organisation=organisation).exists():
        return 0
    team = {user.username: user for user in StaffUser.objects.filter(organisation=organisation)}
    opened = 0
    for (patient, decision), story in zip(_signed_eligible(organisation), STORIES, strict=False):
        roles = demo_patients.TEAMS[patient.site.code]
        prescriber = team[roles["clinician"]]
        course = actions.open_course(patient=patient, actor=prescriber, now=_at(decision, 1, now),
                                     indication=_indication(patient))
        for step in story:
            actions.change_phase(course=course, actor=prescriber, now=_at(decision, step.days, now),
                                 to_phase=step.to_phase, reason=step.reason, interval_weeks=step.interval_weeks,
                                 alternatives=step.alternatives, assessment_result=step.assessment_result)
        opened += 1
    return opened


def _signed_eligible(organisation: Organisation) -> list[tuple[Patient, EligibilityDecision]]:
    """The patients whose decision in force is eligible, by record number, with that decision."""
    decided = organisation.patients.filter(eligibility_decisions__isnull=False).distinct().select_related("site")
    found = [(patient, decision_in_force(patient=patient)) for patient in decided.order_by("mrn")]
    return [(patient, decision) for patient, decision in found if decision.outcome != Outcome.NOT_ELIGIBLE]


def _at(decision: EligibilityDecision, days: int, now: dt.datetime) -> dt.datetime:
    latest = max(decision.signed_at, now - dt.timedelta(hours=1))
    return min(latest, decision.signed_at + dt.timedelta(days=days))


def _indication(patient: Patient) -> str:
    """The patient's primary indication, else the first noted."""
    return Indication.objects.filter(patient=patient, active=True).values_list("code", flat=True).first()


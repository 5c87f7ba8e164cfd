"""Treatment courses (clinical staff only): open a course from the eligible decision in force, read a
course with what is due next and its window, list a patient's courses, and sign a phase change.
Prescribers and medical directors open courses and sign phase changes."""

import datetime as dt
import zoneinfo
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Router
from pydantic import ConfigDict

from clinic.accounts.access import get_visible_or_404, require_roles
from clinic.accounts.models import CLINICAL_ROLES, PRESCRIBING_ROLES
from clinic.api.v1.errors import responses
from clinic.api.v1.fields import pk_from_id, text
from clinic.api.v1.idempotency import Created, IdempotencyKey, answer_once
from clinic.api.v1.intake import clinical_patient
from clinic.api.v1.schemas import In, Out
from clinic.audit.actions import record_event
from clinic.courses import actions, queries
from clinic.courses.models import TreatmentCourse
from clinic.rules import course_phases, indications

router = Router(tags=["courses"])

IndicationCode = Literal[tuple(indications.INDICATIONS)]
PhaseCode = Literal[tuple(course_phases.PHASES)]
AlternativeCode = Literal[tuple(course_phases.ALTERNATIVE_CODES)]
AssessmentResult = Literal[tuple(course_phases.ASSESSMENT_RESULTS)]
RequiredText = text(min_length=1, max_length=5000)


class CourseOpenIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"indication": "TRD_UNIPOLAR"}]})

    indication: IndicationCode = Field(description="One of the patient's recorded indications.")


class PhaseChangeIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"to_phase": "assessment", "reason": "Infusion 6 given."},
        {"to_phase": "maintenance", "reason": "PHQ-9 from 18 to 7.", "interval_weeks": 4,
         "assessment_result": "response"}]})

    to_phase: PhaseCode = Field(description="The phase the course moves to (clinical-reference §6.3–§6.4).")
    reason: RequiredText = Field(
        description="The prescriber's reason, signed and kept with the course.")
    interval_weeks: Annotated[int, Field(ge=1, le=52)] | None = Field(
        default=None, description="Weeks between maintenance infusions; required for maintenance, within the "
                                  "protocol's bounds (2–6 by default).")
    alternatives: list[AlternativeCode] = Field(
        default_factory=list, max_length=len(course_phases.ALTERNATIVE_CODES),
        description="The alternatives chosen with the patient; required for a referral.")
    assessment_result: AssessmentResult | None = Field(
        default=None, description="The end-of-induction result; required when the assessment continues to "
                                  "maintenance or more infusions.")


class InductionPlanOut(Out):
    count: int
    sessions_per_week: list[int]
    min_gap_days: int
    max_gap_days: int
    max_per_7_days: int
    target_window_days: list[int] = Field(description="The day range infusion `count` should fall in; day 1 is "
                                                      "infusion 1.")
    late_after_day: int
    futility_check_after: int


class NextDueOut(Out):
    code: str = Field(description="INDUCTION_INFUSION, END_OF_INDUCTION_SCORE, MAINTENANCE_INFUSION, TAPER_VISIT, "
                                  "ASSESSMENT or NOTHING.")
    due_on: dt.date | None = Field(description="Null while the date waits for infusions to be recorded.")
    window_start: dt.date | None
    window_end: dt.date | None
    reason: str


class ReviewOut(Out):
    code: str = Field(description="FUTILITY_CHECK or BENEFIT_RISK_REVIEW.")
    due_on: dt.date | None
    is_due: bool
    message: str


class BaselineOut(Out):
    fixed: bool = Field(description="True once fixed at infusion 1; else `response_id` is the candidate.")
    response_id: str | None
    message: str


class PhaseChangeOut(Out):
    id: str
    from_phase: PhaseCode
    to_phase: PhaseCode
    reason: str
    interval_weeks: int | None
    alternatives: list[str]
    assessment_result: str | None
    signed_by: str = Field(description="The id of the staff member who signed it.")
    signed_at: dt.datetime


class CourseOut(Out):
    id: str
    patient_id: str
    indication: str
    primary_scale: str
    phase: PhaseCode
    protocol_version: int
    rules_version: str
    decision_id: str = Field(description="The eligibility decision the course opened from.")
    opened_by: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    maintenance_interval_weeks: int | None
    induction_plan: InductionPlanOut
    baseline: BaselineOut
    next_due: NextDueOut
    reviews: list[ReviewOut]
    phase_changes: list[PhaseChangeOut] = Field(description="Signed decisions, oldest first.")


class CourseList(Out):
    items: list[CourseOut]
    count: int


@router.post("/patients/{patient_id}/courses", response={201: CourseOut, **responses(400, 401, 403, 404, 409, 422)},
             operation_id="open_course")
def open_course(request: HttpRequest, patient_id: str, payload: CourseOpenIn,
                idempotency_key: IdempotencyKey = None) -> HttpResponse:
    """Open a course in induction from the eligible decision in force, with the protocol version in force
    and its induction plan. 422 NOT_ELIGIBLE with the reason; 422 INDICATION_NOT_RECORDED; 409
    COURSE_ALREADY_OPEN for a second open course for one indication."""
    now = timezone.now()
    patient = clinical_patient(request, patient_id)
    require_roles(request.auth, PRESCRIBING_ROLES)

    def create() -> Created:
        course = actions.open_course(patient=patient, actor=request.auth, now=now, indication=payload.indication)
        return Created(body=CourseOut.model_validate(_read(course.pk, now)), patient_id=patient.pk)

    return answer_once(request=request, key=idempotency_key, payload=payload, now=now, create=create)


@router.get("/patients/{patient_id}/courses", response={200: CourseList, **responses(400, 401, 403, 404)},
            operation_id="list_courses")
def list_courses(request: HttpRequest, patient_id: str) -> dict[str, Any]:
    """The patient's courses, open first, newest first."""
    now = timezone.now()
    patient = clinical_patient(request, patient_id)
    courses = list(queries.courses_of(patient=patient))
    record_event(actor=request.auth, now=now, action="api.courses.listed", patients=[patient],
                 site_id=patient.site_id, data={"courses": [course.pk for course in courses]})
    return {"items": [course_out(course, now) for course in courses], "count": len(courses)}


@router.get("/courses/{course_id}", response={200: CourseOut, **responses(400, 401, 403, 404)},
            operation_id="read_course")
def read_course(request: HttpRequest, course_id: str) -> dict[str, Any]:
    """One course with `next_due` (date, window and reason), the reviews due and its signed decisions."""
    now = timezone.now()
    course = _course(request, course_id)
    record_event(actor=request.auth, now=now, action="api.courses.read", subject=course,
                 patients=[course.patient_id], site_id=course.site_id)
    return course_out(course, now)


@router.post("/courses/{course_id}/phase", response={201: CourseOut, **responses(400, 401, 403, 404, 409, 422)},
             operation_id="change_course_phase")
def change_phase(request: HttpRequest, course_id: str, payload: PhaseChangeIn,
                 idempotency_key: IdempotencyKey = None) -> HttpResponse:
    """Sign a phase change with its reason; answers the course as it now stands. 422 with the rule's code
    for a move the reference does not allow (PHASE_CHANGE_NOT_ALLOWED, COURSE_CLOSED), an interval outside
    the protocol's bounds (INTERVAL_OUT_OF_RANGE, INTERVAL_REQUIRED), a referral without alternatives
    (ALTERNATIVES_REQUIRED) or a missing end-of-induction result (ASSESSMENT_RESULT_REQUIRED)."""
    now = timezone.now()
    course = _course(request, course_id)
    require_roles(request.auth, PRESCRIBING_ROLES)

    def create() -> Created:
        actions.change_phase(course=course, actor=request.auth, now=now, **payload.model_dump())
        return Created(body=CourseOut.model_validate(_read(course.pk, now)), patient_id=course.patient_id)

    return answer_once(request=request, key=idempotency_key, payload=payload, now=now, create=create)


def _course(request: HttpRequest, course_id: str) -> TreatmentCourse:
    require_roles(request.auth, CLINICAL_ROLES)
    return get_visible_or_404(queries.with_history(TreatmentCourse.objects), user=request.auth,
                              pk=pk_from_id(course_id))


def _read(course_id: int, now: dt.datetime) -> dict[str, Any]:
    return course_out(queries.with_history(TreatmentCourse.objects).get(pk=course_id), now)


def course_out(course: TreatmentCourse, now: dt.datetime) -> dict[str, Any]:
    view = queries.course_view(course=course, now=now)
    zone = zoneinfo.ZoneInfo(course.patient.site.time_zone)
    due = view.next_due
    return {
        "id": course.pk, "patient_id": course.patient_id, "indication": course.indication,
        "primary_scale": course.primary_scale, "phase": course.phase, "protocol_version": course.protocol.version,
        "rules_version": course.rules_version, "decision_id": course.decision_id, "opened_by": course.opened_by_id,
        "opened_at": course.opened_at.astimezone(zone),
        "closed_at": course.closed_at.astimezone(zone) if course.closed_at else None,
        "maintenance_interval_weeks": course.maintenance_interval_weeks, "induction_plan": course.induction_plan,
        "baseline": {"fixed": view.baseline.fixed, "message": view.baseline.message,
                     "response_id": view.baseline.response.pk if view.baseline.response else None},
        "next_due": {"code": due.code, "due_on": due.due_on, "window_start": due.opens_on,
                     "window_end": due.closes_on, "reason": due.reason},
        "reviews": [{"code": review.code, "due_on": review.due_on, "is_due": review.is_due,
                     "message": review.message} for review in view.reviews],
        "phase_changes": [{"id": change.pk, "from_phase": change.from_phase, "to_phase": change.to_phase,
                           "reason": change.reason, "interval_weeks": change.interval_weeks,
                           "alternatives": change.alternatives, "assessment_result": change.assessment_result or None,
                           "signed_by": change.signed_by_id, "signed_at": change.signed_at.astimezone(zone)}
                          for change in view.changes],
    }

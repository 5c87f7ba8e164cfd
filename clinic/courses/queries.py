"""Reads of treatment courses shared by the course page and the API: a patient's courses with their
phase history, and one course as a clinician reads it — where the patient is, what is due next and
why, the reviews the reference requires and the baseline."""

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Prefetch, QuerySet

from clinic.courses.models import CoursePhaseChange, TreatmentCourse
from clinic.patients.models import Patient
from clinic.questionnaires.models import QuestionnaireResponse, ResponseStatus
from clinic.rules import course_phases, scales
from clinic.rules.typed_values import day_text
from clinic.sites.queries import site_today


def with_history(queryset: QuerySet[TreatmentCourse]) -> QuerySet[TreatmentCourse]:
    changes = CoursePhaseChange.objects.select_related("signed_by").order_by("signed_at", "id")
    return (queryset.select_related("patient__site", "protocol", "opened_by", "decision__signed_by",
                                    "baseline_response")
            .prefetch_related(Prefetch("phase_changes", queryset=changes)))


def courses_of(*, patient: Patient) -> QuerySet[TreatmentCourse]:
    """The patient's courses, open first, newest first, each with its signed phase changes."""
    return with_history(TreatmentCourse.objects.filter(patient=patient)).order_by("closed_at", "-opened_at", "-id")


@dataclass(frozen=True)
class Baseline:
    """The course's baseline: fixed at infusion 1, or the candidate that would count if infusion 1 were
    today (`fixed` False), or neither (`response` None)."""

    fixed: bool
    response: QuestionnaireResponse | None
    message: str


@dataclass(frozen=True)
class CourseView:
    course: TreatmentCourse
    plan_words: str
    baseline: Baseline
    next_due: course_phases.NextDue
    reviews: tuple[course_phases.Review, ...]
    changes: tuple[CoursePhaseChange, ...]
    moves: tuple[str, ...]


def course_view(*, course: TreatmentCourse, now: datetime) -> CourseView:
    """One course as the page and the API show it. Infusions are not recorded yet, so every date that
    counts from them says it waits for them."""
    today = site_today(site=course.patient.site, now=now)
    changes = tuple(course.phase_changes.all())
    response_rules = course.protocol.rules("response")
    phase_since = _local_day(changes[-1].signed_at if changes else course.opened_at, course)
    due = course_phases.next_due(
        phase=course.phase, plan=course.induction_plan, infusion_dates=(), phase_since=phase_since,
        interval_weeks=course.maintenance_interval_weeks, maintenance=course.protocol.rules("maintenance"),
        response=response_rules)
    reviews = course_phases.reviews(
        phase=course.phase, opened_on=_local_day(course.opened_at, course),
        last_review_on=phase_since if changes else None, infusions_given=0, on_date=today,
        induction=course.protocol.rules("induction"), maintenance=course.protocol.rules("maintenance"))
    return CourseView(course=course, plan_words=course_phases.plan_in_words(course.induction_plan),
                      baseline=baseline(course=course, today=today,
                                        window_days=response_rules.baseline_max_days_before_first_infusion),
                      next_due=due, reviews=reviews, changes=changes,
                      moves=course_phases.MOVES[course.phase])


def _local_day(at: datetime, course: TreatmentCourse) -> date:
    return at.astimezone(zoneinfo.ZoneInfo(course.patient.site.time_zone)).date()


def baseline(*, course: TreatmentCourse, today: date, window_days: int) -> Baseline:
    """The fixed baseline, or the latest primary-scale score that would count if infusion 1 were today:
    taken no more than `window_days` calendar days before it (clinical-reference §6.2)."""
    name = scales.instrument(course.primary_scale).name
    if course.baseline_response is not None:
        return Baseline(True, course.baseline_response, f"Fixed at infusion 1: {name} "
                        f"{scales.base.exact(course.baseline_response.total)}.")
    if not course.is_open:
        return Baseline(False, None, "The course closed before a baseline was fixed at infusion 1.")
    if course.phase != course_phases.INDUCTION:
        return Baseline(False, None, f"No baseline is fixed: it is the last {name} score taken in the {window_days} "
                        "days before infusion 1, fixed when the infusion day records infusion 1.")
    zone = zoneinfo.ZoneInfo(course.patient.site.time_zone)
    window_opens = datetime.combine(today - timedelta(days=window_days), time.min, tzinfo=zone)
    latest = (QuestionnaireResponse.objects
              .filter(patient_id=course.patient_id, instrument=course.primary_scale,
                      status=ResponseStatus.SUBMITTED, submitted_at__gte=window_opens)
              .order_by("-submitted_at", "-id").first())
    if latest is None:
        return Baseline(False, None, f"No {name} score in the {window_days} days before infusion 1 yet. Have the "
                        "patient complete it before the first infusion: the baseline is fixed at infusion 1.")
    taken_on = latest.submitted_at.astimezone(zone).date()
    return Baseline(False, latest, f"{name} {scales.base.exact(latest.total)} on {day_text(taken_on)} would be the "
                    f"baseline if infusion 1 were today; it counts until "
                    f"{day_text(taken_on + timedelta(days=window_days))}. The baseline is fixed at infusion 1.")

"""The demo clinic's treatment courses: one at every phase, each opened from a signed eligible decision and
moved by signed decisions dated no later than the seed's `now`, with the letters they produce and a current
consent; a second run adding nothing."""

import datetime as dt
import zoneinfo

import pytest
from django.db import transaction
from django.test import TestCase

from clinic.audit.models import AuditEvent
from clinic.consents.queries import consent_state
from clinic.courses.models import CoursePhaseChange, TreatmentCourse
from clinic.demo import courses as demo_courses
from clinic.demo import seed
from clinic.letters.models import Letter
from clinic.screening.queries import eligibility_state

pytestmark = pytest.mark.slow
NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=zoneinfo.ZoneInfo("America/New_York"))


@pytest.fixture(scope="module")
def demo_clinic(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.conf import settings

    media, settings.MEDIA_ROOT = settings.MEDIA_ROOT, tmp_path_factory.mktemp("demo-course-letters")
    with django_db_blocker.unblock(), transaction.atomic():
        # Letters' files are written when their transaction commits: as the seed's would.
        with TestCase.captureOnCommitCallbacks(execute=True):
            clinic = seed.seed(now=NOW, password="demo-password-for-tests")
        yield clinic
        transaction.set_rollback(True)
    settings.MEDIA_ROOT = media


def _courses() -> dict[str, TreatmentCourse]:
    found = TreatmentCourse.objects.select_related("patient", "decision", "protocol").prefetch_related(
        "phase_changes")
    return {course.phase: course for course in found}


def test_a_course_at_every_phase_each_from_its_patients_signed_eligible_decision(demo_clinic, db):
    courses = _courses()

    assert TreatmentCourse.objects.count() == 6
    assert sorted(courses) == sorted(["induction", "assessment", "maintenance", "taper", "stopped", "referred"])
    for course in courses.values():
        assert course.decision.outcome in {"eligible", "eligible_with_conditions"}
        assert course.decision.patient_id == course.patient_id
        assert course.opened_by.role in {"prescriber", "director"}
        assert course.induction_plan["count"] == 6
        assert course.rules_version and course.protocol.site_id == course.site_id
    assert len({course.patient_id for course in courses.values()}) == 6


def test_each_course_took_the_signed_path_to_its_phase(demo_clinic, db):
    paths = {phase: [(change.from_phase, change.to_phase) for change in course.phase_changes.all()]
             for phase, course in _courses().items()}

    assert paths == {
        "induction": [],
        "assessment": [("induction", "assessment")],
        "maintenance": [("induction", "assessment"), ("assessment", "maintenance")],
        "taper": [("induction", "assessment"), ("assessment", "maintenance"), ("maintenance", "maintenance"),
                  ("maintenance", "taper")],
        "stopped": [("induction", "assessment"), ("assessment", "stopped")],
        "referred": [("induction", "assessment"), ("assessment", "induction"), ("induction", "assessment"),
                     ("assessment", "referred")],
    }
    assert AuditEvent.objects.filter(action="courses.opened").count() == 6
    assert AuditEvent.objects.filter(action="courses.phase_changed").count() == CoursePhaseChange.objects.count() == 13


def test_maintenance_carries_its_interval_and_the_referral_its_alternatives(demo_clinic, db):
    courses = _courses()
    widened = courses["taper"].phase_changes.filter(to_phase="maintenance").order_by("signed_at", "id")

    assert courses["maintenance"].maintenance_interval_weeks == 4
    assert [change.interval_weeks for change in widened] == [3, 5]
    assert courses["taper"].maintenance_interval_weeks is None
    referral = courses["referred"].phase_changes.get(to_phase="referred")
    assert referral.alternatives == ["MEDICATION_CHANGE", "PSYCHOTHERAPY"]
    assert referral.assessment_result == "partial"
    assert courses["stopped"].phase_changes.get(to_phase="stopped").assessment_result == "non_response"
    closed = {phase for phase, course in courses.items() if course.closed_at is not None}
    assert closed == {"stopped", "referred"}


def test_stopping_referring_and_the_assessment_write_their_letters(demo_clinic, db):
    courses = _courses()

    def letters(phase: str, to_phase: str) -> list[Letter]:
        change = courses[phase].phase_changes.get(to_phase=to_phase)
        return list(Letter.objects.filter(source_label="courses.CoursePhaseChange", source_id=str(change.pk))
                    .select_related("document"))

    stopped, referred = letters("stopped", "stopped"), letters("referred", "referred")
    assert [(letter.reason, letter.outcome) for letter in stopped if letter.recipient == "patient"] == [
        ("course_stopped", "stopped")]
    assert [(letter.reason, letter.outcome) for letter in referred if letter.recipient == "patient"] == [
        ("alternative_referral", "referred")]
    assert [(letter.reason, letter.outcome) for letter in letters("maintenance", "maintenance")
            if letter.recipient == "patient"] == [("induction_assessment", "response")]
    for letter in stopped + referred:
        assert letter.patient_id == letter.document.patient_id
        with letter.document.file.open("rb") as stored:
            assert stored.read(5) == b"%PDF-"
    # Letters for each decision leaving the assessment (to maintenance twice, back to induction, to a stop and
    # a referral); none for the other moves.
    sources = Letter.objects.filter(source_label="courses.CoursePhaseChange").order_by().values("source_id")
    assert sources.distinct().count() == 5


def test_every_time_falls_after_the_decision_and_never_after_now(demo_clinic, db):
    for course in TreatmentCourse.objects.select_related("decision"):
        times = [course.opened_at, *course.phase_changes.values_list("signed_at", flat=True)]
        assert course.decision.signed_at <= min(times) and max(times) <= NOW
        assert times == sorted(times)
    assert max(Letter.objects.filter(source_label="courses.CoursePhaseChange")
               .values_list("created_at", flat=True)) <= NOW


def test_every_patient_with_a_course_has_a_current_consent_and_the_open_ones_stay_eligible(demo_clinic, db):
    for course in TreatmentCourse.objects.select_related("patient__site"):
        assert consent_state(patient=course.patient, now=NOW).code == "CURRENT"
        assert course.patient.consents.count() == 1
        if course.is_open:
            assert eligibility_state(patient=course.patient, on=NOW.date(), now=NOW).eligible


def test_a_second_run_adds_nothing(demo_clinic, db):
    organisation = TreatmentCourse.objects.first().patient.organisation
    before = (TreatmentCourse.objects.count(), CoursePhaseChange.objects.count(), Letter.objects.count(),
              AuditEvent.objects.filter(action__startswith="courses.").count())

    assert demo_courses.seed_courses(organisation=organisation, now=NOW) == 0
    seed.seed(now=NOW, password="demo-password-for-tests")

    assert (TreatmentCourse.objects.count(), CoursePhaseChange.objects.count(), Letter.objects.count(),
            AuditEvent.objects.filter(action__startswith="courses.").count()) == before

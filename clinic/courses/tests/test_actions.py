"""Opening a course and signing its phase changes (clinical-reference §6.1–§6.4)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, IntegrityError, transaction

from clinic.audit.models import AuditEvent
from clinic.consents import actions as consent_actions
from clinic.consents.tests.factories import signed_consent
from clinic.courses import actions
from clinic.courses.models import CoursePhaseChange, TreatmentCourse
from clinic.courses.tests.factories import eligible_patient
from clinic.letters.models import Letter
from clinic.patients.models import Indication
from clinic.protocols.actions import change_section
from clinic.rules.errors import DomainError
from clinic.screening.tests.intakes import stored_response

pytestmark = pytest.mark.django_db

LATER = dt.timedelta(days=10)


def test_opens_in_induction_from_the_eligible_decision_with_the_protocol_and_plan(course, patient, prescriber, now):
    decision = patient.eligibility_decisions.get()

    assert (course.phase, course.indication, course.primary_scale) == ("induction", "TRD_UNIPOLAR", "phq9")
    assert (course.decision, course.protocol.label, course.rules_version) == (decision, "v1", "2026.12.0")
    assert course.induction_plan == {"count": 6, "sessions_per_week": [2, 3], "min_gap_days": 2, "max_gap_days": 7,
                                     "max_per_7_days": 3, "target_window_days": [12, 21], "late_after_day": 28,
                                     "futility_check_after": 3}
    assert (course.opened_by, course.opened_at, course.closed_at, course.baseline_response) == (
        prescriber, now, None, None)
    event = AuditEvent.objects.get(action="courses.opened")
    assert (event.actor, event.object_id, event.data["protocol_version"]) == (prescriber, str(course.pk), 1)
    assert list(event.patient_links.values_list("patient_id", flat=True)) == [patient.pk]


def test_refuses_a_patient_without_an_eligible_decision(main_site, nurse, prescriber, now):
    refused_patient = eligible_patient(site=main_site, nurse=nurse, prescriber=prescriber, now=now,
                                       outcome="not_eligible")

    with pytest.raises(DomainError) as refused:
        actions.open_course(patient=refused_patient, actor=prescriber, now=now, indication="TRD_UNIPOLAR")

    assert refused.value.code == "NOT_ELIGIBLE"
    assert "signed \"not eligible\"" in refused.value.message
    assert TreatmentCourse.objects.count() == 0


def test_refuses_a_second_open_course_for_the_same_indication(course, patient, prescriber, now):
    with pytest.raises(actions.CourseAlreadyOpen, match="already has an open course for Treatment-resistant"):
        actions.open_course(patient=patient, actor=prescriber, now=now, indication="TRD_UNIPOLAR")

    assert TreatmentCourse.objects.filter(patient=patient).count() == 1


def test_the_database_refuses_two_open_courses_for_one_indication(course):
    fields = {field.attname: getattr(course, field.attname) for field in TreatmentCourse._meta.concrete_fields
              if field.attname != "id"}

    with pytest.raises(IntegrityError), transaction.atomic():
        TreatmentCourse.objects.create(**fields)


def test_a_stopped_course_lets_a_new_one_open(course, patient, prescriber, now):
    actions.change_phase(course=course, actor=prescriber, now=now, to_phase="stopped", reason="Patient's choice.")

    second = actions.open_course(patient=patient, actor=prescriber, now=now + LATER, indication="TRD_UNIPOLAR")

    assert second.phase == "induction"


def test_refuses_an_indication_not_recorded(patient, prescriber, now):
    with pytest.raises(actions.IndicationNotRecorded) as refused:
        actions.open_course(patient=patient, actor=prescriber, now=now, indication="PTSD")

    assert refused.value.message.startswith("Post-traumatic stress disorder is not among the patient's recorded "
                                            "indications (Treatment-resistant major depression).")


def test_another_indication_opens_its_own_course(course, patient, prescriber, now):
    Indication.objects.create(patient=patient, code="ANXIETY", icd10_code="F41.1", noted_on=now.date())
    stored_response(patient, "gad7", [2, 2, 2, 1, 1, 1, 1], at=now)

    second = actions.open_course(patient=patient, actor=prescriber, now=now, indication="ANXIETY")

    assert (second.indication, second.primary_scale) == ("ANXIETY", "gad7")


@pytest.mark.parametrize("role", ["nurse", "front_desk"])
def test_only_prescribers_open_and_change_courses(role, request, course, patient, now):
    user = request.getfixturevalue(role)

    with pytest.raises(PermissionDenied):
        actions.open_course(patient=patient, actor=user, now=now, indication="TRD_UNIPOLAR")
    with pytest.raises(PermissionDenied):
        actions.change_phase(course=course, actor=user, now=now, to_phase="stopped", reason="No.")
    assert CoursePhaseChange.objects.count() == 0


def test_a_phase_change_is_signed_with_its_reason_and_audited(course, prescriber, now):
    change = actions.change_phase(course=course, actor=prescriber, now=now + LATER, to_phase="assessment",
                                  reason="Infusion 6 given on schedule.")

    course.refresh_from_db()
    assert (course.phase, course.maintenance_interval_weeks, course.closed_at) == ("assessment", None, None)
    assert (change.from_phase, change.to_phase, change.reason, change.signed_by, change.signed_at) == (
        "induction", "assessment", "Infusion 6 given on schedule.", prescriber, now + LATER)
    event = AuditEvent.objects.get(action="courses.phase_changed")
    assert (event.data["from"], event.data["to"], event.data["letter_ids"]) == ("induction", "assessment", [])
    assert not Letter.objects.filter(source_label="courses.CoursePhaseChange").exists()


def to_maintenance(course, prescriber, now, weeks=4):
    actions.change_phase(course=course, actor=prescriber, now=now, to_phase="assessment", reason="Six given.")
    return actions.change_phase(course=course, actor=prescriber, now=now + LATER, to_phase="maintenance",
                                reason="PHQ-9 down from 18 to 6.", interval_weeks=weeks,
                                assessment_result="response")


def test_maintenance_carries_its_interval_and_the_assessment_letters_follow(course, patient, prescriber, now):
    change = to_maintenance(course, prescriber, now)

    course.refresh_from_db()
    assert (course.phase, course.maintenance_interval_weeks) == ("maintenance", 4)
    assert (change.interval_weeks, change.assessment_result) == (4, "response")
    [letter] = Letter.objects.filter(patient=patient, source_label="courses.CoursePhaseChange")
    assert (letter.reason, letter.outcome, letter.source_id) == ("induction_assessment", "response", str(change.pk))


def test_refuses_maintenance_outside_the_protocols_interval(course, prescriber, now):
    actions.change_phase(course=course, actor=prescriber, now=now, to_phase="assessment", reason="Six given.")

    with pytest.raises(DomainError) as refused:
        actions.change_phase(course=course, actor=prescriber, now=now, to_phase="maintenance", reason="Response.",
                             interval_weeks=8, assessment_result="response")

    assert (refused.value.code, refused.value.field) == ("INTERVAL_OUT_OF_RANGE", "interval_weeks")
    assert "outside the clinic's 2–6 weeks" in refused.value.message
    course.refresh_from_db()
    assert course.phase == "assessment"


def test_the_interval_bounds_are_those_of_the_courses_protocol_version(course, director, prescriber, now):
    change_section(actor=director, now=now, site=course.site, section="maintenance", reason="Longer intervals.",
                   values={"max_interval_weeks": 10})

    with pytest.raises(DomainError, match="2–6 weeks"):
        to_maintenance(course, prescriber, now, weeks=8)


def test_refuses_a_move_the_reference_does_not_allow_and_keeps_the_phase(course, prescriber, now):
    with pytest.raises(DomainError) as refused:
        actions.change_phase(course=course, actor=prescriber, now=now, to_phase="maintenance", reason="Early.",
                             interval_weeks=4)

    assert refused.value.code == "PHASE_CHANGE_NOT_ALLOWED"
    assert TreatmentCourse.objects.get(pk=course.pk).phase == "induction"
    assert CoursePhaseChange.objects.count() == 0


def test_stopping_closes_the_course_and_writes_the_letters(course, patient, prescriber, now):
    change = actions.change_phase(course=course, actor=prescriber, now=now, to_phase="stopped",
                                  reason="Side effects outweigh benefit.")

    course.refresh_from_db()
    assert (course.phase, course.closed_at) == ("stopped", now)
    [letter] = Letter.objects.filter(patient=patient, source_label="courses.CoursePhaseChange")
    assert (letter.reason, letter.outcome, letter.source_label) == ("course_stopped", "stopped",
                                                                     "courses.CoursePhaseChange")
    with pytest.raises(DomainError, match="nothing follows"):
        actions.change_phase(course=course, actor=prescriber, now=now, to_phase="maintenance", reason="Again.",
                             interval_weeks=4)
    assert change.pk == CoursePhaseChange.objects.get().pk


def test_a_referral_names_the_alternatives_and_writes_referral_letters(course, patient, prescriber, now):
    actions.change_phase(course=course, actor=prescriber, now=now, to_phase="assessment", reason="Six given.")

    change = actions.change_phase(course=course, actor=prescriber, now=now, to_phase="referred",
                                  reason="No response after six.", alternatives=["ECT", "TMS"],
                                  assessment_result="non_response")

    assert (change.alternatives, change.alternative_labels) == (
        ["TMS", "ECT"], ["Transcranial magnetic stimulation", "Electroconvulsive therapy"])
    [letter] = Letter.objects.filter(patient=patient, source_label="courses.CoursePhaseChange")
    assert (letter.reason, letter.outcome) == ("alternative_referral", "referred")
    assert TreatmentCourse.objects.get(pk=course.pk).closed_at == now


def test_a_refused_letter_rolls_the_decision_back(course, prescriber, now, monkeypatch):
    def refuse(**_):
        raise DomainError("No letter today.")

    monkeypatch.setattr(actions, "produce_letters", refuse)

    with pytest.raises(DomainError):
        actions.change_phase(course=course, actor=prescriber, now=now, to_phase="stopped", reason="Stop.")

    assert (TreatmentCourse.objects.get(pk=course.pk).phase, CoursePhaseChange.objects.count()) == ("induction", 0)


def test_a_signed_phase_change_is_never_changed(course, prescriber, now):
    change = actions.change_phase(course=course, actor=prescriber, now=now, to_phase="stopped", reason="Stop.")
    change.reason = "Something else."

    with pytest.raises(ValueError):
        change.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        CoursePhaseChange.objects.filter(pk=change.pk).update(reason="Something else.")
    assert CoursePhaseChange.objects.get(pk=change.pk).reason == "Stop."


def test_a_nurses_withdrawal_stops_the_course_as_recorded_by_her_and_the_letters_wait(course, patient, nurse, now):
    consent = signed_consent(patient=patient, actor=nurse, now=now)

    consent_actions.withdraw_consent(actor=nurse, now=now + LATER, consent=consent, reason="Does not want more.")

    course.refresh_from_db()
    assert (course.phase, course.closed_at) == ("stopped", now + LATER)
    change = course.phase_changes.get()
    assert (change.reason, change.signed_by, change.from_phase, change.consent_withdrawal) == (
        "consent withdrawn", nurse, "induction", consent)
    assert change.stopped_by_withdrawal
    assert not Letter.objects.filter(patient=patient, source_label="courses.CoursePhaseChange").exists()
    event = AuditEvent.objects.get(action="courses.stopped_by_withdrawal")
    assert (event.actor, event.object_id, event.data["consent_id"], event.data["letter_ids"]) == (
        nurse, str(change.pk), consent.pk, [])
    assert list(event.patient_links.values_list("patient_id", flat=True)) == [patient.pk]
    assert not AuditEvent.objects.filter(action="courses.phase_changed").exists()
    assert actions.stop_letters_waiting(changes=[change]) == {change.pk}


def test_a_prescribers_withdrawal_writes_the_stopping_letters_at_once(course, patient, nurse, prescriber, now):
    consent = signed_consent(patient=patient, actor=nurse, now=now)

    consent_actions.withdraw_consent(actor=prescriber, now=now + LATER, consent=consent, reason="Moving away.")

    change = course.phase_changes.get()
    [letter] = Letter.objects.filter(patient=patient, source_label="courses.CoursePhaseChange")
    assert (letter.reason, letter.outcome, letter.source_id, letter.created_by) == (
        "course_stopped", "stopped", str(change.pk), prescriber)
    assert (change.signed_by, change.consent_withdrawal) == (prescriber, consent)
    assert actions.stop_letters_waiting(changes=[change]) == set()


def test_a_prescriber_writes_the_letters_a_withdrawal_stop_waits_for_once(course, patient, nurse, prescriber, now):
    consent = signed_consent(patient=patient, actor=nurse, now=now)
    consent_actions.withdraw_consent(actor=nurse, now=now + LATER, consent=consent, reason="Does not want more.")
    change = course.phase_changes.get()
    written_at = now + LATER + dt.timedelta(hours=2)

    with pytest.raises(PermissionDenied):
        actions.write_stop_letters(course=course, actor=nurse, now=written_at)
    letters = actions.write_stop_letters(course=course, actor=prescriber, now=written_at)

    assert [(letter.reason, letter.outcome, letter.source_id, letter.created_by, letter.created_at)
            for letter in letters] == [("course_stopped", "stopped", str(change.pk), prescriber, written_at)]
    event = AuditEvent.objects.get(action="courses.stop_letters_written")
    assert (event.actor, event.object_id, event.data["letter_ids"]) == (
        prescriber, str(change.pk), [letter.pk for letter in letters])
    with pytest.raises(actions.StopLettersNotWaiting) as refused:
        actions.write_stop_letters(course=course, actor=prescriber, now=written_at)
    assert refused.value.message == "The letters for this stop are already written; nothing waits."
    assert Letter.objects.filter(patient=patient, source_label="courses.CoursePhaseChange").count() == 1


def test_no_letters_wait_on_a_course_a_prescriber_stopped_or_one_still_open(course, patient, prescriber, now):
    with pytest.raises(actions.StopLettersNotWaiting) as refused:
        actions.write_stop_letters(course=course, actor=prescriber, now=now)
    assert refused.value.message == ("No stopping letters wait on this course: only a course stopped when consent "
                                     "was withdrawn, recorded by someone who does not prescribe, waits for them.")
    actions.change_phase(course=course, actor=prescriber, now=now, to_phase="stopped", reason="Side effects.")

    with pytest.raises(actions.StopLettersNotWaiting):
        actions.write_stop_letters(course=course, actor=prescriber, now=now)
    assert Letter.objects.filter(patient=patient, source_label="courses.CoursePhaseChange").count() == 1
    assert not AuditEvent.objects.filter(action="courses.stop_letters_written").exists()


def test_a_withdrawal_leaves_closed_courses_alone(course, patient, prescriber, nurse, now):
    actions.change_phase(course=course, actor=prescriber, now=now, to_phase="stopped", reason="Done.")
    consent = signed_consent(patient=patient, actor=nurse, now=now)

    consent_actions.withdraw_consent(actor=nurse, now=now + LATER, consent=consent, reason="Moving away.")

    assert [change.reason for change in course.phase_changes.all()] == ["Done."]

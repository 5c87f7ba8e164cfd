"""Every write of a treatment course: opening it from a signed eligible decision, each signed phase
change with the letters a decision that ends or decides the course produces, and the stop a
withdrawal of consent causes, whose letters a prescriber writes when the withdrawal was recorded by
someone who does not prescribe."""

from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any

from django.db import transaction

from clinic.accounts.access import require_roles
from clinic.accounts.models import PRESCRIBING_ROLES
from clinic.audit.actions import record_event
from clinic.courses.models import CoursePhaseChange, Phase, TreatmentCourse
from clinic.letters.actions import produce_letters
from clinic.letters.content import LetterFacts
from clinic.letters.models import Letter
from clinic.patients.models import Indication, Patient
from clinic.protocols.queries import current_protocol
from clinic.rules import course_phases, indications
from clinic.rules import protocols as catalogue
from clinic.rules.errors import DomainError
from clinic.screening.queries import eligibility_state
from clinic.sites.queries import site_today

CONSENT_WITHDRAWN = "consent withdrawn"


class NotEligible(DomainError):
    code = "NOT_ELIGIBLE"


class IndicationNotRecorded(DomainError):
    code = "INDICATION_NOT_RECORDED"
    field = "indication"


class CourseAlreadyOpen(DomainError):
    code = "COURSE_ALREADY_OPEN"
    field = "indication"


class StopLettersNotWaiting(DomainError):
    code = "STOP_LETTERS_NOT_WAITING"


@transaction.atomic
def open_course(*, patient: Patient, actor: Any, now: datetime, indication: str) -> TreatmentCourse:
    """Open a course for one of the patient's recorded indications, from the eligible decision in force,
    with the protocol version in force and the induction plan it gives."""
    require_roles(actor, PRESCRIBING_ROLES)
    # Lock the patient so two prescribers opening the same course at once cannot both pass the check.
    patient = Patient.objects.select_for_update().select_related("site").get(pk=patient.pk)
    state = eligibility_state(patient=patient, on=site_today(site=patient.site, now=now), now=now)
    if not state.eligible:
        raise NotEligible(state.message)
    _check_indication(patient, indication)
    protocol = current_protocol(site=patient.site, now=now)
    course = TreatmentCourse.objects.create(
        patient=patient, site=patient.site, indication=indication,
        primary_scale=protocol.rules("eligibility").primary_scales[indication], protocol=protocol,
        rules_version=catalogue.RULES_VERSION, decision=state.decision, opened_by=actor, opened_at=now,
        phase=Phase.INDUCTION, induction_plan=course_phases.induction_plan(protocol.rules("induction")),
    )
    record_event(actor=actor, now=now, action="courses.opened", subject=course, site_id=patient.site_id,
                 data={"indication": indication, "primary_scale": course.primary_scale,
                       "protocol_version": protocol.version, "rules_version": course.rules_version,
                       "decision_id": state.decision.pk})
    return course


def _check_indication(patient: Patient, indication: str) -> None:
    recorded = set(Indication.objects.filter(patient=patient, active=True).values_list("code", flat=True))
    if indication not in recorded:
        named = ", ".join(indications.LABELS[code] for code in sorted(recorded)) or "none"
        raise IndicationNotRecorded(f"{indications.LABELS.get(indication, indication)} is not among the patient's "
                                    f"recorded indications ({named}). Record it in the intake, or choose one of them.")
    if TreatmentCourse.objects.filter(patient=patient, indication=indication, closed_at__isnull=True).exists():
        raise CourseAlreadyOpen(f"The patient already has an open course for {indications.LABELS[indication]}. "
                                "Change its phase, or stop it before opening another.")


@transaction.atomic
def change_phase(*, course: TreatmentCourse, actor: Any, now: datetime, to_phase: str, reason: str,
                 interval_weeks: int | None = None, alternatives: Collection[str] = (),
                 assessment_result: str | None = None) -> CoursePhaseChange:
    """Sign one decision that moves the course (clinical-reference §6.3–§6.4), checked against the
    rules of the course's own protocol version, and write the letters it produces."""
    require_roles(actor, PRESCRIBING_ROLES)
    return _move(course=course, actor=actor, now=now, to_phase=to_phase, reason=reason,
                 interval_weeks=interval_weeks, alternatives=alternatives, assessment_result=assessment_result)


def _move(*, course: TreatmentCourse, actor: Any, now: datetime, to_phase: str, reason: str,
          interval_weeks: int | None = None, alternatives: Collection[str] = (),
          assessment_result: str | None = None) -> CoursePhaseChange:
    # Lock the course: two decisions signed at once must not both start from the same phase.
    course = TreatmentCourse.objects.select_for_update().select_related("protocol", "patient").get(pk=course.pk)
    move = course_phases.check_phase_change(
        from_phase=course.phase, to_phase=to_phase, reason=reason, interval_weeks=interval_weeks,
        alternatives=alternatives, assessment_result=assessment_result,
        protocol=course.protocol.rules("maintenance"))
    change = _write_change(course=course, move=move, actor=actor, now=now)
    letters = _letters(course=course, change=change, letter_reason=move.letter_reason, actor=actor, now=now)
    record_event(actor=actor, now=now, action="courses.phase_changed", subject=change,
                 patients=[course.patient_id], site_id=course.site_id,
                 data={"course_id": course.pk, "from": move.from_phase, "to": move.to_phase,
                       "interval_weeks": move.interval_weeks, "alternatives": list(move.alternatives),
                       "assessment_result": move.assessment_result, "letter_ids": [letter.pk for letter in letters]})
    return change


def _write_change(*, course: TreatmentCourse, move: Any, actor: Any, now: datetime,
                  consent_withdrawal: Any = None) -> CoursePhaseChange:
    change = CoursePhaseChange.objects.create(
        course=course, from_phase=move.from_phase, to_phase=move.to_phase, reason=move.reason,
        interval_weeks=move.interval_weeks, alternatives=list(move.alternatives),
        assessment_result=move.assessment_result or "", signed_by=actor, signed_at=now,
        consent_withdrawal=consent_withdrawal)
    course.phase = move.to_phase
    course.maintenance_interval_weeks = move.interval_weeks
    course.closed_at = now if move.to_phase in course_phases.FINAL else None
    course.save(update_fields=["phase", "maintenance_interval_weeks", "closed_at"])
    return change


def _letters(*, course: TreatmentCourse, change: CoursePhaseChange, letter_reason: str | None, actor: Any,
             now: datetime) -> list[Any]:
    if letter_reason is None:
        return []
    outcome = change.assessment_result if letter_reason == course_phases.INDUCTION_ASSESSMENT else change.to_phase
    facts = LetterFacts(outcome=outcome, summary=change.reason, alternatives=tuple(change.alternative_labels),
                        signed_by=actor, signed_at=now, next_steps=_next_steps(change))
    return produce_letters(actor=actor, now=now, patient=course.patient, reason=letter_reason, facts=facts,
                           source=change)


def _next_steps(change: CoursePhaseChange) -> str:
    """What follows a decision on the assessment, in words for either reader; other letters keep theirs."""
    if change.from_phase != Phase.ASSESSMENT:
        return ""
    if change.to_phase == Phase.MAINTENANCE:
        return (f"Maintenance infusions follow, one every {change.interval_weeks} weeks to start with, the interval "
                "adjusted to how the treatment holds. The clinic will be in touch to book each visit.")
    if change.to_phase == Phase.INDUCTION:
        return "More induction infusions follow. The clinic will be in touch to book them."
    return ""


def stop_for_withdrawn_consent(*, patient: Patient, consent: Any, actor: Any, now: datetime) -> list[CoursePhaseChange]:
    """Stop every open course of the patient: consent withdrawn. Runs inside the withdrawal's transaction.
    The patient's word needs no prescriber to take effect, so the stop is recorded by whoever recorded the
    withdrawal and names it; it is no prescriber's signed decision. The stopping letters are written
    now when that person prescribes (or directs); otherwise they wait for a prescriber
    (`write_stop_letters`)."""
    stops = []
    open_courses = TreatmentCourse.objects.filter(patient=patient, closed_at__isnull=True).order_by("pk")
    for course in open_courses.select_for_update().select_related("protocol", "patient"):
        move = course_phases.check_phase_change(
            from_phase=course.phase, to_phase=Phase.STOPPED, reason=CONSENT_WITHDRAWN, interval_weeks=None,
            alternatives=(), assessment_result=None, protocol=course.protocol.rules("maintenance"))
        change = _write_change(course=course, move=move, actor=actor, now=now, consent_withdrawal=consent)
        letters = (_letters(course=course, change=change, letter_reason=move.letter_reason, actor=actor, now=now)
                   if getattr(actor, "role", None) in PRESCRIBING_ROLES else [])
        record_event(actor=actor, now=now, action="courses.stopped_by_withdrawal", subject=change,
                     patients=[course.patient_id], site_id=course.site_id,
                     data={"course_id": course.pk, "from": move.from_phase, "consent_id": consent.pk,
                           "letter_ids": [letter.pk for letter in letters]})
        stops.append(change)
    return stops


def stop_letters_waiting(*, changes: Iterable[CoursePhaseChange]) -> set[int]:
    """The ids of the stops for withdrawn consent among `changes` whose letters are not yet written; no
    query when none of them is such a stop."""
    stops = {str(change.pk): change.pk for change in changes if change.stopped_by_withdrawal}
    if not stops:
        return set()
    written = Letter.objects.filter(source_label=CoursePhaseChange._meta.label, source_id__in=stops).values_list(
        "source_id", flat=True)
    return set(stops.values()) - {stops[source_id] for source_id in written}


@transaction.atomic
def write_stop_letters(*, course: TreatmentCourse, actor: Any, now: datetime) -> list[Any]:
    """Sign and write the letters of a course stopped for withdrawn consent by someone who does not
    prescribe: to the patient, and to the referrer where there is one."""
    require_roles(actor, PRESCRIBING_ROLES)
    course = TreatmentCourse.objects.select_for_update().select_related("patient").get(pk=course.pk)
    stop = course.phase_changes.filter(consent_withdrawal__isnull=False).order_by("-signed_at", "-id").first()
    if stop is None:
        raise StopLettersNotWaiting("No stopping letters wait on this course: only a course stopped when consent "
                                    "was withdrawn, recorded by someone who does not prescribe, waits for them.")
    if not stop_letters_waiting(changes=[stop]):
        raise StopLettersNotWaiting("The letters for this stop are already written; nothing waits.")
    letters = _letters(course=course, change=stop, letter_reason=course_phases.COURSE_STOPPED, actor=actor, now=now)
    record_event(actor=actor, now=now, action="courses.stop_letters_written", subject=stop,
                 patients=[course.patient_id], site_id=course.site_id,
                 data={"course_id": course.pk, "letter_ids": [letter.pk for letter in letters]})
    return letters

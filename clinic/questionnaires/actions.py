"""Every write of questionnaires, alerts, suicide risk assessments, patients' sign-in links and tablet
mode, each with its audit event in the same transaction.

Who acts is a staff member (a StaffUser) or the patient themselves (`PatientActor`): a patient
answering from their link or on a clinic tablet is the actor of their own answers, and the audit
event says so (actor kind "patient")."""

import datetime as dt
import hashlib
import logging
import secrets
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F

from clinic.accounts.models import PRESCRIBING_ROLES, Role, StaffUser
from clinic.audit.actions import record_event
from clinic.audit.models import ActorKind
from clinic.patients.models import Patient
from clinic.patients.signals import intake_changed
from clinic.protocols.queries import current_protocol
from clinic.protocols.reading import scoring_context
from clinic.questionnaires import queries
from clinic.questionnaires.models import (
    Alert,
    AlertNotification,
    AlertStatus,
    EnteredBy,
    NotificationReason,
    PatientLink,
    QuestionnaireRequest,
    QuestionnaireResponse,
    ResponseStatus,
    SiteAlertSettings,
    SuicideRiskAssessment,
    TabletSession,
)
from clinic.rules import eligibility, scales
from clinic.rules.errors import DomainError
from clinic.rules.scales import alert_kinds
from clinic.rules.scales.base import AnswerError, answer_errors, unanswered
from clinic.rules.typed_values import day_text
from clinic.sites.models import Site

logger = logging.getLogger(__name__)

# Five wrong dates of birth lock a sign-in link (issue: "five wrong tries lock the link").
LINK_ATTEMPTS = 5


@dataclass(frozen=True)
class PatientActor:
    """The patient acting for themselves: from their sign-in link, or on a clinic tablet handed to them
    by `handed_over_by`."""

    patient: Patient
    handed_over_by: StaffUser | None = None


class ResponseAlreadySubmitted(DomainError):
    code = "RESPONSE_SUBMITTED"


class NotDue(DomainError):
    code = "QUESTIONNAIRE_NOT_DUE"


class NotPatientRated(DomainError):
    code = "CLINICIAN_RATED"


class AlertAlreadyAcknowledged(DomainError):
    code = "ALERT_ALREADY_ACKNOWLEDGED"


class ActionTakenRequired(DomainError):
    code = "ACTION_TAKEN_REQUIRED"


class AssessmentIncomplete(DomainError):
    code = "ASSESSMENT_INCOMPLETE"


class OnCallNotAllowed(DomainError):
    code = "ON_CALL_NOT_A_PRESCRIBER"


class LinkRefused(DomainError):
    """A sign-in link that no longer lets anyone in: `reason` is expired, used or locked."""

    code = "LINK_REFUSED"

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message, field="link")
        self.reason = reason


class WrongBirthDate(DomainError):
    code = "WRONG_BIRTH_DATE"


class NoContact(DomainError):
    code = "NO_CONTACT"


def _audit(actor: Any, *, now: dt.datetime, action: str, patient: Patient, **fields: Any) -> None:
    if isinstance(actor, PatientActor):
        handed = actor.handed_over_by
        data = dict(fields.pop("data", {}) or {})
        if handed is not None:
            data["tablet_handed_over_by"] = handed.pk
        record_event(actor=None, actor_kind=ActorKind.PATIENT, actor_label=f"patient {patient.mrn}",
                     organisation_id=patient.organisation_id, now=now, action=action, patients=[patient],
                     site_id=patient.site_id, data=data, **fields)
    else:
        record_event(actor=actor, now=now, action=action, patients=[patient], site_id=patient.site_id, **fields)


# Questionnaires due


@transaction.atomic
def request_questionnaires(*, patient: Patient, instruments: Iterable[str], actor: StaffUser,
                           now: dt.datetime) -> list[QuestionnaireRequest]:
    """Ask the patient to complete these scales; a scale already due stays one request. Clinician-rated
    scales are never sent to a patient."""
    codes = list(dict.fromkeys(instruments))
    for code in codes:
        instrument = scales.instrument(code)
        if clinician_rated(instrument):
            raise NotPatientRated(f"{instrument.name} is rated by a clinician, not answered by the patient: "
                                  "rate it from the patient's Questionnaires tab.", field="instruments")
    already = set(QuestionnaireRequest.objects.filter(
        patient=patient, instrument__in=codes, fulfilled_at__isnull=True, withdrawn_at__isnull=True,
    ).values_list("instrument", flat=True))
    created = [QuestionnaireRequest.objects.create(patient=patient, instrument=code, requested_by=actor,
                                                   requested_at=now)
               for code in codes if code not in already]
    if created:
        _audit(actor, now=now, action="questionnaires.requested", patient=patient,
               data={"instruments": [request.instrument for request in created]})
    return created


@transaction.atomic
def withdraw_request(*, request: QuestionnaireRequest, actor: StaffUser, now: dt.datetime) -> QuestionnaireRequest:
    request = QuestionnaireRequest.objects.select_for_update().get(pk=request.pk)
    if request.is_due:
        request.withdrawn_at = now
        request.save(update_fields=["withdrawn_at"])
        _audit(actor, now=now, action="questionnaires.request_withdrawn", patient=request.patient,
               subject=request, data={"instrument": request.instrument})
    return request


# Answers and scores


def clinician_rated(instrument: scales.base.Instrument) -> bool:
    """Rated by a clinician at interview, never answered by the patient. The C-SSRS screener, asked by
    trained staff, may also be answered by the patient on the tablet or from their link (issue 13)."""
    return instrument.completed_by == "clinician"


def _refuse_clinician_rated(scale: scales.base.Instrument, actor: Any) -> None:
    if isinstance(actor, PatientActor) and clinician_rated(scale):
        raise NotPatientRated(f"{scale.name} is rated by a clinician, not answered by the patient: hand the "
                              "tablet back to staff.", field="instrument")


def check_answers(code: str, answers: Sequence[Any]) -> dict[int, str]:
    """Every given answer the scale refuses, by item number (unanswered items are not errors)."""
    return answer_errors(scales.instrument(code), answers)


@transaction.atomic
def save_answers(*, patient: Patient, instrument: str, answers: Sequence[Any], actor: Any, now: dt.datetime,
                 mode: str, context: dict[str, Any] | None = None) -> tuple[QuestionnaireResponse, dict[int, str]]:
    """Keep a partial answer as a draft: every answer the scale accepts is kept, each refused one is left
    unanswered and returned with its message, by item number."""
    scale = scales.instrument(instrument)
    _refuse_clinician_rated(scale, actor)
    errors = answer_errors(scale, answers)
    kept = [None if item.number in errors else answer for item, answer in zip(scale.items, answers, strict=True)]
    draft = _draft(patient, scale.code, actor=actor, now=now, mode=mode)
    draft.answers = _stored(kept)
    draft.context = _stored_context(context)
    draft.updated_at = now
    draft.save(update_fields=["answers", "context", "updated_at"])
    _audit(actor, now=now, action="questionnaires.answers_saved", patient=patient, subject=draft,
           data={"instrument": scale.code, "answered": sum(answer is not None for answer in kept)})
    return draft, errors


def _draft(patient: Patient, code: str, *, actor: Any, now: dt.datetime, mode: str) -> QuestionnaireResponse:
    draft = (QuestionnaireResponse.objects.select_for_update()
             .filter(patient=patient, instrument=code, status=ResponseStatus.DRAFT).first())
    if draft is None:
        draft = QuestionnaireResponse.objects.create(
            patient=patient, instrument=code, scale_version=scales.instrument(code).version, answers=[],
            mode=mode, entered_by=_entered_by(actor), staff=_staff(actor), started_at=now, updated_at=now,
            request=_open_request(patient, code))
    return draft


def draft_for(*, patient: Patient, instrument: str) -> QuestionnaireResponse | None:
    return QuestionnaireResponse.objects.filter(patient=patient, instrument=instrument,
                                                status=ResponseStatus.DRAFT).first()


@transaction.atomic
def submit_response(*, patient: Patient, instrument: str, answers: Sequence[Any], actor: Any, now: dt.datetime,
                    mode: str, context: dict[str, Any] | None = None, require_due: bool = False,
                    link: PatientLink | None = None) -> QuestionnaireResponse:
    """Score the answers with the rules' scale and its settings in the site's protocol, store the response
    with its total, severity, risk, alerts and the scale's version, fulfil the request it answers, and open
    a clinical alert for every alert the scale raised, all in one transaction. Refuses every wrong or
    missing answer at once, naming each item.

    `require_due` (the patient's own pages) refuses a scale no longer due, under a lock on its request,
    so a second press of Send stores nothing twice and opens no second alert. With the patient's sign-in
    `link`, the link is used up in the same transaction once nothing is left due."""
    scale = scales.instrument(instrument)
    _refuse_clinician_rated(scale, actor)
    if errors := answer_errors(scale, answers):
        raise AnswerError(" ".join(errors.values()), field=f"item {min(errors)}", items=sorted(errors))
    context = _stored_context(context)
    if scale.code == "audit_c":
        # AUDIT-C's cut-off is the patient's sex's (§7.2: 4 for men, 3 for women); stored with the
        # answers, so screening re-scores it the same way.
        context.setdefault("sex", patient.sex)
    # Scored with the scale's settings in the site's protocol in force (an alert threshold, a cut-off), as
    # screening re-scores it (clinic.questionnaires.queries.screening_inputs).
    protocol = current_protocol(site=patient.site, now=now)
    try:
        score = scale.score(list(answers), scoring_context(protocol, instrument=scale.code, context=context))
    except AnswerError as error:
        if missing := unanswered(scale, answers):
            raise AnswerError(f"{_items_text(missing)} of {scale.name} {'has' if len(missing) == 1 else 'have'} no "
                              "answer. Answer every question before submitting.", field=f"item {missing[0]}",
                              items=missing) from error
        raise
    if require_due and not (QuestionnaireRequest.objects.select_for_update()
                            .filter(patient=patient, instrument=scale.code, fulfilled_at__isnull=True,
                                    withdrawn_at__isnull=True).exists()):
        raise NotDue(f"{scale.name} is not due any more: your answers were already sent, or the clinic withdrew "
                     "it. Nothing was stored twice.", field="instrument")
    response = _draft(patient, scale.code, actor=actor, now=now, mode=mode)
    response.status = ResponseStatus.SUBMITTED
    response.answers = _stored(answers)
    response.context = context
    response.scale_version = scale.version
    response.total = None if score.total is None else Decimal(score.total)
    response.severity = score.severity or ""
    response.risk = score.risk or ""
    response.alerts = [{"code": alert.code, "item": alert.item, "message": alert.message} for alert in score.alerts]
    response.subscores = {name: _stored_number(value) for name, value in score.subscores.items()}
    response.flags = list(score.flags)
    response.mode = mode
    response.entered_by = _entered_by(actor)
    response.staff = _staff(actor)
    response.updated_at = now
    response.submitted_at = now
    response.request = response.request or _open_request(patient, scale.code)
    response.save()
    if response.request is not None:
        QuestionnaireRequest.objects.filter(pk=response.request_id, fulfilled_at__isnull=True).update(fulfilled_at=now)
    alerts = [_open_alert(response, alert, now=now) for alert in score.alerts]
    _audit(actor, now=now, action="questionnaires.response_submitted", patient=patient, subject=response,
           data={"instrument": scale.code, "total": _stored_number(score.total), "mode": mode,
                 "alerts": [alert.pk for alert in alerts]})
    if scale.code in eligibility.SCREENS:
        intake_changed.send(sender=Patient, patient=patient, actor=actor, now=now)
    if link is not None:
        finish_link_if_done(link=link, now=now)
    return response


def _items_text(numbers: list[int]) -> str:
    if len(numbers) == 1:
        return f"Item {numbers[0]}"
    return "Items " + ", ".join(str(number) for number in numbers[:-1]) + f" and {numbers[-1]}"


def _open_request(patient: Patient, code: str) -> QuestionnaireRequest | None:
    return QuestionnaireRequest.objects.filter(patient=patient, instrument=code, fulfilled_at__isnull=True,
                                               withdrawn_at__isnull=True).first()


def _entered_by(actor: Any) -> str:
    return EnteredBy.PATIENT if isinstance(actor, PatientActor) else EnteredBy.STAFF


def _staff(actor: Any) -> StaffUser | None:
    return actor.handed_over_by if isinstance(actor, PatientActor) else actor


def _stored(answers: Sequence[Any]) -> list[Any]:
    return [_stored_number(answer) for answer in answers]


def _stored_number(value: Any) -> Any:
    """A Decimal as JSON keeps it: whole values as int, others as float at their shortest form."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _stored_context(context: dict[str, Any] | None) -> dict[str, Any]:
    return {key: _stored_number(value) for key, value in (context or {}).items() if key != "protocol"}


# Alerts


def _open_alert(response: QuestionnaireResponse, raised: scales.base.Alert, *, now: dt.datetime) -> Alert:
    """One clinical alert for the patient's prescriber, and for high risk the site's on-call clinician;
    each is told at once once the transaction commits. Only active clinicians who work at the patient's
    site are told: when the prescriber is not one (none recorded, deactivated, moved), the site's medical
    directors are told instead, and failing them its prescribers, so the alert never waits for nobody.
    A site with none of these records that nobody could be told; the alert stays open in the inbox."""
    patient = response.patient
    high = alert_kinds.is_high_risk(raised.code)
    at_site = {clinician.pk: clinician for clinician in _clinicians_at(patient.site)}
    on_call = queries.alert_settings(site=patient.site).on_call if high else None
    on_call = on_call if on_call is not None and on_call.pk in at_site else None
    prescriber = at_site.get(patient.prescriber_id)
    alert = Alert.objects.create(
        patient=patient, response=response, code=raised.code, kind=alert_kinds.kind_of(raised.code), high=high,
        item=raised.item, message=raised.message, raised_at=now, prescriber_id=patient.prescriber_id,
        on_call=on_call)
    if prescriber is not None:
        told = [prescriber]
    else:
        directors = [clinician for clinician in at_site.values() if clinician.role == Role.DIRECTOR]
        told = directors or [clinician for clinician in at_site.values() if clinician.role == Role.PRESCRIBER]
    recipients = {clinician.pk: (clinician, NotificationReason.PRESCRIBER) for clinician in told}
    if on_call is not None:
        recipients.setdefault(on_call.pk, (on_call, NotificationReason.ON_CALL))
    AlertNotification.objects.bulk_create([
        AlertNotification(alert=alert, recipient=recipient, reason=reason, channel=recipient.alert_channel,
                          created_at=now)
        for recipient, reason in recipients.values()])
    if not recipients:
        logger.error("Alert %s for patient %s: no active prescriber or director works at %s to be told",
                     alert.pk, patient.mrn, patient.site.name)
        record_event(actor=None, actor_kind=ActorKind.SYSTEM, organisation_id=patient.organisation_id, now=now,
                     action="questionnaires.alert_unrouted", patients=[patient], subject=alert,
                     site_id=patient.site_id, data={"code": alert.code})
    from clinic.questionnaires import tasks

    transaction.on_commit(lambda: tasks.send_alert_notifications.enqueue(alert_id=alert.pk))
    return alert


def _clinicians_at(site: Site) -> list[StaffUser]:
    """The active prescribers and medical directors who work at the site, oldest accounts first."""
    return list(StaffUser.objects.filter(sites=site, role__in=PRESCRIBING_ROLES, is_active=True).order_by("pk"))


@transaction.atomic
def acknowledge_alert(*, alert: Alert, actor: StaffUser, now: dt.datetime, action_taken: str) -> Alert:
    """Record who acknowledged the alert and what they did; a second acknowledgement is refused.
    Acknowledging does not lift HS_SUICIDE_HIGH: only a risk assessment does."""
    action_taken = (action_taken or "").strip()
    if not action_taken:
        raise ActionTakenRequired("Write the action taken (for example \"Called the patient; safety plan "
                                  "reviewed; seen today at 14:00\") before acknowledging.", field="action_taken")
    # Lock the alert row alone: its acknowledger is on the nullable side of an outer join.
    alert = (Alert.objects.select_for_update(of=("self",)).select_related("acknowledged_by", "patient__site")
             .get(pk=alert.pk))
    if alert.status == AlertStatus.ACKNOWLEDGED:
        at = alert.acknowledged_at.astimezone(zoneinfo.ZoneInfo(alert.patient.site.time_zone))
        raise AlertAlreadyAcknowledged(
            f"This alert was already acknowledged by {alert.acknowledged_by} on {day_text(at.date())} at "
            f"{at:%H:%M}: its action stands. Add anything further to the patient's record.", field="alert")
    alert.status = AlertStatus.ACKNOWLEDGED
    alert.acknowledged_by = actor
    alert.acknowledged_at = now
    alert.action_taken = action_taken
    alert.save(update_fields=["status", "acknowledged_by", "acknowledged_at", "action_taken"])
    _audit(actor, now=now, action="questionnaires.alert_acknowledged", patient=alert.patient, subject=alert,
           data={"code": alert.code})
    return alert


# Suicide risk assessment


@transaction.atomic
def record_risk_assessment(*, patient: Patient, actor: StaffUser, now: dt.datetime, assessed_at: dt.datetime,
                           risk_level: str, protective_factors: str, safety_plan: str, outcome: str,
                           notes: str = "", alert: Alert | None = None) -> SuicideRiskAssessment:
    """A clinician's suicide risk assessment. One that decides to proceed, made the day of a high-risk
    C-SSRS screener or of the infusion, lifts HS_SUICIDE_HIGH for screening (clinic.rules.eligibility)."""
    missing = [label for label, value in (("the protective factors", protective_factors),
                                          ("the safety plan", safety_plan)) if not (value or "").strip()]
    if missing:
        raise AssessmentIncomplete(f"Write {' and '.join(missing)}: an assessment records both.",
                                   field="protective_factors" if "the protective factors" in missing else "safety_plan")
    if assessed_at > now:
        raise AssessmentIncomplete("The assessment time is in the future: record it once it has been made.",
                                   field="assessed_at")
    if alert is not None and alert.patient_id != patient.pk:
        raise AssessmentIncomplete("That alert is another patient's.", field="alert")
    assessment = SuicideRiskAssessment.objects.create(
        patient=patient, assessed_by=actor, assessed_at=assessed_at, risk_level=risk_level,
        protective_factors=protective_factors.strip(), safety_plan=safety_plan.strip(), outcome=outcome,
        notes=(notes or "").strip(), alert=alert, recorded_at=now)
    _audit(actor, now=now, action="questionnaires.risk_assessment_recorded", patient=patient, subject=assessment,
           data={"risk_level": risk_level, "outcome": outcome})
    intake_changed.send(sender=Patient, patient=patient, actor=actor, now=now)
    return assessment


# The site's alert settings


@transaction.atomic
def save_alert_settings(*, site: Site, actor: StaffUser, now: dt.datetime, on_call: StaffUser | None,
                        crisis_text: str, crisis_text_high: str) -> SiteAlertSettings:
    """The site's on-call clinician for high-risk alerts and its crisis texts (empty = the defaults)."""
    if on_call is not None and (on_call.role not in PRESCRIBING_ROLES or not on_call.is_active
                                or not on_call.sites.filter(pk=site.pk).exists()):
        raise OnCallNotAllowed(f"{on_call} cannot be on call for {site.name}: choose an active prescriber or "
                               "medical director who works there.", field="on_call")
    row, _ = SiteAlertSettings.objects.select_for_update().get_or_create(
        site=site, defaults={"updated_at": now, "updated_by": actor})
    row.on_call = on_call
    row.crisis_text = (crisis_text or "").strip()
    row.crisis_text_high = (crisis_text_high or "").strip()
    row.updated_at = now
    row.updated_by = actor
    row.save()
    record_event(actor=actor, now=now, action="questionnaires.alert_settings_saved", subject=row, site_id=site.pk,
                 data={"on_call": None if on_call is None else on_call.pk})
    return row


# Patients' sign-in links


def hash_link_token(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()


@transaction.atomic
def issue_link(*, patient: Patient, actor: StaffUser | None, now: dt.datetime, channel: str,
               hours: int | None = None) -> tuple[PatientLink, str]:
    """A new one-time sign-in link for the patient; returns it with its token, which is never stored.
    The patient's earlier links still open expire now: only the newest link lets anyone in."""
    PatientLink.objects.filter(patient=patient, used_at__isnull=True, locked_at__isnull=True,
                               expires_at__gt=now).update(expires_at=now)
    raw_token = secrets.token_urlsafe(32)
    link = PatientLink.objects.create(
        patient=patient, token_hash=hash_link_token(raw_token), channel=channel, created_by=actor,
        created_at=now, expires_at=now + dt.timedelta(hours=hours or settings.PATIENT_LINK_HOURS))
    if actor is None:
        record_event(actor=None, actor_kind=ActorKind.SYSTEM, organisation_id=patient.organisation_id, now=now,
                     action="questionnaires.link_issued", patients=[patient], subject=link,
                     site_id=patient.site_id, data={"channel": channel})
    else:
        _audit(actor, now=now, action="questionnaires.link_issued", patient=patient, subject=link,
               data={"channel": channel})
    return link, raw_token


def link_for_token(raw_token: str) -> PatientLink | None:
    return (PatientLink.objects.select_related("patient", "patient__site")
            .filter(token_hash=hash_link_token(raw_token or "")).first())


def refusal(link: PatientLink, *, now: dt.datetime) -> LinkRefused | None:
    """Why the link no longer lets anyone in, or None while it does."""
    if link.locked_at is not None:
        return LinkRefused("This link is locked after five dates of birth that did not match. Ask for a new link "
                           "below, or call the clinic.", reason="locked")
    if link.used_at is not None:
        return LinkRefused("This link has been used: your answers were sent to the clinic. Ask for a new link "
                           "below if you have more to answer.", reason="used")
    if now >= link.expires_at:
        return LinkRefused("This link has expired. Ask for a new link below.", reason="expired")
    return None


def sign_in_with_link(*, link: PatientLink, birth_date: dt.date, now: dt.datetime) -> PatientLink:
    """Let the patient in when the link still holds and the date of birth matches. A wrong date counts
    against the link, kept even though the sign-in is refused, and the fifth locks it; the refusal never
    says which part of the date was wrong."""
    with transaction.atomic():
        link = PatientLink.objects.select_for_update().select_related("patient").get(pk=link.pk)
        if (refused := refusal(link, now=now)) is not None:
            raise refused
        patient = link.patient
        if birth_date == patient.birth_date:
            link.signed_in_at = now
            link.save(update_fields=["signed_in_at"])
            _audit(PatientActor(patient), now=now, action="questionnaires.patient_signed_in", patient=patient,
                   subject=link)
            return link
        link.failed_attempts = F("failed_attempts") + 1
        link.save(update_fields=["failed_attempts"])
        link.refresh_from_db(fields=["failed_attempts"])
        locked = link.failed_attempts >= LINK_ATTEMPTS
        if locked:
            link.locked_at = now
            link.save(update_fields=["locked_at"])
        record_event(actor=None, actor_kind=ActorKind.SYSTEM, organisation_id=patient.organisation_id, now=now,
                     action="questionnaires.link_birth_date_refused", patients=[patient], subject=link,
                     site_id=patient.site_id, data={"attempts": link.failed_attempts, "locked": locked})
    if locked:
        raise LinkRefused("That date of birth does not match our records, and this link is now locked. Ask for "
                          "a new link below, or call the clinic.", reason="locked")
    left = LINK_ATTEMPTS - link.failed_attempts
    raise WrongBirthDate(f"That date of birth does not match our records. Check it and try again "
                         f"({left} {'try' if left == 1 else 'tries'} left).", field="birth_date")


@transaction.atomic
def finish_link_if_done(*, link: PatientLink, now: dt.datetime) -> bool:
    """Once nothing is left due, the link is used: it opens nothing again. Returns whether it was."""
    link = PatientLink.objects.select_for_update().get(pk=link.pk)
    if link.used_at is not None:
        return True
    if QuestionnaireRequest.objects.filter(patient_id=link.patient_id, fulfilled_at__isnull=True,
                                           withdrawn_at__isnull=True).exists():
        return False
    link.used_at = now
    link.save(update_fields=["used_at"])
    return True


# Tablet mode


@transaction.atomic
def start_tablet(*, patient: Patient, actor: StaffUser, now: dt.datetime) -> TabletSession:
    """Hand the clinic tablet to the patient for their due questionnaires only. The same clinician's
    earlier tablet for this patient, still open, ends here: that tablet then locks back to staff."""
    for earlier in TabletSession.objects.filter(patient=patient, started_by=actor, ended_at__isnull=True):
        end_tablet(session=earlier, now=now)
    session = TabletSession.objects.create(patient=patient, started_by=actor, started_at=now)
    _audit(actor, now=now, action="questionnaires.tablet_started", patient=patient, subject=session)
    return session


@transaction.atomic
def end_tablet(*, session: TabletSession, now: dt.datetime) -> TabletSession:
    """The tablet comes back: tablet mode ends, and staff sign in again to use it."""
    session = TabletSession.objects.select_for_update().select_related("patient", "started_by").get(pk=session.pk)
    if session.ended_at is None:
        session.ended_at = now
        session.save(update_fields=["ended_at"])
        _audit(PatientActor(session.patient, handed_over_by=session.started_by), now=now,
               action="questionnaires.tablet_ended", patient=session.patient, subject=session)
    return session


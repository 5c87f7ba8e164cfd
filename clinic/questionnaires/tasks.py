"""Telling clinicians of a clinical alert at once, by their channel (email or text message).

Delivery is at least once, and once in all but one case. Each notification row is claimed by one
conditional UPDATE before anything is sent, so however many workers run the task (a retry, a second
worker picking up a duplicate), only the one whose claim took sends. A send that fails gives the claim
back, with its error, and the worker's scheduler sweep sends it again. A claim older than STALE_CLAIM
is taken to be a worker that died mid-send and is given back too: had that worker sent the message and
died before recording it, the clinician gets it twice. Sends cannot hang that long (SMTP gives up after
EMAIL_TIMEOUT, 30 s), so a second message means a worker died, never a slow one. For a suicide alert a
message twice is the safe side of a message never. The message names the patient by MRN only, never
the drug, the diagnosis or the answers."""

import contextlib
import datetime as dt
import logging
import zoneinfo

from django.core.mail import send_mail
from django.utils import timezone
from django_tasks import task

from clinic import sms
from clinic.accounts import setup
from clinic.accounts.models import AlertChannel
from clinic.audit.actions import record_event
from clinic.audit.models import ActorKind
from clinic.questionnaires.models import AlertNotification
from clinic.rules.typed_values import day_text

logger = logging.getLogger(__name__)
INBOX_PATH = "/alerts/"


@task()
def send_alert_notifications(alert_id: int) -> int:
    """Send every notification of the alert not yet sent; returns how many this run sent. One
    clinician's failed send never keeps the others from being told: each is tried, and the run then
    fails naming the sends that failed, each of them given back for the next run."""
    pending = AlertNotification.objects.filter(alert_id=alert_id, sent_at__isnull=True).values_list("pk", flat=True)
    sent, failed = 0, []
    for pk in list(pending):
        try:
            sent += send_notification(notification_id=pk, now=timezone.now())
        except Exception as error:  # noqa: BLE001 - logged and given back by send_notification; raised below
            failed.append(f"{pk}: {error}")
    if failed:
        raise NotificationsFailed(f"{len(failed)} alert notification(s) not sent ({'; '.join(failed)}); "
                                  f"{sent} sent.")
    return sent


class NotificationsFailed(RuntimeError):
    """Some notifications of an alert could not be sent; they stay unsent for the next run."""


def send_notification(*, notification_id: int, now: dt.datetime) -> bool:
    """Claim the notification and send it; False when another run holds or sent it."""
    if not _claim(notification_id, now=now):
        return False
    notification = (AlertNotification.objects
                    .select_related("alert", "alert__patient", "alert__patient__site", "recipient")
                    .get(pk=notification_id))
    try:
        _deliver(notification)
    except Exception as error:
        AlertNotification.objects.filter(pk=notification_id).update(claimed_at=None, error=str(error)[:500])
        logger.exception("Alert notification %s could not be sent", notification_id)
        raise
    AlertNotification.objects.filter(pk=notification_id).update(sent_at=now, error="")
    patient = notification.alert.patient
    record_event(actor=None, actor_kind=ActorKind.SYSTEM, organisation_id=patient.organisation_id, now=now,
                 action="questionnaires.alert_notified", patients=[patient], subject=notification.alert,
                 site_id=patient.site_id, data={"recipient": notification.recipient_id, "channel": notification.channel,
                                                "reason": notification.reason})
    return True


# A notification not sent this long after it was made is sent again by the worker's scheduler loop: the
# task's own run has failed, or its worker died. A claim older than STALE_CLAIM belongs to a worker that
# died mid-send (a send takes seconds), so it is given back first. Retried for RETRY_FOR, then left to
# the inbox, where the alert stays open for every clinician of the site.
RETRY_AFTER = dt.timedelta(minutes=2)
STALE_CLAIM = dt.timedelta(minutes=10)
RETRY_FOR = dt.timedelta(hours=24)


def resend_unsent(*, now: dt.datetime) -> int:
    """Send again every notification left unsent past RETRY_AFTER (within RETRY_FOR of its alert), each at
    most once however many workers sweep at the same time; returns how many this sweep sent."""
    unsent = AlertNotification.objects.filter(sent_at__isnull=True, created_at__lte=now - RETRY_AFTER,
                                              created_at__gte=now - RETRY_FOR)
    unsent.filter(claimed_at__lt=now - STALE_CLAIM).update(claimed_at=None)
    sent = 0
    for pk in list(unsent.filter(claimed_at__isnull=True).order_by("created_at", "pk").values_list("pk", flat=True)):
        # A failed send is logged and given back by send_notification; the next sweep tries again.
        with contextlib.suppress(Exception):
            sent += send_notification(notification_id=pk, now=now)
    return sent


def _claim(notification_id: int, *, now: dt.datetime) -> bool:
    """Whether this run took the notification: one conditional UPDATE, which only one run can win."""
    return bool(AlertNotification.objects.filter(pk=notification_id, claimed_at__isnull=True).update(claimed_at=now))


def message_text(notification: AlertNotification) -> tuple[str, str]:
    """The subject and body: the patient's MRN and site, the kind of alert and when, and where to act."""
    alert = notification.alert
    patient = alert.patient
    raised = alert.raised_at.astimezone(zoneinfo.ZoneInfo(patient.site.time_zone))
    urgency = "URGENT: high risk. " if alert.high else ""
    subject = f"{urgency}Clinical alert for patient {patient.mrn} at {patient.site.name}"
    base = setup.default_base_url() or ""
    body = (f"{urgency}A questionnaire answered on {day_text(raised.date())} at {raised:%H:%M} raised a "
            f"{alert.get_kind_display().lower()} alert for patient {patient.mrn} at {patient.site.name}. "
            f"Open the alert inbox to review and acknowledge it: {base}{INBOX_PATH}")
    return subject, body


def _deliver(notification: AlertNotification) -> None:
    subject, body = message_text(notification)
    recipient = notification.recipient
    if notification.channel == AlertChannel.SMS and recipient.mobile_phone:
        sms.send_text(to=recipient.mobile_phone, body=body)
    else:
        # Email is the channel of anyone who chose text messages without a mobile number on file.
        send_mail(subject, body, None, [recipient.email], fail_silently=False)

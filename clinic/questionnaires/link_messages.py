"""Sending a patient their sign-in link: by their preferred channel (email or text message) to the
contact on file, never to an address typed on a page.

The message names the clinic, the link and its expiry, and never the drug or the diagnosis (design
§3: phones and inboxes are seen by others). A patient whose link no longer opens may ask for a new one
from the refusal page, at most once in RESEND_INTERVAL, sent to the contact on file."""

import datetime as dt
import logging
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass

from django.core.mail import send_mail
from django.db import transaction

from clinic import sms
from clinic.accounts.models import StaffUser
from clinic.audit.actions import record_event
from clinic.audit.models import ActorKind
from clinic.patients.models import Patient
from clinic.patients.models.registry import Channel
from clinic.questionnaires import actions
from clinic.questionnaires.models import LinkChannel, PatientLink
from clinic.rules.errors import DomainError
from clinic.rules.typed_values import day_text

# One new link asked for from the refusal page per patient in this time: enough for a patient who lost
# the message, too little to flood their phone.
RESEND_INTERVAL = dt.timedelta(minutes=10)
SUBJECT = "Clinic questionnaires"
logger = logging.getLogger(__name__)


class NewLinkTooSoon(DomainError):
    code = "NEW_LINK_TOO_SOON"


class LinkNotSent(DomainError):
    code = "LINK_NOT_SENT"


@dataclass(frozen=True)
class Contact:
    channel: str
    address: str

    @property
    def shown(self) -> str:
        """The address as a page may show it to whoever holds the link: enough to recognise, not to use."""
        return masked_email(self.address) if self.channel == LinkChannel.EMAIL else masked_phone(self.address)

    @property
    def channel_text(self) -> str:
        return "email" if self.channel == LinkChannel.EMAIL else "text message"


def contact_for(patient: Patient) -> Contact:
    """Where the patient's link goes: their preferred channel when its contact is on file, else the other
    one on file (a patient who prefers phone calls gets email first); NoContact when neither is."""
    email = Contact(LinkChannel.EMAIL, patient.email.strip()) if patient.email.strip() else None
    text = Contact(LinkChannel.SMS, patient.phone.strip()) if patient.phone.strip() else None
    order = (text, email) if patient.preferred_channel == Channel.SMS else (email, text)
    for contact in order:
        if contact is not None:
            return contact
    raise actions.NoContact("This patient has no email address or phone number on file, so no link can be sent. "
                            "Add one with Edit details, or hand the tablet to the patient in the clinic.",
                            field="contact")


def masked_email(address: str) -> str:
    name, _, domain = address.partition("@")
    host, dot, tld = domain.rpartition(".")
    return f"{name[:1]}•••@{host[:1]}•••{dot}{tld}"


def masked_phone(number: str) -> str:
    digits = [character for character in number if character.isdigit()]
    return "•••" + "".join(digits[-2:])


def message_text(*, patient: Patient, url: str, expires_at: dt.datetime) -> str:
    """The message's body: the clinic, the link and until when it works; nothing about the treatment."""
    site = patient.site
    local = expires_at.astimezone(zoneinfo.ZoneInfo(site.time_zone))
    clinic = f"{patient.organisation.name}, {site.name}"
    return (f"{clinic} has questionnaires for you to answer before your next visit. Open this link and enter "
            f"your date of birth: {url}\nThe link works until {day_text(local.date())} at {local:%H:%M} and "
            f"only for you. Questions? Call the clinic{f' on {site.phone}' if site.phone else ''}.")


def deliver(*, contact: Contact, body: str) -> None:
    """Send the message; a failure of the mail server or text provider is refused as LinkNotSent."""
    try:
        if contact.channel == LinkChannel.SMS:
            sms.send_text(to=contact.address, body=body)
        else:
            send_mail(SUBJECT, body, None, [contact.address], fail_silently=False)
    except Exception as error:
        logger.exception("A patient's sign-in link could not be sent by %s", contact.channel)
        raise LinkNotSent(f"The link could not be sent by {contact.channel_text} ({error.__class__.__name__}). Check "
                          "the contact details on file, or try again in a few minutes.", field="contact") from error


def send_link(*, patient: Patient, actor: StaffUser | None, now: dt.datetime,
              url_for: Callable[[str], str]) -> tuple[PatientLink, Contact]:
    """Issue a new sign-in link and send it to the patient's contact on file; `url_for` turns the token
    into the absolute address. The link is issued (and audited) first, then sent: a send that fails
    raises, and the unsent link opens nothing unless someone holds its token."""
    contact = contact_for(patient)
    link, token = actions.issue_link(patient=patient, actor=actor, now=now, channel=contact.channel)
    deliver(contact=contact, body=message_text(patient=patient, url=url_for(token), expires_at=link.expires_at))
    return link, contact


def send_new_link(*, old: PatientLink, now: dt.datetime, url_for: Callable[[str], str]) -> tuple[PatientLink, Contact]:
    """A new link asked for from an expired, used or locked one: sent to the contact on file, at most once
    per RESEND_INTERVAL for the patient, and audited with the link it was asked from."""
    patient = Patient.objects.select_related("site", "organisation").get(pk=old.patient_id)
    contact = contact_for(patient)
    with transaction.atomic():
        # Locks the patient's row, so two requests at the same moment cannot both send.
        Patient.objects.select_for_update().filter(pk=patient.pk).first()
        last = last_requested_link(patient=patient, now=now)
        if last is not None:
            again = (last.created_at + RESEND_INTERVAL).astimezone(zoneinfo.ZoneInfo(patient.site.time_zone))
            raise NewLinkTooSoon(f"A new link was sent by {contact.channel_text} a few minutes ago: check your "
                                 f"messages. If it has not come, ask again after {again:%H:%M}, or call the clinic.",
                                 field="link")
        link, token = actions.issue_link(patient=patient, actor=None, now=now, channel=contact.channel)
        record_event(actor=None, actor_kind=ActorKind.PATIENT, actor_label=f"patient {patient.mrn}",
                     organisation_id=patient.organisation_id, now=now, action="questionnaires.new_link_requested",
                     patients=[patient], subject=old, site_id=patient.site_id,
                     data={"new_link": link.pk, "channel": contact.channel})
    deliver(contact=contact, body=message_text(patient=patient, url=url_for(token), expires_at=link.expires_at))
    return link, contact


def last_requested_link(*, patient: Patient, now: dt.datetime) -> PatientLink | None:
    """The link the patient asked for themselves within RESEND_INTERVAL, if any (staff-sent links have a
    sender and do not count)."""
    return (PatientLink.objects.filter(patient=patient, created_by__isnull=True, created_at__gt=now - RESEND_INTERVAL)
            .order_by("-created_at").first())

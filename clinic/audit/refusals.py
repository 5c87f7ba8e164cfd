"""Recording refused access to patient data: who asked for what, by which route, and was turned away.

A signed-in user refused a page or an API call (403), or answered "not found" on a route that takes a
patient id (404), leaves one `audit.access_refused` event per user, patient id asked (or route, for a
refusal that asks for no patient) and day at the user's working site. Someone walking through
sequential ids therefore leaves one event per id tried, and the same refusal again that day writes
nothing, so repeats cannot fill the trail.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction

from clinic.audit.actions import locked_chain_head, record_event, zone_day
from clinic.audit.chain import chain_for
from clinic.audit.models import AuditEvent
from clinic.audit.queries import REFUSED_ACTION
from clinic.patients.models import Patient

# The URL argument that makes a route a patient route, on web pages and in the API alike.
PATIENT_ARGUMENT = "patient_id"
# Ids beyond a database integer are no one's; they are kept as typed and counted per route.
LARGEST_ID = 2**63 - 1
PATH_CHARS = 200
ARGUMENT_CHARS = 40


@dataclass(frozen=True)
class Refusal:
    """One refused request, as the audit event keeps it."""

    route: str  # the URL pattern's name, e.g. "patients:chart" or "api-v1:read_patient"
    path: str
    method: str
    status: int
    arguments: dict[str, str]  # the URL's arguments as asked for, e.g. {"patient_id": "42"}

    @property
    def patient_id(self) -> int | None:
        """The patient id asked for, when the route takes one and it could be a patient's."""
        typed = self.arguments.get(PATIENT_ARGUMENT, "")
        return int(typed) if typed.isascii() and typed.isdigit() and 0 < int(typed) <= LARGEST_ID else None

    @property
    def counted_as(self) -> str:
        """What one event a day stands for: the patient id asked for, else the route."""
        return f"patient:{self.patient_id}" if self.patient_id is not None else f"route:{self.route}"


def record_refusal(*, actor: Any, now: datetime, refusal: Refusal, site_id: int | None,
                   time_zone: str) -> AuditEvent | None:
    """Record a refused request unless this user's same refusal is recorded already this day in
    `time_zone` (the working site's), and return the event; None when it was recorded before.

    Runs in its own transaction: the refused work wrote nothing, but the refusal is kept.
    """
    chain = chain_for(actor.organisation_id)
    day_start, day_end = zone_day(now=now, time_zone=time_zone)
    recorded = AuditEvent.objects.filter(
        chain=chain, actor_id=actor.pk, action=REFUSED_ACTION, occurred_at__gte=day_start,
        occurred_at__lt=day_end, data__counted_as=refusal.counted_as)
    # Checked first without the chain's lock: a walk over ids already recorded costs one read and
    # holds up no one else's writing.
    if recorded.exists():
        return None
    with transaction.atomic():
        # Under the chain head's lock, two refusals arriving together cannot both write.
        locked_chain_head(chain)
        if recorded.exists():
            return None
        return record_event(actor=actor, now=now, action=REFUSED_ACTION, site_id=site_id,
                            patients=_own_patient(refusal.patient_id, organisation_id=actor.organisation_id),
                            data=_stored(refusal))


def _own_patient(patient_id: int | None, *, organisation_id: int) -> list[int]:
    """The patient asked for, when of the user's own organisation: another organisation's patient is
    never named or linked, only kept as the id typed."""
    if patient_id is None:
        return []
    return list(Patient.objects.filter(pk=patient_id, organisation_id=organisation_id)
                .values_list("pk", flat=True))


def _stored(refusal: Refusal) -> dict[str, Any]:
    return {
        "route": refusal.route,
        "path": refusal.path[:PATH_CHARS],
        "method": refusal.method,
        "status": refusal.status,
        "asked": {name: value[:ARGUMENT_CHARS] for name, value in refusal.arguments.items()},
        "counted_as": refusal.counted_as,
    }

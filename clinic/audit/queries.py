"""Reads of the audit trail for the medical director's pages."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from clinic.accounts.models import Role
from clinic.audit.chain import chain_for
from clinic.audit.models import AuditEvent, AuditEventPatient
from clinic.patients.models import Patient
from clinic.patients.queries import search_patients
from clinic.sites.models import Site

# A list page names dozens of patients in one event; the row shows a few and counts the rest.
PATIENTS_SHOWN_PER_EVENT = 5
ROLE_LABELS = dict(Role.choices)
# A refused request (clinic.audit.refusals writes it).
REFUSED_ACTION = "audit.access_refused"


@dataclass(frozen=True)
class AuditFilters:
    patient: str = ""
    staff_username: str = ""
    action_prefix: str = ""
    occurred_from: datetime | None = None
    occurred_before: datetime | None = None
    refusals_only: bool = False


@dataclass(frozen=True)
class RefusalShown:
    """What a refused request asked for, as its event keeps it."""

    route: str
    method: str
    path: str
    status: int
    asked: str  # the URL's ids, e.g. "patient_id 42, item_id 7"


@dataclass(frozen=True)
class EventRow:
    """One event as the pages show it: the patients named that the reader may see, by name."""

    event: AuditEvent
    role_label: str
    patient_count: int = 0
    patients: list[Patient] = field(default_factory=list)
    other_patient_count: int = 0
    time_zone: str = ""  # the zone of the event's site; empty for events of no site
    refusal: RefusalShown | None = None


def search_events(*, user: Any, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """The director's organisation's events matching every filter given, newest first."""
    events = _organisation_events(user)
    if filters.patient:
        matching = search_patients(user=user, query=filters.patient).values("pk")
        events = events.filter(pk__in=AuditEventPatient.objects.filter(patient_id__in=matching)
                               .values("event_id"))
    if filters.staff_username:
        events = events.filter(actor_label__iexact=filters.staff_username)
    if filters.action_prefix:
        events = events.filter(action__startswith=filters.action_prefix)
    if filters.refusals_only:
        events = events.filter(action=REFUSED_ACTION)
    if filters.occurred_from:
        events = events.filter(occurred_at__gte=filters.occurred_from)
    if filters.occurred_before:
        events = events.filter(occurred_at__lt=filters.occurred_before)
    return events


def patient_trail(*, user: Any, patient: Patient) -> QuerySet[AuditEvent]:
    """Every event naming this patient, newest first: who viewed or changed the record."""
    naming = AuditEventPatient.objects.filter(patient_id=patient.pk).values("event_id")
    return _organisation_events(user).filter(pk__in=naming)


def event_rows(*, user: Any, events: Iterable[AuditEvent]) -> list[EventRow]:
    """Rows for one page of events, with every named patient fetched in one query."""
    events = list(events)
    named_ids = {link.patient_id for event in events for link in event.patient_links.all()}
    visible = Patient.objects.visible_to(user).in_bulk(named_ids)
    zones = _site_zones(user, events)
    return [_row(event, visible, zones) for event in events]


def _site_zones(user: Any, events: list[AuditEvent]) -> dict[int, str]:
    """The zone of each event's site: the reader's own sites are known already; only events at
    other sites of the organisation cost a query."""
    zones = {site.id: site.time_zone for site in user.site_rows()}
    others = {event.site_id for event in events if event.site_id and event.site_id not in zones}
    if others:
        zones.update(Site.objects.filter(organisation_id=user.organisation_id, pk__in=others)
                     .values_list("id", "time_zone"))
    return zones


def patients_shown(rows: Iterable[EventRow]) -> list[Patient]:
    """Every patient whose name a page of rows put on screen, each once."""
    return list({patient.pk: patient for row in rows for patient in row.patients}.values())


def _organisation_events(user: Any) -> QuerySet[AuditEvent]:
    # Within one chain seq is the order of writing, and (chain, seq) is indexed.
    return (AuditEvent.objects.filter(chain=chain_for(user.organisation_id))
            .order_by("-seq").prefetch_related("patient_links"))


def _row(event: AuditEvent, visible: dict[int, Patient], zones: dict[int, str]) -> EventRow:
    links = sorted(event.patient_links.all(), key=lambda link: link.patient_id)
    # Patients of sites the reader does not work at are counted, never named.
    named = [visible[link.patient_id] for link in links if link.patient_id in visible]
    shown = named[:PATIENTS_SHOWN_PER_EVENT]
    return EventRow(event=event, role_label=ROLE_LABELS.get(event.role, event.role),
                    patient_count=len(links), patients=shown, other_patient_count=len(links) - len(shown),
                    time_zone=zones.get(event.site_id, ""), refusal=_refusal(event))


def _refusal(event: AuditEvent) -> RefusalShown | None:
    if event.action != REFUSED_ACTION:
        return None
    data = event.data
    asked = ", ".join(f"{name} {value}" for name, value in sorted(data.get("asked", {}).items()))
    return RefusalShown(route=data.get("route", ""), method=data.get("method", ""), path=data.get("path", ""),
                        status=data.get("status", 0), asked=asked)

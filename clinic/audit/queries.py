"""Reads of the audit trail for the medical director's pages."""

import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import Any

from django.db.models import QuerySet

from clinic.accounts.models import Role
from clinic.audit import sentences
from clinic.audit.chain import chain_for
from clinic.audit.models import AuditEvent, AuditEventPatient
from clinic.audit.sentences import LIST_ACTIONS, REFUSED_ACTION
from clinic.patients.models import Patient
from clinic.patients.queries import search_patients
from clinic.sites.models import Site

# A list page names dozens of patients in one event; the row shows a few and counts the rest.
PATIENTS_SHOWN_PER_EVENT = 5
ROLE_LABELS = dict(Role.choices)


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
    sentence: str = ""  # what happened, in words (clinic.audit.sentences)
    who: str = ""  # the staff member by name, or the label the event keeps for anyone else
    who_role: str = ""  # the role held then, or the kind of actor
    changed: list[str] = field(default_factory=list)  # the changed fields by their labels
    searched: str = ""  # what a list event's page was searched for


@dataclass(frozen=True)
class TrailRow:
    """One row of a patient's trail: one event, or a run of one person's list events on one day,
    newest first."""

    rows: list[EventRow]

    @property
    def newest(self) -> EventRow:
        return self.rows[0]

    @property
    def oldest(self) -> EventRow:
        return self.rows[-1]

    @property
    def grouped(self) -> bool:
        return len(self.rows) > 1

    @property
    def sentence(self) -> str:
        if self.grouped:
            return sentences.group_sentence(self.newest.event.action, len(self.rows))
        return self.newest.sentence


def search_events(*, user: Any, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """The director's organisation's events matching every filter given, newest first."""
    events = _organisation_events(user)
    if filters.patient:
        matching = search_patients(user=user, query=filters.patient).ids()
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
    return AuditEvent.objects.filter(chain=chain_for(user.organisation_id), pk__in=naming).order_by("-seq")


def event_rows(*, user: Any, events: Iterable[AuditEvent], one_patient: bool = False) -> list[EventRow]:
    """Rows for one page of events, with every named patient fetched in one query. On one patient's
    trail (`one_patient`) a list event reads as having shown "this patient"."""
    events = list(events)
    named_ids = {link.patient_id for event in events for link in event.patient_links.all()}
    visible = Patient.objects.visible_to(user).in_bulk(named_ids)
    zones = _site_zones(user, {event.site_id for event in events})
    return [_row(event, visible, zones, one_patient=one_patient) for event in events]


def patient_trail_runs(*, user: Any, patient: Patient, zone: tzinfo) -> list[tuple[int, ...]]:
    """The ids of the events naming this patient, newest first, in runs: consecutive list events
    (sentences.LIST_ACTIONS) of one action by one person on one day form one run, so a trail is not
    drowned by "appeared in a list"; every other event is a run of its own. A day is the day at the
    event's site, or in `zone` (the reader's) for an event of no site.

    Only ids, actors, actions, times and sites are read for the whole trail, in one query; a page of
    runs is then fetched whole by trail_rows."""
    slim = list(patient_trail(user=user, patient=patient)
                .values_list("pk", "actor_id", "actor_label", "action", "occurred_at", "site_id"))
    zones = _site_zones(user, {site_id for *_, site_id in slim})
    runs: list[list[int]] = []
    previous_key = None
    for pk, actor_id, actor_label, action, occurred_at, site_id in slim:
        key = (actor_id, actor_label, action, _day(occurred_at, zones.get(site_id), zone)) \
            if action in LIST_ACTIONS else None
        if key is not None and key == previous_key:
            runs[-1].append(pk)
        else:
            runs.append([pk])
        previous_key = key
    return [tuple(run) for run in runs]


def trail_rows(*, user: Any, runs: Sequence[tuple[int, ...]]) -> list[TrailRow]:
    """One page of a patient's trail: each run's events fetched and shown, in a fixed number of queries."""
    ids = [pk for run in runs for pk in run]
    rows = {row.event.pk: row for row in event_rows(
        user=user, events=_organisation_events(user).filter(pk__in=ids), one_patient=True)}
    return [TrailRow(rows=[rows[pk] for pk in run if pk in rows]) for run in runs]


def _day(occurred_at: datetime, site_zone: str | None, reader_zone: tzinfo) -> date:
    return occurred_at.astimezone(zoneinfo.ZoneInfo(site_zone) if site_zone else reader_zone).date()


def _site_zones(user: Any, site_ids: set[int | None]) -> dict[int, str]:
    """The zone of each site named: the reader's own sites are known already; only events at other
    sites of the organisation cost a query."""
    zones = {site.id: site.time_zone for site in user.site_rows()}
    others = {site_id for site_id in site_ids if site_id and site_id not in zones}
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
            .order_by("-seq").select_related("actor").prefetch_related("patient_links"))


def _row(event: AuditEvent, visible: dict[int, Patient], zones: dict[int, str], *, one_patient: bool) -> EventRow:
    links = sorted(event.patient_links.all(), key=lambda link: link.patient_id)
    # Patients of sites the reader does not work at are counted, never named.
    named = [visible[link.patient_id] for link in links if link.patient_id in visible]
    shown = named[:PATIENTS_SHOWN_PER_EVENT]
    name, role = sentences.who(event)
    return EventRow(event=event, role_label=ROLE_LABELS.get(event.role, event.role),
                    patient_count=len(links), patients=shown, other_patient_count=len(links) - len(shown),
                    time_zone=zones.get(event.site_id, ""), refusal=_refusal(event),
                    sentence=sentences.sentence(event, patients_named=None if one_patient else len(links)),
                    who=name, who_role=role, changed=sentences.changed_labels(event),
                    searched=sentences.searched(event))


def _refusal(event: AuditEvent) -> RefusalShown | None:
    if event.action != REFUSED_ACTION:
        return None
    data = event.data
    asked = ", ".join(f"{name} {value}" for name, value in sorted(data.get("asked", {}).items()))
    return RefusalShown(route=data.get("route", ""), method=data.get("method", ""), path=data.get("path", ""),
                        status=data.get("status", 0), asked=asked)

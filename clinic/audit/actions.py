"""Writing audit events. Every write of patient data calls record_event, and every read
record_view, inside the transaction of the work, so the event commits or rolls back with it."""

import ipaddress
import json
import zoneinfo
from collections.abc import Iterable
from datetime import datetime, time, timedelta
from typing import Any

from django.db import models, transaction
from django.utils.ipv6 import clean_ipv6_address

from clinic.audit.chain import GENESIS_HASH, SIGNED_FIELDS, chain_for, configured_key, event_hash
from clinic.audit.context import current_request
from clinic.audit.models import ActorKind, AuditChainHead, AuditEvent, AuditEventPatient
from clinic.audit.verification import ChainReport
from clinic.sites.models import Site


# No savepoint: the event is part of its caller's work, and a failed append must fail that work.
@transaction.atomic(savepoint=False)
def record_event(
    *,
    actor: Any,
    now: datetime,
    action: str,
    patients: Iterable[Any] = (),
    subject: models.Model | None = None,
    changed_fields: Iterable[str] = (),
    data: dict[str, Any] | None = None,
    site_id: int | None = None,
    actor_kind: str = ActorKind.STAFF,
    actor_label: str = "",
    organisation_id: int | None = None,
) -> AuditEvent:
    """Append one event to its organisation's chain and return it.

    `patients` are Patient rows or ids; `subject` is the object acted on. The chain head row is
    locked until the transaction ends, which orders concurrent writers. The row is signed with the
    audit key of the settings.
    """
    patient_ids = sorted({_patient_id(patient) for patient in patients} | _subject_patients(subject))
    staff = actor if actor_kind == ActorKind.STAFF and getattr(actor, "pk", None) else None
    if organisation_id is None and staff is not None:
        organisation_id = staff.organisation_id
    request = current_request.get()
    key = configured_key()
    event = AuditEvent(
        chain=chain_for(organisation_id),
        occurred_at=now,
        actor_kind=actor_kind,
        actor=staff,
        actor_label=actor_label or (staff.get_username() if staff else "system"),
        role=getattr(staff, "role", "") or "",
        site_id=site_id,
        action=action,
        object_type=subject._meta.label if subject is not None else "",
        object_id=str(subject.pk) if subject is not None else "",
        changed_fields=sorted(changed_fields),
        data=_as_stored_json(data or {}),
        request_id=request.request_id,
        ip=_as_stored_ip(request.ip),
        key_id=key.fingerprint,
    )
    head = locked_chain_head(event.chain)
    event.seq = head.seq + 1
    event.prev_hash = head.last_hash
    event.hash = event_hash(
        prev_hash=event.prev_hash,
        fields={name: getattr(event, name) for name in SIGNED_FIELDS},
        patient_ids=patient_ids,
        key=key,
    )
    event.save(force_insert=True)
    AuditEventPatient.objects.bulk_create(
        [AuditEventPatient(event=event, patient_id=patient_id) for patient_id in patient_ids]
    )
    AuditChainHead.objects.filter(pk=head.pk).update(seq=event.seq, last_hash=event.hash)
    return event


def record_view(
    *,
    actor: Any,
    now: datetime,
    action: str,
    patients: Iterable[Any],
    site_id: int | None = None,
    poll: bool = False,
    data: dict[str, Any] | None = None,
) -> AuditEvent | None:
    """Record that a page or API call showed these patients, and return the event.

    A live page's poll (`poll=True`) writes at most one event per user, action, site and patient per
    day at the page's site (`site_id`, required for a poll), from the site's midnight to its next: it
    names only the patients this user has not yet been recorded seeing with this action that day,
    and writes nothing (returns None) when there are none left.
    """
    if not poll:
        return record_event(actor=actor, now=now, action=action, patients=patients, site_id=site_id,
                            data=data)
    if site_id is None:
        raise ValueError("A live page's poll belongs to one site: pass its site_id.")
    with transaction.atomic(savepoint=False):
        # Under the chain head's lock, two polls arriving together cannot both write.
        locked_chain_head(chain_for(actor.organisation_id))
        patient_ids = _still_to_name_today(actor=actor, now=now, action=action, site_id=site_id,
                                           patient_ids={_patient_id(patient) for patient in patients})
        if patient_ids is None:
            return None
        return record_event(actor=actor, now=now, action=action, patients=patient_ids, site_id=site_id,
                            data={**(data or {}), "poll": True})


def _still_to_name_today(*, actor: Any, now: datetime, action: str, site_id: int,
                         patient_ids: set[int]) -> set[int] | None:
    """The patients this user's events with this action at this site have not named yet its day;
    None when nothing is left to write (a page showing nobody counts as one, once a day)."""
    day_start, day_end = _site_day(site_id=site_id, now=now)
    todays = AuditEvent.objects.filter(actor_id=actor.pk, action=action, site_id=site_id,
                                       occurred_at__gte=day_start, occurred_at__lt=day_end)
    if not patient_ids:
        return None if todays.exists() else set()
    named = set(AuditEventPatient.objects.filter(event__in=todays, patient_id__in=patient_ids)
                .values_list("patient_id", flat=True))
    return (patient_ids - named) or None


def _site_day(*, site_id: int, now: datetime) -> tuple[datetime, datetime]:
    return zone_day(now=now, time_zone=Site.objects.values_list("time_zone", flat=True).get(pk=site_id))


def zone_day(*, now: datetime, time_zone: str) -> tuple[datetime, datetime]:
    """From midnight to midnight in the zone, which is 23 or 25 hours across a clock change."""
    zone = zoneinfo.ZoneInfo(time_zone)
    day = now.astimezone(zone).date()
    return (datetime.combine(day, time.min, tzinfo=zone),
            datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone))


@transaction.atomic
def record_chain_check(*, report: ChainReport, now: datetime) -> AuditEvent:
    """Append the outcome of a chain check to the chain it checked, as the system."""
    problem = report.first_break
    return record_event(
        actor=None,
        now=now,
        action="audit.chain_verified",
        actor_kind=ActorKind.SYSTEM,
        actor_label="nightly chain check",
        organisation_id=int(report.chain) if report.chain.isdigit() else None,
        data={
            "intact": report.intact,
            "events_checked": report.events_checked,
            "last_seq": report.last_seq,
            "problem_count": report.problem_count,
            "first_break": None if problem is None else {
                "seq": problem.seq, "event_id": problem.event_id, "reason": problem.reason},
        },
    )


def locked_chain_head(chain: str) -> AuditChainHead:
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(
        chain=chain, defaults={"seq": 0, "last_hash": GENESIS_HASH}
    )
    return head


def _as_stored_json(data: dict[str, Any]) -> dict[str, Any]:
    # Hash what the database will give back: tuples become lists and number keys strings.
    return json.loads(json.dumps(data))


def _as_stored_ip(ip: str | None) -> str | None:
    """The address as the database will give it back; None for anything that is not one."""
    try:
        address = ipaddress.ip_address(ip or "")
    except ValueError:
        return None
    # PostgreSQL's inet keeps IPv4-mapped IPv6 addresses in dotted form, as Django does.
    return clean_ipv6_address(str(address)) if address.version == 6 else str(address)


def _patient_id(patient: Any) -> int:
    return int(getattr(patient, "pk", patient))


def _subject_patients(subject: models.Model | None) -> set[int]:
    if subject is None:
        return set()
    if subject._meta.label == "patients.Patient":
        return {int(subject.pk)}
    patient_id = getattr(subject, "patient_id", None)
    return {int(patient_id)} if patient_id else set()

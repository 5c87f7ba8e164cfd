"""Writing audit events. Every read and write of patient data calls record_event in its own
transaction, so the event commits or rolls back with the work it describes."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import models, transaction

from clinic.audit.chain import GENESIS_HASH, HASHED_FIELDS, chain_for, event_hash
from clinic.audit.context import current_request
from clinic.audit.models import ActorKind, AuditChainHead, AuditEvent, AuditEventPatient


@transaction.atomic
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
    locked until the transaction ends, which orders concurrent writers.
    """
    patient_ids = sorted({_patient_id(patient) for patient in patients} | _subject_patients(subject))
    staff = actor if actor_kind == ActorKind.STAFF and getattr(actor, "pk", None) else None
    if organisation_id is None and staff is not None:
        organisation_id = staff.organisation_id
    request = current_request.get()
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
        data=data or {},
        request_id=request.request_id,
        ip=request.ip,
    )
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(
        chain=event.chain, defaults={"seq": 0, "last_hash": GENESIS_HASH}
    )
    event.seq = head.seq + 1
    event.prev_hash = head.last_hash
    event.hash = event_hash(
        prev_hash=event.prev_hash,
        fields={name: getattr(event, name) for name in HASHED_FIELDS},
        patient_ids=patient_ids,
    )
    event.save(force_insert=True)
    AuditEventPatient.objects.bulk_create(
        [AuditEventPatient(event=event, patient_id=patient_id) for patient_id in patient_ids]
    )
    AuditChainHead.objects.filter(pk=head.pk).update(seq=event.seq, last_hash=event.hash)
    return event


def _patient_id(patient: Any) -> int:
    return int(getattr(patient, "pk", patient))


def _subject_patients(subject: models.Model | None) -> set[int]:
    if subject is None:
        return set()
    if subject._meta.label == "patients.Patient":
        return {int(subject.pk)}
    patient_id = getattr(subject, "patient_id", None)
    return {int(patient_id)} if patient_id else set()

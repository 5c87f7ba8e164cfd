"""Writes of the backup app: a copy or a restore of the whole database noted in every
organisation's audit trail."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction

from clinic.audit.actions import record_event
from clinic.audit.chain import chain_for
from clinic.audit.models import ActorKind
from clinic.sites.models import Organisation


@transaction.atomic
def record_database_copy(*, now: dt.datetime, action: str, file_name: str,
                         row_counts: Mapping[str, int]) -> int:
    """Note a backup or a restore of the whole database in every organisation's audit trail: it
    copies every patient's record. Returns how many chains were written."""
    organisations = list(Organisation.objects.order_by("pk").values_list("pk", flat=True))
    for organisation_id in organisations:
        record_event(actor=None, now=now, action=action, actor_kind=ActorKind.SYSTEM,
                     actor_label="manage.py " + action.split(".")[-1].removeprefix("database_"),
                     organisation_id=organisation_id,
                     data={"file": file_name, "patients": row_counts.get("patients_patient", 0),
                           "rows": sum(row_counts.values())})
    return len(organisations)


@dataclass(frozen=True)
class SafetyCopy:
    """The backup a restore made of the database it replaced."""

    file_name: str
    row_counts: Mapping[str, int]


@transaction.atomic
def record_restore(*, now: dt.datetime, os_user: str, backup_file: str, backup_created_at: str,
                   row_counts: Mapping[str, int], heads_before: Mapping[str, tuple[int, str]],
                   heads_restored: Mapping[str, tuple[int, str]], safety_copy: SafetyCopy | None) -> int:
    """Note a restore in every organisation's chain of the restored database: who ran it (the
    system user), which backup, and the chain's head before and after; first, when one was made,
    the safety copy of the database it replaced, as the export it is. Returns how many chains."""
    organisations = list(Organisation.objects.order_by("pk").values_list("pk", flat=True))
    label = f"{os_user} (manage.py restore)"[:150]
    for organisation_id in organisations:
        chain = chain_for(organisation_id)
        if safety_copy is not None:
            record_event(actor=None, now=now, action="exports.database_backup", actor_kind=ActorKind.SYSTEM,
                         actor_label=label, organisation_id=organisation_id,
                         data={"file": safety_copy.file_name, "before_restore": True,
                               "patients": safety_copy.row_counts.get("patients_patient", 0),
                               "rows": sum(safety_copy.row_counts.values())})
        record_event(actor=None, now=now, action="backups.restored", actor_kind=ActorKind.SYSTEM,
                     actor_label=label, organisation_id=organisation_id,
                     data={"file": backup_file, "backup_created_at": backup_created_at, "os_user": os_user,
                           "patients": row_counts.get("patients_patient", 0), "rows": sum(row_counts.values()),
                           "head_before": _head(heads_before.get(chain)),
                           "head_restored": _head(heads_restored.get(chain))})
    return len(organisations)


def _head(head: tuple[int, str] | None) -> dict[str, object] | None:
    return None if head is None else {"seq": head[0], "hash": head[1]}

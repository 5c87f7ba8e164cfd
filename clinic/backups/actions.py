"""Writes of the backup app: a copy of the whole database noted in every organisation's audit trail."""

import datetime as dt
from collections.abc import Mapping

from django.db import transaction

from clinic.audit.actions import record_event
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

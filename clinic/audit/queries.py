from typing import Any

from django.db.models import QuerySet

from clinic.audit.chain import chain_for
from clinic.audit.models import AuditEvent


def events_for_organisation(*, user: Any, action: str = "") -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.filter(chain=chain_for(user.organisation_id))
    events = events.prefetch_related("patient_links")
    if action:
        events = events.filter(action__startswith=action)
    return events

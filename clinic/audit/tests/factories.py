import datetime as dt

import factory

from clinic.audit.actions import record_event
from clinic.audit.models import AuditEvent

# The same instant as conftest's `now`.
EVENT_AT = dt.datetime(2026, 11, 24, 14, 30, tzinfo=dt.UTC)


class AuditEventFactory(factory.django.DjangoModelFactory):
    """An event appended through record_event, so it sits in its chain like a real one."""

    class Meta:
        model = AuditEvent

    actor = None
    now = EVENT_AT
    action = "patients.chart_viewed"
    patients = ()

    @classmethod
    def _create(cls, model_class: type[AuditEvent], *args: object, **kwargs: object) -> AuditEvent:
        return record_event(**kwargs)

"""Changing a site's clinic protocol: only the medical director, with a reason, one section at a time.

Each change writes the next version in full; earlier versions stay as they were, because screening
runs, decisions, consents and courses name the version they used.
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction

from clinic.accounts.models import Role
from clinic.audit.actions import record_event
from clinic.protocols.models import ClinicProtocol
from clinic.protocols.queries import current_protocol
from clinic.rules import protocols as catalogue
from clinic.rules.errors import DomainError
from clinic.sites.models import Site


class NotDirector(DomainError):
    code = "DIRECTOR_ONLY"


class NothingChanged(DomainError):
    code = "NOTHING_CHANGED"


class ReasonRequired(DomainError):
    code = "REASON_REQUIRED"
    field = "reason"


class ChangedMeanwhile(DomainError):
    code = "PROTOCOL_CHANGED_MEANWHILE"


def change_section(*, actor: Any, now: datetime, site: Site, section: str, values: Mapping[str, Any],
                   reason: str, based_on: int | None = None) -> ClinicProtocol:
    """Write the next version with one section's values replaced.

    `values` are the section's fields as a form or the API sends them (decimals as text); the rules
    refuse what they cannot apply, with the field named. `based_on` is the version the director was
    looking at: when someone saved another version since, the change is refused rather than silently
    undoing theirs.
    """
    if getattr(actor, "role", None) != Role.DIRECTOR:
        raise NotDirector("Only the medical director may change the clinic's protocol.")
    if not reason.strip():
        raise ReasonRequired("Say why the protocol changes; the reason is kept with the version.")
    current = current_protocol(site=site, now=now)
    if based_on is not None and based_on != current.version:
        raise ChangedMeanwhile(f"The protocol was changed to {current.label} while you edited "
                               f"v{based_on}. Reload the page and make the change again.")
    catalogue.section(section)
    new_section = catalogue.to_values(catalogue.build(section, values))
    old_section = current.values.get(section, {})
    changed = sorted(name for name, value in new_section.items() if old_section.get(name) != value)
    if not changed:
        raise NothingChanged("No setting differs from the version in force; nothing was saved.")
    new_values = {**current.values, section: new_section}
    catalogue.build_all(new_values)
    try:
        with transaction.atomic():
            version = ClinicProtocol.objects.create(
                site=site, version=current.version + 1, values=new_values, rules_version=catalogue.RULES_VERSION,
                reason=reason.strip(), changed_section=section, changed_fields=changed, created_by=actor,
                created_at=now)
            record_event(actor=actor, now=now, action="protocols.changed", subject=version, site_id=site.pk,
                         changed_fields=changed,
                         data={"section": section, "version": version.version, "reason": version.reason,
                               "before": {name: old_section.get(name) for name in changed},
                               "after": {name: new_section[name] for name in changed}})
    except IntegrityError:
        raise ChangedMeanwhile("Someone saved the protocol at the same moment. Reload the page and make "
                               "the change again.") from None
    return version

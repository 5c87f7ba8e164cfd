"""The director's changes to sites, opening hours, closed dates and chairs, each with its audit event."""

import datetime as dt
import zoneinfo
from collections.abc import Mapping

from django.db import transaction

from clinic.audit.actions import record_event
from clinic.rules.errors import DomainError
from clinic.rules.typed_values import day_text
from clinic.sites.models import WEEKDAYS, Chair, ClosedDate, OpeningHours, Organisation, Site
from clinic.sites.queries import site_today

WEEKDAY_NAMES = dict(WEEKDAYS)


class SiteCodeTaken(DomainError):
    code = "SITE_CODE_TAKEN"
    field = "code"


class UnknownTimeZone(DomainError):
    code = "UNKNOWN_TIME_ZONE"
    field = "time_zone"


class ClosesBeforeOpens(DomainError):
    code = "CLOSES_BEFORE_OPENS"


class ClosedDateInPast(DomainError):
    code = "CLOSED_DATE_IN_PAST"
    field = "closed_on"


class ClosedDateExists(DomainError):
    code = "CLOSED_DATE_EXISTS"
    field = "closed_on"


class ChairNameTaken(DomainError):
    code = "CHAIR_NAME_TAKEN"
    field = "name"


class NotYourOrganisation(DomainError):
    code = "NOT_YOUR_ORGANISATION"


SITE_FIELDS = ("name", "code", "time_zone", "address", "phone")


@transaction.atomic
def create_site(*, actor, now: dt.datetime, name: str, code: str, time_zone: str, address: str,
                phone: str) -> Site:
    values = _site_values(name=name, code=code, time_zone=time_zone, address=address, phone=phone)
    _lock_organisation(actor.organisation_id)
    _require_free_code(organisation_id=actor.organisation_id, code=values["code"])
    site = Site.objects.create(organisation_id=actor.organisation_id, **values)
    record_event(actor=actor, now=now, action="sites.site_created", subject=site, site_id=site.pk,
                 data={"name": site.name, "code": site.code, "time_zone": site.time_zone})
    return site


@transaction.atomic
def change_site(*, site: Site, actor, now: dt.datetime, name: str, code: str, time_zone: str,
                address: str, phone: str) -> list[str]:
    """Change a site's details; return the names of the fields that changed."""
    _require_own(actor=actor, site=site)
    _lock_organisation(site.organisation_id)
    site = Site.objects.select_for_update().get(pk=site.pk)
    values = _site_values(name=name, code=code, time_zone=time_zone, address=address, phone=phone)
    if values["code"].lower() != site.code.lower():
        _require_free_code(organisation_id=site.organisation_id, code=values["code"])
    changed = [field for field in SITE_FIELDS if getattr(site, field) != values[field]]
    if changed:
        before = {field: getattr(site, field) for field in changed}
        Site.objects.filter(pk=site.pk).update(**values)
        record_event(actor=actor, now=now, action="sites.site_changed", subject=site, site_id=site.pk,
                     changed_fields=changed,
                     data={"before": before, "after": {field: values[field] for field in changed}})
    return changed


def _site_values(*, name: str, code: str, time_zone: str, address: str, phone: str) -> dict:
    if time_zone not in zoneinfo.available_timezones():
        raise UnknownTimeZone(f"{time_zone!r} is not a known time zone. Use a name such as "
                              "America/Chicago or Europe/London.")
    return {"name": name.strip(), "code": code.strip().upper(), "time_zone": time_zone,
            "address": address.strip(), "phone": phone.strip()}


def _require_free_code(*, organisation_id: int, code: str) -> None:
    if Site.objects.filter(organisation_id=organisation_id, code__iexact=code).exists():
        raise SiteCodeTaken(f"Another site already uses the code {code}. Choose a different code.")


def _lock_organisation(organisation_id: int) -> None:
    """Hold the organisation's row until the transaction ends, so two directors adding sites at the
    same moment check codes one after the other instead of both passing and one failing at insert."""
    Organisation.objects.select_for_update().filter(pk=organisation_id).exists()


def _lock_site(site: Site) -> None:
    """Hold the site's row, so checks for a free chair name or closed date cannot race."""
    Site.objects.select_for_update().filter(pk=site.pk).exists()


def _require_own(*, actor, site: Site) -> None:
    if site.organisation_id != actor.organisation_id:
        raise NotYourOrganisation("This site belongs to another organisation.")


@transaction.atomic
def set_opening_hours(*, site: Site, actor, now: dt.datetime,
                      hours: Mapping[str, tuple[dt.time, dt.time] | None]) -> list[str]:
    """Replace the week's opening hours: a weekday given None (or left out) is closed and has
    no row. Return the weekdays that changed."""
    _require_own(actor=actor, site=site)
    for weekday, times in hours.items():
        if times is not None and times[1] <= times[0]:
            raise ClosesBeforeOpens(f"On {WEEKDAY_NAMES[weekday]} the closing time must be after the "
                                    f"opening time ({times[0]:%H:%M}).", field=weekday)
    before = _hours_by_weekday(site)
    after = {weekday: hours.get(weekday) for weekday in WEEKDAY_NAMES}
    changed = [weekday for weekday in WEEKDAY_NAMES if before.get(weekday) != after[weekday]]
    if not changed:
        return []
    OpeningHours.objects.filter(site=site, weekday__in=changed).delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(site=site, weekday=weekday, opens_at=after[weekday][0], closes_at=after[weekday][1])
        for weekday in changed if after[weekday] is not None
    )
    record_event(actor=actor, now=now, action="sites.opening_hours_changed", subject=site,
                 site_id=site.pk, changed_fields=changed,
                 data={"hours": {weekday: _hours_text(after[weekday]) for weekday in WEEKDAY_NAMES}})
    return changed


def _hours_by_weekday(site: Site) -> dict[str, tuple[dt.time, dt.time]]:
    return {row.weekday: (row.opens_at, row.closes_at) for row in OpeningHours.objects.filter(site=site)}


def _hours_text(times: tuple[dt.time, dt.time] | None) -> list[str] | None:
    return [f"{times[0]:%H:%M}", f"{times[1]:%H:%M}"] if times else None


@transaction.atomic
def add_closed_date(*, site: Site, actor, now: dt.datetime, closed_on: dt.date, reason: str) -> ClosedDate:
    _require_own(actor=actor, site=site)
    today = site_today(site=site, now=now)
    if closed_on < today:
        raise ClosedDateInPast(f"{day_text(closed_on)} has passed. Enter today or a later date.")
    _lock_site(site)
    if ClosedDate.objects.filter(site=site, closed_on=closed_on).exists():
        raise ClosedDateExists(f"{site.name} is already closed on {day_text(closed_on)}.")
    closure = ClosedDate.objects.create(site=site, closed_on=closed_on, reason=reason.strip())
    record_event(actor=actor, now=now, action="sites.closed_date_added", subject=closure,
                 site_id=site.pk, data={"closed_on": closed_on.isoformat(), "reason": closure.reason})
    return closure


@transaction.atomic
def remove_closed_date(*, closure: ClosedDate, actor, now: dt.datetime) -> None:
    """Open a future closed date again. Past closures stay as the record of when the site was shut."""
    _require_own(actor=actor, site=closure.site)
    if closure.closed_on < site_today(site=closure.site, now=now):
        raise ClosedDateInPast(f"{day_text(closure.closed_on)} has passed; past closures are kept "
                               "as a record.")
    record_event(actor=actor, now=now, action="sites.closed_date_removed", subject=closure,
                 site_id=closure.site_id,
                 data={"closed_on": closure.closed_on.isoformat(), "reason": closure.reason})
    closure.delete()


@transaction.atomic
def add_chair(*, site: Site, actor, now: dt.datetime, name: str) -> Chair:
    _require_own(actor=actor, site=site)
    name = name.strip()
    _lock_site(site)
    _require_free_chair_name(site=site, name=name)
    chair = Chair.objects.create(site=site, name=name)
    record_event(actor=actor, now=now, action="sites.chair_added", subject=chair, site_id=site.pk,
                 data={"name": name})
    return chair


@transaction.atomic
def rename_chair(*, chair: Chair, actor, now: dt.datetime, name: str) -> Chair:
    _require_own(actor=actor, site=chair.site)
    name = name.strip()
    if name == chair.name:
        return chair
    _lock_site(chair.site)
    _require_free_chair_name(site=chair.site, name=name, exclude_pk=chair.pk)
    before = chair.name
    Chair.objects.filter(pk=chair.pk).update(name=name)
    chair.name = name
    record_event(actor=actor, now=now, action="sites.chair_renamed", subject=chair,
                 site_id=chair.site_id, changed_fields=["name"],
                 data={"before": {"name": before}, "after": {"name": name}})
    return chair


def _require_free_chair_name(*, site: Site, name: str, exclude_pk: int | None = None) -> None:
    if Chair.objects.filter(site=site, name__iexact=name).exclude(pk=exclude_pk).exists():
        raise ChairNameTaken(f"{site.name} already has a chair called {name!r}. Choose another name.")


@transaction.atomic
def deactivate_chair(*, chair: Chair, actor, now: dt.datetime) -> None:
    """Take a chair out of use (repair, removal). It stays in past records and can come back."""
    _set_chair_active(chair=chair, actor=actor, now=now, active=False)


@transaction.atomic
def reactivate_chair(*, chair: Chair, actor, now: dt.datetime) -> None:
    _set_chair_active(chair=chair, actor=actor, now=now, active=True)


def _set_chair_active(*, chair: Chair, actor, now: dt.datetime, active: bool) -> None:
    _require_own(actor=actor, site=chair.site)
    if Chair.objects.filter(pk=chair.pk).exclude(active=active).update(active=active):
        chair.active = active
        action = "sites.chair_reactivated" if active else "sites.chair_deactivated"
        record_event(actor=actor, now=now, action=action, subject=chair, site_id=chair.site_id,
                     data={"name": chair.name})


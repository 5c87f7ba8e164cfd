"""Reads for the director's site pages."""

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from clinic.sites.models import WEEKDAYS, Chair, ClosedDate, OpeningHours, Site

WEEKDAY_ORDER = {code: index for index, (code, _) in enumerate(WEEKDAYS)}


def site_today(*, site: Site, now: dt.datetime) -> dt.date:
    """Today at the site, which need not be today where the server is."""
    return now.astimezone(zoneinfo.ZoneInfo(site.time_zone)).date()


def managed_sites(*, user) -> QuerySet[Site]:
    """The sites of the director's organisation, with chair counts and opening hours."""
    return (
        Site.objects.filter(organisation_id=user.organisation_id)
        .annotate(chair_count=Count("chairs", filter=Q(chairs__active=True)))
        .prefetch_related("opening_hours")
        .order_by("name")
    )


def managed_chairs(*, user) -> QuerySet[Chair]:
    return Chair.objects.filter(site__organisation_id=user.organisation_id).select_related("site")


def managed_closed_dates(*, user) -> QuerySet[ClosedDate]:
    return ClosedDate.objects.filter(site__organisation_id=user.organisation_id).select_related("site")


@dataclass(frozen=True)
class DayHours:
    weekday: str
    label: str
    hours: OpeningHours | None


def week_hours(site: Site) -> list[DayHours]:
    """Monday to Sunday, each with its opening hours or None when closed."""
    rows = {row.weekday: row for row in site.opening_hours.all()}
    return [DayHours(weekday=code, label=label, hours=rows.get(code)) for code, label in WEEKDAYS]


@dataclass(frozen=True)
class SitePage:
    site: Site
    week: list[DayHours]
    closed_dates: list[ClosedDate]
    chairs: list[Chair]


def site_page(*, site_id: int, user, now: dt.datetime) -> SitePage | None:
    """One managed site with its week, its closed dates from today on, and all its chairs."""
    site = (managed_sites(user=user)
            .prefetch_related(Prefetch("chairs", queryset=Chair.objects.order_by("-active", "name")))
            .filter(pk=site_id).first())
    if site is None:
        return None
    closed = site.closed_dates.filter(closed_on__gte=site_today(site=site, now=now)).order_by("closed_on")
    return SitePage(site=site, week=week_hours(site), closed_dates=list(closed),
                    chairs=list(site.chairs.all()))

"""The demo organisation and its two sites, each with opening hours and chairs."""

import datetime as dt

from clinic.sites.models import Chair, OpeningHours, Organisation, Site

ORGANISATION_NAME = "Riverside Infusion Clinic (demo)"
SITES = (
    ("MAIN", "Riverside Main", "America/New_York", 6),
    ("NORTH", "Riverside North", "America/New_York", 3),
)
WEEKDAY_HOURS = {"mon": ("08:00", "18:00"), "tue": ("08:00", "18:00"), "wed": ("08:00", "18:00"),
                 "thu": ("08:00", "18:00"), "fri": ("08:00", "16:00"), "sat": ("09:00", "13:00")}
# The demo clinic opened a year before the day it is loaded, so its history fits inside.
OPEN_FOR_DAYS = 365


def seed_organisation(*, now: dt.datetime) -> Organisation:
    organisation, _ = Organisation.objects.get_or_create(
        name=ORGANISATION_NAME, defaults={"created_at": now - dt.timedelta(days=OPEN_FOR_DAYS)})
    return organisation


def seed_sites(organisation: Organisation) -> dict[str, Site]:
    """The demo sites by code; a site already there keeps its hours and chairs."""
    return {code: _site(organisation, code, name, zone, chairs) for code, name, zone, chairs in SITES}


def _site(organisation: Organisation, code: str, name: str, zone: str, chair_count: int) -> Site:
    site, created = Site.objects.get_or_create(
        organisation=organisation, code=code, defaults={"name": name, "time_zone": zone})
    if created:
        for weekday, (opens, closes) in WEEKDAY_HOURS.items():
            OpeningHours.objects.create(site=site, weekday=weekday, opens_at=opens, closes_at=closes)
        Chair.objects.bulk_create(Chair(site=site, name=f"Chair {n}") for n in range(1, chair_count + 1))
    return site

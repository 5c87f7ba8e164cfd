"""The demo clinic: one organisation, a main and a second site, staff of every role.

Synthetic people only; nothing here describes a real person.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from clinic.accounts.models import Role, StaffUser
from clinic.sites import demo_patients
from clinic.sites.models import Chair, OpeningHours, Organisation, Site

ORGANISATION_NAME = "Riverside Infusion Clinic (demo)"
SITES = (
    ("MAIN", "Riverside Main", "America/New_York", 6),
    ("NORTH", "Riverside North", "America/New_York", 3),
)
WEEKDAY_HOURS = {"mon": ("08:00", "18:00"), "tue": ("08:00", "18:00"), "wed": ("08:00", "18:00"),
                 "thu": ("08:00", "18:00"), "fri": ("08:00", "16:00"), "sat": ("09:00", "13:00")}
STAFF = (
    ("director", "Dana", "Whitfield", "MD", Role.DIRECTOR, ("MAIN", "NORTH")),
    ("prescriber", "Priya", "Raman", "NP", Role.PRESCRIBER, ("MAIN",)),
    ("nurse", "Noah", "Castillo", "RN", Role.NURSE, ("MAIN",)),
    ("frontdesk", "Frances", "Doyle", "", Role.FRONT_DESK, ("MAIN",)),
    ("nurse.north", "Nia", "Okafor", "RN", Role.NURSE, ("NORTH",)),
)


# The demo clinic opened a year before the day it is loaded, so its history fits inside.
OPEN_FOR_DAYS = 365


@dataclass(frozen=True)
class SeedSummary:
    organisation_name: str
    patients_added: int
    patient_count: int
    referring_clinician_count: int
    logins: list[tuple[str, str]]


@transaction.atomic
def seed(*, now: dt.datetime, password: str) -> SeedSummary:
    """Load what is missing of the demo clinic and set every demo login's password."""
    organisation, _ = Organisation.objects.get_or_create(
        name=ORGANISATION_NAME, defaults={"created_at": now - dt.timedelta(days=OPEN_FOR_DAYS)})
    sites = {code: _site(organisation, code, name, zone, chairs) for code, name, zone, chairs in SITES}
    staff = [_staff(organisation, sites, password, *row) for row in STAFF]
    team = {user.username: user for user in staff}
    directory = demo_patients.seed_referral_directory(actor=team["director"], now=now)
    patients_added = 0
    # Patients go in all together or not at all, so a second run adds none.
    if not organisation.patients.exists():
        patients_added = demo_patients.seed_patients(sites=sites, staff=staff, directory=directory, now=now)
    return SeedSummary(
        organisation_name=organisation.name,
        patients_added=patients_added,
        patient_count=organisation.patients.count(),
        referring_clinician_count=len(directory),
        logins=[(user.username, user.get_role_display()) for user in staff],
    )


def _site(organisation: Organisation, code: str, name: str, zone: str, chair_count: int) -> Site:
    site, created = Site.objects.get_or_create(
        organisation=organisation, code=code, defaults={"name": name, "time_zone": zone})
    if created:
        for weekday, (opens, closes) in WEEKDAY_HOURS.items():
            OpeningHours.objects.create(site=site, weekday=weekday, opens_at=opens, closes_at=closes)
        Chair.objects.bulk_create(Chair(site=site, name=f"Chair {n}") for n in range(1, chair_count + 1))
    return site


def _staff(organisation: Organisation, sites: dict[str, Site], password: str, username: str,
           given: str, family: str, credentials: str, role: str, site_codes: tuple[str, ...]) -> StaffUser:
    user, _ = StaffUser.objects.get_or_create(
        username=username,
        defaults={"first_name": given, "last_name": family, "credentials": credentials, "role": role,
                  "organisation": organisation, "email": f"{username}@demo.invalid"},
    )
    # The printed password must work, so every run sets it.
    user.set_password(password)
    user.save(update_fields=["password"])
    user.sites.set([sites[code] for code in site_codes])
    return user

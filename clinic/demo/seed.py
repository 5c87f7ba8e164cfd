"""The demo clinic, assembled from each app's demo data: the organisation and its sites, the staff
logins, and the referral directory and patients.

Synthetic people only; nothing here describes a real person. `manage.py seed_demo` runs it.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from clinic.demo import consents, courses, patients, questionnaires, referrals, screening, sites, staff


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
    organisation = sites.seed_organisation(now=now)
    clinic_sites = sites.seed_sites(organisation)
    team = staff.seed_staff(organisation=organisation, sites=clinic_sites, password=password)
    director = next(user for user in team if user.username == staff.DIRECTOR)
    directory = patients.seed_referral_directory(actor=director, now=now)
    patients_added = 0
    # Patients go in all together or not at all, so a second run adds none.
    if not organisation.patients.exists():
        patients_added = patients.seed_patients(sites=clinic_sites, staff=team, directory=directory, now=now)
    people = {user.username: user for user in team}
    questionnaires.assign_prescribers(organisation=organisation, clinicians={
        code: people[roles["clinician"]] for code, roles in patients.TEAMS.items()})
    questionnaires.seed_alert_settings(sites=clinic_sites, director=director, now=organisation.created_at)
    questionnaires.seed_histories(organisation=organisation, now=now)
    screening.seed_screening(organisation=organisation, now=now)
    consents.seed_consents(organisation=organisation, now=now)
    courses.seed_courses(organisation=organisation, now=now)
    referrals.seed_referrals(organisation=organisation, sites=clinic_sites, directory=directory, now=now,
                             team={code: people[roles["front"]] for code, roles in patients.TEAMS.items()})
    return SeedSummary(
        organisation_name=organisation.name,
        patients_added=patients_added,
        patient_count=organisation.patients.count(),
        referring_clinician_count=len(directory),
        logins=[(user.username, user.get_role_display()) for user in team],
    )

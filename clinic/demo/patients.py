"""Synthetic demo patients at every stage of intake, written through the patient actions.

A fixed seed gives the same patients on every machine; every date counts back from `now`, so the
demo always looks current. Each write is dated when it would have happened (referral, intake
visit, results, a later check) and the writes run in date order, so the audit trail reads like a
real clinic's. Names, contacts and histories come from `catalogue` and describe nobody.
"""

import datetime as dt
import random
import zoneinfo
from dataclasses import dataclass
from typing import Any

from clinic.accounts.models import StaffUser
from clinic.demo import catalogue, intake
from clinic.demo.intake import COMPLETE, REFERRED, STARTED, Person
from clinic.patients import actions
from clinic.patients.models import Patient, ReferringClinician
from clinic.sites.models import Site

SEED = 20261124

# site, stage, primary indication, safety profile (catalogue.PROFILES); one row per patient.
ROSTER = (
    ("MAIN", COMPLETE, "TRD_UNIPOLAR", "clear"),
    ("MAIN", COMPLETE, "TRD_UNIPOLAR", "clear"),
    ("MAIN", COMPLETE, "TRD_UNIPOLAR", "htn_controlled"),
    ("MAIN", COMPLETE, "TRD_UNIPOLAR", "sud_past"),
    ("MAIN", COMPLETE, "TRD_UNIPOLAR", "older"),
    ("MAIN", COMPLETE, "TRD_UNIPOLAR", "clear"),
    ("MAIN", COMPLETE, "TRD_UNIPOLAR", "cystitis"),
    ("MAIN", COMPLETE, "TRD_UNIPOLAR", "ketamine_misuse_past"),
    ("MAIN", COMPLETE, "TRD_UNIPOLAR", "htn_uncontrolled"),
    ("MAIN", COMPLETE, "TRD_UNIPOLAR", "pregnant"),
    ("MAIN", COMPLETE, "TRD_UNIPOLAR", "clear"),
    ("MAIN", STARTED, "TRD_UNIPOLAR", "clear"),
    ("MAIN", STARTED, "TRD_UNIPOLAR", "liver"),
    ("MAIN", REFERRED, "TRD_UNIPOLAR", "clear"),
    ("MAIN", REFERRED, "TRD_UNIPOLAR", "minor"),
    ("MAIN", COMPLETE, "TRD_BIPOLAR", "clear"),
    ("MAIN", COMPLETE, "TRD_BIPOLAR", "older"),
    ("MAIN", COMPLETE, "TRD_BIPOLAR", "psychosis"),
    ("MAIN", STARTED, "TRD_BIPOLAR", "clear"),
    ("MAIN", COMPLETE, "ANXIETY", "clear"),
    ("MAIN", COMPLETE, "ANXIETY", "clear"),
    ("MAIN", STARTED, "ANXIETY", "clear"),
    ("MAIN", REFERRED, "ANXIETY", "clear"),
    ("MAIN", COMPLETE, "PTSD", "clear"),
    ("MAIN", COMPLETE, "PTSD", "sud_past"),
    ("MAIN", STARTED, "PTSD", "clear"),
    ("MAIN", REFERRED, "PTSD", "clear"),
    ("MAIN", COMPLETE, "OCD", "clear"),
    ("MAIN", STARTED, "OCD", "clear"),
    ("MAIN", COMPLETE, "FIBROMYALGIA", "liver"),
    ("MAIN", COMPLETE, "FIBROMYALGIA", "older"),
    ("MAIN", REFERRED, "FIBROMYALGIA", "clear"),
    ("MAIN", COMPLETE, "MIGRAINE_CHRONIC", "clear"),
    ("MAIN", STARTED, "MIGRAINE_CHRONIC", "cystitis"),
    ("NORTH", COMPLETE, "TRD_UNIPOLAR", "clear"),
    ("NORTH", COMPLETE, "TRD_BIPOLAR", "clear"),
    ("NORTH", STARTED, "PTSD", "clear"),
    ("NORTH", COMPLETE, "MIGRAINE_CHRONIC", "htn_controlled"),
    ("NORTH", REFERRED, "OCD", "clear"),
    ("NORTH", STARTED, "TRD_UNIPOLAR", "older"),
)
# Who does what at each site: front desk registers, a prescriber takes the history, a nurse
# measures and records results.
TEAMS = {"MAIN": {"front": "frontdesk", "clinician": "prescriber", "nurse": "nurse"},
         "NORTH": {"front": "nurse.north", "clinician": "director", "nurse": "nurse.north"}}
# How many days ago a patient at each stage was referred.
REFERRED_DAYS_AGO = {REFERRED: (1, 6), STARTED: (9, 25), COMPLETE: (40, 150)}
DIRECTORY_DAYS_AGO = 200


@dataclass(frozen=True)
class Write:
    """One action call, dated when it would have happened."""

    at: dt.datetime
    number: int
    actor: StaffUser
    kind: str
    fields: dict[str, Any]


def seed_referral_directory(*, actor: StaffUser, now: dt.datetime) -> dict[str, ReferringClinician]:
    """The outside clinicians who refer demo patients; only those missing are added."""
    directory = {clinician.name: clinician
                 for clinician in ReferringClinician.objects.filter(organisation_id=actor.organisation_id)}
    added_at = now - dt.timedelta(days=DIRECTORY_DAYS_AGO)
    for index, (name, credentials, practice, _) in enumerate(catalogue.REFERRING_CLINICIANS):
        if name not in directory:
            directory[name] = actions.save_referring_clinician(
                actor=actor, now=added_at, referrer=None, name=name, credentials=credentials,
                practice=practice, phone=f"(617) 555-01{10 + index:02d}", fax=f"(617) 555-01{50 + index:02d}",
                email=f"referrals{index + 1}@example.com",
                address=f"{20 + 7 * index} {catalogue.STREETS[index]}, {catalogue.TOWNS[index % 3]}")
    return directory


def seed_patients(*, sites: dict[str, Site], staff: list[StaffUser],
                  directory: dict[str, ReferringClinician], now: dt.datetime) -> int:
    """Register the demo patients with their intakes and return how many were added."""
    rng = random.Random(SEED)  # noqa: S311 - made-up demo data, repeatable on purpose; no secrets
    people = {user.username: user for user in staff}
    family_names = rng.sample(catalogue.FAMILY_NAMES, len(ROSTER))
    writes: list[Write] = []
    for number, (row, family_name) in enumerate(zip(ROSTER, family_names, strict=True), start=1):
        site = sites[row[0]]
        team = {role: people[username] for role, username in TEAMS[row[0]].items()}
        writes += _plan(rng, number, row, site=site, team=team, family_name=family_name,
                        directory=directory, now=now)
    # A stable sort keeps each patient's same-minute writes in the order they were planned.
    writes.sort(key=lambda write: write.at)
    patients: dict[int, Patient] = {}
    for write in writes:
        _apply(write, patients)
    return len(patients)


def _apply(write: Write, patients: dict[int, Patient]) -> None:
    if write.kind == "register":
        patients[write.number] = actions.register_patient(actor=write.actor, now=write.at, **write.fields)
    elif write.kind == "safety_history":
        actions.save_safety_history(actor=write.actor, now=write.at, patient=patients[write.number],
                                    **write.fields)
    else:
        # In `values`: prior treatments and results have a field of their own named `kind`.
        actions.add_intake_item(actor=write.actor, now=write.at, patient=patients[write.number],
                                kind=write.kind, values=write.fields)


def _plan(rng: random.Random, number: int, row: tuple[str, ...], *, site: Site,
          team: dict[str, StaffUser], family_name: str, directory: dict[str, ReferringClinician],
          now: dt.datetime) -> list[Write]:
    zone = zoneinfo.ZoneInfo(site.time_zone)
    person = _person(rng, row, today=now.astimezone(zone).date())
    # The clinician who takes the history is the patient's prescriber, told of their clinical alerts.
    registry = _registry(rng, person, site=site, family_name=family_name, directory=directory) | {
        "prescriber": team["clinician"]}
    writes = [Write(_clinic_time(rng, person.referred_on, zone), number, team["front"], "register", registry)]
    if person.stage == REFERRED:
        return writes
    intake_at = _clinic_time(rng, person.intake_on, zone)
    medicines = intake.medicines(rng, person)
    history = [*(("indication", item) for item in intake.indications(rng, person)),
               *(("other_diagnosis", item) for item in intake.other_diagnoses(person)),
               *(("medication", item) for item in medicines),
               *(("allergy", item) for item in intake.allergies(rng)),
               *(("treatment_trial", item) for item in intake.treatment_trials(rng, person, medicines)),
               ("safety_history", intake.safety_history(rng, person))]
    writes += [Write(intake_at + dt.timedelta(minutes=minute), number, team["clinician"], kind, fields)
               for minute, (kind, fields) in enumerate(history)]
    # Vitals come first at the visit, before the prescriber takes the history.
    at_intake, at_recheck = intake.measurements(rng, person)
    writes += [Write(intake_at - dt.timedelta(minutes=20), number, team["nurse"], "measurement", item)
               for item in at_intake]
    results = intake.results(rng, person, medicines)
    if person.stage == STARTED:
        return writes + [Write(intake_at + dt.timedelta(hours=1), number, team["nurse"], "result", item)
                         for item in results]
    results_at = _clinic_time(rng, person.results_on, zone)
    recheck_at = _clinic_time(rng, person.recheck_on, zone)
    return (writes + [Write(results_at, number, team["nurse"], "result", item) for item in results]
            + [Write(recheck_at, number, team["nurse"], "measurement", item) for item in at_recheck])


def _person(rng: random.Random, row: tuple[str, ...], *, today: dt.date) -> Person:
    _, stage, indication, profile = row
    sex = "female" if profile == "pregnant" else rng.choices(("female", "male", "other"), (58, 38, 4))[0]
    age_years = _age_years(rng, profile)
    # A 17-year-old had a birthday a few weeks ago, so stays under 18 for most of a year.
    days_since_birthday = rng.randint(20, 60) if profile == "minor" else rng.randint(1, 360)
    referred_on = _open_day(today - dt.timedelta(days=rng.randint(*REFERRED_DAYS_AGO[stage])))
    intake_on = _open_day(referred_on + dt.timedelta(days=rng.randint(4, 8)))
    return Person(
        stage=stage, indication=indication, profile=profile, sex=sex,
        birth_date=_years_before(today, age_years) - dt.timedelta(days=days_since_birthday),
        age_years=age_years,
        could_become_pregnant=sex == "female" and age_years < 51 and (
            profile == "pregnant" or rng.random() < 0.85),
        referred_on=referred_on, intake_on=intake_on,
        results_on=_open_day(intake_on + dt.timedelta(days=rng.randint(2, 5))),
        recheck_on=_open_day(intake_on + dt.timedelta(days=rng.randint(14, 28))),
    )


def _age_years(rng: random.Random, profile: str) -> int:
    if profile == "minor":
        return 17
    if profile == "older":
        return rng.randint(66, 77)
    if profile == "pregnant":
        return rng.randint(26, 36)
    return rng.randint(22, 62)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _open_day(day: dt.date) -> dt.date:
    """The clinic is shut on Sundays: move a Sunday to the Saturday before."""
    return day - dt.timedelta(days=1) if day.weekday() == 6 else day


def _clinic_time(rng: random.Random, day: dt.date, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    minutes_after_opening = rng.randrange(30, 200, 5)
    return dt.datetime.combine(day, dt.time(9, 0), tzinfo=zone) + dt.timedelta(minutes=minutes_after_opening)


def _phone(rng: random.Random) -> str:
    return f"({rng.choice(catalogue.AREA_CODES)}) 555-01{rng.randrange(100):02d}"


def _registry(rng: random.Random, person: Person, *, site: Site, family_name: str,
              directory: dict[str, ReferringClinician]) -> dict[str, Any]:
    names = {"female": catalogue.FEMALE_NAMES, "male": catalogue.MALE_NAMES}.get(person.sex,
                                                                                catalogue.OTHER_NAMES)
    given_name = rng.choice(names)
    referrers = [name for name, _, _, indications in catalogue.REFERRING_CLINICIANS
                 if person.indication in indications]
    referrer = directory[rng.choice(referrers)] if rng.random() < 0.8 else None
    fields = {
        "site": site, "given_name": given_name, "family_name": family_name,
        "preferred_name": catalogue.PREFERRED_NAMES.get(given_name, "") if rng.random() < 0.6 else "",
        "birth_date": person.birth_date, "sex": person.sex,
        "email": f"{given_name}.{family_name}@example.com".lower(), "phone": _phone(rng),
        "address": f"{rng.randint(2, 240)} {rng.choice(catalogue.STREETS)}, {rng.choice(catalogue.TOWNS)}",
        "preferred_channel": rng.choices(("sms", "email", "phone"), (45, 40, 15))[0],
        "referral_source": "clinician" if referrer else "self", "referring_clinician": referrer,
    }
    return fields | _contacts(rng, person, family_name=family_name)


def _contacts(rng: random.Random, person: Person, *, family_name: str) -> dict[str, str]:
    """Emergency contact for most; an escort home for most of those whose intake has begun."""
    if person.stage == REFERRED and person.profile != "minor" and rng.random() < 0.3:
        return {}
    relationship = "mother" if person.profile == "minor" else rng.choice(
        (*catalogue.FAMILY_RELATIONSHIPS, "friend"))
    contact_family = rng.choice(catalogue.FAMILY_NAMES) if relationship == "friend" else family_name
    contact = f"{rng.choice(catalogue.FEMALE_NAMES + catalogue.MALE_NAMES)} {contact_family}"
    fields = {"emergency_contact_name": contact, "emergency_contact_phone": _phone(rng),
              "emergency_contact_relationship": relationship}
    escort_chance = {REFERRED: 0.3, STARTED: 0.7, COMPLETE: 0.9}[person.stage]
    if rng.random() < escort_chance:
        same = rng.random() < 0.6
        friend = f"{rng.choice(catalogue.MALE_NAMES)} {rng.choice(catalogue.FAMILY_NAMES)}"
        fields["escort_name"] = contact if same else friend
        fields["escort_phone"] = fields["emergency_contact_phone"] if same else _phone(rng)
    return fields

"""Patient search over 20,000 patients through the whole web stack: p95 must stay under 100 ms.

Runs in a throw-away database (a fresh SQLite file, or a fresh PostgreSQL database when
DATABASE_URL is set) and measures the search page with Django's test client, so login,
middleware, the audit event and rendering are all inside the timing. Every patient has a phone and
the search keys the actions keep (phone digits, surname variants), so typo and phone searches do
the lookups they do in a clinic; the p95 of each kind of search is reported beside the overall one.
"""

import datetime as dt
import os
import random
import statistics
import time
from typing import Any

from bench import database

PATIENT_COUNT = 20_000
SEARCHES = 350
P95_BAR_MS = 100.0
CREATED_AT = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)


def run() -> dict[str, Any]:
    engine = database.set_up_django(name="search")
    from django.test import Client

    from bench import dataset
    from clinic.accounts.models import StaffUser

    site = dataset.organisation_with_site(name=f"Search bench {time.time_ns()}", created_at=CREATED_AT)
    patients = dataset.add_patients(site=site, count=PATIENT_COUNT, seed=7, created_at=CREATED_AT)
    _add_phones_and_search_keys(patients, rng=random.Random(5))
    nurse = StaffUser.objects.create(username=f"bench-nurse-{time.time_ns()}", role="nurse",
                                     organisation=site.organisation)
    nurse.sites.set([site])
    client = Client()
    client.force_login(nurse)

    rng = random.Random(11)
    queries = _queries(rng, patients)
    client.get("/patients/", {"q": queries[0][1]})  # warm up
    timings_ms: dict[str, list[float]] = {kind: [] for kind in KINDS}
    # Other work on the machine slows every search: the load beside the run tells a reader how far.
    load_before = os.getloadavg()[0]
    for kind, query in queries:
        started = time.perf_counter()
        response = client.get("/patients/", {"q": query})
        timings_ms[kind].append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
        assert response.context["page"].paginator.count > 0, (kind, query)
    every_ms = [timing for kind_ms in timings_ms.values() for timing in kind_ms]
    p95_ms = _p95(every_ms)
    return {
        "engine": engine,
        "patients": PATIENT_COUNT,
        "searches": len(queries),
        "p50_ms": round(statistics.median(every_ms), 2),
        "p95_ms": round(p95_ms, 2),
        "max_ms": round(max(every_ms), 2),
        "p95_ms_by_kind": {kind: round(_p95(kind_ms), 2) for kind, kind_ms in timings_ms.items()},
        "bar_p95_ms": P95_BAR_MS,
        "load_average_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "meets_bar": p95_ms <= P95_BAR_MS and all(_p95(kind_ms) <= P95_BAR_MS for kind_ms in timings_ms.values()),
        "summary": f"{engine}: {PATIENT_COUNT} patients, p50 {statistics.median(every_ms):.1f} ms, "
                   f"p95 {p95_ms:.1f} ms, worst kind's p95 {max(map(_p95, timings_ms.values())):.1f} ms "
                   f"(bar {P95_BAR_MS:.0f})",
    }


def _p95(timings_ms: list[float]) -> float:
    return statistics.quantiles(timings_ms, n=20)[18]


def _add_phones_and_search_keys(patients: list, *, rng: random.Random) -> None:
    """A phone for every patient, and the search keys the actions keep in step on registration
    (clinic.patients.actions): the phone's digits and the surname's variant rows."""
    from django.db import connection

    from clinic.patients import search_keys
    from clinic.patients.models import FamilyNameVariant, Patient

    for patient in patients:
        patient.phone = f"({rng.randint(201, 989)}) 555-{rng.randrange(10_000):04d}"
        patient.phone_digits = search_keys.phone_digits(patient.phone)
    Patient.objects.bulk_update(patients, ["phone", "phone_digits"], batch_size=2000)
    FamilyNameVariant.objects.bulk_create(
        (FamilyNameVariant(patient=patient, text=variant.text, deleted_position=variant.deleted_position,
                           deleted_letter=variant.deleted_letter)
         for patient in patients for variant in search_keys.surname_variants(patient.family_name)),
        batch_size=5000)
    if connection.vendor == "postgresql":
        # Giving 20,000 patients a phone left a dead copy of every row; a clinic's autovacuum clears
        # them within minutes, so the timing starts from a vacuumed table with fresh statistics.
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {Patient._meta.db_table}, {FamilyNameVariant._meta.db_table}")


KINDS = ("surname part", "full name", "mrn", "birth date", "surname typo", "full name typo", "phone")
PHONE_FORMATS = ("{area} 555 {line}", "({area}) 555-{line}", "+1 {area} 555 {line}", "{area}555{line}", "555-{line}")


def _queries(rng: random.Random, patients: list) -> list[tuple[str, str]]:
    """What front desks type, as (kind, query): part of a surname, full names, MRNs, birth dates,
    a surname with one typo alone or after the given name, and phone numbers in several formats."""
    # A typo in a surname of fewer than 5 letters leaves a word too short for typo matching.
    typo_ready = [patient for patient in patients if len(patient.family_name) >= 5]
    queries = []
    for number in range(SEARCHES):
        kind = KINDS[number % len(KINDS)]
        patient = rng.choice(typo_ready if "typo" in kind else patients)
        if kind == "surname part":
            query = patient.family_name[: rng.randint(3, 6)]
        elif kind == "full name":
            query = f"{patient.given_name} {patient.family_name}"
        elif kind == "mrn":
            query = patient.mrn
        elif kind == "birth date":
            query = patient.birth_date.isoformat()
        elif kind == "surname typo":
            query = _one_typo(rng, patient.family_name.lower())
        elif kind == "full name typo":
            query = f"{patient.given_name} {_one_typo(rng, patient.family_name.lower())}"
        else:
            area, line = patient.phone[1:4], patient.phone[-4:]
            query = rng.choice(PHONE_FORMATS).format(area=area, line=line)
        queries.append((kind, query))
    return queries


def _one_typo(rng: random.Random, word: str) -> str:
    """The word with one letter replaced, added or left out, or two neighbours swapped."""
    position = rng.randrange(len(word) - 1)
    other = rng.choice([letter for letter in "abcdefghijklmnopqrstuvwxyz" if letter != word[position]])
    return rng.choice((
        word[:position] + other + word[position + 1:],
        word[:position] + other + word[position:],
        word[:position] + word[position + 1:],
        word[:position] + word[position + 1] + word[position] + word[position + 2:],
    ))

"""Synthetic data for benchmarks: the one generator every page benchmark shares (design §4.5)."""

import datetime as dt
import random

from clinic.patients import names
from clinic.patients.models import Patient
from clinic.sites.models import Organisation, Site

GIVEN = ("Ada", "Ben", "Cleo", "Dev", "Esme", "Finn", "Gita", "Hugo", "Ines", "Jon", "Kai", "Lena", "Milo",
         "Nora", "Omar", "Pia", "Quin", "Rosa", "Sami", "Tess", "Uma", "Vik", "Wren", "Yara", "Zed")
FAMILY_STEMS = ("Ash", "Birch", "Cedar", "Dale", "Elm", "Fern", "Glen", "Hart", "Ivy", "Jun", "Kestrel",
                "Lark", "Moss", "North", "Oak", "Pine", "Quarry", "Reed", "Stone", "Thorn", "Vale", "Wold")
FAMILY_ENDS = ("", "ley", "wood", "field", "ford", "ton", "by", "well", "more", "stead")


def family_names() -> list[str]:
    return [stem + end for stem in FAMILY_STEMS for end in FAMILY_ENDS]


def add_patients(*, site: Site, count: int, seed: int, created_at: dt.datetime) -> list[Patient]:
    """Bulk-insert `count` patients with spread-out names and birth dates."""
    rng = random.Random(seed)
    families = family_names()
    start = Patient.objects.filter(organisation_id=site.organisation_id).count()
    patients = []
    for number in range(start + 1, start + count + 1):
        given, family = rng.choice(GIVEN), rng.choice(families)
        mrn = f"B{number:07d}"
        patients.append(Patient(
            organisation_id=site.organisation_id, site=site, mrn=mrn, given_name=given, family_name=family,
            birth_date=dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 65)),
            sex=rng.choice(("female", "male", "other", "unknown")), created_at=created_at,
            updated_at=created_at,
            name_key=names.person_key(given_name=given, family_name=family),
            search_text=names.search_text(given_name=given, family_name=family, preferred_name="", mrn=mrn),
        ))
    return Patient.objects.bulk_create(patients, batch_size=2000)


def organisation_with_site(*, name: str, created_at: dt.datetime) -> Site:
    organisation = Organisation.objects.create(name=name, created_at=created_at)
    return Site.objects.create(organisation=organisation, name=f"{name} main", code="MAIN",
                               time_zone="America/New_York")

import datetime as dt

import factory

from clinic.patients import names
from clinic.patients.models import OtherDiagnosis, Patient

CREATED_AT = dt.datetime(2026, 2, 2, 14, 0, tzinfo=dt.UTC)


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    site = None
    organisation = factory.LazyAttribute(lambda patient: patient.site.organisation)
    mrn = factory.Sequence(lambda n: f"T{n:06d}")
    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    birth_date = dt.date(1980, 4, 9)
    sex = "female"
    created_at = CREATED_AT
    updated_at = CREATED_AT
    preferred_name = ""
    name_key = factory.LazyAttribute(lambda patient: names.person_key(
        given_name=patient.given_name, family_name=patient.family_name))
    search_text = factory.LazyAttribute(lambda patient: names.search_text(
        given_name=patient.given_name, family_name=patient.family_name, preferred_name=patient.preferred_name,
        mrn=patient.mrn))


class OtherDiagnosisFactory(factory.django.DjangoModelFactory):
    """A past bipolar II diagnosis, as the code set describes it."""

    class Meta:
        model = OtherDiagnosis

    patient = None
    icd10_code = "F31.81"
    description = "Bipolar II disorder"
    status = "past"
    noted_on = dt.date(2026, 10, 1)
    recorded_by = None
    recorded_at = CREATED_AT

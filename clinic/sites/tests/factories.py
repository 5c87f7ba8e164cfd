import datetime as dt

import factory

from clinic.sites.models import Chair, Organisation, Site

CREATED_AT = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Clinic {n}")
    created_at = CREATED_AT


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Site {n}")
    code = factory.Sequence(lambda n: f"S{n}")
    time_zone = "America/New_York"


class ChairFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Chair

    site = factory.SubFactory(SiteFactory)
    name = factory.Sequence(lambda n: f"Chair {n}")

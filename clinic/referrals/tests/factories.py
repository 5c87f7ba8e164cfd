import datetime as dt

import factory

from clinic.patients import names
from clinic.referrals.models import Referral, ReferralStatus, ReferralStatusChange

CREATED_AT = dt.datetime(2026, 11, 2, 15, 0, tzinfo=dt.UTC)
RECEIVED_ON = dt.date(2026, 11, 2)
# The first bytes a PDF starts with, and enough after them to be a small file.
PDF_BYTES = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


class ReferralFactory(factory.django.DjangoModelFactory):
    """A referral received on 2 Nov 2026 from the person themselves, not yet worked. Arrange only: the act
    under test goes through the actions."""

    class Meta:
        model = Referral
        skip_postgeneration_save = True

    site = None
    organisation = factory.LazyAttribute(lambda referral: referral.site.organisation)
    received_on = RECEIVED_ON
    status_on = factory.LazyAttribute(lambda referral: referral.received_on)
    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    birth_date = dt.date(1984, 6, 12)
    sex = "female"
    phone = "555-0177"
    reason = "Depression not helped by two antidepressants."
    source = "self"
    status = ReferralStatus.RECEIVED
    name_key = factory.LazyAttribute(lambda referral: names.person_key(
        given_name=referral.given_name, family_name=referral.family_name))
    created_by = None
    created_at = CREATED_AT

    @factory.post_generation
    def received(referral, create, extracted, **kwargs):
        if create:
            ReferralStatusChange.objects.create(referral=referral, status=ReferralStatus.RECEIVED,
                                                happened_on=referral.received_on, recorded_by=referral.created_by,
                                                recorded_at=referral.created_at)

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.accounts.models import Role, StaffUser
from clinic.sites.tests.factories import OrganisationFactory

PASSWORD = "correct horse battery staple"


class StaffUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffUser
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = "Alex"
    last_name = factory.Sequence(lambda n: f"Staff{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@clinic.test")
    role = Role.NURSE
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def sites(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.sites.set(extracted)


class AuthenticatorFactory(factory.django.DjangoModelFactory):
    """A confirmed authenticator app; codes for it come from tests/otp.py."""

    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(StaffUserFactory)
    name = "Authenticator app"
    confirmed = True

"""The demo logins: every role at the main site, and a nurse at the second."""

from clinic.accounts.models import Role, StaffUser
from clinic.sites.models import Organisation, Site

DIRECTOR = "director"
STAFF = (
    (DIRECTOR, "Dana", "Whitfield", "MD", Role.DIRECTOR, ("MAIN", "NORTH")),
    ("prescriber", "Priya", "Raman", "NP", Role.PRESCRIBER, ("MAIN",)),
    ("nurse", "Noah", "Castillo", "RN", Role.NURSE, ("MAIN",)),
    ("frontdesk", "Frances", "Doyle", "", Role.FRONT_DESK, ("MAIN",)),
    ("nurse.north", "Nia", "Okafor", "RN", Role.NURSE, ("NORTH",)),
)


def seed_staff(*, organisation: Organisation, sites: dict[str, Site], password: str) -> list[StaffUser]:
    """Every demo login, added when missing, in the order of STAFF."""
    return [_staff_member(organisation, sites, password, *row) for row in STAFF]


def _staff_member(organisation: Organisation, sites: dict[str, Site], password: str, username: str,
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

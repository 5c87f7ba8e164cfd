"""Synthetic demo patients with varied intakes."""

import datetime as dt

from clinic.accounts.models import StaffUser
from clinic.sites.models import Organisation, Site


def seed_patients(*, organisation: Organisation, sites: dict[str, Site], staff: list[StaffUser],
                  now: dt.datetime) -> None:
    """Register the demo patients with their intakes."""

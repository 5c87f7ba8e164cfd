"""The birth-date rule: a date of birth lies between EARLIEST_BIRTH_DATE and today at the site.

"Today" is the site's own date, handed in by the caller: at 00:30 in a clinic at UTC+14 a baby
born that morning is already born, while a server in UTC is still on the day before.
"""

from datetime import date

from clinic.rules.errors import DomainError
from clinic.rules.typed_values import day_text

SOURCE = "Product choice: a date of birth cannot be in the future; before 1900 is taken for a typing slip"
EARLIEST_BIRTH_DATE = date(1900, 1, 1)


class ImplausibleBirthDate(DomainError):
    code = "BIRTH_DATE_IMPLAUSIBLE"
    field = "birth_date"


def check_birth_date(birth_date: date, *, today: date) -> None:
    """Refuse a date of birth after `today` (the site's date) or before EARLIEST_BIRTH_DATE."""
    if birth_date > today:
        raise ImplausibleBirthDate(f"The date of birth {day_text(birth_date)} is after today at the site "
                                   f"({day_text(today)}). Check the day and the year.")
    if birth_date < EARLIEST_BIRTH_DATE:
        raise ImplausibleBirthDate(f"The date of birth {day_text(birth_date)} is before "
                                   f"{day_text(EARLIEST_BIRTH_DATE)}. Check the year.")

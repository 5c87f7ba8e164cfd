from datetime import date

import pytest

from clinic.rules.birth_date import EARLIEST_BIRTH_DATE, ImplausibleBirthDate, check_birth_date


def test_a_birth_on_the_site_s_today_is_accepted():
    assert check_birth_date(date(2026, 11, 25), today=date(2026, 11, 25)) is None


def test_a_birth_after_the_site_s_today_is_refused_naming_both_dates():
    with pytest.raises(ImplausibleBirthDate) as error:
        check_birth_date(date(2026, 11, 25), today=date(2026, 11, 24))

    assert (error.value.code, error.value.field) == ("BIRTH_DATE_IMPLAUSIBLE", "birth_date")
    assert error.value.message == ("The date of birth 25 Nov 2026 is after today at the site (24 Nov 2026). "
                                   "Check the day and the year.")


def test_the_earliest_birth_date_is_accepted_and_the_day_before_refused():
    check_birth_date(EARLIEST_BIRTH_DATE, today=date(2026, 11, 24))

    with pytest.raises(ImplausibleBirthDate) as error:
        check_birth_date(date(1899, 12, 31), today=date(2026, 11, 24))

    assert error.value.message == "The date of birth 31 Dec 1899 is before 1 Jan 1900. Check the year."

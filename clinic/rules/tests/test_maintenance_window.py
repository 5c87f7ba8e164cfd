"""The maintenance visit window and the misuse screen (clinical-reference §6.4 and §8, misuse row)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic.rules import body_size, maintenance
from clinic.rules.maintenance import (
    MaintenanceProtocol,
    VisitWindow,
    first_visit_window,
    relapse_window,
    visit_window,
)
from clinic.rules.misuse import dose_flag, early_request_flag

D = Decimal
SIXTH = date(2027, 3, 1)


def test_first_maintenance_window_from_infusion_6_on_1_march_2027():
    """clinical-reference §6.4 [D]: infusion 6 on 2027-03-01, first maintenance at day 14 → due
    2027-03-15; ± 3 days would open it on 03-12, before 03-01 + 2 weeks, so it opens on 03-15 and
    closes on 03-18."""
    window = first_visit_window(sixth_infusion_on=SIXTH)

    assert window == VisitWindow(date(2027, 3, 15), date(2027, 3, 15), date(2027, 3, 18))


def test_window_after_a_visit_on_16_march_at_a_3_week_interval():
    """clinical-reference §6.4 [D]: the next due date counts from the visit actually given
    (2027-03-16, a day late): + 3 weeks → due 2027-04-06, window 04-03 to 04-09."""
    window = visit_window(last_visit_on=date(2027, 3, 16), interval_weeks=3)

    assert window == VisitWindow(date(2027, 4, 6), date(2027, 4, 3), date(2027, 4, 9))


def test_window_at_a_2_week_interval_never_opens_before_the_minimum_interval():
    """clinical-reference §6.4 [D]: at 2 weeks from 2027-03-16 the due date is 03-30; the tolerance
    would open the window on 03-27, before 03-16 + 2 weeks, so it opens on 03-30 and closes on 04-02."""
    window = visit_window(last_visit_on=date(2027, 3, 16), interval_weeks=2)

    assert window == VisitWindow(date(2027, 3, 30), date(2027, 3, 30), date(2027, 4, 2))


@pytest.mark.parametrize(("tolerance", "opens_on", "closes_on"), [
    (0, date(2027, 4, 6), date(2027, 4, 6)),
    (7, date(2027, 3, 30), date(2027, 4, 13)),
])
def test_window_follows_the_clinics_tolerance(tolerance, opens_on, closes_on):
    """clinical-reference §6.4 [D] maint_window_tolerance_days: 0 gives the due date only; a wide
    tolerance still stops at the last visit + 2 weeks."""
    protocol = MaintenanceProtocol(window_tolerance_days=tolerance)

    window = visit_window(last_visit_on=date(2027, 3, 16), interval_weeks=3, protocol=protocol)

    assert (window.opens_on, window.closes_on) == (opens_on, closes_on)


def test_window_refuses_an_interval_outside_the_range():
    """clinical-reference §6.4 [D]: intervals run 2–6 weeks."""
    with pytest.raises(maintenance.IntervalOutOfRange):
        visit_window(last_visit_on=date(2027, 3, 16), interval_weeks=1)


def test_relapse_window_is_the_7_days_after_the_assessment():
    """clinical-reference §6.4 [D]: relapse or symptoms returning early → a visit within 7 days."""
    window = relapse_window(assessed_on=date(2027, 3, 16))

    assert window == VisitWindow(date(2027, 3, 23), date(2027, 3, 17), date(2027, 3, 23))


@given(last=st.dates(date(2026, 1, 1), date(2030, 1, 1)), weeks=st.integers(2, 6), tolerance=st.integers(0, 14))
def test_window_always_holds_its_due_date_and_respects_the_minimum(last, weeks, tolerance):
    """clinical-reference §6.4 [D], property: the window holds the due date, opens no earlier than
    the last visit + 2 weeks, and no request inside it is flagged."""
    protocol = MaintenanceProtocol(window_tolerance_days=tolerance)

    window = visit_window(last_visit_on=last, interval_weeks=weeks, protocol=protocol)

    assert window.opens_on <= window.due_on <= window.closes_on
    assert window.opens_on >= last + timedelta(weeks=2)
    for on in (window.opens_on, window.due_on, window.closes_on):
        assert early_request_flag(requested_on=on, last_visit_on=last, window=window, protocol=protocol) is None


@pytest.mark.parametrize(("last_visit_on", "window", "requested_on", "flagged"), [
    # First maintenance window 03-15 to 03-18 after infusion 6 on 03-01.
    (SIXTH, first_visit_window(sixth_infusion_on=SIXTH), date(2027, 3, 14), True),
    (SIXTH, first_visit_window(sixth_infusion_on=SIXTH), date(2027, 3, 15), False),
    # 2-week interval from 03-16: window 03-30 to 04-02.
    (date(2027, 3, 16), visit_window(last_visit_on=date(2027, 3, 16), interval_weeks=2), date(2027, 3, 29), True),
    (date(2027, 3, 16), visit_window(last_visit_on=date(2027, 3, 16), interval_weeks=2), date(2027, 3, 30), False),
    # 3-week interval from 03-16: window 04-03 to 04-09. 04-02 is early for the plan but past the
    # minimum interval, so it is not a misuse signal; the prescriber still books against the window.
    (date(2027, 3, 16), visit_window(last_visit_on=date(2027, 3, 16), interval_weeks=3), date(2027, 4, 2), False),
    # Without a computed window, the minimum interval alone decides.
    (date(2027, 3, 16), None, date(2027, 3, 29), True),
    (date(2027, 3, 16), None, date(2027, 3, 30), False),
    # A relapse window inside the minimum interval is never flagged; the day after it is.
    (date(2027, 3, 16), relapse_window(assessed_on=date(2027, 3, 16)), date(2027, 3, 23), False),
    (date(2027, 3, 16), relapse_window(assessed_on=date(2027, 3, 16)), date(2027, 3, 24), True),
])
def test_early_request_is_flagged_one_day_before_the_window_and_not_on_its_first_day(
        last_visit_on, window, requested_on, flagged):
    """clinical-reference §6.4 and §8 misuse row: a visit requested before the last visit + the
    2-week minimum is flagged for the prescriber; a visit inside the window the rules computed is
    never flagged."""
    flag = early_request_flag(requested_on=requested_on, last_visit_on=last_visit_on, window=window)

    assert (flag is not None) == flagged
    if flagged:
        assert flag.code == "EARLY_VISIT_REQUEST"
        assert f"{(requested_on - last_visit_on).days} days after the last one" in flag.message
        assert "§8" in flag.source


def test_early_request_message_names_the_earliest_date():
    """clinical-reference §6.4: the flag tells the prescriber when the minimum interval ends."""
    flag = early_request_flag(requested_on=date(2027, 3, 14), last_visit_on=SIXTH)

    assert "2-week minimum (2027-03-15)" in flag.message


def test_early_request_refuses_a_date_before_the_last_visit():
    """clinical-reference §6.4: a request dated before the last visit is a typing error."""
    with pytest.raises(maintenance.DatesOutOfOrder) as error:
        early_request_flag(requested_on=date(2027, 2, 28), last_visit_on=SIXTH)

    assert error.value.field == "requested_on"


@pytest.mark.parametrize(("dose", "flagged"), [(D("0.50"), False), (D("0.5"), False), (D("0.51"), True),
                                               (D("0.75"), True)])
def test_dose_above_the_protocols_is_flagged(dose, flagged):
    """clinical-reference §6.4 and §8 misuse row: a dose above the protocol's (here 0.5 mg/kg) is
    flagged for the prescriber; the protocol's dose itself is not."""
    flag = dose_flag(dose_mg_per_kg=dose, protocol_dose_mg_per_kg=D("0.5"))

    assert (flag is not None) == flagged
    if flagged:
        assert (flag.code, f"{dose} mg/kg is above the protocol's 0.5 mg/kg" in flag.message) == (
            "DOSE_ABOVE_PROTOCOL", True)


@pytest.mark.parametrize(("dose", "protocol_dose", "field"), [
    (0.6, D("0.5"), "dose_mg_per_kg"), (D(0), D("0.5"), "dose_mg_per_kg"), (D("0.6"), None, "protocol_dose_mg_per_kg")])
def test_dose_flag_refuses_a_dose_it_cannot_compare(dose, protocol_dose, field):
    """clinical-reference §4.5: doses are Decimals above 0; a missing protocol dose is refused, not
    passed (fail safe)."""
    with pytest.raises(body_size.InvalidMeasure) as error:
        dose_flag(dose_mg_per_kg=dose, protocol_dose_mg_per_kg=protocol_dose)

    assert error.value.field == field

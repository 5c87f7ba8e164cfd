import datetime as dt

import pytest

from clinic.audit.models import AuditEvent
from clinic.sites import actions
from clinic.sites.models import ClosedDate, OpeningHours
from clinic.sites.tests.factories import ChairFactory, SiteFactory

# 2026-11-24 09:30 in New York is already 2026-11-25 on Kiritimati (UTC+14).
KIRITIMATI_TODAY = dt.date(2026, 11, 25)


def test_closed_date_uses_the_sites_own_today(director, main_site, now):
    main_site.time_zone = "Pacific/Kiritimati"

    with pytest.raises(actions.ClosedDateInPast) as refusal:
        actions.add_closed_date(site=main_site, actor=director, now=now, closed_on=now.date(), reason="")

    assert (refusal.value.code, refusal.value.message) == (
        "CLOSED_DATE_IN_PAST", "24 Nov 2026 has passed. Enter today or a later date.")
    closure = actions.add_closed_date(site=main_site, actor=director, now=now,
                                      closed_on=KIRITIMATI_TODAY, reason="")
    assert closure.closed_on == KIRITIMATI_TODAY


def test_today_may_still_be_closed(director, main_site, now):
    closure = actions.add_closed_date(site=main_site, actor=director, now=now, closed_on=now.date(),
                                      reason="Burst pipe")

    assert closure.reason == "Burst pipe"


def test_same_date_cannot_be_closed_twice(director, main_site, now):
    actions.add_closed_date(site=main_site, actor=director, now=now, closed_on=dt.date(2027, 1, 1), reason="")

    with pytest.raises(actions.ClosedDateExists) as refusal:
        actions.add_closed_date(site=main_site, actor=director, now=now, closed_on=dt.date(2027, 1, 1),
                                reason="again")

    assert refusal.value.message == f"{main_site.name} is already closed on 1 Jan 2027."


def test_past_closures_stay_as_a_record(director, main_site, now):
    closure = ClosedDate.objects.create(site=main_site, closed_on=dt.date(2025, 12, 25))

    with pytest.raises(actions.ClosedDateInPast) as refusal:
        actions.remove_closed_date(closure=closure, actor=director, now=now)

    assert refusal.value.message == "25 Dec 2025 has passed; past closures are kept as a record."
    assert ClosedDate.objects.filter(pk=closure.pk).exists()


def test_unchanged_opening_hours_write_nothing(director, main_site, now):
    week = {"mon": (dt.time(8), dt.time(18))}
    actions.set_opening_hours(site=main_site, actor=director, now=now, hours=week)

    changed = actions.set_opening_hours(site=main_site, actor=director, now=now, hours=week)

    assert changed == []
    assert AuditEvent.objects.filter(action="sites.opening_hours_changed").count() == 1


def test_opening_hours_refuse_closing_at_opening_time(director, main_site, now):
    with pytest.raises(actions.ClosesBeforeOpens) as refusal:
        actions.set_opening_hours(site=main_site, actor=director, now=now,
                                  hours={"sun": (dt.time(10), dt.time(10))})

    assert refusal.value.field == "sun"
    assert not OpeningHours.objects.exists()


def test_changing_one_day_keeps_the_others(director, main_site, now):
    actions.set_opening_hours(site=main_site, actor=director, now=now,
                              hours={"mon": (dt.time(8), dt.time(18)), "tue": (dt.time(8), dt.time(18))})

    actions.set_opening_hours(site=main_site, actor=director, now=now,
                              hours={"mon": (dt.time(8), dt.time(18)), "tue": (dt.time(9), dt.time(17))})

    assert sorted(main_site.opening_hours.values_list("weekday", "opens_at")) == [
        ("mon", dt.time(8)), ("tue", dt.time(9))]


def test_a_second_deactivation_writes_no_event(director, main_site, now):
    chair = ChairFactory(site=main_site)

    actions.deactivate_chair(chair=chair, actor=director, now=now)
    actions.deactivate_chair(chair=chair, actor=director, now=now)

    assert AuditEvent.objects.filter(action="sites.chair_deactivated").count() == 1


def test_another_organisations_site_is_refused(director, now):
    foreign = SiteFactory()

    with pytest.raises(actions.NotYourOrganisation):
        actions.add_chair(site=foreign, actor=director, now=now, name="Chair 1")


def test_site_code_change_is_checked_against_the_other_sites(director, main_site, other_site, now):
    with pytest.raises(actions.SiteCodeTaken):
        actions.change_site(site=other_site, actor=director, now=now, name="North", code="main",
                            time_zone="America/New_York", address="", phone="")

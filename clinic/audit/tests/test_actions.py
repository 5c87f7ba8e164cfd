"""record_event appends to its organisation's chain; record_view dedupes a live page's polls."""

import datetime as dt

import pytest

from clinic.audit.actions import record_event, record_view
from clinic.audit.chain import GENESIS_HASH, chain_for
from clinic.audit.models import AuditChainHead, AuditEvent
from clinic.patients.tests.factories import PatientFactory

BOARD = "infusions.day_board_viewed"


@pytest.fixture
def patients(main_site):
    return PatientFactory.create_batch(3, site=main_site)


def _named(event: AuditEvent) -> list[int]:
    return sorted(link.patient_id for link in event.patient_links.all())


def test_record_event_appends_to_the_organisations_chain_and_moves_its_head(nurse, patients, now):
    first = record_event(actor=nurse, now=now, action="patients.chart_viewed", patients=patients[:1])
    second = record_event(actor=nurse, now=now, action="patients.chart_viewed", patients=patients[1:])

    head = AuditChainHead.objects.get(chain=chain_for(nurse.organisation_id))
    assert (first.seq, first.prev_hash, second.seq, second.prev_hash) == (1, GENESIS_HASH, 2, first.hash)
    assert (head.seq, head.last_hash) == (2, second.hash)
    assert (_named(second), second.actor_label, second.role) == (
        sorted(p.pk for p in patients[1:]), "nurse", "nurse")


def test_page_view_without_polling_writes_every_time(nurse, patients, now):
    record_view(actor=nurse, now=now, action="patients.chart_viewed", patients=patients[:1])
    record_view(actor=nurse, now=now, action="patients.chart_viewed", patients=patients[:1])

    assert AuditEvent.objects.filter(action="patients.chart_viewed").count() == 2


def test_polling_writes_one_event_per_user_page_and_patient_per_day(main_site, nurse, patients, now):
    first = record_view(actor=nurse, now=now, action=BOARD, patients=patients, poll=True, site_id=main_site.pk)
    repeat = record_view(actor=nurse, now=now + dt.timedelta(hours=3), action=BOARD, patients=patients,
                         poll=True, site_id=main_site.pk)

    assert repeat is None
    assert list(AuditEvent.objects.filter(action=BOARD)) == [first]
    assert (_named(first), first.data) == (sorted(p.pk for p in patients), {"poll": True})


def test_polling_names_only_the_patients_not_yet_recorded_today(main_site, nurse, patients, now):
    record_view(actor=nurse, now=now, action=BOARD, patients=patients[:2], poll=True, site_id=main_site.pk)

    later = record_view(actor=nurse, now=now + dt.timedelta(minutes=1), action=BOARD, patients=patients,
                        poll=True, site_id=main_site.pk)

    assert _named(later) == [patients[2].pk]


def test_polling_writes_again_after_the_site_s_midnight_not_utc_s(main_site, nurse, patients):
    """Main is in New York: 23:59 UTC is 18:59 there, so two minutes later is the same site day,
    and 04:59 UTC (23:59 in New York) to 05:01 crosses the site's midnight."""
    utc_evening = dt.datetime(2026, 11, 24, 23, 59, tzinfo=dt.UTC)
    site_evening = dt.datetime(2026, 11, 25, 4, 59, tzinfo=dt.UTC)

    record_view(actor=nurse, now=utc_evening, action=BOARD, patients=patients, poll=True, site_id=main_site.pk)
    same_site_day = record_view(actor=nurse, now=utc_evening + dt.timedelta(minutes=2), action=BOARD,
                                patients=patients, poll=True, site_id=main_site.pk)
    record_view(actor=nurse, now=site_evening, action=BOARD, patients=patients, poll=True, site_id=main_site.pk)
    next_site_day = record_view(actor=nurse, now=site_evening + dt.timedelta(minutes=2), action=BOARD,
                                patients=patients, poll=True, site_id=main_site.pk)

    assert same_site_day is None
    assert next_site_day is not None
    assert AuditEvent.objects.filter(action=BOARD).count() == 2


def test_a_poll_without_its_site_is_refused(nurse, patients, now):
    with pytest.raises(ValueError, match="site_id"):
        record_view(actor=nurse, now=now, action=BOARD, patients=patients, poll=True)

    assert AuditEvent.objects.count() == 0


def test_polling_by_another_user_or_of_another_page_is_recorded(main_site, nurse, prescriber, patients, now):
    record_view(actor=nurse, now=now, action=BOARD, patients=patients, poll=True, site_id=main_site.pk)

    colleague = record_view(actor=prescriber, now=now, action=BOARD, patients=patients, poll=True, site_id=main_site.pk)
    other_page = record_view(actor=nurse, now=now, action="infusions.vitals_grid_viewed",
                             patients=patients, poll=True, site_id=main_site.pk)

    assert colleague is not None and other_page is not None
    assert AuditEvent.objects.count() == 3


def test_polling_a_page_that_shows_nobody_is_recorded_once_a_day(main_site, nurse, now):
    first = record_view(actor=nurse, now=now, action=BOARD, patients=[], poll=True, site_id=main_site.pk)
    repeat = record_view(actor=nurse, now=now + dt.timedelta(hours=1), action=BOARD, patients=[], poll=True,
                         site_id=main_site.pk)

    assert (first.action, _named(first), repeat) == (BOARD, [], None)


def test_an_ordinary_view_counts_towards_the_days_polls(main_site, nurse, patients, now):
    record_view(actor=nurse, now=now, action=BOARD, patients=patients, site_id=main_site.pk)

    poll = record_view(actor=nurse, now=now + dt.timedelta(seconds=30), action=BOARD, patients=patients,
                       poll=True, site_id=main_site.pk)

    assert poll is None

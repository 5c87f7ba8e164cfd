"""Every date and time follows the site's zone, never the server's (design §5, pages for people).

Two sites sit at the ends of the clock: Kiritimati at UTC+14 and Pago Pago at UTC−11. At 10:30 UTC
on 24 November it is already 00:30 on the 25th in Kiritimati and still 23:30 on the 23rd in Pago
Pago, while a server in UTC reads the 24th. New York gives the clock change of 1 November 2026,
when 01:00–02:00 happens twice.
"""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from clinic.accounts.tests.factories import StaffUserFactory
from clinic.accounts.tokens import issue_token
from clinic.audit.actions import record_event, record_view
from clinic.audit.models import AuditEvent
from clinic.patients import actions
from clinic.patients.models import Patient, RecordRevision
from clinic.patients.tests.factories import PatientFactory
from clinic.rules.birth_date import ImplausibleBirthDate
from clinic.sites.actions import change_site
from clinic.sites.tests.factories import SiteFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC
KIRITIMATI_MIDNIGHT = dt.datetime(2026, 11, 24, 10, 0, tzinfo=UTC)  # 00:00 on the 25th there
HALF_PAST = dt.datetime(2026, 11, 24, 10, 30, tzinfo=UTC)
BOARD = "infusions.day_board_viewed"


@pytest.fixture
def kiritimati(organisation):
    return SiteFactory(organisation=organisation, name="Kiritimati", code="KIR", time_zone="Pacific/Kiritimati")


@pytest.fixture
def pago_pago(organisation):
    return SiteFactory(organisation=organisation, name="Pago Pago", code="PPG", time_zone="Pacific/Pago_Pago")


@pytest.fixture
def new_york(organisation):
    return SiteFactory(organisation=organisation, name="New York", code="NYC", time_zone="America/New_York")


@pytest.fixture
def director(kiritimati, pago_pago, new_york):
    return StaffUserFactory(username="director", role="director", organisation=kiritimati.organisation,
                            sites=[kiritimati, pago_pago, new_york])


def working_at(signed_in, user, site) -> Client:
    client = signed_in(user)
    response = client.post(reverse("accounts:working_site"), {"site": site.pk, "next": "/patients/"})
    assert response.status_code == 302
    return client


def registration(site, birth_date: dt.date) -> dict:
    return {"given_name": "Tia", "family_name": "Kaiea", "birth_date": birth_date.isoformat(), "sex": "female",
            "site": site.pk, "preferred_channel": "phone", "phone": "555-0100", "referral_source": "self"}


# --- the birth-date check uses today at the patient's site ---------------------------------------------------

def test_a_baby_born_today_in_kiritimati_registers_while_utc_is_still_on_the_day_before(
        signed_in, director, kiritimati, clock):
    clock(HALF_PAST)

    response = signed_in(director).post(reverse("patients:register"),
                                        registration(kiritimati, dt.date(2026, 11, 25)))

    assert response.status_code == 302
    assert Patient.objects.get().birth_date == dt.date(2026, 11, 25)


def test_a_birth_date_of_utc_today_is_refused_in_pago_pago_where_it_is_still_yesterday(
        signed_in, director, pago_pago, clock):
    clock(HALF_PAST)

    response = signed_in(director).post(reverse("patients:register"),
                                        registration(pago_pago, dt.date(2026, 11, 24)))

    assert response.context["form"].errors["birth_date"] == [
        "The date of birth 24 Nov 2026 is after today at the site (23 Nov 2026). Check the day and the year."]
    assert Patient.objects.count() == 0


def test_the_api_reads_today_at_the_site_given(director, kiritimati, pago_pago, clock):
    clock(HALF_PAST)
    _, token = issue_token(user=director, name="tests", now=HALF_PAST)
    api = Client(headers={"Authorization": f"Bearer {token}"})
    body = {"given_name": "Tia", "family_name": "Kaiea", "birth_date": "2026-11-25", "sex": "female"}

    accepted = api.post("/api/v1/patients", {**body, "site_id": str(kiritimati.pk)},
                        content_type="application/json")
    refused = api.post("/api/v1/patients", {**body, "given_name": "Ana", "site_id": str(pago_pago.pk)},
                       content_type="application/json")

    assert accepted.status_code == 201
    assert refused.status_code == 400
    assert refused.json()["error"]["details"] == [{"field": "birth_date", "message":
        "The date of birth 25 Nov 2026 is after today at the site (23 Nov 2026). Check the day and the year."}]
    assert list(Patient.objects.values_list("site__code", flat=True)) == ["KIR"]


def test_the_action_itself_reads_today_at_the_site(director, kiritimati, pago_pago):
    fields = {"given_name": "Tia", "family_name": "Kaiea", "birth_date": dt.date(2026, 11, 24), "sex": "female"}

    actions.register_patient(actor=director, now=HALF_PAST, site=kiritimati, **fields)
    with pytest.raises(ImplausibleBirthDate):
        actions.register_patient(actor=director, now=HALF_PAST, site=pago_pago, **fields)

    assert Patient.objects.count() == 1


# --- audit search dates are days at the site the director works at ----------------------------------------

def _searched(client, day: str) -> list[str]:
    response = client.get(reverse("audit:search"), {"action": "patients.chart", "date_from": day, "date_to": day})
    return [row.event.data["mark"] for row in response.context["rows"]]


def test_audit_search_dates_are_days_at_the_working_site(signed_in, director, kiritimati, pago_pago):
    record_event(actor=director, now=HALF_PAST, action="patients.chart_viewed", data={"mark": "half past ten UTC"})

    at_kiritimati = working_at(signed_in, director, kiritimati)
    kiritimati_days = {day: _searched(at_kiritimati, day) for day in ("2026-11-24", "2026-11-25")}
    at_pago_pago = working_at(signed_in, director, pago_pago)
    pago_pago_days = {day: _searched(at_pago_pago, day) for day in ("2026-11-23", "2026-11-24")}

    assert kiritimati_days == {"2026-11-24": [], "2026-11-25": ["half past ten UTC"]}
    assert pago_pago_days == {"2026-11-23": ["half past ten UTC"], "2026-11-24": []}


def test_audit_search_of_the_day_the_clocks_go_back_covers_its_25_hours(signed_in, director, new_york):
    # 1 November 2026 in New York runs from 04:00 UTC on the 1st to 05:00 UTC on the 2nd.
    for mark, instant in (("before", dt.datetime(2026, 11, 1, 3, 59, tzinfo=UTC)),
                          ("first minute", dt.datetime(2026, 11, 1, 4, 0, tzinfo=UTC)),
                          ("last minute", dt.datetime(2026, 11, 2, 4, 59, tzinfo=UTC)),
                          ("after", dt.datetime(2026, 11, 2, 5, 0, tzinfo=UTC))):
        record_event(actor=director, now=instant, action="patients.chart_viewed", data={"mark": mark})

    client = working_at(signed_in, director, new_york)

    assert _searched(client, "2026-11-01") == ["last minute", "first minute"]


# --- a live page's polls are de-duplicated per site day ---------------------------------------------------

def _poll(director, site, patients, instant):
    return record_view(actor=director, now=instant, action=BOARD, patients=patients, poll=True, site_id=site.pk)


def test_polls_either_side_of_kiritimati_midnight_are_two_site_days(director, kiritimati):
    patients = PatientFactory.create_batch(2, site=kiritimati)

    _poll(director, kiritimati, patients, KIRITIMATI_MIDNIGHT - dt.timedelta(minutes=5))
    after = _poll(director, kiritimati, patients, KIRITIMATI_MIDNIGHT + dt.timedelta(minutes=5))

    assert after is not None
    assert AuditEvent.objects.filter(action=BOARD).count() == 2


def test_the_same_two_polls_are_one_day_in_pago_pago_and_utc_midnight_is_no_boundary(director, pago_pago):
    patients = PatientFactory.create_batch(2, site=pago_pago)
    utc_midnight = dt.datetime(2026, 11, 25, 0, 0, tzinfo=UTC)  # 13:00 in Pago Pago

    _poll(director, pago_pago, patients, KIRITIMATI_MIDNIGHT - dt.timedelta(minutes=5))
    same_day = _poll(director, pago_pago, patients, KIRITIMATI_MIDNIGHT + dt.timedelta(minutes=5))
    _poll(director, pago_pago, patients, utc_midnight - dt.timedelta(minutes=5))
    across_utc_midnight = _poll(director, pago_pago, patients, utc_midnight + dt.timedelta(minutes=5))

    assert (same_day, across_utc_midnight) == (None, None)
    assert AuditEvent.objects.filter(action=BOARD).count() == 2  # the 23rd and the 24th in Pago Pago


def test_polls_through_the_25_hour_day_in_new_york_are_one_site_day(director, new_york):
    patients = PatientFactory.create_batch(2, site=new_york)

    _poll(director, new_york, patients, dt.datetime(2026, 11, 1, 4, 10, tzinfo=UTC))  # 00:10 EDT
    late = _poll(director, new_york, patients, dt.datetime(2026, 11, 2, 4, 50, tzinfo=UTC))  # 23:50 EST
    next_day = _poll(director, new_york, patients, dt.datetime(2026, 11, 2, 5, 10, tzinfo=UTC))  # 00:10 EST

    assert (late, next_day is not None) == (None, True)


# --- times shown on the chart's tabs follow the patient's site, named when not the working site's -------

def shown_times(html: str) -> list[tuple[str, str, str]]:
    """Every <time> of a page as (its datetime attribute, its zone title, the text a reader sees)."""
    return [(iso, zone, re.sub(r"<[^>]+>", "", inner))
            for iso, zone, inner in re.findall(r'<time datetime="([^"]+)"(?: title="([^"]+)")?>(.*?)</time>', html)]


def _history_times(client, patient) -> list[tuple[str, str, str]]:
    return shown_times(client.get(reverse("patients:history", args=[patient.pk])).content.decode())


def test_history_shows_the_site_s_time_and_names_the_zone_only_when_it_is_not_the_working_site_s(
        signed_in, director, kiritimati, pago_pago):
    patient = PatientFactory(site=kiritimati)
    RecordRevision.objects.create(patient=patient, record_type="patient", record_id=patient.pk, change="update",
                                  changes={"phone": ["", "555-0100"]}, changed_by=director, changed_at=HALF_PAST)

    at_kiritimati = _history_times(working_at(signed_in, director, kiritimati), patient)
    at_pago_pago = _history_times(working_at(signed_in, director, pago_pago), patient)

    assert at_kiritimati == [("2026-11-25T00:30:00+14:00", "", "25 Nov 2026 00:30")]
    assert at_pago_pago == [("2026-11-25T00:30:00+14:00", "Pacific/Kiritimati", "25 Nov 2026 00:30 UTC+14")]


def test_changing_a_site_s_zone_changes_the_times_shown(signed_in, director, kiritimati, pago_pago):
    patient = PatientFactory(site=kiritimati)
    actions.save_safety_history(actor=director, now=HALF_PAST, patient=patient, answers={"pregnant": False})
    client = working_at(signed_in, director, pago_pago)
    before = shown_times(client.get(reverse("patients:intake", args=[patient.pk])).content.decode())

    change_site(site=kiritimati, actor=director, now=HALF_PAST, name="Kiritimati", code="KIR",
                time_zone="Pacific/Pago_Pago", address="", phone="")
    after = shown_times(client.get(reverse("patients:intake", args=[patient.pk])).content.decode())
    history = _history_times(client, patient)

    assert before == [("2026-11-25T00:30:00+14:00", "Pacific/Kiritimati", "25 Nov 2026 00:30 UTC+14")]
    assert after == [("2026-11-23T23:30:00-11:00", "", "23 Nov 2026 23:30")]
    assert history == after


def test_the_hour_the_clocks_repeat_is_told_apart(signed_in, director, new_york):
    patient = PatientFactory(site=new_york)
    for minute, instant in ((1, dt.datetime(2026, 11, 1, 5, 30, tzinfo=UTC)),
                            (2, dt.datetime(2026, 11, 1, 6, 30, tzinfo=UTC))):
        RecordRevision.objects.create(patient=patient, record_type="patient", record_id=patient.pk,
                                      change="update", changes={"phone": ["", f"555-010{minute}"]},
                                      changed_by=director, changed_at=instant)

    page = _history_times(working_at(signed_in, director, new_york), patient)

    assert page == [("2026-11-01T01:30:00-05:00", "America/New_York", "1 Nov 2026 01:30 EST"),
                    ("2026-11-01T01:30:00-04:00", "America/New_York", "1 Nov 2026 01:30 EDT")]


def test_the_audit_trail_shows_each_event_at_its_site_s_time(signed_in, director, kiritimati, pago_pago):
    patient = PatientFactory(site=kiritimati)
    record_event(actor=director, now=HALF_PAST, action="patients.chart_viewed", patients=[patient],
                 site_id=kiritimati.pk)
    record_event(actor=director, now=HALF_PAST, action="patients.list_viewed", data={"mark": "no site"})

    page = working_at(signed_in, director, pago_pago).get(reverse("audit:search"), {"action": "patients."})
    times = shown_times(page.content.decode())

    assert times == [
        ("2026-11-23T23:30:00-11:00", "", "23 Nov 2026 23:30:00"),  # no site: the working site's zone
        ("2026-11-25T00:30:00+14:00", "Pacific/Kiritimati", "25 Nov 2026 00:30:00 UTC+14"),  # at Kiritimati
    ]


def test_an_event_at_a_site_the_reader_does_not_work_at_shows_that_site_s_zone(signed_in, kiritimati, pago_pago):
    reader = StaffUserFactory(username="pago.director", role="director", organisation=pago_pago.organisation,
                              sites=[pago_pago])
    record_event(actor=reader, now=HALF_PAST, action="sites.site_changed", site_id=kiritimati.pk)

    page = signed_in(reader).get(reverse("audit:search"), {"action": "sites."})

    assert shown_times(page.content.decode()) == [
        ("2026-11-25T00:30:00+14:00", "Pacific/Kiritimati", "25 Nov 2026 00:30:00 UTC+14")]


# --- changing a date of birth or a site checks the birth date against today at the patient's site ----------

NEWBORN = dt.date(2026, 11, 25)  # born this morning in Kiritimati; still tomorrow in Pago Pago


def _api(user) -> Client:
    _, token = issue_token(user=user, name="tests", now=HALF_PAST)
    return Client(headers={"Authorization": f"Bearer {token}"})


def test_a_patch_of_the_birth_date_alone_reads_today_at_the_patient_s_site(director, kiritimati, pago_pago, clock):
    clock(HALF_PAST)
    at_kiritimati, at_pago_pago = PatientFactory(site=kiritimati), PatientFactory(site=pago_pago)
    api = _api(director)

    accepted = api.patch(f"/api/v1/patients/{at_kiritimati.pk}", {"birth_date": "2026-11-25"},
                         content_type="application/json")
    refused = api.patch(f"/api/v1/patients/{at_pago_pago.pk}", {"birth_date": "2026-11-25"},
                        content_type="application/json")

    assert (accepted.status_code, accepted.json()["birth_date"]) == (200, "2026-11-25")
    assert refused.status_code == 400
    assert refused.json()["error"]["details"] == [{"field": "birth_date", "message":
        "The date of birth 25 Nov 2026 is after today at the site (23 Nov 2026). Check the day and the year."}]
    at_pago_pago.refresh_from_db()
    assert at_pago_pago.birth_date == dt.date(1980, 4, 9)


def test_moving_a_newborn_to_a_site_still_on_the_day_before_is_refused_everywhere(
        signed_in, director, kiritimati, pago_pago, clock):
    clock(HALF_PAST)
    patient = PatientFactory(site=kiritimati, birth_date=NEWBORN)
    expected = "The date of birth 25 Nov 2026 is after today at the site (23 Nov 2026). Check the day and the year."

    by_api = _api(director).patch(f"/api/v1/patients/{patient.pk}", {"site_id": str(pago_pago.pk)},
                                  content_type="application/json")
    form = signed_in(director).post(reverse("patients:edit", args=[patient.pk]), {
        "site": pago_pago.pk, "given_name": patient.given_name, "family_name": patient.family_name,
        "birth_date": "2026-11-25", "sex": "female", "preferred_channel": "email", "email": "a@example.org",
        "referral_source": "self"}).context["form"]
    with pytest.raises(ImplausibleBirthDate) as by_action:
        actions.update_patient(actor=director, now=HALF_PAST, patient=patient, site=pago_pago)

    assert (by_api.status_code, by_api.json()["error"]["details"]) == (
        400, [{"field": "birth_date", "message": expected}])
    assert form.errors["birth_date"] == [expected]
    assert by_action.value.message == expected
    patient.refresh_from_db()
    assert patient.site_id == kiritimati.pk


def test_a_poll_at_another_site_is_recorded_on_its_own(director, kiritimati, pago_pago):
    patients = PatientFactory.create_batch(2, site=kiritimati)

    _poll(director, kiritimati, patients, HALF_PAST)
    elsewhere = _poll(director, pago_pago, patients, HALF_PAST + dt.timedelta(minutes=1))

    assert elsewhere is not None
    assert list(AuditEvent.objects.filter(action=BOARD).order_by("seq").values_list("site_id", flat=True)) == [
        kiritimati.pk,
        pago_pago.pk]

"""Refused access is recorded: who, which route and which id, once per user, patient id (or route)
and site day; another organisation's patient is never named; signed-out visitors and requests refused
before their view write nothing; a failure to record never turns a refusal into a server error."""

import datetime as dt
import logging

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice

from clinic.accounts.tests.factories import StaffUserFactory
from clinic.accounts.tokens import issue_token
from clinic.audit import refusals
from clinic.audit.chain import chain_for
from clinic.audit.models import AuditEvent
from clinic.audit.refusals import Refusal, record_refusal
from clinic.audit.tests.factories import AuditEventFactory
from clinic.patients.tests.factories import PatientFactory
from clinic.sites.tests.factories import OrganisationFactory, SiteFactory
from conftest import CLINIC_ZONE
from tests import race

REFUSED = "audit.access_refused"


def _refusals(user=None) -> list[AuditEvent]:
    events = AuditEvent.objects.filter(action=REFUSED).order_by("seq")
    return list(events.filter(actor=user) if user is not None else events)


def _named(event: AuditEvent) -> list[int]:
    return sorted(link.patient_id for link in event.patient_links.all())


def _api(user, now) -> Client:
    _, token = issue_token(user=user, name="tests", now=now)
    return Client(headers={"Authorization": f"Bearer {token}"})


def _refusal(patient_id: int | str = 42, route: str = "patients:chart") -> Refusal:
    return Refusal(route=route, path=f"/patients/{patient_id}/", method="GET", status=404,
                   arguments={"patient_id": str(patient_id)})


def test_front_desk_on_a_clinical_page_is_recorded_once_per_patient_and_day(signed_in, front_desk, main_site):
    patient = PatientFactory(site=main_site)
    client = signed_in(front_desk)
    intake = reverse("patients:intake", args=[patient.pk])

    statuses = [client.get(intake).status_code, client.get(intake).status_code,
                client.post(reverse("patients:safety_history", args=[patient.pk]), {"pregnant": "no"}).status_code]

    assert statuses == [403, 403, 403]
    [event] = _refusals(front_desk)
    assert (event.role, event.site_id, _named(event)) == ("front_desk", main_site.pk, [patient.pk])
    assert event.data == {"route": "patients:intake", "path": intake, "method": "GET", "status": 403,
                          "asked": {"patient_id": str(patient.pk)}, "counted_as": f"patient:{patient.pk}"}


def test_a_refusal_asking_for_no_patient_is_recorded_once_per_route_and_day(signed_in, nurse):
    client = signed_in(nurse)

    statuses = [client.get(reverse(name)).status_code for name in ("audit:search", "audit:search", "sites:list")]

    assert statuses == [403, 403, 403]
    assert [(event.data["route"], event.data["counted_as"], _named(event)) for event in _refusals(nurse)] == [
        ("audit:search", "route:audit:search", []), ("sites:list", "route:sites:list", [])]


def test_an_api_call_refused_to_a_role_is_recorded_under_the_tokens_owner(front_desk, main_site, now):
    patient = PatientFactory(site=main_site)

    response = _api(front_desk, now).get(f"/api/v1/patients/{patient.pk}/intake")

    assert response.status_code == 403
    [event] = _refusals(front_desk)
    assert (event.data["route"], event.data["status"], event.site_id, _named(event)) == (
        "api-v1:read_intake", 403, main_site.pk, [patient.pk])


def test_a_404_on_a_route_without_a_patient_id_is_not_recorded(signed_in, director):
    from clinic.patients.models import ReferringClinician

    elsewhere = ReferringClinician.objects.create(organisation=OrganisationFactory(), name="Dr Elsewhere")

    response = signed_in(director).get(reverse("patients:referrer_edit", args=[elsewhere.pk]))

    assert response.status_code == 404
    assert _refusals() == []


def test_another_organisations_patient_is_kept_as_the_id_typed_and_never_named(signed_in, main_site):
    stranger_site = SiteFactory(organisation=OrganisationFactory(), name="Elsewhere", code="ELSE")
    stranger = StaffUserFactory(username="stranger", role="nurse", organisation=stranger_site.organisation,
                                sites=[stranger_site])
    ours = PatientFactory(site=main_site)
    client = signed_in(stranger)

    statuses = [client.get(reverse("patients:chart", args=[patient_id])).status_code
                for patient_id in (ours.pk, ours.pk + 1000)]

    assert statuses == [404, 404]
    events = _refusals(stranger)
    assert [(event.chain, event.data["asked"], _named(event)) for event in events] == [
        (chain_for(stranger_site.organisation_id), {"patient_id": str(ours.pk)}, []),
        (chain_for(stranger_site.organisation_id), {"patient_id": str(ours.pk + 1000)}, [])]
    assert not AuditEvent.objects.filter(chain=chain_for(main_site.organisation_id), action=REFUSED).exists()


def test_an_id_that_could_be_no_patients_is_counted_per_route(api_client_for_nurse):
    client, nurse = api_client_for_nurse

    statuses = [client.get(f"/api/v1/patients/{typed}").status_code
                for typed in ("abc", "x1", "99999999999999999999999")]

    assert statuses == [404, 404, 404]
    [event] = _refusals(nurse)
    assert (event.data["asked"], event.data["counted_as"], _named(event)) == (
        {"patient_id": "abc"}, "route:api-v1:read_patient", [])


@pytest.fixture
def api_client_for_nurse(nurse, now):
    return _api(nurse, now), nurse


def test_a_signed_out_visitor_writes_nothing(client, main_site):
    patient = PatientFactory(site=main_site)

    page = client.get(reverse("patients:chart", args=[patient.pk]))
    api = client.get(f"/api/v1/patients/{patient.pk}")

    assert (page.status_code, api.status_code) == (302, 401)
    assert AuditEvent.objects.count() == 0


def test_an_api_call_is_recorded_under_the_tokens_owner_not_the_session(signed_in, nurse, front_desk, main_site,
                                                                        now):
    patient = PatientFactory(site=main_site)
    _, token = issue_token(user=front_desk, name="tests", now=now)
    client = signed_in(nurse)

    response = client.get(f"/api/v1/patients/{patient.pk}/intake", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 403
    assert [event.actor for event in _refusals()] == [front_desk]


def test_a_form_refused_for_its_csrf_token_is_not_an_access_refusal(nurse, main_site):
    patient = PatientFactory(site=main_site)
    client = Client(enforce_csrf_checks=True)
    client.force_login(nurse)
    session = client.session
    session["otp_device_id"] = StaticDevice.objects.create(user=nurse, name="t", confirmed=True).persistent_id
    session.save()

    response = client.post(reverse("patients:safety_history", args=[patient.pk]), {"pregnant": "no"})

    assert response.status_code == 403
    assert _refusals() == []


def test_a_failure_to_record_leaves_the_refusal_and_logs_an_error(signed_in, outsider, main_site, monkeypatch,
                                                                  caplog):
    patient = PatientFactory(site=main_site)

    def broken(**kwargs):
        raise RuntimeError("the audit table is unreachable")

    monkeypatch.setattr(refusals, "record_event", broken)

    with caplog.at_level(logging.ERROR, logger="clinic.audit.middleware"):
        response = signed_in(outsider).get(reverse("patients:chart", args=[patient.pk]))

    assert response.status_code == 404
    assert _refusals() == []
    [record] = [record for record in caplog.records if record.name == "clinic.audit.middleware"]
    assert (record.levelname, record.getMessage()) == (
        "ERROR", f"Could not record a refused request: GET /patients/{patient.pk}/ (404)")
    assert "the audit table is unreachable" in str(record.exc_info[1])


def test_the_same_refusal_again_that_day_takes_no_lock_and_writes_nothing(outsider, other_site, now, monkeypatch):
    taken = []
    lock = refusals.locked_chain_head
    monkeypatch.setattr(refusals, "locked_chain_head", lambda chain: taken.append(chain) or lock(chain))
    record = dict(actor=outsider, refusal=_refusal(), site_id=other_site.pk, time_zone=other_site.time_zone)

    first = record_refusal(now=now, **record)
    with CaptureQueriesContext(connection) as again:
        repeat = record_refusal(now=now + dt.timedelta(hours=3), **record)

    assert (first.action, repeat, len(taken)) == (REFUSED, None, 1)
    assert len(again.captured_queries) == 1
    assert not any("FOR UPDATE" in query["sql"] for query in again.captured_queries)


def test_a_refusal_recorded_while_waiting_for_the_lock_is_not_written_twice(outsider, other_site, now,
                                                                            monkeypatch):
    """Another request records the same refusal between this one's first look and its lock."""
    record = dict(actor=outsider, refusal=_refusal(), site_id=other_site.pk, time_zone=other_site.time_zone)
    lock = refusals.locked_chain_head

    def the_other_request_wins(chain):
        monkeypatch.setattr(refusals, "locked_chain_head", lock)
        record_refusal(now=now, **record)
        return lock(chain)

    monkeypatch.setattr(refusals, "locked_chain_head", the_other_request_wins)

    assert record_refusal(now=now, **record) is None
    assert len(_refusals(outsider)) == 1


def test_the_day_is_the_working_sites_from_midnight_to_midnight(outsider, other_site):
    record = dict(actor=outsider, refusal=_refusal(), site_id=other_site.pk, time_zone="America/New_York")
    # 04:59 and 05:00 UTC: one UTC day, two days in New York.
    late = dt.datetime(2026, 11, 24, 23, 59, tzinfo=CLINIC_ZONE)

    written = [record_refusal(now=late + dt.timedelta(minutes=minutes), **record) is not None
               for minutes in (0, 1, 2)]

    assert written == [True, True, False]


def test_refusals_only_lists_refusals_with_route_path_and_id(signed_in, director, nurse, outsider, main_site, now):
    patient = PatientFactory(site=main_site, family_name="Quillon", given_name="Ada")
    AuditEventFactory(actor=nurse, now=now, action="patients.chart_viewed", patients=[patient])
    record_refusal(actor=outsider, now=now, refusal=_refusal(patient.pk), site_id=None, time_zone="UTC")
    client = signed_in(director)

    everything = client.get(reverse("audit:search"))
    only = client.get(reverse("audit:search"), {"refusals": "on"})

    assert [row.event.action for row in everything.context["rows"]] == [REFUSED, "patients.chart_viewed"]
    [row] = only.context["rows"]
    assert (row.event.actor_label, row.patients, row.refusal.path, row.refusal.asked) == (
        "outsider", [patient], f"/patients/{patient.pk}/", f"patient_id {patient.pk}")
    html = only.content.decode()
    assert f"404 on patients:chart: GET <code>/patients/{patient.pk}/</code>, asked patient_id {patient.pk}" in html
    assert 'id="id_refusals" checked' in html
    searched = AuditEvent.objects.filter(action="audit.searched").order_by("seq").last()
    assert searched.data["filters"] == {"refusals": "on"}


@pytest.mark.slow
def test_refusals_only_query_count_is_the_same_for_10_and_300_refusals(
        signed_in, director, outsider, main_site, now, django_assert_max_num_queries):
    patient = PatientFactory(site=main_site)
    client = signed_in(director)

    def refuse(count: int) -> None:
        AuditEventFactory.create_batch(count, actor=outsider, now=now, action=REFUSED, patients=[patient],
                                       data=refusals._stored(_refusal(patient.pk)))

    def queries() -> int:
        with django_assert_max_num_queries(20) as captured:
            response = client.get(reverse("audit:search"), {"refusals": "on"})
        assert all(row.refusal is not None for row in response.context["rows"])
        return len(captured.captured_queries)

    refuse(10)
    client.get(reverse("audit:search"), {"refusals": "on"})
    small = queries()
    refuse(290)

    assert queries() == small


def test_the_patients_trail_lists_the_refused_attempt(signed_in, director, outsider, main_site, now):
    patient = PatientFactory(site=main_site)
    record_refusal(actor=outsider, now=now, refusal=_refusal(patient.pk), site_id=None, time_zone="UTC")

    response = signed_in(director).get(reverse("audit:patient", args=[patient.pk]))

    assert [(row.newest.event.actor_label, row.newest.event.action, row.newest.refusal.status)
            for row in response.context["rows"]] == [("outsider", REFUSED, 404)]


@pytest.mark.slow
@race.VARIANTS
def test_the_same_refusal_arriving_at_once_from_many_requests_writes_one_event(transactional_db, outsider,
                                                                                 other_site, now, locked,
                                                                                 monkeypatch):
    record = dict(actor=outsider, refusal=_refusal(), site_id=other_site.pk, time_zone=other_site.time_zone)
    writers = race.writers()
    gate = race.Gate(writers)
    if locked:
        race.meet_at_lock(monkeypatch, refusals, "locked_chain_head", gate)
    else:
        # Without the lock, every request has looked again and found nothing before any writes.
        race.drop_lock(monkeypatch, refusals, "locked_chain_head", lambda chain: None)
        race.meet_before(monkeypatch, refusals, "record_event", gate)

    written, errors = race.run(lambda: record_refusal(now=now, **record), writers=writers)

    events = _refusals(outsider)
    if locked:
        assert (errors, len(events), sum(event is not None for event in written)) == ([], 1, 1)
    elif connection.vendor == "postgresql":
        # Every request wrote; the chain's own lock appended them in turn.
        assert (errors, len(events)) == ([], writers)
    else:
        # Every request came to write after looking; all but the first found their snapshot stale.
        assert len(events) == 1
        assert [repr(error) for error in errors] == [repr(OperationalError("database is locked"))] * (writers - 1)

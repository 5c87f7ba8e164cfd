"""The director's audit pages: search the trail, and who viewed or changed one patient."""

import datetime as dt

import pytest
from django.urls import reverse

from clinic.audit.models import AuditEvent
from clinic.audit.tests.factories import AuditEventFactory
from clinic.patients.tests.factories import PatientFactory


@pytest.fixture
def abbott(main_site):
    return PatientFactory(site=main_site, family_name="Abbott", given_name="Ann", mrn="M000101")


@pytest.fixture
def baker(main_site):
    return PatientFactory(site=main_site, family_name="Baker", given_name="Ben", mrn="M000102")


def _actions(response) -> list[str]:
    return [row.event.action for row in response.context["rows"]]


@pytest.mark.parametrize("role", ["nurse", "prescriber", "front_desk"])
def test_audit_pages_are_for_the_medical_director_only(role, request, signed_in, abbott):
    client = signed_in(request.getfixturevalue(role))

    search = client.get(reverse("audit:search"))
    trail = client.get(reverse("audit:patient", args=[abbott.pk]))

    assert (search.status_code, trail.status_code) == (403, 403)
    refusals = AuditEvent.objects.filter(action__startswith="audit.").order_by("seq")
    assert [(event.action, event.data["route"], event.data["counted_as"]) for event in refusals] == [
        ("audit.access_refused", "audit:search", "route:audit:search"),
        ("audit.access_refused", "audit:patient", f"patient:{abbott.pk}")]


def test_search_lists_events_newest_first_with_patients_by_name_and_mrn(
    signed_in, director, nurse, abbott, baker, now
):
    AuditEventFactory(actor=nurse, now=now, action="patients.list_viewed", patients=[abbott, baker])
    AuditEventFactory(actor=nurse, now=now + dt.timedelta(minutes=5), action="patients.updated",
                      subject=abbott, changed_fields=["phone", "email"])

    response = signed_in(director).get(reverse("audit:search"))

    rows = response.context["rows"]
    assert _actions(response) == ["patients.updated", "patients.list_viewed"]
    assert (rows[0].event.actor_label, rows[0].role_label, rows[0].patients) == ("nurse", "Nurse", [abbott])
    assert rows[1].patients == [abbott, baker]
    html = response.content.decode()
    assert "Abbott, Ann</a> <span class=\"muted\">M000101</span>" in html
    assert "Changed: Email, Phone" in html and "patients.Patient #" in html


def test_search_filters_by_patient_name_or_mrn(signed_in, director, nurse, abbott, baker, now):
    AuditEventFactory(actor=nurse, now=now, action="patients.chart_viewed", patients=[abbott])
    AuditEventFactory(actor=nurse, now=now, action="patients.chart_viewed", patients=[baker])
    client = signed_in(director)

    by_name = client.get(reverse("audit:search"), {"patient": "abbott"})
    by_mrn = client.get(reverse("audit:search"), {"patient": "M000102"})

    assert [row.patients for row in by_name.context["rows"]] == [[abbott]]
    assert [row.patients for row in by_mrn.context["rows"]] == [[baker]]


def test_search_filters_by_staff_username_action_prefix_and_dates(
    signed_in, director, nurse, prescriber, abbott, now
):
    AuditEventFactory(actor=nurse, now=now - dt.timedelta(days=2), action="patients.chart_viewed")
    AuditEventFactory(actor=nurse, now=now, action="patients.updated", subject=abbott)
    AuditEventFactory(actor=nurse, now=now, action="accounts.login")
    AuditEventFactory(actor=prescriber, now=now, action="patients.chart_viewed")
    client = signed_in(director)

    response = client.get(reverse("audit:search"), {
        "staff": "NURSE", "action": "patients.", "date_from": "2026-11-24", "date_to": "2026-11-24"})

    assert _actions(response) == ["patients.updated"]
    assert response.context["page"].paginator.count == 1


def test_search_refuses_a_from_date_after_the_to_date_and_says_how_to_fix_it(signed_in, director, nurse, now):
    AuditEventFactory(actor=nurse, now=now)

    response = signed_in(director).get(reverse("audit:search"),
                                       {"date_from": "2026-11-25", "date_to": "2026-11-24"})

    assert response.context["rows"] == []
    assert "Swap the two dates." in response.content.decode()


def test_search_never_names_patients_of_sites_the_director_does_not_work_at(
    signed_in, director, outsider, other_site, now
):
    north = PatientFactory(site=other_site, family_name="Northcott")
    AuditEventFactory(actor=outsider, now=now, action="patients.chart_viewed", patients=[north])

    response = signed_in(director).get(reverse("audit:search"))

    row = response.context["rows"][0]
    assert (row.patients, row.other_patient_count) == ([], 1)
    assert "Northcott" not in response.content.decode()


def test_search_shows_only_the_directors_organisation(signed_in, director, now):
    from clinic.accounts.tests.factories import StaffUserFactory

    AuditEventFactory(actor=StaffUserFactory(username="elsewhere"), now=now, action="accounts.login")

    response = signed_in(director).get(reverse("audit:search"))

    assert _actions(response) == []


def test_searching_records_an_event_naming_the_patients_shown(signed_in, director, nurse, abbott, now):
    AuditEventFactory(actor=nurse, now=now, action="patients.chart_viewed", patients=[abbott])

    signed_in(director).get(reverse("audit:search"), {"action": "patients."})

    event = AuditEvent.objects.get(action="audit.searched")
    assert (event.actor, event.role, event.data) == (director, "director",
                                                      {"filters": {"action": "patients."}, "zone": "America/New_York",
                                                       "page": 1})
    assert [link.patient_id for link in event.patient_links.all()] == [abbott.pk]


def test_search_pages_fifty_events_and_keeps_the_filters_in_the_page_links(signed_in, director, nurse, now):
    AuditEventFactory.create_batch(51, actor=nurse, now=now, action="patients.chart_viewed")
    client = signed_in(director)

    first = client.get(reverse("audit:search"), {"action": "patients."})
    second = client.get(reverse("audit:search"), {"action": "patients.", "page": 2})

    assert (len(first.context["rows"]), len(second.context["rows"])) == (50, 1)
    assert 'href="?action=patients.&amp;page=2"' in first.content.decode()
    assert second.context["rows"][0].event.seq == 1


def _search_queries(client, django_assert_max_num_queries) -> int:
    with django_assert_max_num_queries(20) as captured:
        response = client.get(reverse("audit:search"))
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_search_query_count_is_the_same_for_10_and_300_events(
    signed_in, director, nurse, abbott, baker, now, django_assert_max_num_queries
):
    client = signed_in(director)
    AuditEventFactory.create_batch(10, actor=nurse, now=now, patients=[abbott, baker])
    client.get(reverse("audit:search"))  # the director's first event creates nothing new after this
    small = _search_queries(client, django_assert_max_num_queries)
    AuditEventFactory.create_batch(290, actor=nurse, now=now, patients=[abbott, baker])

    large = _search_queries(client, django_assert_max_num_queries)

    assert large == small


def test_patient_page_lists_every_event_naming_the_patient_newest_first(
    signed_in, director, nurse, prescriber, abbott, baker, now
):
    AuditEventFactory(actor=nurse, now=now, action="patients.list_viewed", patients=[abbott, baker])
    AuditEventFactory(actor=nurse, now=now, action="patients.chart_viewed", patients=[baker])
    AuditEventFactory(actor=prescriber, now=now, action="patients.updated", subject=abbott,
                      changed_fields=["address"])

    response = signed_in(director).get(reverse("audit:patient", args=[abbott.pk]))

    rows = response.context["rows"]
    assert [(row.newest.event.actor_label, row.newest.event.action) for row in rows] == [
        ("prescriber", "patients.updated"), ("nurse", "patients.list_viewed")]
    assert "1 other patient" in response.content.decode()


def test_opening_a_patients_audit_page_is_itself_recorded(signed_in, director, abbott):
    signed_in(director).get(reverse("audit:patient", args=[abbott.pk]))

    event = AuditEvent.objects.get(action="audit.patient_trail_viewed")
    assert (event.actor, event.site_id, [link.patient_id for link in event.patient_links.all()]) == (
        director, abbott.site_id, [abbott.pk])


def test_patient_page_is_not_found_for_another_sites_or_a_missing_patient(signed_in, director, other_site):
    north = PatientFactory(site=other_site)
    client = signed_in(director)

    other = client.get(reverse("audit:patient", args=[north.pk]))
    missing = client.get(reverse("audit:patient", args=[north.pk + 1000]))

    assert (other.status_code, missing.status_code) == (404, 404)
    assert not AuditEvent.objects.filter(action="audit.patient_trail_viewed").exists()


def test_patient_page_query_count_is_the_same_for_10_and_300_events(
    signed_in, director, nurse, abbott, now, django_assert_max_num_queries
):
    client = signed_in(director)
    url = reverse("audit:patient", args=[abbott.pk])
    AuditEventFactory.create_batch(10, actor=nurse, now=now, patients=[abbott])
    client.get(url)
    # The patient banner's reads of the intake are part of the fixed cost.
    with django_assert_max_num_queries(30) as small:
        client.get(url)
    AuditEventFactory.create_batch(290, actor=nurse, now=now, patients=[abbott])

    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        response = client.get(url)

    assert len(response.context["rows"]) == 50
    assert len(large.captured_queries) == len(small.captured_queries)

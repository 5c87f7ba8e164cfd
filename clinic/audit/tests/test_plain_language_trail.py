"""'Who viewed or changed' and the audit search in words: sentences, staff by name and role, fields by
their labels, the patient banner and tabs, and one person's list views of a day as one row."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from clinic.accounts.tests.factories import StaffUserFactory
from clinic.audit.models import AuditEvent
from clinic.audit.tests.factories import AuditEventFactory
from clinic.patients.tests.factories import PatientFactory
from conftest import CLINIC_ZONE

DAY = dt.date(2026, 11, 24)


def at(hour: int, minute: int, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=CLINIC_ZONE)


@pytest.fixture
def priya(main_site):
    return StaffUserFactory(username="priya", first_name="Priya", last_name="Raman", credentials="NP",
                            role="prescriber", organisation=main_site.organisation, sites=[main_site])


@pytest.fixture
def tom(main_site):
    return StaffUserFactory(username="tom", first_name="Tom", last_name="Hale", role="nurse",
                            organisation=main_site.organisation, sites=[main_site])


@pytest.fixture
def quentin(main_site):
    return PatientFactory(site=main_site, given_name="Quentin", family_name="Quill", mrn="K000042")


def _trail(client, patient, **params):
    response = client.get(reverse("audit:patient", args=[patient.pk]), params)
    assert response.status_code == 200
    return response


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def _list_views(actor, patient, times, query="quen"):
    for occurred_at in times:
        AuditEventFactory(actor=actor, now=occurred_at, action="patients.list_viewed", patients=[patient],
                          data={"query": query, "page": 1})


def test_each_event_is_a_sentence_with_the_staff_name_role_and_changed_fields_by_label(
        signed_in, director, priya, tom, quentin):
    AuditEventFactory(actor=tom, now=at(9, 0), action="patients.chart_viewed", patients=[quentin])
    AuditEventFactory(actor=tom, now=at(9, 5), action="patients.list_viewed", patients=[quentin],
                      data={"query": "quen", "page": 1})
    AuditEventFactory(actor=priya, now=at(9, 10), action="patients.measurement_added", patients=[quentin])
    AuditEventFactory(actor=priya, now=at(9, 15), action="patients.safety_history_saved", patients=[quentin])
    AuditEventFactory(actor=priya, now=at(9, 20), action="patients.updated", subject=quentin,
                      changed_fields=["birth_date", "phone"])
    AuditEventFactory(actor=tom, now=at(9, 25), action="audit.access_refused", patients=[quentin],
                      data={"route": "patients:chart", "path": f"/patients/{quentin.pk}/", "method": "GET",
                            "status": 404, "asked": {"patient_id": str(quentin.pk)}})

    response = _trail(signed_in(director), quentin)

    assert [(row.sentence, row.newest.who, row.newest.who_role, row.newest.changed)
            for row in response.context["rows"]] == [
        ("Refused: not found, or not at a site this person works at (404)", "Tom Hale", "Nurse", []),
        ("Changed the registration details", "Priya Raman, NP", "Prescriber", ["Date of birth", "Phone"]),
        ("Changed the safety history", "Priya Raman, NP", "Prescriber", []),
        ("Added a body measurement", "Priya Raman, NP", "Prescriber", []),
        ("Saw this patient in a patient list (search: ‘quen’)", "Tom Hale", "Nurse", []),
        ("Viewed the chart", "Tom Hale", "Nurse", []),
    ]
    text = _text(response.content.decode())
    assert "Priya Raman, NP · Prescriber" in text and "Tom Hale · Nurse" in text
    assert "Changed: Date of birth, Phone" in text
    assert "username" not in text  # usernames are for the search page's staff filter
    assert "24 Nov 2026 09:20:00" in text


def test_a_safety_history_event_names_its_questions(signed_in, director, priya, quentin, now):
    from clinic.patients import actions

    actions.save_safety_history(actor=priya, now=now, patient=quentin,
                                answers={"psychosis_current": True, "pregnant": False})

    response = _trail(signed_in(director), quentin)

    saved = next(row.newest for row in response.context["rows"]
                 if row.newest.event.action == "patients.safety_history_saved")
    assert (saved.sentence, saved.changed) == ("Changed the safety history",
                                               ["Current psychosis", "Pregnant (reported or positive test)"])


def test_the_page_keeps_the_banner_and_tabs_and_links_back_to_the_chart(signed_in, director, quentin):
    html = _trail(signed_in(director), quentin).content.decode()

    chart = reverse("patients:chart", args=[quentin.pk])
    assert 'data-testid="patient-banner"' in html and "Quill, Quentin" in html and "K000042" in html
    assert re.search(rf'href="{reverse("audit:patient", args=[quentin.pk])}"[^>]*aria-current="page"', html)
    assert f'<a href="{chart}">← Back to the chart</a>' in html
    assert f'href="{reverse("patients:history", args=[quentin.pk])}"' in html


def test_thirty_list_views_in_a_day_and_three_other_events_are_four_rows(signed_in, director, tom, priya, quentin):
    AuditEventFactory(actor=tom, now=at(8, 50), action="patients.chart_viewed", patients=[quentin])
    times = [at(9, 2) + dt.timedelta(minutes=16 * number) for number in range(29)] + [at(16, 40)]
    _list_views(tom, quentin, times)
    AuditEventFactory(actor=priya, now=at(17, 0), action="patients.updated", subject=quentin,
                      changed_fields=["phone"])
    AuditEventFactory(actor=priya, now=at(17, 5), action="patients.history_viewed", patients=[quentin])

    response = _trail(signed_in(director), quentin)

    rows = response.context["rows"]
    assert [(len(row.rows), row.sentence) for row in rows] == [
        (1, "Viewed the history of changes"), (1, "Changed the registration details"),
        (30, "Appeared in 30 patient lists"), (1, "Viewed the chart")]
    assert (rows[2].oldest.event.occurred_at, rows[2].newest.event.occurred_at) == (at(9, 2), at(16, 40))
    html = response.content.decode()
    text = _text(html)
    assert "Appeared in 30 patient lists between 09:02 and 16:40" in text
    assert "<details><summary>Show each of the 30</summary>" in html
    assert text.count("· search ‘quen’") == 30
    assert [row.searched for row in rows[2].rows] == ["quen"] * 30
    assert "33 events in 4 rows" in text  # the page's own view is recorded after it is read


def test_a_run_of_list_views_ends_at_another_person_another_day_or_another_event(
        signed_in, director, tom, priya, quentin):
    _list_views(tom, quentin, [at(9, 0), at(9, 10)])
    _list_views(priya, quentin, [at(9, 20)])                               # another person
    _list_views(tom, quentin, [at(9, 30), at(23, 50)])
    _list_views(tom, quentin, [at(0, 10, DAY + dt.timedelta(days=1))])     # past midnight at the site
    AuditEventFactory(actor=tom, now=at(0, 20, DAY + dt.timedelta(days=1)), action="patients.chart_viewed",
                      patients=[quentin])
    _list_views(tom, quentin, [at(0, 30, DAY + dt.timedelta(days=1))])     # after another event

    response = _trail(signed_in(director), quentin)

    assert [(row.newest.who, len(row.rows)) for row in response.context["rows"]] == [
        ("Tom Hale", 1), ("Tom Hale", 1), ("Tom Hale", 1), ("Tom Hale", 2), ("Priya Raman, NP", 1), ("Tom Hale", 2)]
    assert [row.sentence for row in response.context["rows"]][:4] == [
        "Saw this patient in a patient list (search: ‘quen’)", "Viewed the chart",
        "Saw this patient in a patient list (search: ‘quen’)", "Appeared in 2 patient lists"]


def test_pages_count_rows_and_never_split_a_run(signed_in, director, tom, priya, quentin):
    _list_views(tom, quentin, [at(8, 0) + dt.timedelta(seconds=number) for number in range(30)])
    for number in range(60):
        AuditEventFactory(actor=priya, now=at(10, 0) + dt.timedelta(seconds=number),
                          action="patients.chart_viewed", patients=[quentin])
    client = signed_in(director)

    seeded = set(AuditEvent.objects.values_list("pk", flat=True))

    first = _trail(client, quentin)
    # Opening the first page is itself recorded, naming the patient: the newest row of the second.
    second = _trail(client, quentin, page=2)

    assert [len(first.context["rows"]), len(second.context["rows"])] == [50, 12]
    assert [len(row.rows) for row in second.context["rows"]] == [1] * 11 + [30]
    shown = {event_row.event.pk for response in (first, second) for row in response.context["rows"]
             for event_row in row.rows}
    assert shown == seeded
    assert "Page 2 of 2" in second.content.decode()


def _trail_queries(client, patient, django_assert_max_num_queries) -> int:
    with django_assert_max_num_queries(30) as captured:
        _trail(client, patient)
    return len(captured.captured_queries)


@pytest.mark.slow
def test_query_count_is_flat_in_the_number_of_events_and_runs(
        signed_in, director, tom, priya, quentin, other_site, django_assert_max_num_queries):
    client = signed_in(director)
    _list_views(tom, quentin, [at(9, 0), at(9, 1)])
    AuditEventFactory(actor=priya, now=at(9, 2), action="patients.chart_viewed", patients=[quentin],
                      site_id=other_site.pk)
    _trail(client, quentin)
    small = _trail_queries(client, quentin, django_assert_max_num_queries)
    for hour in range(10, 20):
        _list_views(tom, quentin, [at(hour, minute) for minute in range(0, 60, 3)])
        AuditEventFactory(actor=priya, now=at(hour, 59), action="patients.updated", subject=quentin,
                          changed_fields=["phone"], site_id=other_site.pk)

    large = _trail_queries(client, quentin, django_assert_max_num_queries)

    assert large == small


def test_the_search_page_uses_the_same_sentences_and_names(signed_in, director, priya, quentin, main_site):
    other = PatientFactory(site=main_site, family_name="Abbott")
    AuditEventFactory(actor=priya, now=at(9, 0), action="patients.list_viewed", patients=[quentin, other],
                      data={"query": "q", "page": 1})
    AuditEventFactory(actor=priya, now=at(9, 5), action="patients.allergy_removed", patients=[quentin])

    response = signed_in(director).get(reverse("audit:search"), {"action": "patients."})

    assert [(row.sentence, row.who, row.who_role) for row in response.context["rows"]] == [
        ("Removed an allergy", "Priya Raman, NP", "Prescriber"),
        ("Saw 2 patients in a patient list (search: ‘q’)", "Priya Raman, NP", "Prescriber"),
    ]
    text = _text(response.content.decode())
    assert "Priya Raman, NP · Prescriber" in text and "username priya" in text
    assert "Removed an allergy" in text


def test_someone_not_signed_in_is_shown_by_the_label_the_event_keeps(signed_in, director, quentin):
    from clinic.audit.actions import record_event

    record_event(actor=None, now=at(9, 0), action="accounts.login_failed", actor_kind="system",
                 actor_label="priya", organisation_id=director.organisation_id, data={"step": "password"})

    response = signed_in(director).get(reverse("audit:search"), {"action": "accounts."})

    (row,) = response.context["rows"]
    assert (row.sentence, row.who, row.who_role) == ("Failed to sign in: wrong password", "priya", "System")

"""The patient list searches as one types (htmx asks for the results alone) and every row opens its
chart (issue 12, points 4 and 8): each answer is audited, the query count stays flat, and the page
still works without JavaScript."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from clinic.accounts.tokens import issue_token
from clinic.audit.models import AuditEvent
from clinic.patients import actions, search_keys
from clinic.patients.models import FamilyNameVariant
from clinic.patients.tests.factories import PatientFactory
from clinic.patients.tests.test_views import HOUSE_BUDGET_QUERIES

pytestmark = pytest.mark.django_db

# What htmx sends when the search box asks for the results alone.
TYPED = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "patient-results", "HTTP_HX_TRIGGER": "q"}


def register(actor, now, site, family_name, **fields):
    return actions.register_patient(actor=actor, now=now, site=site, given_name="Mara", family_name=family_name,
                                    birth_date=dt.date(1984, 6, 2), sex="female", **fields)


def list_events() -> list[tuple[str, list[int]]]:
    return [(event.data["query"], sorted(link.patient_id for link in event.patient_links.all()))
            for event in AuditEvent.objects.filter(action="patients.list_viewed").order_by("seq")]


def rows(html: str) -> list[str]:
    return re.findall(r"<tr data-row-link>(.*?)</tr>", html, flags=re.S)


def test_each_answer_to_typing_is_the_results_alone_and_audited_with_the_patients_it_shows(
        signed_in, nurse, main_site, now):
    quenby = register(nurse, now, main_site, "Quenby")
    queen = register(nurse, now, main_site, "Queen")
    register(nurse, now, main_site, "Marlow")
    client = signed_in(nurse)

    answers = [client.get(reverse("patients:list"), {"q": typed}, **TYPED) for typed in ("que", "quen", "quenbi")]

    assert list_events() == [("que", sorted([quenby.pk, queen.pk])), ("quen", sorted([quenby.pk, queen.pk])),
                             ("quenbi", [quenby.pk])]
    last = answers[-1].content.decode()
    assert "<html" not in last and "<h1>" not in last and 'id="q"' not in last
    assert "1 patient matching “quenbi”" in last
    assert [re.search(r">([^<]+)</a>", row).group(1) for row in rows(answers[1].content.decode())] == [
        "Quenby, Mara", "Queen, Mara"]  # the partial match before the typo match
    assert all("HX-Request" in answer.headers["Vary"] and "HX-Target" in answer.headers["Vary"]
               for answer in answers)


def test_the_same_results_asked_again_are_audited_again(signed_in, nurse, main_site, now):
    """Each answer shows patient data, so each is an event, even when nothing changed."""
    quenby = register(nurse, now, main_site, "Quenby")
    client = signed_in(nurse)

    for _ in range(2):
        client.get(reverse("patients:list"), {"q": "quenby"}, **TYPED)

    assert list_events() == [("quenby", [quenby.pk]), ("quenby", [quenby.pk])]


def test_the_page_has_the_search_box_wired_for_typing_and_works_without_javascript(signed_in, nurse, main_site,
                                                                                   now):
    quenby = register(nurse, now, main_site, "Quenby")

    html = signed_in(nurse).get(reverse("patients:list"), {"q": "qeunby"}).content.decode()

    search_box = re.search(r'<input id="q"[^>]*>', html, flags=re.S).group(0)
    assert 'value="qeunby"' in search_box  # what was typed stays in the box
    assert 'hx-get="/patients/"' in search_box and 'hx-trigger="input changed delay:300ms"' in search_box
    assert 'hx-target="#patient-results"' in search_box
    assert re.search(r'<form class="search" method="get" action="/patients/"', html)
    assert '<button type="submit">Search</button>' in html
    assert '<div id="patient-results" hx-history="false">' in html
    assert "1 patient matching “qeunby”" in html and f'href="/patients/{quenby.pk}/"' in html
    assert "web/row_links.js" in html


def test_going_back_to_a_typed_search_gets_the_whole_page(signed_in, nurse, main_site, now):
    """htmx asks for the page itself when it has no copy to restore (hx-history="false")."""
    register(nurse, now, main_site, "Quenby")

    html = signed_in(nurse).get(reverse("patients:list"), {"q": "quen"}, HTTP_HX_REQUEST="true",
                                HTTP_HX_HISTORY_RESTORE_REQUEST="true",
                                HTTP_HX_TARGET="patient-results").content.decode()

    assert "<h1>Patients</h1>" in html and 'id="q"' in html and "Quenby, Mara" in html


def test_every_row_is_one_link_to_its_chart(signed_in, nurse, main_site):
    patients = [PatientFactory(site=main_site, family_name=name, preferred_name=preferred)
                for name, preferred in (("Abbott", ""), ("Baker", "Bee"), ("Cole", ""))]

    html = signed_in(nurse).get(reverse("patients:list"), **TYPED).content.decode()

    assert [re.findall(r'<a href="([^"]+)"', row) for row in rows(html)] == [
        [reverse("patients:chart", args=[patient.pk])] for patient in patients]
    assert "onclick" not in html


def test_a_search_that_finds_nobody_says_what_to_try(signed_in, nurse, main_site):
    html = signed_in(nurse).get(reverse("patients:list"), {"q": "zzzz"}, **TYPED).content.decode()

    assert rows(html) == []
    assert "0 patients matching “zzzz”" in html
    assert "No patients match. Check the spelling, or search by MRN, date of birth or phone number." in html


@pytest.mark.slow
@pytest.mark.parametrize("query", ["", "lindqvst", "555-01"], ids=["list", "typo", "phone"])
def test_typed_results_stay_within_the_house_budget_for_5_40_and_1000_patients(
        signed_in, nurse, main_site, other_site, django_assert_max_num_queries, query):
    client = signed_in(nurse)
    nurse.sites.add(other_site)

    def add(count, site):
        patients = PatientFactory.create_batch(count, site=site, family_name="Lindqvist", phone="555-0100",
                                               phone_digits="5550100")
        # Factories write no variant rows: these are the rows a registration writes.
        FamilyNameVariant.objects.bulk_create(
            FamilyNameVariant(patient=patient, text=variant.text, deleted_position=variant.deleted_position,
                              deleted_letter=variant.deleted_letter)
            for patient in patients for variant in search_keys.surname_variants("Lindqvist"))

    def typed_results():
        with django_assert_max_num_queries(HOUSE_BUDGET_QUERIES) as captured:
            response = client.get(reverse("patients:list"), {"q": query} if query else {}, **TYPED)
        return response, len(captured)

    add(5, main_site)
    client.get(reverse("patients:list"))  # the first request creates the audit chain's head row
    _, five = typed_results()
    add(35, other_site)
    forty_page, forty = typed_results()
    add(960, main_site)

    thousand_page, thousand = typed_results()

    assert [five, forty, thousand] == [five] * 3
    assert (len(forty_page.context["patients"]), len(rows(forty_page.content.decode()))) == (40, 40)
    assert (len(thousand_page.context["patients"]), thousand_page.context["page"].paginator.count) == (50, 1000)
    event = AuditEvent.objects.filter(action="patients.list_viewed").order_by("-seq").first()
    assert len(event.patient_links.all()) == 50


def test_the_api_search_finds_by_phone_and_by_a_surname_typo_as_the_page_does(nurse, main_site, now):
    quenby = register(nurse, now, main_site, "Quenby", phone="555-0142")
    register(nurse, now, main_site, "Queen", phone="555-0199")
    _, token = issue_token(user=nurse, name="tests", now=now)
    client = Client(headers={"Authorization": f"Bearer {token}"})

    by_typo = client.get("/api/v1/patients", {"q": "quen"}).json()
    by_phone = client.get("/api/v1/patients", {"q": "+1 (555) 014-2"}).json()

    assert ([item["family_name"] for item in by_typo["items"]], by_typo["count"]) == (["Quenby", "Queen"], 2)
    assert ([item["id"] for item in by_phone["items"]], by_phone["count"]) == ([str(quenby.pk)], 1)
    assert list(AuditEvent.objects.filter(action="api.patients.listed").values_list("data__q", flat=True)
                .order_by("seq")) == ["quen", "+1 (555) 014-2"]

"""Pages of a patient search (issue 12, point 8): exact and partial matches by name, then typo-only
matches by name, counted exactly, each page in two queries. A page with more exact and partial
matches after it reads in the name index's order and stops at its last row; any other page ranks
the matches, so the database sorts the few it finds instead of walking the index to its end."""

import datetime as dt

import pytest
from django.urls import reverse

from clinic.audit import queries as audit_queries
from clinic.audit.models import AuditEvent
from clinic.patients import actions, queries

pytestmark = pytest.mark.django_db

# "quen" is in the first three (exact or partial matches) and one typo from the last three.
FOUND = ["Aquen", "Quenby", "Quenell"]
TYPO_ONLY = ["Quean", "Queen", "Quern"]


def register(actor, now, site, family_name, *, given_name="Mara"):
    return actions.register_patient(actor=actor, now=now, site=site, given_name=given_name,
                                    family_name=family_name, birth_date=dt.date(1984, 6, 2), sex="female",
                                    confirm_duplicate=True)


@pytest.fixture
def quens(nurse, main_site, now):
    for family_name in ("Owen", *TYPO_ONLY, *FOUND):
        register(nurse, now, main_site, family_name)


# (slice, the names it holds, whether its query walks the name index, stopping at its last row)
SLICES = [
    (slice(0, 2), ["Aquen", "Quenby"], True),  # more exact and partial matches after it
    (slice(0, 3), FOUND, False),  # reaches the last exact or partial match
    (slice(2, 4), ["Quenell", "Quean"], False),  # where the two kinds meet
    (slice(0, 4), [*FOUND, "Quean"], False),
    (slice(3, 5), ["Quean", "Queen"], False),  # starts on the first typo-only match
    (slice(4, 50), ["Queen", "Quern"], False),
    (slice(0, 50), FOUND + TYPO_ONLY, False),
    (slice(None, None), FOUND + TYPO_ONLY, False),
]


@pytest.mark.parametrize(("page", "names", "walks"), SLICES, ids=[f"{row[0].start}:{row[0].stop}" for row in SLICES])
def test_a_slice_reads_found_then_typo_only_matches_by_name_in_two_queries(
        quens, nurse, django_assert_num_queries, page, names, walks):
    matches = queries.search_patients(user=nurse, query="quen")

    with django_assert_num_queries(2) as captured:
        rows = matches[page]
        assert matches.count() == 6

    assert [patient.family_name for patient in rows] == names
    # Ordered by a CASE, the database cannot take the order from the name index.
    assert ("CASE WHEN" not in captured.captured_queries[-1]["sql"]) is walks


@pytest.mark.parametrize("page", [slice(6, 8), slice(40, 50), slice(3, 3)], ids=["just past", "far past", "empty"])
def test_a_slice_past_the_matches_or_empty_is_no_one_and_reads_no_rows(quens, nurse, django_assert_num_queries,
                                                                       page):
    matches = queries.search_patients(user=nurse, query="quen")

    with django_assert_num_queries(1):  # the count alone
        assert matches[page] == []


def test_the_count_is_every_match_once_though_a_patient_matches_both_ways(nurse, main_site, now):
    # "Quenn" holds "quen" and is one letter added away: counted once, as an exact or partial match.
    for family_name in ("Quenn", "Queen", "Marlow"):
        register(nurse, now, main_site, family_name)

    matches = queries.search_patients(user=nurse, query="quen")

    assert (matches.count(), [patient.family_name for patient in matches]) == (2, ["Quenn", "Queen"])


def test_a_search_without_a_word_for_typo_matching_counts_and_pages_its_matches_alone(
        quens, nurse, django_assert_num_queries):
    matches = queries.search_patients(user=nurse, query="que")

    with django_assert_num_queries(2) as captured:
        assert [patient.family_name for patient in matches[1:3]] == ["Quean", "Queen"]
    assert matches.count() == 6
    assert "CASE WHEN" not in captured.captured_queries[-1]["sql"]


@pytest.mark.parametrize("page", [slice(0, 7), slice(5, 7)], ids=["all", "last"])
def test_the_whole_list_pages_every_patient_by_name_to_its_last_row(quens, nurse, django_assert_num_queries, page):
    matches = queries.search_patients(user=nurse, query="")

    with django_assert_num_queries(2) as captured:
        rows = matches[page]

    assert [patient.family_name for patient in rows] == sorted(["Owen", *FOUND, *TYPO_ONLY])[page]
    assert "CASE WHEN" not in captured.captured_queries[-1]["sql"]


def test_the_match_ids_cover_typo_only_matches_for_the_audit_search(quens, nurse, main_site):
    matches = queries.search_patients(user=nurse, query="quen")

    assert sorted(matches.ids().values_list("pk", flat=True)) == sorted(
        patient.pk for patient in matches[:])
    assert len(matches[:]) == 6


def test_the_audit_search_by_patient_finds_events_of_a_patient_found_by_a_typo(nurse, director, main_site, now):
    quenby = register(nurse, now, main_site, "Quenby")
    register(nurse, now, main_site, "Marlow")

    events = audit_queries.search_events(user=director, filters=audit_queries.AuditFilters(patient="qeunby"))

    assert [(event.action, event.object_id) for event in events] == [("patients.registered", str(quenby.pk))]


# (exact and partial matches, typo-only matches, the names on page 1 and on page 2 in counts): the
# page of 50 ends before, at and after the last exact or partial match.
PAGES = [
    (49, 3, {"Quenby": 49, "Quenbi": 1}, {"Quenbi": 2}),
    (50, 2, {"Quenby": 50}, {"Quenbi": 2}),
    (51, 2, {"Quenby": 50}, {"Quenby": 1, "Quenbi": 2}),
]


@pytest.mark.slow
@pytest.mark.parametrize(("found", "typo_only", "first", "second"), PAGES, ids=["49", "50", "51"])
def test_the_list_pages_through_found_then_typo_only_matches_and_audits_each_page(
        signed_in, nurse, main_site, now, found, typo_only, first, second):
    given_names = iter(f"Mara{chr(ord('a') + index // 26)}{chr(ord('a') + index % 26)}" for index in range(100))
    for _ in range(found):
        register(nurse, now, main_site, "Quenby", given_name=next(given_names))
    for _ in range(typo_only):
        register(nurse, now, main_site, "Quenbi", given_name=next(given_names))
    client = signed_in(nurse)

    pages = [client.get(reverse("patients:list"), {"q": "quenby", "page": number}) for number in (1, 2)]

    assert [page.context["page"].paginator.count for page in pages] == [found + typo_only] * 2
    assert [[patient.family_name for patient in page.context["patients"]] for page in pages] == [
        [name for name, count in shown.items() for _ in range(count)] for shown in (first, second)]
    events = AuditEvent.objects.filter(action="patients.list_viewed").order_by("seq")
    assert [sorted(link.patient_id for link in event.patient_links.all()) for event in events] == [
        sorted(patient.pk for patient in page.context["patients"]) for page in pages]

from django.urls import reverse

from clinic.audit.models import AuditEvent
from clinic.patients.tests.factories import PatientFactory


def test_patient_list_shows_only_own_sites_and_audits_them(signed_in, nurse, main_site, other_site):
    mine = PatientFactory(site=main_site, family_name="Abbott")
    PatientFactory(site=other_site, family_name="Zimmer")

    response = signed_in(nurse).get(reverse("patients:list"))

    assert [p.family_name for p in response.context["patients"]] == ["Abbott"]
    event = AuditEvent.objects.get(action="patients.list_viewed")
    assert (event.actor, [link.patient_id for link in event.patient_links.all()]) == (nurse, [mine.pk])


def test_patient_list_query_count_is_flat(signed_in, nurse, main_site, django_assert_max_num_queries):
    client = signed_in(nurse)
    PatientFactory.create_batch(10, site=main_site)
    client.get(reverse("patients:list"))  # the first request creates the audit chain's head row
    with django_assert_max_num_queries(20) as small:
        client.get(reverse("patients:list"))
    PatientFactory.create_batch(990, site=main_site)

    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        response = client.get(reverse("patients:list"))

    assert len(response.context["patients"]) == 50
    assert len(large.captured_queries) == len(small.captured_queries)

"""The patient's own signed copy at /p/consent/, from their sign-in link."""

import pytest
from django.urls import reverse

from clinic.audit.models import AuditEvent
from clinic.consents.tests.factories import signed_consent
from clinic.patients.models import Patient
from clinic.patients.tests.factories import PatientFactory
from clinic.questionnaires import actions as link_actions


@pytest.fixture
def signed_in_patient(client, patient, nurse, now, clock):
    clock(now)
    Patient.objects.filter(pk=patient.pk).update(email="ana@example.org")
    _link, token = link_actions.issue_link(patient=patient, actor=nurse, now=now, channel="email")
    birth = patient.birth_date
    client.post(reverse("patient:link", args=[token]), {"month": birth.month, "day": birth.day, "year": birth.year})
    return client


def test_patient_reads_only_their_own_signed_copy(signed_in_patient, patient, main_site, nurse, now):
    consent = signed_consent(patient=patient, actor=nurse, now=now)
    other = PatientFactory(site=main_site, given_name="Bo", family_name="Lind")
    signed_consent(patient=other, actor=nurse, now=now, counselling_note="Other patient's counselling")

    response = signed_in_patient.get(reverse("patient_consent:consent"))

    assert response.status_code == 200
    assert response.context["consent"] == consent
    html = response.content.decode()
    assert "You signed document version 1" in html and "Ana Müller-Ortiz" in html
    assert "Other treatments you could choose instead" in html
    assert "Bo Lind" not in html
    event = AuditEvent.objects.get(action="consents.patient_viewed")
    assert (event.actor_kind, event.actor, event.actor_label) == ("patient", None, f"patient {patient.mrn}")
    assert [link.patient_id for link in event.patient_links.all()] == [patient.pk]


def test_home_links_to_the_signed_copy_even_with_nothing_due(signed_in_patient, patient, nurse, now):
    signed_consent(patient=patient, actor=nurse, now=now)

    home = signed_in_patient.get(reverse("patient:home"))
    page = signed_in_patient.get(reverse("patient_consent:consent"))

    assert home.status_code == 200
    assert reverse("patient_consent:consent") in home.content.decode()
    assert page.status_code == 200


def test_without_a_consent_the_page_says_so(signed_in_patient):
    response = signed_in_patient.get(reverse("patient_consent:consent"))

    assert "no signed consent from you yet" in response.content.decode()


def test_a_browser_without_a_patient_sign_in_is_refused(client, signed_in, nurse, patient, now):
    signed_consent(patient=patient, actor=nurse, now=now)

    assert client.get(reverse("patient_consent:consent")).status_code == 403
    assert signed_in(nurse).get(reverse("patient_consent:consent")).status_code == 403

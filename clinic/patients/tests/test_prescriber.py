"""The patient's prescriber, who is told of the patient's clinical alerts: chosen by clinical staff on the
patient's edit form, among the active prescribers and medical directors who work at the patient's site."""

import datetime as dt

import pytest
from django.urls import reverse

from clinic.accounts.tests.factories import StaffUserFactory
from clinic.audit.models import AuditEvent
from clinic.patients import actions
from clinic.patients.models import Patient, RecordRevision
from clinic.patients.tests.factories import PatientFactory

FIELDS = {"given_name": "Ines", "family_name": "Marlow", "birth_date": "1979-03-14", "sex": "female",
          "phone": "555-0190", "preferred_channel": "phone", "referral_source": "self"}


@pytest.fixture
def patient(main_site, now, clock):
    clock(now)
    return PatientFactory(site=main_site, given_name="Ines", family_name="Marlow", birth_date=dt.date(1979, 3, 14),
                          phone="555-0190", preferred_channel="phone")


def edit(client, patient, **extra):
    return client.post(reverse("patients:edit", args=[patient.pk]), {**FIELDS, "site": patient.site_id, **extra})


def test_a_nurse_sets_the_patients_prescriber_and_the_change_is_kept(signed_in, nurse, prescriber, patient):
    response = edit(signed_in(nurse), patient, prescriber=prescriber.pk)

    assert response.status_code == 302
    assert Patient.objects.get(pk=patient.pk).prescriber == prescriber
    revision = RecordRevision.objects.get(record_id=patient.pk, record_type="patient")
    assert revision.changes == {"prescriber": [None, prescriber.pk]}
    assert AuditEvent.objects.get(action="patients.updated").changed_fields == ["prescriber"]


def test_only_active_prescribers_and_directors_of_the_patients_site_are_offered(
        signed_in, nurse, prescriber, director, other_site, patient, main_site):
    elsewhere = StaffUserFactory(username="north-prescriber", role="prescriber", organisation=other_site.organisation,
                                 sites=[other_site])
    retired = StaffUserFactory(username="retired", role="prescriber", organisation=main_site.organisation,
                               sites=[main_site], is_active=False)

    form = signed_in(nurse).get(reverse("patients:edit", args=[patient.pk])).context["form"]

    offered = set(form.fields["prescriber"].queryset)
    assert offered == {prescriber, director}
    assert not {nurse, elsewhere, retired} & offered


def test_a_prescriber_from_another_site_is_refused_at_the_field(signed_in, nurse, other_site, patient):
    elsewhere = StaffUserFactory(username="north-prescriber", role="prescriber", organisation=other_site.organisation,
                                 sites=[other_site])

    response = edit(signed_in(nurse), patient, prescriber=elsewhere.pk)

    assert "prescriber" in response.context["form"].errors
    assert Patient.objects.get(pk=patient.pk).prescriber is None


def test_front_desk_has_no_prescriber_field_and_cannot_change_it(signed_in, front_desk, prescriber, director, patient):
    patient.prescriber = prescriber
    patient.save(update_fields=["prescriber"])
    client = signed_in(front_desk)

    form = client.get(reverse("patients:edit", args=[patient.pk])).context["form"]
    edit(client, patient, prescriber=director.pk, phone="555-0191")

    assert "prescriber" not in form.fields
    saved = Patient.objects.get(pk=patient.pk)
    assert (saved.prescriber, saved.phone) == (prescriber, "555-0191")


def test_the_action_refuses_front_desk_and_a_nurse_as_prescriber(front_desk, nurse, patient, now):
    with pytest.raises(actions.PrescriberNotAllowed, match="Only clinical staff"):
        actions.update_patient(actor=front_desk, now=now, patient=patient, prescriber=None)
    with pytest.raises(actions.PrescriberNotAllowed, match="choose an active prescriber or medical director who "
                                                           "works at Main"):
        actions.update_patient(actor=nurse, now=now, patient=patient, prescriber=nurse)

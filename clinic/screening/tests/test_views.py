"""The Screening tab, a run read as it was, screening again, signing and addenda through the pages."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic.audit.models import AuditEvent
from clinic.patients.models import Patient
from clinic.patients.tests.factories import PatientFactory
from clinic.screening import actions, queries
from clinic.screening.models import EligibilityDecision, ScreeningRun, Trigger

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_at(signed_in, clock, now):
    clock(now)
    return signed_in


def tab_url(patient) -> str:
    return reverse("screening:tab", args=[patient.pk])


def test_the_tab_groups_the_latest_runs_findings_with_their_sources(page_at, nurse, caution_patient):
    html = page_at(nurse).get(tab_url(caution_patient)).content.decode()

    groups = dict(re.findall(r'data-testid="findings-(\w+)">(.*?)</section>', html, re.S))
    assert 'data-code="CA_SUD_HISTORY"' in groups["caution"]
    assert 'data-code="IN_TRD"' in groups["information"]
    assert "None." in groups["hard_stop"]
    assert "Latest screening: run 1" in html and "protocol v1" in html
    assert 'data-code="NO_DECISION"' in html
    assert "Sign a decision on run 1" not in html  # nurses do not sign
    event = AuditEvent.objects.get(action="screening.tab_viewed")
    assert (event.actor, [link.patient_id for link in event.patient_links.all()]) == (nurse, [caution_patient.pk])


def test_front_desk_is_refused_and_another_site_is_not_found(page_at, front_desk, outsider, caution_patient):
    assert page_at(front_desk).get(tab_url(caution_patient)).status_code == 403
    assert page_at(outsider).get(tab_url(caution_patient)).status_code == 404


def test_screen_again_makes_a_run_by_the_clinician(page_at, nurse, caution_patient, now):
    response = page_at(nurse).post(reverse("screening:screen", args=[caution_patient.pk]))

    assert response.status_code == 302
    run = queries.latest_run(patient=caution_patient)
    assert (run.number, run.trigger, run.run_by) == (2, Trigger.MANUAL, nurse)


def test_an_old_run_reads_as_it_was(page_at, nurse, prescriber, caution_patient, now):
    old = queries.latest_run(patient=caution_patient)
    actions.screen_patient(patient=caution_patient, actor=nurse, now=now, trigger=Trigger.MANUAL)

    html = page_at(nurse).get(reverse("screening:run", args=[caution_patient.pk, old.number])).content.decode()

    assert "Screening run 1" in html and "v1 of the site" in html
    assert old.cautions[0]["message"] in html.replace("&#x27;", "'").replace("&quot;", '"')
    assert page_at(nurse).get(reverse("screening:run", args=[caution_patient.pk, 9])).status_code == 404


def test_a_prescriber_signs_on_the_page_with_each_caution_decided(page_at, prescriber, caution_patient):
    run = queries.latest_run(patient=caution_patient)
    client = page_at(prescriber)

    response = client.post(reverse("screening:sign", args=[caution_patient.pk]), {
        "run": run.pk, "outcome": "eligible", "summary": "Suitable for induction.",
        "caution_CA_SUD_HISTORY": "Sober 6 years; screens clear."})

    assert response.status_code == 302
    decision = EligibilityDecision.objects.get()
    assert [row.written_decision for row in decision.caution_decisions.all()] == ["Sober 6 years; screens clear."]
    html = client.get(tab_url(caution_patient)).content.decode()
    assert 'data-code="ELIGIBLE"' in html and "Sober 6 years; screens clear." in html


def test_the_form_keeps_what_was_typed_and_names_the_caution_left_blank(page_at, prescriber, caution_patient):
    run = queries.latest_run(patient=caution_patient)

    response = page_at(prescriber).post(reverse("screening:sign", args=[caution_patient.pk]), {
        "run": run.pk, "outcome": "eligible", "summary": "Typed summary stays."})

    html = response.content.decode()
    assert response.status_code == 400
    assert "One thing to fix" in html and "Typed summary stays." in html
    assert "Write your decision on the caution" in html
    assert not EligibilityDecision.objects.exists()


def test_the_form_says_what_goes_into_whose_letter(page_at, prescriber, caution_patient):
    html = page_at(prescriber).get(reverse("screening:sign", args=[caution_patient.pk])).content.decode()

    assert html.count("It is printed in the letters to the patient and to the referring clinician.") == 2
    assert "what the patient is to do" in html
    assert "Your decision is printed in the letter to the referring clinician, never in the patient&#x27;s." in html


def test_eligible_over_a_hard_stop_is_refused_on_the_page(page_at, prescriber, hard_stop_patient):
    run = queries.latest_run(patient=hard_stop_patient)

    response = page_at(prescriber).post(reverse("screening:sign", args=[hard_stop_patient.pk]), {
        "run": run.pk, "outcome": "eligible", "summary": "Fine"})

    assert response.status_code == 422
    assert "Resolve it in the intake and screen again" in response.content.decode()


def test_a_stale_form_is_refused_naming_the_new_run(page_at, prescriber, nurse, clear_patient, now):
    opened = queries.latest_run(patient=clear_patient)
    actions.screen_patient(patient=clear_patient, actor=nurse, now=now, trigger=Trigger.MANUAL)

    response = page_at(prescriber).post(reverse("screening:sign", args=[clear_patient.pk]), {
        "run": opened.pk, "outcome": "eligible", "summary": "Fine"})

    assert response.status_code == 409
    assert "review run 2" in response.content.decode()


def test_eligible_on_a_run_the_protocol_has_overtaken_is_refused_on_the_page_showing_the_new_run(
        page_at, prescriber, director, main_site, caution_patient, now):
    from clinic.protocols.actions import change_section

    opened = queries.latest_run(patient=caution_patient)
    change_section(actor=director, now=now, site=main_site, section="eligibility",
                   values={**opened.protocol.values["eligibility"], "kinds": {"CA_SUD_HISTORY": "hard_stop"}},
                   reason="Substance use history is a hard stop at this clinic")

    response = page_at(prescriber).post(reverse("screening:sign", args=[caution_patient.pk]), {
        "run": opened.pk, "outcome": "eligible", "summary": "Typed summary stays.",
        "caution_CA_SUD_HISTORY": "Sober 6 years."})

    html = response.content.decode()
    run = queries.latest_run(patient=caution_patient)
    assert response.status_code == 409
    assert not EligibilityDecision.objects.exists()
    assert (run.number, run.run_by, run.hard_stops[0]["code"]) == (2, prescriber, "CA_SUD_HISTORY")
    assert "Review run 2 and sign your decision on it" in html
    assert "Sign the eligibility decision on run 2" in html and "Typed summary stays." in html
    assert f'name="run" value="{run.pk}"' in html


def test_a_form_naming_another_patient_s_run_signs_nothing(page_at, prescriber, clear_patient, caution_patient):
    theirs = queries.latest_run(patient=caution_patient)

    response = page_at(prescriber).post(reverse("screening:sign", args=[clear_patient.pk]), {
        "run": theirs.pk, "outcome": "eligible", "summary": "Typed summary stays."})

    html = response.content.decode()
    ours = queries.latest_run(patient=clear_patient)
    assert response.status_code == 409
    assert "is not one of this patient&#x27;s, so nothing was signed. Review run 1" in html
    assert "Typed summary stays." in html and f'name="run" value="{ours.pk}"' in html
    assert not EligibilityDecision.objects.exists()
    assert ScreeningRun.objects.filter(patient=clear_patient).count() == 1


@pytest.mark.parametrize("role", ["nurse", "front_desk"])
def test_only_prescribers_open_the_decision_form(page_at, request, role, clear_patient):
    assert page_at(request.getfixturevalue(role)).get(reverse("screening:sign", args=[clear_patient.pk])).status_code \
        == 403


def test_an_addendum_is_added_on_its_page(page_at, prescriber, clear_patient, now):
    decision = actions.sign_decision(actor=prescriber, now=now, patient=clear_patient,
                                     screening_run=queries.latest_run(patient=clear_patient), outcome="eligible",
                                     summary="Fine", caution_decisions={})
    url = reverse("screening:addendum", args=[clear_patient.pk, decision.pk])
    client = page_at(prescriber)

    assert client.post(url, {"text": " "}).status_code == 200
    response = client.post(url, {"text": "Escort confirmed."})

    assert response.status_code == 302
    assert [note.text for note in decision.addenda.all()] == ["Escort confirmed."]


def _tab_queries(client, patient) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(tab_url(patient)).status_code == 200
    return len(captured)


def test_the_tab_reads_the_same_number_of_queries_for_10_or_1000_patients_and_many_runs(
        page_at, prescriber, nurse, main_site, caution_patient, now):
    client = page_at(prescriber)
    decision_run = queries.latest_run(patient=caution_patient)
    actions.sign_decision(actor=prescriber, now=now, patient=caution_patient, screening_run=decision_run,
                          outcome="eligible", summary="Fine", caution_decisions={"CA_SUD_HISTORY": "Decided"})
    Patient.objects.bulk_create([PatientFactory.build(site=main_site) for _ in range(9)])
    _tab_queries(client, caution_patient)  # the first page after signing in also saves the session
    few = _tab_queries(client, caution_patient)

    Patient.objects.bulk_create([PatientFactory.build(site=main_site) for _ in range(990)])
    for minutes in range(12):
        run = actions.screen_patient(patient=caution_patient, actor=nurse, now=now + dt.timedelta(minutes=minutes),
                                     trigger=Trigger.MANUAL)
        decision = actions.sign_decision(actor=prescriber, now=now + dt.timedelta(minutes=minutes),
                                         patient=caution_patient, screening_run=run, outcome="eligible", summary="Fine",
                                         caution_decisions={"CA_SUD_HISTORY": "Decided"})
        actions.add_addendum(actor=prescriber, now=now, decision=decision, text="Seen")
    many = _tab_queries(client, caution_patient)

    assert ScreeningRun.objects.filter(patient=caution_patient).count() == 13
    assert many == few <= 45

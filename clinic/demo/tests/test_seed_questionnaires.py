"""The demo's questionnaire histories (issue 13 point 6): a prescriber for every patient, each site's
on-call clinician, intake screens and two-weekly scores, and exactly one open suicide-risk alert."""

import datetime as dt
import itertools
import zoneinfo
from collections import Counter

import pytest
from django.db import transaction

from clinic.accounts.models import PRESCRIBING_ROLES
from clinic.demo import seed
from clinic.patients import banner
from clinic.patients.models import Patient, SafetyHistory
from clinic.protocols.queries import current_protocol
from clinic.questionnaires import queries
from clinic.questionnaires.models import Alert, AlertNotification, QuestionnaireResponse, SiteAlertSettings
from clinic.rules import scales

pytestmark = pytest.mark.slow
NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=zoneinfo.ZoneInfo("America/New_York"))
PASSWORD = "demo-password-for-tests"


@pytest.fixture(scope="module")
def demo_clinic(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed.seed(now=NOW, password=PASSWORD)
        transaction.set_rollback(True)


def intake_stages() -> tuple[set[int], set[int]]:
    """The patients whose intake is complete, and those whose intake has begun but is not."""
    complete, begun = set(), set()
    for history in SafetyHistory.objects.all():
        (begun if None in history.answers().values() else complete).add(history.patient_id)
    return complete, begun


def test_every_patient_has_a_prescriber_who_prescribes_at_their_site(demo_clinic, db):
    patients = list(Patient.objects.select_related("prescriber", "site"))

    assert len(patients) == 40
    assert all(patient.prescriber.role in PRESCRIBING_ROLES for patient in patients)
    assert all(patient.site_id in patient.prescriber.site_ids() for patient in patients)
    assert Counter((patient.site.code, patient.prescriber.username) for patient in patients) == {
        ("MAIN", "prescriber"): 34, ("NORTH", "director"): 6}


def test_each_site_has_its_director_on_call(demo_clinic, db):
    settings = SiteAlertSettings.objects.select_related("site", "on_call")

    assert sorted((row.site.code, row.on_call.username) for row in settings) == [
        ("MAIN", "director"), ("NORTH", "director")]


def test_exactly_one_alert_is_open_a_phq9_item_9_for_the_patients_prescriber(demo_clinic, db):
    [alert] = Alert.objects.select_related("patient__prescriber", "response")
    latest_phq9 = queries.submitted(patient=alert.patient).filter(instrument="phq9").first()

    assert (alert.status, alert.kind, alert.code, alert.item, alert.high) == (
        "open", "suicide_risk", "SUICIDE_RISK", 9, False)
    assert (alert.prescriber, alert.response) == (alert.patient.prescriber, latest_phq9)
    assert (latest_phq9.answers[8], latest_phq9.mode, latest_phq9.entered_by) == (1, "remote", "patient")
    assert list(AlertNotification.objects.values_list("recipient__username", "reason")) == [
        ("prescriber", "prescriber")]


def test_only_the_alerted_patient_screens_with_a_suicide_flag(demo_clinic, db):
    alerted = Alert.objects.get().patient_id
    flagged = {patient.pk for patient in Patient.objects.select_related("site", "safety_history")
               if {"CA_SUICIDE_RISK", "HS_SUICIDE_HIGH"} & {
                   flag.code for flag in banner.screening_flags(
                       patient, today=NOW.date(), protocol=current_protocol(site=patient.site, now=NOW))}}

    assert flagged == {alerted}


def test_intake_screens_and_tablet_scores_for_every_begun_intake_and_series_for_complete_ones(demo_clinic, db):
    complete, begun = intake_stages()
    responses = list(QuestionnaireResponse.objects.all())
    by_patient = Counter(response.patient_id for response in responses)
    intake = Counter((response.instrument, response.mode, response.entered_by) for response in responses
                     if response.mode != "remote")

    assert (len(complete), len(begun)) == (25, 9)
    assert intake == {("audit_c", "paper", "staff"): 34, ("dast10", "paper", "staff"): 34,
                      ("cssrs_screener", "paper", "staff"): 34, ("phq9", "tablet", "patient"): 34,
                      ("gad7", "tablet", "patient"): 34}
    assert set(by_patient) == complete | begun
    assert all(by_patient[patient_id] == 5 for patient_id in begun)
    assert all(by_patient[patient_id] >= 7 for patient_id in complete)
    assert sum(response.mode == "remote" for response in responses) == len(responses) - 5 * 34 > 2 * 25


def test_series_are_two_weekly_scores_that_ease_and_all_lie_before_now(demo_clinic, db):
    complete, _ = intake_stages()
    zone = zoneinfo.ZoneInfo("America/New_York")  # both demo sites'
    for patient in Patient.objects.filter(pk__in=complete):
        remote = list(queries.submitted(patient=patient).filter(mode="remote").order_by("submitted_at"))
        [baseline] = queries.submitted(patient=patient).filter(instrument=remote[0].instrument, mode="tablet")
        days = [response.submitted_at.astimezone(zone).date() for response in remote]
        gaps = {(later - earlier).days for earlier, later in itertools.pairwise(days)}

        assert {response.instrument for response in remote} <= {"phq9", "gad7"}
        assert gaps <= {14}
        assert remote[-1].total < baseline.total
    assert QuestionnaireResponse.objects.filter(submitted_at__gte=NOW).count() == 0


def test_stored_scores_are_the_scales_own_with_its_version(demo_clinic, db):
    for response in QuestionnaireResponse.objects.all():
        score = scales.score(response.instrument, response.answers, dict(response.context))

        version = scales.instrument(response.instrument).version
        assert (response.status, response.scale_version) == ("submitted", version)
        assert (response.total, response.severity or None) == (score.total, score.severity)


def test_a_second_load_adds_no_questionnaire_alert_or_setting(demo_clinic, db):
    before = (QuestionnaireResponse.objects.count(), Alert.objects.count(), SiteAlertSettings.objects.count(),
              Patient.objects.filter(prescriber__isnull=True).count())

    seed.seed(now=NOW + dt.timedelta(days=1), password=PASSWORD)

    assert (QuestionnaireResponse.objects.count(), Alert.objects.count(), SiteAlertSettings.objects.count(),
            Patient.objects.filter(prescriber__isnull=True).count()) == before

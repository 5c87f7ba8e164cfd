"""The demo clinic's screening: every patient with an intake screened, decisions signed for several, one
"not eligible" over a hard stop, and a second run adding nothing."""

import datetime as dt
import zoneinfo

import pytest
from django.db import transaction

from clinic.demo import screening as demo_screening
from clinic.demo import seed
from clinic.screening.models import EligibilityDecision, ScreeningRun, Trigger

pytestmark = pytest.mark.slow
NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=zoneinfo.ZoneInfo("America/New_York"))


@pytest.fixture(scope="module")
def demo_clinic(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed.seed(now=NOW, password="demo-password-for-tests")
        transaction.set_rollback(True)


def test_every_patient_with_an_intake_is_screened_and_several_decided(demo_clinic, db):
    runs = ScreeningRun.objects.filter(trigger=Trigger.MANUAL)
    decisions = list(EligibilityDecision.objects.select_related("screening_run"))

    assert runs.count() >= 30
    assert any(run.cautions for run in runs) and any(run.hard_stops for run in runs)
    outcomes = sorted(decision.outcome for decision in decisions)
    assert outcomes.count("not_eligible") == 1
    assert len(outcomes) == 7
    assert all(decision.caution_decisions.count() == len(decision.screening_run.cautions) for decision in decisions
               if decision.outcome != "not_eligible")
    [refused] = [decision for decision in decisions if decision.outcome == "not_eligible"]
    assert refused.screening_run.hard_stops


def test_a_second_run_adds_nothing(demo_clinic, db):
    organisation = EligibilityDecision.objects.first().patient.organisation
    before = (ScreeningRun.objects.count(), EligibilityDecision.objects.count())

    assert demo_screening.seed_screening(organisation=organisation, now=NOW) == 0

    assert (ScreeningRun.objects.count(), EligibilityDecision.objects.count()) == before

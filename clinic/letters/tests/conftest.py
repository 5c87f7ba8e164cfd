"""A patient with accents in her name, her referring clinician, and a prescriber's eligibility decision."""

import datetime as dt

import pytest

from clinic.letters.content import LetterFacts
from clinic.patients.models import Patient, ReferringClinician
from clinic.patients.tests.factories import PatientFactory

CONDITIONS = ("Bring someone to take you home after each visit.",)
CAUTIONS = ("CA_HTN — controlled hypertension: proceed, blood pressure every 15 minutes during the infusion",
            "CA_SUD_HISTORY — alcohol use disorder in remission since 2019: proceed with a urine screen first")


@pytest.fixture(autouse=True)
def _documents_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def referrer(organisation) -> ReferringClinician:
    organisation.name = "Harbor Clinic"
    organisation.save()
    return ReferringClinician.objects.create(
        organisation=organisation, name="Dr Łukasz Dvořák", credentials="MD", practice="Riverside Family Practice",
        email="dvorak@riverside.example", address="200 River Road\nNew York, NY 10001")


@pytest.fixture
def zoe(main_site, referrer) -> Patient:
    return PatientFactory(site=main_site, given_name="Zoë", family_name="Ñúñez-Øster", email="zoe@example.org",
                          address="14 Willow Lane\nBrooklyn, NY 11201", referral_source="clinician",
                          referring_clinician=referrer, birth_date=dt.date(1980, 4, 9))


@pytest.fixture
def prescriber(main_site):
    from clinic.accounts.tests.factories import StaffUserFactory

    return StaffUserFactory(username="prescriber", role="prescriber", organisation=main_site.organisation,
                            sites=[main_site], first_name="Maya", last_name="Okafor", credentials="MD")


@pytest.fixture
def decision(prescriber, now) -> LetterFacts:
    return LetterFacts(outcome="eligible_with_conditions", summary="Three adequate antidepressant trials failed.",
                       conditions=CONDITIONS, cautions=CAUTIONS, signed_by=prescriber, signed_at=now)


@pytest.fixture
def produced(zoe, prescriber, decision, now, django_capture_on_commit_callbacks):
    """The eligibility letters for Zoë, written as a signed decision would write them, their files written as
    the decision commits. The decision itself belongs to another app; any saved row stands in for it as the
    letters' source."""
    from clinic.letters.actions import produce_letters

    with django_capture_on_commit_callbacks(execute=True):
        return produce_letters(actor=prescriber, now=now, patient=zoe, reason="eligibility_outcome", facts=decision,
                               source=zoe)

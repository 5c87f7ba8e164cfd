"""Questionnaires are scored with each scale's settings in the site's protocol in force, through the web's
and the API's one action, and screening re-scores the stored intake screens with the same settings."""

import pytest

from clinic.patients import banner
from clinic.patients.tests.factories import PatientFactory
from clinic.protocols.actions import change_section
from clinic.protocols.queries import current_protocol
from clinic.questionnaires import actions
from clinic.questionnaires.models import Alert

# DAST-10 total 3: at the reference's level (≥ 3) a positive drug-use screen.
DAST10_THREE = [1, 1, 0, 0, 0, 0, 0, 0, 0, 0]


def raise_dast10_level(director, site, now, level=5):
    change_section(actor=director, now=now, site=site, section="dast10", values={"sud_caution_at_or_above": level},
                   reason="Only a DAST-10 of 5 or more raises the caution here")


def submit(patient, actor, now):
    return actions.submit_response(patient=patient, instrument="dast10", answers=DAST10_THREE, actor=actor, now=now,
                                   mode="paper")


def sud_flagged(patient, now) -> bool:
    flags = banner.screening_flags(patient, today=now.date(), protocol=current_protocol(site=patient.site, now=now))
    return "CA_SUD_HISTORY" in {flag.code for flag in flags}


@pytest.mark.django_db
def test_a_raised_dast10_level_stores_a_total_of_3_without_alert_and_another_site_keeps_its_own(
        nurse, director, main_site, other_site, now):
    here = PatientFactory(site=main_site)
    there = PatientFactory(site=other_site)

    raise_dast10_level(director, main_site, now)
    stored_here = submit(here, nurse, now)
    stored_there = submit(there, nurse, now)

    assert (stored_here.total, stored_here.alerts, stored_here.flags) == (3, [], [])
    assert (stored_there.total, [alert["code"] for alert in stored_there.alerts], stored_there.flags) == (
        3, ["DAST10_POSITIVE"], ["CA_SUD_HISTORY"])
    assert list(Alert.objects.values_list("response__patient", flat=True)) == [there.pk]


@pytest.mark.django_db
def test_screening_re_scores_a_stored_screen_with_the_settings_in_force(nurse, director, main_site, now):
    patient = PatientFactory(site=main_site)
    stored = submit(patient, nurse, now)
    assert (stored.flags, sud_flagged(patient, now)) == (["CA_SUD_HISTORY"], True)

    raise_dast10_level(director, main_site, now)

    assert sud_flagged(patient, now) is False

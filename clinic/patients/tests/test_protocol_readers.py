"""The banner, the chart's vitals limits and the intake's plausibility checks read the site's protocol
version in force: the medical director's change shows on the next page, and another site keeps its own."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from clinic.patients import actions, banner
from clinic.patients.models import BodyMeasurement, Patient
from clinic.patients.tests.factories import PatientFactory
from clinic.patients.tests.test_banner import banner_html, flag_classes
from clinic.protocols.actions import change_section
from clinic.protocols.queries import current_protocol
from clinic.rules import plausibility
from clinic.screening import actions as screening_actions
from clinic.screening.models import Trigger


@pytest.fixture
def page_at(signed_in, clock, now):
    clock(now)
    return signed_in


def change(section, *, director, site, now, reason="Clinic policy", **values):
    current = current_protocol(site=site, now=now).values[section]
    return change_section(actor=director, now=now, site=site, section=section, values={**current, **values},
                          reason=reason)


def with_intake_bp(site, nurse, now, **fields) -> Patient:
    patient = PatientFactory(site=site, **fields)
    BodyMeasurement.objects.create(patient=patient, measured_on=now.date(), systolic_mmhg=150, diastolic_mmhg=95,
                                   recorded_by=nurse, recorded_at=now)
    return patient


# The banner


def test_a_rule_the_director_makes_a_hard_stop_shows_as_one_in_the_banner(page_at, nurse, director, main_site, now):
    patient = with_intake_bp(main_site, nurse, now)
    client = page_at(nurse)
    before = flag_classes(banner_html(client, patient))["CA_HTN"]

    change("eligibility", director=director, site=main_site, now=now, kinds={"CA_HTN": "hard_stop"},
           reason="Any raised intake pressure is a hard stop here")

    html = banner_html(client, patient)
    assert (before, flag_classes(html)["CA_HTN"]) == ("flag caution", "flag hard-stop")
    groups = dict(re.findall(r'<span class="label">([^<]+)</span><ul class="flags">(.*?)</ul>', html))
    assert 'data-code="CA_HTN"' in groups["Hard stops"]


def test_the_banner_and_a_stored_screening_run_read_the_same_version(nurse, director, main_site, now):
    patient = with_intake_bp(main_site, nurse, now)
    change("eligibility", director=director, site=main_site, now=now, kinds={"CA_HTN": "hard_stop"})

    run = screening_actions.screen_patient(patient=patient, actor=nurse, now=now, trigger=Trigger.MANUAL)
    shown = banner.banner_for(patient=Patient.objects.get(pk=patient.pk), user=nurse, now=now).clinical

    assert run.protocol.version == 2
    assert sorted(flag.code for flag in shown.hard_stops) == sorted(row["code"] for row in run.hard_stops)
    assert "CA_HTN" in {flag.code for flag in shown.hard_stops}


def test_another_site_keeps_its_own_eligibility_settings(nurse, director, main_site, other_site, now):
    here = with_intake_bp(main_site, nurse, now)
    there = with_intake_bp(other_site, nurse, now)

    change("eligibility", director=director, site=main_site, now=now, kinds={"CA_HTN": "hard_stop"})

    def kind_of_htn(patient):
        shown = banner.banner_for(patient=patient, user=nurse, now=now).clinical
        return next(flag.kind for flag in shown.flags if flag.code == "CA_HTN")

    assert (kind_of_htn(here), kind_of_htn(there)) == ("hard_stop", "caution")


def test_a_raised_adult_age_flags_a_19_year_old_as_under_age(page_at, nurse, director, main_site, other_site, now):
    patient = PatientFactory(site=main_site, birth_date=dt.date(2007, 6, 1))
    elsewhere = PatientFactory(site=other_site, birth_date=dt.date(2007, 6, 1))
    client = page_at(nurse)
    assert "Under " not in banner_html(client, patient)

    change("eligibility", director=director, site=main_site, now=now, adult_age_years=21,
           reason="This clinic treats adults from 21")

    html = banner_html(client, patient)
    assert '<span class="nowrap">19 y</span>' in html
    assert '<span class="flag danger">Under 21</span>' in html
    assert banner.banner_for(patient=elsewhere, user=nurse, now=now).under_age is False


# The chart's latest vitals


def test_the_charts_blood_pressure_limit_follows_the_sites_vitals_settings(page_at, nurse, director, main_site, now):
    patient = PatientFactory(site=main_site)
    BodyMeasurement.objects.create(patient=patient, measured_on=now.date(), systolic_mmhg=138, diastolic_mmhg=85,
                                   recorded_by=nurse, recorded_at=now)
    client = page_at(nurse)
    url = reverse("patients:chart", args=[patient.pk])
    assert 'data-testid="vital-crossed"' not in client.get(url).content.decode()

    change("vitals", director=director, site=main_site, now=now, pre_bp_caution_systolic_above_mmhg=130,
           reason="Caution from 130 systolic")

    page = client.get(url).content.decode()
    [crossed] = re.findall(r'data-testid="vital-crossed">([^<]+)</span>', page)
    assert crossed == "Caution limit crossed: above 130/90 mmHg (PRE_BP_CAUTION)"


# The intake's plausibility checks


def measure(patient, nurse, now, weight_kg, days_later):
    return actions.add_intake_item(actor=nurse, now=now, patient=patient, kind="measurement",
                                   measured_on=now.date() + dt.timedelta(days=days_later), weight_kg=Decimal(weight_kg))


def test_a_narrowed_weight_change_limit_asks_to_confirm_a_weight_the_default_accepts(
        nurse, director, main_site, other_site, now):
    here = PatientFactory(site=main_site, birth_date=dt.date(1980, 1, 1))
    there = PatientFactory(site=other_site, birth_date=dt.date(1980, 1, 1))
    for patient in (here, there):
        measure(patient, nurse, now, "80.0", days_later=-10)

    change("plausibility", director=director, site=main_site, now=now, weight_change_confirm_percent="5",
           reason="Ask about any weight 5 % away")

    with pytest.raises(plausibility.ChangesToConfirm) as refused:
        measure(here, nurse, now, "85.0", days_later=0)
    assert (refused.value.code, refused.value.field) == ("WEIGHT_CHANGE", "weight_kg")
    assert "6.3 % more than the last weight, 80 kg" in refused.value.message
    assert measure(there, nurse, now, "85.0", days_later=0).weight_kg == Decimal("85.0")
    assert BodyMeasurement.objects.filter(patient=here).count() == 1


def test_a_raised_adult_age_leaves_a_19_year_olds_height_uncompared(nurse, director, main_site, now):
    patient = PatientFactory(site=main_site, birth_date=dt.date(2007, 6, 1))
    actions.add_intake_item(actor=nurse, now=now, patient=patient, kind="measurement",
                            measured_on=now.date() - dt.timedelta(days=30), height_cm=Decimal("170"))
    with pytest.raises(plausibility.ChangesToConfirm):
        actions.add_intake_item(actor=nurse, now=now, patient=patient, kind="measurement", measured_on=now.date(),
                                height_cm=Decimal("178"))

    change("eligibility", director=director, site=main_site, now=now, adult_age_years=21)

    added = actions.add_intake_item(actor=nurse, now=now, patient=patient, kind="measurement", measured_on=now.date(),
                                    height_cm=Decimal("178"))
    assert added.height_cm == Decimal("178")

"""The chart's latest blood pressure and heart rate against the vitals protocol's default limits
(clinical-reference §5.3: PRE_BP_CAUTION above 140/90 mmHg, PRE_BP_HOLD at or above 160/100, BP_STOP at
or above 200/120, HR_HIGH above 120 bpm, HR_LOW unset)."""

import dataclasses
import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.urls import reverse

from clinic.patients.models import BodyMeasurement
from clinic.patients.tests.factories import PatientFactory
from clinic.patients.vitals_range import latest_vitals
from clinic.rules.vitals.thresholds import DEFAULT_PROTOCOL

MEASURED_ON = dt.date(2026, 11, 20)


def bp(systolic: int, diastolic: int) -> dict:
    return {"systolic_mmhg": (systolic, MEASURED_ON, SimpleNamespace(systolic_mmhg=systolic, diastolic_mmhg=diastolic))}


def hr(value: int) -> dict:
    return {"heart_rate_bpm": (value, MEASURED_ON, SimpleNamespace(heart_rate_bpm=value))}


@pytest.mark.parametrize(("systolic", "diastolic", "crossed"), [
    (140, 90, None),
    (141, 90, ("PRE_BP_CAUTION", "above 140/90 mmHg")),
    (170, 105, ("PRE_BP_HOLD", "at or above 160/100 mmHg")),
    (200, 100, ("BP_STOP", "at or above 200/120 mmHg")),
])
def test_the_latest_blood_pressure_carries_the_most_severe_limit_it_crosses(systolic, diastolic, crossed):
    [vital] = latest_vitals(bp(systolic, diastolic), protocol=DEFAULT_PROTOCOL)

    assert (vital.label, vital.shown, vital.measured_on) == ("Blood pressure", f"{systolic}/{diastolic} mmHg",
                                                             MEASURED_ON)
    assert (vital.check.crossed and (vital.check.crossed.code, vital.check.crossed.limit)) == crossed
    assert [limit.code for limit in vital.check.limits] == ["PRE_BP_CAUTION", "PRE_BP_HOLD", "BP_STOP"]


def test_the_latest_heart_rate_is_checked_against_the_protocol_handed_in():
    protocol = dataclasses.replace(DEFAULT_PROTOCOL, hr_low_below_bpm=50)

    [default] = latest_vitals(hr(49), protocol=DEFAULT_PROTOCOL)
    [with_low] = latest_vitals(hr(49), protocol=protocol)

    assert (default.shown, default.check.crossed, default.check.not_set) == (
        "49 bpm", None, ("low limit not set by the medical director",))
    assert (with_low.check.crossed.code, with_low.check.not_set) == ("HR_LOW", ())


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.mark.django_db
def test_the_chart_shows_the_most_severe_limit_crossed_with_every_limit_and_its_source(signed_in, nurse, main_site,
                                                                                         now):
    patient = PatientFactory(site=main_site)
    BodyMeasurement.objects.create(patient=patient, measured_on=dt.date(2026, 11, 1), systolic_mmhg=118,
                                   diastolic_mmhg=76, heart_rate_bpm=70, recorded_by=nurse, recorded_at=now)
    BodyMeasurement.objects.create(patient=patient, measured_on=dt.date(2026, 11, 20), systolic_mmhg=170,
                                   diastolic_mmhg=105, heart_rate_bpm=124, recorded_by=nurse, recorded_at=now)

    page = signed_in(nurse).get(reverse("patients:chart", args=[patient.pk])).content.decode()

    cells = re.findall(r'<dd class="value" data-testid="vital">(.*?)</dd>', page, re.S)
    blood_pressure, heart_rate = (text(re.sub(r"<ul>.*?</ul>", "", cell, flags=re.S)) for cell in cells)
    assert blood_pressure == (
        "170/105 mmHg 20 Nov 2026 Hold limit crossed: at or above 160/100 mmHg (PRE_BP_HOLD) "
        "Clinic limits: caution above 140/90 mmHg; hold at or above 160/100 mmHg; stop at or above 200/120 mmHg")
    assert heart_rate == ("124 bpm 20 Nov 2026 Pause limit crossed: above 120 bpm (HR_HIGH) "
                          "Low limit not set by the medical director Clinic limits: pause above 120 bpm")
    assert re.findall(r'<span class="flag (\w+)" data-testid="vital-crossed">', page) == ["danger", "danger"]
    assert "<li>PRE_BP_HOLD, hold at or above 160/100 mmHg. Source: §5.3 [D] PRE_BP_HOLD: on any pre-infusion " \
           "reading" in cells[0]
    assert '<span class="flag caution">Low limit' not in page


@pytest.mark.django_db
def test_a_blood_pressure_at_the_caution_level_is_flagged_in_caution_style(signed_in, nurse, main_site, now):
    patient = PatientFactory(site=main_site)
    BodyMeasurement.objects.create(patient=patient, measured_on=dt.date(2026, 11, 20), systolic_mmhg=141,
                                   diastolic_mmhg=80, recorded_by=nurse, recorded_at=now)

    page = signed_in(nurse).get(reverse("patients:chart", args=[patient.pk])).content.decode()

    assert re.findall(r'<span class="flag (\w+)" data-testid="vital-crossed">([^<]*)</span>', page) == [
        ("caution", "Caution limit crossed: above 140/90 mmHg (PRE_BP_CAUTION)")]

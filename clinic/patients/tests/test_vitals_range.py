"""The chart's latest blood pressure and heart rate against the vitals protocol's default limits
(clinical-reference §5.3: PRE_BP_CAUTION above 140/90 mmHg, HR_HIGH above 120 bpm, HR_LOW unset)."""

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


@pytest.mark.parametrize(("systolic", "diastolic", "outside"), [
    (140, 90, ()),
    (141, 90, ("systolic 141 is above 140",)),
    (140, 91, ("diastolic 91 is above 90",)),
    (152, 96, ("systolic 152 is above 140", "diastolic 96 is above 90")),
])
def test_blood_pressure_is_outside_only_above_the_caution_limit(systolic, diastolic, outside):
    [vital] = latest_vitals(bp(systolic, diastolic))

    assert (vital.label, vital.shown, vital.limits, vital.outside, vital.not_set) == (
        "Blood pressure", f"{systolic}/{diastolic} mmHg", "caution above 140/90 mmHg", outside, ())


@pytest.mark.parametrize(("value", "outside"), [(120, ()), (121, ("121 is above 120",))])
def test_heart_rate_is_outside_above_the_alert_limit_and_its_unset_low_limit_is_said(value, outside):
    [vital] = latest_vitals(hr(value))

    assert (vital.shown, vital.limits, vital.outside, vital.not_set) == (
        f"{value} bpm", "alert above 120 bpm", outside, ("low limit not set",))


@pytest.mark.parametrize(("value", "outside"), [(50, ()), (49, ("49 is below 50",))])
def test_a_low_heart_rate_limit_once_set_is_checked_on_both_sides(value, outside):
    protocol = dataclasses.replace(DEFAULT_PROTOCOL, hr_low_below_bpm=50)

    [vital] = latest_vitals(hr(value), protocol=protocol)

    assert (vital.limits, vital.outside, vital.not_set) == ("alert below 50 or above 120 bpm", outside, ())


@pytest.mark.django_db
def test_the_chart_highlights_the_latest_out_of_range_values_with_the_limits(signed_in, nurse, main_site, now):
    patient = PatientFactory(site=main_site)
    BodyMeasurement.objects.create(patient=patient, measured_on=dt.date(2026, 11, 1), systolic_mmhg=118,
                                   diastolic_mmhg=76, heart_rate_bpm=70, recorded_by=nurse, recorded_at=now)
    BodyMeasurement.objects.create(patient=patient, measured_on=dt.date(2026, 11, 20), systolic_mmhg=152,
                                   diastolic_mmhg=88, heart_rate_bpm=124, recorded_by=nurse, recorded_at=now)

    page = signed_in(nurse).get(reverse("patients:chart", args=[patient.pk])).content.decode()

    vitals = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip()
              for cell in re.findall(r'<dd class="value" data-testid="vital">(.*?)</dd>', page, re.S)]
    assert vitals == [
        "152/88 mmHg 20 Nov 2026 Out of range: systolic 152 is above 140 Clinic default: caution above 140/90 mmHg",
        "124 bpm 20 Nov 2026 Out of range: 124 is above 120 low limit not set Clinic default: alert above 120 bpm",
    ]
    assert page.count('<span class="vital outside">') == 2

"""POST /api/v1/dosing/calculate within the dosing settings of the site's protocol in force (design §4.4:
"422 for a dose outside the clinic's allowed range"), with the optional `site_id`."""

import pytest

from clinic.accounts.tests.factories import StaffUserFactory
from clinic.protocols.actions import change_section
from clinic.protocols.queries import current_protocol

pytestmark = pytest.mark.django_db

ORDER = {"weight_kg": 70.0, "dose_mg_per_kg": 0.9, "vial_mg_per_ml": 50, "bag_ml": 100, "duration_min": 40}


def calculate(client, **body):
    return client.post("/api/v1/dosing/calculate", {**ORDER, **body}, content_type="application/json")


def narrow_to_0_8(director, site, now):
    values = {**current_protocol(site=site, now=now).values["dosing"], "max_dose_mg_per_kg": "0.8"}
    change_section(actor=director, now=now, site=site, section="dosing", values=values,
                   reason="No dose above 0.8 mg/kg at this clinic")


@pytest.fixture
def both_sites_prescriber(main_site, other_site):
    return StaffUserFactory(username="roving", role="prescriber", organisation=main_site.organisation,
                            sites=[main_site, other_site])


def test_a_dose_the_default_range_allows_is_refused_once_the_clinic_narrows_it(api_client, prescriber, director,
                                                                                main_site, now):
    client = api_client(prescriber)
    allowed = calculate(client)

    narrow_to_0_8(director, main_site, now)
    refused = calculate(client)

    assert (allowed.status_code, allowed.json()["dose_mg"]) == (200, 63.0)
    error = refused.json()["error"]
    assert (refused.status_code, error["code"], error["details"][0]["field"]) == (
        422, "DOSE_OUTSIDE_RANGE", "dose_mg_per_kg")
    assert "0.8" in error["message"]


def test_a_caller_at_one_site_may_name_it(api_client, prescriber, director, main_site, now):
    narrow_to_0_8(director, main_site, now)

    response = calculate(api_client(prescriber), site_id=str(main_site.pk))

    assert (response.status_code, response.json()["error"]["code"]) == (422, "DOSE_OUTSIDE_RANGE")


def test_another_site_keeps_its_own_range(api_client, both_sites_prescriber, director, main_site, other_site, now):
    narrow_to_0_8(director, main_site, now)
    client = api_client(both_sites_prescriber)

    there = calculate(client, site_id=str(other_site.pk))
    here = calculate(client, site_id=str(main_site.pk))

    assert (there.status_code, there.json()["dose_mg"]) == (200, 63.0)
    assert (here.status_code, here.json()["error"]["code"]) == (422, "DOSE_OUTSIDE_RANGE")


def test_without_site_id_sites_that_dose_alike_need_none(api_client, both_sites_prescriber):
    response = calculate(api_client(both_sites_prescriber))

    assert (response.status_code, response.json()["dose_mg"]) == (200, 63.0)


def test_without_site_id_sites_that_dose_differently_are_400_naming_site_id(api_client, both_sites_prescriber,
                                                                            director, main_site, now):
    narrow_to_0_8(director, main_site, now)

    response = calculate(api_client(both_sites_prescriber))

    error = response.json()["error"]
    assert (response.status_code, error["code"], error["details"][0]["field"]) == (400, "VALIDATION_ERROR", "site_id")
    assert error["details"][0]["message"].startswith("Your sites (Main, North) set different dosing settings")


@pytest.mark.parametrize("site_id", ["other", "999999", "not-an-id"])
def test_a_site_the_caller_does_not_work_at_is_400_as_a_missing_one(api_client, prescriber, other_site, site_id):
    given = str(other_site.pk) if site_id == "other" else site_id

    response = calculate(api_client(prescriber), site_id=given)

    error = response.json()["error"]
    assert (response.status_code, error["details"][0]["field"]) == (400, "site_id")
    assert error["details"][0]["message"].startswith("You do not work at that site.")

"""POST /api/v1/dosing/calculate (design §4.4) against the worked examples of clinical-reference §4.6."""

import pytest

pytestmark = pytest.mark.django_db


def calculate(client, **body):
    return client.post("/api/v1/dosing/calculate", body, content_type="application/json")


def test_worked_example_1(api_client, prescriber):
    """§4.6 #1: 0.5 mg/kg, 70.0 kg, 50 mg/mL, 100 mL, 40 min → 35.0 mg; 0.70 mL; 100.70 mL; 0.348 mg/mL;
    151.1 mL/h; 0.75 mg/kg/h (Andrade 2017 standard dose)."""
    response = calculate(api_client(prescriber), weight_kg=70.0, dose_mg_per_kg=0.5, vial_mg_per_ml=50,
                         bag_ml=100, duration_min=40)

    body = response.json()
    assert response.status_code == 200
    assert (body["dosing_weight_kg"], body["dose_mg"], body["drug_ml"], body["drawn_mg"]) == (70.0, 35.0, 0.7, 35.0)
    assert (body["total_ml"], body["final_mg_per_ml"], body["rate_ml_per_h"], body["mg_per_kg_per_h"]) == (
        100.7, 0.348, 151.1, 0.75)
    assert body["warnings"] == [{"code": "WEIGHT_DATE_NOT_CHECKED", "message": body["warnings"][0]["message"]}]


def test_worked_example_2_adjusted_weight(api_client, prescriber):
    """§4.6 #2: female, 165 cm, 110 kg, adjusted → IBW 56.9 kg; AdjBW 78.1 kg; 39.1 mg (a float gives 39.0);
    0.78 mL; 151.2 mL/h (Devine 1974; adjusted weight [25])."""
    body = calculate(api_client(prescriber), weight_kg=110, height_cm=165, sex="female", weight_basis="adjusted",
                     dose_mg_per_kg=0.5, vial_mg_per_ml=50, bag_ml=100, duration_min=40).json()

    assert (body["ideal_weight_kg"], body["dosing_weight_kg"], body["dose_mg"]) == (56.9, 78.1, 39.1)
    assert (body["drug_ml"], body["drawn_mg"], body["rate_ml_per_h"]) == (0.78, 39.0, 151.2)


def test_dose_outside_the_clinic_range_is_422(api_client, prescriber):
    """§4.5: 0.1–1.0 mg/kg allowed; outside it the order is blocked."""
    response = calculate(api_client(prescriber), weight_kg=70, dose_mg_per_kg=1.5, vial_mg_per_ml=50,
                         bag_ml=100, duration_min=40)

    error = response.json()["error"]
    assert (response.status_code, error["code"], error["details"][0]["field"]) == (
        422, "DOSE_OUTSIDE_RANGE", "dose_mg_per_kg")


def test_warns_above_0_75_mg_per_kg(api_client, prescriber):
    """§4.5: warn above 0.75 mg/kg."""
    body = calculate(api_client(prescriber), weight_kg=84, dose_mg_per_kg=0.8, vial_mg_per_ml=100, bag_ml=100,
                     duration_min=45, weight_measured_on="2026-11-20", infusion_date="2026-11-24").json()

    assert [warning["code"] for warning in body["warnings"]] == ["DOSE_HIGH"]


def test_negative_weight_is_400_naming_the_field(api_client, prescriber):
    response = calculate(api_client(prescriber), weight_kg=-70, dose_mg_per_kg=0.5, vial_mg_per_ml=50,
                         bag_ml=100, duration_min=40)

    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["field"] == "weight_kg"


def test_zero_minute_infusion_is_400(api_client, prescriber):
    response = calculate(api_client(prescriber), weight_kg=70, dose_mg_per_kg=0.5, vial_mg_per_ml=50,
                         bag_ml=100, duration_min=0)

    assert (response.status_code, response.json()["error"]["details"][0]["field"]) == (400, "duration_min")

"""GET /api/v1/instruments and POST /api/v1/instruments/{code}/score (design §4.4)."""

import pytest

from clinic.rules.scales import INSTRUMENTS

pytestmark = pytest.mark.django_db

DESIGN_CODES = {"phq9", "gad7", "pcl5", "ybocs", "madrs", "qids_sr16", "cadss", "cadss6", "cssrs_screener",
                "pain_nrs", "midas", "hit6", "fiqr", "audit_c", "dast10", "ymrs", "hamd17", "bprs"}


def score(client, code: str, answers: list, context: dict | None = None):
    return client.post(f"/api/v1/instruments/{code}/score", {"answers": answers, "context": context or {}},
                       content_type="application/json")


def test_lists_every_instrument_of_the_design_with_items_and_bands(api_client, nurse):
    response = api_client(nurse).get("/api/v1/instruments")

    by_code = {instrument["code"]: instrument for instrument in response.json()}
    assert set(by_code) == DESIGN_CODES == set(INSTRUMENTS)
    phq9 = by_code["phq9"]
    assert (len(phq9["items"]), phq9["total_min"], phq9["total_max"]) == (9, 0, 27)
    assert [option["label"] for option in phq9["items"][0]["options"]] == [
        "Not at all", "Several days", "More than half the days", "Nearly every day"]
    assert [band["code"] for band in phq9["bands"]] == ["MINIMAL", "MILD", "MODERATE", "MODERATELY_SEVERE", "SEVERE"]
    assert phq9["loinc_total"] == "44261-6"
    hit6_points = [option["points"] for option in by_code["hit6"]["items"][0]["options"]]
    assert hit6_points == [6, 8, 10, 11, 13]
    assert by_code["cssrs_screener"]["items"][2]["asked_if"] == {"item": 2, "option": 1}


def test_scores_phq9_reference_fixture_with_its_item_9_alert(api_client, nurse):
    """clinical-reference §7.3: PHQ-9 0,1,0,1,0,0,0,0,1 → 3 minimal + item-9 alert (Kroenke 2001)."""
    response = score(api_client(nurse), "phq9", [0, 1, 0, 1, 0, 0, 0, 0, 1])

    body = response.json()
    assert (response.status_code, body["total"], body["severity"], body["risk"]) == (200, 3, "MINIMAL", None)
    assert [(alert["code"], alert["item"]) for alert in body["alerts"]] == [("SUICIDE_RISK", 9)]


def test_cssrs_returns_its_risk_level_with_skipped_items_as_null(api_client, nurse):
    """clinical-reference §7.3: C-SSRS Q1 yes, Q2 no, Q6 yes within 3 months → high (Posner 2011)."""
    response = score(api_client(nurse), "cssrs_screener", [1, 0, None, None, None, 2])

    assert (response.json()["risk"], response.json()["total"]) == ("high", None)


def test_fiqr_total_is_a_json_number_with_its_fraction(api_client, nurse):
    """clinical-reference §7.3: FIQR fixture → 15.0 + 12.0 + 30.0 = 57.0 (Bennett 2009)."""
    answers = [3, 4, 5, 6, 7, 5, 5, 5, 5, 5, 7, 7, 6, 8, 5, 6, 4, 7, 6, 5, 6]

    body = score(api_client(nurse), "fiqr", answers).json()

    assert body["total"] == 57
    assert isinstance(body["subscores"]["function"], int | float)


def test_audit_c_uses_sex_from_the_context(api_client, nurse):
    """clinical-reference §7.3: AUDIT-C 2,0,1 = 3, positive only if female (Bush 1998)."""
    client = api_client(nurse)

    female = score(client, "audit_c", [2, 0, 1], {"sex": "female"}).json()
    male = score(client, "audit_c", [2, 0, 1], {"sex": "male"}).json()

    assert (female["total"], "CA_SUD_HISTORY" in female["flags"], "CA_SUD_HISTORY" in male["flags"]) == (
        3, True, False)


def test_midas_takes_items_a_and_b_from_the_context(api_client, nurse):
    """clinical-reference §7.3: MIDAS 2,4,3,5,2 (A 20, B 7) → 16, grade III (Stewart 2001)."""
    body = score(api_client(nurse), "midas", [2, 4, 3, 5, 2], {"midas_a": 20, "midas_b": 7}).json()

    assert (body["total"], body["severity"]) == (16, "GRADE_III")


def test_wrong_answer_count_is_400_naming_the_answers(api_client, nurse):
    response = score(api_client(nurse), "phq9", [0, 0, 0])

    error = response.json()["error"]
    assert (response.status_code, error["code"]) == (400, "INVALID_ANSWER")
    assert error["details"][0]["field"] == "answers"
    assert "9 items; 3 answers" in error["message"]


def test_out_of_range_answer_is_400_naming_the_item(api_client, nurse):
    response = score(api_client(nurse), "gad7", [0, 0, 0, 7, 0, 0, 0])

    assert response.status_code == 400
    assert response.json()["error"]["details"] == [{"item": "4", "message": response.json()["error"]["message"]}]


def test_missing_required_item_is_400_naming_the_item(api_client, nurse):
    response = score(api_client(nurse), "phq9", [0, 0, None, 0, 0, 0, 0, 0, 0])

    assert (response.status_code, response.json()["error"]["details"][0]["item"]) == (400, "3")


def test_unknown_instrument_is_404(api_client, nurse):
    response = score(api_client(nurse), "beck", [0])

    assert (response.status_code, response.json()["error"]["code"]) == (404, "UNKNOWN_INSTRUMENT")


def test_unknown_context_key_is_400_naming_it(api_client, nurse):
    response = score(api_client(nurse), "phq9", [0] * 9, {"protocol": {"suicide_alert_above": 2}})

    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["field"] == "context.protocol"


def test_scoring_needs_a_token(client, db):
    response = client.post("/api/v1/instruments/phq9/score", {"answers": [0] * 9}, content_type="application/json")

    assert response.status_code == 401

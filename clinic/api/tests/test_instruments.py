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


def test_lists_minimum_maximum_and_step_of_every_number_item(api_client, nurse):
    """design §4.4 and clinical-reference §7.1: YMRS items 1–4, 7, 10, 11 are rated 0–4 in steps of 0.5
    and items 5, 6, 8, 9 0–8 in steps of 1; MIDAS days and the pain NRS are whole numbers; option items
    have no number range."""
    by_code = {instrument["code"]: instrument for instrument in api_client(nurse).get("/api/v1/instruments").json()}

    ymrs_ranges = [item["number_range"] for item in by_code["ymrs"]["items"]]
    assert [(r["min"], r["max"], r["step"]) for r in ymrs_ranges] == [
        (0, 4, 0.5)] * 4 + [(0, 8, 1)] * 2 + [(0, 4, 0.5)] + [(0, 8, 1)] * 2 + [(0, 4, 0.5)] * 2
    assert (by_code["ymrs"]["items"][0]["options"], by_code["ymrs"]["total_max"]) == ([], 60)
    assert by_code["midas"]["items"][0]["number_range"] == {"min": 0, "max": 92, "step": 1, "unit": "days"}
    assert by_code["pain_nrs"]["items"][0]["number_range"] == {"min": 0, "max": 10, "step": 1, "unit": ""}
    assert by_code["phq9"]["items"][0]["number_range"] is None


def test_ymrs_bands_are_listed_half_open_and_stop_at_30(api_client, nurse):
    """clinical-reference §7.2 [U] (Born 2021): < 12 not manic, 12 to < 21 hypomanic, 21 to < 30 manic;
    30 and above has no band."""
    by_code = {instrument["code"]: instrument for instrument in api_client(nurse).get("/api/v1/instruments").json()}

    bands = [(band["code"], band["low"], band["high"], band["high_inclusive"]) for band in by_code["ymrs"]["bands"]]
    assert bands == [("NOT_MANIC", 0, 12, False), ("HYPOMANIC", 12, 21, False), ("MANIC", 21, 30, False)]
    assert any("30 or more is not covered" in note for note in by_code["ymrs"]["notes"])


def test_scores_the_ymrs_reference_fixture_with_its_hold_alert(api_client, nurse):
    """clinical-reference §7.3: YMRS 2,1,1,2, 4,2, 1, 2,0, 0,1 → 16 hypomanic → hold alert; the answers
    are the ratings themselves (design §4.4)."""
    body = score(api_client(nurse), "ymrs", [2, 1, 1, 2, 4, 2, 1, 2, 0, 0, 1]).json()

    assert (body["total"], body["severity"], body["flags"]) == (16, "HYPOMANIC", ["CA_MANIA_SCORE"])
    assert [alert["code"] for alert in body["alerts"]] == ["HOLD_NEXT_INFUSION"]


@pytest.mark.parametrize(("answers", "total", "severity", "held"), [
    ([4, 4, 3.5, 0, 0, 0, 0, 0, 0, 0, 1], 12.5, "HYPOMANIC", True),
    ([4, 4, 3.5, 0, 0, 0, 0, 0, 0, 0, 0], 11.5, "NOT_MANIC", False),
    ([1.5, 0.5, 0, 0, 3, 0, 0, 0, 0, 0, 0], 5, "NOT_MANIC", False),
    ([4, 4, 4, 4, 4, 0, 0.5, 0, 0, 0, 0], 20.5, "HYPOMANIC", True),
    ([4, 4, 4, 4, 8, 4, 2, 0, 0, 0, 0], 30, None, True),
])
def test_ymrs_accepts_half_and_in_between_ratings_and_returns_the_fractional_total(
        api_client, nurse, answers, total, severity, held):
    """clinical-reference §7.1: ratings between the anchor points, in whole or half points; the total may
    be fractional (12.5) and is banded on both sides of 12 and 21; 30 has no band (§7.2)."""
    body = score(api_client(nurse), "ymrs", answers).json()

    assert (body["total"], body["severity"], bool(body["alerts"])) == (total, severity, held)


@pytest.mark.parametrize(("answers", "item", "allowed"), [
    ([0, 0, 1.25, 0, 0, 0, 0, 0, 0, 0, 0], "3", "0 to 4 in steps of 0.5; 1.25 was sent"),
    ([0, 0, 0, 0, 3.5, 0, 0, 0, 0, 0, 0], "5", "a whole number from 0 to 8; 3.5 was sent"),
    ([0, 0, 0, 0, 0, 0, 0, 0, 0, 4.5, 0], "10", "0 to 4 in steps of 0.5; 4.5 was sent"),
    ([0, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0], "9", "a whole number from 0 to 8; 9 was sent"),
])
def test_ymrs_rating_off_the_step_or_out_of_range_is_400_naming_the_item(api_client, nurse, answers, item, allowed):
    """design §4.4: an off-step or out-of-range YMRS rating gets 400 naming the item."""
    response = score(api_client(nurse), "ymrs", answers)

    error = response.json()["error"]
    assert (response.status_code, error["code"], [d["item"] for d in error["details"]]) == (
        400, "INVALID_ANSWER", [item])
    assert allowed in error["message"]


def test_a_fraction_on_an_option_item_is_400_naming_the_item(api_client, nurse):
    """design §4.4: an option item takes the option's whole-number index."""
    response = score(api_client(nurse), "phq9", [0, 0, 0, 0, 1.5, 0, 0, 0, 0])

    assert (response.status_code, response.json()["error"]["details"][0]["item"]) == (400, "5")
    assert "needs a whole number, not 1.5" in response.json()["error"]["message"]


def test_a_non_finite_number_is_refused_as_invalid_input(api_client, nurse):
    """design §4.4: answers are numbers; Infinity (which Python's JSON reader accepts) is not one."""
    body = '{"answers": [Infinity, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], "context": {}}'

    response = api_client(nurse).post("/api/v1/instruments/ymrs/score", body, content_type="application/json")

    assert (response.status_code, response.json()["error"]["code"]) == (400, "VALIDATION_ERROR")
    assert [detail["field"] for detail in response.json()["error"]["details"]] == ["answers.0"]


@pytest.mark.parametrize("answer", ['"1.5"', "true", "NaN", "[1]"])
def test_an_answer_that_is_not_a_number_is_refused_at_its_own_place(api_client, nurse, answer):
    """design §4.4: one detail per refused answer, named by its place in the list, never by the
    validator's internal names."""
    body = f'{{"answers": [0, 0, {answer}, 0, 0, 0, 0, 0, 0, 0, 0], "context": {{}}}}'

    response = api_client(nurse).post("/api/v1/instruments/ymrs/score", body, content_type="application/json")

    error = response.json()["error"]
    assert (response.status_code, error["code"]) == (400, "VALIDATION_ERROR")
    assert [detail["field"] for detail in error["details"]] == ["answers.2"]


@pytest.mark.parametrize(("answers", "items", "days"), [
    ([47, 46, 0, 0, 0], ["1", "2"], 93),
    ([0, 0, 60, 40, 0], ["3", "4"], 100),
])
def test_midas_impossible_days_are_400_naming_both_items(api_client, nurse, answers, items, days):
    """clinical-reference §7.1: items 1 + 2 and 3 + 4 cannot exceed the 92 days in 3 months."""
    response = score(api_client(nurse), "midas", answers, {"midas_a": 40, "midas_b": 5})

    error = response.json()["error"]
    assert (response.status_code, error["code"], [d["item"] for d in error["details"]]) == (
        400, "INVALID_ANSWER", items)
    assert error["message"].startswith(f"MIDAS items {items[0]} and {items[1]}: ")
    assert f"add up to {days}, more than the 92 days in 3 months" in error["message"]


def test_midas_pair_of_exactly_92_days_scores(api_client, nurse):
    """clinical-reference §7.1: 92 days in 3 months is possible; grade IV (§7.2, ≥ 21)."""
    body = score(api_client(nurse), "midas", [46, 46, 0, 0, 0], {"midas_a": 40, "midas_b": 5}).json()

    assert (body["total"], body["severity"]) == (92, "GRADE_IV")


FIQR_FIXTURE = [3, 4, 5, 6, 7, 5, 5, 5, 5, 5, 7, 7, 6, 8, 5, 6, 4, 7, 6, 5, 6]


def test_fiqr_with_two_items_with_more_than_one_answer_scores_flagged(api_client, nurse):
    """clinical-reference §7.1 [48]: fewer than 3 items with more than one answer leave the form valid."""
    body = score(api_client(nurse), "fiqr", FIQR_FIXTURE, {"multiple_answer_items": [4, 17]}).json()

    assert (body["total"], body["flags"]) == (57, ["MULTIPLE_ANSWERS"])


def test_fiqr_with_three_items_with_more_than_one_answer_is_400_naming_each(api_client, nurse):
    """clinical-reference §7.1 [48]: invalid if 3 or more items have more than one answer (fiqr.info)."""
    response = score(api_client(nurse), "fiqr", FIQR_FIXTURE, {"multiple_answer_items": [20, 4, 17]})

    assert response.status_code == 400
    assert [d["item"] for d in response.json()["error"]["details"]] == ["4", "17", "20"]


def test_fiqr_lists_its_own_labels_and_says_so_in_the_licence(api_client, nurse):
    """clinical-reference §7.2 licences: the function items' published wording is licensed text."""
    by_code = {instrument["code"]: instrument for instrument in api_client(nurse).get("/api/v1/instruments").json()}

    fiqr = by_code["fiqr"]
    assert (fiqr["items"][1]["label"], fiqr["items"][1]["text"]) == ("Sustained walking", None)
    assert "the labels here are the system's own short names" in fiqr["licence"]

"""Diagnosis codes screening must read (clinical-reference §2.1 [D], §3): psychosis, mania and bipolar disorder."""

import pytest

from clinic.rules import eligibility
from clinic.rules.eligibility import Diagnosis, EligibilityProtocol, diagnoses
from clinic.rules.tests.test_eligibility import codes, finding, make

DIAGNOSIS_RULES = {"HS_PSYCHOSIS_ACTIVE", "CA_PSYCHOSIS_PAST", "HS_MANIA", "CA_BIPOLAR"}
PSYCHOSIS, PAST_PSYCHOSIS, MANIA, BIPOLAR = "HS_PSYCHOSIS_ACTIVE", "CA_PSYCHOSIS_PAST", "HS_MANIA", "CA_BIPOLAR"
CURRENT, PAST = True, False

CODE_CASES = [
    # (code, current, the findings it must raise, exactly)
    # Psychotic features in the episode: hard stop when current, caution when past.
    ("F32.3", CURRENT, {PSYCHOSIS}), ("F32.3", PAST, {PAST_PSYCHOSIS}),
    ("F33.3", CURRENT, {PSYCHOSIS}), ("F33.3", PAST, {PAST_PSYCHOSIS}),
    ("F31.2", CURRENT, {PSYCHOSIS, MANIA, BIPOLAR}), ("F31.2", PAST, {PAST_PSYCHOSIS, BIPOLAR}),
    ("F31.5", CURRENT, {PSYCHOSIS, BIPOLAR}), ("F31.5", PAST, {PAST_PSYCHOSIS, BIPOLAR}),
    ("F31.64", CURRENT, {PSYCHOSIS, MANIA, BIPOLAR}), ("F31.64", PAST, {PAST_PSYCHOSIS, BIPOLAR}),
    # Psychotic disorders F20–F29, first and last category and between.
    ("F20.9", CURRENT, {PSYCHOSIS}), ("F20.9", PAST, {PAST_PSYCHOSIS}),
    ("F22", CURRENT, {PSYCHOSIS}), ("F25.0", PAST, {PAST_PSYCHOSIS}),
    ("F29", CURRENT, {PSYCHOSIS}), ("F29", PAST, {PAST_PSYCHOSIS}),
    # Manic or mixed episodes: a hard stop when current; a past one makes no HS_MANIA.
    ("F30.10", CURRENT, {MANIA}), ("F30.2", CURRENT, {MANIA}), ("F30.9", CURRENT, {MANIA}), ("F30", CURRENT, {MANIA}),
    ("F30.9", PAST, set()), ("F30", PAST, set()),
    ("F31.1", CURRENT, {MANIA, BIPOLAR}), ("F31.10", CURRENT, {MANIA, BIPOLAR}),
    ("F31.13", CURRENT, {MANIA, BIPOLAR}), ("F31.13", PAST, {BIPOLAR}),
    ("F31.60", CURRENT, {MANIA, BIPOLAR}), ("F31.61", CURRENT, {MANIA, BIPOLAR}),
    ("F31.62", CURRENT, {MANIA, BIPOLAR}), ("F31.63", CURRENT, {MANIA, BIPOLAR}), ("F31.62", PAST, {BIPOLAR}),
    # Hypomanic episode F31.0: HS_MANIA when current (hypomania included by default [D]).
    ("F31.0", CURRENT, {MANIA, BIPOLAR}), ("F31.0", PAST, {BIPOLAR}),
    # Near neighbours that must not trigger psychosis or mania.
    ("F32.2", CURRENT, set()), ("F33.2", CURRENT, set()), ("F32.9", CURRENT, set()), ("F34.1", CURRENT, set()),
    ("F39", CURRENT, set()), ("F19.10", CURRENT, set()), ("F19.959", CURRENT, set()), ("F19.959", PAST, set()),
    ("F31.4", CURRENT, {BIPOLAR}), ("F31.30", CURRENT, {BIPOLAR}), ("F31.81", CURRENT, {BIPOLAR}),
    ("F31.9", CURRENT, {BIPOLAR}), ("F31.70", CURRENT, {BIPOLAR}), ("F31.89", CURRENT, {BIPOLAR}),
    ("F43.10", CURRENT, set()), ("F41.1", PAST, set()),
]


def diagnosed(*diagnoses, **changes):
    """An intake with anxiety and the given diagnoses, YMRS done so a bipolar code leaves the intake complete."""
    return make(diagnoses=diagnoses, screens={"ymrs": [0] * 11}, **changes)


@pytest.mark.parametrize(("code", "current", "expected"), CODE_CASES,
                         ids=[f"{code} {'current' if current else 'past'}" for code, current, _ in CODE_CASES])
def test_each_code_raises_exactly_its_findings(code, current, expected):
    """clinical-reference §2.1 "Codes that screening must read" [D]: F32.3, F33.3, F31.2, F31.5, F31.64 and F20–F29
    → HS_PSYCHOSIS_ACTIVE when current, CA_PSYCHOSIS_PAST when past; F30.x, F31.1x, F31.2, F31.6x and (hypomania,
    by default) F31.0 → HS_MANIA when current; any F31.x → CA_BIPOLAR. Neighbours such as F31.81 or F19.x make none
    of these."""
    assert set(codes(diagnosed(Diagnosis(code, current)))) == expected


@pytest.mark.parametrize("written", ["F31.64", "f31.64", "F3164", " f3164 "])
def test_codes_match_in_any_case_with_or_without_the_dot(written):
    """clinical-reference §2.1: one code however it is written; the finding names it as written."""
    result = finding(diagnosed(Diagnosis(written, True)), "HS_PSYCHOSIS_ACTIVE")

    assert result.data["diagnosis_codes"] == [written]


def test_hypomania_follows_the_clinic_setting():
    """clinical-reference §3 HS_MANIA: current hypomania is included by default [D]; a clinic may leave it out."""
    intake = diagnosed(Diagnosis("F31.0", True))

    assert codes(intake, EligibilityProtocol(mania_includes_hypomania=False)) == ["CA_BIPOLAR"]
    assert "HS_MANIA" in codes(intake)


def test_a_current_manic_episode_is_a_hard_stop_whatever_the_hypomania_setting():
    """clinical-reference §3 HS_MANIA: a current manic or mixed episode is a hard stop [L]."""
    intake = diagnosed(Diagnosis("F31.13", True))

    assert "HS_MANIA" in codes(intake, EligibilityProtocol(mania_includes_hypomania=False))


@pytest.mark.parametrize(("code", "diagnoses", "message"), [
    ("HS_PSYCHOSIS_ACTIVE", (Diagnosis("F20.9", True), Diagnosis("F32.3", True)),
     "Current diagnosis F20.9, F32.3: psychotic features in this episode or a psychotic disorder."),
    ("CA_PSYCHOSIS_PAST", (Diagnosis("F25.1", False),),
     "Past diagnosis F25.1: psychosis in a past episode or a psychotic disorder."),
    ("HS_MANIA", (Diagnosis("F30.2", True), Diagnosis("F31.0", True)),
     "Current manic or mixed episode: F30.2. Current hypomanic episode: F31.0 (this clinic includes hypomania)."),
])
def test_findings_name_the_codes_that_triggered_them(code, diagnoses, message):
    """clinical-reference §2.1, §3: each finding's message and data name the codes that triggered it."""
    result = finding(diagnosed(*diagnoses), code)

    assert result.message == message
    assert result.data == {"items": [], "diagnosis_codes": [diagnosis.code for diagnosis in diagnoses]}


def test_a_safety_answer_and_a_code_are_both_named():
    """clinical-reference §3 HS_PSYCHOSIS_ACTIVE: the answer and the diagnosis each show why it was raised."""
    result = finding(diagnosed(Diagnosis("F29", True), safety={"psychosis_current": True}), "HS_PSYCHOSIS_ACTIVE")

    assert result.message == ("Answered yes: Current psychosis. Current diagnosis F29: psychotic features in this "
                              "episode or a psychotic disorder.")
    assert result.data == {"items": ["psychosis_current"], "diagnosis_codes": ["F29"]}


def test_bipolar_caution_names_the_codes_current_and_past():
    """clinical-reference §2.1: any F31.x diagnosis, current or past, brings CA_BIPOLAR."""
    result = finding(diagnosed(Diagnosis("F31.9", False), Diagnosis("F31.81", True)), "CA_BIPOLAR")

    assert result.data["diagnosis_codes"] == ["F31.9", "F31.81"]
    assert result.message.startswith("Bipolar disorder (F31.9, F31.81). Mood stabiliser: none recorded")


@pytest.mark.parametrize(("changes", "ymrs_required"), [
    (dict(diagnoses=(Diagnosis("F31.9", False),)), True),
    (dict(diagnoses=(Diagnosis("F31.81", True),)), True),
    (dict(safety={"bipolar_disorder": True}), True),
    (dict(indications=("TRD_BIPOLAR",)), True),
    (dict(diagnoses=(Diagnosis("F32.9", False),)), False),
    (dict(diagnoses=(Diagnosis("F30.9", False),)), False),
])
def test_ymrs_is_required_for_any_bipolar_diagnosis_whatever_the_indication(changes, ymrs_required):
    """clinical-reference §2.1 and §3 intake set: YMRS for any bipolar diagnosis (F31.x), a TRD_BIPOLAR indication or
    a yes to the bipolar question, whatever the indication treated (here anxiety)."""
    found = eligibility.screen(make(**changes))

    missing = [screen for item in found if item.code == "HS_INTAKE_INCOMPLETE" for screen in item.data["screens"]]
    assert ("ymrs" in missing) is ymrs_required


# §2.1 "Codes that screening must read", written as the reference gives them. A category (F20, F30) covers itself
# and its subcodes; a subcode (F31.1, F31.64) covers itself and the codes below it (F31.1x).
REFERENCE_PSYCHOSIS = ("F32.3", "F33.3", "F31.2", "F31.5", "F31.64", *(f"F{n}" for n in range(20, 30)))
REFERENCE_MANIC_OR_MIXED = ("F30", "F31.1", "F31.2", "F31.6")
REFERENCE_HYPOMANIC = ("F31.0",)
REFERENCE_BIPOLAR = ("F31",)
# Every F-code of categories F10–F39 with none, one or two digits after the dot.
SWEEP = [f"F{category}{tail}" for category in range(10, 40)
         for tail in ["", *(f".{d}" for d in range(10)), *(f".{d}{e}" for d in range(10) for e in range(10))]]


def _listed(code, entries):
    return any(code == entry or code.startswith(entry if "." in entry else entry + ".") for entry in entries)


def _expected(codes_, entries):
    return [code for code in codes_ if _listed(code, entries)]


@pytest.mark.parametrize("category", range(10, 40), ids=[f"F{category}" for category in range(10, 40)])
def test_every_code_of_the_category_is_read_as_the_reference_lists_it(category):
    """clinical-reference §2.1 "Codes that screening must read" [D]: psychotic features F32.3, F33.3, F31.2, F31.5,
    F31.64 and the disorders F20–F29 (HS_PSYCHOSIS_ACTIVE when current, CA_PSYCHOSIS_PAST when past); a manic or
    mixed episode F30.x, F31.1x, F31.2, F31.6x and a hypomanic one F31.0 (HS_MANIA when current); any F31.x
    (CA_BIPOLAR). Every code of the category, with up to two digits after the dot, is read exactly so: no neighbour
    (F19.x, F30 beside F29, F31.7, F31.81, F32.2, F33.4) is caught and no listed code is missed."""
    codes_ = [code for code in SWEEP if code.split(".")[0] == f"F{category}"]
    current = [Diagnosis(code, True) for code in codes_]
    past = [Diagnosis(code, False) for code in codes_]

    assert diagnoses.psychosis_codes(current, current=True) == _expected(codes_, REFERENCE_PSYCHOSIS)
    assert diagnoses.psychosis_codes(past, current=False) == _expected(codes_, REFERENCE_PSYCHOSIS)
    assert diagnoses.manic_codes(current) == _expected(codes_, REFERENCE_MANIC_OR_MIXED)
    assert diagnoses.hypomanic_codes(current) == _expected(codes_, REFERENCE_HYPOMANIC)
    assert diagnoses.bipolar_codes(past) == _expected(codes_, REFERENCE_BIPOLAR)
    assert (diagnoses.manic_codes(past), diagnoses.hypomanic_codes(past)) == ([], [])

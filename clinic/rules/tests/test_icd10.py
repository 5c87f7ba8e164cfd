import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic.rules import icd10


@pytest.mark.parametrize(("typed", "normalised"), [
    ("F20.9", "F20.9"),
    ("f2090", "F20.90"),
    (" g43709 ", "G43.709"),
    ("f31.81", "F31.81"),
    ("F31", "F31"),
    ("s72001a", "S72.001A"),
    ("f20-f29", "F20-F29"),
    ("", ""),
])
def test_normalise_writes_the_code_as_the_code_set_does(typed, normalised):
    """clinical-reference §2.1: codes are read from the ICD-10-CM tabular list, which writes upper case
    with a dot after the third character."""
    assert icd10.normalise(typed) == normalised


@given(st.text(max_size=12))
def test_normalise_twice_changes_nothing(typed):
    """clinical-reference §2.1: a code stored once normalised is read back unchanged."""
    assert icd10.normalise(icd10.normalise(typed)) == icd10.normalise(typed)


@pytest.mark.parametrize(("code", "description"), [
    ("F20.9", "Schizophrenia, unspecified"),
    ("F31.64", "Bipolar disorder, current episode mixed, severe, with psychotic features"),
    ("F33.1", "Major depressive disorder, recurrent, moderate"),
    ("G43.709", "Chronic migraine without aura, not intractable, without status migrainosus"),
    ("F31.81", "Bipolar II disorder"),
    ("F43.10", "Post-traumatic stress disorder, unspecified"),
])
def test_describes_real_codes_in_the_code_sets_words(code, description):
    """clinical-reference §2.1: codes from its table and from "Codes that screening must read"."""
    assert icd10.describe(code) == description


@pytest.mark.parametrize(("code", "description"), [
    ("F31.1", "Bipolar disorder, current episode manic without psychotic features"),
    ("F31", "Bipolar disorder"),
    ("B20", "Human immunodeficiency virus [HIV] disease"),
])
def test_accepts_a_category_or_subcategory_with_its_description(code, description):
    """clinical-reference §2.1 names categories such as F31.1x: a category is one diagnosis, also
    where it is the only category of its block (B20)."""
    assert icd10.describe(code) == description


@pytest.mark.parametrize("typed", ["f31.64", "F3164", " f3164 "])
def test_describes_a_code_typed_in_lower_case_or_without_its_dot(typed):
    """clinical-reference §2.1: "f3164" is F31.64, bipolar with psychotic features."""
    assert icd10.describe(typed) == "Bipolar disorder, current episode mixed, severe, with psychotic features"


@pytest.mark.parametrize(("typed", "message"), [
    ("F99.99", "F99.99 is not an ICD-10-CM code. Check it in the ICD-10-CM tabular list (for example F33.1)."),
    ("F2090", "F20.90 is not an ICD-10-CM code. Check it in the ICD-10-CM tabular list (for example F33.1)."),
    ("F31.1x", "F31.1X is not an ICD-10-CM code. Check it in the ICD-10-CM tabular list (for example F33.1)."),
    ("<b>hello", "<B>HELLO is not an ICD-10-CM code. Check it in the ICD-10-CM tabular list (for example F33.1)."),
    ("", "No ICD-10-CM code was given. Enter the diagnosis's code, for example F33.1."),
    ("   ", "No ICD-10-CM code was given. Enter the diagnosis's code, for example F33.1."),
])
def test_refuses_a_code_the_code_set_does_not_hold_naming_it(typed, message):
    """clinical-reference §2.1: only codes of the current code set reach screening."""
    with pytest.raises(icd10.UnknownDiagnosisCode) as refused:
        icd10.describe(typed)

    assert (refused.value.code, refused.value.field, refused.value.message) == ("ICD10_UNKNOWN", "icd10_code", message)


@pytest.mark.parametrize(("typed", "message"), [
    ("F20-F29", "F20-F29 is a block of ICD-10-CM (Schizophrenia, schizotypal, delusional, and other non-mood "
                "psychotic disorders (F20-F29)), not one diagnosis. Enter the code of the diagnosis itself, "
                "for example F20.0."),
    ("5", "5 is a chapter of ICD-10-CM (Mental, Behavioral and Neurodevelopmental disorders (F01-F99)), not one "
          "diagnosis. Enter the code of the diagnosis itself, for example F01.50."),
])
def test_refuses_a_chapter_or_block_as_a_group_not_one_diagnosis(typed, message):
    """clinical-reference §2.1 reads F20–F29 as a range of codes: a block is not a diagnosis to record."""
    with pytest.raises(icd10.UnknownDiagnosisCode) as refused:
        icd10.describe(typed)

    assert (refused.value.code, refused.value.field, refused.value.message) == ("ICD10_UNKNOWN", "icd10_code", message)

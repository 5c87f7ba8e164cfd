import pytest

from clinic.rules import eligibility, indications
from clinic.rules.indications import ICD10_PREFIXES, INDICATION_TABLE, INDICATIONS


def test_seven_indications_in_the_reference_order():
    """clinical-reference §2.1 lists seven indications in this order."""
    assert INDICATIONS == ("TRD_UNIPOLAR", "TRD_BIPOLAR", "ANXIETY", "PTSD", "OCD", "FIBROMYALGIA",
                           "MIGRAINE_CHRONIC")
    assert all(label and prefixes for _, label, prefixes in INDICATION_TABLE)


@pytest.mark.parametrize(("indication", "code"), [
    ("TRD_UNIPOLAR", "F33.2"), ("TRD_UNIPOLAR", "F32.9"), ("TRD_BIPOLAR", "F31.81"), ("ANXIETY", "F41.1"),
    ("PTSD", "F43.12"), ("OCD", "F42.2"), ("FIBROMYALGIA", "M79.7"), ("MIGRAINE_CHRONIC", "G43.709"),
])
def test_the_reference_s_example_codes_start_with_an_accepted_prefix(indication, code):
    """clinical-reference §2.1: the table's example codes start with their indication's accepted prefix."""
    assert code.startswith(ICD10_PREFIXES[indication])


def test_screening_refuses_an_indication_outside_the_table():
    """clinical-reference §2.1: an indication outside the seven of the table is refused, naming the seven."""
    from clinic.rules.tests.test_eligibility import make

    with pytest.raises(eligibility.IntakeInvalid) as error:
        eligibility.screen(make(indications=("DEPRESSION",)))

    assert error.value.field == "indications"
    assert "TRD_UNIPOLAR, TRD_BIPOLAR, ANXIETY, PTSD, OCD, FIBROMYALGIA, MIGRAINE_CHRONIC" in error.value.message


def test_the_prefixes_of_the_seven_indications_are_disjoint():
    """No code can belong to two indications, so the indication can be inferred from the code."""
    prefixes = [(indication, prefix) for indication, own in ICD10_PREFIXES.items() for prefix in own]

    overlapping = [(a, b) for a in prefixes for b in prefixes
                   if a != b and a[0] != b[0] and (a[1].startswith(b[1]) or b[1].startswith(a[1]))]
    assert overlapping == []


@pytest.mark.parametrize(("indication", "code", "result"), [
    ("TRD_UNIPOLAR", "F33.2", "TRD_UNIPOLAR"), (None, "F33.2", "TRD_UNIPOLAR"), (None, "F43.10", "PTSD"),
    (None, "G43.709", "MIGRAINE_CHRONIC"), ("ANXIETY", "F41.1", "ANXIETY"),
])
def test_a_code_of_the_indication_is_accepted_and_the_indication_inferred_when_not_given(indication, code, result):
    assert indications.check_code_for_indication(indication=indication, icd10_code=code) == result


def test_a_code_of_another_indication_is_refused_naming_the_other():
    with pytest.raises(indications.IndicationCodeMismatch) as error:
        indications.check_code_for_indication(indication="TRD_UNIPOLAR", icd10_code="F41.1")

    assert (error.value.code, error.value.field) == ("ICD10_CODE_MISMATCH", "icd10_code")
    assert error.value.message == ("F41.1 is not a code for treatment-resistant major depression. Use a code "
                                   "starting F32, F33 (ICD-10-CM). It is a code for anxiety disorder: did you "
                                   "mean that indication?")


def test_a_code_of_no_indication_is_refused_with_the_prefixes():
    with pytest.raises(indications.IndicationCodeMismatch) as error:
        indications.check_code_for_indication(indication="PTSD", icd10_code="F20.9")

    assert error.value.message == ("F20.9 is not a code for post-traumatic stress disorder. Use a code starting "
                                   "F43.10, F43.11, F43.12 (ICD-10-CM).")


def test_a_code_of_no_indication_without_an_indication_asks_to_choose_one():
    with pytest.raises(indications.IndicationNotChosen) as error:
        indications.check_code_for_indication(indication=None, icd10_code="F20.9")

    assert (error.value.code, error.value.field) == ("INDICATION_REQUIRED", "code")
    assert error.value.message.startswith("F20.9 is not a code of the seven indications this clinic treats.")


def test_the_picker_offers_billable_codes_of_the_seven_indications_with_descriptions():
    options = indications.picker_options()
    codes = {code: (description, indication) for code, description, indication in options}

    assert codes["F33.2"] == ("Major depressive disorder, recurrent severe without psychotic features",
                              "TRD_UNIPOLAR")
    assert codes["F43.10"][1] == "PTSD"
    assert "F33" not in codes and "G43.7" not in codes  # categories are not billable
    assert {indication for _, _, indication in options} == set(INDICATIONS)
    assert all(indications.indication_of_code(code) == indication for code, _, indication in options)


def test_every_indication_has_search_words_and_a_label():
    assert set(indications.SEARCH_WORDS) == set(INDICATIONS) == set(indications.LABELS)

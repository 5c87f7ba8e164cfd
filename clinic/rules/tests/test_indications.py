import pytest

from clinic.rules import eligibility
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

"""The indications a clinic treats and the ICD-10-CM codes each accepts (clinical-reference §2.1).

A recorded indication's code must start with one of its prefixes. The reference asks for the codes
to be checked against the current code set.
"""

from collections.abc import Mapping
from types import MappingProxyType

from clinic.rules import icd10
from clinic.rules.errors import DomainError

SOURCE = "clinical-reference §2.1 (ICD-10-CM tabular list; verify against the current code set)"

# code, label, accepted ICD-10-CM code prefixes
INDICATION_TABLE: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("TRD_UNIPOLAR", "Treatment-resistant major depression", ("F32", "F33")),
    ("TRD_BIPOLAR", "Bipolar depression", ("F31.3", "F31.4", "F31.81", "F31.5")),
    ("ANXIETY", "Anxiety disorder", ("F41.1", "F41.0", "F40.1")),
    ("PTSD", "Post-traumatic stress disorder", ("F43.10", "F43.11", "F43.12")),
    ("OCD", "Obsessive-compulsive disorder", ("F42.2", "F42.8", "F42.9")),
    ("FIBROMYALGIA", "Fibromyalgia", ("M79.7",)),
    ("MIGRAINE_CHRONIC", "Chronic migraine", ("G43.7",)),
)
INDICATIONS = tuple(code for code, _, _ in INDICATION_TABLE)
ICD10_PREFIXES = {code: prefixes for code, _, prefixes in INDICATION_TABLE}

# §2.1 "Primary scale" [D]: the instrument each indication is screened and followed with. The
# shipped default of CriteriaSettings.primary_scales; a clinic may choose another intake screen.
PRIMARY_SCALES: Mapping[str, str] = MappingProxyType({
    "TRD_UNIPOLAR": "phq9",
    "TRD_BIPOLAR": "phq9",
    "ANXIETY": "gad7",
    "PTSD": "pcl5",
    "OCD": "ybocs",
    "FIBROMYALGIA": "fiqr",
    "MIGRAINE_CHRONIC": "midas",
})

# Words people search an indication by that its codes' descriptions do not hold.
SEARCH_WORDS: Mapping[str, str] = MappingProxyType({
    "TRD_UNIPOLAR": "depression MDD TRD",
    "TRD_BIPOLAR": "bipolar depression",
    "ANXIETY": "anxiety GAD panic social",
    "PTSD": "PTSD trauma",
    "OCD": "OCD",
    "FIBROMYALGIA": "fibromyalgia pain",
    "MIGRAINE_CHRONIC": "chronic migraine headache",
})
LABELS: Mapping[str, str] = MappingProxyType({code: label for code, label, _ in INDICATION_TABLE})


class IndicationCodeMismatch(DomainError):
    code = "ICD10_CODE_MISMATCH"
    field = "icd10_code"


class IndicationNotChosen(DomainError):
    code = "INDICATION_REQUIRED"
    field = "code"


def indication_of_code(icd10_code: str) -> str | None:
    """The indication whose prefixes hold the code, or None; the prefixes are disjoint, so at most one
    does."""
    return next((code for code, prefixes in ICD10_PREFIXES.items() if icd10_code.startswith(prefixes)), None)


def check_code_for_indication(*, indication: str | None, icd10_code: str) -> str:
    """The indication the code belongs to: the one given, or the code's own when none is given. Refuses a
    code of another indication, or of none of the seven."""
    own = indication_of_code(icd10_code)
    if indication is None:
        if own is None:
            raise IndicationNotChosen(
                f"{icd10_code} is not a code of the seven indications this clinic treats. Choose the indication, "
                f"then one of its codes (for example F33.2 for recurrent major depression).")
        return own
    if own != indication:
        prefixes = ICD10_PREFIXES[indication]
        also = f" It is a code for {LABELS[own].lower()}: did you mean that indication?" if own else ""
        raise IndicationCodeMismatch(
            f"{icd10_code} is not a code for {LABELS[indication].lower()}. Use a code starting "
            f"{', '.join(prefixes)} (ICD-10-CM).{also}")
    return indication


def picker_options() -> list[tuple[str, str, str]]:
    """Every billable ICD-10-CM code of the seven indications: (code, description, indication), in the
    table's order. Reads the code set (slow on first use)."""
    return [(code, description, indication)
            for indication, prefixes in ICD10_PREFIXES.items()
            for prefix in prefixes
            for code, description in icd10.billable_codes(prefix)]

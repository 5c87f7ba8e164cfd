"""The diagnoses screening reads, and what each code means for eligibility.

Source: clinical-reference §2.1, "Codes that screening must read" [D] (ICD-10-CM tabular list;
verify against the current code set):
- psychotic features in the current episode: F32.3, F33.3 (major depression, severe, with psychotic
  features), F31.2, F31.5, F31.64 (bipolar with psychotic features) → HS_PSYCHOSIS_ACTIVE;
- a psychotic disorder, the categories F20 to F29 → HS_PSYCHOSIS_ACTIVE when current, else
  CA_PSYCHOSIS_PAST;
- a current manic or mixed episode F30.x, F31.1x, F31.2, F31.6x, or hypomanic episode F31.0 → HS_MANIA;
- any bipolar diagnosis F31.x → CA_BIPOLAR and YMRS before every infusion.

The reference names psychotic features "in the current episode"; a code recorded as past therefore
counts as past psychosis (CA_PSYCHOSIS_PAST), and a past manic or hypomanic episode makes no finding
of its own (its F31 code still brings CA_BIPOLAR).

Codes are compared written without the dot and in capitals, so "f31.64", "F3164" and "F31.64" are
one code. A pattern matches a code that starts with it: "F31.6" covers the category F31.6 and its
codes F31.60–F31.64, never F31.81; "F20" … "F29" are whole categories, so neither "F2" nor F30 is a
psychotic disorder. Whether a code exists in the code set is checked where it is recorded.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

SOURCE = "clinical-reference §2.1, codes that screening must read [D] (ICD-10-CM tabular list)"

PSYCHOTIC_FEATURES = ("F32.3", "F33.3", "F31.2", "F31.5", "F31.64")
PSYCHOTIC_DISORDERS = tuple(f"F{category}" for category in range(20, 30))
MANIC_OR_MIXED = ("F30", "F31.1", "F31.2", "F31.6")
HYPOMANIC = ("F31.0",)
BIPOLAR = ("F31",)

# An ICD-10-CM code: a letter, a digit, a letter or digit, then up to four more after an optional dot.
CODE_FORM = re.compile(r"[A-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?")


@dataclass(frozen=True)
class Diagnosis:
    """One ICD-10-CM diagnosis of the patient: `code` in any case, with or without the dot;
    `current` True for a current diagnosis or episode, False for a past one."""

    code: str
    current: bool


def compact(code: str) -> str:
    """A code as compared: capitals, no dot, no surrounding spaces ("f31.64 " → "F3164")."""
    return code.strip().upper().replace(".", "")


def is_code_form(code: str) -> bool:
    return CODE_FORM.fullmatch(code.strip().upper()) is not None


def _matching(diagnoses: Iterable[Diagnosis], patterns: tuple[str, ...], *, current: bool | None) -> list[str]:
    """The codes, as written, that start with one of the patterns; `current` None takes current and past."""
    prefixes = tuple(compact(pattern) for pattern in patterns)
    return [diagnosis.code for diagnosis in diagnoses
            if (current is None or diagnosis.current is current) and compact(diagnosis.code).startswith(prefixes)]


def psychosis_codes(diagnoses: Iterable[Diagnosis], *, current: bool) -> list[str]:
    """Psychotic features in an episode, or a psychotic disorder F20–F29; current (HS_PSYCHOSIS_ACTIVE) or past
    (CA_PSYCHOSIS_PAST)."""
    return _matching(diagnoses, PSYCHOTIC_FEATURES + PSYCHOTIC_DISORDERS, current=current)


def manic_codes(diagnoses: Iterable[Diagnosis]) -> list[str]:
    """A current manic or mixed episode (HS_MANIA [L])."""
    return _matching(diagnoses, MANIC_OR_MIXED, current=True)


def hypomanic_codes(diagnoses: Iterable[Diagnosis]) -> list[str]:
    """A current hypomanic episode (HS_MANIA when the clinic includes hypomania [D])."""
    return _matching(diagnoses, HYPOMANIC, current=True)


def bipolar_codes(diagnoses: Iterable[Diagnosis]) -> list[str]:
    """Any bipolar diagnosis, current or past (CA_BIPOLAR, YMRS required)."""
    return _matching(diagnoses, BIPOLAR, current=None)

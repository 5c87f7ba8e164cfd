"""ICD-10-CM codes: the one place that reads the code set (clinical-reference §2.1, "Codes that
screening must read": a diagnosis recorded beside the indication reaches screening by its code).

The code set is the April 2026 release of ICD-10-CM (the CDC's tabular list of April 1, 2026,
`icd10c-tabular-April-1-2026.xml`, version 2026), as bundled by the `simple-icd-10-cm` package
1.5.0. A code is accepted when it is a category, subcategory or full code of that release; a
chapter or a block (a range such as F20-F29) names a group of diagnoses, not one, and is refused.

The package loads the whole code set when imported (about 1.5 s), so it is imported on first use,
never when this module is.
"""

import warnings
from types import ModuleType

from clinic.rules.errors import DomainError

# The package reads its data through a deprecated importlib call; that warning says nothing about
# the clinic, so it stays out of the logs. Set once here, not around the import, which may run on
# any of a worker's threads.
warnings.filterwarnings("ignore", message=r"(open_text|read_text) is deprecated\. Use files\(\) instead",
                        category=DeprecationWarning)

SOURCE = "ICD-10-CM tabular list, April 1, 2026 release (CDC/NCHS), via simple-icd-10-cm 1.5.0"
CODE_SET = "ICD-10-CM, April 2026 release"
EXAMPLE_CODE = "F33.1"


class UnknownDiagnosisCode(DomainError):
    code = "ICD10_UNKNOWN"
    field = "icd10_code"


def _code_set() -> ModuleType:
    # Slow to load: only the calls that need it pay for it.
    import simple_icd_10_cm

    return simple_icd_10_cm


def normalise(code: str) -> str:
    """The code as the code set writes it: no surrounding spaces, upper case, and the dot after
    the third character where a code of more than three letters and digits has none
    ("f2090" → "F20.90")."""
    code = code.strip().upper()
    if len(code) > 3 and code.isalnum():
        return f"{code[:3]}.{code[3:]}"
    return code


def describe(code: str) -> str:
    """The code set's description of one diagnosis code; refuses a code the code set does not hold,
    a chapter and a block."""
    code = normalise(code)
    code_set = _code_set()
    if not code:
        raise UnknownDiagnosisCode(f"No ICD-10-CM code was given. Enter the diagnosis's code, for example "
                                   f"{EXAMPLE_CODE}.")
    if not code_set.is_valid_item(code):
        raise UnknownDiagnosisCode(f"{code} is not an ICD-10-CM code. Check it in the ICD-10-CM tabular list "
                                   f"(for example {EXAMPLE_CODE}).")
    # A category that is also a one-category block (B20, for one) is a diagnosis: accept it.
    if code_set.is_chapter(code) or (code_set.is_block(code) and not code_set.is_category(code)):
        group = "chapter" if code_set.is_chapter(code) else "block"
        raise UnknownDiagnosisCode(
            f"{code} is a {group} of ICD-10-CM ({code_set.get_description(code)}), not one diagnosis. "
            f"Enter the code of the diagnosis itself, for example {_first_code_in(code, code_set)}.")
    return code_set.get_description(code)


def _first_code_in(group: str, code_set: ModuleType) -> str:
    """The first full code under a chapter or block, to show what a diagnosis code looks like."""
    code = group
    while children := code_set.get_children(code):
        code = children[0]
    return code


def billable_codes(prefix: str) -> list[tuple[str, str]]:
    """The billable codes (the code set's leaves) at and under a code, with their descriptions, in the
    code set's order: what a picker offers for one indication's prefix."""
    code_set = _code_set()
    prefix = normalise(prefix)
    codes = [prefix, *code_set.get_descendants(prefix)]
    return [(code, code_set.get_description(code)) for code in codes if code_set.is_leaf(code)]

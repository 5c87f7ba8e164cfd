"""The indications a clinic treats and the ICD-10-CM codes each accepts (clinical-reference §2.1).

A recorded indication's code must start with one of its prefixes. The reference asks for the codes
to be checked against the current code set.
"""

from collections.abc import Mapping
from types import MappingProxyType

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

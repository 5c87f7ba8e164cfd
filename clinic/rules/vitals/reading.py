"""One set of infusion-day vitals, and the values no patient can have.

Source: clinical-reference §5.2 (what each reading records), §5.3 (stop symptoms) and §5.4
(adverse-effect codes).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from clinic.rules.errors import DomainError

# §5.3 SYMPTOM_STOP: chest pain, severe headache, new neurological or visual change, breathlessness, confusion.
STOP_SYMPTOMS = ("CHEST_PAIN", "SEVERE_HEADACHE", "NEURO_CHANGE", "VISUAL_CHANGE", "BREATHLESSNESS", "CONFUSION")
# §5.4 adverse-effect codes: charted, but not a stop by themselves.
OTHER_SYMPTOMS = ("DREAMY_DROWSY", "DIZZY", "SLEEP", "VISION", "MUSCLE", "NAUSEA_VOMIT", "APPETITE", "BP_HIGH",
                  "BP_LOW", "HR_HIGH", "HR_LOW", "ARRHYTHMIA", "RESP_DEPRESSION", "EMERGENCE", "SITE", "RASH",
                  "ANAPHYLAXIS", "URINARY", "PERCEPTUAL", "DISSOCIATION")


class ImpossibleReading(DomainError):
    code = "IMPOSSIBLE_READING"


class UnknownSymptom(DomainError):
    code = "UNKNOWN_SYMPTOM"


@dataclass(frozen=True)
class Reading:
    """One set of vitals. SpO₂ or RR left as None raises VITALS_INCOMPLETE (§5.3). `sedation_concern`
    is the nurse's finding on the clinic's sedation scale (the scale is a setting, §5.2);
    `marked_dissociation` is the CADSS marked-dissociation flag."""

    taken_at: datetime
    systolic_mmhg: int
    diastolic_mmhg: int
    heart_rate_bpm: int
    spo2_percent: int | None = None
    respiratory_rate_per_min: int | None = None
    symptoms: frozenset[str] = frozenset()
    sedation_concern: bool = False
    marked_dissociation: bool = False


def check_reading(reading: Reading) -> None:
    """Refuse values no patient can have; nothing is clamped."""
    numbers = {"systolic_mmhg": reading.systolic_mmhg, "diastolic_mmhg": reading.diastolic_mmhg,
               "heart_rate_bpm": reading.heart_rate_bpm, "spo2_percent": reading.spo2_percent,
               "respiratory_rate_per_min": reading.respiratory_rate_per_min}
    for name, value in numbers.items():
        if value is None and name in ("spo2_percent", "respiratory_rate_per_min"):
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ImpossibleReading(f"{name} must be a whole number, 0 or more; {value!r} was entered. Re-enter it.",
                                    field=name)
    if reading.diastolic_mmhg >= reading.systolic_mmhg:
        raise ImpossibleReading(f"A diastolic pressure of {reading.diastolic_mmhg} mmHg is not below the systolic "
                                f"{reading.systolic_mmhg} mmHg. Re-measure and re-enter the blood pressure.",
                                field="diastolic_mmhg")
    if reading.spo2_percent is not None and reading.spo2_percent > 100:
        raise ImpossibleReading(f"SpO₂ cannot be {reading.spo2_percent} %; it is at most 100 %. Re-enter it.",
                                field="spo2_percent")
    unknown = set(reading.symptoms) - set(STOP_SYMPTOMS) - set(OTHER_SYMPTOMS)
    if unknown:
        raise UnknownSymptom(f"Unknown symptom code(s): {', '.join(sorted(unknown))}. Choose from the clinic's list.",
                             field="symptoms")


def checked_in_time_order(readings: Iterable[Reading]) -> list[Reading]:
    """The readings oldest first, each checked; a charted time, not list order, sets the sequence."""
    ordered = sorted(readings, key=lambda reading: reading.taken_at)
    for reading in ordered:
        check_reading(reading)
    return ordered

from clinic.patients.models.intake import (
    Allergy,
    BodyMeasurement,
    Indication,
    IndicationCode,
    Medication,
    OtherDiagnosis,
    SafetyHistory,
    TreatmentTrial,
)
from clinic.patients.models.records import Document, RecordRevision, Result
from clinic.patients.models.registry import (
    FamilyNameVariant,
    MrnSequence,
    Patient,
    PatientQuerySet,
    PatientRecordQuerySet,
    ReferringClinician,
)

__all__ = [
    "Allergy", "BodyMeasurement", "Document", "FamilyNameVariant", "Indication", "IndicationCode", "Medication",
    "MrnSequence", "OtherDiagnosis", "Patient", "PatientQuerySet", "PatientRecordQuerySet",
    "RecordRevision", "ReferringClinician", "Result",
    "SafetyHistory", "TreatmentTrial",
]

"""Intakes for screening tests, written as rows: a complete one with no finding but the TRD information,
and the changes that add a caution or a hard stop to it."""

import datetime as dt
from typing import Any

from clinic.patients.models import BodyMeasurement, Indication, Patient, SafetyHistory
from clinic.questionnaires.models import QuestionnaireResponse, ResponseStatus
from clinic.rules import scales

# Every answer No (index 0); C-SSRS items 3–5 are not asked after a No to item 2.
CLEAR_ANSWERS = {"audit_c": [0, 0, 0], "dast10": [0, 0, 1, 0, 0, 0, 0, 0, 0, 0],
                 "cssrs_screener": [0, 0, None, None, None, 0], "phq9": [1, 1, 1, 1, 1, 1, 1, 1, 0]}


def stored_response(patient: Patient, instrument: str, answers: list[Any], *, at: dt.datetime) -> QuestionnaireResponse:
    scale = scales.instrument(instrument)
    context = {"sex": patient.sex} if instrument == "audit_c" else {}
    score = scale.score(list(answers), context)
    return QuestionnaireResponse.objects.create(
        patient=patient, instrument=instrument, scale_version=scale.version, answers=list(answers), context=context,
        status=ResponseStatus.SUBMITTED, mode="paper", entered_by="staff", started_at=at, updated_at=at,
        submitted_at=at, total=score.total, severity=score.severity or "", risk=score.risk or "",
        flags=list(score.flags))


def complete_intake(patient: Patient, *, nurse: Any, now: dt.datetime, **answers: bool) -> Patient:
    """A male patient's intake with every safety question answered No (except those given), a unipolar
    TRD indication, a normal blood pressure and every intake screen clear."""
    fields = {name: False for name in SafetyHistory().answers()} | answers
    SafetyHistory.objects.create(patient=patient, updated_by=nurse, updated_at=now, **fields)
    Indication.objects.create(patient=patient, code="TRD_UNIPOLAR", icd10_code="F33.2",
                              noted_on=now.date() - dt.timedelta(days=30))
    BodyMeasurement.objects.create(patient=patient, measured_on=now.date(), systolic_mmhg=124, diastolic_mmhg=78,
                                   recorded_by=nurse, recorded_at=now)
    for instrument, given in CLEAR_ANSWERS.items():
        stored_response(patient, instrument, given, at=now - dt.timedelta(hours=1))
    return patient


def screened_patient(site: Any, *, nurse: Any, now: dt.datetime, given_name: str, **answers: bool) -> Patient:
    """A male patient with a complete intake (complete_intake), screened once by the nurse (run 1)."""
    from clinic.patients.tests.factories import PatientFactory
    from clinic.screening import actions
    from clinic.screening.models import Trigger

    patient = complete_intake(PatientFactory(site=site, sex="male", given_name=given_name, family_name="Hale"),
                              nurse=nurse, now=now, **answers)
    actions.screen_patient(patient=patient, actor=nurse, now=now, trigger=Trigger.MANUAL)
    return patient

"""Arranging courses: a patient whose intake screens clear with a signed eligible decision, and a course
opened through the action."""

import datetime as dt
from typing import Any

from clinic.courses import actions
from clinic.courses.models import TreatmentCourse
from clinic.patients.models import Patient
from clinic.patients.tests.factories import PatientFactory
from clinic.screening import actions as screening
from clinic.screening.tests.intakes import complete_intake


def eligible_patient(*, site: Any, nurse: Any, prescriber: Any, now: dt.datetime, outcome: str = "eligible",
                     **fields: Any) -> Patient:
    """A male patient with a clear unipolar TRD intake, screened and signed `outcome` by the prescriber."""
    patient = complete_intake(PatientFactory(site=site, sex="male", **fields), nurse=nurse, now=now)
    run = screening.screen_patient(patient=patient, actor=prescriber, now=now, trigger="manual")
    screening.sign_decision(actor=prescriber, now=now, patient=patient, screening_run=run, outcome=outcome,
                            summary="Screened clear; treatment-resistant depression after two failed trials.",
                            caution_decisions={}, conditions="")
    return patient


def open_course(*, patient: Patient, prescriber: Any, now: dt.datetime) -> TreatmentCourse:
    return actions.open_course(patient=patient, actor=prescriber, now=now, indication="TRD_UNIPOLAR")

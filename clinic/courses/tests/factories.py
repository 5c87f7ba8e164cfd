"""Arranging courses: a patient whose intake screens clear with a signed eligible decision, a course
opened through the action, and a course written as rows for the route walks."""

import datetime as dt
from typing import Any

from clinic.courses import actions
from clinic.courses.models import TreatmentCourse
from clinic.patients.models import Patient
from clinic.patients.tests.factories import PatientFactory
from clinic.protocols.queries import current_protocol
from clinic.rules import course_phases
from clinic.rules import protocols as catalogue
from clinic.screening import actions as screening
from clinic.screening.models import EligibilityDecision, ScreeningRun
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


def arranged_course(*, patient: Patient, prescriber: Any, now: dt.datetime, **fields: Any) -> TreatmentCourse:
    """A course in induction written as rows, for walks whose patient's intake is left incomplete: an
    empty screening run, an eligible decision on it, and the course on the protocol in force."""
    protocol = current_protocol(site=patient.site, now=now)
    run = ScreeningRun.objects.create(
        patient=patient, site=patient.site, number=1, run_at=now, run_by=prescriber, trigger="manual",
        protocol=protocol, rules_version=catalogue.RULES_VERSION, screened_for=now.date(), inputs={}, findings=[])
    decision = EligibilityDecision.objects.create(
        patient=patient, screening_run=run, outcome="eligible", summary="Eligible.", signed_by=prescriber,
        signed_at=now, protocol=protocol, rules_version=catalogue.RULES_VERSION)
    return TreatmentCourse.objects.create(
        patient=patient, site=patient.site, indication="TRD_UNIPOLAR", primary_scale="phq9", protocol=protocol,
        rules_version=catalogue.RULES_VERSION, decision=decision, opened_by=prescriber, opened_at=now,
        induction_plan=course_phases.induction_plan(protocol.rules("induction")), **fields)

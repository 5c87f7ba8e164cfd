"""Every write that changes what screening reads makes exactly one new run in its transaction, and the
earlier run stays as it was."""

import datetime as dt

import pytest

from clinic.audit.models import AuditEvent
from clinic.patients import actions as patient_actions
from clinic.patients.models import Indication, Medication
from clinic.patients.tests.factories import PatientFactory
from clinic.questionnaires import actions as questionnaire_actions
from clinic.screening import actions
from clinic.screening.models import ScreeningRun, Trigger
from clinic.screening.tests.intakes import complete_intake

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient(main_site, nurse, now):
    return complete_intake(PatientFactory(site=main_site, sex="male"), nurse=nurse, now=now)


@pytest.fixture
def first_run(patient, nurse, now):
    return actions.screen_patient(patient=patient, actor=nurse, now=now, trigger=Trigger.MANUAL)


def snapshot(run: ScreeningRun) -> tuple:
    run = ScreeningRun.objects.get(pk=run.pk)
    return run.number, run.inputs, run.findings, run.protocol_id, run.rules_version, run.run_at


CHANGES = {
    "indication added": lambda p, u, t: patient_actions.add_intake_item(
        actor=u, now=t, patient=p, kind="indication", code="ANXIETY", icd10_code="F41.1",
        noted_on=dt.date(2026, 11, 1)),
    "indication changed": lambda p, u, t: patient_actions.change_intake_item(
        actor=u, now=t, item=Indication.objects.get(patient=p), noted_on=dt.date(2026, 10, 1)),
    "medicine added": lambda p, u, t: patient_actions.add_intake_item(
        actor=u, now=t, patient=p, kind="medication", name="Sertraline", drug_class="ssri"),
    "medicine removed": lambda p, u, t: patient_actions.remove_intake_item(
        actor=u, now=t, item=Medication.objects.create(patient=p, name="Sertraline", drug_class="ssri")),
    "other diagnosis added": lambda p, u, t: patient_actions.add_intake_item(
        actor=u, now=t, patient=p, kind="other_diagnosis", icd10_code="F31.81", status="past",
        noted_on=dt.date(2026, 10, 1)),
    "blood pressure measured": lambda p, u, t: patient_actions.add_intake_item(
        actor=u, now=t, patient=p, kind="measurement", measured_on=dt.date(2026, 11, 24), systolic_mmhg=150,
        diastolic_mmhg=95),
    "result added": lambda p, u, t: patient_actions.add_intake_item(
        actor=u, now=t, patient=p, kind="result", values={"kind": "pregnancy_test", "outcome": "negative",
                                                          "taken_on": dt.date(2026, 11, 23)}),
    "safety history saved": lambda p, u, t: patient_actions.save_safety_history(
        actor=u, now=t, patient=p, answers={"substance_use_disorder_past": True}),
    "birth date corrected": lambda p, u, t: patient_actions.update_patient(
        actor=u, now=t, patient=p, birth_date=dt.date(1981, 4, 9)),
    "intake screen answered": lambda p, u, t: questionnaire_actions.submit_response(
        patient=p, instrument="audit_c", answers=[4, 2, 2], actor=u, now=t, mode="paper"),
    "suicide risk assessed": lambda p, u, t: questionnaire_actions.record_risk_assessment(
        patient=p, actor=u, now=t, assessed_at=t, risk_level="low", protective_factors="Family",
        safety_plan="Crisis line", outcome="proceed"),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_each_intake_change_makes_exactly_one_new_run_and_leaves_the_old_one_unchanged(
        change, patient, first_run, prescriber, now):
    before = snapshot(first_run)
    later = now + dt.timedelta(minutes=5)

    CHANGES[change](patient, prescriber, later)

    runs = list(ScreeningRun.objects.filter(patient=patient).order_by("number"))
    assert [(run.number, run.trigger, run.run_by_id) for run in runs] == [
        (1, Trigger.MANUAL, first_run.run_by_id), (2, Trigger.INTAKE_CHANGED, None)]
    assert runs[1].run_at == later
    assert snapshot(first_run) == before
    # The change's own audit event stands for the run made with it.
    assert not AuditEvent.objects.filter(action="screening.run", object_id=str(runs[1].pk)).exists()


def test_the_new_run_reads_the_change(patient, first_run, prescriber, now):
    patient_actions.save_safety_history(actor=prescriber, now=now, patient=patient,
                                        answers={"substance_use_disorder_past": True})

    run = ScreeningRun.objects.get(patient=patient, number=2)

    assert [finding["code"] for finding in run.cautions] == ["CA_SUD_HISTORY"]
    assert run.inputs["safety"]["substance_use_disorder_past"] is True
    assert [finding["code"] for finding in ScreeningRun.objects.get(pk=first_run.pk).findings] == ["IN_TRD"]


def test_an_allergy_screens_nothing_again(patient, first_run, nurse, now):
    patient_actions.add_intake_item(actor=nurse, now=now, patient=patient, kind="allergy", substance="Latex")

    assert ScreeningRun.objects.filter(patient=patient).count() == 1


def test_a_questionnaire_that_is_not_an_intake_screen_screens_nothing_again(patient, first_run, nurse, now):
    questionnaire_actions.submit_response(patient=patient, instrument="pain_nrs", answers=[3], actor=nurse, now=now,
                                          mode="paper")

    assert ScreeningRun.objects.filter(patient=patient).count() == 1

"""Screening runs and signing eligibility decisions: what is stored, and every refusal."""

import datetime as dt
import io

import pypdf
import pytest
from django.db import DatabaseError, transaction

from clinic.audit.models import AuditEvent
from clinic.letters.models import Letter
from clinic.patients import actions as patient_actions
from clinic.patients.models import OtherDiagnosis, Patient, ReferringClinician
from clinic.patients.tests.factories import PatientFactory
from clinic.protocols.actions import change_section
from clinic.rules.protocols import RULES_VERSION
from clinic.screening import actions, queries
from clinic.screening.models import CautionDecision, DecisionAddendum, EligibilityDecision, ScreeningRun, Trigger

pytestmark = pytest.mark.django_db

SUD_DECISION = {"CA_SUD_HISTORY": "In remission 6 years; AUDIT-C and DAST-10 clear. Proceed, ask at each visit."}


def latest(patient) -> ScreeningRun:
    return queries.latest_run(patient=patient)


# Runs

def test_a_run_keeps_its_inputs_findings_and_versions(caution_patient, nurse, now):
    run = latest(caution_patient)

    assert (run.number, run.trigger, run.run_by, run.run_at, run.screened_for) == (
        1, Trigger.MANUAL, nurse, now, dt.date(2026, 11, 24))
    assert (run.protocol.version, run.rules_version) == (1, RULES_VERSION)
    assert [(finding["code"], finding["kind"]) for finding in run.findings] == [
        ("CA_SUD_HISTORY", "caution"), ("IN_TRD", "information")]
    sud = run.cautions[0]
    assert sud["title"] == "Substance use history or positive substance screen"
    assert sud["source"] and sud["message"]
    assert run.inputs["birth_date"] == "1980-04-09" and run.inputs["indications"] == ["TRD_UNIPOLAR"]
    assert run.inputs["blood_pressures"][0]["systolic_mmhg"] == 124
    event = AuditEvent.objects.get(action="screening.run")
    assert (event.actor, event.data["codes"], event.data["protocol_version"]) == (
        nurse, ["CA_SUD_HISTORY", "IN_TRD"], 1)


def test_an_intake_the_rules_refuse_is_stored_as_one_hard_stop_naming_the_error(main_site, nurse, now):
    patient = PatientFactory(site=main_site)
    OtherDiagnosis.objects.create(patient=patient, icd10_code="33", description="typed wrong", status="current",
                                  noted_on=dt.date(2026, 10, 1), recorded_by=nurse, recorded_at=now)

    run = actions.screen_patient(patient=patient, actor=nurse, now=now, trigger=Trigger.MANUAL)

    [finding] = run.findings
    assert (finding["code"], finding["kind"], finding["data"]["field"]) == (
        "INTAKE_INVALID", "hard_stop", "diagnoses[0].code")
    assert finding["title"].startswith("Intake has an error: '33' is not an ICD-10-CM code")


def test_an_empty_intake_is_a_hard_stop_saying_what_is_missing(main_site, nurse, now):
    patient = PatientFactory(site=main_site, sex="male")

    run = actions.screen_patient(patient=patient, actor=nurse, now=now, trigger=Trigger.API)

    assert run.hard_stops[0]["code"] == "HS_INTAKE_INCOMPLETE"
    assert run.hard_stops[0]["title"].startswith("Intake incomplete: still to record 29 safety questions")


def test_runs_are_numbered_per_patient(clear_patient, caution_patient, nurse, now):
    actions.screen_patient(patient=clear_patient, actor=nurse, now=now, trigger=Trigger.MANUAL)

    assert list(ScreeningRun.objects.filter(patient=clear_patient).values_list("number", flat=True)) == [2, 1]
    assert latest(caution_patient).number == 1


def test_a_run_is_never_changed_or_removed(clear_patient):
    run = latest(clear_patient)

    with pytest.raises(ValueError, match="never changed"):
        run.save()
    with pytest.raises(ValueError, match="never removed"):
        run.delete()
    with pytest.raises(DatabaseError, match="written once"), transaction.atomic():
        ScreeningRun.objects.filter(pk=run.pk).update(findings=[])
    with pytest.raises(DatabaseError, match="written once"), transaction.atomic():
        ScreeningRun.objects.filter(pk=run.pk).delete()


# Signing

def sign(patient, actor, now, outcome="eligible", **fields):
    fields.setdefault("summary", "Reviewed the screening with the patient.")
    fields.setdefault("caution_decisions", {})
    return actions.sign_decision(actor=actor, now=now, patient=patient, screening_run=latest(patient),
                                 outcome=outcome, **fields)


def test_a_signed_decision_keeps_the_run_its_versions_and_each_caution_decision(caution_patient, prescriber, now):
    decision = sign(caution_patient, prescriber, now, caution_decisions=SUD_DECISION)

    assert (decision.outcome, decision.signed_by, decision.signed_at) == ("eligible", prescriber, now)
    assert (decision.screening_run, decision.protocol.version, decision.rules_version) == (
        latest(caution_patient), 1, RULES_VERSION)
    [row] = decision.caution_decisions.all()
    assert (row.code, row.title, row.written_decision) == (
        "CA_SUD_HISTORY", "Substance use history or positive substance screen", SUD_DECISION["CA_SUD_HISTORY"])
    assert row.message == latest(caution_patient).cautions[0]["message"]
    event = AuditEvent.objects.get(action="screening.decision_signed")
    assert (event.actor, event.data["outcome"], event.data["cautions"]) == (prescriber, "eligible", ["CA_SUD_HISTORY"])


def test_signing_writes_the_eligibility_outcome_letter(caution_patient, prescriber, now):
    decision = sign(caution_patient, prescriber, now, caution_decisions=SUD_DECISION)

    letter = Letter.objects.get(patient=caution_patient)
    assert letter.reason == "eligibility_outcome"
    assert (letter.source_label, letter.source_id) == ("screening.EligibilityDecision", str(decision.pk))


def letter_text(letter) -> str:
    with letter.document.file.open("rb") as stored:
        reader = pypdf.PdfReader(io.BytesIO(stored.read()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_patient_s_letter_carries_the_conditions_but_never_a_caution_or_its_written_decision(
        caution_patient, prescriber, now, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    referrer = ReferringClinician.objects.create(organisation=caution_patient.organisation, name="Dr Ada Reyes")
    Patient.objects.filter(pk=caution_patient.pk).update(referring_clinician=referrer)

    with django_capture_on_commit_callbacks(execute=True):
        sign(caution_patient, prescriber, now, outcome="eligible_with_conditions",
             conditions="Bring someone to take you home after each visit.", caution_decisions=SUD_DECISION)

    to_patient = letter_text(Letter.objects.get(recipient="patient"))
    to_referrer = letter_text(Letter.objects.get(recipient="referrer"))
    title = "Substance use history or positive substance screen"
    assert "Conditions of your treatment • Bring someone to take you home after each visit." in to_patient
    assert title not in to_patient and SUD_DECISION["CA_SUD_HISTORY"] not in to_patient
    assert "In remission" not in to_patient and "Cautions" not in to_patient
    assert "Conditions of treatment • Bring someone to take you home after each visit." in to_referrer
    assert f"Cautions and the decision on each • {title}: {SUD_DECISION['CA_SUD_HISTORY']}" in to_referrer


def test_the_director_signs_too(clear_patient, director, now):
    assert sign(clear_patient, director, now).signed_by == director


@pytest.mark.parametrize("role", ["nurse", "front_desk"])
def test_only_prescribers_and_the_director_sign(clear_patient, request, now, role):
    with pytest.raises(actions.PrescriberOnly, match="Only a prescriber or the medical director"):
        sign(clear_patient, request.getfixturevalue(role), now)

    assert not EligibilityDecision.objects.exists()


def test_eligible_is_refused_over_a_hard_stop_saying_what_to_do(hard_stop_patient, prescriber, now):
    for outcome in ("eligible", "eligible_with_conditions"):
        with pytest.raises(actions.HardStopUnresolved) as refused:
            sign(hard_stop_patient, prescriber, now, outcome=outcome, conditions="Weekly review")

        assert refused.value.code == "HARD_STOP_UNRESOLVED"
        assert "Resolve it in the intake and screen again, or sign \"not eligible\"" in refused.value.message
    assert not EligibilityDecision.objects.exists()


def test_not_eligible_can_be_signed_over_a_hard_stop(hard_stop_patient, prescriber, now):
    decision = sign(hard_stop_patient, prescriber, now, outcome="not_eligible",
                    summary="Current psychosis: refer back to the psychiatrist.")

    assert decision.outcome == "not_eligible"
    state = queries.eligibility_state(patient=hard_stop_patient, on=now.date(), now=now)
    assert (state.eligible, state.code, state.decision) == (False, "NOT_ELIGIBLE", decision)


def test_every_caution_needs_a_written_decision_naming_the_finding(caution_patient, prescriber, now):
    with pytest.raises(actions.DecisionIncomplete) as refused:
        sign(caution_patient, prescriber, now, caution_decisions={"CA_SUD_HISTORY": "  "})

    assert refused.value.field == "caution_CA_SUD_HISTORY"
    assert "Substance use history or positive substance screen" in refused.value.message


def test_conditions_are_needed_for_eligible_with_conditions_and_only_there(clear_patient, prescriber, now):
    with pytest.raises(actions.DecisionIncomplete, match="Write the conditions") as refused:
        sign(clear_patient, prescriber, now, outcome="eligible_with_conditions")
    assert refused.value.field == "conditions"
    with pytest.raises(actions.DecisionIncomplete, match="only for \"eligible with conditions\""):
        sign(clear_patient, prescriber, now, conditions="Escort each visit")

    decision = sign(clear_patient, prescriber, now, outcome="eligible_with_conditions", conditions="Escort each visit")

    assert decision.conditions == "Escort each visit"


def test_a_summary_and_a_known_outcome_are_needed(clear_patient, prescriber, now):
    with pytest.raises(actions.DecisionIncomplete, match="Write the summary"):
        sign(clear_patient, prescriber, now, summary=" ")
    with pytest.raises(actions.DecisionIncomplete, match="Choose the outcome"):
        sign(clear_patient, prescriber, now, outcome="maybe")


def test_a_decision_on_a_run_that_is_no_longer_the_latest_is_refused(caution_patient, prescriber, nurse, now):
    opened = latest(caution_patient)
    patient_actions.save_safety_history(actor=nurse, now=now, patient=caution_patient,
                                        answers={"hypertension_controlled": True})

    with pytest.raises(actions.ScreeningChanged, match="review run 2"):
        actions.sign_decision(actor=prescriber, now=now, patient=caution_patient, screening_run=opened,
                              outcome="not_eligible", summary="Declined", caution_decisions={})


def make_sud_history_a_hard_stop(director, site, now, run):
    change_section(actor=director, now=now, site=site, section="eligibility",
                   values={**run.protocol.values["eligibility"], "kinds": {"CA_SUD_HISTORY": "hard_stop"}},
                   reason="Substance use history is a hard stop at this clinic")


def test_eligible_on_a_run_the_protocol_has_overtaken_is_refused_and_today_s_screening_kept(
        caution_patient, prescriber, director, main_site, now):
    opened = latest(caution_patient)
    make_sud_history_a_hard_stop(director, main_site, now, opened)

    with pytest.raises(actions.ScreeningChanged, match="Review run 2 and sign your decision on it") as refused:
        sign(caution_patient, prescriber, now, caution_decisions=SUD_DECISION)

    assert refused.value.code == "SCREENING_CHANGED"
    assert not EligibilityDecision.objects.exists() and not Letter.objects.exists()
    run = latest(caution_patient)
    assert (run.number, run.trigger, run.run_by, run.run_at, run.protocol.version) == (
        2, Trigger.MANUAL, prescriber, now, 2)
    assert [(finding["code"], finding["kind"]) for finding in run.hard_stops] == [("CA_SUD_HISTORY", "hard_stop")]
    event = AuditEvent.objects.get(action="screening.run", data__number=2)
    assert (event.actor, event.data["trigger"], event.data["protocol_version"]) == (prescriber, "manual", 2)
    state = queries.eligibility_state(patient=caution_patient, on=now.date(), now=now)
    assert state.code == "NO_DECISION"
    with pytest.raises(actions.HardStopUnresolved):
        sign(caution_patient, prescriber, now, caution_decisions={})


def test_a_run_screened_for_an_earlier_day_is_screened_again_before_signing(clear_patient, prescriber, now):
    tomorrow = now + dt.timedelta(days=1)

    with pytest.raises(actions.ScreeningChanged, match="now run 2"):
        sign(clear_patient, prescriber, tomorrow)

    run = latest(clear_patient)
    assert (run.number, run.screened_for, run.run_by) == (2, tomorrow.date(), prescriber)
    assert run.findings == ScreeningRun.objects.get(patient=clear_patient, number=1).findings
    decision = sign(clear_patient, prescriber, tomorrow)
    assert (decision.screening_run, ScreeningRun.objects.filter(patient=clear_patient).count()) == (run, 2)


def test_signing_on_a_run_that_still_shows_today_s_screening_keeps_no_new_run(clear_patient, prescriber, now):
    sign(clear_patient, prescriber, now + dt.timedelta(hours=3))

    assert ScreeningRun.objects.filter(patient=clear_patient).count() == 1


def test_a_second_signature_on_the_same_run_is_refused(clear_patient, prescriber, director, now):
    first = sign(clear_patient, prescriber, now)

    with pytest.raises(actions.AlreadySigned, match="add an addendum to it, or screen again"):
        sign(clear_patient, director, now, outcome="not_eligible")

    assert list(EligibilityDecision.objects.all()) == [first]


def test_a_signed_decision_is_locked_and_only_addenda_follow(clear_patient, prescriber, director, now):
    decision = sign(clear_patient, prescriber, now)
    decision.summary = "Changed"

    with pytest.raises(ValueError, match="never changed"):
        decision.save()
    with pytest.raises(DatabaseError, match="written once"), transaction.atomic():
        EligibilityDecision.objects.filter(pk=decision.pk).update(outcome="not_eligible")
    addendum = actions.add_addendum(actor=director, now=now + dt.timedelta(hours=1), decision=decision,
                                    text="  Patient asked for afternoon visits. ")

    assert (addendum.text, addendum.written_by) == ("Patient asked for afternoon visits.", director)
    assert EligibilityDecision.objects.get(pk=decision.pk).summary == "Reviewed the screening with the patient."
    event = AuditEvent.objects.get(action="screening.addendum_added")
    assert [link.patient_id for link in event.patient_links.all()] == [clear_patient.pk]


def test_an_addendum_needs_text_and_a_prescriber(clear_patient, prescriber, nurse, now):
    decision = sign(clear_patient, prescriber, now)

    with pytest.raises(actions.DecisionIncomplete, match="addendum's text"):
        actions.add_addendum(actor=prescriber, now=now, decision=decision, text=" ")
    with pytest.raises(actions.PrescriberOnly):
        actions.add_addendum(actor=nurse, now=now, decision=decision, text="Seen")

    assert not DecisionAddendum.objects.exists()
    assert not CautionDecision.objects.exists()


# A caution addressed is one read as it was

def add_medicine(patient, nurse, now, **fields):
    return patient_actions.add_intake_item(actor=nurse, now=now, patient=patient, kind="medication", **fields)


def test_a_caution_found_again_with_other_data_is_not_addressed(clear_patient, prescriber, nurse, now):
    add_medicine(clear_patient, nurse, now, name="Lorazepam", drug_class="benzodiazepine", dose_text="0.5 mg",
                 lorazepam_equivalent_mg_per_day="0.5")
    benzo = latest(clear_patient).cautions[0]
    decision = sign(clear_patient, prescriber, now, caution_decisions={
        "CA_CNS_MEDS": "Low-dose lorazepam: omit the evening dose before each infusion."})
    [row] = decision.caution_decisions.all()
    assert (row.code, row.data) == ("CA_CNS_MEDS", benzo["data"])
    assert queries.eligibility_state(patient=clear_patient, on=now.date(), now=now).code == "ELIGIBLE"

    add_medicine(clear_patient, nurse, now + dt.timedelta(hours=1), name="Phenelzine", drug_class="maoi")

    state = queries.eligibility_state(patient=clear_patient, on=now.date(), now=now + dt.timedelta(hours=1))
    assert (state.eligible, state.code) == (False, "NEW_CAUTION")
    [finding] = state.findings
    assert finding["code"] == "CA_CNS_MEDS" and "Phenelzine" in finding["message"]
    assert ("A caution the decision did not address: Benzodiazepines, sedative-hypnotics, opioids, stimulants or "
            "MAOIs (changed since the decision)") in state.message


def test_a_caution_decision_kept_before_its_data_reads_the_data_of_its_run(caution_patient, prescriber, now):
    decision = sign(caution_patient, prescriber, now, caution_decisions=SUD_DECISION)
    older = EligibilityDecision.objects.create(
        patient=caution_patient, screening_run=decision.screening_run, outcome="eligible", summary="Older",
        signed_by=prescriber, signed_at=now + dt.timedelta(minutes=1), protocol=decision.protocol,
        rules_version=decision.rules_version)
    CautionDecision.objects.create(decision=older, code="CA_SUD_HISTORY", title="t", message="m", data=None,
                                   written_decision="Remission.")

    state = queries.eligibility_state(patient=caution_patient, on=now.date(), now=now)

    assert (state.decision, state.code) == (older, "ELIGIBLE")


def test_a_caution_decision_keeps_its_data_written_once(caution_patient, prescriber, now):
    [row] = sign(caution_patient, prescriber, now, caution_decisions=SUD_DECISION).caution_decisions.all()

    # SQLite refuses with an integrity error, PostgreSQL with insufficient privilege.
    with pytest.raises(DatabaseError, match="written once"), transaction.atomic():
        CautionDecision.objects.filter(pk=row.pk).update(data={"changed": True})
    with pytest.raises(DatabaseError, match="written once"), transaction.atomic():
        CautionDecision.objects.filter(pk=row.pk).delete()


# Protocol changes leave earlier records as they were

def test_a_protocol_change_leaves_an_earlier_run_and_decision_showing_what_they_showed(
        caution_patient, prescriber, director, main_site, now):
    run = latest(caution_patient)
    decision = sign(caution_patient, prescriber, now, caution_decisions=SUD_DECISION)
    before = (run.findings, run.inputs, run.protocol_id, run.rules_version)

    change_section(actor=director, now=now, site=main_site, section="eligibility",
                   values={**run.protocol.values["eligibility"], "kinds": {"CA_SUD_HISTORY": "hard_stop"}},
                   reason="Substance use history is a hard stop at this clinic")
    later = actions.screen_patient(patient=caution_patient, actor=prescriber, now=now + dt.timedelta(days=1),
                                   trigger=Trigger.MANUAL)

    run = ScreeningRun.objects.get(pk=run.pk)
    decision = EligibilityDecision.objects.get(pk=decision.pk)
    assert (run.findings, run.inputs, run.protocol_id, run.rules_version) == before
    assert (run.protocol.version, decision.protocol.version) == (1, 1)
    assert run.cautions[0]["code"] == "CA_SUD_HISTORY"
    assert (later.protocol.version, later.hard_stops[0]["code"]) == (2, "CA_SUD_HISTORY")

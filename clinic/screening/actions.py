"""Screening a patient and signing the eligibility decision.

A run is made by a clinician ("Screen again", the API) or by the system in the transaction of every
intake change (clinic.patients.signals.intake_changed). A decision is signed once, when it is written,
by a prescriber or the medical director, on the patient's latest run; only addenda follow.
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max

from clinic.accounts.models import PRESCRIBING_ROLES
from clinic.audit.actions import record_event
from clinic.letters.actions import produce_letters
from clinic.letters.content import LetterFacts
from clinic.patients.models import Patient
from clinic.rules import protocols as catalogue
from clinic.rules.errors import DomainError
from clinic.screening.models import (
    CautionDecision,
    DecisionAddendum,
    EligibilityDecision,
    Outcome,
    ScreeningRun,
    Trigger,
)
from clinic.screening.queries import LiveScreening, latest_run, live_screening
from clinic.sites.queries import site_today


class PrescriberOnly(DomainError):
    code = "PRESCRIBER_ONLY"


class ScreeningChanged(DomainError):
    code = "SCREENING_CHANGED"


class AlreadySigned(DomainError):
    code = "DECISION_ALREADY_SIGNED"


class HardStopUnresolved(DomainError):
    code = "HARD_STOP_UNRESOLVED"


class DecisionIncomplete(DomainError):
    code = "DECISION_INCOMPLETE"


class NoScreening(DomainError):
    code = "NO_SCREENING"


@transaction.atomic
def screen_patient(*, patient: Patient, actor: Any, now: datetime, trigger: str) -> ScreeningRun:
    """Screen the patient's current intake for today at the site with the protocol in force and keep the run."""
    # The patient's row is locked so that two runs at once take numbers one after the other, and read from
    # the database, not from rows an earlier page prefetched before the change that triggered this run.
    patient = _locked(patient)
    return _keep_run(patient=patient, actor=actor, now=now, trigger=trigger,
                     screening=live_screening(patient=patient, on=site_today(site=patient.site, now=now), now=now))


@transaction.atomic
def screen_if_changed(*, patient: Patient, actor: Any, now: datetime) -> ScreeningRun | None:
    """Keep a new run, screened again by `actor`, when the patient's latest run no longer shows what the
    rules find today with the protocol in force; None when it still does (or there is no run yet)."""
    patient = _locked(patient)
    latest = latest_run(patient=patient)
    if latest is None:
        return None
    return _rescreened(patient=patient, latest=latest, actor=actor, now=now)


def _locked(patient: Patient) -> Patient:
    return Patient.objects.select_for_update().select_related("site").get(pk=patient.pk)


def _rescreened(*, patient: Patient, latest: ScreeningRun, actor: Any, now: datetime) -> ScreeningRun | None:
    screening = live_screening(patient=patient, on=site_today(site=patient.site, now=now), now=now)
    if not screening.differs_from(latest):
        return None
    return _keep_run(patient=patient, actor=actor, now=now, trigger=Trigger.MANUAL, screening=screening)


def _keep_run(*, patient: Patient, actor: Any, now: datetime, trigger: str, screening: LiveScreening) -> ScreeningRun:
    number = (ScreeningRun.objects.filter(patient=patient).aggregate(last=Max("number"))["last"] or 0) + 1
    staff = actor if trigger != Trigger.INTAKE_CHANGED and getattr(actor, "role", None) else None
    protocol = screening.protocol
    run = ScreeningRun.objects.create(
        patient=patient, site=patient.site, number=number, run_at=now, run_by=staff, trigger=trigger,
        protocol=protocol, rules_version=catalogue.RULES_VERSION, screened_for=screening.day,
        inputs=screening.inputs, findings=screening.findings)
    # A run on an intake change is part of that change: its audit event (a nurse adding a medicine, a patient
    # answering a screen) is the write's, and the run keeps its trigger and time. A run asked for is audited.
    if staff is not None:
        record_event(actor=staff, now=now, action="screening.run", subject=run, site_id=patient.site_id,
                     data={"number": number, "trigger": trigger, "protocol_version": protocol.version,
                           "rules_version": run.rules_version, "codes": [finding["code"] for finding in run.findings]})
    return run


def sign_decision(*, actor: Any, now: datetime, patient: Patient, screening_run: ScreeningRun, outcome: str,
                  summary: str, caution_decisions: Mapping[str, str], conditions: str = "") -> EligibilityDecision:
    """Sign one decision on the run the prescriber reviewed, which must be the patient's latest and still show
    what the rules find today with the protocol in force.

    When the intake, the protocol or the day have moved on since that run (a caution made a hard stop, an
    age reached, a test now too old), the screening as it stands is kept as a new run, screened again by
    the signer, and the signature is refused naming it: nothing is signed over findings nobody reviewed.
    "Eligible" and "eligible with conditions" need every caution of the run decided in writing and no
    hard stop; "not eligible" can always be signed."""
    _require_prescriber(actor, "sign an eligibility decision")
    with transaction.atomic():
        patient = _locked(patient)
        latest = latest_run(patient=patient)
        if screening_run.patient_id != patient.pk or latest is None:
            raise NoScreening("Screen the patient first: a decision is signed on a screening run.",
                              field="screening_run")
        if latest.pk != screening_run.pk:
            raise ScreeningChanged(f"The screening changed since you opened it: review run {latest.number} and "
                                   "sign your decision on it.", field="screening_run")
        rescreened = _rescreened(patient=patient, latest=latest, actor=actor, now=now)
        if rescreened is None:
            return _signed(actor=actor, now=now, patient=patient, run=latest, outcome=outcome, summary=summary,
                           conditions=conditions, caution_decisions=caution_decisions)
    # Raised after the new run has committed, so that it stays for the prescriber to review.
    raise ScreeningChanged(f"The screening changed since run {latest.number}: screened again today with the "
                           f"protocol in force, it is now run {rescreened.number}. Review run {rescreened.number} "
                           "and sign your decision on it.", field="screening_run")


def _signed(*, actor: Any, now: datetime, patient: Patient, run: ScreeningRun, outcome: str, summary: str,
            conditions: str, caution_decisions: Mapping[str, str]) -> EligibilityDecision:
    earlier = run.decisions.select_related("signed_by").first()
    if earlier is not None:
        raise AlreadySigned(f"Run {run.number} already has a decision, signed by "
                            f"{earlier.signed_by.get_full_name() or earlier.signed_by.get_username()}. A signed "
                            "decision is locked: add an addendum to it, or screen again and sign a new decision.")
    cleaned = _checked(run, outcome=outcome, summary=summary, conditions=conditions,
                       caution_decisions=caution_decisions)
    decision = EligibilityDecision.objects.create(
        patient=patient, screening_run=run, outcome=outcome, summary=cleaned["summary"],
        conditions=cleaned["conditions"], signed_by=actor, signed_at=now, protocol=run.protocol,
        rules_version=run.rules_version)
    rows = CautionDecision.objects.bulk_create(
        CautionDecision(decision=decision, code=finding["code"], title=finding["title"], message=finding["message"],
                        data=finding.get("data"), written_decision=cleaned["cautions"][finding["code"]])
        for finding in run.cautions if cleaned["cautions"].get(finding["code"]))
    record_event(actor=actor, now=now, action="screening.decision_signed", subject=decision,
                 site_id=patient.site_id,
                 data={"outcome": outcome, "run": run.number, "protocol_version": run.protocol.version,
                       "rules_version": run.rules_version, "cautions": [row.code for row in rows]})
    produce_letters(actor=actor, now=now, patient=patient, reason="eligibility_outcome", source=decision,
                    facts=LetterFacts(outcome=outcome, summary=decision.summary,
                                      conditions=(decision.conditions,),
                                      cautions=tuple(f"{row.title}: {row.written_decision}" for row in rows),
                                      signed_by=actor, signed_at=now))
    return decision


def _checked(run: ScreeningRun, *, outcome: str, summary: str, conditions: str,
             caution_decisions: Mapping[str, str]) -> dict[str, Any]:
    if outcome not in Outcome.values:
        raise DecisionIncomplete("Choose the outcome: eligible, eligible with conditions or not eligible.",
                                 field="outcome")
    if not (summary or "").strip():
        raise DecisionIncomplete("Write the summary of your decision; it goes into the letters.", field="summary")
    caution_codes = [finding["code"] for finding in run.cautions]
    for code in caution_decisions:
        if code not in caution_codes:
            raise DecisionIncomplete(f"{code} is not a caution of run {run.number}.", field=f"caution_{code}")
    written = {code: (caution_decisions.get(code) or "").strip() for code in caution_codes}
    if outcome != Outcome.NOT_ELIGIBLE:
        if run.hard_stops:
            titles = "; ".join(finding["title"] for finding in run.hard_stops)
            raise HardStopUnresolved(f"Run {run.number} has a hard stop ({titles}), so the patient cannot be signed "
                                     "eligible. Resolve it in the intake and screen again, or sign \"not eligible\".",
                                     field="outcome")
        for finding in run.cautions:
            if not written[finding["code"]]:
                raise DecisionIncomplete(f"Write your decision on the caution \"{finding['title']}\": every caution "
                                         "needs one before the patient is signed eligible.",
                                         field=f"caution_{finding['code']}")
    conditions = (conditions or "").strip()
    if outcome == Outcome.ELIGIBLE_WITH_CONDITIONS and not conditions:
        raise DecisionIncomplete("Write the conditions the patient is eligible with.", field="conditions")
    if outcome != Outcome.ELIGIBLE_WITH_CONDITIONS and conditions:
        raise DecisionIncomplete("Conditions are written only for \"eligible with conditions\". Choose that outcome, "
                                 "or clear the conditions.", field="conditions")
    return {"summary": summary.strip(), "conditions": conditions, "cautions": written}


@transaction.atomic
def add_addendum(*, actor: Any, now: datetime, decision: EligibilityDecision, text: str) -> DecisionAddendum:
    """Add to a signed decision; the decision itself stays as it was signed."""
    _require_prescriber(actor, "add to an eligibility decision")
    if not (text or "").strip():
        raise DecisionIncomplete("Write the addendum's text.", field="text")
    addendum = DecisionAddendum.objects.create(decision=decision, text=text.strip(), written_by=actor, written_at=now)
    record_event(actor=actor, now=now, action="screening.addendum_added", subject=addendum,
                 patients=[decision.patient_id], site_id=decision.patient.site_id,
                 data={"decision": decision.pk})
    return addendum


def _require_prescriber(actor: Any, what: str) -> None:
    if getattr(actor, "role", None) not in PRESCRIBING_ROLES:
        raise PrescriberOnly(f"Only a prescriber or the medical director may {what}. Ask one of them.")

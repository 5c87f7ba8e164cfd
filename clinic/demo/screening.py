"""Screening for the demo patients: every patient with an intake screened by their team's nurse once their
questionnaire histories are in, and signed eligibility decisions for several: eligible (each caution decided
in writing, with conditions where there is one) where the screening allows it, and "not eligible" over a hard
stop. Once: a second run of the seed finds the screenings and adds nothing."""

import datetime as dt

from clinic.accounts.models import StaffUser
from clinic.demo import patients as demo_patients
from clinic.screening import actions
from clinic.screening.models import ScreeningRun, Trigger
from clinic.sites.models import Organisation

ELIGIBLE_DECISIONS = 6
CAUTION_DECISIONS = {
    "CA_SUD_HISTORY": "Substance use in sustained remission; AUDIT-C and DAST-10 below the cut-offs. Proceed; ask "
                      "about use at each visit and keep take-home doses out of the plan.",
    "CA_BIPOLAR": "Bipolar disorder on a mood stabiliser, euthymic. Proceed; YMRS before every infusion and stop "
                  "at any sign of mania.",
    "CA_HTN": "Pressure controlled on treatment. Proceed; recheck before each infusion and hold above 160/100.",
    "CA_CNS_DEPRESSANTS": "Benzodiazepine dose reviewed; the patient holds the evening dose before infusion days.",
}
SCREENED_BEFORE_NOW = dt.timedelta(hours=3)
DEFAULT_CAUTION_DECISION = "Reviewed with the patient; the benefit outweighs this risk. Proceed with monitoring."


def seed_screening(*, organisation: Organisation, now: dt.datetime) -> int:
    """Screen the demo patients and sign their decisions, once, a few hours before `now` (the consents and
    courses that follow come between); returns how many were screened."""
    now = now - SCREENED_BEFORE_NOW
    if ScreeningRun.objects.filter(patient__organisation=organisation, trigger=Trigger.MANUAL).exists():
        return 0
    team = {user.username: user for user in StaffUser.objects.filter(organisation=organisation)}
    eligible = not_eligible = 0
    patients = (organisation.patients.filter(safety_history__isnull=False).select_related("site")
                .order_by("mrn"))
    for patient in patients:
        roles = demo_patients.TEAMS[patient.site.code]
        run = actions.screen_patient(patient=patient, actor=team[roles["nurse"]], now=now, trigger=Trigger.MANUAL)
        prescriber = team[roles["clinician"]]
        stops = _clinical_stops(run)
        if stops and not_eligible == 0:
            _sign(patient, run, prescriber, now, outcome="not_eligible",
                  summary=f"Not eligible: {stops[0]['title'][0].lower()}{stops[0]['title'][1:]}. Referred back to "
                          "the referring clinician with alternatives.")
            not_eligible += 1
        elif not run.hard_stops and eligible < ELIGIBLE_DECISIONS:
            conditions = "Escort home after each infusion; weekly review of mood and blood pressure." \
                if run.cautions else ""
            _sign(patient, run, prescriber, now, outcome="eligible_with_conditions" if conditions else "eligible",
                  summary="Intake and screening reviewed with the patient; suitable for an induction course.",
                  conditions=conditions)
            eligible += 1
    return patients.count()


def _clinical_stops(run: ScreeningRun) -> list[dict]:
    """The hard stops that are clinical findings, not an intake still to complete or correct."""
    return [finding for finding in run.hard_stops if finding["code"] not in {"HS_INTAKE_INCOMPLETE", "INTAKE_INVALID"}]


def _sign(patient, run: ScreeningRun, prescriber: StaffUser, now: dt.datetime, **fields: str) -> None:
    decisions = {finding["code"]: CAUTION_DECISIONS.get(finding["code"], DEFAULT_CAUTION_DECISION)
                 for finding in run.cautions}
    actions.sign_decision(actor=prescriber, now=now, patient=patient, screening_run=run, caution_decisions=decisions,
                          **fields)



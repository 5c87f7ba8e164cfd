"""Signed consents for the demo patients whom a prescriber has found eligible: each counselled by their team's
nurse after the decision and signed on screen with their typed name. Once: a patient who already has a
consent gets no second one."""

import datetime as dt

from clinic.accounts.models import StaffUser
from clinic.consents import actions
from clinic.consents.models import Consent, Method
from clinic.demo import patients as demo_patients
from clinic.screening.models import EligibilityDecision
from clinic.sites.models import Organisation

COUNSELLING_NOTE = ("Went through every section of the document together: off-label use, the infusion day, side "
                    "effects and how long they last, bladder and memory cautions, no driving until the next day, "
                    "and the alternatives (TMS, ECT, esketamine). Asked how soon the dreamy feeling passes; "
                    "answered. Copy of the document offered.")


def seed_consents(*, organisation: Organisation, now: dt.datetime) -> int:
    """Record a consent for every demo patient with a signed eligible decision and none yet; returns how many."""
    team = {user.username: user for user in StaffUser.objects.filter(organisation=organisation)}
    decided = (EligibilityDecision.objects
               .filter(patient__organisation=organisation, outcome__in=["eligible", "eligible_with_conditions"])
               .exclude(patient__in=Consent.objects.values("patient"))
               .select_related("patient__site").order_by("patient__mrn"))
    consented: set[int] = set()
    for decision in decided:
        patient = decision.patient
        if patient.pk in consented:
            continue
        nurse = team[demo_patients.TEAMS[patient.site.code]["nurse"]]
        # A day after the decision, or halfway to now when the decision is more recent: always before now.
        signed_at = decision.signed_at + min(dt.timedelta(days=1), (now - decision.signed_at) / 2)
        document = actions.current_document(site=patient.site, now=signed_at)
        actions.record_consent(
            actor=nurse, now=signed_at, patient=patient, document_version=document.version,
            method=Method.SIGNED_ON_SCREEN, counselled_at=signed_at - dt.timedelta(minutes=25),
            counselling_note=COUNSELLING_NOTE, signed_name=f"{patient.given_name} {patient.family_name}")
        consented.add(patient.pk)
    return len(consented)

"""A working sign-in link for one demo patient, printed by `make run` (design §4.1): a fresh link each
run, for the main site's first patient (by MRN) with an email address, with the PHQ-9 and the C-SSRS
screener asked for when nothing is due, so the link opens something to answer."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from clinic.accounts.models import StaffUser
from clinic.patients.models import Patient
from clinic.questionnaires import actions, queries
from clinic.questionnaires.models import LinkChannel
from clinic.sites.models import Organisation

DEMO_INSTRUMENTS = ("phq9", "cssrs_screener")


@dataclass(frozen=True)
class DemoLink:
    patient: Patient
    token: str


@transaction.atomic
def issue_demo_link(*, organisation_name: str, now: dt.datetime) -> DemoLink | None:
    organisation = Organisation.objects.filter(name=organisation_name).first()
    patient = (Patient.objects.filter(organisation=organisation, site__code="MAIN").exclude(email="")
               .select_related("site").order_by("mrn").first())
    if patient is None:
        return None
    sender = StaffUser.objects.filter(organisation=organisation, username="prescriber").first()
    if sender is None:
        return None
    if not queries.due_instruments(patient=patient):
        actions.request_questionnaires(patient=patient, instruments=DEMO_INSTRUMENTS, actor=sender, now=now)
    _link, token = actions.issue_link(patient=patient, actor=sender, now=now, channel=LinkChannel.EMAIL)
    return DemoLink(patient=patient, token=token)

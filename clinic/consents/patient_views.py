"""The patient's own page /p/consent/: their signed consent, exactly as signed. Open to a browser signed in
with the patient's link (a link used up by the last answer still lets the same browser read it); the
patient is the actor of its audit event."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from clinic.audit.actions import record_event
from clinic.audit.models import ActorKind
from clinic.consents import queries
from clinic.questionnaires import actions as link_actions
from clinic.questionnaires.middleware import PATIENT_LINK_KEY
from clinic.questionnaires.models import PatientLink


def consent(request: HttpRequest) -> HttpResponse:
    link_id = request.session.get(PATIENT_LINK_KEY)
    link = (PatientLink.objects.select_related("patient", "patient__site", "patient__organisation")
            .filter(pk=link_id, signed_in_at__isnull=False).first() if link_id is not None else None)
    if link is None:
        return render(request, "questionnaires/patient/not_signed_in.html", status=403)
    now = timezone.now()
    refused = link_actions.refusal(link, now=now)
    if refused is not None and refused.reason != "used":
        request.session.flush()
        return render(request, "questionnaires/patient/refused.html",
                      {"reason": refused.reason, "message": refused.message}, status=410)
    patient = link.patient
    signed = queries.consents(patient=patient).first()
    record_event(actor=None, actor_kind=ActorKind.PATIENT, actor_label=f"patient {patient.mrn}",
                 organisation_id=patient.organisation_id, now=now, action="consents.patient_viewed",
                 patients=[patient], site_id=patient.site_id, data={"consent": signed.pk if signed else None})
    return render(request, "consents/patient_consent.html", {
        "patient": patient, "consent": signed, "answering": {"namespace": "patient"},
        "link_used": refused is not None})

"""What the chart's "Patient's access" panel needs: the questionnaires due for the patient to answer,
where a sign-in link would go, and what the signed-in staff member may do."""

from typing import Any

from django import template

from clinic.accounts.models import CLINICAL_ROLES
from clinic.questionnaires import link_messages, queries
from clinic.questionnaires.actions import NoContact, clinician_rated
from clinic.rules import scales

register = template.Library()


@register.simple_tag(takes_context=True)
def patient_access(context: template.Context, patient: Any) -> dict[str, Any]:
    user = context["request"].user
    due = [scales.instrument(code) for code in queries.due_instruments(patient=patient)]
    due = [scale for scale in due if not clinician_rated(scale)]
    try:
        contact = link_messages.contact_for(patient)
    except NoContact as error:
        contact, no_contact = None, error.message
    else:
        no_contact = ""
    return {"due": due, "contact": contact, "no_contact": no_contact,
            "may_hand_tablet": getattr(user, "role", None) in CLINICAL_ROLES}

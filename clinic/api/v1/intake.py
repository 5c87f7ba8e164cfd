"""The intake record (clinical staff only): indications, other diagnoses, medicines, allergies,
measurements, prior treatments, results and the safety history that screening reads."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router, Status

from clinic.accounts.access import require_roles
from clinic.accounts.models import CLINICAL_ROLES
from clinic.api.v1 import intake_schemas as schemas
from clinic.api.v1.errors import InvalidField, responses
from clinic.api.v1.fields import pk_from_id
from clinic.api.v1.idempotency import Created, IdempotencyKey, answer_once
from clinic.api.v1.patients import visible_patient
from clinic.api.v1.schemas import In, Out
from clinic.audit.actions import record_event
from clinic.patients import actions
from clinic.patients.models import Patient, SafetyHistory
from clinic.rules import icd10, plausibility

router = Router(tags=["intake"])


@dataclass(frozen=True)
class IntakeKind:
    path: str
    kind: str  # as clinic.patients.actions names it
    body: type[In]
    patch: type[In]
    out: type[Out]

    @property
    def model(self) -> type[Model]:
        return actions.INTAKE_MODELS[self.kind]


KINDS = (
    IntakeKind("indications", "indication", schemas.IndicationIn, schemas.IndicationPatch,
               schemas.IndicationOut),
    IntakeKind("other-diagnoses", "other_diagnosis", schemas.OtherDiagnosisIn, schemas.OtherDiagnosisPatch,
               schemas.OtherDiagnosisOut),
    IntakeKind("medications", "medication", schemas.MedicationIn, schemas.MedicationPatch,
               schemas.MedicationOut),
    IntakeKind("allergies", "allergy", schemas.AllergyIn, schemas.AllergyPatch, schemas.AllergyOut),
    IntakeKind("measurements", "measurement", schemas.MeasurementIn, schemas.MeasurementPatch,
               schemas.MeasurementOut),
    IntakeKind("treatment-trials", "treatment_trial", schemas.TreatmentTrialIn,
               schemas.TreatmentTrialPatch, schemas.TreatmentTrialOut),
    IntakeKind("results", "result", schemas.ResultIn, schemas.ResultPatch, schemas.ResultOut),
)


# Values the schema cannot check, as they need the code set or the site's date: refused with 400
# naming the field, as a birth date after today is.
INPUT_REFUSALS = (icd10.UnknownDiagnosisCode, actions.DateInFuture, actions.DatesOutOfOrder,
                  actions.CurrentDiagnosisResolved, plausibility.DateBeforeBirth)


@contextmanager
def input_refused_as_400() -> Iterator[None]:
    try:
        yield
    except INPUT_REFUSALS as error:
        raise InvalidField(error.message, field=error.field) from None


def clinical_patient(request: HttpRequest, patient_id: str) -> Patient:
    """The patient, for clinical staff only: front desk gets 403 before anything is looked up."""
    require_roles(request.auth, CLINICAL_ROLES)
    return visible_patient(request, patient_id)


@router.get("/patients/{patient_id}/intake", response={200: schemas.IntakeOut, **responses(400, 401, 403, 404)},
            operation_id="read_intake")
def read_intake(request: HttpRequest, patient_id: str) -> dict[str, Any]:
    """The whole intake record of one patient."""
    patient = clinical_patient(request, patient_id)
    intake = {
        "indications": patient.indications.all(),
        "other_diagnoses": patient.other_diagnoses.all(),
        "medications": patient.medications.all(),
        "allergies": patient.allergies.all(),
        "measurements": patient.measurements.all(),
        "treatment_trials": patient.treatment_trials.all(),
        "results": patient.results.all(),
        "safety_history": SafetyHistory.objects.filter(patient=patient).first(),
    }
    record_event(actor=request.auth, now=timezone.now(), action="api.patients.intake_read", subject=patient,
                 site_id=patient.site_id)
    return intake


@router.put("/patients/{patient_id}/safety-history",
            response={200: schemas.SafetyHistoryOut, **responses(400, 401, 403, 404, 422)},
            operation_id="save_safety_history")
def save_safety_history(request: HttpRequest, patient_id: str,
                        payload: schemas.SafetyHistoryIn) -> SafetyHistory:
    """Replace the safety history: every item yes, no or not asked (null), and notes."""
    now = timezone.now()
    patient = clinical_patient(request, patient_id)
    answers, notes = payload.answers.model_dump(), payload.notes
    history = SafetyHistory.objects.filter(patient=patient).first()
    if history is not None and history.answers() == answers and history.notes == notes:
        record_event(actor=request.auth, now=now, action="api.patients.intake_read", subject=history,
                     site_id=patient.site_id)
        return history
    return actions.save_safety_history(actor=request.auth, now=now, patient=patient, answers=answers,
                                       notes=notes)


def add_routes(entry: IntakeKind) -> None:
    """POST, PATCH and DELETE for one kind of intake entry."""
    body, patch, out = entry.body, entry.patch, entry.out
    collection = f"/patients/{{patient_id}}/intake/{entry.path}"
    item = collection + "/{item_id}"

    def add(request: HttpRequest, patient_id: str, payload: body,
            idempotency_key: IdempotencyKey = None) -> HttpResponse:
        now = timezone.now()
        patient = clinical_patient(request, patient_id)

        def create() -> Created:
            values = payload.model_dump()
            confirmed = values.pop("confirm", [])
            with input_refused_as_400():
                added = actions.add_intake_item(actor=request.auth, now=now, patient=patient, kind=entry.kind,
                                                values=values, confirmed=confirmed)
            return Created(body=out.from_orm(added), patient_id=patient.pk)

        return answer_once(request=request, key=idempotency_key, payload=payload, now=now, create=create)

    def change(request: HttpRequest, patient_id: str, item_id: str, payload: patch) -> Model:
        now = timezone.now()
        row = intake_item(request, entry, patient_id=patient_id, item_id=item_id)
        fields = payload.model_dump(exclude_unset=True)
        confirmed = fields.pop("confirm", [])
        if not any(getattr(row, name) != value for name, value in fields.items()):
            record_event(actor=request.auth, now=now, action="api.patients.intake_read", subject=row,
                         site_id=row.patient.site_id)
            return row
        with input_refused_as_400():
            return actions.change_intake_item(actor=request.auth, now=now, item=row, confirmed=confirmed, **fields)

    def remove(request: HttpRequest, patient_id: str, item_id: str) -> Status:
        row = intake_item(request, entry, patient_id=patient_id, item_id=item_id)
        actions.remove_intake_item(actor=request.auth, now=timezone.now(), item=row)
        return Status(204, None)

    noun = entry.kind.replace("_", " ")
    article = "an" if noun[0] in "aeiou" else "a"
    router.post(collection, response={201: out, **responses(400, 401, 403, 404, 409, 422)},
                operation_id=f"add_{entry.kind}", url_name=f"{entry.kind}_list", summary=f"Add {article} {noun}")(add)
    router.patch(item, response={200: out, **responses(400, 401, 403, 404, 422)},
                 operation_id=f"change_{entry.kind}", url_name=f"{entry.kind}_item",
                 summary=f"Change {article} {noun}")(change)
    router.delete(item, response={204: None, **responses(400, 401, 403, 404)},
                  operation_id=f"remove_{entry.kind}", url_name=f"{entry.kind}_item",
                  summary=f"Remove {article} {noun} entered in error")(remove)


def intake_item(request: HttpRequest, entry: IntakeKind, *, patient_id: str, item_id: str) -> Model:
    patient = clinical_patient(request, patient_id)
    row = entry.model.objects.filter(patient=patient, pk=pk_from_id(item_id)).first()
    if row is None:
        raise Http404("No such intake entry.")
    row.patient = patient  # the visible patient, site already loaded
    return row


for _entry in KINDS:
    add_routes(_entry)

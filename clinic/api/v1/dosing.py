"""POST /api/v1/dosing/calculate: dose, draw, bag and pump rate from clinic.rules.dosing (design §4.4),
within the dosing section of the site's protocol version in force. No patient data passes through it,
so no audit event."""

from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from pydantic import Field

from clinic.api.v1.errors import InvalidField, responses
from clinic.api.v1.fields import IsoDate, OpaqueId, decimal_number, pk_from_id
from clinic.api.v1.schemas import In
from clinic.protocols.queries import current_protocol
from clinic.rules import dosing
from clinic.rules.dosing.protocol import DosingProtocol
from clinic.sites.models import Site

router = Router(tags=["dosing"])
# The protocol section whose settings bound the dose.
SECTION = "dosing"


class DosingIn(In):
    model_config = {"json_schema_extra": {"example": {
        "weight_kg": 70.0, "dose_mg_per_kg": 0.5, "vial_mg_per_ml": 50, "bag_ml": 100, "duration_min": 40}}}

    weight_kg: decimal_number(ge=1, le=1000, places=1)
    dose_mg_per_kg: decimal_number(ge=0.001, le=100, places=3)
    vial_mg_per_ml: decimal_number(ge=0.1, le=1000, places=1)
    bag_ml: decimal_number(ge=1, le=5000, places=1)
    duration_min: decimal_number(ge=1, le=1440, places=1)
    height_cm: decimal_number(ge=30, le=300, places=1) | None = None
    sex: Literal["female", "male", "other", "unknown"] | None = Field(
        default=None, description="Prescriber-confirmed sex for ideal and adjusted body weight.")
    weight_basis: Literal["actual", "ideal", "adjusted", "actual_capped"] = "actual"
    weight_measured_on: IsoDate | None = Field(default=None, description="Date of the weight, to check its age.")
    infusion_date: IsoDate | None = None
    last_dose_mg_per_kg: decimal_number(ge=0.001, le=100, places=3) | None = Field(
        default=None, description="The previous infusion's mg/kg, to warn on a large step up.")
    site_id: OpaqueId | None = Field(
        default=None, description="The site whose protocol sets the allowed dose range and limits (GET /api/v1/sites). "
                                  "Optional when the caller works at one site, or when all their sites' dosing "
                                  "settings agree.")


class WarningOut(Schema):
    code: str
    message: str


class DosingOut(Schema):
    weight_basis: str
    dosing_weight_kg: float
    ideal_weight_kg: float | None
    adjusted_weight_kg: float | None
    dose_mg: float
    drug_ml: float
    drawn_mg: float
    total_ml: float
    final_mg_per_ml: float
    rate_ml_per_h: float
    mg_per_kg_per_h: float
    warnings: list[WarningOut]


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


@router.post("/dosing/calculate", response={200: DosingOut, **responses(400, 401, 422)},
             operation_id="calculate_dose")
def calculate_dose(request: HttpRequest, payload: DosingIn) -> dict:
    """Dose from weight basis and mg/kg; drug volume from vial strength; concentration and pump rate for the
    bag and duration, with the dosing settings of the site's protocol version in force. 422 when the dose is
    outside the clinic's allowed range or another rule refuses; 400 naming `site_id` when it is not one of
    the caller's sites, or is left out while the caller's sites dose differently."""
    protocol = _dosing_protocol(request.auth, payload.site_id)
    result = dosing.calculate(
        weight_kg=payload.weight_kg, dose_mg_per_kg=payload.dose_mg_per_kg, vial_mg_per_ml=payload.vial_mg_per_ml,
        bag_ml=payload.bag_ml, duration_min=payload.duration_min, height_cm=payload.height_cm, sex=payload.sex,
        weight_basis=payload.weight_basis, weight_measured_on=payload.weight_measured_on,
        infusion_date=payload.infusion_date, last_dose_mg_per_kg=payload.last_dose_mg_per_kg, protocol=protocol)
    return {
        "weight_basis": result.weight_basis,
        "dosing_weight_kg": float(result.dosing_weight_kg),
        "ideal_weight_kg": _float(result.ideal_weight_kg),
        "adjusted_weight_kg": _float(result.adjusted_weight_kg),
        "dose_mg": float(result.dose_mg), "drug_ml": float(result.drug_ml), "drawn_mg": float(result.drawn_mg),
        "total_ml": float(result.total_ml), "final_mg_per_ml": float(result.final_mg_per_ml),
        "rate_ml_per_h": float(result.rate_ml_per_h), "mg_per_kg_per_h": float(result.mg_per_kg_per_h),
        "warnings": [{"code": warning.code, "message": warning.message} for warning in result.warnings],
    }


def _dosing_protocol(user: Any, site_id: str | None) -> DosingProtocol:
    """The dosing settings of the named site, or of the caller's sites when they all dose alike."""
    sites = Site.objects.filter(pk__in=user.site_ids()).order_by("name", "id")
    if site_id is not None:
        sites = sites.filter(pk=pk_from_id(site_id))
    now = timezone.now()
    settings = [(site, current_protocol(site=site, now=now).rules(SECTION)) for site in sites]
    if not settings:
        raise InvalidField("You do not work at that site. Choose one of your own sites (GET /api/v1/sites)."
                           if site_id is not None else "You work at no site, so no clinic protocol sets the dose "
                           "range. Ask the medical director to add you to a site.", field="site_id")
    first = settings[0][1]
    if any(protocol != first for _, protocol in settings):
        names = ", ".join(site.name for site, _ in settings)
        raise InvalidField(f"Your sites ({names}) set different dosing settings in their protocols. Say which "
                           "site the infusion is at in site_id (GET /api/v1/sites).", field="site_id")
    return first

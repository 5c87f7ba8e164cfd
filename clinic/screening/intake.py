"""The intake a run stores: clinic.rules.eligibility.Intake as JSON-plain values, and the findings as rows
of plain values. What a run stores is what it shows later, whatever the code or protocol become."""

import dataclasses
import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from clinic.patients import banner
from clinic.protocols.models import ClinicProtocol
from clinic.rules import eligibility
from clinic.rules.eligibility import HARD_STOP
from clinic.rules.errors import DomainError

INTAKE_CHECKS_SOURCE = "Intake checks of clinic.rules.eligibility: an intake the rules cannot read is never a pass"


def plain(value: Any) -> Any:
    """Dates and times as ISO text, decimals as text, dataclasses as dicts of their fields."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {item.name: plain(getattr(value, item.name)) for item in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(item) for item in value]
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def finding_row(finding: eligibility.Finding) -> dict[str, Any]:
    title = finding.title
    if finding.code == "HS_INTAKE_INCOMPLETE":
        title = f"Intake incomplete: still to record {banner.missing(finding.data)}"
    return {"code": finding.code, "kind": finding.kind, "title": title, "message": finding.message,
            "data": plain(finding.data), "source": finding.source, "urgent": finding.urgent,
            "blocks_infusion_start": finding.blocks_infusion_start}


def refused_row(error: DomainError) -> dict[str, Any]:
    """An intake the rules refuse: one hard stop naming what is wrong, as the banner shows it."""
    return {"code": "INTAKE_INVALID", "kind": HARD_STOP, "title": f"Intake has an error: {error.message}",
            "message": error.message, "data": {"error_code": error.code, "field": error.field},
            "source": INTAKE_CHECKS_SOURCE, "urgent": False, "blocks_infusion_start": True}


def screened(patient: Any, *, on: dt.date, protocol: ClinicProtocol) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The patient's current intake for an infusion on `on`, and every finding of the rules on it, with the
    site's protocol version `protocol`: the same reading of the same version as the patient banner's."""
    try:
        intake = banner.current_intake(patient, today=on, protocol=protocol)
    except DomainError as error:
        return {}, [refused_row(error)]
    inputs = plain(intake)
    try:
        findings = eligibility.screen(intake, protocol.rules(banner.ELIGIBILITY))
    except DomainError as error:
        return inputs, [refused_row(error)]
    return inputs, [finding_row(finding) for finding in findings]

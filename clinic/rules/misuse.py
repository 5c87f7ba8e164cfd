"""Misuse signals in maintenance: a visit requested before the protocol's minimum interval, and a
dose above the protocol's, each flagged for the prescriber (clinical-reference §6.4 and §8 misuse
row: boxed warning for abuse on esketamine [11]; ASA: be vigilant for diversion [12]; home
self-users tend to escalate doses [33]). A flag asks for a review; it never refuses on its own.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from clinic.rules import body_size
from clinic.rules.maintenance import DEFAULT_PROTOCOL, DatesOutOfOrder, MaintenanceProtocol, VisitWindow

MISUSE_SOURCE = "clinical-reference §6.4 and §8 misuse row (esketamine boxed warning [11]; ASA [12]; [33])"


@dataclass(frozen=True)
class MisuseFlag:
    """A misuse signal for the prescriber to review (§8): never a refusal on its own."""

    code: str
    message: str
    source: str = MISUSE_SOURCE


def early_request_flag(*, requested_on: date, last_visit_on: date, window: VisitWindow | None = None,
                       protocol: MaintenanceProtocol = DEFAULT_PROTOCOL) -> MisuseFlag | None:
    """Flag a visit requested before the last visit plus the protocol's minimum interval
    (clinical-reference §6.4, §8). A date inside `window`, the window the rules computed for this
    visit (regular or relapse), is never flagged."""
    if requested_on < last_visit_on:
        raise DatesOutOfOrder(f"The requested date ({requested_on}) is before the last visit ({last_visit_on}). "
                              "Check both dates.", field="requested_on")
    earliest_on = last_visit_on + timedelta(weeks=protocol.min_interval_weeks)
    if (window is not None and window.contains(requested_on)) or requested_on >= earliest_on:
        return None
    return MisuseFlag("EARLY_VISIT_REQUEST", f"A visit on {requested_on} is {(requested_on - last_visit_on).days} "
                      f"days after the last one ({last_visit_on}), before the clinic's {protocol.min_interval_weeks}-"
                      f"week minimum ({earliest_on}). The prescriber reviews the request before it is booked.")


def dose_flag(*, dose_mg_per_kg: Decimal, protocol_dose_mg_per_kg: Decimal) -> MisuseFlag | None:
    """Flag a dose above the one the course's protocol sets (clinical-reference §6.4; §8: home
    self-users tend to escalate doses [33])."""
    dose = body_size.positive_decimal(dose_mg_per_kg, field="dose_mg_per_kg", name="dose", unit="mg/kg")
    allowed = body_size.positive_decimal(protocol_dose_mg_per_kg, field="protocol_dose_mg_per_kg",
                                         name="protocol dose", unit="mg/kg")
    if dose <= allowed:
        return None
    return MisuseFlag("DOSE_ABOVE_PROTOCOL", f"{dose} mg/kg is above the protocol's {allowed} mg/kg. The prescriber "
                      "reviews the escalation before it is given.")

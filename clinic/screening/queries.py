"""Reads of screening runs and eligibility decisions, shared by the pages, the API, booking and the
infusion day."""

import datetime as dt
import json
import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from clinic.patients.models import Patient
from clinic.protocols.models import ClinicProtocol
from clinic.protocols.queries import current_protocol
from clinic.rules.eligibility import CAUTION, HARD_STOP
from clinic.rules.typed_values import day_text
from clinic.screening import intake
from clinic.screening.models import (
    CautionDecision,
    DecisionAddendum,
    EligibilityDecision,
    Outcome,
    ScreeningRun,
)
from clinic.sites.queries import site_today


def latest_run(*, patient: Patient) -> ScreeningRun | None:
    return (ScreeningRun.objects.filter(patient=patient).select_related("protocol", "run_by")
            .order_by("-number").first())


def runs(*, patient: Patient) -> QuerySet[ScreeningRun]:
    """Every run of the patient, newest first, without their stored inputs."""
    return (ScreeningRun.objects.filter(patient=patient).select_related("protocol", "run_by")
            .defer("inputs").order_by("-number"))


def decisions(*, patient: Patient) -> QuerySet[EligibilityDecision]:
    """Every decision of the patient, newest (the one in force) first, with its caution decisions and addenda."""
    return (EligibilityDecision.objects.filter(patient=patient)
            .select_related("signed_by", "screening_run", "protocol")
            .prefetch_related(Prefetch("caution_decisions", queryset=CautionDecision.objects.order_by("id")),
                              Prefetch("addenda", queryset=DecisionAddendum.objects.select_related("written_by")
                                       .order_by("written_at", "id")))
            .order_by("-signed_at", "-id"))


def decision_in_force(*, patient: Patient) -> EligibilityDecision | None:
    """The newest signed decision: a later one always replaces an earlier one."""
    return decisions(patient=patient).first()


@dataclass(frozen=True)
class EligibilityState:
    """Whether the patient may be booked and treated on a day, and why not in words a clinician acts on.

    `code` is ELIGIBLE, NO_DECISION, NOT_ELIGIBLE, HARD_STOP or NEW_CAUTION; `findings` are the hard
    stops or the cautions not addressed that make it so (empty otherwise)."""

    eligible: bool
    code: str
    message: str
    decision: EligibilityDecision | None
    findings: tuple[dict[str, Any], ...] = ()


def eligibility_state(*, patient: Patient, on: dt.date, now: dt.datetime) -> EligibilityState:
    """The patient's eligibility for an infusion on `on`.

    The findings are the rules' on the intake as it stands, screened for `on` (for today when `on` is
    past) with the protocol in force: every intake change makes a new run with the same inputs, but a
    finding may depend on the day itself (an age reached, a test too old), so the day asked about is
    screened, not the day of the last run. The newest decision is the one in force."""
    decision = decision_in_force(patient=patient)
    if decision is None:
        return EligibilityState(False, "NO_DECISION", "No eligibility decision is signed. A prescriber reviews "
                                "the screening and signs one on the Screening tab.", None)
    if decision.outcome == Outcome.NOT_ELIGIBLE:
        return EligibilityState(False, "NOT_ELIGIBLE", f"{_signer(decision)} signed \"not eligible\" on "
                                f"{_signed_day(decision, patient)}. A new decision is needed before any treatment.",
                                decision)
    findings = live_findings(patient=patient, on=on, now=now)
    hard_stops = tuple(finding for finding in findings if finding["kind"] == HARD_STOP)
    if hard_stops:
        titles = "; ".join(finding["title"] for finding in hard_stops)
        return EligibilityState(False, "HARD_STOP", f"Hard stop: {titles}. Resolve it in the intake, screen again "
                                "and have a prescriber sign a new decision.", decision, hard_stops)
    addressed = addressed_cautions(decision)
    new = tuple(finding for finding in findings
                if finding["kind"] == CAUTION and _data_key(finding.get("data")) != addressed.get(finding["code"]))
    if new:
        titles = "; ".join(finding["title"] + (" (changed since the decision)" if finding["code"] in addressed else "")
                           for finding in new)
        return EligibilityState(False, "NEW_CAUTION", f"A caution the decision did not address: {titles}. A "
                                "prescriber writes a decision on it by signing a new eligibility decision.",
                                decision, new)
    return EligibilityState(True, "ELIGIBLE", f"{decision.get_outcome_display()}: signed by {_signer(decision)} on "
                            f"{_signed_day(decision, patient)}.", decision)


def addressed_cautions(decision: EligibilityDecision) -> dict[str, str]:
    """Each caution the decision addressed, by code, with the data it was decided on (as comparable text).

    A caution is addressed only as the prescriber read it: found again with other data (another medicine,
    a higher score) it is one nobody decided on. Rows kept before their data was stored are read with the
    data of the run the decision reviewed, which is what the prescriber read."""
    on_run = {finding["code"]: finding.get("data") for finding in decision.screening_run.cautions}
    return {row.code: _data_key(row.data if row.data is not None else on_run.get(row.code))
            for row in decision.caution_decisions.all()}


def _data_key(data: Any) -> str:
    return json.dumps(data, sort_keys=True)


def _signer(decision: EligibilityDecision) -> str:
    return decision.signed_by.get_full_name() or decision.signed_by.get_username()


def _signed_day(decision: EligibilityDecision, patient: Patient) -> str:
    return day_text(decision.signed_at.astimezone(zoneinfo.ZoneInfo(patient.site.time_zone)).date())


@dataclass(frozen=True)
class LiveScreening:
    """The patient's intake as it stands, screened for `day` with the protocol in force."""

    protocol: ClinicProtocol
    day: dt.date
    inputs: dict[str, Any]
    findings: list[dict[str, Any]]

    def differs_from(self, run: ScreeningRun) -> bool:
        """Whether the run no longer shows this screening: other findings (codes, kinds or data), another
        protocol version or another day screened."""
        return (self.protocol.pk != run.protocol_id or self.day != run.screened_for
                or _finding_keys(self.findings) != _finding_keys(run.findings))


def _finding_keys(findings: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return sorted((finding["code"], finding["kind"], _data_key(finding.get("data"))) for finding in findings)


def live_screening(*, patient: Patient, on: dt.date, now: dt.datetime) -> LiveScreening:
    """Screen the patient's intake for `on` (for the site's today when `on` is past) with the protocol in
    force, storing nothing. `patient` is read as given: pass one loaded with its site."""
    day = max(on, site_today(site=patient.site, now=now))
    protocol = current_protocol(site=patient.site, now=now)
    inputs, findings = intake.screened(patient, on=day, protocol=protocol)
    return LiveScreening(protocol=protocol, day=day, inputs=inputs, findings=findings)


def live_findings(*, patient: Patient, on: dt.date, now: dt.datetime) -> list[dict[str, Any]]:
    patient = Patient.objects.select_related("site").get(pk=patient.pk)
    return live_screening(patient=patient, on=on, now=now).findings

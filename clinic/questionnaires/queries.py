"""Reads of questionnaires, alerts and risk assessments shared by pages, the API, screening and the
banner; each in a fixed number of queries however many rows come back."""

import datetime as dt
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, Q, QuerySet, Value, When

from clinic.accounts.models import PRESCRIBING_ROLES, StaffUser
from clinic.patients.models import Patient
from clinic.protocols.models import ClinicProtocol
from clinic.protocols.reading import scoring_context
from clinic.questionnaires.models import (
    Alert,
    AlertStatus,
    QuestionnaireRequest,
    QuestionnaireResponse,
    ResponseStatus,
    SiteAlertSettings,
    SuicideRiskAssessment,
)
from clinic.rules import eligibility, scales
from clinic.rules.eligibility import suicide
from clinic.rules.eligibility.intake import SCREENS
from clinic.rules.scales import alert_kinds
from clinic.sites.models import Site

CSSRS = "cssrs_screener"
HIGH_RISK = "high"  # the C-SSRS screener's highest risk (clinic.rules.scales.cssrs_screener)

# The crisis text a patient sees after an answer that raised a suicide alert, unless the site sets its
# own (issue 13: by default it names 988, the US Suicide & Crisis Lifeline, and for high risk 911 and
# staying with staff).
DEFAULT_CRISIS_TEXT = (
    "If you are thinking about suicide, or are worried you might act on such thoughts, you are not alone and "
    "help is there now: call or text 988, the Suicide & Crisis Lifeline, any time of day or night. The clinic's "
    "clinicians have been told of your answers and will contact you today.")
DEFAULT_CRISIS_TEXT_HIGH = (
    "If you might act on thoughts of suicide now, call 911 or go to the nearest emergency department. If you "
    "are at the clinic, please stay with a member of staff and tell them now. You can also call or text 988, "
    "the Suicide & Crisis Lifeline.")


def due_requests(*, patient: Patient) -> QuerySet[QuestionnaireRequest]:
    """The questionnaires due for the patient, in the order they were asked for."""
    return QuestionnaireRequest.objects.filter(patient=patient, fulfilled_at__isnull=True,
                                               withdrawn_at__isnull=True).order_by("requested_at", "id")


def due_instruments(*, patient: Patient) -> list[str]:
    return list(due_requests(patient=patient).values_list("instrument", flat=True))


def submitted(*, patient: Patient) -> QuerySet[QuestionnaireResponse]:
    """The patient's submitted responses, newest first, with who entered each."""
    return (QuestionnaireResponse.objects.filter(patient=patient, status=ResponseStatus.SUBMITTED)
            .select_related("staff").order_by("-submitted_at", "-id"))


def history_by_scale(*, patient: Patient) -> list[tuple[scales.base.Instrument, list[QuestionnaireResponse]]]:
    """Each scale the patient has answered, with its responses newest first; scales in the rules' order."""
    by_code: dict[str, list[QuestionnaireResponse]] = {}
    for response in submitted(patient=patient):
        by_code.setdefault(response.instrument, []).append(response)
    return [(instrument, by_code[code]) for code, instrument in scales.INSTRUMENTS.items() if code in by_code]


def drafts(*, patient: Patient) -> dict[str, QuestionnaireResponse]:
    return {draft.instrument: draft for draft in
            QuestionnaireResponse.objects.filter(patient=patient, status=ResponseStatus.DRAFT)}


def inbox(*, user: Any, status: str | None = AlertStatus.OPEN, mine: bool = False) -> QuerySet[Alert]:
    """Alerts of the user's sites, newest first (open ones first when all are asked for), each with
    its patient, site and the clinicians named on it; `mine`: only those naming the user as the
    prescriber or the on-call clinician."""
    alerts = (Alert.objects.visible_to(user)
              .select_related("patient", "patient__site", "prescriber", "on_call", "acknowledged_by", "response"))
    if status:
        alerts = alerts.filter(status=status)
    if mine:
        alerts = alerts.filter(Q(prescriber=user) | Q(on_call=user))
    # Spelled out: "open" sorts after "acknowledged" as text, so ordering by the status itself would put
    # the alerts still waiting for someone last.
    waiting_first = Case(When(status=AlertStatus.OPEN, then=Value(0)), default=Value(1))
    return alerts.order_by(waiting_first, "-raised_at", "-id")


def inbox_counts(*, user: Any, status: str | None, mine: bool) -> dict[str, int]:
    """In one query: the open alerts at the user's sites ("all", and "mine" naming the user) and how many
    the inbox lists with these filters ("listed")."""
    naming = Q(prescriber=user) | Q(on_call=user)
    listed = Q(status=status) if status else Q(pk__isnull=False)
    if mine:
        listed &= naming
    waiting = Q(status=AlertStatus.OPEN)
    return Alert.objects.visible_to(user).aggregate(all=Count("pk", filter=waiting),
                                                    mine=Count("pk", filter=waiting & naming),
                                                    listed=Count("pk", filter=listed))


def open_alerts(*, patient: Patient) -> list[Alert]:
    return list(Alert.objects.filter(patient=patient, status=AlertStatus.OPEN).order_by("-raised_at", "-id"))


def open_alert_counts(*, user: Any) -> dict[str, int]:
    """How many alerts are open at the user's sites: all, and those naming the user."""
    return Alert.objects.visible_to(user).filter(status=AlertStatus.OPEN).aggregate(
        all=Count("pk"), mine=Count("pk", filter=Q(prescriber=user) | Q(on_call=user)))


def risk_assessments(*, patient: Patient) -> QuerySet[SuicideRiskAssessment]:
    return SuicideRiskAssessment.objects.filter(patient=patient).select_related("assessed_by")


def alert_settings(*, site: Site) -> SiteAlertSettings:
    """The site's settings row, or the defaults when none is saved."""
    return (SiteAlertSettings.objects.filter(site=site).select_related("on_call", "updated_by").first()
            or SiteAlertSettings(site=site))


def on_call_candidates(*, site: Site) -> QuerySet[StaffUser]:
    """Who may be on call for the site's high-risk alerts: its active prescribers and medical directors."""
    return (StaffUser.objects.filter(sites=site, role__in=PRESCRIBING_ROLES, is_active=True)
            .order_by("last_name", "first_name", "pk"))


def crisis_text(*, site: Site, high: bool) -> str:
    row = alert_settings(site=site)
    if high:
        return row.crisis_text_high or DEFAULT_CRISIS_TEXT_HIGH
    return row.crisis_text or DEFAULT_CRISIS_TEXT


def raises_suicide_alert(response: QuestionnaireResponse) -> tuple[bool, bool]:
    """Whether the response raised a suicide alert, and whether a high-risk one."""
    codes = [alert["code"] for alert in response.alerts]
    suicide = any(alert_kinds.KINDS.get(code) == alert_kinds.SUICIDE_RISK for code in codes)
    return suicide, any(alert_kinds.is_high_risk(code) for code in codes)


@dataclass(frozen=True)
class ScreeningInputs:
    """What screening reads from the questionnaires: the latest score of each intake screen (re-scored
    from its stored answers, so screening reads the flags, alerts and risk the scale computed), the
    C-SSRS screener's and YMRS's dates at the site, and the clinicians' suicide risk assessments."""

    screens: eligibility.IntakeScreens
    cssrs_screened_on: dt.date | None
    ymrs_rated_on: dt.date | None
    assessments: tuple[eligibility.SuicideRiskAssessment, ...]


def screening_inputs(*, patient: Patient, infusion_date: dt.date, protocol: ClinicProtocol) -> ScreeningInputs:
    """In two queries: the intake screens' responses and the risk assessments, each screen scored with its
    settings in the site's `protocol` (AUDIT-C's and DAST-10's cut-offs raise CA_SUD_HISTORY). The C-SSRS
    screener read is the latest, unless an earlier high-risk one is not yet cleared by a same-day assessment
    deciding to proceed (clinic.rules.eligibility.suicide.screener_to_screen): a later, lower answer never
    lifts HS_SUICIDE_HIGH for an infusion on `infusion_date`."""
    zone = zoneinfo.ZoneInfo(patient.site.time_zone)
    latest: dict[str, QuestionnaireResponse] = {}
    latest_high_screener = None
    for response in (QuestionnaireResponse.objects
                     .filter(patient=patient, status=ResponseStatus.SUBMITTED,
                             instrument__in=SCREENS)
                     .order_by("-submitted_at", "-id")):
        latest.setdefault(response.instrument, response)
        if response.instrument == CSSRS and response.risk == HIGH_RISK and latest_high_screener is None:
            latest_high_screener = response

    def day(response: QuestionnaireResponse) -> dt.date:
        return response.submitted_at.astimezone(zone).date()

    assessments = tuple(
        eligibility.SuicideRiskAssessment(assessed_on=assessment.assessed_at.astimezone(zone).date(),
                                          outcome=assessment.outcome)
        for assessment in SuicideRiskAssessment.objects.filter(patient=patient).only("assessed_at", "outcome"))
    scores = {code: _score(response, protocol) for code, response in latest.items()}
    cssrs_screened_on = day(latest[CSSRS]) if CSSRS in latest else None
    if latest_high_screener is not None and latest_high_screener is not latest[CSSRS]:
        screeners = [(cssrs_screened_on, scores[CSSRS]), (day(latest_high_screener),
                                                         _score(latest_high_screener, protocol))]
        cssrs_screened_on, scores[CSSRS] = suicide.screener_to_screen(screeners, assessments=assessments,
                                                                      infusion_date=infusion_date)
    return ScreeningInputs(screens=eligibility.IntakeScreens(**scores), cssrs_screened_on=cssrs_screened_on,
                           ymrs_rated_on=day(latest["ymrs"]) if "ymrs" in latest else None, assessments=assessments)


def _score(response: QuestionnaireResponse, protocol: ClinicProtocol) -> scales.Score:
    context = scoring_context(protocol, instrument=response.instrument, context=response.context)
    return scales.instrument(response.instrument).score(_answers(response.answers), context)


def _answers(stored: Sequence[Any]) -> list[Any]:
    """Answers as the scale takes them: a stored float back to its exact decimal."""
    return [scales.base.as_decimal(answer) if isinstance(answer, float) else answer for answer in stored]

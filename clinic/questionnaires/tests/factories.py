"""Questionnaire test data: answers from the published worked examples (clinical-reference §7.3, with
the one change named beside each), and rows for tests that read what is stored.

Answers follow design §4.4: the chosen option's index in the published item order, None for an item
not asked. Tests of the actions submit these through `actions.submit_response`; the factories below
write rows directly, for pages and queries that only read them.
"""

import datetime as dt
from decimal import Decimal

import factory

from clinic.questionnaires.models import (
    Alert,
    AlertKind,
    EnteredBy,
    Mode,
    QuestionnaireResponse,
    ResponseStatus,
    SiteAlertSettings,
    SuicideRiskAssessment,
)
from clinic.rules import scales

SUBMITTED_AT = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)

# §7.3 PHQ-9 fixtures: 1,2,1,2,1,1,1,1,0 → 10 moderate, no alert; 0,1,0,1,0,0,0,0,1 → 3 minimal + item-9 alert.
PHQ9_MODERATE = [1, 2, 1, 2, 1, 1, 1, 1, 0]
PHQ9_ITEM_9_POSITIVE = [0, 1, 0, 1, 0, 0, 0, 0, 1]
# §7.3 C-SSRS fixtures: yes, yes, yes, no, no, no → moderate; Q1 yes, Q2 no, Q6 yes within 3 months → high
# (Q3–5 not asked after a No to Q2).
CSSRS_MODERATE = [1, 1, 1, 0, 0, 0]
CSSRS_HIGH = [1, 0, None, None, None, 2]
CSSRS_NONE = [0, 0, None, None, None, 0]
# §7.3 GAD-7: 2,2,1,1,0,1,1 → 8 mild.
GAD7_MILD = [2, 2, 1, 1, 0, 1, 1]
# §7.3 MADRS 4,4,3,3,2,3,3,3,3,0 → 28 moderate, no alert; item 10 raised to 1 → 29 moderate + suicide alert.
MADRS_ITEM_10_POSITIVE = [4, 4, 3, 3, 2, 3, 3, 3, 3, 1]
# §7.3 QIDS-SR16 → 15 moderate with item 12 = 0; item 12 raised to 1 → its domain 1, 16 severe + suicide alert.
QIDS_ITEM_12_POSITIVE = [1, 2, 3, 0, 2, 0, 1, 0, 2, 2, 1, 1, 2, 2, 1, 0]
# §7.3 HAM-D17 → 18 moderate with item 3 = 0; item 3 raised to 1 → 19 moderate + suicide alert.
HAMD17_ITEM_3_POSITIVE = [2, 2, 1, 2, 1, 1, 2, 1, 1, 2, 1, 1, 1, 1, 0, 0, 0]
# §7.3 YMRS 2,1,1,2, 4,2, 1, 2,0, 0,1 → 16 hypomanic → hold alert.
YMRS_HOLD = [2, 1, 1, 2, 4, 2, 1, 2, 0, 0, 1]
# §7.3 CADSS: pre-dose 0, 40 min 9 → marked dissociation (nine items rated 1, the rest 0).
CADSS_MARKED = [1] * 9 + [0] * 14
# §7.3 AUDIT-C 3,1,1 → 5, positive for anyone; 2,0,1 → 3, positive only for a woman.
AUDIT_C_POSITIVE = [3, 1, 1]
AUDIT_C_THREE = [2, 0, 1]
# §7.3 DAST-10 Y,N,N,N,Y,N,N,N,N,N (item 3 = No, which scores 1) → 3 moderate, positive.
DAST10_POSITIVE = [1, 0, 0, 0, 1, 0, 0, 0, 0, 0]


class QuestionnaireResponseFactory(factory.django.DjangoModelFactory):
    """A submitted PHQ-9 as the actions store it, with its score computed by the rules' scale."""

    class Meta:
        model = QuestionnaireResponse

    patient = None
    instrument = "phq9"
    answers = factory.LazyFunction(lambda: list(PHQ9_MODERATE))
    context = factory.LazyFunction(dict)
    scale_version = factory.LazyAttribute(lambda row: scales.instrument(row.instrument).version)
    status = ResponseStatus.SUBMITTED
    total = factory.LazyAttribute(lambda row: _total(row))
    severity = factory.LazyAttribute(lambda row: _score(row).severity or "")
    risk = factory.LazyAttribute(lambda row: _score(row).risk or "")
    alerts = factory.LazyAttribute(lambda row: [{"code": alert.code, "item": alert.item, "message": alert.message}
                                                for alert in _score(row).alerts])
    mode = Mode.PAPER
    entered_by = EnteredBy.STAFF
    staff = None
    started_at = SUBMITTED_AT
    updated_at = SUBMITTED_AT
    submitted_at = SUBMITTED_AT


def _score(row: object) -> scales.Score:
    return scales.score(row.instrument, list(row.answers), dict(row.context))


def _total(row: object) -> Decimal | None:
    total = _score(row).total
    return None if total is None else Decimal(total)


class AlertFactory(factory.django.DjangoModelFactory):
    """An open PHQ-9 item-9 suicide alert for the patient's prescriber."""

    class Meta:
        model = Alert

    patient = None
    response = None
    code = "SUICIDE_RISK"
    kind = AlertKind.SUICIDE_RISK
    item = 9
    message = "PHQ-9 item 9 is positive: a clinician reviews the patient today and completes a C-SSRS screener."
    raised_at = SUBMITTED_AT
    prescriber = factory.LazyAttribute(lambda row: row.patient.prescriber)


class SuicideRiskAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SuicideRiskAssessment

    patient = None
    assessed_by = None
    assessed_at = SUBMITTED_AT
    risk_level = "moderate"
    protective_factors = "Lives with partner; engaged in care; future plans."
    safety_plan = "Stanley-Brown safety plan reviewed; crisis numbers given."
    outcome = "proceed"
    recorded_at = SUBMITTED_AT


class SiteAlertSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SiteAlertSettings

    site = None
    on_call = None
    updated_at = SUBMITTED_AT
    updated_by = factory.LazyAttribute(lambda row: row.on_call)

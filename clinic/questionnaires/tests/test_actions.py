"""The questionnaire actions: stored scores, the alerts they open and who is told, answers refused item
by item, acknowledgement, and what screening reads from them (issue 13 points 1–3).

Scores asserted here are the published worked examples of clinical-reference §7.3 (see factories.py
for each answer list and the one item changed where a fixture had no alert)."""

import datetime as dt
from decimal import Decimal

import pytest
from django_tasks_db.models import DBTaskResult

from clinic.accounts.models import Role
from clinic.accounts.tests.factories import StaffUserFactory
from clinic.audit.models import AuditEvent
from clinic.patients import banner
from clinic.patients.tests.factories import PatientFactory
from clinic.protocols.queries import current_protocol
from clinic.questionnaires import actions, queries
from clinic.questionnaires.actions import PatientActor
from clinic.questionnaires.models import (
    Alert,
    AlertNotification,
    QuestionnaireRequest,
    QuestionnaireResponse,
    SiteAlertSettings,
)
from clinic.questionnaires.tests import factories as answers
from clinic.rules import scales
from clinic.rules.scales.base import AnswerError

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient(main_site, prescriber):
    return PatientFactory(site=main_site, prescriber=prescriber, mrn="M000123")


@pytest.fixture
def on_call(main_site, director):
    """A second prescriber at the main site, on call for high-risk alerts, told by text message."""
    clinician = StaffUserFactory(username="oncall", role=Role.PRESCRIBER, organisation=main_site.organisation,
                                 sites=[main_site], alert_channel="sms", mobile_phone="+1 617 555 0199")
    actions.save_alert_settings(site=main_site, actor=director, now=answers.SUBMITTED_AT, on_call=clinician,
                                crisis_text="", crisis_text_high="")
    return clinician


def submit(patient, instrument, given, *, actor, now, mode="paper", context=None):
    return actions.submit_response(patient=patient, instrument=instrument, answers=given, actor=actor, now=now,
                                   mode=mode, context=context)


def event(action: str) -> AuditEvent:
    [found] = AuditEvent.objects.filter(action=action)
    return found


def patients_named(found: AuditEvent) -> list[int]:
    return sorted(link.patient_id for link in found.patient_links.all())


def notified(alert: Alert) -> list[tuple[str, str, str]]:
    return sorted(AlertNotification.objects.filter(alert=alert).values_list("recipient__username", "reason",
                                                                             "channel"))


# Stored score and the alert it opens


def test_phq9_item_9_on_the_tablet_stores_the_score_and_opens_one_suicide_alert_for_the_prescriber(
        patient, nurse, prescriber, now, django_capture_on_commit_callbacks):
    """§7.3: 0,1,0,1,0,0,0,0,1 → 3 minimal + item-9 alert (Kroenke 2001; §7.2 locked alert)."""
    [request] = actions.request_questionnaires(patient=patient, instruments=["phq9"], actor=nurse, now=now)
    tablet = PatientActor(patient, handed_over_by=nurse)

    with django_capture_on_commit_callbacks(execute=True):
        response = submit(patient, "phq9", answers.PHQ9_ITEM_9_POSITIVE, actor=tablet, now=now, mode="tablet")

    response.refresh_from_db()
    assert (response.status, response.total, response.severity, response.risk) == ("submitted", Decimal(3),
                                                                                    "MINIMAL", "")
    assert response.alerts == [{"code": "SUICIDE_RISK", "item": 9, "message": "PHQ-9 item 9 is positive: a clinician "
                                "reviews the patient today and completes a C-SSRS screener."}]
    assert (response.scale_version, response.mode, response.entered_by, response.staff) == (
        scales.phq9.INSTRUMENT.version, "tablet", "patient", nurse)
    assert (response.answers, response.submitted_at, response.request) == (answers.PHQ9_ITEM_9_POSITIVE, now, request)
    request.refresh_from_db()
    assert (request.fulfilled_at, request.is_due) == (now, False)
    alert = Alert.objects.get()
    assert (alert.patient, alert.response, alert.code, alert.kind, alert.item, alert.high) == (
        patient, response, "SUICIDE_RISK", "suicide_risk", 9, False)
    assert (alert.status, alert.prescriber, alert.on_call, alert.raised_at) == ("open", prescriber, None, now)
    assert notified(alert) == [("prescriber", "prescriber", "email")]
    submitted = event("questionnaires.response_submitted")
    assert (submitted.actor_kind, submitted.actor_id, submitted.actor_label) == ("patient", None, "patient M000123")
    assert submitted.data == {"instrument": "phq9", "total": 3, "mode": "tablet", "alerts": [alert.pk],
                              "tablet_handed_over_by": nurse.pk}
    assert patients_named(submitted) == [patient.pk]
    task = DBTaskResult.objects.get(task_path="clinic.questionnaires.tasks.send_alert_notifications")
    assert task.args_kwargs == {"args": [], "kwargs": {"alert_id": alert.pk}}


def test_a_score_without_an_alert_opens_none_and_tells_nobody(patient, nurse, now):
    """§7.3: 1,2,1,2,1,1,1,1,0 → 10 moderate, no alert."""
    response = submit(patient, "phq9", answers.PHQ9_MODERATE, actor=nurse, now=now)

    assert (response.total, response.severity, response.alerts, response.entered_by, response.staff) == (
        Decimal(10), "MODERATE", [], "staff", nurse)
    assert (Alert.objects.count(), AlertNotification.objects.count()) == (0, 0)
    assert event("questionnaires.response_submitted").data["alerts"] == []


def test_high_risk_cssrs_tells_the_on_call_clinician_too(patient, nurse, prescriber, on_call, now):
    """§7.3: Q1 yes, Q2 no, Q6 yes within 3 months → high (Posner; §7.2 immediate evaluation [L])."""
    response = submit(patient, "cssrs_screener", answers.CSSRS_HIGH, actor=nurse, now=now, mode="interview")

    assert (response.total, response.risk, response.severity) == (None, "high", "")
    alert = Alert.objects.get()
    assert (alert.code, alert.kind, alert.high, alert.item) == ("SUICIDE_RISK_HIGH", "suicide_risk", True, 6)
    assert (alert.prescriber, alert.on_call) == (prescriber, on_call)
    assert notified(alert) == [("oncall", "on_call", "sms"), ("prescriber", "prescriber", "email")]


def test_moderate_cssrs_opens_an_alert_that_is_not_high_and_not_for_the_on_call(patient, nurse, on_call, now):
    """§7.3: yes, yes, yes, no, no, no → moderate (same-day review, §7.2)."""
    response = submit(patient, "cssrs_screener", answers.CSSRS_MODERATE, actor=nurse, now=now, mode="interview")

    alert = Alert.objects.get()
    assert (response.risk, alert.code, alert.high, alert.on_call, alert.item) == (
        "moderate", "SUICIDE_RISK_MODERATE", False, None, 3)
    assert notified(alert) == [("prescriber", "prescriber", "email")]


def test_an_on_call_clinician_who_is_the_prescriber_is_told_once(patient, nurse, prescriber, director, now):
    actions.save_alert_settings(site=patient.site, actor=director, now=now, on_call=prescriber, crisis_text="",
                                crisis_text_high="")

    submit(patient, "cssrs_screener", answers.CSSRS_HIGH, actor=nurse, now=now, mode="interview")

    assert notified(Alert.objects.get()) == [("prescriber", "prescriber", "email")]


def test_a_patient_without_a_prescriber_has_the_sites_active_directors_told(main_site, other_site, nurse, director,
                                                                             now):
    patient = PatientFactory(site=main_site, prescriber=None)
    StaffUserFactory(username="director.away", role=Role.DIRECTOR, organisation=main_site.organisation,
                     sites=[main_site], is_active=False)
    StaffUserFactory(username="director.north", role=Role.DIRECTOR, organisation=main_site.organisation,
                     sites=[other_site])

    submit(patient, "phq9", answers.PHQ9_ITEM_9_POSITIVE, actor=nurse, now=now)

    alert = Alert.objects.get()
    assert (alert.prescriber, alert.on_call) == (None, None)
    assert notified(alert) == [("director", "prescriber", "email")]


@pytest.mark.parametrize(("instrument", "given", "context", "total", "severity", "code", "kind"), [
    ("madrs", answers.MADRS_ITEM_10_POSITIVE, None, 29, "MODERATE", "SUICIDE_RISK", "suicide_risk"),
    ("qids_sr16", answers.QIDS_ITEM_12_POSITIVE, None, 16, "SEVERE", "SUICIDE_RISK", "suicide_risk"),
    ("hamd17", answers.HAMD17_ITEM_3_POSITIVE, None, 19, "MODERATE", "SUICIDE_RISK", "suicide_risk"),
    ("ymrs", answers.YMRS_HOLD, None, 16, "HYPOMANIC", "HOLD_NEXT_INFUSION", "mania"),
    ("cadss", answers.CADSS_MARKED, {"pre_dose_total": 0}, 9, "", "MARKED_DISSOCIATION", "dissociation"),
    ("audit_c", answers.AUDIT_C_POSITIVE, None, 5, "", "AUDIT_C_POSITIVE", "substance_use"),
    ("dast10", answers.DAST10_POSITIVE, None, 3, "MODERATE", "DAST10_POSITIVE", "substance_use"),
], ids=["madrs-item-10", "qids-item-12", "hamd-item-3", "ymrs-12-or-more", "cadss-marked", "audit-c", "dast-10"])
def test_every_other_alert_the_reference_names_opens_an_alert_of_its_kind(
        patient, prescriber, instrument, given, context, total, severity, code, kind, now):
    """§7.2 alerts on the §7.3 fixtures: MADRS 10, QIDS-SR16 12 and HAM-D17 3 above 0; YMRS ≥ 12; CADSS above 4
    and above the pre-dose score; AUDIT-C and DAST-10 positive."""
    response = submit(patient, instrument, given, actor=prescriber, now=now, mode="interview", context=context)

    assert (response.total, response.severity, [alert["code"] for alert in response.alerts]) == (
        Decimal(total), severity, [code])
    alert = Alert.objects.get()
    assert (alert.code, alert.kind, alert.high, alert.prescriber, alert.response) == (
        code, kind, False, prescriber, response)
    assert notified(alert) == [("prescriber", "prescriber", "email")]


@pytest.mark.parametrize(("sex", "alerts"), [("female", ["AUDIT_C_POSITIVE"]), ("male", [])])
def test_audit_c_uses_the_patients_sex_for_its_cut_off(main_site, prescriber, nurse, now, sex, alerts):
    """§7.3: AUDIT-C 2,0,1 → 3, positive only for a woman (cut-offs 3 women, 4 men, §7.2)."""
    patient = PatientFactory(site=main_site, prescriber=prescriber, sex=sex)

    response = submit(patient, "audit_c", answers.AUDIT_C_THREE, actor=nurse, now=now)

    assert ([alert["code"] for alert in response.alerts], response.context) == (alerts, {"sex": sex})
    assert Alert.objects.count() == len(alerts)
    flags = {flag.code for flag in banner.screening_flags(patient, today=now.date(),
                                                          protocol=current_protocol(site=patient.site, now=now))}
    assert ("CA_SUD_HISTORY" in flags) is bool(alerts)


# Answers refused item by item


def test_two_out_of_range_answers_are_both_refused_and_nothing_is_stored(patient, nurse, now):
    given = [1, 7, 1, 2, -1, 1, 1, 1, 0]

    with pytest.raises(AnswerError) as refused:
        submit(patient, "phq9", given, actor=nurse, now=now)

    assert refused.value.items == ("2", "5")
    assert refused.value.message == ("Item 2 (Depressed mood) has options 0 to 3; 7 was sent. Item 5 (Appetite) has "
                                     "options 0 to 3; -1 was sent.")
    assert (QuestionnaireResponse.objects.count(), AuditEvent.objects.count()) == (0, 0)


def test_saving_keeps_every_good_answer_and_returns_each_refused_one(patient, nurse, now):
    errors_given = [1, 7, 1, 2, -1, None, None, None, None]

    draft, errors = actions.save_answers(patient=patient, instrument="phq9", answers=errors_given, actor=nurse,
                                         now=now, mode="paper")

    assert sorted(errors) == [2, 5]
    draft.refresh_from_db()
    assert (draft.status, draft.answers, draft.submitted_at) == (
        "draft", [1, None, 1, 2, None, None, None, None, None], None)
    assert event("questionnaires.answers_saved").data == {"instrument": "phq9", "answered": 3}
    assert actions.draft_for(patient=patient, instrument="phq9") == draft


def test_a_draft_survives_until_submitted_and_becomes_the_submitted_response(patient, nurse, now):
    later = now + dt.timedelta(minutes=20)
    draft, _ = actions.save_answers(patient=patient, instrument="phq9", answers=[1, 2, 1, None, None, None, None,
                                                                                 None, None],
                                    actor=nurse, now=now, mode="paper")

    response = submit(patient, "phq9", answers.PHQ9_MODERATE, actor=nurse, now=later)

    assert (response.pk, response.started_at, response.submitted_at, response.total) == (draft.pk, now, later,
                                                                                         Decimal(10))
    assert actions.draft_for(patient=patient, instrument="phq9") is None


def test_submitting_with_missing_answers_names_every_one(patient, nurse, now):
    given = [1, 2, None, None, 1, 1, 1, 1, 0]

    with pytest.raises(AnswerError) as refused:
        submit(patient, "phq9", given, actor=nurse, now=now)

    assert refused.value.items == ("3", "4")
    assert refused.value.message == ("Items 3 and 4 of PHQ-9 have no answer. Answer every question before "
                                     "submitting.")
    assert QuestionnaireResponse.objects.count() == 0


def test_items_not_asked_are_not_missing(patient, nurse, now):
    """C-SSRS items 3–5 are asked only after a Yes to item 2 (Posner screener)."""
    response = submit(patient, "cssrs_screener", answers.CSSRS_NONE, actor=nurse, now=now)

    assert (response.risk, response.answers) == ("", answers.CSSRS_NONE)


@pytest.mark.parametrize("instrument", ["madrs", "ymrs", "hamd17", "cadss"])
def test_a_patient_cannot_answer_or_be_sent_a_clinician_rated_scale(patient, nurse, now, instrument):
    given = [0] * len(scales.instrument(instrument).items)
    tablet = PatientActor(patient, handed_over_by=nurse)

    with pytest.raises(actions.NotPatientRated):
        submit(patient, instrument, given, actor=tablet, now=now, mode="tablet")
    with pytest.raises(actions.NotPatientRated):
        actions.save_answers(patient=patient, instrument=instrument, answers=given, actor=tablet, now=now,
                             mode="tablet")
    with pytest.raises(actions.NotPatientRated) as refused:
        actions.request_questionnaires(patient=patient, instruments=["phq9", instrument], actor=nurse, now=now)

    assert refused.value.field == "instruments"
    assert (QuestionnaireResponse.objects.count(), QuestionnaireRequest.objects.count()) == (0, 0)


def test_the_cssrs_screener_can_be_sent_to_the_patient_and_answered_on_the_tablet(patient, nurse, on_call, now):
    """Issue 13's acceptance: the patient answers the C-SSRS screener in tablet mode."""
    actions.request_questionnaires(patient=patient, instruments=["phq9", "cssrs_screener", "phq9"], actor=nurse,
                                   now=now)
    tablet = PatientActor(patient, handed_over_by=nurse)

    response = submit(patient, "cssrs_screener", answers.CSSRS_HIGH, actor=tablet, now=now, mode="tablet")

    assert (response.entered_by, response.risk, response.request.instrument) == ("patient", "high", "cssrs_screener")
    assert queries.due_instruments(patient=patient) == ["phq9"]
    assert queries.raises_suicide_alert(response) == (True, True)
    assert event("questionnaires.requested").data == {"instruments": ["phq9", "cssrs_screener"]}


def test_asking_again_for_a_scale_already_due_adds_no_request(patient, nurse, now):
    actions.request_questionnaires(patient=patient, instruments=["phq9"], actor=nurse, now=now)

    again = actions.request_questionnaires(patient=patient, instruments=["phq9"], actor=nurse, now=now)

    assert (again, QuestionnaireRequest.objects.count()) == ([], 1)
    assert AuditEvent.objects.filter(action="questionnaires.requested").count() == 1


# Acknowledgement


@pytest.fixture
def alert(patient, nurse, now):
    submit(patient, "phq9", answers.PHQ9_ITEM_9_POSITIVE, actor=nurse, now=now)
    return Alert.objects.get()


@pytest.mark.parametrize("action_taken", ["", "   \n "])
def test_acknowledging_without_the_action_taken_is_refused(alert, prescriber, now, action_taken):
    with pytest.raises(actions.ActionTakenRequired) as refused:
        actions.acknowledge_alert(alert=alert, actor=prescriber, now=now, action_taken=action_taken)

    assert refused.value.field == "action_taken"
    alert.refresh_from_db()
    assert (alert.status, alert.acknowledged_by, alert.action_taken) == ("open", None, "")
    assert not AuditEvent.objects.filter(action="questionnaires.alert_acknowledged").exists()


def test_acknowledging_records_who_when_and_the_action_taken(alert, prescriber, patient, now):
    actions.acknowledge_alert(alert=alert, actor=prescriber, now=now, action_taken="  Called the patient; seen "
                              "today at 14:00.  ")

    alert.refresh_from_db()
    assert (alert.status, alert.acknowledged_by, alert.acknowledged_at, alert.action_taken) == (
        "acknowledged", prescriber, now, "Called the patient; seen today at 14:00.")
    acknowledged = event("questionnaires.alert_acknowledged")
    assert (acknowledged.actor, acknowledged.data, patients_named(acknowledged)) == (
        prescriber, {"code": "SUICIDE_RISK"}, [patient.pk])
    assert queries.open_alerts(patient=patient) == []


def test_a_second_acknowledgement_is_refused_saying_who_and_when_in_the_sites_time(alert, prescriber, director):
    first_at = dt.datetime(2026, 11, 24, 19, 5, tzinfo=dt.UTC)  # 14:05 in New York
    actions.acknowledge_alert(alert=alert, actor=prescriber, now=first_at, action_taken="Called the patient.")

    with pytest.raises(actions.AlertAlreadyAcknowledged) as refused:
        actions.acknowledge_alert(alert=alert, actor=director, now=first_at + dt.timedelta(hours=1),
                                  action_taken="Also called.")

    assert refused.value.message == (f"This alert was already acknowledged by {prescriber} on 24 Nov 2026 at 14:05: "
                                     "its action stands. Add anything further to the patient's record.")
    alert.refresh_from_db()
    assert (alert.acknowledged_by, alert.acknowledged_at, alert.action_taken) == (
        prescriber, first_at, "Called the patient.")
    assert AuditEvent.objects.filter(action="questionnaires.alert_acknowledged").count() == 1


def test_open_alert_counts_are_the_sites_and_those_naming_the_user(alert, patient, nurse, prescriber, outsider, now):
    other = PatientFactory(site=patient.site, prescriber=None)
    submit(other, "phq9", answers.PHQ9_ITEM_9_POSITIVE, actor=nurse, now=now)

    assert queries.open_alert_counts(user=prescriber) == {"all": 2, "mine": 1}
    assert queries.open_alert_counts(user=outsider) == {"all": 0, "mine": 0}
    assert list(queries.inbox(user=outsider)) == []


# What screening reads


def flags_of(patient, now) -> set[str]:
    return {flag.code for flag in banner.screening_flags(patient, today=now.date(),
                                                         protocol=current_protocol(site=patient.site, now=now))}


def assess(patient, prescriber, now, outcome):
    return actions.record_risk_assessment(
        patient=patient, actor=prescriber, now=now, assessed_at=now, risk_level="high",
        protective_factors="Partner at home; engaged in care.", safety_plan="Safety plan written with the patient.",
        outcome=outcome)


def test_a_high_cssrs_today_is_a_hard_stop_that_acknowledging_does_not_lift(patient, nurse, prescriber, now):
    submit(patient, "cssrs_screener", answers.CSSRS_HIGH, actor=nurse, now=now)
    alert = Alert.objects.get()

    before = flags_of(patient, now)
    actions.acknowledge_alert(alert=alert, actor=prescriber, now=now, action_taken="Seen now; precautions started.")

    assert "HS_SUICIDE_HIGH" in before
    assert "HS_SUICIDE_HIGH" in flags_of(patient, now)
    shown = banner.banner_for(patient=patient, user=prescriber, now=now).clinical
    assert ("HS_SUICIDE_HIGH" in {flag.code for flag in shown.hard_stops}, shown.alerts) == (True, ())


def test_the_banner_shows_the_open_alert(patient, nurse, prescriber, now):
    submit(patient, "cssrs_screener", answers.CSSRS_HIGH, actor=nurse, now=now)

    shown = banner.banner_for(patient=patient, user=prescriber, now=now).clinical

    assert [(alert.code, alert.high) for alert in shown.alerts] == [("SUICIDE_RISK_HIGH", True)]


def test_a_same_day_assessment_to_proceed_lifts_the_hard_stop_to_a_caution(patient, nurse, prescriber, now):
    submit(patient, "cssrs_screener", answers.CSSRS_HIGH, actor=nurse, now=now)

    assessment = assess(patient, prescriber, now + dt.timedelta(hours=1), "proceed")

    flags = flags_of(patient, now)
    assert ("HS_SUICIDE_HIGH" in flags, "CA_SUICIDE_RISK" in flags) == (False, True)
    recorded = event("questionnaires.risk_assessment_recorded")
    assert (recorded.actor, recorded.data, recorded.object_id) == (
        prescriber, {"risk_level": "high", "outcome": "proceed"}, str(assessment.pk))


@pytest.mark.parametrize("outcome", ["hold_treatment", "refer_emergency"])
def test_an_assessment_that_does_not_proceed_keeps_the_hard_stop(patient, nurse, prescriber, now, outcome):
    submit(patient, "cssrs_screener", answers.CSSRS_HIGH, actor=nurse, now=now)

    assess(patient, prescriber, now, outcome)

    assert "HS_SUICIDE_HIGH" in flags_of(patient, now)


@pytest.mark.parametrize("later", ["CSSRS_MODERATE", "CSSRS_NONE"])
def test_a_later_lower_screener_does_not_lift_the_hard_stop_until_an_assessment_does(
        patient, nurse, prescriber, now, later):
    """Found by review: screening once read only the latest screener, so a low answer five minutes after a
    high one lifted HS_SUICIDE_HIGH with no assessment."""
    submit(patient, "cssrs_screener", answers.CSSRS_HIGH, actor=nurse, now=now)
    submit(patient, "cssrs_screener", getattr(answers, later), actor=nurse, now=now + dt.timedelta(minutes=5))

    held = flags_of(patient, now)
    assess(patient, prescriber, now + dt.timedelta(minutes=30), "proceed")
    lifted = flags_of(patient, now)

    assert "HS_SUICIDE_HIGH" in held
    assert "HS_SUICIDE_HIGH" not in lifted


def test_an_assessment_made_before_the_screener_does_not_lift_it(patient, nurse, prescriber, now):
    assess(patient, prescriber, now - dt.timedelta(days=1), "proceed")

    submit(patient, "cssrs_screener", answers.CSSRS_HIGH, actor=nurse, now=now)

    assert "HS_SUICIDE_HIGH" in flags_of(patient, now)


def test_phq9_item_9_is_a_caution_at_screening(patient, nurse, now):
    submit(patient, "phq9", answers.PHQ9_ITEM_9_POSITIVE, actor=nurse, now=now)

    assert "CA_SUICIDE_RISK" in flags_of(patient, now)


# Risk assessment and site settings refused


def test_an_assessment_without_protective_factors_and_safety_plan_is_refused(patient, prescriber, now):
    with pytest.raises(actions.AssessmentIncomplete) as refused:
        actions.record_risk_assessment(patient=patient, actor=prescriber, now=now, assessed_at=now, risk_level="high",
                                       protective_factors=" ", safety_plan="", outcome="proceed")

    assert (refused.value.message, refused.value.field) == (
        "Write the protective factors and the safety plan: an assessment records both.", "protective_factors")
    assert not queries.risk_assessments(patient=patient).exists()


def test_an_assessment_in_the_future_or_for_another_patients_alert_is_refused(alert, main_site, prescriber, now):
    other = PatientFactory(site=main_site)
    fields = dict(actor=prescriber, now=now, risk_level="low", protective_factors="Family.", safety_plan="Plan.",
                  outcome="proceed")

    with pytest.raises(actions.AssessmentIncomplete) as future:
        actions.record_risk_assessment(patient=alert.patient, assessed_at=now + dt.timedelta(minutes=5), **fields)
    with pytest.raises(actions.AssessmentIncomplete) as elsewhere:
        actions.record_risk_assessment(patient=other, assessed_at=now, alert=alert, **fields)

    assert (future.value.field, elsewhere.value.field) == ("assessed_at", "alert")


def test_only_an_active_prescriber_of_the_site_can_be_on_call(main_site, director, nurse, now):
    with pytest.raises(actions.OnCallNotAllowed):
        actions.save_alert_settings(site=main_site, actor=director, now=now, on_call=nurse, crisis_text="",
                                    crisis_text_high="")

    assert not SiteAlertSettings.objects.exists()
    assert queries.crisis_text(site=main_site, high=True) == queries.DEFAULT_CRISIS_TEXT_HIGH


def test_crisis_texts_default_to_988_and_for_high_risk_911_until_the_site_sets_its_own(main_site, director, now):
    assert "988" in queries.crisis_text(site=main_site, high=False)
    high = queries.crisis_text(site=main_site, high=True)
    assert ("911" in high, "stay with a member of staff" in high) == (True, True)

    actions.save_alert_settings(site=main_site, actor=director, now=now, on_call=None, crisis_text=" Call us. ",
                                crisis_text_high="Call 911 now.")

    assert (queries.crisis_text(site=main_site, high=False), queries.crisis_text(site=main_site, high=True)) == (
        "Call us.", "Call 911 now.")
    assert event("questionnaires.alert_settings_saved").data == {"on_call": None}


def test_a_patients_second_submission_of_a_scale_no_longer_due_is_refused_and_stores_nothing(patient, nurse, now):
    """Found by review: the patient's pages checked what was due outside the transaction, so two presses of
    Send stored two responses and opened two alerts. Under the request's lock the second is refused."""
    actions.request_questionnaires(patient=patient, instruments=["phq9"], actor=nurse, now=now)
    me = actions.PatientActor(patient)

    actions.submit_response(patient=patient, instrument="phq9", answers=answers.PHQ9_ITEM_9_POSITIVE, actor=me,
                            now=now, mode="remote", require_due=True)
    with pytest.raises(actions.NotDue):
        actions.submit_response(patient=patient, instrument="phq9", answers=answers.PHQ9_ITEM_9_POSITIVE, actor=me,
                                now=now, mode="remote", require_due=True)

    assert (QuestionnaireResponse.objects.count(), Alert.objects.count()) == (1, 1)


def test_an_alert_goes_to_the_sites_directors_when_the_prescriber_no_longer_works_there(
        patient, nurse, prescriber, director, now):
    """Found by review: a deactivated prescriber was still the only one told."""
    prescriber.is_active = False
    prescriber.save()

    submit(patient, "phq9", answers.PHQ9_ITEM_9_POSITIVE, actor=nurse, now=now)

    assert list(AlertNotification.objects.values_list("recipient", "reason")) == [(director.pk, "prescriber")]


def test_an_alert_nobody_at_the_site_can_be_told_of_is_recorded(patient, nurse, prescriber, director, now):
    for clinician in (prescriber, director):
        clinician.is_active = False
        clinician.save()

    submit(patient, "phq9", answers.PHQ9_ITEM_9_POSITIVE, actor=nurse, now=now)

    assert not AlertNotification.objects.exists()
    assert event("questionnaires.alert_unrouted").data == {"code": "SUICIDE_RISK"}

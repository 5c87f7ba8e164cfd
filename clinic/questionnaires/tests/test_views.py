"""The patient's Questionnaires tab: questionnaires due, paper forms and clinician ratings entered item by
item, drafts, each scale's history, suicide risk assessments, and open alerts in the banner.

Scores are the published worked examples of clinical-reference §7.3: PHQ-9 0,1,0,1,0,0,0,0,1 → 3
minimal with the item 9 alert (Kroenke 2001); MADRS 4,4,3,3,2,3,3,3,3,1 → 29 moderate with the item 10
alert (Montgomery & Åsberg 1979)."""

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic.audit.models import AuditEvent
from clinic.patients.tests.factories import PatientFactory
from clinic.questionnaires import actions
from clinic.questionnaires.models import (
    Alert,
    QuestionnaireRequest,
    QuestionnaireResponse,
    ResponseStatus,
    SuicideRiskAssessment,
)
from clinic.rules import scales

ZONE = zoneinfo.ZoneInfo("America/New_York")
NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=ZONE)
PHQ9_ITEM_9_POSITIVE = [0, 1, 0, 1, 0, 0, 0, 0, 1]
PHQ9_MODERATE = [1, 2, 1, 2, 1, 1, 1, 1, 0]
MADRS_ITEM_10_POSITIVE = [4, 4, 3, 3, 2, 3, 3, 3, 3, 1]


@pytest.fixture
def patient(main_site, prescriber, clock):
    clock(NOW)
    return PatientFactory(site=main_site, prescriber=prescriber, sex="female")


def tab_url(patient) -> str:
    return reverse("questionnaires:tab", args=[patient.pk])


def entry_url(patient, code: str) -> str:
    return reverse("questionnaires:entry", args=[patient.pk, code])


def answers_posted(answers: list, *, button: str = "submit", **extra) -> dict:
    posted = {f"item_{number}": str(answer) for number, answer in enumerate(answers, start=1) if answer is not None}
    return {**posted, button: "1", **extra}


def said(response) -> list[str]:
    """The messages the page showed (after a followed redirect), or those waiting for the next page."""
    if response.context is not None and "messages" in response.context:
        return [str(message) for message in response.context["messages"]]
    return [str(message) for message in get_messages(response.wsgi_request)]


def submit(patient, code: str, answers: list, *, actor, at: dt.datetime = NOW, mode: str = "paper"):
    return actions.submit_response(patient=patient, instrument=code, answers=answers, actor=actor, now=at, mode=mode)


# Entering a paper form and rating a clinician scale


def test_a_paper_phq9_with_item_9_positive_is_stored_scored_and_opens_an_alert_the_banner_shows(
        signed_in, nurse, prescriber, patient):
    client = signed_in(nurse)

    response = client.post(entry_url(patient, "phq9"), answers_posted(PHQ9_ITEM_9_POSITIVE), follow=True)

    assert response.redirect_chain == [(tab_url(patient) + "#scale-phq9", 302)]
    stored = QuestionnaireResponse.objects.get()
    assert (stored.status, stored.total, stored.severity, stored.mode, stored.entered_by, stored.staff,
            stored.answers, stored.scale_version) == (
        "submitted", Decimal(3), "MINIMAL", "paper", "staff", nurse, PHQ9_ITEM_9_POSITIVE,
        scales.instrument("phq9").version)
    [alert] = Alert.objects.all()
    assert (alert.code, alert.kind, alert.item, alert.prescriber, alert.status) == (
        "SUICIDE_RISK", "suicide_risk", 9, prescriber, "open")
    page = response.content.decode()
    assert "PHQ-9 submitted: total 3, severity Minimal." in page
    assert f"Alert opened (SUICIDE_RISK): {alert.message}" in page
    banner = page[page.index('data-testid="banner-alerts"'):page.index("</section>", page.index("patient-banner"))]
    assert "Suicide risk · SUICIDE_RISK · raised" in banner
    assert '<time datetime="2026-11-24T09:30:00-05:00">' in banner
    assert AuditEvent.objects.filter(action="questionnaires.response_submitted", actor=nurse).count() == 1


def test_a_clinician_rating_of_madrs_is_stored_as_an_interview_by_the_prescriber(signed_in, prescriber, patient):
    response = signed_in(prescriber).post(entry_url(patient, "madrs"), answers_posted(MADRS_ITEM_10_POSITIVE))

    assert response.status_code == 302
    stored = QuestionnaireResponse.objects.get()
    assert (stored.instrument, stored.total, stored.severity, stored.mode, stored.staff) == (
        "madrs", Decimal(29), "MODERATE", "interview", prescriber)
    assert [alert["code"] for alert in stored.alerts] == ["SUICIDE_RISK"]
    assert said(response) == ["MADRS submitted: total 29, severity Moderate.",
                              f"Alert opened (SUICIDE_RISK): {stored.alerts[0]['message']}"]


def test_ymrs_takes_half_point_ratings_from_number_inputs(signed_in, prescriber, patient):
    """YMRS items 1–4, 7, 10 and 11 are rated 0–4 in steps of 0.5, items 5, 6, 8 and 9 0–8 (design §4.4)."""
    client = signed_in(prescriber)
    page = client.get(entry_url(patient, "ymrs")).content.decode()
    ratings = [1.5, 1, 1, 2, 4, 2, 1, 2, 0, 0, 0.5]

    client.post(entry_url(patient, "ymrs"), answers_posted(ratings))

    assert 'type="number" name="item_1"' in page and 'step="0.5"' in page and 'max="8"' in page
    stored = QuestionnaireResponse.objects.get()
    assert (stored.total, stored.answers, stored.mode) == (Decimal("15"), ratings, "interview")


def test_out_of_range_answers_mark_every_item_and_keep_what_was_typed(signed_in, prescriber, patient):
    posted = answers_posted([1.25, 1, 1, 2, 9, 2, 1, 2, 0, 0, 1])

    response = signed_in(prescriber).post(entry_url(patient, "ymrs"), posted)

    form = response.context["form"]
    assert sorted(form.errors) == ["__all__", "item_1", "item_5"]
    assert form.errors["item_1"] == ["Item 1 (Elevated mood) must be 0 to 4 in steps of 0.5; 1.25 was sent."]
    page = response.content.decode()
    assert 'name="item_1" value="1.25"' in page and 'name="item_5" value="9"' in page
    assert 'name="item_11" value="1"' in page
    assert not QuestionnaireResponse.objects.exists()


def test_unanswered_items_are_each_marked_when_submitting_and_the_answers_stay_checked(signed_in, nurse, patient):
    answers = [1, 2, None, 2, None, 1, 1, 1, 0]

    response = signed_in(nurse).post(entry_url(patient, "phq9"), answers_posted(answers))

    form = response.context["form"]
    assert form.non_field_errors() == ["Items 3 and 5 of PHQ-9 have no answer. Answer every question before "
                                       "submitting."]
    assert (form.errors["item_3"], form.errors["item_5"]) == (["Answer this question."], ["Answer this question."])
    page = response.content.decode()
    assert 'value="2" id="id_item_2_2" checked' in page.replace('required ', '')
    assert not QuestionnaireResponse.objects.exists()


def test_a_draft_keeps_good_answers_reopens_with_them_and_submits_later(signed_in, nurse, patient):
    client = signed_in(nurse)

    saved = client.post(entry_url(patient, "phq9"), answers_posted([1, 2, 1, None, None, None, None, None, None],
                                                                    button="save"))
    reopened = client.get(entry_url(patient, "phq9"))
    client.post(entry_url(patient, "phq9"), answers_posted(PHQ9_MODERATE))

    assert said(saved) == ["Saved PHQ-9 to finish later: 3 of 9 items answered. It is not scored until it is "
                           "submitted."]
    assert reopened.context["form"].initial["item_2"] == "2"
    assert 'value="2" id="id_item_2_2" checked' in reopened.content.decode()
    assert 'data-testid="draft-note"' in reopened.content.decode()
    [stored] = QuestionnaireResponse.objects.all()
    assert (stored.status, stored.total, stored.severity, stored.answers) == (
        "submitted", Decimal(10), "MODERATE", PHQ9_MODERATE)


def test_saving_a_draft_with_a_refused_answer_keeps_the_others_and_marks_it(signed_in, prescriber, patient):
    response = signed_in(prescriber).post(entry_url(patient, "ymrs"),
                                          answers_posted([2, 9, None, None, None, None, None, None, None, None, 0.5],
                                                         button="save"))

    draft = QuestionnaireResponse.objects.get(status=ResponseStatus.DRAFT)
    assert draft.answers == [2, None, None, None, None, None, None, None, None, None, 0.5]
    form = response.context["form"]
    assert form.errors["item_2"] == ["Item 2 (Increased motor activity and energy) must be 0 to 4 in steps of 0.5; "
                                     "9 was sent."]
    assert "Saved the 2 answers that could be kept" in form.non_field_errors()[0]
    assert 'name="item_2" value="9"' in response.content.decode()
    # One act, one event: the save's own, not a second one for the page shown again (found by review).
    assert list(AuditEvent.objects.filter(action__startswith="questionnaires.").values_list("action", flat=True)) == [
        "questionnaires.answers_saved"]


def test_an_item_not_asked_is_stored_as_not_asked_whatever_the_page_sent(signed_in, prescriber, patient):
    """C-SSRS items 3–5 are asked only after a Yes to item 2; with item 2 No they are null (design §4.4)."""
    posted = answers_posted([1, 0, 1, 1, 1, 2])

    signed_in(prescriber).post(entry_url(patient, "cssrs_screener"), posted)

    stored = QuestionnaireResponse.objects.get()
    assert (stored.answers, stored.risk, stored.mode) == ([1, 0, None, None, None, 2], "high", "interview")
    assert Alert.objects.get().high is True


@pytest.mark.parametrize(("sex", "alerts"), [("female", ["AUDIT_C_POSITIVE"]), ("male", [])])
def test_audit_c_takes_the_cut_off_of_the_patients_recorded_sex(sex, alerts, signed_in, nurse, patient):
    """§7.3: AUDIT-C 2,0,1 → 3, positive only for a woman (cut-offs 3 for women, 4 for men)."""
    patient.sex = sex
    patient.save(update_fields=["sex"])

    signed_in(nurse).post(entry_url(patient, "audit_c"), answers_posted([2, 0, 1]))

    stored = QuestionnaireResponse.objects.get()
    assert ([alert["code"] for alert in stored.alerts], stored.context) == (alerts, {"sex": sex})


def test_midas_asks_for_items_a_and_b_and_marks_a_missing_one(signed_in, nurse, patient):
    client = signed_in(nurse)

    refused = client.post(entry_url(patient, "midas"), answers_posted([2, 1, 0, 3, 1], midas_b="6"))
    client.post(entry_url(patient, "midas"), answers_posted([2, 1, 0, 3, 1], midas_a="12", midas_b="6"))

    assert refused.context["form"].errors["midas_a"][0].startswith("MIDAS item A (Headache days in the last 3 months) "
                                                                   "has no answer.")
    assert 'name="midas_b" value="6"' in refused.content.decode()
    stored = QuestionnaireResponse.objects.get()
    assert (stored.total, stored.severity, stored.context) == (Decimal(7), "GRADE_II", {"midas_a": 12, "midas_b": 6})


def test_cadss_compares_with_the_pre_dose_total(signed_in, prescriber, patient):
    """§7.3: pre-dose 0, 40 minutes 9 → marked dissociation; with a pre-dose 9 the same 9 is no change."""
    client = signed_in(prescriber)

    client.post(entry_url(patient, "cadss"), answers_posted([1] * 9 + [0] * 14, pre_dose_total="9"))

    stored = QuestionnaireResponse.objects.get()
    assert (stored.total, stored.alerts, stored.context) == (Decimal(9), [], {"pre_dose_total": 9})


@pytest.mark.parametrize("code", list(scales.INSTRUMENTS))
def test_every_instrument_of_the_rules_has_an_entry_page_with_each_item(code, signed_in, prescriber, patient):
    scale = scales.instrument(code)

    response = signed_in(prescriber).get(entry_url(patient, code))

    page = response.content.decode()
    assert page.count('data-testid="item"') == len(scale.items)
    assert f"{scale.name}: {'enter a paper form' if scale.completed_by == 'patient' else 'clinician rating'}" in page
    for item in scale.items:
        assert f"<legend>{item.number}. {item.label}</legend>" in page.replace("&#x27;", "'")


# The tab


def test_the_tab_shows_each_scales_history_newest_first_with_who_entered_it(signed_in, nurse, prescriber, patient):
    submit(patient, "phq9", PHQ9_MODERATE, actor=nurse, at=NOW - dt.timedelta(days=7))
    submit(patient, "phq9", PHQ9_ITEM_9_POSITIVE, actor=actions.PatientActor(patient, handed_over_by=nurse),
           at=NOW - dt.timedelta(days=1), mode="tablet")
    submit(patient, "madrs", MADRS_ITEM_10_POSITIVE, actor=prescriber, mode="interview")

    response = signed_in(nurse).get(tab_url(patient))

    history = response.context["history"]
    assert [(scale.code, [row.total for row in rows]) for scale, rows in history] == [
        ("phq9", [Decimal(3), Decimal(10)]), ("madrs", [Decimal(29)])]
    page = response.content.decode()
    phq9 = page[page.index('id="scale-phq9"'):page.index('id="scale-madrs"')]
    assert phq9.index("23 Nov 2026") < phq9.index("17 Nov 2026")
    assert f"The patient (tablet from {nurse})" in phq9 and "Clinic tablet" in phq9 and "Paper form" in phq9
    assert ">Moderate<" in phq9.replace("</td>", "<").replace("<td>", ">")
    assert 'title="' in phq9 and ">SUICIDE_RISK</span>" in phq9
    event = AuditEvent.objects.get(action="questionnaires.tab_viewed")
    assert ([link.patient_id for link in event.patient_links.all()], event.data) == ([patient.pk], {"scores": True})


def test_front_desk_sees_the_questionnaires_due_and_no_score_answer_alert_or_assessment(
        signed_in, front_desk, nurse, prescriber, patient):
    actions.request_questionnaires(patient=patient, instruments=["gad7"], actor=nurse, now=NOW)
    submit(patient, "phq9", PHQ9_ITEM_9_POSITIVE, actor=nurse)
    actions.record_risk_assessment(patient=patient, actor=prescriber, now=NOW, assessed_at=NOW, risk_level="low",
                                   protective_factors="Family", safety_plan="Plan kept", outcome="proceed")
    client = signed_in(front_desk)

    response = client.get(tab_url(patient))

    page = response.content.decode()
    assert "GAD-7" in page and 'data-testid="due-row"' in page
    assert [text for text in ("SUICIDE_RISK", "Scores, newest first", "Suicide risk assessments", "Family",
                              "Enter a paper form", "banner-alerts", "Minimal") if text in page] == []
    assert "history" not in response.context and "assessments" not in response.context
    assert client.get(entry_url(patient, "phq9")).status_code == 403
    assert client.get(reverse("questionnaires:risk_assessment", args=[patient.pk])).status_code == 403


def test_front_desk_asks_for_and_withdraws_patient_rated_questionnaires(signed_in, front_desk, patient):
    client = signed_in(front_desk)

    asked = client.post(reverse("questionnaires:request", args=[patient.pk]), {"instruments": ["phq9", "gad7"]},
                        follow=True)
    again = client.post(reverse("questionnaires:request", args=[patient.pk]), {"instruments": ["phq9"]}, follow=True)
    gad7 = QuestionnaireRequest.objects.get(instrument="gad7")
    withdrawn = client.post(reverse("questionnaires:withdraw", args=[patient.pk, gad7.pk]), follow=True)

    assert said(asked) == ["Asked for PHQ-9, GAD-7."]
    assert said(again) == ["PHQ-9 was already due."]
    assert said(withdrawn) == ["Withdrew GAD-7: it is no longer due."]
    assert [(row.instrument, row.requested_by, row.withdrawn_at is None) for row in
            QuestionnaireRequest.objects.order_by("pk")] == [("phq9", front_desk, True), ("gad7", front_desk, False)]


def test_a_clinician_rated_scale_cannot_be_sent_to_the_patient(signed_in, nurse, patient):
    response = signed_in(nurse).post(reverse("questionnaires:request", args=[patient.pk]), {"instruments": ["madrs"]})

    assert said(response) == ["Select a valid choice. madrs is not one of the available choices."]
    assert not QuestionnaireRequest.objects.exists()


def test_the_tab_lists_a_saved_draft_beside_its_scale(signed_in, nurse, patient):
    actions.save_answers(patient=patient, instrument="gad7", answers=[1] + [None] * 6, actor=nurse, now=NOW,
                         mode="paper")

    page = signed_in(nurse).get(tab_url(patient)).content.decode()

    assert f'<a href="{entry_url(patient, "gad7")}">GAD-7</a> <span class="tag warn">draft saved</span>' in page


def tab_queries(client, patient) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(tab_url(patient))
    assert response.status_code == 200
    return len(queries)


# Session, user, second factor, the user's sites, the patient; the questionnaires due, the history, the drafts,
# the assessments; the audit write's four; the navigation's open alert count; the banner's seven intake
# lists, its two diagnosis reads, screening's stored screens and assessments and the open alerts (as on
# every patient page, PATIENT_PAGE_QUERIES in clinic/patients/tests/test_diagnosis_views.py); what is due,
# for the patient access controls; and the open alerts the assessment form offers.
TAB_QUERIES = 28


def test_the_tab_takes_the_same_queries_for_10_and_1000_responses(signed_in, director, patient):
    client = signed_in(director)
    rows = [QuestionnaireResponse(patient=patient, instrument=("phq9", "gad7")[number % 2], scale_version="1",
                                  status="submitted", answers=[0] * 9, total=number % 20, severity="MILD",
                                  mode="paper", entered_by="staff", staff=director, started_at=NOW,
                                  updated_at=NOW, submitted_at=NOW - dt.timedelta(hours=number))
            for number in range(1000)]
    QuestionnaireResponse.objects.bulk_create(rows[:10])
    client.get(tab_url(patient))  # the first request creates the audit chain's head row
    ten = tab_queries(client, patient)
    QuestionnaireResponse.objects.bulk_create(rows[10:])

    thousand = tab_queries(client, patient)

    assert ten == thousand <= TAB_QUERIES
    page = client.get(tab_url(patient)).content.decode()
    assert page.count('data-testid="response-row"') == 1000


# Suicide risk assessment


def test_a_prescriber_records_a_risk_assessment_answering_an_alert_and_screening_lifts_the_hard_stop(
        signed_in, prescriber, nurse, patient):
    """clinic.rules.eligibility: HS_SUICIDE_HIGH until a same-day assessment decides to proceed."""
    submit(patient, "cssrs_screener", [1, 0, None, None, None, 2], actor=prescriber, mode="interview")
    alert = Alert.objects.get()
    client = signed_in(prescriber)
    before = client.get(reverse("patients:chart", args=[patient.pk])).content.decode()

    response = client.post(reverse("questionnaires:risk_assessment", args=[patient.pk]), {
        "assessed_at": "2026-11-24T09:10", "risk_level": "high", "outcome": "proceed", "alert": alert.pk,
        "protective_factors": "Close to her sister", "safety_plan": "Plan reviewed; sister stays tonight"},
        follow=True)

    assert 'data-code="HS_SUICIDE_HIGH"' in before
    assessment = SuicideRiskAssessment.objects.get()
    assert (assessment.assessed_at, assessment.assessed_by, assessment.alert, assessment.outcome) == (
        dt.datetime(2026, 11, 24, 9, 10, tzinfo=ZONE), prescriber, alert, "proceed")
    page = response.content.decode()
    assert "Recorded the suicide risk assessment: High risk, proceed with treatment." in page
    assert 'data-code="HS_SUICIDE_HIGH"' not in page and 'data-code="CA_SUICIDE_RISK"' in page
    assert "Close to her sister" in page
    nurse_page = signed_in(nurse).get(tab_url(patient)).content.decode()
    assert "Close to her sister" in nurse_page and "Record a suicide risk assessment" not in nurse_page


def test_an_incomplete_risk_assessment_keeps_what_was_typed(signed_in, director, patient):
    response = signed_in(director).post(reverse("questionnaires:risk_assessment", args=[patient.pk]), {
        "assessed_at": "2026-11-24T09:10", "risk_level": "moderate", "outcome": "hold_treatment",
        "protective_factors": "Works with her therapist", "safety_plan": "   "})

    assert response.context["form"].errors == {"safety_plan": ["This field is required."]}
    assert "Works with her therapist" in response.content.decode()
    assert not SuicideRiskAssessment.objects.exists()


def test_a_nurse_may_not_record_a_risk_assessment(signed_in, nurse, patient):
    response = signed_in(nurse).post(reverse("questionnaires:risk_assessment", args=[patient.pk]), {
        "assessed_at": "2026-11-24T09:10", "risk_level": "low", "outcome": "proceed",
        "protective_factors": "Family", "safety_plan": "Plan"})

    assert response.status_code == 403
    assert not SuicideRiskAssessment.objects.exists()


# The banner


def test_the_banner_shows_open_alerts_to_clinical_staff_and_not_to_front_desk(signed_in, nurse, front_desk,
                                                                             patient, client):
    submit(patient, "phq9", PHQ9_ITEM_9_POSITIVE, actor=nurse)
    chart = reverse("patients:chart", args=[patient.pk])

    clinical = signed_in(nurse).get(chart).content.decode()
    client.logout()
    desk = signed_in(front_desk).get(chart).content.decode()

    assert 'data-testid="banner-alerts"' in clinical
    assert '<li class="flag alert" data-code="SUICIDE_RISK"' in clinical
    assert "Open the alerts</a>" in clinical
    assert "banner-alerts" not in desk and "SUICIDE_RISK" not in desk


def test_an_acknowledged_alert_leaves_the_banner(signed_in, nurse, prescriber, patient):
    submit(patient, "phq9", PHQ9_ITEM_9_POSITIVE, actor=nurse)
    actions.acknowledge_alert(alert=Alert.objects.get(), actor=prescriber, now=NOW, action_taken="Called her")

    page = signed_in(nurse).get(reverse("patients:chart", args=[patient.pk])).content.decode()

    assert "banner-alerts" not in page

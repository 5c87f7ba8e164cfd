"""Every URL is classified; every one that touches patient data writes an audit event naming the
actor, the action and the patients, and answers a user of another site exactly as a missing record,
recording only the refusal; every patient and audit route sends a signed-out visitor to sign in
(design §5 audit and security bars)."""

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from clinic.audit.models import AuditEvent
from clinic.consents.tests.factories import signed_consent
from clinic.courses.tests.factories import arranged_course
from clinic.letters.actions import produce_letters
from clinic.letters.content import LetterFacts
from clinic.patients.models import Document, Medication, OtherDiagnosis, Patient, ReferringClinician
from clinic.patients.tests.factories import PatientFactory
from clinic.questionnaires.models import Alert, QuestionnaireRequest
from clinic.questionnaires.tests.factories import PHQ9_ITEM_9_POSITIVE, QuestionnaireResponseFactory
from clinic.screening import actions as screening_actions

# Routes that show or change no patient's data, with the reason.
NO_PATIENT_DATA = {
    "healthz": "health check",
    "accounts:home": "redirect to the patient list",
    "accounts:login": "sign-in",
    "accounts:verify": "second sign-in step",
    "accounts:logout": "sign-out",
    "accounts:enrol": "second-factor set-up",
    "accounts:second_factor": "own second factor and recovery codes",
    "accounts:tokens": "own API tokens",
    "accounts:working_site": "choose the site one works at",
    "accounts:token_revoke": "own API tokens",
    "accounts:password_reset": "password reset",
    "accounts:password_reset_done": "password reset",
    "accounts:password_reset_confirm": "password reset",
    "accounts:password_reset_complete": "password reset",
    "accounts:staff_list": "staff administration; tested in clinic/accounts",
    "accounts:staff_invite": "staff administration",
    "accounts:staff_edit": "staff administration",
    "accounts:staff_deactivate": "staff administration",
    "accounts:staff_reactivate": "staff administration",
    "accounts:staff_reset_second_factor": "staff administration",
    "accounts:staff_send_password_link": "staff administration",
    "accounts:staff_unlock": "staff administration",
    "sites:list": "site administration; tested in clinic/sites",
    "sites:create": "site administration",
    "sites:detail": "site administration",
    "sites:edit": "site administration",
    "sites:opening_hours": "site administration",
    "sites:closed_date_add": "site administration",
    "sites:closed_date_remove": "site administration",
    "sites:chair_add": "site administration",
    "sites:chair_rename": "site administration",
    "sites:chair_deactivate": "site administration",
    "sites:chair_reactivate": "site administration",
    "protocols:current": "the clinic's protocol; tested in clinic/protocols",
    "protocols:history": "the clinic's protocol",
    "protocols:version": "the clinic's protocol",
    "protocols:edit": "the clinic's protocol",
    "patients:referrers": "directory of outside clinicians",
    "patients:referrer_add": "directory of outside clinicians",
    "patients:referrer_edit": "directory of outside clinicians",
    "audit:search": "audit trail; tested in clinic/audit",
    "alerts:site_settings": "site administration; tested in clinic/questionnaires",
    "alerts:channel": "own alert channel",
    "alerts:staff_channel": "staff administration",
}


@dataclass(frozen=True)
class Case:
    """One request to a patient route and the audit action it must write."""

    url_name: str
    action: str
    method: str = "get"
    role: str = "nurse"
    data: dict[str, Any] = field(default_factory=dict)
    kind: str = "medication"  # the kind of intake entry, for the intake routes


MEDICATION = {"name": "Bupropion", "drug_class": "antidepressant_other", "dose_text": "300 mg daily"}
DIAGNOSIS = {"icd10_code": "F20.9", "status": "current", "noted_on": "2026-10-01"}
PATIENT_FIELDS = {"site": "@site_id", "given_name": "Ines", "family_name": "Marlow", "birth_date": "1979-03-14",
                  "sex": "female", "phone": "555-0190", "preferred_channel": "phone", "referral_source": "self"}

CASES = [
    Case("patients:chart", "patients.chart_viewed", role="front_desk"),
    Case("patients:edit", "patients.edit_form_viewed", role="front_desk"),
    Case("patients:edit", "patients.updated", "post", role="front_desk", data=PATIENT_FIELDS),
    Case("patients:intake", "patients.intake_viewed"),
    Case("patients:safety_history", "patients.safety_history_form_viewed"),
    Case("patients:safety_history", "patients.safety_history_saved", "post", data={"pregnancy": "none"}),
    Case("patients:intake_add", "patients.medication_form_viewed"),
    Case("patients:intake_add", "patients.medication_added", "post", data=MEDICATION),
    Case("patients:intake_edit", "patients.medication_form_viewed"),
    Case("patients:intake_edit", "patients.medication_changed", "post",
         data={**MEDICATION, "dose_text": "150 mg daily"}),
    Case("patients:intake_remove", "patients.medication_removed", "post"),
    Case("patients:intake_add", "patients.other_diagnosis_form_viewed", kind="other_diagnosis"),
    Case("patients:intake_add", "patients.other_diagnosis_added", "post", data=DIAGNOSIS, kind="other_diagnosis"),
    Case("patients:intake_edit", "patients.other_diagnosis_changed", "post",
         data={**DIAGNOSIS, "icd10_code": "F31.81", "status": "past"}, kind="other_diagnosis"),
    Case("patients:intake_remove", "patients.other_diagnosis_removed", "post", kind="other_diagnosis"),
    Case("patients:document_upload", "patients.document_form_viewed"),
    Case("patients:document_upload", "patients.document_uploaded", "post",
         data={"kind": "outside_records", "title": "Discharge summary", "document_date": "2026-10-01"}),
    Case("patients:document", "patients.document_viewed"),
    Case("patients:record_nkda", "patients.nkda_recorded", "post"),
    Case("patients:history", "patients.history_viewed"),
    Case("audit:patient", "audit.patient_trail_viewed", role="director"),
    Case("alerts:acknowledge", "questionnaires.alert_viewed", role="prescriber"),
    Case("alerts:acknowledge", "questionnaires.alert_acknowledged", "post", role="prescriber",
         data={"action_taken": "Called the patient; safety plan reviewed"}),
    Case("questionnaires:tab", "questionnaires.tab_viewed", role="front_desk"),
    Case("questionnaires:request", "questionnaires.requested", "post", role="front_desk", data={"instruments": "phq9"}),
    Case("questionnaires:withdraw", "questionnaires.request_withdrawn", "post", role="front_desk"),
    Case("questionnaires:entry", "questionnaires.entry_viewed"),
    Case("questionnaires:entry", "questionnaires.answers_saved", "post", data={"item_1": "2", "save": "1"}),
    Case("questionnaires:entry", "questionnaires.response_submitted", "post",
         data={**{f"item_{number}": "1" for number in range(1, 10)}, "submit": "1"}),
    Case("questionnaires:risk_assessment", "questionnaires.risk_assessment_form_viewed", role="director"),
    Case("questionnaires:risk_assessment", "questionnaires.risk_assessment_recorded", "post", role="director",
         data={"assessed_at": "2026-01-05T09:00", "risk_level": "low", "outcome": "proceed",
               "protective_factors": "Family", "safety_plan": "Plan reviewed"}),
    Case("letters:tab", "letters.tab_viewed"),
    Case("letters:print", "letters.printed"),
    Case("letters:send", "letters.sent", "post"),
    Case("consents:tab", "consents.tab_viewed"),
    Case("consents:sign", "consents.sign_form_viewed"),
    Case("consents:paper", "consents.paper_form_viewed"),
    Case("consents:detail", "consents.viewed"),
    Case("consents:withdraw", "consents.withdrawn", "post", data={"reason": "Wants to stop"}),
    Case("courses:tab", "courses.tab_viewed"),
    Case("courses:change_phase", "courses.phase_changed", "post", role="prescriber",
         data={"to_phase": "assessment", "reason": "Six infusions given."}),
    # The walk's patient has an incomplete intake, so opening is refused and the tab is shown again.
    Case("courses:open", "courses.tab_viewed", "post", role="prescriber", data={"indication": "TRD_UNIPOLAR"}),
    # The walk's course is open, so no stopping letters wait: the refusal shows the tab again.
    Case("courses:stop_letters", "courses.tab_viewed", "post", role="prescriber"),
    Case("screening:tab", "screening.tab_viewed"),
    Case("screening:run", "screening.run_viewed"),
    Case("screening:screen", "screening.run", "post"),
    Case("screening:sign", "screening.decision_form_viewed", role="prescriber"),
    Case("screening:sign", "screening.decision_signed", "post", role="prescriber",
         data={"run": "@screening_run", "outcome": "not_eligible", "summary": "Intake incomplete."}),
    Case("screening:addendum", "screening.decision_viewed", role="prescriber"),
    Case("screening:addendum", "screening.addendum_added", "post", role="prescriber", data={"text": "Letter sent."}),
]
# Routes that list or create patients rather than open one by id; tested in
# clinic/patients/tests/test_views.py (one audit event naming every listed patient; registration).
# The alert inbox lists patients too; tested in clinic/questionnaires/tests/test_inbox_views.py.
LIST_AND_CREATE = {"patients:list", "patients:register", "alerts:inbox"}


def all_routes(patterns=None, namespace: str | None = None, prefix: str = "") -> dict[str, str]:
    """Every URL name outside the API, with its route (the API is walked through its OpenAPI
    document in clinic/api/tests)."""
    routes = {}
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace) if part) or None
            if not str(pattern.pattern).startswith("api/"):
                routes |= all_routes(pattern.url_patterns, inner, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            routes[f"{namespace}:{pattern.name}" if namespace else str(pattern.name)] = prefix + str(pattern.pattern)
    return routes


def test_every_route_is_classified():
    classified = (set(NO_PATIENT_DATA) | {case.url_name for case in CASES} | LIST_AND_CREATE | set(PATIENT_ROUTES)
                  | set(REFERRAL_ROUTES))

    unknown = set(all_routes()) - classified
    stale = classified - set(all_routes())

    assert unknown == set(), f"classify these routes in {__name__}: {sorted(unknown)}"
    assert stale == set(), f"these classified routes no longer exist: {sorted(stale)}"


@pytest.fixture
def chart_with_records(main_site, nurse, prescriber, settings, tmp_path, django_capture_on_commit_callbacks):
    """A patient with a medicine, an other diagnosis, a document and an open alert, and the URL arguments
    that reach them; "items" holds the intake entry of each kind."""
    settings.MEDIA_ROOT = tmp_path
    patient = PatientFactory(site=main_site)
    due = QuestionnaireRequest.objects.create(patient=patient, instrument="gad7", requested_by=nurse,
                                              requested_at=dt.datetime.now(dt.UTC))
    medication = Medication.objects.create(patient=patient, name="Sertraline", drug_class="ssri")
    diagnosis = OtherDiagnosis.objects.create(
        patient=patient, icd10_code="F43.10", description="Post-traumatic stress disorder, unspecified",
        status="current", noted_on=dt.date(2026, 10, 1), recorded_by=nurse, recorded_at=dt.datetime.now(dt.UTC))
    document = Document.objects.create(
        patient=patient, kind="referral_letter", document_date=dt.date(2026, 10, 1), title="Referral",
        original_name="referral.pdf", content_type="application/pdf", size_bytes=8, storage_key="k" * 32,
        file=SimpleUploadedFile("k" * 32, b"%PDF-1.4"), uploaded_by=nurse, uploaded_at=dt.datetime.now(dt.UTC))
    alert = Alert.objects.create(patient=patient, code="SUICIDE_RISK", kind="suicide_risk", item=9,
                                 message="PHQ-9 item 9 above 0.", raised_at=dt.datetime.now(dt.UTC))
    response = QuestionnaireResponseFactory(patient=patient, answers=list(PHQ9_ITEM_9_POSITIVE))
    Patient.objects.filter(pk=patient.pk).update(email="patient@example.org")
    consent = signed_consent(patient=patient, actor=nurse, now=dt.datetime.now(dt.UTC))
    course = arranged_course(patient=patient, prescriber=prescriber, now=dt.datetime.now(dt.UTC))
    with django_capture_on_commit_callbacks(execute=True):
        [letter] = produce_letters(actor=nurse, now=dt.datetime.now(dt.UTC), patient=patient, reason="course_stopped",
                                   facts=LetterFacts(outcome="stopped", summary="Stopped at the patient's wish.",
                                                     signed_by=nurse, signed_at=dt.datetime.now(dt.UTC)),
                                   source=patient)
    decided = screening_actions.screen_patient(patient=patient, actor=nurse, now=dt.datetime.now(dt.UTC),
                                               trigger="manual")
    decision = screening_actions.sign_decision(actor=prescriber, now=dt.datetime.now(dt.UTC), patient=patient,
                                               screening_run=decided, outcome="not_eligible",
                                               summary="Intake incomplete.", caution_decisions={})
    latest_run = screening_actions.screen_patient(patient=patient, actor=nurse, now=dt.datetime.now(dt.UTC),
                                                  trigger="manual")
    return patient, {"site_id": main_site.pk, "patient_id": patient.pk, "kind": "medication", "item_id": medication.pk,
                     "alert_id": alert.pk, "member_id": nurse.pk, "response_id": response.pk,
                     "document_id": document.pk, "request_id": due.pk, "instrument": "phq9", "letter_id": letter.pk,
                     "consent_id": consent.pk, "course_id": course.pk, "number": decided.number,
                     "decision_id": decision.pk, "screening_run": latest_run.pk,
                     "items": {"medication": medication.pk, "other_diagnosis": diagnosis.pk}}


def url_for(case: Case, arguments: dict[str, Any]) -> str:
    return url_for_name(case.url_name, {**arguments, "kind": case.kind, "item_id": arguments["items"][case.kind]})


def url_for_name(url_name: str, arguments: dict[str, Any]) -> str:
    """The route's URL with its arguments filled in; a route wanting an argument not offered fails."""
    wanted = set(re.findall(r"<(?:\w+:)?(\w+)>", all_routes()[url_name]))
    unknown = wanted - set(arguments)
    assert unknown == set(), f"give {url_name} a record for {sorted(unknown)} in the fixture"
    return reverse(url_name, kwargs={key: value for key, value in arguments.items() if key in wanted})


def send(client, case: Case, url: str, arguments: dict[str, Any]):
    """Send the case's request; "@name" values in its data are taken from the arguments."""
    data = {key: arguments[value[1:]] if str(value).startswith("@") else value for key, value in case.data.items()}
    if case.url_name == "patients:document_upload" and case.method == "post":
        data["file"] = SimpleUploadedFile("scan.pdf", b"%PDF-1.4 scan", content_type="application/pdf")
    return getattr(client, case.method)(url, data) if case.method == "post" else client.get(url)


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.method}-{case.url_name}-{case.action}")
def test_patient_route_writes_one_audit_event_naming_actor_and_patient(case, request, signed_in, chart_with_records):
    patient, arguments = chart_with_records
    user = request.getfixturevalue(case.role)
    client = signed_in(user)
    before = AuditEvent.objects.count()

    response = send(client, case, url_for(case, arguments), arguments)

    assert response.status_code in {200, 302}, response.content[:500]
    events = list(AuditEvent.objects.order_by("seq")[before:])
    matching = [event for event in events if event.action == case.action]
    assert len(matching) == 1, [event.action for event in events]
    event = matching[0]
    assert (event.actor, event.role, event.actor_kind) == (user, user.role, "staff")
    assert [link.patient_id for link in event.patient_links.all()] == [patient.pk]


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.method}-{case.url_name}-{case.action}")
def test_patient_route_answers_another_site_as_not_found(case, request, signed_in, chart_with_records, other_site):
    from clinic.accounts.tests.factories import StaffUserFactory

    patient, arguments = chart_with_records
    outsider = StaffUserFactory(username=f"outside-{case.role}", role=case.role,
                                organisation=other_site.organisation, sites=[other_site])
    client = signed_in(outsider)

    url = url_for(case, arguments)

    response = send(client, case, url, arguments)

    assert response.status_code == 404
    [event] = AuditEvent.objects.filter(actor=outsider)
    assert (event.action, event.data["route"], event.data["path"], event.data["status"]) == (
        "audit.access_refused", case.url_name, url, 404)
    assert [link.patient_id for link in event.patient_links.all()] == [patient.pk]


def test_referrer_directory_is_per_organisation(signed_in, front_desk, outsider, organisation):
    from clinic.sites.tests.factories import OrganisationFactory

    elsewhere = ReferringClinician.objects.create(organisation=OrganisationFactory(), name="Dr Elsewhere")

    response = signed_in(front_desk).get(reverse("patients:referrer_edit", args=[elsewhere.pk]))

    assert response.status_code == 404


CLINICAL_CASES = [case for case in CASES if case.role == "nurse"]
# Every page about one patient: the GET routes that render HTML (a document download is the file itself).
PATIENT_PAGES = [case for case in CASES
                 if case.method == "get" and case.url_name not in {"patients:document", "letters:print"}]
FRONT_DESK_PAGES = [case for case in PATIENT_PAGES if case.role == "front_desk"]


def banner_of(response) -> str:
    page = response.content.decode()
    start = page.find('<section class="banner"')
    assert start >= 0, f"no patient banner on {response.request['PATH_INFO']}"
    return page[start:page.index("</section>", start)]


def test_the_banner_walk_covers_every_patient_page():
    pages = {case.url_name for case in PATIENT_PAGES}

    assert pages == {"patients:chart", "patients:edit", "patients:intake", "patients:safety_history",
                     "patients:intake_add", "patients:intake_edit", "patients:document_upload", "patients:history",
                     "audit:patient", "alerts:acknowledge",
                     "questionnaires:tab", "questionnaires:entry", "questionnaires:risk_assessment",
                     "letters:tab", "consents:tab", "consents:sign", "consents:paper", "consents:detail",
                     "courses:tab", "screening:tab", "screening:run", "screening:sign", "screening:addendum"}


@pytest.mark.parametrize("case", PATIENT_PAGES, ids=lambda case: f"{case.url_name}-{case.kind}")
def test_every_patient_page_carries_the_banner_with_age_and_allergy_status(case, request, signed_in,
                                                                          chart_with_records, clock, now):
    """Design §5 pages for people: name, MRN, age and allergy status on every patient page, for
    clinical staff (the director for the audit pages, a prescriber for an alert's acknowledgement)."""
    patient, arguments = chart_with_records
    clock(now)
    user = request.getfixturevalue(case.role if case.role in {"director", "prescriber"} else "nurse")

    banner = banner_of(signed_in(user).get(url_for(case, arguments)))

    assert f"{patient.family_name}, {patient.given_name}" in banner
    assert patient.mrn in banner
    assert '<span class="nowrap">46 y</span> · <span class="nowrap">born 9 Apr 1980</span>' in banner
    assert '<span class="flag caution">Allergies not yet recorded</span>' in banner
    assert 'data-code="HS_INTAKE_INCOMPLETE"' in banner


@pytest.mark.parametrize("case", FRONT_DESK_PAGES, ids=lambda case: case.url_name)
def test_front_desk_sees_the_administrative_banner_alone(case, signed_in, front_desk, chart_with_records,
                                                         clock, now):
    patient, arguments = chart_with_records
    clock(now)

    banner = banner_of(signed_in(front_desk).get(url_for(case, arguments)))

    assert (f"{patient.family_name}, {patient.given_name}" in banner, patient.mrn in banner,
            "46 y" in banner, "Female" in banner, "Main" in banner) == (True,) * 5
    assert [text for text in ("Allergies", "Hard stops", "Cautions", "For information", "flag")
            if text in banner] == []


@pytest.mark.parametrize("case", CLINICAL_CASES, ids=lambda case: f"{case.method}-{case.url_name}-{case.action}")
def test_front_desk_is_refused_every_clinical_route_and_only_the_refusal_is_audited(case, signed_in, front_desk,
                                                                                   chart_with_records):
    patient, arguments = chart_with_records
    client = signed_in(front_desk)

    response = send(client, case, url_for(case, arguments), arguments)

    assert response.status_code == 403
    [event] = AuditEvent.objects.filter(actor=front_desk)
    assert (event.action, event.data["route"], event.data["method"], event.data["status"]) == (
        "audit.access_refused", case.url_name, case.method.upper(), 403)
    assert [link.patient_id for link in event.patient_links.all()] == [patient.pk]


SIGNED_OUT_NAMESPACES = ("patients", "audit", "alerts", "questionnaires", "letters", "consents", "courses",
                         "screening")
# What each POST carries, so that a route that forgot its sign-in check would write something.
POST_DATA = {case.url_name: case.data for case in CASES if case.method == "post" and case.kind == "medication"} | {
    "patients:register": PATIENT_FIELDS,
    "patients:referrer_add": {"name": "Dr Signed Out", "active": "on"},
    "patients:referrer_edit": {"name": "Dr Signed Out", "active": "on"},
    "alerts:site_settings": {"on_call": "", "crisis_text": "Signed out", "crisis_text_high": ""},
    "alerts:channel": {"alert_channel": "email", "mobile_phone": ""},
    "alerts:staff_channel": {"alert_channel": "email", "mobile_phone": ""},
}


def routes_of(*namespaces: str) -> list[str]:
    return sorted(name for name in all_routes() if name.split(":")[0] in namespaces)


def every_row() -> dict[str, list[dict]]:
    """Every row of every table the application owns, to show that a request wrote nothing."""
    from django.apps import apps

    return {model._meta.label: list(model.objects.order_by("pk").values()) for model in apps.get_models()}


@pytest.fixture
def every_record(chart_with_records, organisation):
    """The chart's records and a referring clinician: one of each thing a route takes by id."""
    patient, arguments = chart_with_records
    # Names no page or header holds by chance, so that finding one means the patient's data leaked.
    Patient.objects.filter(pk=patient.pk).update(given_name="Zephyrine", family_name="Quillfeather")
    referrer = ReferringClinician.objects.create(organisation=organisation, name="Dr Hale")
    texts = ["Zephyrine", "Quillfeather", patient.mrn, "Sertraline", "Referral", "Dr Hale"]
    return texts, {**arguments, "referrer_id": referrer.pk}


def test_the_signed_out_walk_covers_the_patient_and_audit_routes():
    assert {"patients:list", "patients:chart", "patients:document", "audit:search", "audit:patient"} <= set(
        routes_of(*SIGNED_OUT_NAMESPACES))


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("url_name", routes_of(*SIGNED_OUT_NAMESPACES))
def test_every_patient_and_audit_route_sends_a_signed_out_visitor_to_sign_in_and_changes_nothing(
        client, every_record, url_name, method):
    texts, arguments = every_record
    url = url_for_name(url_name, arguments)
    data = {key: arguments[value[1:]] if str(value).startswith("@") else value
            for key, value in POST_DATA.get(url_name, {}).items()}
    if url_name == "patients:document_upload":
        data["file"] = SimpleUploadedFile("scan.pdf", b"%PDF-1.4 scan", content_type="application/pdf")
    before = every_row()

    response = client.post(url, data) if method == "post" else client.get(url)

    assert (response.status_code, response.headers.get("Location")) == (302, f"{reverse('accounts:login')}?next={url}")
    page = response.content.decode() + str(response.headers)
    assert [text for text in texts if text in page] == []
    assert every_row() == before


# The patient's own pages (/p/) and tablet mode (/tablet/), and the two staff routes that open them:
# what each writes, walked below (the patient's pages with a patient session, the tablet's with a tablet
# handed over), or where it is tested.
PATIENT_ROUTES = {
    "patient:home": "walked: questionnaires.patient_home_viewed, the patient as actor",
    "patient:answer": "walked: questionnaires.patient_form_viewed, the patient as actor",
    "patient:crisis": "walked: questionnaires.crisis_text_shown, the patient as actor",
    "tablet:home": "walked: questionnaires.tablet_home_viewed, the patient as actor",
    "tablet:answer": "walked: questionnaires.patient_form_viewed, the patient as actor",
    "tablet:crisis": "walked: questionnaires.crisis_text_shown, the patient as actor",
    "tablet:give_back": "walked: questionnaires.tablet_ended, the patient as actor",
    "patient:send_link": "walked: questionnaires.link_issued by staff; another site 404",
    "tablet:start": "walked: questionnaires.tablet_started by staff; another site 404; front desk 403",
    "patient:link": "date of birth form, showing nothing of the patient; its POST is audited by the sign-in "
                    "action (clinic/questionnaires/tests/test_patient_views.py)",
    "patient:new_link": "questionnaires.new_link_requested; clinic/questionnaires/tests/test_patient_views.py",
    "patient:done": "thank-you page: no patient data",
    "patient:sign_out": "ends the patient session: no patient data",
    "patient_consent:consent": "walked: consents.patient_viewed, the patient as actor",
}
PATIENT_WALK = {"patient:home": "questionnaires.patient_home_viewed",
                "patient:answer": "questionnaires.patient_form_viewed",
                "patient:crisis": "questionnaires.crisis_text_shown",
                "tablet:home": "questionnaires.tablet_home_viewed",
                "tablet:answer": "questionnaires.patient_form_viewed",
                "tablet:crisis": "questionnaires.crisis_text_shown",
                "tablet:give_back": "questionnaires.tablet_ended",
                "patient_consent:consent": "consents.patient_viewed"}


@pytest.fixture
def answering_patient(main_site, prescriber, nurse, now):
    """A patient with GAD-7 due and a PHQ-9 sent with item 9 positive, and a sign-in link."""
    from clinic.questionnaires import actions

    patient = PatientFactory(site=main_site, prescriber=prescriber)
    actions.request_questionnaires(patient=patient, instruments=["phq9", "gad7"], actor=nurse, now=now)
    response = actions.submit_response(patient=patient, instrument="phq9", answers=[0] * 8 + [1],
                                       actor=actions.PatientActor(patient), now=now, mode="remote")
    _link, token = actions.issue_link(patient=patient, actor=nurse, now=now, channel="email")
    return patient, {"instrument": "gad7", "response_id": response.pk, "patient_id": patient.pk, "token": token}


@pytest.mark.parametrize("url_name", sorted(PATIENT_WALK))
def test_patient_and_tablet_routes_write_one_audit_event_with_the_patient_as_actor(
        url_name, answering_patient, client, signed_in, nurse, clock, now):
    patient, arguments = answering_patient
    clock(now)
    if not url_name.startswith("tablet:"):
        client.post(reverse("patient:link", args=[arguments["token"]]),
                    {"month": patient.birth_date.month, "day": patient.birth_date.day, "year": patient.birth_date.year})
    else:
        signed_in(nurse).post(reverse("tablet:start", args=[patient.pk]))
    before = AuditEvent.objects.order_by("seq").last().seq

    url = url_for_name(url_name, arguments)
    response = client.post(url) if url_name == "tablet:give_back" else client.get(url)

    assert response.status_code == 200, response.content[:500]
    [event] = AuditEvent.objects.filter(seq__gt=before, patient_links__patient_id=patient.pk)
    assert (event.action, event.actor_kind, event.actor, event.actor_label) == (
        PATIENT_WALK[url_name], "patient", None, f"patient {patient.mrn}")
    assert [link.patient_id for link in event.patient_links.all()] == [patient.pk]


@pytest.mark.parametrize(("url_name", "action", "role"),
                         [("patient:send_link", "questionnaires.link_issued", "front_desk"),
                          ("tablet:start", "questionnaires.tablet_started", "nurse")])
def test_the_routes_opening_patient_access_write_one_staff_event_and_refuse_another_site(
        url_name, action, role, request, answering_patient, signed_in, other_site, client):
    from clinic.accounts.tests.factories import StaffUserFactory

    patient, arguments = answering_patient
    Patient.objects.filter(pk=patient.pk).update(email="patient@example.org")
    user = request.getfixturevalue(role)
    url = url_for_name(url_name, arguments)
    before = AuditEvent.objects.order_by("seq").last().seq

    allowed = signed_in(user).post(url)
    [event] = AuditEvent.objects.filter(actor=user, seq__gt=before)
    client.logout()
    outsider = StaffUserFactory(username=f"outside-{role}", role=role, organisation=other_site.organisation,
                                sites=[other_site])
    refused = signed_in(outsider).post(url)

    assert allowed.status_code == 302
    assert (event.action, [link.patient_id for link in event.patient_links.all()]) == (action, [patient.pk])
    assert refused.status_code == 404
    [refusal] = AuditEvent.objects.filter(actor=outsider)
    assert (refusal.action, refusal.data["route"], [link.patient_id for link in refusal.patient_links.all()]) == (
        "audit.access_refused", url_name, [patient.pk])


def test_front_desk_may_not_hand_the_tablet_to_a_patient(answering_patient, signed_in, front_desk):
    from clinic.questionnaires.models import TabletSession

    _patient, arguments = answering_patient

    response = signed_in(front_desk).post(url_for_name("tablet:start", arguments))

    assert response.status_code == 403
    [event] = AuditEvent.objects.filter(actor=front_desk)
    assert TabletSession.objects.count() == 0
    assert (event.action, event.data["route"]) == ("audit.access_refused", "tablet:start")


# The referral queue: personal data of people not yet patients. Every route writes one event naming the
# referral (and, once registered, the patient), and answers another site's referral as a missing one.
REFERRAL_ROUTES = {
    "referrals:queue": "referrals.queue_viewed",
    "referrals:add": "referrals.received (a blank form shows no one's data; its POST is walked)",
    "referrals:detail": "referrals.viewed",
    "referrals:change_status": "referrals.status_changed",
    "referrals:letter": "referrals.letter_viewed",
    "referrals:register": "referrals.register_form_viewed; its POST referrals.registered",
}
REFERRAL_WALK = [
    ("referrals:queue", "get", "referrals.queue_viewed", {}),
    ("referrals:add", "post", "referrals.received",
     {"site": "@site_id", "received_on": "2026-11-02", "source": "self", "given_name": "Ines",
      "family_name": "Marlow", "reason": "Depression"}),
    ("referrals:detail", "get", "referrals.viewed", {}),
    ("referrals:change_status", "post", "referrals.status_changed",
     {"status": "contacted", "happened_on": "2026-11-03"}),
    ("referrals:letter", "get", "referrals.letter_viewed", {}),
    ("referrals:register", "get", "referrals.register_form_viewed", {}),
    ("referrals:register", "post", "referrals.registered",
     {"given_name": "Ada", "family_name": "Lovegood", "birth_date": "1984-06-12", "sex": "female",
      "phone": "555-0177", "preferred_channel": "phone"}),
]


@pytest.fixture
def referral_with_letter(main_site, front_desk, settings, tmp_path, now):
    from clinic.referrals import actions as referral_actions

    settings.MEDIA_ROOT = tmp_path
    referral = referral_actions.create_referral(
        actor=front_desk, now=now, site=main_site, max_bytes=10_000, received_on=dt.date(2026, 11, 2),
        given_name="Ada", family_name="Lovegood", birth_date=dt.date(1984, 6, 12), reason="Depression", source="self",
        letter=SimpleUploadedFile("letter.pdf", b"%PDF-1.4 letter", content_type="application/pdf"))
    return referral, {"referral_id": referral.pk, "site_id": main_site.pk}


def test_the_referral_walk_covers_every_referral_route():
    assert {url_name for url_name, *_ in REFERRAL_WALK} == set(REFERRAL_ROUTES) == set(routes_of("referrals"))


@pytest.mark.parametrize(("url_name", "method", "action", "data"), REFERRAL_WALK,
                         ids=[f"{method}-{action}" for _, method, action, _ in REFERRAL_WALK])
@pytest.mark.parametrize("role", ["front_desk", "nurse"])
def test_referral_route_writes_one_audit_event_naming_actor_and_referral(
        url_name, method, action, data, role, request, signed_in, referral_with_letter, clock, now):
    from clinic.referrals.models import Referral

    referral, arguments = referral_with_letter
    clock(now)
    user = request.getfixturevalue(role)
    client = signed_in(user)
    before = AuditEvent.objects.order_by("seq").last().seq
    values = {key: arguments[value[1:]] if str(value).startswith("@") else value for key, value in data.items()}

    url = url_for_name(url_name, arguments)
    response = client.post(url, values) if method == "post" else client.get(url)

    assert response.status_code in {200, 302}, response.content[:500]
    [event] = [event for event in AuditEvent.objects.filter(seq__gt=before) if event.action == action]
    assert (event.actor, event.role, event.actor_kind) == (user, user.role, "staff")
    subject = Referral.objects.order_by("pk").last() if url_name == "referrals:add" else referral
    if url_name == "referrals:queue":
        assert event.data["referral_ids"] == [referral.pk]
    else:
        assert (event.object_type, event.object_id) == ("referrals.Referral", str(subject.pk))
    registered = Referral.objects.get(pk=referral.pk).patient_id
    assert [link.patient_id for link in event.patient_links.all()] == ([registered] if registered else [])


@pytest.mark.parametrize(("url_name", "method", "action", "data"),
                         [case for case in REFERRAL_WALK if case[0] not in {"referrals:queue", "referrals:add"}],
                         ids=lambda value: value if isinstance(value, str) and ":" in value else "")
def test_referral_route_answers_another_site_as_not_found(url_name, method, action, data, signed_in,
                                                         referral_with_letter, other_site):
    from clinic.accounts.tests.factories import StaffUserFactory
    from clinic.referrals.models import Referral

    referral, arguments = referral_with_letter
    outsider = StaffUserFactory(username="outside-front-desk", role="front_desk", organisation=other_site.organisation,
                                sites=[other_site])
    before = every_row()

    url = url_for_name(url_name, arguments)
    response = signed_in(outsider).post(url, data) if method == "post" else signed_in(outsider).get(url)

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(actor=outsider, action__startswith="referrals.").exists()
    assert (Referral.objects.get(pk=referral.pk).status, every_row()["patients.Patient"]) == (
        "received", before["patients.Patient"])


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("url_name", sorted(REFERRAL_ROUTES))
def test_every_referral_route_sends_a_signed_out_visitor_to_sign_in_and_changes_nothing(
        client, referral_with_letter, url_name, method):
    _referral, arguments = referral_with_letter
    url = url_for_name(url_name, arguments)
    data = {key: arguments[value[1:]] if str(value).startswith("@") else value
            for name, verb, _action, fields in REFERRAL_WALK if name == url_name and verb == "post"
            for key, value in fields.items()}
    before = every_row()

    response = client.post(url, data) if method == "post" else client.get(url)

    assert (response.status_code, response.headers.get("Location")) == (302, f"{reverse('accounts:login')}?next={url}")
    assert [text for text in ("Lovegood", "Ada", "letter.pdf") if text in response.content.decode()] == []
    assert every_row() == before

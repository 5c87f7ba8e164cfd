"""Audit events in words: each action code as the sentence a medical director reads, who acted by name
and role, and changed fields by their labels.

Every action code the code base writes has a sentence here; clinic/audit/tests/test_plain_language_codes.py
collects the codes from the source and fails on one without, so a new code arrives with its words.
"""

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.db import models

from clinic.audit.models import ActorKind, AuditEvent
from clinic.patients.revisions import ROLE_LABELS, field_label

KIND_LABELS = dict(ActorKind.choices)
# The intake records a clinician adds, changes and removes one by one (clinic.patients.actions.INTAKE_MODELS).
INTAKE_NOUNS = {
    "indication": "an indication",
    "other_diagnosis": "another diagnosis",
    "medication": "a medicine",
    "allergy": "an allergy",
    "measurement": "a body measurement",
    "treatment_trial": "a prior treatment",
    "result": "a result",
}

SENTENCES: dict[str, str] = {
    # Patient records
    "patients.chart_viewed": "Viewed the chart",
    "patients.intake_viewed": "Viewed the intake",
    "patients.history_viewed": "Viewed the history of changes",
    "patients.edit_form_viewed": "Opened the registration details to change them",
    "patients.registered": "Registered the patient",
    "patients.updated": "Changed the registration details",
    "patients.nkda_recorded": "Recorded no known drug allergies",
    "patients.safety_history_form_viewed": "Opened the safety history to answer it",
    "patients.safety_history_saved": "Changed the safety history",
    "patients.document_form_viewed": "Opened the form to upload a document",
    "patients.document_uploaded": "Uploaded a document",
    "patients.document_viewed": "Viewed a document",
    "patients.referring_clinician_saved": "Saved a referring clinician",
    **{f"patients.{kind}_added": f"Added {noun}" for kind, noun in INTAKE_NOUNS.items()},
    **{f"patients.{kind}_changed": f"Changed {noun}" for kind, noun in INTAKE_NOUNS.items()},
    **{f"patients.{kind}_removed": f"Removed {noun}" for kind, noun in INTAKE_NOUNS.items()},
    **{f"patients.{kind}_form_viewed": f"Opened the form for {noun}" for kind, noun in INTAKE_NOUNS.items()},
    # Through the API
    "api.patients.read": "Read the registration details through the API",
    "api.patients.intake_read": "Read the intake through the API",
    "api.create_replayed": "Sent the same API request again and got the first answer back",
    "api.questionnaires.responses_listed": "Read the questionnaire scores through the API",
    "api.questionnaires.risk_assessments_listed": "Read the suicide risk assessments through the API",
    "api.questionnaires.risk_assessment_read": "Read a suicide risk assessment through the API",
    # Questionnaires, alerts and the patient's own access
    # Screening and eligibility
    "screening.tab_viewed": "Viewed the screening and eligibility decisions",
    "screening.run_viewed": "Viewed a screening run",
    "screening.run": "Screened the intake against the eligibility rules",
    "screening.decision_form_viewed": "Opened the form to sign an eligibility decision",
    "screening.decision_viewed": "Opened an eligibility decision to add to it",
    "screening.decision_signed": "Signed an eligibility decision",
    "screening.addendum_added": "Added an addendum to an eligibility decision",
    "api.screening.run_read": "Read a screening run through the API",
    "api.screening.decision_read": "Read an eligibility decision through the API",
    "api.screening.eligibility_read": "Read the current eligibility through the API",
    "questionnaires.tab_viewed": "Viewed the questionnaires",
    "questionnaires.requested": "Asked the patient to complete questionnaires",
    "questionnaires.request_withdrawn": "Withdrew a questionnaire that was due",
    "questionnaires.entry_viewed": "Opened a questionnaire to enter or rate it",
    "questionnaires.answers_saved": "Saved a questionnaire's answers to finish later",
    "questionnaires.response_submitted": "Submitted a questionnaire and stored its score",
    "questionnaires.alert_viewed": "Viewed a clinical alert",
    "questionnaires.alert_acknowledged": "Acknowledged a clinical alert with the action taken",
    "questionnaires.alert_notified": "Told a clinician of a clinical alert",
    "questionnaires.alert_unrouted": "Found no active prescriber or director at the site to tell of a clinical alert",
    "questionnaires.alert_settings_saved": "Changed a site's on-call clinician or crisis texts",
    "questionnaires.risk_assessment_form_viewed": "Opened the form for a suicide risk assessment",
    "questionnaires.risk_assessment_recorded": "Recorded a suicide risk assessment",
    "questionnaires.link_issued": "Issued the patient a sign-in link",
    "questionnaires.new_link_requested": "Asked for a new sign-in link from an expired, used or locked one",
    "questionnaires.link_birth_date_refused": "Refused a sign-in link's date of birth",
    "questionnaires.patient_signed_in": "Signed in from a sign-in link",
    "questionnaires.patient_home_viewed": "Viewed the questionnaires due",
    "questionnaires.patient_form_viewed": "Opened a questionnaire to answer it",
    "questionnaires.crisis_text_shown": "Was shown the crisis text after an answer raised a suicide alert",
    "questionnaires.tablet_started": "Handed the clinic tablet to the patient",
    "questionnaires.tablet_home_viewed": "Viewed the questionnaires due on the clinic tablet",
    "questionnaires.tablet_ended": "Gave the clinic tablet back to staff",
    # The referral queue
    "referrals.queue_viewed": "Viewed the referral queue",
    "referrals.received": "Entered a referral",
    "referrals.viewed": "Viewed a referral",
    "referrals.letter_viewed": "Viewed a referral letter",
    "referrals.status_changed": "Changed a referral's status",
    "referrals.register_form_viewed": "Opened a referral to register the person as a patient",
    "referrals.registered": "Registered a referred person as a patient",
    "referrals.linked_to_patient": "Linked a referral to the patient already registered",
    "referrals.letter_filed": "Filed the referral letter in the patient's documents",
    # Letters to the patient and the referring clinician
    "letters.tab_viewed": "Viewed the letters",
    "letters.produced": "Wrote a letter about a decision",
    "letters.sent": "Emailed a letter",
    "letters.printed": "Opened a letter to print",
    # Informed consent
    "consents.tab_viewed": "Viewed the consent",
    "consents.sign_form_viewed": "Opened the consent document to counsel the patient and sign",
    "consents.paper_form_viewed": "Opened the form to upload a signed paper consent",
    "consents.viewed": "Viewed a signed consent",
    "consents.recorded": "Recorded the patient's informed consent",
    "consents.withdrawn": "Recorded that the patient withdrew their consent",
    "consents.scan_discarded": "Removed the scan of a paper consent that was refused after its upload",
    # Treatment courses
    "courses.tab_viewed": "Viewed the treatment course",
    "courses.opened": "Opened a treatment course from the eligibility decision",
    "courses.phase_changed": "Signed a decision that changed the treatment course's phase",
    "courses.stopped_by_withdrawal": "Recorded that the treatment course stopped because consent was withdrawn",
    "courses.stop_letters_written": "Signed and wrote the letters of a course stopped when consent was withdrawn",
    "api.courses.listed": "Read the treatment courses through the API",
    "api.courses.read": "Read a treatment course through the API",
    "consents.patient_viewed": "Read their signed consent",
    "api.consents.listed": "Read the consents through the API",
    "api.consents.read": "Read a consent through the API",
    "api.consents.document_read": "Read the current consent document through the API",
    # Sign-in and accounts
    "accounts.login": "Signed in",
    "accounts.logout": "Signed out",
    "accounts.login_failed": "Failed to sign in",
    "accounts.locked_out": "Sign-in locked after repeated failures",
    "accounts.login_failures_unaudited": "Further wrong passwords this hour are counted, not recorded one by one",
    "accounts.anonymous_requests_unaudited": "Further requests from one address this hour are counted, "
                                             "not recorded one by one",
    "accounts.sign_in_unlocked": "Unlocked a staff member's sign-in",
    "accounts.second_factor_enrolled": "Set up a second factor",
    "accounts.second_factor_reset": "Reset a staff member's second factor",
    "accounts.recovery_codes_replaced": "Replaced the recovery codes",
    "accounts.password_reset_requested": "Asked for a password reset",
    "accounts.password_reset_completed": "Set a new password",
    "accounts.password_link_sent": "Sent a staff member a link to set a password",
    "accounts.password_link_issued": "Issued a link to set a password",
    "accounts.api_token_issued": "Issued an API token",
    "accounts.api_token_revoked": "Revoked an API token",
    "accounts.api_tokens_revoked": "Revoked every API token of an account",
    "accounts.staff_invited": "Invited a staff member",
    "accounts.staff_changed": "Changed a staff member's details",
    "accounts.staff_deactivated": "Deactivated a staff member",
    "accounts.staff_reactivated": "Reactivated a staff member",
    "accounts.alert_channel_changed": "Changed how a clinician is told of clinical alerts",
    # Organisation and sites
    "sites.organisation_created": "Set up the organisation",
    "sites.site_created": "Added a site",
    "sites.site_changed": "Changed a site's details",
    "sites.opening_hours_changed": "Changed a site's opening hours",
    "sites.closed_date_added": "Added a closed date",
    "sites.closed_date_removed": "Removed a closed date",
    "sites.chair_added": "Added a chair",
    "sites.chair_renamed": "Renamed a chair",
    "sites.chair_deactivated": "Took a chair out of service",
    "sites.chair_reactivated": "Put a chair back in service",
    "protocols.changed": "Changed the clinic's protocol",
    # The audit trail and the database
    "audit.patient_trail_viewed": "Viewed who viewed or changed this record",
    "audit.chain_verified": "Checked that the audit trail is unchanged",
    "audit.chain_signed": "Signed the audit trail with the audit key",
    "exports.database_backup": "Backed up the whole database",
    "backups.restored": "Restored the database from a backup",
}

# Events naming a patient among others on one page: (the page in words, its plural). A patient's trail
# groups a run of them (clinic.audit.queries.patient_trail_runs).
LIST_ACTIONS = {
    "patients.list_viewed": ("a patient list", "patient lists"),
    "patients.duplicates_shown": ("possible duplicates at a registration", "lists of possible duplicates"),
    "api.patients.listed": ("a patient list through the API", "patient lists through the API"),
    "api.alerts.listed": ("an alert list through the API", "alert lists through the API"),
    "questionnaires.inbox_viewed": ("the alert inbox", "alert inboxes"),
    "audit.searched": ("an audit search", "audit searches"),
}
# The key of each list event's data holding what was searched for.
SEARCHED = {"patients.list_viewed": "query", "api.patients.listed": "q"}
# A refused request (clinic.audit.refusals writes it).
REFUSED_ACTION = "audit.access_refused"
REFUSALS = {403: "not allowed in this role", 404: "not found, or not at a site this person works at"}
LOGIN_STEPS = {"password": "wrong password", "second_factor": "wrong second-factor code"}


def known_actions() -> set[str]:
    """Every action code with a sentence."""
    return set(SENTENCES) | set(LIST_ACTIONS) | {REFUSED_ACTION}


def sentence(event: AuditEvent, *, patients_named: int | None = None) -> str:
    """The event as a sentence. `patients_named` is how many patients a list event named, on a page of
    the whole trail; None on one patient's trail, where a list event showed "this patient"."""
    if event.action in LIST_ACTIONS:
        return _list_sentence(event, patients_named=patients_named)
    if event.action == REFUSED_ACTION:
        status = event.data.get("status", 0)
        return f"Refused: {REFUSALS.get(status, 'refused')} ({status})"
    if event.action in ("accounts.login_failed", "accounts.locked_out") and event.data.get("step") in LOGIN_STEPS:
        return f"{SENTENCES[event.action]}: {LOGIN_STEPS[event.data['step']]}"
    # A code written before its sentence was: shown as stored rather than hidden.
    return SENTENCES.get(event.action, f"{event.action} (no description yet)")


def group_sentence(action: str, count: int) -> str:
    """A run of one person's list events in one day: "Appeared in 37 patient lists"."""
    one, many = LIST_ACTIONS[action]
    return f"Appeared in {count} {many}" if count > 1 else f"Appeared in {one}"


def _list_sentence(event: AuditEvent, *, patients_named: int | None) -> str:
    one, _ = LIST_ACTIONS[event.action]
    seen = "this patient" if patients_named is None else f"{patients_named} patient{'s' * (patients_named != 1)}"
    shown = searched(event)
    return f"Saw {seen} in {one}" + (f" (search: ‘{shown}’)" if shown else "")


def searched(event: AuditEvent) -> str:
    """What a list event's page was searched for; empty for a list without a search."""
    return str(event.data.get(SEARCHED.get(event.action, ""), "") or "").strip()


def who(event: AuditEvent) -> tuple[str, str]:
    """(name, role) of who acted: a staff member by name with the role they held then; anyone else
    by the label the event keeps (a username typed at sign-in, a command) and the kind of actor."""
    try:
        actor = event.actor
    except ObjectDoesNotExist:  # the trail outlives the accounts it names
        actor = None
    if actor is not None:
        return str(actor), ROLE_LABELS.get(event.role, event.role) or KIND_LABELS.get(event.actor_kind, "")
    return event.actor_label, ROLE_LABELS.get(event.role, "") or KIND_LABELS.get(event.actor_kind, event.actor_kind)


def changed_labels(event: AuditEvent) -> list[str]:
    """The fields an event changed, by the labels their forms give them, in the order of the alphabet."""
    model = _model(event.object_type)
    return sorted(field_label(model, name) for name in event.changed_fields)


def _model(label: str) -> type[models.Model] | None:
    if not label:
        return None
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


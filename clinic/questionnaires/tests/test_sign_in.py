"""Patients' one-time sign-in links and tablet mode (issue 13 points 1 and 4): a link holds with the date
of birth until the patient submits or it expires; five wrong dates lock it; the patient is the actor of
their own audit events."""

import datetime as dt

import pytest

from clinic.audit.models import AuditEvent
from clinic.patients.tests.factories import PatientFactory
from clinic.questionnaires import actions
from clinic.questionnaires.actions import LinkRefused, PatientActor, WrongBirthDate
from clinic.questionnaires.models import PatientLink, TabletSession
from clinic.questionnaires.tests import factories as answers

BIRTH_DATE = dt.date(1980, 4, 9)


@pytest.fixture
def patient(main_site, prescriber):
    return PatientFactory(site=main_site, prescriber=prescriber, mrn="M000321", birth_date=BIRTH_DATE)


@pytest.fixture
def link(patient, nurse, now):
    actions.request_questionnaires(patient=patient, instruments=["phq9", "gad7"], actor=nurse, now=now)
    issued, token = actions.issue_link(patient=patient, actor=nurse, now=now, channel="email", hours=72)
    return issued, token


def actions_of(kind: str) -> list[tuple[str, str]]:
    return list(AuditEvent.objects.filter(actor_kind=kind).order_by("seq").values_list("action", "actor_label"))


@pytest.mark.django_db
def test_only_the_tokens_hash_is_stored_and_the_token_finds_the_link(link, nurse, now):
    issued, token = link

    assert issued.token_hash == actions.hash_link_token(token) != token
    assert not PatientLink.objects.filter(token_hash=token).exists()
    assert (actions.link_for_token(token), actions.link_for_token("not-a-token"), actions.link_for_token("")) == (
        issued, None, None)
    assert issued.expires_at == now + dt.timedelta(hours=72)
    issued_event = AuditEvent.objects.get(action="questionnaires.link_issued")
    assert (issued_event.actor, issued_event.data) == (nurse, {"channel": "email"})


@pytest.mark.django_db
def test_the_right_date_of_birth_signs_the_patient_in_as_the_actor(link, patient, now):
    issued, _ = link

    actions.sign_in_with_link(link=issued, birth_date=BIRTH_DATE, now=now)

    issued.refresh_from_db()
    assert (issued.signed_in_at, issued.failed_attempts) == (now, 0)
    signed_in = AuditEvent.objects.get(action="questionnaires.patient_signed_in")
    assert (signed_in.actor_kind, signed_in.actor_id, signed_in.actor_label) == ("patient", None, "patient M000321")
    assert [row.patient_id for row in signed_in.patient_links.all()] == [patient.pk]


@pytest.mark.django_db(transaction=True)
def test_a_wrong_date_is_refused_without_saying_which_part_and_the_count_is_kept(link, now):
    issued, _ = link

    with pytest.raises(WrongBirthDate) as refused:
        actions.sign_in_with_link(link=issued, birth_date=dt.date(1980, 9, 4), now=now)

    assert refused.value.message == ("That date of birth does not match our records. Check it and try again "
                                     "(4 tries left).")
    # Read back outside the refused call: the count was committed, not rolled back with the refusal.
    assert PatientLink.objects.get(pk=issued.pk).failed_attempts == 1
    assert AuditEvent.objects.get(action="questionnaires.link_birth_date_refused").data == {"attempts": 1,
                                                                                            "locked": False}


@pytest.mark.django_db(transaction=True)
def test_five_wrong_dates_lock_the_link_and_the_right_one_is_then_refused(link, now):
    issued, _ = link
    refusals = []
    for attempt in range(5):
        with pytest.raises((WrongBirthDate, LinkRefused)) as refused:
            actions.sign_in_with_link(link=issued, birth_date=dt.date(1981, 1, attempt + 1), now=now)
        refusals.append(type(refused.value).__name__)

    with pytest.raises(LinkRefused) as locked:
        actions.sign_in_with_link(link=issued, birth_date=BIRTH_DATE, now=now)

    assert refusals == ["WrongBirthDate"] * 4 + ["LinkRefused"]
    assert (locked.value.reason, locked.value.code) == ("locked", "LINK_REFUSED")
    stored = PatientLink.objects.get(pk=issued.pk)
    assert (stored.failed_attempts, stored.locked_at, stored.signed_in_at) == (5, now, None)
    assert not AuditEvent.objects.filter(action="questionnaires.patient_signed_in").exists()


@pytest.mark.django_db
def test_an_expired_link_is_refused_from_its_expiry(link, now):
    issued, _ = link
    just_before = issued.expires_at - dt.timedelta(seconds=1)

    assert actions.refusal(issued, now=just_before) is None
    with pytest.raises(LinkRefused) as refused:
        actions.sign_in_with_link(link=issued, birth_date=BIRTH_DATE, now=issued.expires_at)

    assert refused.value.reason == "expired"
    assert refused.value.message == "This link has expired. Ask for a new link below."
    issued.refresh_from_db()
    assert issued.signed_in_at is None


@pytest.mark.django_db
def test_a_link_holds_over_a_partial_answer_and_is_used_once_nothing_is_due(link, patient, now):
    issued, _ = link
    me = PatientActor(patient)
    actions.sign_in_with_link(link=issued, birth_date=BIRTH_DATE, now=now)
    submit_phq9 = dict(patient=patient, instrument="phq9", actor=me, mode="remote")

    actions.save_answers(answers=[1, 1, None, None, None, None, None, None, None], now=now, **submit_phq9)
    kept_open_by_draft = actions.finish_link_if_done(link=issued, now=now)
    actions.submit_response(answers=answers.PHQ9_MODERATE, now=now, **submit_phq9)
    kept_open_by_gad7 = actions.finish_link_if_done(link=issued, now=now)
    actions.submit_response(patient=patient, instrument="gad7", answers=answers.GAD7_MILD, actor=me, now=now,
                            mode="remote")
    finished = actions.finish_link_if_done(link=issued, now=now + dt.timedelta(minutes=1))

    assert (kept_open_by_draft, kept_open_by_gad7, finished) == (False, False, True)
    issued.refresh_from_db()
    assert issued.used_at == now + dt.timedelta(minutes=1)
    with pytest.raises(LinkRefused) as refused:
        actions.sign_in_with_link(link=issued, birth_date=BIRTH_DATE, now=now + dt.timedelta(minutes=2))
    assert refused.value.reason == "used"
    assert [action for action, _ in actions_of("patient")] == [
        "questionnaires.patient_signed_in", "questionnaires.answers_saved", "questionnaires.response_submitted",
        "questionnaires.response_submitted"]


@pytest.mark.django_db
def test_a_response_from_the_link_is_the_patients_own_with_no_staff(link, patient, now):
    response = actions.submit_response(patient=patient, instrument="phq9", answers=answers.PHQ9_MODERATE,
                                       actor=PatientActor(patient), now=now, mode="remote")

    assert (response.entered_by, response.staff, response.mode) == ("patient", None, "remote")
    submitted = AuditEvent.objects.get(action="questionnaires.response_submitted")
    assert (submitted.actor_kind, submitted.data.get("tablet_handed_over_by")) == ("patient", None)


# Tablet mode


@pytest.mark.django_db
def test_tablet_mode_starts_as_staff_and_ends_as_the_patient(patient, nurse, now):
    session = actions.start_tablet(patient=patient, actor=nurse, now=now)
    ended_at = now + dt.timedelta(minutes=12)

    actions.end_tablet(session=session, now=ended_at)
    actions.end_tablet(session=session, now=ended_at + dt.timedelta(minutes=1))

    session.refresh_from_db()
    assert (session.started_by, session.started_at, session.ended_at) == (nurse, now, ended_at)
    started = AuditEvent.objects.get(action="questionnaires.tablet_started")
    ended = AuditEvent.objects.get(action="questionnaires.tablet_ended")
    assert (started.actor_kind, started.actor, [row.patient_id for row in started.patient_links.all()]) == (
        "staff", nurse, [patient.pk])
    assert (ended.actor_kind, ended.actor_id, ended.actor_label, ended.data) == (
        "patient", None, "patient M000321", {"tablet_handed_over_by": nurse.pk})


@pytest.mark.django_db
def test_handing_a_tablet_to_the_same_patient_again_ends_the_earlier_session_but_not_another_patients(
        patient, main_site, nurse, now):
    other = PatientFactory(site=main_site)
    first = actions.start_tablet(patient=patient, actor=nurse, now=now)
    elsewhere = actions.start_tablet(patient=other, actor=nurse, now=now + dt.timedelta(minutes=1))

    again = actions.start_tablet(patient=patient, actor=nurse, now=now + dt.timedelta(minutes=5))

    first.refresh_from_db()
    elsewhere.refresh_from_db()
    assert (first.ended_at, elsewhere.ended_at, again.ended_at) == (now + dt.timedelta(minutes=5), None, None)
    assert TabletSession.objects.filter(ended_at__isnull=True).count() == 2

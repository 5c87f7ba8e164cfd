import datetime as dt
import zoneinfo

import pytest

from clinic.audit.models import AuditEvent
from clinic.patients.actions import DuplicatePatient
from clinic.patients.models import Document, Patient, ReferringClinician
from clinic.patients.tests.factories import PatientFactory
from clinic.referrals import actions
from clinic.referrals.models import Referral, ReferralStatusChange
from clinic.referrals.tests.factories import PDF_BYTES

STATUSES = ["received", "contacted", "consultation_booked", "declined", "unreachable"]
# The moves the clinic allows, written out here rather than read from the code under test.
ALLOWED = {
    ("received", "contacted"), ("received", "consultation_booked"), ("received", "declined"),
    ("received", "unreachable"),
    ("contacted", "consultation_booked"), ("contacted", "declined"), ("contacted", "unreachable"),
    ("unreachable", "contacted"), ("unreachable", "consultation_booked"), ("unreachable", "declined"),
    ("consultation_booked", "declined"), ("consultation_booked", "contacted"),
}
MOVES = [(before, after) for before in STATUSES for after in STATUSES]
TODAY = dt.date(2026, 11, 24)
BOOKING = {"consultation_on": dt.date(2026, 12, 2), "consultation_time": dt.time(14, 30)}


def move(referral, status, *, actor, now, happened_on=TODAY, **extra):
    if status == "consultation_booked":
        extra = {**BOOKING, **extra}
    return actions.change_status(actor=actor, now=now, referral=referral, status=status, happened_on=happened_on,
                                 note=f"to {status}", **extra)


# Creating


def test_creates_a_referral_with_its_letter_and_first_history_row(main_site, front_desk, now, media, letter):
    clinician = ReferringClinician.objects.create(organisation=main_site.organisation, name="Dr Hale")

    referral = actions.create_referral(
        actor=front_desk, now=now, site=main_site, letter=letter(), max_bytes=1_000_000,
        received_on=dt.date(2026, 11, 20), given_name="  Ines ", family_name="Marlow", birth_date=dt.date(1979, 3, 14),
        sex="female", phone="555-0190", email="", reason="PTSD after two SSRIs", indication="PTSD",
        source="clinician", referring_clinician=clinician)

    referral.refresh_from_db()
    assert (referral.given_name, referral.name_key, referral.status, referral.status_on) == (
        "Ines", "marlow, ines", "received", dt.date(2026, 11, 20))
    assert (referral.letter_original_name, referral.letter_size_bytes, len(referral.letter_storage_key)) == (
        "referral.pdf", len(PDF_BYTES), 32)
    assert referral.letter.read() == PDF_BYTES
    assert "Marlow" not in referral.letter.name
    assert [(change.status, change.happened_on, change.recorded_by) for change in referral.changes.all()] == [
        ("received", dt.date(2026, 11, 20), front_desk)]
    event = AuditEvent.objects.get(action="referrals.received")
    assert (event.actor, event.object_id, event.data) == (front_desk, str(referral.pk), {"letter": True})


@pytest.mark.parametrize(("content", "content_type", "message"), [
    (b"GIF89a....", "image/gif", "Upload the letter as a PDF, JPEG, PNG or TIFF scan."),
    (b"MZ\x90\x00 not a pdf", "application/pdf", "The file's contents are not a PDF"),
    (PDF_BYTES * 40, "application/pdf", "the limit is 0 MB"),
])
def test_refuses_a_letter_of_the_wrong_type_contents_or_size_and_keeps_no_file(
        content, content_type, message, main_site, front_desk, now, media, letter):
    with pytest.raises(actions.LetterRefused) as refused:
        actions.create_referral(actor=front_desk, now=now, site=main_site, max_bytes=1_000,
                                letter=letter(content=content, content_type=content_type),
                                received_on=TODAY, given_name="Ines", family_name="Marlow", reason="Depression",
                                source="self")

    assert message in refused.value.message
    assert (Referral.objects.count(), list(media.rglob("*.*")), [p for p in media.rglob("*") if p.is_file()]) == (
        0, [], [])


def test_refuses_a_received_date_after_today_at_the_site(main_site, front_desk, now):
    with pytest.raises(actions.DomainError) as refused:
        actions.create_referral(actor=front_desk, now=now, site=main_site, max_bytes=1_000, received_on=TODAY
                                + dt.timedelta(days=1), given_name="Ines", family_name="Marlow", reason="x",
                                source="self")

    assert (refused.value.code, refused.value.field) == ("DATE_IN_FUTURE", "received_on")
    assert Referral.objects.count() == 0


def test_refuses_a_clinician_referral_without_the_clinician(main_site, front_desk, now):
    with pytest.raises(actions.ReferrerRequired):
        actions.create_referral(actor=front_desk, now=now, site=main_site, max_bytes=1_000, received_on=TODAY,
                                given_name="Ines", family_name="Marlow", reason="x", source="clinician")


def test_refuses_a_site_the_user_does_not_work_at(other_site, front_desk, now):
    with pytest.raises(actions.SiteNotYours):
        actions.create_referral(actor=front_desk, now=now, site=other_site, max_bytes=1_000, received_on=TODAY,
                                given_name="Ines", family_name="Marlow", reason="x", source="self")


# The status machine


@pytest.mark.parametrize(("before", "after"), MOVES, ids=[f"{b}-to-{a}" for b, a in MOVES])
def test_every_move_between_statuses_is_allowed_or_refused_as_the_clinic_works(
        before, after, referral, front_desk, now):
    Referral.objects.filter(pk=referral.pk).update(status=before)
    before_count = ReferralStatusChange.objects.count()

    if (before, after) in ALLOWED:
        change = move(referral, after, actor=front_desk, now=now)
        referral.refresh_from_db()
        assert (referral.status, referral.status_on, change.status, change.note) == (
            after, TODAY, after, f"to {after}")
        assert ReferralStatusChange.objects.count() == before_count + 1
    else:
        with pytest.raises(actions.StatusMoveRefused) as refused:
            move(referral, after, actor=front_desk, now=now)
        referral.refresh_from_db()
        assert referral.status == before
        assert ReferralStatusChange.objects.count() == before_count
        expected = "declined is final" if before == "declined" else "cannot be marked"
        assert expected in refused.value.message


def test_a_refused_move_names_the_moves_that_are_allowed(referral, front_desk, now):
    Referral.objects.filter(pk=referral.pk).update(status="consultation_booked")

    with pytest.raises(actions.StatusMoveRefused) as refused:
        move(referral, "unreachable", actor=front_desk, now=now)

    assert refused.value.message == ("A referral that is consultation booked cannot be marked unreachable. From "
                                     "consultation booked it can be marked: declined, contacted.")


def test_booking_keeps_the_consultation_time_at_the_site_and_logs_the_move(referral, front_desk, now):
    change = move(referral, "consultation_booked", actor=front_desk, now=now)

    zone = zoneinfo.ZoneInfo("America/New_York")
    assert change.consultation_at == dt.datetime(2026, 12, 2, 14, 30, tzinfo=zone)
    event = AuditEvent.objects.get(action="referrals.status_changed")
    assert (event.actor, event.object_id, event.data) == (
        front_desk, str(referral.pk), {"from": "received", "to": "consultation_booked", "change_id": change.pk})


@pytest.mark.parametrize(("extra", "field"), [
    ({"consultation_on": None}, "consultation_on"),
    ({"consultation_time": None}, "consultation_time"),
    ({"consultation_on": dt.date(2026, 11, 23)}, "consultation_on"),
])
def test_refuses_a_booking_without_its_date_and_time_or_before_the_day_booked(extra, field, referral, front_desk, now):
    with pytest.raises(actions.ConsultationTimeRefused) as refused:
        move(referral, "consultation_booked", actor=front_desk, now=now, **extra)

    assert refused.value.field == field
    assert referral.changes.count() == 1


def test_refuses_a_consultation_time_on_another_status(referral, front_desk, now):
    with pytest.raises(actions.ConsultationTimeRefused):
        move(referral, "contacted", actor=front_desk, now=now, **BOOKING)


def test_refuses_a_change_dated_after_today_at_the_site(referral, front_desk, now):
    with pytest.raises(actions.ChangeDateRefused) as refused:
        move(referral, "contacted", actor=front_desk, now=now, happened_on=TODAY + dt.timedelta(days=1))

    assert refused.value.message == ("The date 25 Nov 2026 is after today at the site (24 Nov 2026). Record a "
                                     "change on the day it happens.")
    assert refused.value.field == "happened_on"


def test_today_is_the_sites_date_not_the_servers(referral, front_desk):
    # 03:00 UTC on 25 Nov is still 24 Nov in New York.
    late = dt.datetime(2026, 11, 25, 3, 0, tzinfo=dt.UTC)

    with pytest.raises(actions.ChangeDateRefused):
        move(referral, "contacted", actor=front_desk, now=late, happened_on=dt.date(2026, 11, 25))


@pytest.mark.parametrize(("happened_on", "says"), [
    (dt.date(2026, 11, 1), "before the referral was received (2 Nov 2026)"),
    (dt.date(2026, 11, 9), "before the last change (contacted, 10 Nov 2026)"),
])
def test_refuses_a_change_dated_before_the_referral_or_its_last_change(happened_on, says, referral, front_desk, now):
    move(referral, "contacted", actor=front_desk, now=now, happened_on=dt.date(2026, 11, 10))

    with pytest.raises(actions.ChangeDateRefused) as refused:
        move(referral, "unreachable", actor=front_desk, now=now, happened_on=happened_on)

    assert says in refused.value.message


def test_a_recorded_change_cannot_be_edited(referral, front_desk, now):
    change = move(referral, "contacted", actor=front_desk, now=now)
    change.note = "rewritten"

    with pytest.raises(ValueError, match="never changed once recorded"):
        change.save()

    assert ReferralStatusChange.objects.get(pk=change.pk).note == "to contacted"


# Registering as a patient

REGISTRATION = {"given_name": "Ada", "family_name": "Lovegood", "birth_date": dt.date(1984, 6, 12), "sex": "female",
                "phone": "555-0177", "email": "", "preferred_channel": "phone"}


@pytest.fixture
def referral_with_letter(main_site, front_desk, now, media, letter):
    clinician = ReferringClinician.objects.create(organisation=main_site.organisation, name="Dr Hale")
    return actions.create_referral(
        actor=front_desk, now=now, site=main_site, letter=letter(), max_bytes=1_000_000,
        received_on=dt.date(2026, 11, 2), given_name="Ada", family_name="Lovegood", birth_date=dt.date(1984, 6, 12),
        sex="", phone="555-0177", reason="Depression", source="clinician", referring_clinician=clinician)


def test_registers_the_person_with_the_referrals_details_letter_and_referrer(referral_with_letter, front_desk, now):
    referral = referral_with_letter

    patient = actions.register_as_patient(actor=front_desk, now=now, referral=referral, **REGISTRATION)

    referral.refresh_from_db()
    assert referral.patient == patient
    assert (patient.given_name, patient.family_name, patient.birth_date, patient.sex, patient.phone, patient.site) == (
        "Ada", "Lovegood", dt.date(1984, 6, 12), "female", "555-0177", referral.site)
    assert (patient.referral_source, patient.referring_clinician) == ("clinician", referral.referring_clinician)
    [document] = Document.objects.filter(patient=patient)
    assert (document.kind, document.title, document.document_date, document.original_name, document.uploaded_by) == (
        "referral_letter", "Referral letter from Dr Hale", dt.date(2026, 11, 2), "referral.pdf", front_desk)
    assert document.storage_key != referral.letter_storage_key
    assert document.file.read() == PDF_BYTES == referral.letter.read()
    actions_written = list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))[-3:]
    assert actions_written == ["patients.registered", "referrals.letter_filed", "referrals.registered"]
    event = AuditEvent.objects.get(action="referrals.registered")
    assert [link.patient_id for link in event.patient_links.all()] == [patient.pk]


def test_offers_the_duplicate_and_registers_nothing(referral_with_letter, front_desk, now, main_site, media):
    PatientFactory(site=main_site, given_name="ADA", family_name="Lovegood", birth_date=dt.date(1984, 6, 12))

    with pytest.raises(DuplicatePatient):
        actions.register_as_patient(actor=front_desk, now=now, referral=referral_with_letter, **REGISTRATION)

    referral_with_letter.refresh_from_db()
    assert (referral_with_letter.patient, Patient.objects.count(), Document.objects.count()) == (None, 1, 0)
    assert len([path for path in media.rglob("*") if path.is_file()]) == 1  # the referral's letter alone


def test_links_to_the_patient_already_registered_and_files_the_letter(referral_with_letter, front_desk, now, main_site):
    existing = PatientFactory(site=main_site, given_name="Ada", family_name="Lovegood", referral_source="self")

    actions.link_to_patient(actor=front_desk, now=now, referral=referral_with_letter, patient=existing)

    referral_with_letter.refresh_from_db()
    existing.refresh_from_db()
    assert referral_with_letter.patient == existing
    assert (existing.referral_source, Document.objects.get().patient) == ("self", existing)
    assert AuditEvent.objects.filter(action="referrals.linked_to_patient").count() == 1


def test_refuses_to_link_a_patient_of_another_site(referral_with_letter, front_desk, now, other_site):
    elsewhere = PatientFactory(site=other_site)

    with pytest.raises(actions.PatientNotLinkable):
        actions.link_to_patient(actor=front_desk, now=now, referral=referral_with_letter, patient=elsewhere)

    assert Referral.objects.get().patient is None


def test_a_second_registration_is_refused(referral_with_letter, front_desk, now):
    first = actions.register_as_patient(actor=front_desk, now=now, referral=referral_with_letter, **REGISTRATION)

    with pytest.raises(actions.AlreadyRegistered) as refused:
        actions.register_as_patient(actor=front_desk, now=now, referral=referral_with_letter, confirm_duplicate=True,
                                    **REGISTRATION)

    assert first.mrn in refused.value.message
    assert (Patient.objects.count(), Document.objects.count()) == (1, 1)


def test_a_declined_referral_is_not_registered(referral, front_desk, now):
    move(referral, "declined", actor=front_desk, now=now)

    with pytest.raises(actions.DeclinedReferral):
        actions.register_as_patient(actor=front_desk, now=now, referral=referral, **REGISTRATION)

    assert Patient.objects.count() == 0


def test_registration_without_a_letter_files_no_document(referral, front_desk, now):
    patient = actions.register_as_patient(actor=front_desk, now=now, referral=referral, **REGISTRATION)

    assert (patient.referral_source, patient.referring_clinician, Document.objects.count()) == ("self", None, 0)


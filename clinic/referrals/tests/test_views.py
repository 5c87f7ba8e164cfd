import datetime as dt
import re

import pytest
from django.urls import reverse

from clinic.audit.models import AuditEvent
from clinic.patients.models import Document, Patient
from clinic.patients.tests.factories import PatientFactory
from clinic.referrals import actions
from clinic.referrals.models import Referral, ReferralStatusChange
from clinic.referrals.tests.factories import PDF_BYTES, ReferralFactory

QUEUE_BUDGET_QUERIES = 12


def rows_of(response) -> list[str]:
    page = response.content.decode()
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
            for row in re.findall(r'<tr data-row-link data-testid="referral-row">(.*?)</tr>', page, re.S)]


# The queue


def test_the_queue_lists_open_referrals_oldest_first_with_days_waiting(signed_in, front_desk, main_site, clock, now):
    clock(now)
    ReferralFactory(site=main_site, created_by=front_desk, given_name="Bea", family_name="Newer",
                    received_on=dt.date(2026, 11, 20))
    ReferralFactory(site=main_site, created_by=front_desk, given_name="Cal", family_name="Older",
                    received_on=dt.date(2026, 11, 3))
    ReferralFactory(site=main_site, created_by=front_desk, family_name="Declined", status="declined")
    ReferralFactory(site=main_site, created_by=front_desk, family_name="Registered",
                    patient=PatientFactory(site=main_site))

    response = signed_in(front_desk).get(reverse("referrals:queue"))

    assert rows_of(response) == [
        "3 Nov 2026 21 days waiting Older, Cal Self-referred Received 3 Nov 2026",
        "20 Nov 2026 4 days waiting Newer, Bea Self-referred Received 20 Nov 2026",
    ]
    counts = response.context["counts"]
    assert counts == {"open": 2, "received": 2, "contacted": 0, "consultation_booked": 0, "declined": 1,
                      "unreachable": 0, "registered": 1, "all": 4}
    event = AuditEvent.objects.get(action="referrals.queue_viewed")
    assert (event.actor, event.data["status"], len(event.data["referral_ids"])) == (front_desk, "open", 2)


def test_the_queue_filters_by_status_and_searches_by_name(signed_in, nurse, main_site, front_desk):
    contacted = ReferralFactory(site=main_site, created_by=front_desk, given_name="José", family_name="Muñoz",
                                status="contacted")
    ReferralFactory(site=main_site, created_by=front_desk, given_name="Ann", family_name="Other", status="contacted")
    ReferralFactory(site=main_site, created_by=front_desk, given_name="Joe", family_name="Munro")
    client = signed_in(nurse)

    by_status = client.get(reverse("referrals:queue"), {"status": "contacted"})
    by_name = client.get(reverse("referrals:queue"), {"status": "all", "q": "munoz jose"})

    assert [row.split(" ", 6)[-1] for row in rows_of(by_status)] == ["Muñoz, José Self-referred Contacted 2 Nov 2026",
                                                                       "Other, Ann Self-referred Contacted 2 Nov 2026"]
    assert [referral.pk for referral in by_name.context["referrals"]] == [contacted.pk]
    assert by_name.context["counts"]["all"] == 1


def test_the_queue_shows_only_the_users_sites(signed_in, front_desk, main_site, other_site):
    ReferralFactory(site=other_site, created_by=front_desk, family_name="Elsewhere")

    response = signed_in(front_desk).get(reverse("referrals:queue"))

    assert (rows_of(response), response.context["counts"]["all"]) == ([], 0)


def test_the_queue_takes_the_same_queries_for_10_and_1000_referrals(
        signed_in, front_desk, main_site, django_assert_max_num_queries):
    client = signed_in(front_desk)
    for number in range(10):
        ReferralFactory(site=main_site, created_by=front_desk, family_name=f"Ten{number}")
    client.get(reverse("referrals:queue"))  # the first request creates the audit chain's head row
    with django_assert_max_num_queries(QUEUE_BUDGET_QUERIES) as ten:
        client.get(reverse("referrals:queue"))
    referrals = Referral.objects.bulk_create([
        ReferralFactory.build(site=main_site, created_by=front_desk, family_name=f"Many{number}",
                              received_on=dt.date(2026, 1, 1) + dt.timedelta(days=number % 300))
        for number in range(990)])
    ReferralStatusChange.objects.bulk_create([
        ReferralStatusChange(referral=referral, status="received", happened_on=referral.received_on,
                             recorded_by=front_desk, recorded_at=referral.created_at) for referral in referrals])

    with django_assert_max_num_queries(QUEUE_BUDGET_QUERIES) as thousand:
        response = client.get(reverse("referrals:queue"))

    assert len(ten.captured_queries) == len(thousand.captured_queries)
    assert (len(rows_of(response)), response.context["page"].paginator.count) == (50, 1000)


# A referral's page and its next status


def test_the_referral_page_shows_the_details_history_and_next_moves(signed_in, front_desk, referral, now):
    actions.change_status(actor=front_desk, now=now, referral=referral, status="contacted",
                          happened_on=dt.date(2026, 11, 10), note="Left a voicemail")

    response = signed_in(front_desk).get(reverse("referrals:detail", args=[referral.pk]))

    page = response.content.decode()
    assert "Left a voicemail" in page and "12 Jun 1984" in page
    assert [choice for choice, _ in response.context["form"].fields["status"].choices] == [
        "consultation_booked", "declined", "unreachable"]
    [event] = AuditEvent.objects.filter(action="referrals.viewed")
    assert (event.actor, event.object_id) == (front_desk, str(referral.pk))


def test_booking_from_the_page_records_the_consultation(signed_in, front_desk, referral, clock, now):
    clock(now)

    response = signed_in(front_desk).post(reverse("referrals:change_status", args=[referral.pk]), {
        "status": "consultation_booked", "happened_on": "2026-11-24", "consultation_on": "2026-12-02",
        "consultation_time": "14:30", "note": "Booked with Dr Hale"})

    assert response.status_code == 302
    change = referral.changes.get(status="consultation_booked")
    assert (change.note, change.consultation_at.isoformat()) == ("Booked with Dr Hale", "2026-12-02T19:30:00+00:00")
    page = signed_in(front_desk).get(response.headers["Location"]).content.decode()
    assert "consultation" in page and "2 Dec 2026" in page and "14:30" in page


def test_a_refused_change_keeps_what_was_typed_and_says_what_to_fix(signed_in, front_desk, referral, clock, now):
    clock(now)

    response = signed_in(front_desk).post(reverse("referrals:change_status", args=[referral.pk]), {
        "status": "contacted", "happened_on": "2026-11-25", "note": "Called twice"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "The date 25 Nov 2026 is after today at the site (24 Nov 2026)" in page
    assert 'value="2026-11-25"' in page and "Called twice</textarea>" in page
    assert 'value="contacted" id="id_status_0" required checked' in page
    assert referral.changes.count() == 1


def test_a_booking_without_its_time_is_refused_on_the_page(signed_in, front_desk, referral, clock, now):
    clock(now)

    response = signed_in(front_desk).post(reverse("referrals:change_status", args=[referral.pk]), {
        "status": "consultation_booked", "happened_on": "2026-11-24", "consultation_on": "2026-12-02"})

    assert "Enter the consultation" in response.content.decode()
    assert response.context["form"].errors["consultation_time"]


def test_a_declined_referral_offers_no_next_move(signed_in, front_desk, referral, now):
    actions.change_status(actor=front_desk, now=now, referral=referral, status="declined",
                          happened_on=dt.date(2026, 11, 3))

    response = signed_in(front_desk).post(reverse("referrals:change_status", args=[referral.pk]), {
        "status": "contacted", "happened_on": "2026-11-24"})

    page = signed_in(front_desk).get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert response.context["form"].errors["status"]
    assert "Declined is final" in page


@pytest.mark.parametrize("url_name", ["referrals:detail", "referrals:register", "referrals:letter"])
def test_another_sites_referral_answers_not_found(url_name, signed_in, outsider, referral):
    response = signed_in(outsider).get(reverse(url_name, args=[referral.pk]))

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action__startswith="referrals.").exists()


# The letter


def test_the_letter_downloads_and_its_reading_is_audited(signed_in, front_desk, main_site, now, media, letter):
    referral = actions.create_referral(actor=front_desk, now=now, site=main_site, letter=letter(), max_bytes=10_000,
                                       received_on=dt.date(2026, 11, 2), given_name="Ada", family_name="Lovegood",
                                       reason="x", source="self")

    response = signed_in(front_desk).get(reverse("referrals:letter", args=[referral.pk]))

    assert b"".join(response.streaming_content) == PDF_BYTES
    assert (response.headers["Content-Type"], response.headers["Cache-Control"]) == ("application/pdf", "no-store")
    assert AuditEvent.objects.filter(action="referrals.letter_viewed", actor=front_desk).count() == 1


def test_entering_a_referral_from_the_page(signed_in, front_desk, main_site, clock, now, media, letter):
    clock(now)

    response = signed_in(front_desk).post(reverse("referrals:add"), {
        "site": main_site.pk, "received_on": "2026-11-23", "source": "self", "given_name": "Ines",
        "family_name": "Marlow", "birth_date": "1979-03-14", "sex": "", "phone": "555-0190", "email": "",
        "reason": "Anxiety", "indication": "ANXIETY", "letter": letter()})

    referral = Referral.objects.get()
    assert response.headers["Location"] == reverse("referrals:detail", args=[referral.pk])
    assert (referral.family_name, referral.indication, referral.letter_original_name) == ("Marlow", "ANXIETY",
                                                                                         "referral.pdf")


def test_the_referral_form_keeps_what_was_typed_on_error(signed_in, front_desk, main_site, clock, now):
    clock(now)

    response = signed_in(front_desk).post(reverse("referrals:add"), {
        "site": main_site.pk, "received_on": "2026-11-23", "source": "clinician", "given_name": "Ines",
        "family_name": "Marlow", "birth_date": "2030-01-01", "reason": "Anxiety after two SSRIs"})

    page = response.content.decode()
    assert set(response.context["form"].errors) == {"birth_date", "referring_clinician"}
    assert 'data-error-summary' in page and "2 things to fix" in page
    assert 'value="Marlow"' in page and "Anxiety after two SSRIs</textarea>" in page
    assert Referral.objects.count() == 0


# Registering as a patient


def test_registering_asks_for_what_the_referral_lacks_and_opens_the_chart(signed_in, front_desk, referral, clock, now):
    clock(now)
    Referral.objects.filter(pk=referral.pk).update(sex="")
    client = signed_in(front_desk)
    url = reverse("referrals:register", args=[referral.pk])
    form = client.get(url).context["form"]
    fields = {"given_name": "Ada", "family_name": "Lovegood", "birth_date": "1984-06-12", "sex": "",
              "phone": "555-0177", "email": "", "preferred_channel": "phone"}

    missing = client.post(url, fields)
    registered = client.post(url, {**fields, "sex": "female"})

    assert (form.initial["family_name"], form.initial["sex"], form.initial["preferred_channel"]) == (
        "Lovegood", "", "phone")
    assert list(missing.context["form"].errors) == ["sex"]
    patient = Patient.objects.get()
    assert registered.headers["Location"] == reverse("patients:chart", args=[patient.pk])
    assert (patient.sex, Referral.objects.get().patient) == ("female", patient)


def test_a_duplicate_is_offered_and_linking_opens_that_chart(signed_in, front_desk, referral, main_site, clock, now):
    clock(now)
    existing = PatientFactory(site=main_site, given_name="Ada", family_name="LOVEGOOD", birth_date=dt.date(1984, 6, 12))
    client = signed_in(front_desk)
    url = reverse("referrals:register", args=[referral.pk])

    offered = client.post(url, {"given_name": "Ada", "family_name": "Lovegood", "birth_date": "1984-06-12",
                                "sex": "female", "phone": "555-0177", "preferred_channel": "phone"})
    linked = client.post(url, {"link_patient": existing.pk})

    assert [patient.pk for patient in offered.context["duplicates"]] == [existing.pk]
    assert f"Link the referral to {existing.mrn}" in offered.content.decode()
    event = AuditEvent.objects.filter(action="referrals.register_form_viewed").last()
    assert [link.patient_id for link in event.patient_links.all()] == [existing.pk]
    assert linked.headers["Location"] == reverse("patients:chart", args=[existing.pk])
    assert (Patient.objects.count(), Referral.objects.get().patient) == (1, existing)


def test_a_registered_referral_is_not_registered_twice_from_the_page(signed_in, front_desk, referral, main_site, now):
    patient = PatientFactory(site=main_site)
    Referral.objects.filter(pk=referral.pk).update(patient=patient)

    response = signed_in(front_desk).post(reverse("referrals:register", args=[referral.pk]), {
        "given_name": "Ada", "family_name": "Lovegood", "birth_date": "1984-06-12", "sex": "female",
        "phone": "555-0177", "preferred_channel": "phone", "confirm_duplicate": "on"})

    assert response.headers["Location"] == reverse("referrals:detail", args=[referral.pk])
    assert (Patient.objects.count(), Document.objects.count()) == (1, 0)

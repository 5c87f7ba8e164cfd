"""The demo's referral queue: a referral at every status at the main site, some with a PDF letter, one linked
to the patient it became, and one at the second site; all written through the referral actions."""

import datetime as dt
import zoneinfo

import pytest
from django.db import transaction

from clinic.audit.models import AuditEvent
from clinic.demo import referrals as demo_referrals
from clinic.demo import seed
from clinic.referrals.models import Referral, ReferralStatusChange

pytestmark = pytest.mark.slow
NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=zoneinfo.ZoneInfo("America/New_York"))


@pytest.fixture(scope="module")
def demo_clinic(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.conf import settings

    media, settings.MEDIA_ROOT = settings.MEDIA_ROOT, tmp_path_factory.mktemp("demo-letters")
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed.seed(now=NOW, password="demo-password-for-tests")
        transaction.set_rollback(True)
    settings.MEDIA_ROOT = media


def test_the_main_sites_queue_holds_a_referral_at_every_status_and_one_registered(demo_clinic, db):
    main = Referral.objects.filter(site__code="MAIN")

    assert sorted(main.filter(patient__isnull=True).values_list("status", flat=True)) == [
        "consultation_booked", "contacted", "declined", "received", "received", "unreachable"]
    registered = main.get(patient__isnull=False)
    assert (registered.given_name, registered.family_name) == (registered.patient.given_name,
                                                                registered.patient.family_name)
    assert Referral.objects.filter(site__code="NORTH").count() == 1


def test_some_referrals_carry_a_pdf_letter(demo_clinic, db):
    with_letter = Referral.objects.exclude(letter_storage_key="")

    assert with_letter.count() == 4
    for referral in with_letter:
        with referral.letter.open("rb") as stored:
            assert stored.read(5) == b"%PDF-"


def test_every_move_is_in_the_history_dated_before_now_and_audited(demo_clinic, db):
    booked = ReferralStatusChange.objects.get(status="consultation_booked")

    assert ReferralStatusChange.objects.count() == len(demo_referrals.REFERRALS) + 1 + 6
    assert max(ReferralStatusChange.objects.values_list("happened_on", flat=True)) <= NOW.date()
    assert booked.consultation_at == dt.datetime(2026, 11, 29, 10, 30, tzinfo=zoneinfo.ZoneInfo("America/New_York"))
    assert AuditEvent.objects.filter(action="referrals.status_changed").count() == 6
    assert AuditEvent.objects.filter(action="referrals.linked_to_patient").count() == 1


def test_a_second_run_adds_no_referral(demo_clinic, db):
    before = Referral.objects.count()

    again = seed.seed(now=NOW, password="demo-password-for-tests")

    assert (Referral.objects.count(), again.patients_added) == (before, 0)

"""Consent documents and signed consents are written once at the database: an update or a delete is
refused whatever path tries it, but for setting the withdrawal once on a consent not yet withdrawn."""

import datetime as dt

import pytest
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import ProtectedError

from clinic.consents import actions
from clinic.consents.models import Consent, ConsentDocument
from clinic.consents.tests.factories import signed_consent

pytestmark = pytest.mark.django_db


def refused(queryset_change) -> bool:
    try:
        with transaction.atomic():
            queryset_change()
    except DatabaseError:
        return True
    return False


def test_a_consent_document_refuses_update_and_delete(main_site, now):
    document = actions.current_document(site=main_site, now=now)
    rows = ConsentDocument.objects.filter(pk=document.pk)

    assert refused(lambda: rows.update(content_hash="0" * 64))
    assert refused(lambda: rows.delete())
    assert ConsentDocument.objects.get(pk=document.pk).content_hash == document.content_hash


def test_a_signed_consent_refuses_every_change_and_its_deletion(patient, nurse, now):
    consent = signed_consent(patient=patient, actor=nurse, now=now)
    rows = Consent.objects.filter(pk=consent.pk)

    assert refused(lambda: rows.update(counselling_note="Something else."))
    assert refused(lambda: rows.update(signature_strokes=[[[0, 0], [1, 1]]]))
    # A withdrawal with anything else changed, or without who withdrew and why, is refused too.
    assert refused(lambda: rows.update(withdrawn_at=now, withdrawn_by=nurse, withdrawal_reason="Stop",
                                       signed_name="Someone Else"))
    assert refused(lambda: rows.update(withdrawn_at=now, withdrawn_by=None, withdrawal_reason="Stop"))
    assert refused(lambda: rows.update(withdrawn_at=now, withdrawn_by=nurse, withdrawal_reason=""))
    assert refused(lambda: rows.delete())
    assert Consent.objects.get(pk=consent.pk).counselling_note == consent.counselling_note


def test_the_withdrawal_is_set_once_and_then_stands(patient, nurse, director, now):
    consent = signed_consent(patient=patient, actor=nurse, now=now)
    later = now + dt.timedelta(hours=1)
    actions.withdraw_consent(actor=nurse, now=later, consent=consent, reason="Does not want more.")
    rows = Consent.objects.filter(pk=consent.pk)

    assert refused(lambda: rows.update(withdrawal_reason="Another reason."))
    assert refused(lambda: rows.update(withdrawn_at=None, withdrawn_by=None, withdrawal_reason=""))
    assert refused(lambda: rows.update(withdrawn_by=director))
    assert (rows.get().withdrawn_at, rows.get().withdrawn_by, rows.get().withdrawal_reason) == (
        later, nurse, "Does not want more.")


def test_a_patient_who_signed_a_consent_is_not_deleted_with_it(patient, nurse, now):
    signed_consent(patient=patient, actor=nurse, now=now)

    with pytest.raises((ProtectedError, IntegrityError)), transaction.atomic():
        patient.delete()
    assert Consent.objects.filter(patient=patient).count() == 1

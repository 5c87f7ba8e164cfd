"""A document's file is on disk exactly when its record is saved: a refused or failed upload leaves
neither a row nor a file behind."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from clinic.audit.models import AuditEvent
from clinic.patients import actions
from clinic.patients.models import Document
from clinic.patients.tests.factories import PatientFactory
from clinic.rules import plausibility

pytestmark = pytest.mark.django_db

LETTER = b"%PDF-1.4 referral letter"


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def files_under(folder) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


def upload(*, actor, now, patient, content: bytes = LETTER, content_type: str = "application/pdf") -> Document:
    return actions.upload_document(actor=actor, now=now, patient=patient, kind="referral_letter",
                                   document_date=now.date(), title="Referral",
                                   uploaded_file=SimpleUploadedFile("letter.pdf", content, content_type=content_type),
                                   max_bytes=1_000_000)


def test_an_upload_stores_the_file_under_its_random_key_with_its_row_and_event(media_root, nurse, main_site, now):
    patient = PatientFactory(site=main_site)

    document = upload(actor=nurse, now=now, patient=patient)

    assert files_under(media_root) == [f"patients/{patient.pk}/{document.storage_key}"]
    assert (media_root / document.file.name).read_bytes() == LETTER
    assert Document.objects.get().size_bytes == len(LETTER)
    event = AuditEvent.objects.get(action="patients.document_uploaded")
    assert (event.object_id, event.actor, event.data) == (str(document.pk), nurse, {"kind": "referral_letter"})


def test_a_failed_audit_write_leaves_no_file_and_no_row(media_root, nurse, main_site, now, monkeypatch):
    patient = PatientFactory(site=main_site)

    def audit_fails(**kwargs):
        raise RuntimeError("audit table unavailable")

    monkeypatch.setattr(actions, "record_event", audit_fails)

    with pytest.raises(RuntimeError, match="audit table unavailable"):
        upload(actor=nurse, now=now, patient=patient)

    assert files_under(media_root) == []
    assert not Document.objects.exists()


def test_a_row_the_database_refuses_leaves_no_file(media_root, nurse, main_site, now, monkeypatch):
    patient = PatientFactory(site=main_site)
    taken = upload(actor=nurse, now=now, patient=patient).storage_key
    # A second key equal to the first: the unique storage key refuses the row.
    monkeypatch.setattr(actions.secrets, "token_hex", lambda size: taken)

    with pytest.raises(Exception, match="storage"):
        upload(actor=nurse, now=now, patient=patient, content=LETTER + b" copy")

    assert files_under(media_root) == [f"patients/{patient.pk}/{taken}"]
    assert (media_root / "patients" / str(patient.pk) / taken).read_bytes() == LETTER
    assert Document.objects.count() == 1


@pytest.mark.parametrize(("content", "content_type"), [
    (b"MZ\x90\x00 not a scan", "application/pdf"),
    (LETTER, "text/html"),
])
def test_a_refused_upload_writes_no_file(media_root, nurse, main_site, now, content, content_type):
    patient = PatientFactory(site=main_site)

    with pytest.raises(actions.DocumentRefused):
        upload(actor=nurse, now=now, patient=patient, content=content, content_type=content_type)

    assert (files_under(media_root), Document.objects.count()) == ([], 0)


def test_an_upload_inside_another_transaction_is_refused_and_leaves_no_file(media_root, nurse, main_site, now):
    """Inside a caller's transaction a later rollback would orphan the file, so the upload must be
    its own transaction."""
    patient = PatientFactory(site=main_site)

    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        upload(actor=nurse, now=now, patient=patient)

    assert (files_under(media_root), Document.objects.count()) == ([], 0)


def test_the_upload_page_keeps_no_file_when_the_audit_write_fails(media_root, signed_in, nurse, main_site,
                                                                 monkeypatch):
    patient = PatientFactory(site=main_site)
    client = signed_in(nurse)
    client.raise_request_exception = False

    def audit_fails(**kwargs):
        raise RuntimeError("audit table unavailable")

    monkeypatch.setattr(actions, "record_event", audit_fails)

    response = client.post(reverse("patients:document_upload", args=[patient.pk]),
                           {"kind": "outside_records", "title": "Discharge summary", "document_date": "2026-10-01",
                            "file": SimpleUploadedFile("scan.pdf", LETTER, content_type="application/pdf")})

    assert response.status_code == 500
    assert (files_under(media_root), Document.objects.count()) == ([], 0)


@pytest.mark.parametrize(("document_date", "refused"), [(dt.date(2026, 11, 24), False), (dt.date(2026, 11, 25), True)],
                         ids=["today", "tomorrow"])
def test_a_document_dated_after_today_at_the_site_is_refused_before_any_file_is_kept(
        media_root, nurse, main_site, now, document_date, refused):
    patient = PatientFactory(site=main_site)
    scan = SimpleUploadedFile("letter.pdf", LETTER, content_type="application/pdf")

    def send():
        return actions.upload_document(actor=nurse, now=now, patient=patient, kind="referral_letter",
                                       document_date=document_date, title="Referral", uploaded_file=scan,
                                       max_bytes=1_000_000)

    if refused:
        with pytest.raises(plausibility.DateInFuture) as error:
            send()
        assert (error.value.field, error.value.message) == ("document_date", (
            "The date on the document 25 Nov 2026 is after today at the site (24 Nov 2026). "
            "Check the day and the year."))
        assert (files_under(media_root), Document.objects.count()) == ([], 0)
    else:
        assert send().document_date == document_date

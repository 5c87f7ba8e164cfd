"""A body over the limit is a 413 that says what to do, in the API's error shape or as a page, and is
refused before it is read: never a 500, and nothing is saved."""

import io
import json

import pytest
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.client import BOUNDARY, encode_multipart
from django.urls import reverse

from clinic.accounts.tokens import issue_token
from clinic.patients.models import Document, Medication
from clinic.patients.tests.factories import PatientFactory
from clinic.web import middleware
from clinic.web.errors import FORM_FIELDS_BYTES
from clinic.web.middleware import RequestBodyLimitMiddleware

pytestmark = pytest.mark.django_db

LIMIT_BYTES = 2_000_000
DOSING = {"weight_kg": 70.0, "dose_mg_per_kg": 0.5, "vial_mg_per_ml": 50, "bag_ml": 100, "duration_min": 40}
PDF = b"%PDF-1.4\n"
# Built here, not the test client's constant, so the client sends the body as it is.
MULTIPART_FORM = f"multipart/form-data; boundary={BOUNDARY}"


@pytest.fixture(autouse=True)
def small_limits(settings, tmp_path):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = LIMIT_BYTES
    settings.MAX_DOCUMENT_BYTES = LIMIT_BYTES
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def api_client(now):
    def client_for(user) -> Client:
        _, raw_token = issue_token(user=user, name="tests", now=now)
        return Client(headers={"Authorization": f"Bearer {raw_token}"})

    return client_for


def json_of_length(body: dict, length: int) -> str:
    """The JSON of body, padded with whitespace (still valid JSON) to exactly length bytes."""
    text = json.dumps(body)
    return text + " " * (length - len(text))


@pytest.mark.parametrize(("length", "status"), [(LIMIT_BYTES, 200), (LIMIT_BYTES + 1, 413)])
def test_api_answers_a_body_over_the_limit_with_413_in_the_error_shape(api_client, nurse, length, status):
    body = json_of_length(DOSING, length)

    response = api_client(nurse).post("/api/v1/dosing/calculate", body, content_type="application/json")

    assert (response.status_code, len(body)) == (status, length)
    if status == 200:
        assert response.json()["dose_mg"] == 35.0
    else:
        assert response.json() == {"error": {
            "code": "REQUEST_TOO_LARGE",
            "message": "The request body is larger than the 2 MB the clinic accepts. Send less in one request.",
            "details": []}}
        assert response.headers["Cache-Control"] == "no-store"


def test_api_refuses_a_body_over_the_limit_before_checking_the_token(client):
    response = client.post("/api/v1/dosing/calculate", json_of_length(DOSING, LIMIT_BYTES + 1),
                           content_type="application/json")

    assert (response.status_code, response.json()["error"]["code"]) == (413, "REQUEST_TOO_LARGE")


def medication_form_of_length(length: int) -> str:
    fields = "name=Bupropion&drug_class=antidepressant_other&dose_text=300+mg+daily&padding="
    return fields + "x" * (length - len(fields))


@pytest.mark.parametrize(("length", "status"), [(LIMIT_BYTES, 302), (LIMIT_BYTES + 1, 413)])
def test_web_form_over_the_limit_gets_a_413_page_and_saves_nothing(signed_in, nurse, main_site, length, status):
    patient = PatientFactory(site=main_site)
    url = reverse("patients:intake_add", args=[patient.pk, "medication"])

    response = signed_in(nurse).post(url, medication_form_of_length(length),
                                     content_type="application/x-www-form-urlencoded")

    assert response.status_code == status
    assert Medication.objects.filter(patient=patient).count() == (1 if status == 302 else 0)
    if status == 413:
        page = response.content.decode()
        assert "Too large to receive" in page
        assert "larger than the 2 MB the clinic accepts in one go, so nothing was saved" in page


def document_upload_body(*, file_bytes: int, total_bytes: int | None = None) -> bytes:
    """A document form with a PDF of file_bytes; total_bytes pads the title to make the body that long."""

    def encode(title: str) -> bytes:
        from django.core.files.uploadedfile import SimpleUploadedFile

        scan = SimpleUploadedFile("scan.pdf", PDF + b"0" * (file_bytes - len(PDF)), content_type="application/pdf")
        return encode_multipart(BOUNDARY, {"kind": "outside_records", "title": title,
                                           "document_date": "2026-10-01", "file": scan})

    body = encode("Discharge summary")
    if total_bytes is not None:
        body = encode("Discharge summary" + "x" * (total_bytes - len(body)))
        assert len(body) == total_bytes
    return body


@pytest.mark.parametrize(("file_bytes", "total_bytes", "status"), [
    (LIMIT_BYTES, None, 302),
    (LIMIT_BYTES, LIMIT_BYTES + FORM_FIELDS_BYTES + 1, 413),
])
def test_document_over_the_limit_gets_a_413_page_and_nothing_is_stored(signed_in, nurse, main_site, tmp_path,
                                                                      file_bytes, total_bytes, status):
    patient = PatientFactory(site=main_site)
    url = reverse("patients:document_upload", args=[patient.pk])

    response = signed_in(nurse).post(url, document_upload_body(file_bytes=file_bytes, total_bytes=total_bytes),
                                     content_type=MULTIPART_FORM)

    assert response.status_code == status
    stored = [path for path in tmp_path.rglob("*") if path.is_file()]
    if status == 302:
        assert Document.objects.get(patient=patient).size_bytes == LIMIT_BYTES
        assert [path.stat().st_size for path in stored] == [LIMIT_BYTES]
    else:
        assert "The file is larger than the 2 MB the clinic accepts, so nothing was saved." in response.content.decode()
        assert (Document.objects.count(), stored) == (0, [])


def test_document_just_over_its_own_limit_is_refused_on_the_form(signed_in, nurse, main_site, tmp_path):
    patient = PatientFactory(site=main_site)
    url = reverse("patients:document_upload", args=[patient.pk])

    response = signed_in(nurse).post(url, document_upload_body(file_bytes=LIMIT_BYTES + 1),
                                     content_type=MULTIPART_FORM)

    assert response.status_code == 200
    assert "The file is 2 MB; the limit is 2 MB. Scan at a lower resolution." in response.content.decode()
    assert (Document.objects.count(), [path for path in tmp_path.rglob("*") if path.is_file()]) == (0, [])


def test_form_fields_over_the_limit_inside_a_document_upload_get_413_not_500(signed_in, nurse, main_site):
    patient = PatientFactory(site=main_site)
    url = reverse("patients:document_upload", args=[patient.pk])
    body = encode_multipart(BOUNDARY, {"kind": "outside_records", "title": "x" * (LIMIT_BYTES + 1),
                                       "document_date": "2026-10-01"})

    response = signed_in(nurse).post(url, body, content_type=MULTIPART_FORM)

    assert response.status_code == 413
    assert "Too large to receive" in response.content.decode()
    assert Document.objects.count() == 0


def _raw_request(path: str, body: bytes, *, declared: int | None = None):
    """A request as gunicorn hands it over: the body still in the connection's stream."""
    stream = io.BytesIO(body)
    environ = RequestFactory()._base_environ(
        PATH_INFO=path, REQUEST_METHOD="POST", CONTENT_TYPE="application/json",
        CONTENT_LENGTH=str(len(body) if declared is None else declared), **{"wsgi.input": stream})
    return WSGIRequest(environ), stream


def test_a_refused_body_is_read_to_its_end_before_the_413_goes_out():
    """Closing a connection with bytes unread breaks the sender's next write: behind nginx the client
    would get a 502 in place of this 413."""
    request, stream = _raw_request("/api/v1/patients", b"x" * (LIMIT_BYTES + 1))
    never_called = RequestBodyLimitMiddleware(lambda request: pytest.fail("the view ran"))

    response = never_called(request)

    assert response.status_code == 413
    assert json.loads(response.content)["error"]["code"] == "REQUEST_TOO_LARGE"
    assert stream.tell() == LIMIT_BYTES + 1


def test_a_body_the_view_never_read_is_read_after_it_answers():
    request, stream = _raw_request("/api/v1/patients", b'{"given_name": "Ada"}' * 1000)
    refuses_unread = RequestBodyLimitMiddleware(lambda request: HttpResponse(status=401))

    response = refuses_unread(request)

    assert response.status_code == 401
    assert stream.tell() == len(b'{"given_name": "Ada"}') * 1000


def test_a_body_over_the_drain_limit_is_left_unread():
    declared = middleware.DRAIN_LIMIT_BYTES + 1
    request, stream = _raw_request("/api/v1/patients", b"x" * 1000, declared=declared)

    response = RequestBodyLimitMiddleware(lambda request: pytest.fail("the view ran"))(request)

    assert response.status_code == 413
    assert stream.tell() == 0

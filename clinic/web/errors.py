"""The site's answers to refused requests (config/urls.py handler400 and handler403): one log line
each, never a traceback, and a page or an API error body a person can act on."""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.utils.log import log_response

security_logger = logging.getLogger("django.security")
forbidden_logger = logging.getLogger("django.security.PermissionDenied")
FORBIDDEN_MESSAGE = "Your role may not do this. Ask the medical director if you need it."
# Room for a document form's other fields and the multipart framing around the file.
FORM_FIELDS_BYTES = 1024 * 1024


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400: a body over the limit is a 413 with what to do; anything else a plain 400."""
    if isinstance(exception, RequestDataTooBig):
        response = request_too_large(request)
        log_response("Request body too large: %s", request.path, response=response, request=request,
                     logger=security_logger)
        return response
    return HttpResponseBadRequest("The request could not be read. Go back and send it again.",
                                  content_type="text/plain; charset=utf-8")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler403: the page, and one warning line naming the user, the path and the reason."""
    response = render(request, "403.html", status=403)
    log_forbidden(request, response=response, user=getattr(request, "user", None), exception=exception)
    return response


def log_forbidden(request: HttpRequest, *, response: HttpResponse, user: object,
                  exception: Exception | None) -> None:
    """One line, no traceback: a refusal is expected, and its stack says nothing the line does not."""
    user_id = getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None
    reason = str(exception) if isinstance(exception, PermissionDenied) and str(exception) else FORBIDDEN_MESSAGE
    log_response("Forbidden: user %s %s %s: %s", user_id or "anonymous", request.method, request.path, reason,
                 response=response, request=request, logger=forbidden_logger)


def request_too_large(request: HttpRequest) -> HttpResponse:
    """413 as the API's error body, or as a page that says how large a request may be."""
    multipart = request.content_type == "multipart/form-data"
    limit_mb = max(1, (settings.MAX_DOCUMENT_BYTES if multipart else settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
                   // 1_000_000)
    if request.path.startswith("/api/"):
        message = (f"The request body is larger than the {limit_mb} MB the clinic accepts. "
                   "Send less in one request.")
        response = JsonResponse({"error": {"code": "REQUEST_TOO_LARGE", "message": message, "details": []}},
                                status=413)
    else:
        response = render(request, "413.html", {"limit_mb": limit_mb, "document": multipart}, status=413)
    response.headers["Cache-Control"] = "no-store"
    return response


def body_limit_bytes(request: HttpRequest) -> int | None:
    """The largest body this request may carry: a document with its form, or other form data."""
    if request.content_type == "multipart/form-data":
        return settings.MAX_DOCUMENT_BYTES + FORM_FIELDS_BYTES
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE

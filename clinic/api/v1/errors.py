"""Every error the API gives, in the one shape of design §4.4:
{"error": {"code", "message", "details": [{"field" or "item", "message"}]}}."""

import logging
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as ModelValidationError
from django.http import Http404, HttpRequest, JsonResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestValidationError
from pydantic import Field

from clinic.rules.errors import DomainError
from clinic.web.errors import log_forbidden

logger = logging.getLogger(__name__)

# Refusals that mean "this clashes with what is already there" rather than "a rule says no".
CONFLICT_CODES = frozenset({"DUPLICATE_PATIENT", "IDEMPOTENCY_KEY_REUSED", "ALERT_ALREADY_ACKNOWLEDGED",
                            "COURSE_ALREADY_OPEN"})
INVALID_INPUT = "Some fields are missing or not valid. Correct the fields named in details and send again."


class ErrorDetail(Schema):
    field: str | None = Field(default=None, description="Dotted path of the input field at fault.")
    item: str | None = Field(default=None, description="The item at fault, where it is not an input field.")
    message: str


class ErrorBody(Schema):
    code: str
    message: str
    details: list[ErrorDetail]


class ErrorOut(Schema):
    error: ErrorBody


class InvalidField(Exception):
    """Input that passed the schema but not a check that needs the clock or the database: a 400."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    """Declare these error statuses of an operation in the OpenAPI schema."""
    return dict.fromkeys(statuses, ErrorOut)


def error_response(*, status: int, code: str, message: str,
                   details: Iterable[dict[str, str]] = ()) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message, "details": list(details)}},
                        status=status)


def install(api: NinjaAPI) -> None:
    api.add_exception_handler(RequestValidationError, invalid_request)
    api.add_exception_handler(ModelValidationError, invalid_record)
    api.add_exception_handler(InvalidField, invalid_field)
    api.add_exception_handler(AuthenticationError, not_authenticated)
    api.add_exception_handler(PermissionDenied, forbidden)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(DomainError, refused)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(Exception, server_error)


def invalid_request(request: HttpRequest, exc: RequestValidationError) -> JsonResponse:
    """What ninja would answer with 422: a 400 naming each bad field by its dotted path."""
    details = [{"field": field_path(error["loc"]), "message": error_message(error)} for error in exc.errors]
    return error_response(status=400, code="VALIDATION_ERROR", message=INVALID_INPUT, details=details)


def field_path(loc: Iterable[Any]) -> str:
    """("body", "payload", "answers", "pregnant") → "answers.pregnant"; ("query", "limit") → "limit"."""
    source, *path = loc
    if source == "body":
        path = path[1:]  # the name of the view's body argument, which the client never sees
    return ".".join(str(part) for part in path) or source


def error_message(error: dict[str, Any]) -> str:
    if error.get("type") == "missing":
        return "Required."
    return str(error.get("msg", "Not valid."))


def invalid_record(request: HttpRequest, exc: ModelValidationError) -> JsonResponse:
    """A value the schema let through but the record's own validators refuse (e.g. an email address)."""
    by_field = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
    details = [{"field": name, "message": " ".join(messages)}
               for name, messages in by_field.items() if name != NON_FIELD_ERRORS]
    message = " ".join(by_field.get(NON_FIELD_ERRORS, [])) or INVALID_INPUT
    return error_response(status=400, code="VALIDATION_ERROR", message=message, details=details)


def invalid_field(request: HttpRequest, exc: InvalidField) -> JsonResponse:
    return error_response(status=400, code="VALIDATION_ERROR", message=INVALID_INPUT,
                          details=[{"field": exc.field, "message": exc.message}])


def not_authenticated(request: HttpRequest, exc: AuthenticationError) -> JsonResponse:
    response = error_response(
        status=401, code="NOT_AUTHENTICATED",
        message="Send a valid API token in the header 'Authorization: Bearer <token>'. Tokens of "
                "deactivated staff and revoked tokens no longer work; ask for a new one.")
    response.headers["WWW-Authenticate"] = "Bearer"
    return response


def forbidden(request: HttpRequest, exc: PermissionDenied) -> JsonResponse:
    message = str(exc) or "Your role may not do this. Ask the medical director if you need it."
    response = error_response(status=403, code="FORBIDDEN", message=message)
    log_forbidden(request, response=response, user=getattr(request, "auth", None), exception=exc)
    return response


def not_found(request: HttpRequest, exc: Exception) -> JsonResponse:
    return error_response(status=404, code="NOT_FOUND",
                          message="There is no such record among those you may see. Check the id.")


def refused(request: HttpRequest, exc: DomainError) -> JsonResponse:
    details = [{"field": exc.field, "message": exc.message}] if exc.field else []
    return error_response(status=409 if exc.code in CONFLICT_CODES else 422, code=exc.code,
                          message=exc.message, details=details)


def http_error(request: HttpRequest, exc: HttpError) -> JsonResponse:
    """ninja's own refusals; in practice a body that is not JSON."""
    if exc.status_code == 400:
        return error_response(status=400, code="VALIDATION_ERROR",
                              message="The request body is not valid JSON. Send a JSON object.",
                              details=[{"field": "body", "message": str(exc)}])
    return error_response(status=exc.status_code, code=f"HTTP_{exc.status_code}", message=str(exc))


def server_error(request: HttpRequest, exc: Exception) -> JsonResponse:
    logger.exception("API call %s %s failed", request.method, request.path, exc_info=exc)
    return error_response(status=500, code="SERVER_ERROR",
                          message="Something went wrong on our side. Check whether the change was made "
                                  "before trying again; if it keeps failing, tell the system administrator.")

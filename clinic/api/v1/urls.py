"""Mounted at /api/v1/: the API, then a JSON 404 for any other address under it."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.urls import URLPattern, include, path, re_path

from clinic.api.v1.api import api
from clinic.api.v1.errors import error_response


def unknown_address(request: HttpRequest, rest: str) -> JsonResponse:
    return error_response(status=404, code="NOT_FOUND",
                          message="There is no such address in this API. See /api/v1/docs.")


def method_not_allowed_as_json(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """ninja answers a method an address does not take with a bare 405; give it the error shape."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if response.status_code != 405:
            return response
        allowed = response.headers.get("Allow", "")
        shaped = error_response(status=405, code="METHOD_NOT_ALLOWED",
                                message=f"This address does not take {request.method}; it takes {allowed}.")
        shaped.headers["Allow"] = allowed
        return shaped

    return wrapper


def _with_json_405(patterns: list[URLPattern]) -> list[URLPattern]:
    for pattern in patterns:
        pattern.callback = method_not_allowed_as_json(pattern.callback)
    return patterns


_patterns, _app_name, _namespace = api.urls
urlpatterns = [
    path("", include((_with_json_405(_patterns), _app_name), namespace=_namespace)),
    re_path(r"^(?P<rest>.*)$", unknown_address),
]

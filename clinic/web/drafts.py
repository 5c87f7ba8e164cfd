"""Drafts of forms kept in the browser while a login times out (clinic.js).

A form marked data-keep-draft="NAME" keeps what was typed in the tab's sessionStorage until the
server confirms the save. A view confirms with confirm_saved(request, NAME) after a successful save;
the next full page names the form in <body data-saved-forms="NAME …"> and clinic.js drops the
draft. An htmx partial answering a save may carry data-saved-forms="NAME" on any element instead.
A submit that meets the idle timeout is never confirmed, so the draft survives signing in again.
"""

from django.http import HttpRequest

SESSION_KEY = "saved_forms"


def confirm_saved(request: HttpRequest, name: str) -> None:
    saved = request.session.get(SESSION_KEY, [])
    if name not in saved:
        request.session[SESSION_KEY] = [*saved, name]


def take_saved(request: HttpRequest) -> list[str]:
    """The forms confirmed since the last full page, forgotten once shown."""
    session = getattr(request, "session", None)
    if session is None or SESSION_KEY not in session:
        return []
    return session.pop(SESSION_KEY)

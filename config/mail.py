"""EMAIL_URL → Django's EMAIL_* settings, parsed by dj-email-url; a risky or unknown URL fails closed."""

from typing import Any
from urllib.parse import urlsplit

import dj_email_url
from django.core.exceptions import ImproperlyConfigured

CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
# Each scheme the clinic accepts: the port when the URL gives none, and the query flag that tells
# dj-email-url how the connection is encrypted (STARTTLS, or TLS from the start).
SMTP_SCHEMES = {
    "smtp": (25, ""),
    "smtp+tls": (587, "tls=true"),
    "submission": (587, "tls=true"),
    "smtp+ssl": (465, "ssl=true"),
}
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
EMAIL_TIMEOUT_S = 30
WHAT_TO_WRITE = ("Write smtp+tls://user:password@host:587 (STARTTLS), smtp+ssl://user:password@host:465 "
                 "(TLS from the start), smtp://host:25 for a relay that takes no password, or console:// to "
                 "print mail to the log.")


def email_settings(url: str) -> dict[str, Any]:
    """The EMAIL_* settings for EMAIL_URL; an empty URL prints mail to the console.

    Messages never repeat the URL: it may hold the mail password."""
    scheme, separator, rest = url.strip().partition("://")
    scheme = scheme.lower()
    if not url.strip() or (scheme == "console" and separator):
        return {"EMAIL_BACKEND": CONSOLE_BACKEND}
    if not separator:
        raise ImproperlyConfigured(f"EMAIL_URL is not a URL. {WHAT_TO_WRITE}")
    if scheme not in SMTP_SCHEMES:
        raise ImproperlyConfigured(f"EMAIL_URL starts with {scheme}://, which the clinic does not know. "
                                   f"{WHAT_TO_WRITE}")
    default_port, encryption = SMTP_SCHEMES[scheme]
    try:
        given_port = urlsplit(url.strip()).port
        parsed = dj_email_url.parse(f"smtp://{_with_query(rest, encryption)}")
    except ValueError as error:
        raise ImproperlyConfigured(f"EMAIL_URL cannot be read: {error}. {WHAT_TO_WRITE}") from None
    settings = {
        "EMAIL_BACKEND": SMTP_BACKEND,
        "EMAIL_HOST": parsed["EMAIL_HOST"] or "localhost",
        "EMAIL_PORT": given_port or default_port,
        "EMAIL_HOST_USER": parsed["EMAIL_HOST_USER"] or "",
        "EMAIL_HOST_PASSWORD": parsed["EMAIL_HOST_PASSWORD"] or "",
        "EMAIL_USE_TLS": parsed["EMAIL_USE_TLS"],
        "EMAIL_USE_SSL": parsed["EMAIL_USE_SSL"],
        # Without a timeout a mail server that stops answering holds the job worker for ever.
        "EMAIL_TIMEOUT": parsed["EMAIL_TIMEOUT"] or EMAIL_TIMEOUT_S,
    }
    _refuse_password_in_clear(settings)
    return settings


def _with_query(rest: str, flag: str) -> str:
    if not flag:
        return rest
    return f"{rest}&{flag}" if "?" in rest else f"{rest}?{flag}"


def _refuse_password_in_clear(settings: dict[str, Any]) -> None:
    encrypted = settings["EMAIL_USE_TLS"] or settings["EMAIL_USE_SSL"]
    host = settings["EMAIL_HOST"]
    if settings["EMAIL_HOST_PASSWORD"] and not encrypted and host not in LOCAL_HOSTS:
        raise ImproperlyConfigured(
            f"EMAIL_URL would send the mail password unencrypted to {host}. Write "
            f"smtp+tls://user:password@{host}:587 (STARTTLS) or smtp+ssl://user:password@{host}:465 "
            "(TLS from the start) instead.")

"""EMAIL_URL is read by dj-email-url (config/mail.py); a scheme the clinic does not know, or a mail
password that would cross the network unencrypted, stops start-up with what to write instead."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.mail import CONSOLE_BACKEND, SMTP_BACKEND, email_settings

SMTP = SMTP_BACKEND


@pytest.mark.parametrize(("url", "expected"), [
    ("", {"EMAIL_BACKEND": CONSOLE_BACKEND}),
    ("console://", {"EMAIL_BACKEND": CONSOLE_BACKEND}),
    ("smtp+tls://clinic:s3cret@mail.example.org:587",
     {"EMAIL_BACKEND": SMTP, "EMAIL_HOST": "mail.example.org", "EMAIL_PORT": 587, "EMAIL_HOST_USER": "clinic",
      "EMAIL_HOST_PASSWORD": "s3cret", "EMAIL_USE_TLS": True, "EMAIL_USE_SSL": False, "EMAIL_TIMEOUT": 30}),
    ("smtp+tls://clinic%40example.org:p%40ss%3Aword@mail.example.org",
     {"EMAIL_BACKEND": SMTP, "EMAIL_HOST": "mail.example.org", "EMAIL_PORT": 587,
      "EMAIL_HOST_USER": "clinic@example.org", "EMAIL_HOST_PASSWORD": "p@ss:word", "EMAIL_USE_TLS": True,
      "EMAIL_USE_SSL": False, "EMAIL_TIMEOUT": 30}),
    ("submission://clinic:s3cret@mail.example.org",
     {"EMAIL_BACKEND": SMTP, "EMAIL_HOST": "mail.example.org", "EMAIL_PORT": 587, "EMAIL_HOST_USER": "clinic",
      "EMAIL_HOST_PASSWORD": "s3cret", "EMAIL_USE_TLS": True, "EMAIL_USE_SSL": False, "EMAIL_TIMEOUT": 30}),
    ("smtp+ssl://clinic:s3cret@mail.example.org",
     {"EMAIL_BACKEND": SMTP, "EMAIL_HOST": "mail.example.org", "EMAIL_PORT": 465, "EMAIL_HOST_USER": "clinic",
      "EMAIL_HOST_PASSWORD": "s3cret", "EMAIL_USE_TLS": False, "EMAIL_USE_SSL": True, "EMAIL_TIMEOUT": 30}),
    ("SMTP+SSL://clinic:s3cret@mail.example.org:2465?timeout=5",
     {"EMAIL_BACKEND": SMTP, "EMAIL_HOST": "mail.example.org", "EMAIL_PORT": 2465, "EMAIL_HOST_USER": "clinic",
      "EMAIL_HOST_PASSWORD": "s3cret", "EMAIL_USE_TLS": False, "EMAIL_USE_SSL": True, "EMAIL_TIMEOUT": 5}),
    ("smtp://relay.example.org",
     {"EMAIL_BACKEND": SMTP, "EMAIL_HOST": "relay.example.org", "EMAIL_PORT": 25, "EMAIL_HOST_USER": "",
      "EMAIL_HOST_PASSWORD": "", "EMAIL_USE_TLS": False, "EMAIL_USE_SSL": False, "EMAIL_TIMEOUT": 30}),
    ("smtp://clinic:s3cret@mail.example.org:587?tls=true",
     {"EMAIL_BACKEND": SMTP, "EMAIL_HOST": "mail.example.org", "EMAIL_PORT": 587, "EMAIL_HOST_USER": "clinic",
      "EMAIL_HOST_PASSWORD": "s3cret", "EMAIL_USE_TLS": True, "EMAIL_USE_SSL": False, "EMAIL_TIMEOUT": 30}),
    # A password to a mail server on the same machine never crosses the network.
    ("smtp://clinic:s3cret@localhost:1025",
     {"EMAIL_BACKEND": SMTP, "EMAIL_HOST": "localhost", "EMAIL_PORT": 1025, "EMAIL_HOST_USER": "clinic",
      "EMAIL_HOST_PASSWORD": "s3cret", "EMAIL_USE_TLS": False, "EMAIL_USE_SSL": False, "EMAIL_TIMEOUT": 30}),
    ("smtp://clinic:s3cret@127.0.0.1",
     {"EMAIL_BACKEND": SMTP, "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": 25, "EMAIL_HOST_USER": "clinic",
      "EMAIL_HOST_PASSWORD": "s3cret", "EMAIL_USE_TLS": False, "EMAIL_USE_SSL": False, "EMAIL_TIMEOUT": 30}),
])
def test_reads_each_documented_scheme(url, expected):
    assert email_settings(url) == expected


@pytest.mark.parametrize(("url", "says"), [
    ("smtp://clinic:s3cret@mail.example.org:25",
     "EMAIL_URL would send the mail password unencrypted to mail.example.org. "
     "Write smtp+tls://user:password@mail.example.org:587"),
    ("smtp://clinic:s3cret@mail.example.org:587?tls=false", "unencrypted to mail.example.org"),
    # The URL's own query cannot switch off the encryption its scheme promised.
    ("smtp+ssl://clinic:s3cret@mail.example.org?ssl=no", "unencrypted to mail.example.org"),
    ("smtps://clinic:s3cret@mail.example.org", "EMAIL_URL starts with smtps://, which the clinic does not know. "
                                               "Write smtp+tls://"),
    ("http://mail.example.org", "EMAIL_URL starts with http://"),
    ("file:///var/mail", "EMAIL_URL starts with file://"),
    ("mail.example.org:587", "EMAIL_URL is not a URL. Write smtp+tls://"),
    ("smtp+tls://clinic:s3cret@mail.example.org:tls", "EMAIL_URL cannot be read: Port could not be cast"),
])
def test_refuses_a_risky_or_unknown_url_saying_what_to_write(url, says):
    with pytest.raises(ImproperlyConfigured) as refusal:
        email_settings(url)

    assert says in str(refusal.value)
    assert "s3cret" not in str(refusal.value)


@pytest.mark.slow
def test_start_up_stops_on_a_password_sent_in_clear():
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings",
           "EMAIL_URL": "smtp://clinic:s3cret@mail.example.org"}

    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=Path(__file__).resolve().parent.parent,
                            env=env, capture_output=True, text=True, timeout=120)

    assert result.returncode == 2
    assert result.stderr.startswith(
        "Refusing to start: EMAIL_URL would send the mail password unencrypted to mail.example.org")

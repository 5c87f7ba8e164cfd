import datetime as dt

import pytest
from django.utils import timezone


@pytest.fixture
def one_instant(monkeypatch):
    """The clock as the clinic's code reads it, stopped at the test's start, so that a long loop of
    requests stays within one clock hour whenever the test runs. (django-axes keeps its own clock.)"""
    instant = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: instant)
    return instant


class Clock:
    """A clock that stands still until a test moves it, read alike by the clinic's code and by
    django-axes."""

    def __init__(self, start):
        self.now = start

    def advance(self, **delta):
        self.now += dt.timedelta(**delta)


@pytest.fixture
def sign_in_clock(monkeypatch, now):
    """The clock of every sign-in, starting at the tests' `now` (a quiet hour: 14:30 UTC)."""
    import axes.attempts
    import axes.handlers.proxy

    stopped = Clock(now.astimezone(dt.UTC))
    for module in (timezone, axes.handlers.proxy, axes.attempts):
        monkeypatch.setattr(module, "now", lambda: stopped.now)
    return stopped

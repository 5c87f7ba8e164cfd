import pytest
from django.utils import timezone


@pytest.fixture
def one_instant(monkeypatch):
    """The clock as the clinic's code reads it, stopped at the test's start, so that a long loop of
    requests stays within one clock hour whenever the test runs. (django-axes keeps its own clock.)"""
    instant = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: instant)
    return instant

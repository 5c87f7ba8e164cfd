"""Hypothesis settings for the scheduling engine: no deadline (a solve takes what it takes), and the
same examples on every run so that CI never fails on a new random draw."""

from hypothesis import settings

settings.register_profile("ci", deadline=None, derandomize=True)
settings.load_profile("ci")

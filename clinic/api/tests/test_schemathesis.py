"""Schemathesis against the served OpenAPI document, authenticated with a token: no server error,
no answer that breaks the document, and a 2xx from every operation (design §5 security bar)."""

import pytest

from clinic.api.tests.schemathesis_run import REQUIRED_CHECKS, fuzz_api

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_schemathesis_finds_no_server_error_and_reaches_a_2xx_on_every_operation(organisation):
    run = fuzz_api(organisation=organisation)

    assert (run.errors, run.failures) == ([], [])
    assert run.checks_run >= REQUIRED_CHECKS
    assert set(run.statuses) == run.operations
    assert [label for label, codes in sorted(run.statuses.items()) if not any(200 <= c < 300 for c in codes)] == []
    assert [label for label, codes in sorted(run.statuses.items()) if any(c >= 500 for c in codes)] == []

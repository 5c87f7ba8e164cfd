"""The authenticated schemathesis session of clinic/api/tests/test_schemathesis.py, timed.

The test asserts what the session finds; its wall-clock time is measured here instead, so that a
slow machine never fails a test. The design sets no bar on the time: it is reported, and the result
meets its bar when the session itself is clean (no server error, no failed check, a 2xx from every
operation), since a time from a session that went wrong means nothing.
"""

import datetime as dt
import logging
import time
from typing import Any

from bench import database

CREATED_AT = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)


def run() -> dict[str, Any]:
    engine = database.set_up_django(name="api")
    from clinic.api.tests.schemathesis_run import fuzz_api
    from clinic.sites.models import Organisation

    # The session sends thousands of invalid requests on purpose; their 400 and 404 log lines are noise here.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    organisation = Organisation.objects.create(name=f"API bench {time.time_ns()}", created_at=CREATED_AT)
    started = time.perf_counter()
    fuzz = fuzz_api(organisation=organisation, username=f"bench-api-{time.time_ns()}")
    seconds = time.perf_counter() - started
    without_2xx = sorted(label for label, codes in fuzz.statuses.items() if not any(200 <= c < 300 for c in codes))
    server_errors = sorted(label for label, codes in fuzz.statuses.items() if any(c >= 500 for c in codes))
    clean = (not fuzz.errors and not fuzz.failures and not without_2xx and not server_errors
             and set(fuzz.statuses) == fuzz.operations)
    return {
        "engine": engine,
        "operations": len(fuzz.operations),
        "requests": fuzz.requests_sent,
        "seconds": round(seconds, 1),
        "ms_per_request": round(seconds * 1000 / max(fuzz.requests_sent, 1), 2),
        "errors": fuzz.errors,
        "failures": fuzz.failures,
        "operations_without_2xx": without_2xx,
        "operations_with_5xx": server_errors,
        "meets_bar": clean,
        "summary": f"{engine}: {len(fuzz.operations)} operations, {fuzz.requests_sent} requests, "
                   f"{seconds:.1f} s ({'clean' if clean else 'session not clean'})",
    }

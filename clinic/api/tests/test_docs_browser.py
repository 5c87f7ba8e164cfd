"""The docs page in headless chromium: it draws every operation under the page's CSP, and asks
nothing of any other host (a clinic network may have no internet)."""


import pytest

from clinic.api.v1.api import api

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def test_docs_page_draws_every_operation_offline_without_policy_violations(page, live_server):
    outside, complaints = [], []
    page.on("console", lambda message: complaints.append(message.text) if message.type == "error" else None)

    def only_local(route):
        if route.request.url.startswith(live_server.url):
            return route.continue_()
        outside.append(route.request.url)
        return route.abort()

    page.route("**/*", only_local)
    page.add_init_script("document.addEventListener('securitypolicyviolation', "
                         "event => console.error('CSP blocked ' + event.violatedDirective))")

    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".opblock-summary", timeout=15_000)
    page.locator(".opblock-summary").first.click()
    page.wait_for_selector(".opblock-body", timeout=15_000)

    operations = sum(len(methods) for methods in api.get_openapi_schema()["paths"].values())
    assert page.locator(".opblock-summary").count() == operations == 53
    assert page.locator(".info .title").inner_text().startswith("Clinic API")
    assert (outside, complaints) == ([], [])

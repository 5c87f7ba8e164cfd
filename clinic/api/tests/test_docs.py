"""The OpenAPI document and the docs page, which must work on a clinic network without internet."""

import re

import pytest
from django.test import Client

from clinic.web.middleware import CONTENT_SECURITY_POLICY

pytestmark = pytest.mark.django_db

ASSET_URL = re.compile(r'(?:src|href)="([^"]+)"')


def test_serves_the_openapi_document_with_bearer_auth_and_every_resource():
    schema = Client().get("/api/v1/openapi.json").json()

    assert schema["info"]["title"] == "Clinic API"
    assert schema["components"]["securitySchemes"]["BearerToken"] == {"type": "http", "scheme": "bearer"}
    assert {"/api/v1/sites", "/api/v1/patients", "/api/v1/patients/{patient_id}",
            "/api/v1/patients/{patient_id}/intake", "/api/v1/patients/{patient_id}/safety-history",
            "/api/v1/patients/{patient_id}/intake/treatment-trials/{item_id}"} <= set(schema["paths"])


def test_declares_the_error_shape_for_every_error_status_of_every_operation():
    schema = Client().get("/api/v1/openapi.json").json()

    error_refs = {
        (path, method, status): response["content"]["application/json"]["schema"]["$ref"]
        for path, operations in schema["paths"].items() for method, operation in operations.items()
        for status, response in operation["responses"].items() if status.startswith("4")
    }

    assert set(error_refs.values()) == {"#/components/schemas/ErrorOut"}
    assert all((path, method, "401") in error_refs
               for path, operations in schema["paths"].items() for method in operations)


def test_docs_page_loads_only_local_static_files():
    response = Client().get("/api/v1/docs")

    assert response.status_code == 200
    assets = ASSET_URL.findall(response.content.decode())
    assert sorted(assets) == ["/static/ninja/favicon.png", "/static/ninja/favicon.svg",
                              "/static/ninja/swagger-ui-bundle.js", "/static/ninja/swagger-ui-init.js",
                              "/static/ninja/swagger-ui.css"]
    for url in assets:
        assert Client().get(url).status_code == 200, url


def test_docs_page_points_the_viewer_at_the_local_document_and_no_validator():
    html = Client().get("/api/v1/docs").content.decode()

    assert '"url": "/api/v1/openapi.json"' in html
    assert '"validatorUrl": null' in html
    assert "http://" not in html and "https://" not in html


def test_docs_page_has_the_strict_policy_of_every_other_page():
    policy = Client().get("/api/v1/docs").headers["Content-Security-Policy"]

    assert policy == CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in policy

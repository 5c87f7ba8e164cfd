"""The request context written into audit rows: client address and request id."""

from django.test import RequestFactory

from clinic.audit.middleware import client_address


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored():
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="6.6.6.6", REMOTE_ADDR="10.0.0.9")

    assert client_address(request, hops=0) == "10.0.0.9"


def test_behind_one_proxy_the_address_it_saw_is_the_client():
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7", REMOTE_ADDR="127.0.0.1")

    assert client_address(request, hops=1) == "203.0.113.7"


def test_a_request_id_from_the_client_is_kept_only_behind_a_trusted_proxy(client, db, settings):
    settings.TRUSTED_PROXY_HOPS = 0
    direct = client.get("/healthz", headers={"X-Request-ID": "forged"})
    settings.TRUSTED_PROXY_HOPS = 1
    proxied = client.get("/healthz", headers={"X-Request-ID": "from-proxy"})

    assert direct.headers["X-Request-ID"] != "forged"
    assert proxied.headers["X-Request-ID"] == "from-proxy"

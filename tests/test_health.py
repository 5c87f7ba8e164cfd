def test_healthz_reports_database_ok(client, db):
    response = client.get("/healthz")

    assert response.json() == {"status": "ok", "database": "ok"}

"""Health, metrics, OpenAPI schema and docs."""

from django.test import Client

from webnet.core import health


def test_health_reports_each_dependency(db) -> None:
    response = Client().get("/health/")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "channel_layer"}
    assert body["mode"] == "embedded"


def test_health_is_degraded_or_down_by_dependency(db, monkeypatch) -> None:
    def broken() -> None:
        raise ConnectionError("gone")

    monkeypatch.setitem(health.CHECKS, "cache", (broken, False))
    assert Client().get("/health/").json()["status"] == "degraded"
    monkeypatch.setitem(health.CHECKS, "database", (broken, True))
    response = Client().get("/health/")
    assert response.status_code == 503 and response.json()["status"] == "down"


def test_metrics_count_requests(db) -> None:
    client = Client()
    client.get("/health/")
    text = client.get("/metrics").content.decode()
    assert 'webnet_http_requests_total{method="GET",route="health/",status="200"}' in text


def test_schema_and_docs_are_served(db) -> None:
    client = Client()
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert "/api/v1/devices/" in schema.json()["paths"]
    assert client.get("/api/docs/").status_code == 200

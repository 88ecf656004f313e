"""Monitoring API: state and interface lists through the gate, series, availability, secrets."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from webnet.monitoring.models import Rollup, Sample, SnmpCredential, StateTransition
from webnet.tests import factories as f

NOW = datetime.now(UTC).replace(microsecond=0)
READ_ONLY = ["device-states", "interfaces"]


def _make(endpoint: str, customer):
    if endpoint == "device-states":
        return f.DeviceStateFactory(device=f.DeviceFactory(customer=customer))
    return f.InterfaceFactory(device=f.DeviceFactory(customer=customer))


@pytest.mark.parametrize("endpoint", READ_ONLY)
@pytest.mark.parametrize("role", ["viewer", "outsider"])
def test_poller_rows_are_seen_only_in_their_customer(world, api, endpoint, role) -> None:
    mine = _make(endpoint, world.a)
    client = api(role)
    ids = [row["id"] for row in client.get(f"/api/v1/{endpoint}/").json()["results"]]
    detail = client.get(f"/api/v1/{endpoint}/{mine.pk}/").status_code
    if role == "viewer":
        assert mine.pk in ids and detail == 200
    else:
        assert mine.pk not in ids and detail == 404


@pytest.mark.parametrize("endpoint", READ_ONLY)
def test_poller_rows_cannot_be_written(world, api, endpoint) -> None:
    row = _make(endpoint, world.a)
    client = api("admin")
    assert client.post(f"/api/v1/{endpoint}/", {}, format="json").status_code == 405
    assert client.delete(f"/api/v1/{endpoint}/{row.pk}/").status_code == 405


@pytest.mark.parametrize("endpoint", READ_ONLY)
def test_poller_lists_cost_fixed_queries(world, api, endpoint) -> None:
    client = api("viewer")
    for _ in range(2):
        _make(endpoint, world.a)
    with CaptureQueriesContext(connection) as small:
        client.get(f"/api/v1/{endpoint}/")
    for _ in range(8):
        _make(endpoint, world.a)
    with CaptureQueriesContext(connection) as large:
        client.get(f"/api/v1/{endpoint}/")
    assert len(large) == len(small)


def test_interfaces_filter_by_device_and_sort_by_utilisation(world, api) -> None:
    device = f.DeviceFactory(customer=world.a)
    f.InterfaceFactory(device=device, if_index=1, utilisation_pct=10.0)
    f.InterfaceFactory(device=device, if_index=2, utilisation_pct=90.0)
    f.InterfaceFactory(device=f.DeviceFactory(customer=world.a), if_index=3)
    rows = api("viewer").get(f"/api/v1/interfaces/?device={device.pk}&ordering=-utilisation_pct")
    assert [r["if_index"] for r in rows.json()["results"]] == [2, 1]


def test_snmp_secrets_are_write_only(world, api) -> None:
    client = api("admin")
    body = {"customer": world.a.pk, "name": "v3", "version": "v3", "username": "noc"}
    body |= {"auth_protocol": "SHA", "auth_key": "auth-secret-1", "priv_key": "priv-secret-1"}
    response = client.post("/api/v1/snmp-credentials/", body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["has_auth_key"] and data["has_priv_key"] and not data["has_community"]
    assert "auth-secret-1" not in response.content.decode()
    stored = SnmpCredential.objects.get(pk=data["id"])
    assert stored.reveal("auth_key") == "auth-secret-1"
    assert "auth-secret-1" not in stored.auth_key_encrypted
    listing = client.get("/api/v1/snmp-credentials/").content.decode()
    assert "priv-secret-1" not in listing and stored.priv_key_encrypted not in listing


def test_v3_without_a_user_and_bad_profiles_are_400s(world, api) -> None:
    client = api("admin")
    response = client.post(
        "/api/v1/snmp-credentials/",
        {"customer": world.a.pk, "name": "v3", "version": "v3"},
        format="json",
    )
    assert response.status_code == 400 and "username" in response.json()
    response = client.post(
        "/api/v1/poll-profiles/",
        {"customer": world.a.pk, "name": "p", "parts": ["icmp", "telnet"], "custom_oids": ["x"]},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"parts", "custom_oids"}


def _raw(device, metric: str, values: list[float], start: datetime, if_index: int = 0) -> None:
    Sample.objects.bulk_create(
        Sample(
            customer=device.customer,
            device=device,
            if_index=if_index,
            metric=metric,
            cycle=i,
            at=start + timedelta(minutes=i),
            value=v,
        )
        for i, v in enumerate(values)
    )


def test_series_reads_raw_for_short_ranges(world, api) -> None:
    device = f.DeviceFactory(customer=world.a)
    _raw(device, "in_bps", [1.0, 2.0, 3.0], NOW - timedelta(minutes=30), if_index=4)
    _raw(device, "out_bps", [5.0], NOW - timedelta(minutes=30), if_index=4)
    response = api("viewer").get(
        "/api/v1/monitoring/series/",
        {"device": device.pk, "resource": "if:4", "metric": "in_bps,out_bps"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["step"] == "raw"
    assert [s["value"] for s in body["series"]] == [[1.0, 2.0, 3.0], [5.0]]


def test_series_reads_rollups_for_long_ranges(world, api) -> None:
    device = f.DeviceFactory(customer=world.a)
    Rollup.objects.create(
        customer=world.a,
        device=device,
        metric="cpu_pct",
        step_s=3600,
        bucket=NOW - timedelta(days=3),
        count=60,
        min=1.0,
        avg=5.0,
        max=9.0,
        p95=8.0,
    )
    response = api("viewer").get(
        "/api/v1/monitoring/series/",
        {
            "device": device.pk,
            "metric": "cpu_pct",
            "from": (NOW - timedelta(days=30)).isoformat(),
            "to": NOW.isoformat(),
        },
    )
    body = response.json()
    assert body["step"] == "1h"
    assert body["series"][0]["p95"] == [8.0] and body["series"][0]["max"] == [9.0]


def test_series_of_another_customers_device_is_400_and_bad_input_too(world, api) -> None:
    foreign = f.DeviceFactory(customer=world.b)
    client = api("viewer")
    response = client.get("/api/v1/monitoring/series/", {"device": foreign.pk, "metric": "cpu"})
    assert response.status_code == 400 and "device" in response.json()
    response = client.get(
        "/api/v1/monitoring/series/",
        {"device": foreign.pk, "metric": "cpu; drop", "resource": "x", "from": "soon"},
    )
    assert response.status_code == 400
    assert {"metric", "resource", "start"} <= set(response.json())


def test_availability_per_device_and_site(world, api) -> None:
    # Measured from this test's own now: the module's NOW may be minutes old on a busy machine.
    now = datetime.now(UTC)
    device = f.DeviceFactory(customer=world.a, site="FRA1")
    StateTransition.objects.create(
        customer=world.a, device=device, state="up", at=now - timedelta(days=2)
    )
    StateTransition.objects.create(
        customer=world.a, device=device, state="down", at=now - timedelta(hours=6)
    )
    f.DeviceFactory(customer=world.b)
    client = api("viewer")
    rows = client.get("/api/v1/monitoring/availability/", {"days": 1}).json()["results"]
    assert [r["hostname"] for r in rows] == [device.hostname]
    assert rows[0]["availability_pct"] == pytest.approx(75.0, abs=0.5)
    sites = client.get("/api/v1/monitoring/availability/", {"days": 1, "kind": "site"}).json()
    assert sites["results"][0]["site"] == "FRA1"
    assert client.get("/api/v1/monitoring/availability/", {"days": 2}).status_code == 400
    foreign = client.get("/api/v1/monitoring/availability/", {"customer": world.b.pk})
    assert foreign.status_code == 400 and "customer" in foreign.json()

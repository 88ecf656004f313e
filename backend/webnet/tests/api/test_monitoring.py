"""Generated API tests for the monitoring resources and manual device parents (contract.py)."""

from typing import Any

from webnet.monitoring.models import DeviceMonitoring
from webnet.networkops.models import DeviceParent
from webnet.tests import factories as f
from webnet.tests.api.contract import ResourceContract
from webnet.tests.conftest import World


class TestSnmpCredentials(ResourceContract):
    endpoint = "snmp-credentials"
    least_role = {"view": "viewer", "add": "admin", "change": "admin", "delete": "admin"}

    def make(self, world: World) -> Any:
        return f.SnmpCredentialFactory(customer=world.a)

    def create_payload(self, world: World) -> dict:
        return {"customer": world.a.pk, "name": "lab-v2c", "version": "v2c", "community": "pub"}

    def update_payload(self, world: World) -> dict:
        return {"description": "rotated", "community": "new-community"}


class TestPollProfiles(ResourceContract):
    endpoint = "poll-profiles"
    least_role = {"view": "viewer", "add": "admin", "change": "admin", "delete": "admin"}
    related = {"snmp_credential": lambda customer: f.SnmpCredentialFactory(customer=customer)}

    def make(self, world: World) -> Any:
        return f.PollProfileFactory(customer=world.a)

    def create_payload(self, world: World) -> dict:
        return {"customer": world.a.pk, "name": "core", "interval_s": 30, "parts": ["icmp"]}

    def update_payload(self, world: World) -> dict:
        return {"interval_s": 120, "custom_oids": ["1.3.6.1.2.1.1.3.0"]}


class TestDeviceMonitoring(ResourceContract):
    endpoint = "device-monitoring"
    least_role = {"view": "viewer", "add": "admin", "change": "admin", "delete": "admin"}
    related = {
        "device": lambda customer: f.DeviceFactory(customer=customer),
        "profile": lambda customer: f.PollProfileFactory(customer=customer),
        "snmp_credential": lambda customer: f.SnmpCredentialFactory(customer=customer),
    }

    def make(self, world: World) -> Any:
        return DeviceMonitoring.objects.create(
            customer=world.a, device=f.DeviceFactory(customer=world.a)
        )

    def create_payload(self, world: World) -> dict:
        device = f.DeviceFactory(customer=world.a)
        return {"customer": world.a.pk, "device": device.pk, "snmp_port": 10161}

    def update_payload(self, world: World) -> dict:
        return {"enabled": False}


class TestDeviceParents(ResourceContract):
    endpoint = "device-parents"
    least_role = {"view": "viewer", "add": "operator", "change": "operator", "delete": "operator"}
    related = {
        "device": lambda customer: f.DeviceFactory(customer=customer),
        "parent": lambda customer: f.DeviceFactory(customer=customer),
    }

    def make(self, world: World) -> Any:
        return DeviceParent.objects.create(
            customer=world.a,
            device=f.DeviceFactory(customer=world.a),
            parent=f.DeviceFactory(customer=world.a),
        )

    def create_payload(self, world: World) -> dict:
        return {
            "customer": world.a.pk,
            "device": f.DeviceFactory(customer=world.a).pk,
            "parent": f.DeviceFactory(customer=world.a).pk,
        }

    def update_payload(self, world: World) -> dict:
        return {"parent": f.DeviceFactory(customer=world.a).pk}


def test_a_manual_parent_that_closes_a_loop_is_refused_naming_it(world: World, api) -> None:
    # given core ← dist ← access (access's parent is dist, dist's is core)
    core, dist, edge = (
        f.DeviceFactory(customer=world.a, hostname=n) for n in ["core", "dist", "access"]
    )
    DeviceParent.objects.create(customer=world.a, device=edge, parent=dist)
    DeviceParent.objects.create(customer=world.a, device=dist, parent=core)
    client = api("operator")
    # when core is given access as its parent, or the access → dist row is turned around
    loop = {"customer": world.a.pk, "device": core.pk, "parent": edge.pk}
    created = client.post("/api/v1/device-parents/", loop, format="json")
    turned = DeviceParent.objects.get(device=dist)
    changed = client.patch(f"/api/v1/device-parents/{turned.pk}/", {"parent": edge.pk})
    # then both are 400s that name the loop, and nothing was stored
    assert created.status_code == 400
    assert created.json()["parent"] == [
        "This would make a loop of parents: core → access → dist → core."
    ]
    assert changed.status_code == 400 and "dist → access → dist" in changed.json()["parent"][0]
    assert (
        DeviceParent.objects.count() == 2 and DeviceParent.objects.get(pk=turned.pk).parent == core
    )
    # a parent row replaced by one that is no loop is fine
    ok = client.patch(
        f"/api/v1/device-parents/{turned.pk}/", {"parent": f.DeviceFactory(customer=world.a).pk}
    )
    assert ok.status_code == 200, ok.content

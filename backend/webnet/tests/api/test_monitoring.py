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

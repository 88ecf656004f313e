"""Generated API tests for every tenant-scoped resource (see contract.py)."""

from typing import Any

from webnet.tests import factories as f
from webnet.tests.api.contract import ResourceContract
from webnet.tests.conftest import World


class TestCredentials(ResourceContract):
    endpoint = "credentials"
    least_role = {"view": "viewer", "add": "admin", "change": "admin", "delete": "admin"}

    def make(self, world: World) -> Any:
        return f.CredentialFactory(customer=world.a)

    def create_payload(self, world: World) -> dict:
        return {
            "customer": world.a.pk,
            "name": "core-login",
            "username": "noc",
            "password": "pw-1234",
            "enable_secret": "en-1234",
        }

    def update_payload(self, world: World) -> dict:
        return {"description": "rotated", "password": "new-pw"}


class TestTags(ResourceContract):
    endpoint = "tags"
    least_role = {"view": "viewer", "add": "operator", "change": "operator", "delete": "operator"}

    def make(self, world: World) -> Any:
        return f.TagFactory(customer=world.a)

    def create_payload(self, world: World) -> dict:
        return {"customer": world.a.pk, "name": "core", "color": "#ff0000"}

    def update_payload(self, world: World) -> dict:
        return {"description": "core routers"}


class TestDevices(ResourceContract):
    endpoint = "devices"
    least_role = {"view": "viewer", "add": "admin", "change": "operator", "delete": "admin"}
    related = {
        "credential": lambda customer: f.CredentialFactory(customer=customer),
        "tags": lambda customer: f.TagFactory(customer=customer),
        "site": lambda customer: f.SiteFactory(customer=customer),
        "location": lambda customer: f.LocationFactory(site__customer=customer),
        "rack": lambda customer: f.RackFactory(site__customer=customer),
    }
    many_related = frozenset({"tags"})

    def make(self, world: World) -> Any:
        return f.DeviceFactory(
            customer=world.a,
            tags=[f.TagFactory(customer=world.a)],
            credential=f.CredentialFactory(customer=world.a),
        )

    def create_payload(self, world: World) -> dict:
        return {
            "customer": world.a.pk,
            "hostname": "edge1",
            "management_host": "198.51.100.7",
            "platform": "arista_eos",
        }

    def update_payload(self, world: World) -> dict:
        return {"role": "edge", "site": f.SiteFactory(customer=world.a).pk}


class TestDeviceGroups(ResourceContract):
    endpoint = "device-groups"
    least_role = {"view": "viewer", "add": "operator", "change": "operator", "delete": "operator"}
    related = {
        "devices": lambda customer: f.DeviceFactory(customer=customer),
        "parent": lambda customer: f.DeviceGroupFactory(customer=customer),
    }
    many_related = frozenset({"devices"})

    def make(self, world: World) -> Any:
        return f.DeviceGroupFactory(customer=world.a, devices=[f.DeviceFactory(customer=world.a)])

    def create_payload(self, world: World) -> dict:
        return {"customer": world.a.pk, "name": "core", "kind": "static"}

    def update_payload(self, world: World) -> dict:
        return {"kind": "dynamic", "filter_rules": {"platform": ["cisco_ios"]}}


class TestMemberships(ResourceContract):
    endpoint = "memberships"
    least_role = {"view": "admin", "add": "admin", "change": "admin", "delete": "admin"}

    def make(self, world: World) -> Any:
        return f.MembershipFactory(customer=world.a)

    def create_payload(self, world: World) -> dict:
        # A user A's admin already sees: a member of another customer they administer.
        shared = f.MembershipFactory(user=world.admin, role="admin").customer
        return {
            "customer": world.a.pk,
            "user": f.MembershipFactory(customer=shared).user.pk,
            "role": "operator",
        }

    def update_payload(self, world: World) -> dict:
        return {"role": "admin"}

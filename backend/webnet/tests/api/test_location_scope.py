"""Memberships limited to a location subtree: generated cross-scope tests per location-bound
resource (scope_contract.py), and the same rule in membership writes, job targeting, the UI
list and the updates WebSocket."""

import pytest
from channels.db import database_sync_to_async
from django.core.exceptions import ValidationError
from django.urls import reverse

from webnet.alarms.notify import alarm_message
from webnet.core import broadcasts
from webnet.customers.models import Membership
from webnet.jobs.services import JobService
from webnet.tests import factories as f
from webnet.tests.api.scope_contract import ScopeContract, Tree, build_tree, scope_user
from webnet.tests.api.test_consumers import _connect
from webnet.tests.conftest import World, client_for


class TestDevicesInRegion(ScopeContract):
    endpoint = "devices"
    inside, outside = "device", "nyc_device"
    change = {"role": "edge"}


class TestDevicesInSite(TestDevicesInRegion):
    scope = "ams"


class TestDevicesInLocation(TestDevicesInRegion):
    scope = "hall"


class TestRegionsInRegion(ScopeContract):
    endpoint = "regions"
    inside, outside = "nl", "us"
    change = {"description": "changed"}


class TestSitesInRegion(ScopeContract):
    endpoint = "sites"
    inside, outside = "ams", "nyc"
    change = {"address": "changed"}


class TestLocationsInSite(ScopeContract):
    endpoint = "locations"
    scope = "ams"
    inside, outside = "hall", "nyc_hall"
    change = {"description": "changed"}


class TestRacksInLocation(ScopeContract):
    endpoint = "racks"
    scope = "hall"
    inside, outside = "rack", "nyc_rack"
    change = {"units": 45}


class TestHostKeysOfDevicesInRegion(ScopeContract):
    endpoint = "ssh-host-keys"
    inside, outside = "device", "nyc_device"
    change = None

    @pytest.fixture
    def tree(self, world: World) -> Tree:
        tree = build_tree(world)
        tree.device = f.SSHHostKeyFactory(device=tree.device)
        tree.nyc_device = f.SSHHostKeyFactory(device=tree.nyc_device)
        return tree


class TestConfigSnapshotsOfDevicesInSite(TestHostKeysOfDevicesInRegion):
    endpoint = "config-snapshots"
    scope = "ams"

    @pytest.fixture
    def tree(self, world: World) -> Tree:
        tree = build_tree(world)
        tree.device = f.ConfigSnapshotFactory(device=tree.device)
        tree.nyc_device = f.ConfigSnapshotFactory(device=tree.nyc_device)
        return tree


@pytest.fixture
def tree(world: World) -> Tree:
    return build_tree(world)


def test_an_admin_scopes_a_membership_by_node_name(world: World, tree: Tree, api) -> None:
    membership = f.MembershipFactory(customer=world.a)
    user, client = membership.user, api("admin")
    payload = {"scope": f"region:{tree.eu.pk}"}
    response = client.patch(f"/api/v1/memberships/{membership.pk}/", payload, format="json")
    assert response.status_code == 200 and response.json()["scope"] == f"region:{tree.eu.pk}"
    hostnames = [d["hostname"] for d in client_for(user).get("/api/v1/devices/").json()["results"]]
    assert hostnames == ["ams-edge"]
    for bad in ("rack:1", "region:x", f"region:{f.RegionFactory(customer=world.b).pk}"):
        reply = client.patch(f"/api/v1/memberships/{membership.pk}/", {"scope": bad})
        assert reply.status_code == 400 and "scope" in reply.json(), (bad, reply.content)
    lifted = client.patch(f"/api/v1/memberships/{membership.pk}/", {"scope": None}, format="json")
    assert lifted.status_code == 200 and lifted.json()["scope"] is None


def test_a_scoped_admin_cannot_manage_memberships_nor_lift_their_own_scope(
    world: World, tree: Tree
) -> None:
    admin = scope_user(world, "admin", tree.eu)
    own = Membership.objects.get(user=admin)
    client = client_for(admin)
    lift = client.patch(f"/api/v1/memberships/{own.pk}/", {"scope": None}, format="json")
    assert lift.status_code in (403, 404)
    grant = client.post("/api/v1/memberships/", {"customer": world.a.pk, "user": admin.pk})
    assert grant.status_code in (400, 403)
    assert Membership.objects.get(pk=own.pk).scope == ("region", tree.eu.pk)


def test_a_node_someone_is_scoped_to_cannot_be_deleted(world: World, tree: Tree, api) -> None:
    scope_user(world, "viewer", tree.us)
    f.SiteFactory(customer=world.a, name="empty", region=None)
    response = api("admin").delete(f"/api/v1/regions/{tree.us.pk}/")
    assert response.status_code == 400, response.content
    assert type(tree.us).objects.filter(pk=tree.us.pk).exists()


def test_job_targets_of_a_scoped_operator_stay_inside_the_scope(world: World, tree: Tree) -> None:
    operator = scope_user(world, "operator", tree.ams)
    job = JobService.create_job(operator, world.a, "config.backup", {"all": True}, submit=False)
    assert job.device_ids == [tree.device.pk]
    with pytest.raises(ValidationError, match="no enabled device you may use"):
        JobService.create_job(
            operator, world.a, "config.backup", {"devices": [tree.nyc_device.pk]}, submit=False
        )


def test_the_ui_device_list_of_a_scoped_viewer(world: World, tree: Tree) -> None:
    from django.test import Client

    client = Client()
    client.force_login(scope_user(world, "viewer", tree.eu))
    html = client.get(reverse("ui:device_list")).content.decode()
    assert "ams-edge" in html and "nyc-edge" not in html
    detail = client.get(reverse("ui:device_detail", args=[tree.nyc_device.pk]))
    assert detail.status_code == 404


@pytest.mark.django_db(transaction=True)
async def test_the_sockets_skip_what_is_outside_the_scope() -> None:
    """Device, alarm and job messages of another region never reach a region-scoped viewer on
    the updates socket (the customer group carries them all); that region's job log refuses."""

    def setup() -> tuple:
        a, b = f.CustomerFactory(), f.CustomerFactory()
        world = World(a=a, b=b, viewer=None, operator=None, admin=None, outsider=None, staff=None)
        tree = build_tree(world)
        messages = (
            (lambda d: d, broadcasts.device_status_message),
            (lambda d: f.AlarmFactory(customer=a, device=d), lambda x: alarm_message(x, "updated")),
            (lambda d: f.JobFactory(customer=a, device_ids=[d.pk]), broadcasts.job_status_message),
        )
        pairs = [
            (message(make(tree.nyc_device)), message(make(tree.device)))
            for make, message in messages
        ]
        outside_job = pairs[2][0]["job"]["id"]
        return tree, scope_user(world, "viewer", tree.eu), pairs, outside_job

    tree, viewer, pairs, outside_job = await database_sync_to_async(setup)()
    _log, connected, code = await _connect(f"/ws/jobs/{outside_job}/", viewer)
    assert not connected and code == 4404
    socket, connected, _ = await _connect("/ws/updates/", viewer)
    assert connected
    group = broadcasts.customer_group(tree.device.customer_id)
    for outside, inside in pairs:
        await broadcasts.send(group, outside)
        await broadcasts.send(group, inside)
        received = await socket.receive_json_from()
        key = {"device": "device", "alarm": "alarm", "job": "job"}[received["type"]]
        assert received[key]["id"] == inside[key]["id"], received
    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()

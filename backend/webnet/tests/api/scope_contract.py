"""One base class that generates the cross-scope tests of a location-bound resource.

Like contract.py does across customers, this checks inside one customer: a member limited to a
location subtree (region EU, a site, a location) sees exactly the rows inside it — in the list,
on the detail (404 outside, like another customer's), in the export — and cannot change a row
outside it; an unscoped member of the same role sees both (so each test can fail).
"""

import json
from dataclasses import dataclass
from typing import Any, ClassVar

import pytest
from django.db.models import Model

from webnet.customers.models import Membership
from webnet.tests import factories as f
from webnet.tests.conftest import World, client_for


@dataclass
class Tree:
    """Customer A: EU ⊃ NL ⊃ site AMS1 ⊃ hall ⊃ rack, a device there; the same under US."""

    eu: Model
    nl: Model
    ams: Model
    hall: Model
    rack: Model
    device: Model
    us: Model
    nyc: Model
    nyc_hall: Model
    nyc_rack: Model
    nyc_device: Model


def build_tree(world: World) -> Tree:
    a = world.a
    eu = f.RegionFactory(customer=a, name="EU")
    nl = f.RegionFactory(customer=a, name="NL", parent=eu)
    ams = f.SiteFactory(customer=a, name="AMS1", region=nl)
    hall = f.LocationFactory(site=ams, name="hall", parent=f.LocationFactory(site=ams))
    rack = f.RackFactory(location=hall, name="ams-r1")
    us = f.RegionFactory(customer=a, name="US")
    nyc = f.SiteFactory(customer=a, name="NYC1", region=us)
    nyc_hall = f.LocationFactory(site=nyc, name="nyc-hall")
    nyc_rack = f.RackFactory(location=nyc_hall, name="nyc-r1")
    device = f.DeviceFactory(customer=a, hostname="ams-edge", site=ams, location=hall, rack=rack)
    nyc_device = f.DeviceFactory(
        customer=a, hostname="nyc-edge", site=nyc, location=nyc_hall, rack=nyc_rack
    )
    return Tree(eu, nl, ams, hall, rack, device, us, nyc, nyc_hall, nyc_rack, nyc_device)


def scope_user(world: World, role: str, node: Model) -> Any:
    """A new member of customer A with `role`, limited to `node`'s subtree."""
    kind = type(node)._meta.model_name
    membership = f.MembershipFactory(customer=world.a, role=role, **{f"scope_{kind}": node})
    assert isinstance(membership, Membership) and membership.scope == (kind, node.pk)
    return membership.user


class ScopeContract:
    endpoint: ClassVar[str]
    scope: ClassVar[str] = "eu"  # the Tree attribute the member is limited to
    inside: ClassVar[str]  # the Tree attribute of a row inside that scope
    outside: ClassVar[str]  # … and of one outside it
    change: ClassVar[dict[str, Any] | None]  # a PATCH an admin may make (None: read-only)

    def url(self, pk: Any = None) -> str:
        base = f"/api/v1/{self.endpoint}/"
        return base if pk is None else f"{base}{pk}/"

    @pytest.fixture
    def tree(self, world: World) -> Tree:
        return build_tree(world)

    def client(self, world: World, tree: Tree, role: str = "viewer") -> Any:
        return client_for(scope_user(world, role, getattr(tree, self.scope)))

    def test_list_holds_only_rows_inside_the_scope(self, world: World, tree: Tree) -> None:
        ids = {row["id"] for row in self.client(world, tree).get(self.url()).json()["results"]}
        inside, outside = getattr(tree, self.inside), getattr(tree, self.outside)
        assert inside.pk in ids and outside.pk not in ids
        everything = client_for(world.viewer).get(self.url()).json()["results"]
        assert {inside.pk, outside.pk} <= {row["id"] for row in everything}

    def test_detail_outside_the_scope_is_not_found(self, world: World, tree: Tree) -> None:
        client = self.client(world, tree)
        assert client.get(self.url(getattr(tree, self.inside).pk)).status_code == 200
        assert client.get(self.url(getattr(tree, self.outside).pk)).status_code == 404

    def test_export_holds_only_rows_inside_the_scope(self, world: World, tree: Tree) -> None:
        response = self.client(world, tree).get(self.url() + "export/?file_format=json")
        assert response.status_code == 200
        rows = json.loads(b"".join(response.streaming_content))
        listed = self.client(world, tree).get(self.url()).json()["count"]
        assert len(rows) == listed
        assert len(rows) < client_for(world.viewer).get(self.url()).json()["count"]

    def test_a_scoped_admin_cannot_change_a_row_outside(self, world: World, tree: Tree) -> None:
        if self.change is None:
            pytest.skip("a read-only resource: the detail test covers it")
        client = self.client(world, tree, role="admin")
        outside = getattr(tree, self.outside)
        assert client.patch(self.url(outside.pk), self.change, format="json").status_code == 404
        assert client.delete(self.url(outside.pk)).status_code == 404
        inside = getattr(tree, self.inside)
        response = client.patch(self.url(inside.pk), self.change, format="json")
        assert response.status_code == 200, response.content

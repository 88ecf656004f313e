"""Generated API tests of regions, sites, locations and racks (see contract.py), and the
tree rules at the API edge: cycles and another customer's parent are field-level 400s."""

from typing import Any

from webnet.tests import factories as f
from webnet.tests.api.contract import ResourceContract
from webnet.tests.conftest import World

ADMIN_WRITES = {"view": "viewer", "add": "admin", "change": "admin", "delete": "admin"}


class TestRegions(ResourceContract):
    endpoint = "regions"
    least_role = ADMIN_WRITES
    related = {"parent": lambda customer: f.RegionFactory(customer=customer)}

    def make(self, world: World) -> Any:
        return f.RegionFactory(customer=world.a, parent=f.RegionFactory(customer=world.a))

    def create_payload(self, world: World) -> dict:
        return {"customer": world.a.pk, "name": "EU"}

    def update_payload(self, world: World) -> dict:
        return {"description": "Europe"}


class TestSites(ResourceContract):
    endpoint = "sites"
    least_role = ADMIN_WRITES
    related = {"region": lambda customer: f.RegionFactory(customer=customer)}

    def make(self, world: World) -> Any:
        return f.SiteFactory(customer=world.a, region=f.RegionFactory(customer=world.a))

    def create_payload(self, world: World) -> dict:
        return {"customer": world.a.pk, "name": "AMS1", "time_zone": "Europe/Amsterdam"}

    def update_payload(self, world: World) -> dict:
        return {"address": "Science Park 120, Amsterdam", "latitude": "52.356"}


class TestLocations(ResourceContract):
    endpoint = "locations"
    least_role = ADMIN_WRITES
    related = {
        "site": lambda customer: f.SiteFactory(customer=customer),
        "parent": lambda customer: f.LocationFactory(site__customer=customer),
    }

    def make(self, world: World) -> Any:
        site = f.SiteFactory(customer=world.a)
        return f.LocationFactory(site=site, parent=f.LocationFactory(site=site))

    def create_payload(self, world: World) -> dict:
        site = f.SiteFactory(customer=world.a, name="AMS1")
        return {"customer": world.a.pk, "name": "Hall 2", "site": site.pk, "kind": "room"}

    def update_payload(self, world: World) -> dict:
        return {"kind": "floor"}


class TestRacks(ResourceContract):
    endpoint = "racks"
    least_role = ADMIN_WRITES
    related = {
        "site": lambda customer: f.SiteFactory(customer=customer),
        "location": lambda customer: f.LocationFactory(site__customer=customer),
    }

    def make(self, world: World) -> Any:
        return f.RackFactory(location=f.LocationFactory(site__customer=world.a))

    def create_payload(self, world: World) -> dict:
        site = f.SiteFactory(customer=world.a, name="AMS1")
        return {"customer": world.a.pk, "name": "R01", "site": site.pk}

    def update_payload(self, world: World) -> dict:
        return {"units": 47}


def test_a_region_moved_under_its_own_descendant_is_a_parent_error(world: World, api) -> None:
    eu = f.RegionFactory(customer=world.a, name="EU")
    nl = f.RegionFactory(customer=world.a, name="NL", parent=eu)
    response = api("admin").patch(f"/api/v1/regions/{eu.pk}/", {"parent": nl.pk}, format="json")
    assert response.status_code == 400 and "parent" in response.json(), response.content
    itself = api("admin").patch(f"/api/v1/regions/{eu.pk}/", {"parent": eu.pk}, format="json")
    assert itself.status_code == 400 and "parent" in itself.json()
    eu.refresh_from_db()
    assert eu.parent is None


def test_bad_time_zone_and_a_location_parent_in_another_site_are_field_errors(
    world: World, api
) -> None:
    client = api("admin")
    bad = client.post("/api/v1/sites/", {"name": "X", "time_zone": "CET+1"}, format="json")
    assert bad.status_code == 400 and "time_zone" in bad.json()
    elsewhere = f.LocationFactory(site=f.SiteFactory(customer=world.a, name="FRA1"))
    site = f.SiteFactory(customer=world.a, name="AMS1")
    payload = {"name": "Hall", "site": site.pk, "parent": elsewhere.pk}
    response = client.post("/api/v1/locations/", payload, format="json")
    assert response.status_code == 400 and "parent" in response.json(), response.content


def test_within_filters_sites_and_racks_by_region_subtree(world: World, api) -> None:
    eu = f.RegionFactory(customer=world.a, name="EU")
    nl = f.RegionFactory(customer=world.a, name="NL", parent=eu)
    ams = f.SiteFactory(customer=world.a, name="AMS1", region=nl)
    f.SiteFactory(customer=world.a, name="NYC1", region=f.RegionFactory(customer=world.a))
    rack = f.RackFactory(site=ams)
    client = api("viewer")
    sites = client.get(f"/api/v1/sites/?within=region:{eu.pk}").json()["results"]
    assert [row["name"] for row in sites] == ["AMS1"]
    racks = client.get(f"/api/v1/racks/?within=region:{eu.pk}").json()["results"]
    assert [row["id"] for row in racks] == [rack.pk]
    bad = client.get("/api/v1/sites/?within=planet:1")
    assert bad.status_code == 400 and "within" in bad.json()

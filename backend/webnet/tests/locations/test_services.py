"""The location tree's services: parents, cycles, site moves, device placement, `within`."""

import pytest
from django.core.exceptions import ValidationError

from webnet.devices import services as device_services
from webnet.locations import services
from webnet.locations.models import Location, validate_time_zone
from webnet.locations.within import Node, parse_node, subtree_ids, within
from webnet.tests import factories as f
from webnet.tests.conftest import World


def test_within_a_region_is_the_region_and_every_descendant(world: World) -> None:
    # given EU ⊃ NL ⊃ AMS-metro, and US beside it
    eu = f.RegionFactory(customer=world.a, name="EU")
    nl = f.RegionFactory(customer=world.a, name="NL", parent=eu)
    metro = f.RegionFactory(customer=world.a, name="AMS-metro", parent=nl)
    us = f.RegionFactory(customer=world.a, name="US")
    in_metro = f.DeviceFactory(customer=world.a, site=f.SiteFactory(customer=world.a, region=metro))
    f.DeviceFactory(customer=world.a, site=f.SiteFactory(customer=world.a, region=us))
    f.DeviceFactory(customer=world.a)  # no site at all
    # then
    assert sorted(subtree_ids(Node("region", eu.pk))) == sorted([eu.pk, nl.pk, metro.pk])
    devices = within(in_metro.__class__.objects.all(), Node("region", eu.pk))
    assert list(devices) == [in_metro]
    assert list(within(in_metro.__class__.objects.all(), Node("region", nl.pk))) == [in_metro]


def test_node_names_parse_or_explain_the_form() -> None:
    assert parse_node("site:7") == Node("site", 7)
    for bad in ("site", "site:", "planet:1", "site:-1", "site:1.5", f"site:{2**63}"):
        with pytest.raises(ValueError, match="kind"):
            parse_node(bad)


def test_a_region_cannot_go_under_its_descendant_nor_another_customers(world: World) -> None:
    eu = services.create_region(world.admin, {"customer": world.a, "name": "EU"})
    nl = services.create_region(world.admin, {"customer": world.a, "name": "NL", "parent": eu})
    with pytest.raises(ValidationError) as cycle:
        services.update_region(world.admin, eu, {"parent": nl})
    assert "parent" in cycle.value.message_dict
    with pytest.raises(ValidationError) as foreign:
        services.update_region(world.admin, nl, {"parent": f.RegionFactory(customer=world.b)})
    assert "parent" in foreign.value.message_dict


def test_moving_a_location_to_another_site_moves_its_subtree_racks_and_devices(
    world: World,
) -> None:
    # given a building with a floor, a room, a rack and a device in AMS1
    ams, fra = f.SiteFactory(customer=world.a, name="AMS1"), f.SiteFactory(customer=world.a)
    building = f.LocationFactory(site=ams, name="building")
    room = f.LocationFactory(site=ams, parent=f.LocationFactory(site=ams, parent=building))
    rack = f.RackFactory(location=room)
    device = f.DeviceFactory(customer=world.a, site=ams, location=room, rack=rack)
    # when the building moves to FRA1
    services.update_location(world.admin, building, {"site": fra})
    # then everything in it is in FRA1
    assert set(
        Location.objects.descendants(building, include_self=True).values_list("site", flat=True)
    ) == {fra.pk}
    rack.refresh_from_db()
    device.refresh_from_db()
    assert rack.site == fra and device.site == fra and device.location == room


def test_a_failed_move_changes_nothing(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    ams, fra = f.SiteFactory(customer=world.a), f.SiteFactory(customer=world.a)
    building = f.LocationFactory(site=ams)
    room = f.LocationFactory(site=ams, parent=building)

    def broken(location: Location) -> None:
        Location.objects.filter(pk=room.pk).update(site=fra)
        raise RuntimeError("the database went away mid-move")

    monkeypatch.setattr(services, "_follow_site", broken)
    with pytest.raises(RuntimeError):
        services.update_location(world.admin, building, {"site": fra})
    building.refresh_from_db()
    room.refresh_from_db()
    assert building.site == ams and room.site == ams


def test_a_device_follows_its_rack_and_refuses_a_location_elsewhere(world: World) -> None:
    ams, fra = f.SiteFactory(customer=world.a), f.SiteFactory(customer=world.a)
    room = f.LocationFactory(site=ams)
    rack = f.RackFactory(location=room)
    device = f.DeviceFactory(customer=world.a)
    placed = device_services.update_device(world.admin, device, {"rack": rack})
    assert (placed.site, placed.location, placed.rack) == (ams, room, rack)
    with pytest.raises(ValidationError) as elsewhere:
        device_services.update_device(
            world.admin, device, {"location": f.LocationFactory(site=fra)}
        )
    assert "location" in elsewhere.value.message_dict
    with pytest.raises(ValidationError) as other_site:
        device_services.update_device(world.admin, device, {"site": fra})
    assert "location" in other_site.value.message_dict


def test_time_zones_are_iana_names() -> None:
    validate_time_zone("Europe/Amsterdam")
    for bad in ("CET+1", "utc ", "Mars/Olympus"):
        with pytest.raises(ValidationError):
            validate_time_zone(bad)

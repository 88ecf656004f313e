"""Writing the location tree: the only place regions, sites, locations and racks change.

Every parent must belong to the node's customer and may not be the node or one of its
descendants (a cycle); a location's parent is in the same site, a rack's location in the rack's
site. Moving a location to another site moves its whole subtree — every descendant, and every
row placed in them (racks, devices) — in one transaction, so no reader sees half a move.
"""

from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction

from webnet.core import changes
from webnet.locations.models import Location, Rack, Region, Site


def _same_customer(data: dict[str, Any], customer_id: int, *names: str) -> None:
    errors = {
        name: "Choose one of this customer's own."
        for name in names
        if data.get(name) is not None and data[name].customer_id != customer_id
    }
    if errors:
        raise ValidationError(errors)


def _no_cycle(node: models.Model | None, parent: models.Model | None) -> None:
    """A node cannot be moved under itself or under one of its own descendants."""
    if node is None or node.pk is None or parent is None:
        return
    manager: Any = type(node)._default_manager
    if manager.ancestors(parent, include_self=True).filter(pk=node.pk).exists():
        raise ValidationError({"parent": "A node cannot be placed inside itself or its subtree."})


def _customer_id(obj: Any, data: dict[str, Any]) -> int:
    return obj.customer_id if obj is not None else data["customer"].pk


def _clean_region(region: Region | None, data: dict[str, Any]) -> dict[str, Any]:
    _same_customer(data, _customer_id(region, data), "parent")
    _no_cycle(region, data.get("parent", region.parent if region else None))
    return data


def _clean_location(location: Location | None, data: dict[str, Any]) -> dict[str, Any]:
    _same_customer(data, _customer_id(location, data), "site", "parent")
    parent = data.get("parent", location.parent if location else None)
    _no_cycle(location, parent)
    if parent is not None and "site" not in data:
        data["site"] = parent.site  # moving under a parent elsewhere brings it to that site
    site = data.get("site", location.site if location else None)
    if site is None:
        raise ValidationError({"site": "A location belongs to a site."})
    if parent is not None and parent.site_id != site.pk:
        raise ValidationError({"parent": "The parent location is in another site."})
    return data


def _clean_rack(rack: Rack | None, data: dict[str, Any]) -> dict[str, Any]:
    _same_customer(data, _customer_id(rack, data), "site", "location")
    location = data.get("location", rack.location if rack else None)
    if location is not None and "site" not in data:
        data["site"] = location.site
    site = data.get("site", rack.site if rack else None)
    if site is None:
        raise ValidationError({"site": "A rack belongs to a site."})
    if location is not None and location.site_id != site.pk:
        raise ValidationError({"location": "The location is in another site."})
    return data


def _placed_in_locations() -> list[type[models.Model]]:
    """Models whose rows stand in a location and its site directly (racks, devices…)."""
    return [
        model
        for model in apps.get_models()
        if getattr(model, "location_paths", {}).get("location") == "location"
        and getattr(model, "location_paths", {}).get("site") == "site"
    ]


def _follow_site(location: Location) -> None:
    """After `location` changed site: its subtree, and what stands in it, change with it."""
    ids = list(
        Location.objects.descendants(location, include_self=True).values_list("pk", flat=True)
    )
    Location.objects.filter(pk__in=ids).update(site=location.site)
    for model in _placed_in_locations():
        model._default_manager.filter(location_id__in=ids).update(site=location.site)


def create_region(actor: Any, data: dict[str, Any]) -> Region:
    return changes.create(actor, Region, _clean_region(None, dict(data)))


def update_region(actor: Any, region: Region, data: dict[str, Any]) -> Region:
    return changes.update(actor, region, _clean_region(region, dict(data)))


def create_site(actor: Any, data: dict[str, Any]) -> Site:
    data = dict(data)
    _same_customer(data, _customer_id(None, data), "region")
    return changes.create(actor, Site, data)


def update_site(actor: Any, site: Site, data: dict[str, Any]) -> Site:
    data = dict(data)
    _same_customer(data, site.customer_id, "region")
    return changes.update(actor, site, data)


def create_location(actor: Any, data: dict[str, Any]) -> Location:
    return changes.create(actor, Location, _clean_location(None, dict(data)))


@transaction.atomic
def update_location(actor: Any, location: Location, data: dict[str, Any]) -> Location:
    old_site = location.site_id
    location = changes.update(actor, location, _clean_location(location, dict(data)))
    if location.site_id != old_site:
        _follow_site(location)
    return location


def create_rack(actor: Any, data: dict[str, Any]) -> Rack:
    return changes.create(actor, Rack, _clean_rack(None, dict(data)))


def update_rack(actor: Any, rack: Rack, data: dict[str, Any]) -> Rack:
    return changes.update(actor, rack, _clean_rack(rack, dict(data)))


def place_device(device: Any, customer_id: int, data: dict[str, Any]) -> dict[str, Any]:
    """`data` for `device` (new or stored) with site, location and rack in agreement: an unset
    site or location follows from the deeper one given; one in another site is a field error."""
    data = dict(data)
    _same_customer(data, customer_id, "site", "location", "rack")
    rack = data.get("rack", device.rack)
    location = data.get("location", device.location)
    if rack is not None and location is None and rack.location_id:
        location = data["location"] = rack.location
    deepest = location or rack
    if data.get("site", device.site) is None and deepest is not None:
        data["site"] = deepest.site
    site = data.get("site", device.site)
    site_id = site.pk if site is not None else None
    if location is not None and location.site_id != site_id:
        raise ValidationError({"location": "The location is in another site."})
    if rack is not None and rack.site_id != site_id:
        raise ValidationError({"rack": "The rack is in another site."})
    if rack is not None and location is not None and rack.location_id not in (None, location.pk):
        raise ValidationError({"rack": "The rack is in another location."})
    return data

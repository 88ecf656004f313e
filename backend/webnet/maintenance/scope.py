"""Which devices a maintenance window covers: its devices, its groups' members, the devices in its
location subtrees, and the devices only reachable through those (their children in topology).

A child is covered when every one of its parents is covered: a device behind the maintained
router goes dark with it, one with a second uplink elsewhere stays reachable and keeps alarming
(the same rule dependency suppression applies to a down parent).
"""

from collections.abc import Iterable, Mapping
from typing import Any

from webnet.devices.groups import member_ids
from webnet.devices.models import Device
from webnet.locations.within import Node, within
from webnet.maintenance.models import MaintenanceWindow


def direct_device_ids(window: MaintenanceWindow) -> set[int]:
    """Devices the window names, directly, by group or by location subtree."""
    return named_device_ids(
        window.customer_id,
        devices=window.devices.all(),
        groups=window.groups.all(),
        nodes=nodes_of(window.regions.all(), window.sites.all(), window.locations.all()),
    )


def nodes_of(regions: Iterable[Any], sites: Iterable[Any], locations: Iterable[Any]) -> list[Node]:
    return (
        [Node("region", r.pk) for r in regions]
        + [Node("site", s.pk) for s in sites]
        + [Node("location", loc.pk) for loc in locations]
    )


def named_device_ids(
    customer_id: int, *, devices: Iterable[Any], groups: Iterable[Any], nodes: Iterable[Node]
) -> set[int]:
    """The devices given, the members of the groups and the devices inside the nodes."""
    found = {device.pk for device in devices}
    for group in groups:
        found |= member_ids(group)
    inventory = Device.objects.for_customer(customer_id)
    for node in nodes:
        found |= set(within(inventory, node).values_list("pk", flat=True))
    return found


def site_ids(customer_id: int, device_ids: Iterable[int]) -> set[int]:
    """The sites the devices stand in (for the calendar's same-site check)."""
    rows = Device.objects.for_customer(customer_id).filter(pk__in=list(device_ids))
    return {pk for pk in rows.values_list("site_id", flat=True) if pk is not None}


def with_children(direct: Iterable[int], parents: Mapping[int, Iterable[int]]) -> set[int]:
    """`direct` plus every device all of whose parents are covered (to a fixpoint)."""
    covered = set(direct)
    grew = True
    while grew:
        grew = False
        for device, ups in parents.items():
            ups = set(ups)
            if device not in covered and ups and ups <= covered:
                covered.add(device)
                grew = True
    return covered

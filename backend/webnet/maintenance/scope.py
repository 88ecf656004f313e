"""Which devices a maintenance window covers: its devices, its groups' members, the devices in its
location subtrees, and the devices only reachable through those (their children in topology).

A child is covered when every one of its parents is covered: a device behind the maintained
router goes dark with it, one with a second uplink elsewhere stays reachable and keeps alarming
(the same rule dependency suppression applies to a down parent).
"""

from collections.abc import Iterable, Mapping

from webnet.devices.groups import member_ids
from webnet.devices.models import Device
from webnet.locations.within import Node, within
from webnet.maintenance.models import MaintenanceWindow


def direct_device_ids(window: MaintenanceWindow) -> set[int]:
    """Devices the window names, directly, by group or by location subtree."""
    found = {device.pk for device in window.devices.all()}
    for group in window.groups.all():
        found |= member_ids(group)
    nodes = [Node("region", r.pk) for r in window.regions.all()]
    nodes += [Node("site", s.pk) for s in window.sites.all()]
    nodes += [Node("location", loc.pk) for loc in window.locations.all()]
    devices = Device.objects.for_customer(window.customer_id)
    for node in nodes:
        found |= set(within(devices, node).values_list("pk", flat=True))
    return found


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

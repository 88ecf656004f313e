"""Who is upstream of whom: manual parents first, else the device's LLDP/CDP neighbours.

Monitoring calls a down device `unreachable` when every parent is down too. Topology links have
no direction, so without manual parents every known neighbour counts as a parent: a down device
next to one that still answers is the root cause (down); one whose neighbours are all down sits
behind them (unreachable). Manual parents never form a loop (`cycle_through` refuses one).
"""

from collections import defaultdict, deque

from webnet.devices.models import Device
from webnet.networkops.models import DeviceParent, TopologyLink


def parents_of(customer_id: int) -> dict[int, set[int]]:
    """device id → parent device ids, for one customer's devices that have any."""
    manual: dict[int, set[int]] = defaultdict(set)
    for device_id, parent_id in DeviceParent.objects.for_customer(customer_id).values_list(
        "device_id", "parent_id"
    ):
        manual[device_id].add(parent_id)
    neighbours: dict[int, set[int]] = defaultdict(set)
    links = TopologyLink.objects.for_customer(customer_id).filter(remote_device__isnull=False)
    for local_id, remote_id in links.values_list("local_device_id", "remote_device_id"):
        if local_id != remote_id:
            neighbours[local_id].add(remote_id)
            neighbours[remote_id].add(local_id)
    return {**{d: ids for d, ids in neighbours.items() if d not in manual}, **manual}


def cycle_through(device: Device, parent: Device, replacing: int | None = None) -> list[str]:
    """Hostnames of the loop that "`parent` is upstream of `device`" would close (device first
    and last), or [] if none; `replacing` is the id of the manual parent row being changed."""
    upstream: dict[int, set[int]] = defaultdict(set)
    rows = DeviceParent.objects.for_customer(device.customer_id).exclude(pk=replacing)
    for child, up in rows.values_list("device_id", "parent_id"):
        upstream[child].add(up)
    path = _path(upstream, parent.pk, device.pk)
    if path is None:
        return []
    names = dict(Device.objects.filter(pk__in=path).values_list("pk", "hostname"))
    return [names[pk] for pk in [device.pk, *path]]


def _path(upstream: dict[int, set[int]], start: int, goal: int) -> list[int] | None:
    """Device ids from `start` up to `goal` following parents (breadth first), or None."""
    came_from: dict[int, int | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            path = [node]
            while (previous := came_from[path[-1]]) is not None:
                path.append(previous)
            return path[::-1]
        for up in upstream.get(node, ()):
            if up not in came_from:
                came_from[up] = node
                queue.append(up)
    return None

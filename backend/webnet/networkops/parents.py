"""Who is upstream of whom: manual parents first, else the device's LLDP/CDP neighbours.

Monitoring calls a down device `unreachable` when every parent is down too. Topology links have
no direction, so they are oriented away from the anchors — devices whose role is one of
WEBNET_TOPOLOGY_ROOT_ROLES ("core" by default), where the poller's traffic enters the network:
a device's parents are its neighbours one hop closer to an anchor (two of them: redundant
uplinks). Without that, a whole failed fleet is one loop of mutual parents and every member
looks like a root cause. In a part of the topology with no anchor every neighbour still counts
as a parent. Manual parents never form a loop (`cycle_through` refuses one).
"""

from collections import defaultdict, deque

from django.conf import settings

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
    oriented = _orient(neighbours, _anchors(customer_id, neighbours))
    return {**{d: ids for d, ids in oriented.items() if d not in manual and ids}, **manual}


def _anchors(customer_id: int, neighbours: dict[int, set[int]]) -> set[int]:
    roles = {role.strip().lower() for role in settings.WEBNET_TOPOLOGY_ROOT_ROLES if role.strip()}
    if not roles or not neighbours:
        return set()
    devices = Device.objects.for_customer(customer_id).filter(pk__in=neighbours)
    return {pk for pk, role in devices.values_list("pk", "role") if role.strip().lower() in roles}


def _orient(neighbours: dict[int, set[int]], anchors: set[int]) -> dict[int, set[int]]:
    """Each device's neighbours one hop nearer an anchor (breadth first from all anchors);
    devices no anchor reaches keep every neighbour."""
    distance = dict.fromkeys(anchors, 0)
    queue = deque(anchors)
    while queue:
        node = queue.popleft()
        for other in neighbours.get(node, ()):
            if other not in distance:
                distance[other] = distance[node] + 1
                queue.append(other)
    return {
        device: (
            {n for n in around if distance.get(n, -1) == distance[device] - 1}
            if device in distance
            else set(around)
        )
        for device, around in neighbours.items()
    }


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

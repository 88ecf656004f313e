"""Who is upstream of whom: manual parents first, else the device's LLDP/CDP neighbours.

Monitoring calls a down device `unreachable` when every parent is down too. Topology links have
no direction, so without manual parents every known neighbour counts as a parent: a down device
next to one that still answers is the root cause (down); one whose neighbours are all down sits
behind them (unreachable).
"""

from collections import defaultdict

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

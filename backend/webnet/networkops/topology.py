"""Topology links: storing what a discovery job heard, clearing links, the graph of a customer.

`store_links` runs in the job runner's database thread: a device's links are replaced by what it
reports now (stale links of that device disappear), remote ends are matched to inventory by
hostname (case-insensitive, domain stripped), and neighbours webnet does not manage go to the
discovery queue.
"""

from typing import Any

from django.db import transaction
from django.utils import timezone

from webnet.core import audit
from webnet.devices.models import Device
from webnet.jobs.registry import DeviceOutcome
from webnet.networkops.models import (
    CandidateSource,
    DiscoveryCandidate,
    TopologyLink,
)
from webnet.networkops.neighbors import short_name


def _inventory_by_name(customer_id: int) -> dict[str, int]:
    return {
        short_name(hostname): pk
        for pk, hostname in Device.objects.for_customer(customer_id).values_list("pk", "hostname")
    }


def _queue_unknown(device: Device, neighbor: dict[str, str]) -> None:
    DiscoveryCandidate.objects.update_or_create(
        customer_id=device.customer_id,
        source=CandidateSource(neighbor["protocol"]),
        address=neighbor["remote_address"],
        port=22,
        hostname=neighbor["remote_name"],
        defaults={
            "seen_by": device,
            "facts": {
                "platform_text": neighbor["remote_platform"],
                "interface": neighbor["remote_interface"],
            },
        },
    )


@transaction.atomic
def store_links(job: Any, device: Device, outcome: DeviceOutcome) -> list[dict]:
    if not outcome.ok:
        return []
    now = timezone.now()
    known = _inventory_by_name(device.customer_id)
    links = TopologyLink.objects.for_customer(device.customer_id)
    removed, _ = links.filter(local_device=device).delete()
    seen: set[tuple[str, str, str]] = set()
    for neighbor in outcome.data.get("neighbors", []):
        key = (neighbor["local_interface"], neighbor["protocol"], neighbor["remote_name"])
        if key in seen:
            continue
        seen.add(key)
        remote_id = known.get(short_name(neighbor["remote_name"]))
        TopologyLink.objects.create(
            customer_id=device.customer_id,
            local_device=device,
            remote_device_id=remote_id,
            last_seen_at=now,
            **neighbor,
        )
        if remote_id is None:
            _queue_unknown(device, neighbor)
    outcome.data["links"] = {"stored": len(seen), "replaced": removed}
    return []


def links_to_clear(user: Any, customer_id: int, device_ids: list[int] | None = None) -> Any:
    """The links a clear would remove: the customer's, or those of some of its devices."""
    links = TopologyLink.objects.restrict(user, "clear").for_customer(customer_id)
    if device_ids:
        links = links.filter(local_device_id__in=device_ids)
    return links.select_related("local_device", "remote_device")


@transaction.atomic
def clear_links(actor: Any, customer_id: int, device_ids: list[int] | None = None) -> int:
    """Delete the links `links_to_clear` lists; one audit event with the count."""
    links = links_to_clear(actor, customer_id, device_ids)
    count = links.count()
    links.delete()
    audit.record(
        "topology_clear",
        actor=actor,
        customer_id=customer_id,
        object_type="networkops.topologylink",
        object_repr=f"{count} topology link(s)",
        changes={"links": [count, 0], "devices": [device_ids or "all", None]},
    )
    return count


def graph(user: Any, customer_id: int) -> dict[str, list[dict[str, Any]]]:
    """Nodes (devices, plus unknown neighbours) and edges (one per cable, LLDP and CDP merged)."""
    devices = Device.objects.restrict(user, "view").for_customer(customer_id)
    nodes: dict[str, dict[str, Any]] = {
        f"d{d.pk}": {
            "id": f"d{d.pk}",
            "label": d.hostname,
            "device": d.pk,
            "status": d.status,
            "platform": d.platform,
        }
        for d in devices.only("pk", "hostname", "status", "platform")
    }
    edges: dict[tuple, dict[str, Any]] = {}
    for link in TopologyLink.objects.restrict(user, "view").for_customer(customer_id):
        source = f"d{link.local_device_id}"
        if link.remote_device_id:
            target = f"d{link.remote_device_id}"
        else:
            target = f"u:{short_name(link.remote_name)}"
            nodes.setdefault(
                target,
                {
                    "id": target,
                    "label": link.remote_name,
                    "device": None,
                    "status": "unmanaged",
                    "platform": link.remote_platform[:40],
                },
            )
        if source not in nodes or target not in nodes:
            continue
        ends = sorted([(source, link.local_interface), (target, link.remote_interface)])
        key = tuple(ends)
        edge = edges.setdefault(
            key,
            {
                "id": f"e{len(edges) + 1}",
                "source": ends[0][0],
                "target": ends[1][0],
                "label": f"{ends[0][1]} — {ends[1][1]}",
                "protocols": [],
            },
        )
        if link.protocol not in edge["protocols"]:
            edge["protocols"].append(link.protocol)
    return {"nodes": list(nodes.values()), "edges": list(edges.values())}

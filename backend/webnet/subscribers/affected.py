"""Customers affected: from devices, ports or a location subtree to the services behind them.

An alarm on a BNG, an incident on a site or a maintenance window on a POP names devices, ports
or nodes; the services they carry (not terminated) and their subscribers are who to notify.
Read through the gate: a user scoped to a region sees only the services of that region. A
maintenance window covers its devices, groups and locations and the devices only reachable
through them (maintenance.services.coverage); `notice_csv` is the list a notice is sent to.
"""

import csv
import io
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q, QuerySet

from webnet.core.spreadsheet import escape_cell
from webnet.locations.within import Node, within_q
from webnet.maintenance import scope
from webnet.maintenance.models import MaintenanceWindow
from webnet.maintenance.services import coverage
from webnet.subscribers.models import ServiceInstance, Subscriber
from webnet.subscribers.models.services import ServiceStatus

Port = tuple[int, str]  # (device id, port name or ONU id)
NOTICE_COLUMNS = (
    "service",
    "account_number",
    "subscriber",
    "email",
    "phone",
    "address",
    "plan",
    "status",
    "device",
    "port",
)


def affected(
    user: Any,
    customer_id: int,
    *,
    devices: Iterable[int] = (),
    ports: Iterable[Port] = (),
    within: Node | None = None,
    nodes: Iterable[Node] = (),
) -> QuerySet[ServiceInstance]:
    """Live services of the customer on any of `devices`, `ports`, or inside `within` or one
    of `nodes`."""
    condition = Q(pk__in=[])
    device_ids = list(devices)
    if device_ids:
        condition |= Q(device_id__in=device_ids)
    for device_id, port in ports:
        condition |= Q(device_id=device_id) & (Q(port=port) | Q(onu_id=port))
    for node in [*nodes, *([within] if within is not None else [])]:
        # the access device stands there, or the subscriber lives there
        condition |= within_q(ServiceInstance, node)
        condition |= Q(subscriber__in=Subscriber.objects.filter(within_q(Subscriber, node)))
    return (
        ServiceInstance.objects.restrict(user, "view")
        .for_customer(customer_id)
        .exclude(status=ServiceStatus.TERMINATED)
        .filter(condition)
        .select_related("subscriber", "plan", "device")
        .order_by("subscriber__account_number", "pk")
    )


def by_window(user: Any, window: MaintenanceWindow) -> QuerySet[ServiceInstance]:
    """Behind a maintenance window: the devices it covers and the subscribers in its places."""
    devices = coverage(window.customer_id, [window])[window.pk]
    nodes = scope.nodes_of(window.regions.all(), window.sites.all(), window.locations.all())
    return affected(user, window.customer_id, devices=devices, nodes=nodes)


def notice_csv(services: Iterable[ServiceInstance]) -> str:
    """The notice list as CSV (header always; cells never a spreadsheet formula)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(NOTICE_COLUMNS)
    for service in services:
        row = affected_row(service)
        writer.writerow([escape_cell(str(row[column] or "")) for column in NOTICE_COLUMNS])
    return buffer.getvalue()


def affected_row(service: ServiceInstance) -> dict[str, Any]:
    """One line of a notice list: who, where, on what."""
    subscriber = service.subscriber
    return {
        "service": service.pk,
        "account_number": subscriber.account_number,
        "subscriber": subscriber.name,
        "email": subscriber.email,
        "phone": subscriber.phone,
        "address": subscriber.address,
        "plan": service.plan.name,
        "status": service.status,
        "device": service.device.hostname,
        "port": service.port or service.onu_id,
    }


def counts_by_device(user: Any, customer_id: int, device_ids: Iterable[int]) -> dict[int, int]:
    """Live services per device, for a page of alarms (one query)."""
    rows = (
        affected(user, customer_id, devices=set(device_ids))
        .order_by()
        .values("device_id")
        .annotate(n=Count("pk"))
    )
    return {row["device_id"]: row["n"] for row in rows}

"""Customers affected: from devices, ports or a location subtree to the services behind them.

An alarm on a BNG, an incident on a site or a maintenance window on a POP names devices, ports
or a node; the services they carry (not terminated) and their subscribers are who to notify.
Read through the gate: a user scoped to a region sees only the services of that region.
"""

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q, QuerySet

from webnet.locations.within import Node, within_q
from webnet.subscribers.models import ServiceInstance, Subscriber
from webnet.subscribers.models.services import ServiceStatus

Port = tuple[int, str]  # (device id, port name or ONU id)


def affected(
    user: Any,
    customer_id: int,
    *,
    devices: Iterable[int] = (),
    ports: Iterable[Port] = (),
    within: Node | None = None,
) -> QuerySet[ServiceInstance]:
    """Live services of the customer on any of `devices`, `ports`, or inside `within`."""
    condition = Q(pk__in=[])
    device_ids = list(devices)
    if device_ids:
        condition |= Q(device_id__in=device_ids)
    for device_id, port in ports:
        condition |= Q(device_id=device_id) & (Q(port=port) | Q(onu_id=port))
    if within is not None:
        # the access device stands there, or the subscriber lives there
        condition |= within_q(ServiceInstance, within)
        condition |= Q(subscriber__in=Subscriber.objects.filter(within_q(Subscriber, within)))
    return (
        ServiceInstance.objects.restrict(user, "view")
        .for_customer(customer_id)
        .exclude(status=ServiceStatus.TERMINATED)
        .filter(condition)
        .select_related("subscriber", "plan", "device")
        .order_by("subscriber__account_number", "pk")
    )


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

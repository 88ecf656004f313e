"""Customers affected by an incident: the services behind the devices, alarms and places it
names (its site, its location and the locations it lists)."""

from typing import Any

from django.db.models import QuerySet

from webnet.incidents.models import Incident
from webnet.locations.within import Node
from webnet.subscribers import affected
from webnet.subscribers.models import ServiceInstance


def by_incident(user: Any, incident: Incident) -> QuerySet[ServiceInstance]:
    devices = set(incident.devices.values_list("pk", flat=True))
    devices |= set(incident.alarms.filter(device__isnull=False).values_list("device_id", flat=True))
    nodes = [Node("location", pk) for pk in incident.locations.values_list("pk", flat=True)]
    if incident.site_id is not None:
        nodes.append(Node("site", incident.site_id))
    if incident.location_id is not None:
        nodes.append(Node("location", incident.location_id))
    return affected.affected(user, incident.customer_id, devices=devices, nodes=nodes)

"""Monitoring for the demo customer's lab devices: a default poll profile, the lab's SNMP
community, and each device's SNMP agent address from the lab inventory. Idempotent.

The lab inventory lists `snmp_host`, `snmp_port`, `snmp_community` when the lab runs SNMP
agents; without those columns the profile polls ICMP only (the lab's devices share one host, so
port 161 on it would be nobody's agent) and WEBNET_LAB_SNMP_COMMUNITY names the community.
"""

import csv
import io
from typing import Any

from django.db import transaction

from webnet.core import changes
from webnet.customers.models import Customer
from webnet.devices.models import Device
from webnet.monitoring import services
from webnet.monitoring.models import DEFAULT_PARTS, DeviceMonitoring, PollProfile, SnmpCredential

PROFILE = "default"
CREDENTIAL = "lab-snmp"


def _credential(customer: Customer, community: str) -> SnmpCredential:
    found = SnmpCredential.objects.for_customer(customer.pk).filter(name=CREDENTIAL).first()
    if found is not None:
        if found.reveal("community") != community:
            found = services.update_snmp_credential(None, found, {"community": community})
        return found
    return services.create_snmp_credential(
        None,
        {
            "customer": customer,
            "name": CREDENTIAL,
            "version": "v2c",
            "community": community,
            "description": "Community of the simulated lab's SNMP agents",
        },
    )


@transaction.atomic
def seed_lab_monitoring(customer: Customer, inventory: str, community: str) -> dict[str, Any]:
    rows = list(csv.DictReader(io.StringIO(inventory)))
    agents = [row for row in rows if row.get("snmp_host")]
    community = next((r["snmp_community"] for r in agents if r.get("snmp_community")), community)
    credential = _credential(customer, community)
    parts = DEFAULT_PARTS if agents else ["icmp"]
    profile = PollProfile.objects.for_customer(customer.pk).filter(is_default=True).first()
    if profile is None:
        profile = changes.create(
            None,
            PollProfile,
            {
                "customer": customer,
                "name": PROFILE,
                "is_default": True,
                "interval_s": 60,
                "parts": parts,
                "snmp_credential": credential,
            },
        )
    devices = dict(
        Device.objects.for_customer(customer.pk)
        .filter(hostname__in=[r["hostname"] for r in agents])
        .values_list("hostname", "pk")
    )
    bound = {b.device_id: b for b in DeviceMonitoring.objects.for_customer(customer.pk)}
    for row in agents:
        device_id = devices.get(row["hostname"])
        if device_id is None:
            continue
        wanted = {"snmp_address": row["snmp_host"], "snmp_port": int(row["snmp_port"] or 161)}
        binding = bound.get(device_id)
        if binding is None:
            changes.create(
                None, DeviceMonitoring, {"customer": customer, "device_id": device_id, **wanted}
            )
        elif (binding.snmp_address, binding.snmp_port) != tuple(wanted.values()):
            changes.update(None, binding, wanted)
    return {"profile": profile.name, "parts": profile.parts, "agents": len(agents)}

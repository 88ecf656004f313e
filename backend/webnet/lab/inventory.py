"""The fleet's inventory as CSV, in the shape webnet's device import accepts."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

INVENTORY_HEADER = (
    "hostname",
    "management_host",
    "port",
    "platform",
    "vendor",
    "model",
    "serial_number",
    "os_version",
    "role",
    "site",
    "tags",
    "credential",
)
# appended when the lab runs SNMP agents (the columns before stay as they were)
SNMP_COLUMNS = ("snmp_host", "snmp_port", "snmp_community", "snmp_v3_user")


def _has_snmp(devices: list) -> bool:
    return any(getattr(d, "snmp_host", "") for d in devices)


def inventory_rows(devices: Iterable, credential: str = "lab") -> list[list[str]]:
    devices = list(devices)
    snmp = _has_snmp(devices)
    return [
        [
            d.hostname,
            d.host,
            str(d.port),
            d.platform,
            d.vendor,
            d.model,
            d.serial_number,
            d.os_version,
            d.role,
            d.site,
            ";".join(d.tags),
            credential,
            *((d.snmp_host, str(d.snmp_port), d.snmp_community, d.snmp_v3_user) if snmp else ()),
        ]
        for d in devices
    ]


def inventory_csv(devices: Iterable, credential: str = "lab") -> str:
    devices = list(devices)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(INVENTORY_HEADER + (SNMP_COLUMNS if _has_snmp(devices) else ()))
    writer.writerows(inventory_rows(devices, credential))
    return buf.getvalue()


def write_inventory_csv(devices: Iterable, path: str | Path, credential: str = "lab") -> Path:
    """Write `devices` (LabServer.devices) to `path`, atomically; return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(inventory_csv(devices, credential))
    tmp.replace(path)
    return path

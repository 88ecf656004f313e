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


def inventory_rows(devices: Iterable, credential: str = "lab") -> list[list[str]]:
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
        ]
        for d in devices
    ]


def inventory_csv(devices: Iterable, credential: str = "lab") -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(INVENTORY_HEADER)
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

"""`probe.destructive`: stands in for a deploy — each execution leaves a mark outside the database.

Every run appends one line (the worker's pid) to <WEBNET_PROBE_DIR>/<device id>, like a change
pushed to a device. A destructive job must never be re-run, so no file may ever hold two lines.
"""

import asyncio
import os
from pathlib import Path
from typing import Any

from webnet.jobs.registry import DeviceOutcome, Kind, register


def clean_params(params: dict[str, Any]) -> dict[str, Any]:
    return {
        "seconds": float(params.get("seconds", 1.0)),
        "concurrency": int(params.get("concurrency", 5)),
    }


async def mark(ctx: Any) -> DeviceOutcome:
    await asyncio.sleep(ctx.params["seconds"])
    path = Path(os.environ["WEBNET_PROBE_DIR"]) / str(ctx.target.id)
    with path.open("a") as handle:
        handle.write(f"{os.getpid()}\n")
    ctx.log("change applied")
    return DeviceOutcome(output="applied")


register(
    Kind(
        name="probe.destructive",
        label="Probe (destructive)",
        handler=mark,
        clean_params=clean_params,
        needs_session=False,
        destructive=True,
        description="Test only: counts its executions per device.",
    )
)

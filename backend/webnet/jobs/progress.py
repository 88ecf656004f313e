"""Per-device progress of a job, read from the records: one row per target device and one set of
counts, so the page's counter and its table can never disagree.

A device with a result row is done (its result's status); one without a result but with log
lines is running; one with neither is queued — or, once the job has finished, was never run.
"""

import json
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from webnet.jobs.models import Job, JobDeviceResult, JobLog

QUEUED, RUNNING, NOT_RUN = "queued", "running", "not run"
STATES = (QUEUED, RUNNING, "success", "failed", "cancelled", "skipped", NOT_RUN)


@dataclass
class DeviceRow:
    hostname: str
    device_id: int | None
    state: str
    result: JobDeviceResult | None = None
    commands: list[dict[str, Any]] = field(default_factory=list)  # commands.run's output
    data_json: str = ""  # the rest of the result's data, pretty-printed
    output: str = ""
    error_message: str = ""


def _done(result: JobDeviceResult) -> DeviceRow:
    commands = _commands(result)
    data = result.data if isinstance(result.data, dict) else {}
    rest = {k: v for k, v in data.items() if k != "commands"} if commands else data
    text = json.dumps(rest, indent=2, sort_keys=True) if rest else ""
    return DeviceRow(
        result.hostname,
        result.device_id,
        result.status,
        result,
        commands,
        text,
        result.output,
        result.error_message,
    )


def _commands(result: JobDeviceResult) -> list[dict[str, Any]]:
    """Each command's output with its line count (what the page shows pre-formatted)."""
    rows = result.data.get("commands") if isinstance(result.data, dict) else None
    if not isinstance(rows, list):
        return []
    return [
        {**row, "lines": len(str(row.get("output", "")).splitlines())}
        for row in rows
        if isinstance(row, dict) and "command" in row
    ]


def device_rows(
    job: Job, results: QuerySet[JobDeviceResult], logs: QuerySet[JobLog], hostnames: dict[int, str]
) -> list[DeviceRow]:
    """Every target device of `job` (hostnames of the visible ones), ordered by hostname.

    `results` and `logs` come through the gate, already narrowed to the job."""
    rows: list[DeviceRow] = []
    seen: set[int] = set()
    for result in results:
        if result.device_id is not None:
            seen.add(result.device_id)
        rows.append(_done(result))
    started = set(logs.exclude(device=None).values_list("device_id", flat=True).distinct())
    for pk in job.device_ids:
        if pk in seen or pk not in hostnames:
            continue
        state = RUNNING if pk in started else NOT_RUN if job.is_finished else QUEUED
        rows.append(DeviceRow(hostnames[pk], pk, state))
    return sorted(rows, key=lambda row: (row.hostname, row.device_id or 0))


def counts(rows: list[DeviceRow]) -> dict[str, int]:
    """How many devices are in each state (states with none left out), in a stable order."""
    found = {state: sum(1 for row in rows if row.state == state) for state in STATES}
    return {state: n for state, n in found.items() if n}

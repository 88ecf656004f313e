"""Scanning a customer's IP ranges for SSH devices into the discovery queue.

The job engine targets inventory devices; a scan targets addresses, so it runs here on the same
executor loop, with its plan built in the database thread: the (address, port) pairs come only
from the customer's ranges (ranges.targets), credentials are decrypted only into `Login`s.
Addresses already in the inventory are skipped; what answers SSH becomes a candidate.
"""

import asyncio
import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from webnet.core import access, audit
from webnet.devices.kinds import FACT_KEYS
from webnet.devices.models import Credential, Device
from webnet.jobs.connection import timeouts
from webnet.jobs.dbthread import run_db
from webnet.jobs.executors import bound_loop
from webnet.jobs.parsing import ParseFailed, parse
from webnet.networkops import ranges
from webnet.networkops.models import (
    CandidateSource,
    CandidateStatus,
    CustomerIPRange,
    DiscoveryCandidate,
)
from webnet.networkops.probe import Found, Login, probe

logger = logging.getLogger("webnet.networkops")
CONCURRENCY = 50


@dataclass(repr=False)
class ScanPlan:
    customer_id: int
    targets: list[tuple[str, int]]
    logins: list[Login] = field(default_factory=list)


def scan_targets(customer_id: int, range_ids: list[int] | None = None) -> list[tuple[str, int]]:
    """Every (address, port) of the customer's ranges that is not an inventory device yet."""
    chosen = CustomerIPRange.objects.for_customer(customer_id)
    if range_ids:
        chosen = chosen.filter(pk__in=range_ids)
    managed = set(Device.objects.for_customer(customer_id).values_list("management_host", "port"))
    targets: list[tuple[str, int]] = []
    for row in chosen:
        for target in ranges.targets(row.cidr, row.ports):
            if target not in managed and target not in targets:
                targets.append(target)
    return targets


def plan(customer_id: int, range_ids: list[int] | None = None) -> ScanPlan:
    """The targets, and the customer's credentials in name order (decrypted)."""
    logins = [
        Login(
            credential_id=credential.pk,
            username=credential.username,
            password=credential.reveal("password") or None,
            private_key=credential.reveal("ssh_private_key") or None,
        )
        for credential in Credential.objects.for_customer(customer_id).order_by("name", "pk")
    ]
    return ScanPlan(customer_id, scan_targets(customer_id, range_ids), logins)


def _facts(found: Found) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    if found.platform and found.version_text:
        try:
            records = parse(found.platform, "show version", found.version_text)
        except ParseFailed:
            records = []
        for name, keys in FACT_KEYS.items():
            for key in keys:
                value = records[0].get(key) if records else None
                value = value[0] if isinstance(value, list) and value else value
                if value:
                    facts[name] = str(value).strip()
                    break
    if found.host_key:
        facts["host_key"] = found.host_key
    return facts


@transaction.atomic
def store(customer_id: int, found: list[Found]) -> int:
    """Queue what answered SSH; decisions already taken (rejected, ignored) are kept."""
    stored = 0
    for item in found:
        if not item.ssh:
            continue
        candidate, _ = DiscoveryCandidate.objects.get_or_create(
            customer_id=customer_id,
            source=CandidateSource.SCAN,
            address=item.address,
            port=item.port,
            defaults={"hostname": item.hostname},
        )
        if candidate.status == CandidateStatus.APPROVED:
            continue
        candidate.hostname = item.hostname or candidate.hostname
        candidate.platform = item.platform
        candidate.credential_id = item.credential_id
        candidate.facts = _facts(item)
        candidate.error = item.error
        candidate.save()
        stored += 1
    return stored


async def run_scan(customer_id: int, range_ids: list[int] | None = None) -> dict[str, int]:
    scan = await run_db(plan, customer_id, range_ids)
    limit = asyncio.Semaphore(CONCURRENCY)
    budget = timeouts()

    async def one(address: str, port: int) -> Found:
        async with limit:
            return await probe(address, port, scan.logins, budget)

    found = await asyncio.gather(*(one(address, port) for address, port in scan.targets))
    stored = await run_db(store, customer_id, list(found))
    summary = {"targets": len(scan.targets), "ssh": sum(f.ssh for f in found), "queued": stored}
    logger.info("scan of customer %s: %s", customer_id, summary)
    return summary


def start_scan(actor: Any, customer_id: int, range_ids: list[int] | None = None) -> dict[str, Any]:
    """Check, audit and start a scan in the background; returns how many targets it probes."""
    if not access.can(actor, "customeriprange", "scan", customer_id):
        raise PermissionDenied("Your role does not allow scanning this customer's ranges.")
    count = len(scan_targets(customer_id, range_ids))
    audit.record(
        "scan_start",
        actor=actor,
        customer_id=customer_id,
        object_type="networkops.customeriprange",
        object_repr=f"scan of {count} target(s)",
        changes={"ranges": [None, range_ids or "all"], "targets": [None, count]},
    )
    submit(customer_id, range_ids)
    return {"targets": count}


def submit(customer_id: int, range_ids: list[int] | None) -> None:
    """Run the scan where embedded jobs run: the server's loop, else a thread of its own."""
    loop = bound_loop()
    if loop is not None:
        asyncio.run_coroutine_threadsafe(run_scan(customer_id, range_ids), loop)
        return
    threading.Thread(
        target=asyncio.run, args=(run_scan(customer_id, range_ids),), daemon=True
    ).start()

"""Scanning a customer's IP ranges for SSH devices into the discovery queue: a job kind.

A scan targets addresses, not inventory devices: `resolve_addresses` takes the (address, port)
pairs only from ranges the user may see (through the gate), skipping addresses already in the
inventory; `prepare` decrypts the customer's credentials into `Login`s (handed to the job's
scrubber); the handler probes one address; `persist` queues what answered SSH as a candidate.
So a scan has a Job row, a live log, cancel, a lease and the reaper like every other job.
"""

from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from webnet.core import access
from webnet.core.scrub import Scrubber
from webnet.customers.models import Customer
from webnet.devices.kinds import FACT_KEYS
from webnet.devices.models import Credential, Device
from webnet.drivers import Timeouts
from webnet.jobs.connection import timeouts
from webnet.jobs.models import Job
from webnet.jobs.parsing import ParseFailed, parse
from webnet.jobs.registry import DeviceContext, DeviceOutcome, DeviceTarget
from webnet.jobs.services import JobService
from webnet.networkops import ranges
from webnet.networkops.models import (
    CandidateSource,
    CandidateStatus,
    CustomerIPRange,
    DiscoveryCandidate,
)
from webnet.networkops.probe import Found, Login, probe

KIND = "onboarding.scan"


@dataclass(repr=False)
class ScanInputs:
    """What every address of one scan is probed with (the same object for all of them)."""

    logins: list[Login]
    timeouts: Timeouts


def _range_ids(spec: Any) -> list[int] | None:
    """{"ranges": [ids]} or {"all": true} → the range ids (None: every range)."""
    if spec == {"all": True}:
        return None
    ids = spec.get("ranges") if isinstance(spec, dict) and set(spec) == {"ranges"} else None
    if not isinstance(ids, list) or not ids or not all(isinstance(i, int) for i in ids):
        raise ValidationError({"targets": 'give {"ranges": [range ids]} or {"all": true}'})
    return ids


def scan_targets(ip_ranges: Any, customer_id: int) -> list[tuple[str, int]]:
    """Every (address, port) of `ip_ranges` that is not an inventory device yet."""
    managed = set(Device.objects.for_customer(customer_id).values_list("management_host", "port"))
    targets: list[tuple[str, int]] = []
    for row in ip_ranges:
        for target in ranges.targets(row.cidr, row.ports):
            if target not in managed and target not in targets:
                targets.append(target)
    return targets


def resolve_addresses(user: Any, customer_id: int, spec: Any) -> list[tuple[str, int]]:
    """The scan's targets, only from ranges `user` may see and may scan."""
    if not access.can(user, "customeriprange", "scan", customer_id):
        raise PermissionDenied("Your role does not allow scanning this customer's ranges.")
    range_ids = _range_ids(spec)
    chosen = CustomerIPRange.objects.restrict(user, "view").for_customer(customer_id)
    if range_ids is not None:
        chosen = chosen.filter(pk__in=range_ids)
    return scan_targets(chosen.order_by("pk"), customer_id)


def prepare(job: Job, targets: list[DeviceTarget], scrubber: Scrubber) -> dict[str, ScanInputs]:
    """The customer's credentials in name order, decrypted once for the whole scan."""
    logins = []
    for credential in Credential.objects.for_customer(job.customer_id).order_by("name", "pk"):
        password = credential.reveal("password")
        private_key = credential.reveal("ssh_private_key")
        scrubber.add([password, private_key])
        logins.append(
            Login(
                credential_id=credential.pk,
                username=credential.username,
                password=password or None,
                private_key=private_key or None,
            )
        )
    inputs = ScanInputs(logins, timeouts())
    return {target.key: inputs for target in targets}


async def probe_address(ctx: DeviceContext) -> DeviceOutcome:
    """Does SSH answer here, which credential logs in, and what is it?"""
    found = await probe(ctx.target.host, ctx.target.port, ctx.inputs.logins, ctx.inputs.timeouts)
    if not found.ssh:
        ctx.log("no SSH server")
    elif found.credential_id is None:
        ctx.log(f"SSH answers, no credential logs in: {found.error}", level="warning")
    else:
        ctx.log(f"SSH: {found.hostname or '?'} ({found.platform or 'unknown platform'})")
    return DeviceOutcome(data=asdict(found))


def persist_found(job: Job, target: DeviceTarget, outcome: DeviceOutcome) -> None:
    """Queue the address as a candidate; the show version text stays out of the result row."""
    store(job.customer_id, [Found(**outcome.data)])
    outcome.data.pop("version_text", None)


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


def start_scan(actor: Any, customer: Customer, range_ids: list[int] | None = None) -> Job:
    """A scan job of the given ranges (all of them by default) as `actor`."""
    spec: dict[str, Any] = {"ranges": range_ids} if range_ids else {"all": True}
    return JobService.create_job(actor, customer, KIND, spec)

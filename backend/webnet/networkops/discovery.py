"""Services for IP ranges and the discovery queue: approve (creates the device), reject, ignore.

Approving creates the device through devices.services (audited there) with the credential that
logged in during the scan, pins the host key the scan saw, and marks the candidate approved.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from webnet.core import access, changes
from webnet.devices import services as device_services
from webnet.devices.models import Credential, Device
from webnet.devices.platforms import Platform
from webnet.drivers import HostKey
from webnet.jobs.hostkeys import pin_host_key
from webnet.networkops import ranges
from webnet.networkops.models import CandidateStatus, CustomerIPRange, DiscoveryCandidate


def create_range(actor: Any, data: dict[str, Any]) -> CustomerIPRange:
    cidr, ports = ranges.validate(data.get("cidr", ""), data.get("ports", "22"))
    return changes.create(actor, CustomerIPRange, {**data, "cidr": cidr, "ports": ports})


def update_range(actor: Any, ip_range: CustomerIPRange, data: dict[str, Any]) -> CustomerIPRange:
    cidr, ports = ranges.validate(
        data.get("cidr", ip_range.cidr), data.get("ports", ip_range.ports)
    )
    return changes.update(actor, ip_range, {**data, "cidr": cidr, "ports": ports})


def delete_range(actor: Any, ip_range: CustomerIPRange) -> None:
    changes.delete(actor, ip_range)


def _check(actor: Any, candidate: DiscoveryCandidate, action: str) -> None:
    if not access.can(actor, "discoverycandidate", action, candidate.customer_id):
        raise PermissionDenied("Only an admin may decide on discovered devices.")
    if candidate.status == CandidateStatus.APPROVED:
        raise ValidationError({"status": "this candidate is already a device"})


def _unique_hostname(customer_id: int, hostname: str) -> str:
    taken = Device.objects.for_customer(customer_id).filter(hostname__iexact=hostname).exists()
    if taken:
        raise ValidationError({"hostname": f"a device named {hostname!r} already exists"})
    return hostname


@transaction.atomic
def approve(
    actor: Any, candidate: DiscoveryCandidate, overrides: dict[str, Any] | None = None
) -> Device:
    """Create the device from the candidate (fields in `overrides` win)."""
    _check(actor, candidate, "approve")
    given = overrides or {}
    platform = given.get("platform") or candidate.platform
    credential: Any = given.get("credential") or candidate.credential
    address = given.get("management_host") or candidate.address
    hostname = given.get("hostname") or candidate.hostname or address
    missing = [
        name
        for name, value in (
            ("management_host", address),
            ("platform", platform),
            ("credential", credential),
        )
        if not value
    ]
    if missing:
        raise ValidationError({name: "unknown for this candidate; give it" for name in missing})
    if platform not in Platform.values:
        raise ValidationError({"platform": f"unknown platform {platform!r}"})
    if isinstance(credential, int):
        credential = Credential.objects.for_customer(candidate.customer_id).get(pk=credential)
    if credential.customer_id != candidate.customer_id:
        raise ValidationError({"credential": "not a credential of this customer"})
    facts = candidate.facts or {}
    device = device_services.create_device(
        actor,
        {
            "customer_id": candidate.customer_id,
            "hostname": _unique_hostname(candidate.customer_id, hostname),
            "management_host": address,
            "port": int(given.get("port") or candidate.port),
            "platform": platform,
            "credential": credential,
            **{k: facts[k] for k in ("model", "serial_number", "os_version") if facts.get(k)},
        },
    )
    key = facts.get("host_key")
    if key:
        pin_host_key(device.customer_id, device.pk, HostKey(**key))
    changes.update(actor, candidate, {"status": CandidateStatus.APPROVED, "device": device})
    return device


def decide(actor: Any, candidate: DiscoveryCandidate, status: str) -> DiscoveryCandidate:
    """Reject or ignore (ignored neighbours are not queued again)."""
    if status not in (CandidateStatus.REJECTED, CandidateStatus.IGNORED, CandidateStatus.NEW):
        raise ValidationError({"status": "reject, ignore or reopen"})
    _check(actor, candidate, "reject")
    return changes.update(actor, candidate, {"status": status})


DECISIONS = {"reject": CandidateStatus.REJECTED, "ignore": CandidateStatus.IGNORED}


def bulk(actor: Any, candidates: list[DiscoveryCandidate], action: str) -> list[dict[str, Any]]:
    """approve / reject / ignore many; each one succeeds or reports its own error."""
    results: list[dict[str, Any]] = []
    for candidate in candidates:
        try:
            if action == "approve":
                device = approve(actor, candidate)
                results.append({"id": candidate.pk, "ok": True, "device": device.pk})
            else:
                decide(actor, candidate, DECISIONS[action])
                results.append({"id": candidate.pk, "ok": True})
        except ValidationError as exc:
            error = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
            results.append({"id": candidate.pk, "ok": False, "error": error})
        except PermissionDenied as exc:
            results.append({"id": candidate.pk, "ok": False, "error": str(exc)})
    return results

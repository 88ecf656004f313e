"""Storing backups: one snapshot per distinct sanitized configuration, plus per-device state.

Why: a backup that always stores is noise (every snapshot "differs" by a timestamp); a backup
that stores nothing when unchanged must still prove it looked. So an identical configuration
moves `last_verified_at` of the latest snapshot and `verified_unchanged_at` of the device's state.
"""

import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from webnet.config_mgmt import drift
from webnet.config_mgmt.models import BackupState, ConfigSnapshot
from webnet.config_mgmt.sanitize import sanitize
from webnet.devices.models import Device


@dataclass(frozen=True)
class BackupResult:
    snapshot: ConfigSnapshot
    created: bool


def sanitized_hash(platform: str, text: str) -> str:
    """The hash a snapshot is deduplicated by (and the deploy code announces with mark_expected)."""
    return hashlib.sha256(sanitize(platform, text).encode()).hexdigest()


def latest_snapshot(device: Device) -> ConfigSnapshot | None:
    return (
        ConfigSnapshot.objects.for_customer(device.customer_id)
        .filter(device_id=device.pk)
        .order_by("-created_at", "-id")
        .first()
    )


def _state(device: Device) -> BackupState:
    state = BackupState.objects.for_customer(device.customer_id).filter(device_id=device.pk).first()
    return state or BackupState(customer_id=device.customer_id, device=device)


@transaction.atomic
def record_backup(device: Device, text: str, job: Any = None) -> BackupResult:
    """Store `text` as a new snapshot only if its sanitized form changed; update the state."""
    now = timezone.now()
    digest = sanitized_hash(device.platform, text)
    latest = latest_snapshot(device)
    state = _state(device)
    state.last_attempt_at = state.last_success_at = now
    if latest is not None and latest.sha256 == digest:
        ConfigSnapshot.objects.for_customer(device.customer_id).filter(pk=latest.pk).update(
            last_verified_at=now
        )
        latest.last_verified_at = now
        state.verified_unchanged_at = now
        result = BackupResult(latest, created=False)
    else:
        kind, plan_id = drift.classify(device, digest, first=latest is None)
        snapshot = ConfigSnapshot.objects.create(
            customer_id=device.customer_id,
            device=device,
            job=job,
            text=text,
            sha256=digest,
            raw_sha256=hashlib.sha256(text.encode()).hexdigest(),
            size=len(text),
            change_kind=kind,
            plan_id=plan_id,
            last_verified_at=now,
        )
        state.verified_unchanged_at = None
        result = BackupResult(snapshot, created=True)
    state.latest = result.snapshot
    state.save()
    Device.objects.for_customer(device.customer_id).filter(pk=device.pk).update(last_backup_at=now)
    return result


def record_failure(device: Device, code: str, message: str) -> BackupState:
    """A failed backup attempt: kept on the device's state, the history is untouched."""
    now = timezone.now()
    state = _state(device)
    state.last_attempt_at = state.last_error_at = now
    state.last_error_code = code[:40]
    state.last_error = message
    state.save()
    return state

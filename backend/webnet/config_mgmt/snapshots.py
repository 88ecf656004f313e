"""Storing backups: one snapshot per distinct sanitized configuration, plus per-device state.

Why: a backup that always stores is noise (every snapshot "differs" by a timestamp); a backup
that stores nothing when unchanged must still prove it looked. So an identical configuration
moves `last_verified_at` of the latest snapshot and `verified_unchanged_at` of the device's state.
"""

import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from webnet.config_mgmt import drift
from webnet.config_mgmt.models import BackupState, ChangeKind, ConfigSnapshot
from webnet.config_mgmt.sanitize import sanitize
from webnet.devices.models import Device


@dataclass(frozen=True)
class BackupResult:
    snapshot: ConfigSnapshot
    created: bool


def sanitized_hash(platform: str, text: str) -> str:
    """The hash a snapshot is deduplicated by (and the deploy code announces with mark_expected)."""
    return hashlib.sha256(sanitize(platform, text).encode()).hexdigest()


def newest_snapshots(customer_id: int, device_ids: list[int]) -> QuerySet[ConfigSnapshot]:
    """The newest snapshot of each of the devices (those that have one), in one query."""
    newest = (
        ConfigSnapshot.objects.for_customer(customer_id)
        .filter(device_id=OuterRef("pk"))
        .order_by("-created_at", "-id")
        .values("id")[:1]
    )
    ids = (
        Device.objects.for_customer(customer_id)
        .filter(pk__in=device_ids)
        .annotate(newest=Subquery(newest))
        .values("newest")
    )
    return ConfigSnapshot.objects.for_customer(customer_id).filter(pk__in=ids)


def _states(customer_id: int, devices: list[Device]) -> dict[int, BackupState]:
    """Each device's BackupState, a new unsaved one where it has none yet."""
    found = BackupState.objects.for_customer(customer_id).filter(
        device_id__in=[d.pk for d in devices]
    )
    states = {state.device_id: state for state in found}
    return {
        d.pk: states.get(d.pk) or BackupState(customer_id=customer_id, device=d) for d in devices
    }


def _sha(snapshot: ConfigSnapshot | None) -> str | None:
    return snapshot.sha256 if snapshot is not None else None


@dataclass(frozen=True)
class Backup:
    device: Device
    text: str
    digest: str = ""  # sanitized_hash(text), when the caller has it already


@transaction.atomic
def record_backups(backups: list[Backup], job: Any = None) -> list[BackupResult]:
    """Store each text as a new snapshot only if its sanitized form changed; update the states.

    One batch (devices of one customer, each once) costs the same few queries at any size."""
    if not backups:
        return []
    now = timezone.now()
    customer_id = backups[0].device.customer_id
    devices = [b.device for b in backups]
    digests = {b.device.pk: b.digest or sanitized_hash(b.device.platform, b.text) for b in backups}
    # only the hash is compared: the texts stay in the database
    latest = {s.device_id: s for s in newest_snapshots(customer_id, list(digests)).defer("text")}
    states = _states(customer_id, devices)
    fresh = [b for b in backups if _sha(latest.get(b.device.pk)) != digests[b.device.pk]]
    kinds = drift.classify_many(
        customer_id, {b.device.pk: digests[b.device.pk] for b in fresh if b.device.pk in latest}
    )
    first = (ChangeKind.INITIAL, "")
    created = ConfigSnapshot.objects.bulk_create(
        [
            ConfigSnapshot(
                customer_id=customer_id,
                device=b.device,
                job=job,
                text=b.text,
                sha256=digests[b.device.pk],
                raw_sha256=hashlib.sha256(b.text.encode()).hexdigest(),
                size=len(b.text),
                change_kind=kinds.get(b.device.pk, first)[0],
                plan_id=kinds.get(b.device.pk, first)[1],
                last_verified_at=now,
            )
            for b in fresh
        ]
    )
    results = {s.device_id: BackupResult(s, created=True) for s in created}
    same = [latest[pk] for pk in digests if pk not in results]
    ConfigSnapshot.objects.for_customer(customer_id).filter(pk__in=[s.pk for s in same]).update(
        last_verified_at=now
    )
    for snapshot in same:
        snapshot.last_verified_at = now
        results[snapshot.device_id] = BackupResult(snapshot, created=False)
    stored = [state for state in states.values() if state.pk is not None]
    moved = [state for state in stored if state.latest_id != results[state.device_id].snapshot.pk]
    for pk, state in states.items():
        state.last_attempt_at = state.last_success_at = now
        state.verified_unchanged_at = None if results[pk].created else now
        state.latest = results[pk].snapshot
    BackupState.objects.bulk_create([state for state in states.values() if state.pk is None])
    # Stored states: one UPDATE per outcome (bulk_update's CASE per row and field costs Django
    # far more than the SQL), and `latest` only where it moved.
    scoped = BackupState.objects.for_customer(customer_id)
    for verified in (now, None):
        ids = [state.pk for state in stored if state.verified_unchanged_at == verified]
        if ids:
            scoped.filter(pk__in=ids).update(
                last_attempt_at=now, last_success_at=now, verified_unchanged_at=verified
            )
    BackupState.objects.bulk_update(moved, ["latest"])
    Device.objects.for_customer(customer_id).filter(pk__in=list(digests)).update(last_backup_at=now)
    return [results[b.device.pk] for b in backups]


def record_backup(device: Device, text: str, job: Any = None) -> BackupResult:
    """One device's backup (see record_backups)."""
    return record_backups([Backup(device, text)], job)[0]


def record_failures(failures: list[tuple[Device, str, str]]) -> None:
    """Failed backup attempts (device, error code, message): kept on each device's state, the
    history is untouched."""
    if not failures:
        return
    now = timezone.now()
    states = _states(failures[0][0].customer_id, [device for device, _, _ in failures])
    for device, code, message in failures:
        state = states[device.pk]
        state.last_attempt_at = state.last_error_at = now
        state.last_error_code = code[:40]
        state.last_error = message
    stored = [state for state in states.values() if state.pk is not None]
    BackupState.objects.bulk_create([state for state in states.values() if state.pk is None])
    BackupState.objects.bulk_update(
        stored, ["last_attempt_at", "last_error_at", "last_error_code", "last_error"]
    )

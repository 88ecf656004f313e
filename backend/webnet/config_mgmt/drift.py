"""Drift: was a new configuration made by a webnet deploy, or by hand (out of band)?

The deploy code calls `mark_expected(device, sanitized_hash, plan_id)` before the backup it takes
after applying a plan; `classify_many()` consumes a matching mark when that configuration shows up.
Any other change is out of band. `recent_changes()` is the customer-wide "changed lately" view.
"""

from datetime import timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from webnet.config_mgmt.models import ChangeKind, ConfigSnapshot, ExpectedConfig

# A mark older than this no longer explains a change (a deploy that never completed).
EXPECTATION_TTL = timedelta(hours=24)


def mark_expected(device: Any, sanitized_hash: str, plan_id: Any) -> ExpectedConfig:
    """Announce that `device` is about to hold the config whose sanitized sha256 is given."""
    return ExpectedConfig.objects.create(
        customer_id=device.customer_id,
        device=device,
        sha256=sanitized_hash,
        plan_id=str(plan_id),
    )


def classify_many(customer_id: int, digests: dict[int, str]) -> dict[int, tuple[str, str]]:
    """(change_kind, plan_id) of each device's new snapshot, by device id → its sanitized hash
    (devices that had a snapshot before); consumes the matching deploy marks. One read, one
    write for the batch."""
    if not digests:
        return {}
    now = timezone.now()
    scoped = ExpectedConfig.objects.for_customer(customer_id)
    marks = scoped.filter(
        device_id__in=list(digests),
        sha256__in=set(digests.values()),
        consumed_at__isnull=True,
        created_at__gte=now - EXPECTATION_TTL,
    ).order_by("-created_at")
    found: dict[int, ExpectedConfig] = {}
    for mark in marks:
        if mark.sha256 == digests[mark.device_id]:
            found.setdefault(mark.device_id, mark)  # the newest matching mark
    scoped.filter(pk__in=[mark.pk for mark in found.values()]).update(consumed_at=now)
    return {
        pk: (ChangeKind.DEPLOY, found[pk].plan_id) if pk in found else (ChangeKind.OUT_OF_BAND, "")
        for pk in digests
    }


def recent_changes(snapshots: QuerySet, days: int) -> QuerySet:
    """Snapshots (already through the gate) that recorded a change within the last `days`."""
    since = timezone.now() - timedelta(days=days)
    return (
        snapshots.filter(created_at__gte=since)
        .exclude(change_kind=ChangeKind.INITIAL)
        .select_related("device")
        .order_by("-created_at", "-id")
    )


def previous_of(snapshot: ConfigSnapshot) -> ConfigSnapshot | None:
    """The snapshot of the same device stored just before `snapshot` (what it changed from)."""
    return (
        ConfigSnapshot.objects.for_customer(snapshot.customer_id)
        .filter(device_id=snapshot.device_id, created_at__lte=snapshot.created_at)
        .exclude(pk=snapshot.pk)
        .exclude(created_at=snapshot.created_at, id__gt=snapshot.pk)
        .order_by("-created_at", "-id")
        .first()
    )

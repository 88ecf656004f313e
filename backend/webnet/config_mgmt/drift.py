"""Drift: was a new configuration made by a webnet deploy, or by hand (out of band)?

The deploy code calls `mark_expected(device, sanitized_hash, plan_id)` before the backup it takes
after applying a plan; `classify()` consumes a matching mark when that configuration shows up.
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


def classify(device: Any, sanitized_hash: str, *, first: bool) -> tuple[str, str]:
    """(change_kind, plan_id) of a new snapshot; consumes the matching deploy mark, if any."""
    if first:
        return ChangeKind.INITIAL, ""
    now = timezone.now()
    mark = (
        ExpectedConfig.objects.for_customer(device.customer_id)
        .filter(
            device_id=device.pk,
            sha256=sanitized_hash,
            consumed_at__isnull=True,
            created_at__gte=now - EXPECTATION_TTL,
        )
        .order_by("-created_at")
        .first()
    )
    if mark is None:
        return ChangeKind.OUT_OF_BAND, ""
    ExpectedConfig.objects.for_customer(device.customer_id).filter(pk=mark.pk).update(
        consumed_at=now
    )
    return ChangeKind.DEPLOY, mark.plan_id


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

"""Resolving a job's targets to devices, always through the permission gate.

Targets are a dict: {"devices": [ids], "tags": [names], "groups": [ids], "filter": {rules},
"all": true} — the union of everything named, narrowed to enabled devices of one customer that
the requesting user may see.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from webnet.devices.filters import DeviceFilterSet
from webnet.devices.groups import member_ids, validate_rules
from webnet.devices.models import Device, DeviceGroup

KEYS = frozenset({"devices", "tags", "groups", "filter", "all"})


def _id_list(value: Any, key: str) -> list[int]:
    if not isinstance(value, list) or not all(isinstance(v, int) and v > 0 for v in value):
        raise ValidationError({"targets": f"{key} must be a list of ids"})
    return value


def clean(targets: Any) -> dict[str, Any]:
    """Validate the shape of a targets dict (not who may use it)."""
    if not isinstance(targets, dict) or not targets:
        raise ValidationError({"targets": "give devices, tags, groups, filter or all"})
    unknown = sorted(set(targets) - KEYS)
    if unknown:
        raise ValidationError({"targets": f"unknown key(s): {', '.join(unknown)}"})
    if "devices" in targets:
        _id_list(targets["devices"], "devices")
    if "groups" in targets:
        _id_list(targets["groups"], "groups")
    if "tags" in targets and (
        not isinstance(targets["tags"], list)
        or not all(isinstance(t, str) for t in targets["tags"])
    ):
        raise ValidationError({"targets": "tags must be a list of tag names"})
    if "filter" in targets:
        try:
            validate_rules(targets["filter"])
        except ValidationError as exc:
            raise ValidationError({"targets": exc.messages}) from exc
    if "all" in targets and targets["all"] is not True:
        raise ValidationError({"targets": "all must be true"})
    return targets


def resolve(user: Any, customer_id: int, targets: dict[str, Any]) -> QuerySet:
    """Enabled devices of the customer named by `targets` that `user` may see."""
    visible = Device.objects.restrict(user, "view").for_customer(customer_id).filter(enabled=True)
    if targets.get("all"):
        return visible
    wanted = Q(pk__in=targets.get("devices", []))
    if targets.get("tags"):
        wanted |= Q(tags__name__in=targets["tags"])
    groups = (
        DeviceGroup.objects.restrict(user, "view")
        .for_customer(customer_id)
        .filter(pk__in=targets.get("groups", []))
    )
    for group in groups:
        wanted |= Q(pk__in=member_ids(group))
    if "filter" in targets:
        wanted |= Q(pk__in=DeviceFilterSet(targets["filter"], queryset=visible).qs.values("pk"))
    return visible.filter(wanted).distinct()

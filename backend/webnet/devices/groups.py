"""Device group membership: static members, dynamic filter rules, and nesting."""

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from webnet.devices.filters import RULE_KEYS, DeviceFilterSet
from webnet.devices.models import Device, DeviceGroup, GroupKind


def validate_rules(rules: object) -> dict:
    """Check dynamic rules against the device filters; return them or raise ValidationError."""
    if not isinstance(rules, dict):
        raise ValidationError("filter rules must be an object of device filters")
    unknown = sorted(set(rules) - RULE_KEYS)
    if unknown:
        raise ValidationError(
            f"unknown filter(s): {', '.join(unknown)}; allowed: {', '.join(sorted(RULE_KEYS))}"
        )
    filterset = DeviceFilterSet(rules, queryset=Device.objects.none())
    if not filterset.is_valid():
        messages = [f"{key}: {' '.join(errs)}" for key, errs in filterset.errors.items()]
        raise ValidationError(messages)
    return rules


def _own_members(group: DeviceGroup) -> QuerySet:
    customer_devices = Device.objects.for_customer(group.customer_id)
    if group.kind == GroupKind.DYNAMIC:
        return DeviceFilterSet(group.filter_rules, queryset=customer_devices).qs
    return customer_devices.filter(static_groups=group)


def descendants(group: DeviceGroup) -> list[DeviceGroup]:
    """The group and every group below it, each once (safe against cycles)."""
    seen: dict[int, DeviceGroup] = {group.pk: group}
    frontier = [group.pk]
    while frontier:
        children = DeviceGroup.objects.filter(parent_id__in=frontier).exclude(pk__in=seen)
        frontier = []
        for child in children:
            seen[child.pk] = child
            frontier.append(child.pk)
    return list(seen.values())


def member_ids(group: DeviceGroup) -> set[int]:
    ids: set[int] = set()
    for member_group in descendants(group):
        ids.update(_own_members(member_group).values_list("pk", flat=True))
    return ids


def member_ids_of_group_id(group_id: int) -> set[int]:
    group = DeviceGroup.objects.filter(pk=group_id).first()
    return member_ids(group) if group else set()


def would_cycle(group: DeviceGroup, parent: DeviceGroup | None) -> bool:
    """True when making `parent` the parent of `group` would put a group inside itself."""
    if parent is None or group.pk is None:
        return False
    return any(node.pk == parent.pk for node in descendants(group))

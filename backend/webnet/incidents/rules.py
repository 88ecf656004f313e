"""Incident rules: which alarm changes open, join or annotate an incident.

Registered with alarms.listeners at start-up and called inside the alarm change's transaction
with the alarm's final state, so an incident commits or rolls back with its alarm. One incident
per root problem: an alarm suppressed by another (its root, followed to the top) joins the
root's open incident instead of opening its own; a root's incident gathers its open children. A
cleared alarm is a line in the log; it resolves the incident only when the rule says so and
every linked alarm has cleared.
"""

from collections.abc import Callable, Sequence
from typing import Any

from webnet.alarms.models import OPEN_STATES, Alarm
from webnet.devices.groups import member_ids
from webnet.devices.models import Device
from webnet.incidents import services
from webnet.incidents.log import append_event
from webnet.incidents.models import ACTIVE_STATUSES, EventKind, Incident, IncidentRule, Status
from webnet.locations.within import parse_node, within_q
from webnet.notifications.models import SEVERITY_RANK

RAISING = ("raised", "unsuppressed", "unshelved")


def root_of(alarm: Alarm) -> Alarm:
    """The alarm at the top of its suppression chain (cycles stop where they repeat)."""
    seen = {alarm.pk}
    while alarm.suppressed_by_id is not None and alarm.suppressed_by_id not in seen:
        seen.add(alarm.suppressed_by_id)
        alarm = Alarm.objects.get(pk=alarm.suppressed_by_id)
    return alarm


def rule_devices(rule: IncidentRule) -> set[int] | None:
    """The devices `rule` is limited to by location and device group (None: not limited, so
    device-less alarms match too)."""
    if not rule.within and rule.device_group is None:
        return None
    devices = Device.objects.for_customer(rule.customer_id)
    if rule.within:
        devices = devices.filter(within_q(Device, parse_node(rule.within)))
    ids = set(devices.values_list("pk", flat=True))
    return ids if rule.device_group is None else ids & member_ids(rule.device_group)


Scope = Callable[[IncidentRule], set[int] | None]


def matches(rule: IncidentRule, alarm: Alarm, scope: Scope = rule_devices) -> bool:
    if SEVERITY_RANK[alarm.severity] < SEVERITY_RANK[rule.min_severity]:
        return False
    allowed = scope(rule)
    return allowed is None or (alarm.device_id is not None and alarm.device_id in allowed)


def first_rule(
    alarm: Alarm, rules: list[IncidentRule] | None = None, scope: Scope = rule_devices
) -> IncidentRule | None:
    """The customer's first enabled rule matching `alarm` (`rules`: those, already read)."""
    if rules is None:
        rules = _rules_of(alarm.customer_id)
    return next((r for r in rules if matches(r, alarm, scope)), None)


def _rules_of(customer_id: int) -> list[IncidentRule]:
    enabled = IncidentRule.objects.for_customer(customer_id).filter(enabled=True)
    return list(enabled.select_related("device_group"))


def _active_incident(alarm: Alarm) -> Incident | None:
    return Incident.objects.filter(alarms=alarm, status__in=ACTIVE_STATUSES).order_by("-pk").first()


class _Batch:
    """What one batch of alarm changes needs, read once: which of its alarms already belong to
    an active incident, each customer's rules and each rule's devices (a storm's thousand alarms
    cost a query per rule, not per alarm)."""

    def __init__(self, alarms: list[Alarm]) -> None:
        links = Incident.alarms.through.objects.filter(
            alarm_id__in={alarm.pk for alarm in alarms},
            incident__status__in=ACTIVE_STATUSES,
        )
        self.linked = set(links.values_list("alarm_id", flat=True))
        self._rules: dict[int, list[IncidentRule]] = {}
        self._devices: dict[int, set[int] | None] = {}

    def rules(self, customer_id: int) -> list[IncidentRule]:
        if customer_id not in self._rules:
            self._rules[customer_id] = _rules_of(customer_id)
        return self._rules[customer_id]

    def devices(self, rule: IncidentRule) -> set[int] | None:
        if rule.pk not in self._devices:
            self._devices[rule.pk] = rule_devices(rule)
        return self._devices[rule.pk]


def _raised(alarm: Alarm, batch: _Batch) -> None:
    if alarm.pk in batch.linked:
        return
    root = root_of(alarm)
    if root.pk != alarm.pk:
        incident = _active_incident(root)
        if incident is not None:
            services.link_objects(None, incident, alarms=[alarm])
            batch.linked.add(alarm.pk)
        return
    rule = first_rule(alarm, batch.rules(alarm.customer_id), batch.devices)
    if rule is None:
        return
    children = list(Alarm.objects.filter(suppressed_by=alarm, state__in=OPEN_STATES))
    device = alarm.device  # None for a device-less alarm (an inbound webhook's)
    where = device.hostname if device is not None else alarm.resource
    services.open_incident(
        None,
        customer=alarm.customer,
        title=f"{alarm.condition} on {where}",
        description=alarm.message,
        priority=rule.priority,
        team=rule.team,
        rule=rule,
        sla_policy=rule.sla_policy,
        escalation_chain=rule.escalation_chain,
        devices=[device] if device is not None else [],
        alarms=[alarm, *children],
    )
    batch.linked.update(a.pk for a in [alarm, *children])


def _cleared(alarm: Alarm, batch: _Batch) -> None:
    if alarm.pk not in batch.linked:
        return
    for incident in Incident.objects.filter(alarms=alarm, status__in=ACTIVE_STATUSES):
        locked = Incident.objects.select_for_update().get(pk=incident.pk)
        append_event(locked, EventKind.ALARM_CLEARED, f"alarm:{alarm.pk}")
        rule = locked.rule
        still_open = locked.alarms.filter(state__in=OPEN_STATES).exists()
        if rule is not None and rule.auto_resolve and not still_open:
            services.set_status(None, locked, status=Status.RESOLVED, note="every alarm cleared")


def on_alarm_changes(changes: Sequence[tuple[Any, str]]) -> None:
    """alarms.listeners entry point (inside the alarms' transaction): a batch of changes, in
    order, each alarm in its final state."""
    batch = _Batch([alarm for alarm, _ in changes])
    for alarm, change in changes:
        if change in RAISING and alarm.state in OPEN_STATES:
            _raised(alarm, batch)
        elif change == "cleared":
            _cleared(alarm, batch)

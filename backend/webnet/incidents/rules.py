"""Incident rules: which alarm changes open, join or annotate an incident.

Registered with alarms.listeners at start-up and called inside the alarm change's transaction
with the alarm's final state, so an incident commits or rolls back with its alarm. One incident
per root problem: an alarm suppressed by another (its root, followed to the top) joins the
root's open incident instead of opening its own; a root's incident gathers its open children. A
cleared alarm is a line in the log; it resolves the incident only when the rule says so and
every linked alarm has cleared.
"""

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


def matches(rule: IncidentRule, alarm: Alarm) -> bool:
    if SEVERITY_RANK[alarm.severity] < SEVERITY_RANK[rule.min_severity]:
        return False
    if rule.within:
        if alarm.device_id is None:
            return False
        inside = Device.objects.filter(pk=alarm.device_id).filter(
            within_q(Device, parse_node(rule.within))
        )
        if not inside.exists():
            return False
    if rule.device_group_id is not None:
        return alarm.device_id is not None and alarm.device_id in member_ids(rule.device_group)
    return True


def first_rule(alarm: Alarm) -> IncidentRule | None:
    rules = IncidentRule.objects.for_customer(alarm.customer_id).filter(enabled=True)
    return next((r for r in rules.select_related("device_group") if matches(r, alarm)), None)


def _active_incident(alarm: Alarm) -> Incident | None:
    return Incident.objects.filter(alarms=alarm, status__in=ACTIVE_STATUSES).order_by("-pk").first()


def _raised(alarm: Alarm) -> None:
    if _active_incident(alarm) is not None:
        return
    root = root_of(alarm)
    if root.pk != alarm.pk:
        incident = _active_incident(root)
        if incident is not None:
            services.link_objects(None, incident, alarms=[alarm])
        return
    rule = first_rule(alarm)
    if rule is None:
        return
    children = Alarm.objects.filter(suppressed_by=alarm, state__in=OPEN_STATES)
    where = alarm.device.hostname if alarm.device_id else alarm.resource
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
        devices=[alarm.device] if alarm.device_id else [],
        alarms=[alarm, *children],
    )


def _cleared(alarm: Alarm) -> None:
    for incident in Incident.objects.filter(alarms=alarm, status__in=ACTIVE_STATUSES):
        locked = Incident.objects.select_for_update().get(pk=incident.pk)
        append_event(locked, EventKind.ALARM_CLEARED, f"alarm:{alarm.pk}")
        rule = locked.rule
        still_open = locked.alarms.filter(state__in=OPEN_STATES).exists()
        if rule is not None and rule.auto_resolve and not still_open:
            services.set_status(None, locked, status=Status.RESOLVED, note="every alarm cleared")


def on_alarm_change(alarm: Any, change: str) -> None:
    """alarms.listeners entry point (inside the alarm's transaction)."""
    if change in RAISING and alarm.state in OPEN_STATES:
        _raised(alarm)
    elif change == "cleared":
        _cleared(alarm)

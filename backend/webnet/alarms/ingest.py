"""The one way in for events: store them and run the alarm engine in the same transaction.

Every source — poll state changes and thresholds, trap and syslog receivers, job outcomes,
inbound webhooks — builds `EventIn`s and calls `record_events` (receivers in batches) or
`record_event`. Classification: a condition the source already names (a poll's "device.down") is
kept; otherwise the well-known meaning of the trap or syslog line (conditions.py); then the
customer's enabled event/state rules, first match by name, may set condition, action and severity.
"""

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from webnet.alarms import bulk, conditions, engine, inhibition, interfaces
from webnet.alarms.models import Alarm, AlarmRule, Event, RuleKind
from webnet.alarms.notify import collected, on_alarm_change
from webnet.alarms.rules import Observed, matches_event, threshold_breached
from webnet.core.querysets import ScopedQuerySet
from webnet.monitoring.changes import StateChange
from webnet.networkops import parents

ParentsOf = Callable[[int], engine.ParentMap]


@dataclass
class EventIn:
    customer_id: int
    source: str
    time: datetime | None = None
    device_id: int | None = None
    if_index: int | None = None
    interface: str = ""
    source_address: str | None = None
    condition: str = ""
    action: str = ""
    severity: str = ""
    message: str = ""
    resource: str = ""  # for events without a device (webhooks): what the alarm is about
    labels: dict[str, str] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)


def _observed(item: EventIn) -> Observed:
    return Observed(
        source=item.source,
        message=item.message,
        trap_oid=str(item.data.get("trap_oid", "")),
        varbinds={str(k): str(v) for k, v in item.data.get("varbinds", {}).items()},
    )


def _builtin(item: EventIn) -> conditions.Meaning | None:
    if item.source == "trap":
        observed = _observed(item)
        return conditions.of_trap(observed.trap_oid, observed.varbinds)
    if item.source == "syslog":
        return conditions.of_syslog(item.message)
    return None


def _rule_for(item: EventIn, rules: list[AlarmRule]) -> AlarmRule | None:
    observed = _observed(item)
    for rule in rules:
        if rule.kind == RuleKind.EVENT and matches_event(rule.spec, observed):
            return rule
        if rule.kind == RuleKind.STATE and item.source == "poll":
            state = item.data.get("state")
            if state is not None and state in (rule.spec["state"], rule.spec.get("clear_state")):
                return rule
    return None


def _classify(item: EventIn, rules: list[AlarmRule]) -> tuple[EventIn, AlarmRule | None]:
    meaning = None if item.condition else _builtin(item)
    if meaning is not None:
        item.condition, item.action = meaning.condition, meaning.action
        item.severity = item.severity or meaning.severity
        item.if_index = item.if_index if item.if_index is not None else meaning.if_index
        item.interface = item.interface or meaning.interface
    rule = _rule_for(item, rules)
    if rule is not None:
        item.condition, item.severity = rule.condition, rule.severity
        if rule.kind == RuleKind.EVENT:
            item.action = rule.spec.get("action", "raise")
        else:
            item.action = "raise" if item.data.get("state") == rule.spec["state"] else "clear"
    item.severity = item.severity or "info"
    return item, rule


POLL_SEVERITY = {"device.down": "critical", "interface.down": "major"}
# Monitoring calls a silent device behind down parents unreachable; for alarms it is a device
# that does not answer, and the engine's suppression names the root cause it hides behind.
POLL_CONDITION = {"device.unreachable": conditions.DEVICE_DOWN}


def record_state_changes(changes: list[StateChange]) -> None:
    """The poller's state changes (monitoring.changes listener, inside its transaction)."""
    items = []
    for change in changes:
        condition = POLL_CONDITION.get(change.condition, change.condition)
        items.append(
            EventIn(
                change.customer_id,
                "poll",
                time=change.at,
                device_id=change.device_id,
                if_index=change.if_index,
                condition=condition,
                action="raise" if change.raised else "clear",
                severity=POLL_SEVERITY.get(condition, "warning"),
                message=change.detail or change.condition,
                data={"condition": change.condition},
            )
        )
    record_events(items)


def _customer_rules(customer_id: int) -> list[AlarmRule]:
    return list(
        AlarmRule.objects.for_customer(customer_id)
        .filter(enabled=True, kind__in=[RuleKind.EVENT, RuleKind.STATE])
        .order_by("name")
    )


def record_event(item: EventIn, parents_of: ParentsOf | None = None) -> Event:
    return record_events([item], parents_of)[0]


@transaction.atomic
def record_events(items: Sequence[EventIn], parents_of: ParentsOf | None = None) -> list[Event]:
    """Store `items` and apply them to alarms; `parents_of(customer_id)` gives the dependency
    map for suppression (default: the topology's and the manual parents, networkops)."""
    parents_of = parents_of or parents.parents_of
    now = timezone.now()
    by_customer: dict[int, list[EventIn]] = defaultdict(list)
    for item in items:
        item.time = item.time or now
        by_customer[item.customer_id].append(item)
    stored: list[Event] = []
    with collected():
        for customer_id, batch in by_customer.items():
            stored += _record_customer(customer_id, batch, parents_of, now)
    return stored


def _record_customer(
    customer_id: int, batch: list[EventIn], parents_of: ParentsOf | None, now: datetime
) -> list[Event]:
    rules = _customer_rules(customer_id)
    classified = sorted(
        (_classify(item, rules) for item in batch), key=lambda pair: pair[0].time or now
    )
    _resolve_interfaces(customer_id, [item for item, _ in classified])
    decisions: list[engine.Decision] = []
    events = []
    for item, rule in classified:
        resource = item.resource or conditions.resource_of(
            item.device_id, item.if_index, item.interface, ""
        )
        event = Event(
            customer_id=customer_id,
            time=item.time or now,
            source=item.source,
            device_id=item.device_id,
            if_index=item.if_index,
            source_address=item.source_address,
            condition=item.condition,
            action=item.action,
            severity=item.severity,
            resource=resource,
            message=item.message[:8000],
            data=item.data,
        )
        events.append(event)
        if item.condition and item.action in ("raise", "clear"):
            decision = engine.Decision(
                event, item.condition, item.action, item.severity, resource, rule, item.labels
            )
            decisions.append(decision)
    touches_down = any(d.condition == conditions.DEVICE_DOWN for d in decisions)
    before_down = engine.down_devices(customer_id) if touches_down else set()
    changed = engine.apply(customer_id, decisions).changed()
    bulk.insert(events)  # after the alarms, so each event points at its alarm
    engine.announce(customer_id, changed, now)
    if touches_down:
        engine.resuppress(customer_id, parents_of(customer_id) if parents_of else {}, before_down)
    if changed:
        inhibition.reapply(customer_id)
    return events


def _resolve_interfaces(customer_id: int, items: list[EventIn]) -> None:
    """A link named (syslog) becomes the ifIndex a trap or a poll keys it by (one query)."""
    named = [
        (i, (i.device_id, i.interface))
        for i in items
        if i.device_id and i.interface and i.if_index is None
    ]
    found = interfaces.resolve((key for _, key in named), customer_id)
    for item, key in named:
        item.if_index = found.get(key)


Series = tuple[int, int | None, str]  # (device id, if_index or None for the device, metric)


def check_threshold(
    customer_id: int,
    device_id: int,
    metric: str,
    readings: Sequence[tuple[datetime, float]],
    if_index: int | None = None,
) -> list[Event]:
    """Evaluate the customer's threshold rules on `metric`'s readings (oldest first): raise when
    breached, clear an open alarm when no longer. Only a change of state makes an event."""
    rules = list(
        AlarmRule.objects.for_customer(customer_id).filter(
            enabled=True, kind=RuleKind.THRESHOLD, spec__metric=metric
        )
    )
    items = threshold_events(customer_id, rules, {(device_id, if_index, metric): readings})
    return record_events(items) if items else []


def threshold_events(
    customer_id: int,
    rules: list[AlarmRule],
    series: dict[Series, Sequence[tuple[datetime, float]]],
) -> list[EventIn]:
    """The raise/clear events of threshold `rules` over each series' readings (oldest first):
    one where the breach differs from whether its alarm is open (one query for the open ones)."""
    keyed = [
        (rule, key, readings, conditions.resource_of(key[0], key[1], "", ""))
        for key, readings in series.items()
        for rule in rules
        if rule.spec.get("metric") == key[2]
    ]
    open_keys = set(
        _open(customer_id)
        .filter(dedup_key__in={f"{resource}|{rule.condition}" for rule, _, _, resource in keyed})
        .values_list("dedup_key", flat=True)
    )
    items = []
    for rule, (device_id, if_index, metric), readings, resource in keyed:
        breached = threshold_breached(rule.spec, readings)
        if breached == (f"{resource}|{rule.condition}" in open_keys):
            continue
        items.append(
            EventIn(
                customer_id,
                "poll",
                time=readings[-1][0] if readings else None,
                device_id=device_id,
                if_index=if_index,
                condition=rule.condition,
                action="raise" if breached else "clear",
                severity=rule.severity,
                message=f"{metric} {rule.spec['operator']} {rule.spec['value']}: "
                f"{readings[-1][1] if readings else 'no data'}",
                data={"metric": metric, "rule": rule.name},
            )
        )
    return items


def _open(customer_id: int) -> ScopedQuerySet:
    return Alarm.objects.for_customer(customer_id).filter(state__in=("active", "acknowledged"))


@transaction.atomic
def tick(now: datetime | None = None) -> dict[str, int]:
    """Clear alarms whose auto-clear time passed (rule auto-clear, flap quiet window) and drop
    events older than the retention. Idempotent; the receivers' loop calls it periodically."""
    now = now or timezone.now()
    due = list(Alarm.objects.filter(auto_clear_at__lte=now, state__in=("active", "acknowledged")))
    with collected():
        for alarm in due:
            engine.close(alarm, now, "auto")
            alarm.flapping = False
            alarm.save(
                update_fields=["state", "cleared_at", "clear_reason", "auto_clear_at", "flapping"]
            )
            on_alarm_change(alarm, "cleared")
        for customer_id in {alarm.customer_id for alarm in due}:
            inhibition.reapply(customer_id)
    cutoff = now - timedelta(days=settings.WEBNET_EVENT_RETENTION_DAYS)
    pruned, _ = Event.objects.filter(time__lt=cutoff).delete()
    return {"auto_cleared": len(due), "pruned": pruned}

"""The alarm engine: classified events raise and clear deduplicated alarms (runs in the caller's
transaction; ingest.record_events is its only caller).

One open alarm per customer + dedup key (resource + condition), enforced by a partial unique
constraint. A raise on an open alarm counts an occurrence; a clear closes it; a raise after a clear
opens a new alarm — unless the rule damps flapping, then the recent alarm reopens and, once it has
been raised flap_count times within flap_window_seconds, is marked flapping: it stays open (and
unsent) until the condition has been quiet for a whole window.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q

from webnet.alarms import bulk, maintenance, silences, suppression
from webnet.alarms.conditions import DEVICE_DOWN
from webnet.alarms.models import OPEN_STATES, Alarm, AlarmRule, AlarmState, Event
from webnet.alarms.notify import on_alarm_change

SEVERITY_RANK = {"info": 0, "warning": 1, "minor": 2, "major": 3, "critical": 4}
ParentMap = dict[int, set[int]]
SAVED_FIELDS = [
    "state",
    "severity",
    "message",
    "last_seen",
    "occurrences",
    "raise_times",
    "flapping",
    "cleared_at",
    "clear_reason",
    "auto_clear_at",
    "acknowledged_by",
    "acknowledged_at",
    "ack_comment",
    "awaiting_recheck",
]


@dataclass
class Decision:
    """What one stored event does to alarms."""

    event: Event
    condition: str
    action: str  # "raise" | "clear"
    severity: str
    resource: str
    rule: AlarmRule | None = None
    labels: dict | None = None

    @property
    def key(self) -> str:
        return f"{self.resource}|{self.condition}"


class Batch:
    """The alarms one batch touches, loaded once, with the change each one went through."""

    def __init__(self, customer_id: int, keys: set[str]) -> None:
        self.customer_id = customer_id
        self.open = {
            alarm.dedup_key: alarm
            for alarm in Alarm.objects.for_customer(customer_id).filter(
                dedup_key__in=keys, state__in=OPEN_STATES
            )
        }
        self.changes: dict[int, str] = {}
        self.dirty: dict[int, Alarm] = {}

    def changed(self) -> list[tuple[Alarm, str]]:
        return [(alarm, self.changes[key]) for key, alarm in self.dirty.items()]

    def mark(self, alarm: Alarm, change: str) -> None:
        key = id(alarm)  # new alarms have no pk until the batch is saved
        if key not in self.changes or change != "updated":
            self.changes[key] = change
        self.dirty[key] = alarm

    def recent(self, decision: Decision, now: datetime) -> Alarm | None:
        """The cleared alarm a flap-damping rule reopens (cleared within its window)."""
        rule = decision.rule
        if rule is None or not rule.flap_count:
            return None
        return (
            Alarm.objects.for_customer(self.customer_id)
            .filter(
                dedup_key=decision.key,
                state=AlarmState.CLEARED,
                cleared_at__gte=now - timedelta(seconds=rule.flap_window_seconds),
            )
            .order_by("-cleared_at")
            .first()
        )


def apply(customer_id: int, decisions: list[Decision]) -> Batch:
    """Raise and clear alarms for `decisions` (in time order); returns what changed."""
    batch = Batch(customer_id, {d.key for d in decisions})
    for decision in decisions:
        step = _raise if decision.action == "raise" else _clear
        alarm = step(batch, decision)
        if alarm is not None:
            decision.event.alarm = alarm
    existing = [alarm for alarm in batch.dirty.values() if alarm.pk is not None]
    Alarm.objects.bulk_create([alarm for alarm in batch.dirty.values() if alarm.pk is None])
    bulk.update(existing, SAVED_FIELDS)
    return batch


def _raise(batch: Batch, decision: Decision) -> Alarm:
    event, rule = decision.event, decision.rule
    alarm = batch.open.get(decision.key)
    if alarm is None:
        alarm = batch.recent(decision, event.time)
        if alarm is not None:
            _reopen(alarm)
    if alarm is None:
        alarm = Alarm(
            customer_id=batch.customer_id,
            dedup_key=decision.key,
            resource=decision.resource,
            condition=decision.condition,
            device_id=event.device_id,
            if_index=event.if_index,
            rule=rule,
            severity=decision.severity,
            message=event.message[:2000],
            labels=decision.labels or {},
            first_seen=event.time,
            last_seen=event.time,
            occurrences=0,
        )
        change = "raised"
    else:
        change = "raised" if batch.changes.get(id(alarm)) == "cleared" else "updated"
    batch.open[decision.key] = alarm
    alarm.occurrences += 1
    alarm.last_seen = max(alarm.last_seen, event.time)
    alarm.message = event.message[:2000] or alarm.message
    if SEVERITY_RANK[decision.severity] > SEVERITY_RANK[alarm.severity]:
        alarm.severity = decision.severity
    if alarm.awaiting_recheck:  # polled again after its parent recovered: it is really down
        alarm.awaiting_recheck = False
        change = "raised"
    _damp(alarm, rule, event.time)
    batch.mark(alarm, change)
    return alarm


def _reopen(alarm: Alarm) -> None:
    alarm.state = AlarmState.ACTIVE
    alarm.cleared_at = None
    alarm.clear_reason = ""
    alarm.acknowledged_by = None
    alarm.acknowledged_at = None
    alarm.ack_comment = ""


def _damp(alarm: Alarm, rule: AlarmRule | None, now: datetime) -> None:
    alarm.auto_clear_at = (
        now + timedelta(seconds=rule.auto_clear_seconds)
        if rule is not None and rule.auto_clear_seconds
        else None
    )
    if rule is None or not rule.flap_count:
        return
    since = now - timedelta(seconds=rule.flap_window_seconds)
    times = [t for t in alarm.raise_times if datetime.fromisoformat(t) >= since]
    alarm.raise_times = [*times, now.isoformat()][-rule.flap_count :]
    alarm.flapping = alarm.flapping or len(alarm.raise_times) >= rule.flap_count


def _clear(batch: Batch, decision: Decision) -> Alarm | None:
    alarm = batch.open.get(decision.key)
    if alarm is None:
        return None
    event = decision.event
    alarm.last_seen = max(alarm.last_seen, event.time)
    rule = alarm.rule
    if alarm.flapping and rule is not None:
        # Quiet for one whole window before it really clears (tick() does it).
        alarm.auto_clear_at = event.time + timedelta(seconds=rule.flap_window_seconds)
        batch.mark(alarm, "updated")
        return alarm
    close(alarm, event.time, "event")
    del batch.open[decision.key]
    batch.mark(alarm, "cleared")
    return alarm


def close(alarm: Alarm, when: datetime, reason: str) -> None:
    alarm.state = AlarmState.CLEARED
    alarm.cleared_at = when
    alarm.clear_reason = reason
    alarm.auto_clear_at = None


def announce(customer_id: int, changed: list[tuple[Alarm, str]], now: datetime) -> None:
    """Silences, then one on_alarm_change per changed alarm (its last change in the batch)."""
    active = silences.active(customer_id, now)
    for alarm, _ in changed:
        silence = silences.first_match(active, alarm) if alarm.is_open else None
        if (silence.pk if silence else None) != alarm.silenced_by_id:
            alarm.silenced_by = silence
            alarm.save(update_fields=["silenced_by"])
    maintenance.mark(customer_id, [alarm for alarm, _ in changed], now)
    for alarm, change in changed:
        on_alarm_change(alarm, change)


def resuppress(customer_id: int, parents: ParentMap, before_down: set[int]) -> None:
    """Re-derive which open alarms are suppressed by a root cause's device.down alarm.

    Device-down alarms of the children of a recovered parent are marked awaiting_recheck: they
    stay unsent until the next poll of that child says down again (a raise clears the flag) or up
    (the alarm clears).
    """
    down = down_devices(customer_id)
    before = suppression.analyse(parents, before_down)
    after = suppression.analyse(parents, down)
    recheck = suppression.to_recheck(before, after)
    touched = set(after.suppressed) | recheck
    alarms = list(
        Alarm.objects.for_customer(customer_id).filter(
            Q(device_id__in=touched)
            | Q(suppressed_by__isnull=False)
            | Q(awaiting_recheck=True)
            | Q(condition=DEVICE_DOWN),
            state__in=OPEN_STATES,
            device__isnull=False,
        )
    )
    root_alarms = {a.device_id: a.pk for a in alarms if a.condition == DEVICE_DOWN}
    for alarm in alarms:
        root = after.root_of(alarm.device_id)
        wanted = root_alarms.get(root) if root is not None else None
        awaiting = alarm.condition == DEVICE_DOWN and (
            alarm.device_id in recheck or (alarm.awaiting_recheck and wanted is None)
        )
        if wanted == alarm.suppressed_by_id and awaiting == alarm.awaiting_recheck:
            continue
        was = alarm.suppressed_by_id
        alarm.suppressed_by_id = wanted
        alarm.awaiting_recheck = awaiting
        alarm.save(update_fields=["suppressed_by", "awaiting_recheck"])
        on_alarm_change(alarm, "suppressed" if wanted else "unsuppressed" if was else "updated")


def down_devices(customer_id: int) -> set[int]:
    return set(
        Alarm.objects.for_customer(customer_id)
        .filter(condition=DEVICE_DOWN, state__in=OPEN_STATES, device__isnull=False)
        .values_list("device_id", flat=True)
    )

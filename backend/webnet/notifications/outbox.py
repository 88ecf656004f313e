"""The transactional outbox: a state change and its deliveries commit (or roll back) together.

`enqueue` runs inside the caller's transaction (it refuses otherwise): it stores the message and,
by the customer's routing rules and its users' preferences, one Delivery per destination — each
with an idempotency key stable per message × destination. Nothing is sent here; after the commit
the worker is woken (wake.py). An acknowledged or resolved message waits for the firing one to
the same destination, and is skipped where firing never went.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from webnet.core import access
from webnet.customers.models import Customer
from webnet.devices.groups import member_ids
from webnet.devices.models import Device
from webnet.notifications import wake
from webnet.notifications.models import (
    SEVERITY_RANK,
    STATES,
    Channel,
    Delivery,
    DeliveryStatus,
    NotificationPreference,
    OutboxMessage,
    RoutingRule,
    Sink,
)
from webnet.notifications.routing import Criteria, Subject, matches, quiet

Destination = tuple[int | None, int | None, str]  # sink id, user id, channel
PERSONAL_DEAD_LETTER_SECONDS = 86_400  # a user's inbox or mailbox has no sink to say otherwise


class OutsideTransaction(RuntimeError):
    """enqueue was called outside an atomic block: its rows would not share the caller's fate."""


def criteria_of(rule: RoutingRule) -> Criteria:
    return Criteria(
        topic=rule.topic,
        min_severity=rule.min_severity,
        location_ids=frozenset(rule.location_ids),
        group_id=rule.device_group_id,
        tag_id=rule.tag_id,
        weekdays=frozenset(rule.weekdays),
        start=rule.start_time,
        end=rule.end_time,
        time_zone=rule.time_zone,
    )


def _subject(
    rules: list[RoutingRule],
    message: OutboxMessage,
    location_path: Iterable[int],
    at: datetime,
) -> Subject:
    path = set(location_path)
    if message.location_id is not None:
        path.add(message.location_id)
    group_ids: set[int] = set()
    tag_ids: set[int] = set()
    if message.device_id is not None:
        device = Device.objects.for_customer(message.customer_id).filter(pk=message.device_id)
        tag_ids = set(device.values_list("tags", flat=True)) - {None}
        for group in {rule.device_group for rule in rules if rule.device_group is not None}:
            if message.device_id in member_ids(group):
                group_ids.add(group.pk)
    return Subject(
        topic=message.topic,
        severity=message.severity,
        at=at,
        location_path=frozenset(path),
        group_ids=frozenset(group_ids),
        tag_ids=frozenset(tag_ids),
    )


def route(
    message: OutboxMessage, location_path: Iterable[int], at: datetime
) -> tuple[list[Destination], dict[int, Sink]]:
    """The destinations of `message` (matching rules' enabled sinks and users, in rule order),
    and those sinks by id."""
    rules = list(
        RoutingRule.objects.for_customer(message.customer_id)
        .filter(enabled=True)
        .select_related("device_group")
        .prefetch_related("sinks", "users")
    )
    subject = _subject(rules, message, location_path, at)
    sinks: dict[int, Sink] = {}
    users: dict[int, Any] = {}
    for rule in rules:
        if not matches(criteria_of(rule), subject):
            continue
        sinks.update((sink.pk, sink) for sink in rule.sinks.all() if sink.enabled)
        users.update((user.pk, user) for user in rule.users.all() if user.is_active)
        if rule.stop:
            break
    found: list[Destination] = [(pk, None, sink.kind) for pk, sink in sinks.items()]
    return found + _personal(message, users, at), sinks


def _personal(message: OutboxMessage, users: dict[int, Any], at: datetime) -> list[Destination]:
    """Inbox (and, if they asked, email) of each routed user who still sees the customer."""
    prefs = {
        pref.user_id: pref
        for pref in NotificationPreference.objects.for_customer(message.customer_id).filter(
            user_id__in=list(users)
        )
    }
    found: list[Destination] = []
    for user_id, user in users.items():
        if not access.can(user, "inboxitem", "view", message.customer_id):
            continue
        pref = prefs.get(user_id)
        if pref is not None and SEVERITY_RANK[message.severity] < SEVERITY_RANK[pref.min_severity]:
            continue
        found.append((None, user_id, Channel.INBOX))
        hushed = pref is not None and quiet(at, pref.quiet_start, pref.quiet_end, pref.time_zone)
        if (
            pref is not None
            and pref.email
            and user.email
            and (not hushed or message.severity == "critical")
        ):
            found.append((None, user_id, Channel.EMAIL))
    return found


def _paged(message: OutboxMessage, people: Iterable[Any]) -> list[Destination]:
    """People paged by name (an escalation step): their inbox and, when they have an address,
    their email — whatever the routing rules say — if they still see the customer."""
    found: list[Destination] = []
    for user in people:
        if not user.is_active or not access.can(user, "inboxitem", "view", message.customer_id):
            continue
        found.append((None, user.pk, Channel.INBOX))
        if user.email:
            found.append((None, user.pk, Channel.EMAIL))
    return found


def idempotency_key(message: OutboxMessage, destination: Destination) -> str:
    sink_id, user_id, channel = destination
    where = f"s{sink_id}" if sink_id is not None else f"u{user_id}-{channel}"
    return f"msg_{message.uuid.hex}.{where}"


def _firing_deliveries(message: OutboxMessage) -> dict[Destination, Delivery]:
    """The latest earlier firing delivery of the same thing, per destination."""
    latest = (
        OutboxMessage.objects.for_customer(message.customer_id)
        .filter(topic=message.topic, key=message.key, state="firing", id__lt=message.pk)
        .order_by("-id")
        .first()
    )
    if latest is None:
        return {}
    rows = Delivery.objects.for_customer(message.customer_id).filter(message=latest)
    return {(d.sink_id, d.user_id, d.channel): d for d in rows}


def fired(customer_id: int, topic: str, key: str) -> bool:
    """Whether a firing message of this thing was ever enqueued (a follow-up needs one)."""
    return (
        OutboxMessage.objects.for_customer(customer_id)
        .filter(topic=topic, key=key, state="firing")
        .exists()
    )


def enqueue(
    *,
    customer: Customer,
    topic: str,
    key: str,
    state: str,
    severity: str,
    title: str,
    payload: dict[str, Any],
    device_id: int | None = None,
    location_id: int | None = None,
    location_path: Iterable[int] = (),
    page: Iterable[Any] = (),
) -> list[Delivery]:
    """Store one state change and its deliveries in the caller's transaction.

    `location_path`: the ancestors of `location_id` (rules name subtree roots); `page`: users
    to reach directly besides the routed destinations."""
    if not transaction.get_connection().in_atomic_block:
        raise OutsideTransaction("notifications.outbox.enqueue must run inside transaction.atomic")
    if state not in STATES:
        raise ValueError(f"state must be one of {', '.join(STATES)}")
    if severity not in SEVERITY_RANK:
        raise ValueError(f"severity must be one of {', '.join(SEVERITY_RANK)}")
    message = OutboxMessage.objects.create(
        customer=customer,
        topic=topic,
        key=key,
        state=state,
        severity=severity,
        title=title[:500],
        payload=payload,
        device_id=device_id,
        location_id=location_id,
    )
    now = timezone.now()
    firing = _firing_deliveries(message) if state != "firing" else {}
    destinations, sinks = route(message, location_path, now)
    destinations += [d for d in _paged(message, page) if d not in destinations]
    deliveries = []
    for destination in destinations:
        sink = sinks.get(destination[0]) if destination[0] is not None else None
        before = firing.get(destination)
        orphan = state != "firing" and before is None
        deliveries.append(
            Delivery(
                customer=customer,
                message=message,
                sink_id=destination[0],
                user_id=destination[1],
                channel=destination[2],
                idempotency_key=idempotency_key(message, destination),
                status=DeliveryStatus.SKIPPED if orphan else DeliveryStatus.PENDING,
                last_error="firing was never sent to this destination" if orphan else "",
                after=before,
                next_attempt_at=now,
                dead_at_after=now
                + timedelta(
                    seconds=sink.dead_letter_seconds if sink else PERSONAL_DEAD_LETTER_SECONDS
                ),
            )
        )
    Delivery.objects.bulk_create(deliveries)
    if any(d.status == DeliveryStatus.PENDING for d in deliveries):
        transaction.on_commit(wake.kick)
    return deliveries

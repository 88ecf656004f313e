"""The transactional outbox: a state change and its deliveries commit (or roll back) together.

`enqueue` runs inside the caller's transaction (it refuses otherwise): it stores the message and,
by the customer's routing rules and its users' preferences, one Delivery per destination — each
with an idempotency key stable per message × destination. Nothing is sent here; after the commit
the worker is woken (wake.py). An acknowledged or resolved message waits for the firing one to
the same destination, and is skipped where firing never went.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max
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


class _Router:
    """One customer's routing rules, its routed users' preferences and the batch's devices'
    tags and groups, read once for every message of a batch (a trap storm enqueues thousands)."""

    def __init__(self, customer_id: int, device_ids: set[int]) -> None:
        self.customer_id = customer_id
        self.rules = list(
            RoutingRule.objects.for_customer(customer_id)
            .filter(enabled=True)
            .select_related("device_group")
            .prefetch_related("sinks", "users")
        )
        groups = {rule.device_group for rule in self.rules if rule.device_group is not None}
        self.members = {group.pk: member_ids(group) for group in groups}
        self.tags: dict[int, set[int]] = defaultdict(set)
        if device_ids:
            rows = (
                Device.objects.for_customer(customer_id)
                .filter(pk__in=device_ids, tags__isnull=False)
                .values_list("pk", "tags")
            )
            for device_id, tag_id in rows:
                self.tags[device_id].add(tag_id)
        routed = {user.pk for rule in self.rules for user in rule.users.all()}
        self.prefs = {
            pref.user_id: pref
            for pref in NotificationPreference.objects.for_customer(customer_id).filter(
                user_id__in=routed
            )
        }
        self._sees: dict[int, bool] = {}

    def sees(self, user: Any) -> bool:
        """An active user who may still read this customer's inbox (asked once per batch)."""
        if user.pk not in self._sees:
            self._sees[user.pk] = user.is_active and access.can(
                user, "inboxitem", "view", self.customer_id
            )
        return self._sees[user.pk]

    def subject(
        self, message: OutboxMessage, location_path: Iterable[int], at: datetime
    ) -> Subject:
        path = set(location_path)
        if message.location_id is not None:
            path.add(message.location_id)
        device_id = message.device_id
        in_groups = {pk for pk, ids in self.members.items() if device_id in ids}
        return Subject(
            topic=message.topic,
            severity=message.severity,
            at=at,
            location_path=frozenset(path),
            group_ids=frozenset(in_groups if device_id is not None else ()),
            tag_ids=frozenset(self.tags.get(device_id, ()) if device_id is not None else ()),
        )

    def route(
        self, message: OutboxMessage, location_path: Iterable[int], at: datetime
    ) -> tuple[list[Destination], dict[int, Sink]]:
        """The destinations of `message` (matching rules' enabled sinks and users, in rule
        order), and those sinks by id."""
        subject = self.subject(message, location_path, at)
        sinks: dict[int, Sink] = {}
        users: dict[int, Any] = {}
        for rule in self.rules:
            if not matches(criteria_of(rule), subject):
                continue
            sinks.update((sink.pk, sink) for sink in rule.sinks.all() if sink.enabled)
            users.update((user.pk, user) for user in rule.users.all() if user.is_active)
            if rule.stop:
                break
        found: list[Destination] = [(pk, None, sink.kind) for pk, sink in sinks.items()]
        return found + self.personal(message, users, at), sinks

    def personal(
        self, message: OutboxMessage, users: dict[int, Any], at: datetime
    ) -> list[Destination]:
        """Inbox (and, if they asked, email) of each routed user who still sees the customer."""
        found: list[Destination] = []
        for user_id, user in users.items():
            if not self.sees(user):
                continue
            pref = self.prefs.get(user_id)
            rank = SEVERITY_RANK[message.severity]
            if pref is not None and rank < SEVERITY_RANK[pref.min_severity]:
                continue
            found.append((None, user_id, Channel.INBOX))
            hushed = pref is not None and quiet(
                at, pref.quiet_start, pref.quiet_end, pref.time_zone
            )
            if (
                pref is not None
                and pref.email
                and user.email
                and (not hushed or message.severity == "critical")
            ):
                found.append((None, user_id, Channel.EMAIL))
        return found

    def paged(self, people: Iterable[Any]) -> list[Destination]:
        """People paged by name (an escalation step): their inbox and, when they have an
        address, their email — whatever the routing rules say — if they still see the
        customer."""
        found: list[Destination] = []
        for user in people:
            if not self.sees(user):
                continue
            found.append((None, user.pk, Channel.INBOX))
            if user.email:
                found.append((None, user.pk, Channel.EMAIL))
        return found


def idempotency_key(message: OutboxMessage, destination: Destination) -> str:
    sink_id, user_id, channel = destination
    where = f"s{sink_id}" if sink_id is not None else f"u{user_id}-{channel}"
    return f"msg_{message.uuid.hex}.{where}"


def fired(customer_id: int, topic: str, keys: Iterable[str]) -> set[str]:
    """Which of `keys` had a firing message enqueued (a follow-up needs one), in one query."""
    return set(
        OutboxMessage.objects.for_customer(customer_id)
        .filter(topic=topic, key__in=set(keys), state="firing")
        .values_list("key", flat=True)
        .distinct()
    )


@dataclass
class Outgoing:
    """One state change to store: what `enqueue` takes, as one item of `enqueue_many`.

    `location_path`: the ancestors of `location_id` (rules name subtree roots); `page`: users
    to reach directly besides the routed destinations."""

    customer: Customer
    topic: str
    key: str
    state: str
    severity: str
    title: str
    payload: dict[str, Any]
    device_id: int | None = None
    location_id: int | None = None
    location_path: Iterable[int] = ()
    page: Iterable[Any] = ()

    def message(self) -> OutboxMessage:
        if self.state not in STATES:
            raise ValueError(f"state must be one of {', '.join(STATES)}")
        if self.severity not in SEVERITY_RANK:
            raise ValueError(f"severity must be one of {', '.join(SEVERITY_RANK)}")
        return OutboxMessage(
            customer=self.customer,
            topic=self.topic,
            key=self.key,
            state=self.state,
            severity=self.severity,
            title=self.title[:500],
            payload=self.payload,
            device_id=self.device_id,
            location_id=self.location_id,
        )


Thing = tuple[int, str, str]  # customer id, topic, key
Fired = dict[Thing, dict[Destination, Delivery]]


def _fired_before(messages: list[OutboxMessage]) -> Fired:
    """For each thing a follow-up (acknowledged, resolved) in `messages` is about: the
    deliveries of its latest firing message stored before them (two queries per customer)."""
    wanted: dict[int, set[tuple[str, str]]] = defaultdict(set)
    for message in messages:
        if message.state != "firing":
            wanted[message.customer_id].add((message.topic, message.key))
    first = min(message.pk for message in messages)
    found: Fired = {}
    for customer_id, things in wanted.items():
        latest = (
            OutboxMessage.objects.for_customer(customer_id)
            .filter(
                topic__in={topic for topic, _ in things},
                key__in={key for _, key in things},
                state="firing",
                id__lt=first,
            )
            .order_by()
            .values("topic", "key")
            .annotate(last=Max("id"))
            .values_list("last", flat=True)
        )
        rows = Delivery.objects.for_customer(customer_id).filter(message_id__in=list(latest))
        for row in rows.select_related("message"):
            thing = (customer_id, row.message.topic, row.message.key)
            if thing[1:] in things:
                found.setdefault(thing, {})[(row.sink_id, row.user_id, row.channel)] = row
    return found


def enqueue(**fields: Any) -> list[Delivery]:
    """Store one state change and its deliveries in the caller's transaction (the fields of
    `Outgoing`)."""
    return enqueue_many([Outgoing(**fields)])[0]


def enqueue_many(items: list[Outgoing]) -> list[list[Delivery]]:
    """Store state changes and their deliveries in the caller's transaction, in order, with
    a few queries for the whole batch (messages and deliveries are bulk-inserted): an alarm
    storm's outbox costs no more than its alarms. Returns each item's deliveries."""
    if not transaction.get_connection().in_atomic_block:
        raise OutsideTransaction("notifications.outbox.enqueue must run inside transaction.atomic")
    if not items:
        return []
    messages = OutboxMessage.objects.bulk_create([item.message() for item in items])
    now = timezone.now()
    routers: dict[int, _Router] = {}
    for item in items:
        if item.customer.pk not in routers:
            devices = {
                i.device_id
                for i in items
                if i.customer.pk == item.customer.pk and i.device_id is not None
            }
            routers[item.customer.pk] = _Router(item.customer.pk, devices)
    fired = _fired_before(messages)
    result: list[list[Delivery]] = []
    for item, message in zip(items, messages, strict=True):
        router = routers[item.customer.pk]
        destinations, sinks = router.route(message, item.location_path, now)
        destinations += [d for d in router.paged(item.page) if d not in destinations]
        thing = (message.customer_id, message.topic, message.key)
        before = fired.get(thing, {}) if message.state != "firing" else {}
        rows = [_delivery(message, d, sinks, before.get(d), now) for d in destinations]
        if message.state == "firing":
            fired[thing] = {(d.sink_id, d.user_id, d.channel): d for d in rows}
        result.append(rows)
    # Firing rows first: a follow-up in the same batch points at them (`after`).
    Delivery.objects.bulk_create([d for rows in result for d in rows if d.after is None])
    Delivery.objects.bulk_create([d for rows in result for d in rows if d.after is not None])
    if any(d.status == DeliveryStatus.PENDING for rows in result for d in rows):
        transaction.on_commit(wake.kick)
    return result


def _delivery(
    message: OutboxMessage,
    destination: Destination,
    sinks: dict[int, Sink],
    before: Delivery | None,
    now: datetime,
) -> Delivery:
    sink = sinks.get(destination[0]) if destination[0] is not None else None
    orphan = message.state != "firing" and before is None
    return Delivery(
        customer_id=message.customer_id,
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
        + timedelta(seconds=sink.dead_letter_seconds if sink else PERSONAL_DEAD_LETTER_SECONDS),
    )

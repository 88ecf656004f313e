"""The delivery worker: claim due deliveries, send them, record each try, schedule the rest.

Claims are atomic: on PostgreSQL the due rows are locked with FOR UPDATE SKIP LOCKED, everywhere
a conditional UPDATE sets a claim token and a lease, so two workers never hold the same row and
a killed worker's rows come back when the lease ends. Failures back off exponentially (capped,
with jitter); a 429 pauses the whole sink for its Retry-After; N failures in a row open the sink's
circuit, after which one delivery at a time probes it (half-open). A failure after the row's
dead-letter time, or one a retry cannot fix, makes it dead until a person retries it.
"""

import logging
import random
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from webnet.notifications import inbox, templates, transports
from webnet.notifications.models import (
    Channel,
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    Sink,
)
from webnet.notifications.transports import Envelope, Outcome

logger = logging.getLogger("webnet.notifications")


def backoff(attempts: int) -> float:
    """Seconds before try `attempts + 1`: doubling from the base, capped, half of it jittered."""
    base = settings.WEBNET_NOTIFY_BACKOFF_BASE
    delay = min(settings.WEBNET_NOTIFY_BACKOFF_CAP, base * 2 ** max(attempts - 1, 0))
    return delay / 2 + random.uniform(0, delay / 2)


def _claimable(now: datetime) -> Q:
    return (
        Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        & (Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        & (Q(after__isnull=True) | Q(after__status=DeliveryStatus.DELIVERED))
    )


def _healthy_sink(now: datetime) -> Q:
    """Personal deliveries, or a sink that is enabled, not paused and whose circuit is closed."""
    return Q(sink__isnull=True) | (
        Q(sink__enabled=True)
        & Q(sink__consecutive_failures__lt=F("sink__failure_threshold"))
        & (Q(sink__circuit_open_until__isnull=True) | Q(sink__circuit_open_until__lte=now))
    )


def _lock(rows: QuerySet) -> QuerySet:
    if connection.features.has_select_for_update_skip_locked:
        return rows.select_for_update(skip_locked=True, of=("self",))
    return rows


def _probes(now: datetime) -> list[int]:
    """One due delivery per half-open sink whose probe this worker won."""
    ids = []
    cooldown = now + timedelta(seconds=settings.WEBNET_NOTIFY_CIRCUIT_SECONDS)
    half_open = Sink.objects.filter(
        enabled=True,
        consecutive_failures__gte=F("failure_threshold"),
        circuit_open_until__lte=now,
    ).values_list("pk", "circuit_open_until")
    for sink_id, until in half_open:
        won = Sink.objects.filter(pk=sink_id, circuit_open_until=until).update(
            circuit_open_until=cooldown
        )
        if won:
            probe = (
                Delivery.objects.filter(_claimable(now), sink_id=sink_id)
                .order_by("next_attempt_at", "pk")
                .values_list("pk", flat=True)
                .first()
            )
            if probe is not None:
                ids.append(probe)
    return ids


def claim(limit: int, now: datetime | None = None) -> tuple[uuid.UUID, list[Delivery]]:
    """Take up to `limit` due deliveries for this worker (a token and a lease on each)."""
    now = now or timezone.now()
    token = uuid.uuid4()
    lease = now + timedelta(seconds=settings.WEBNET_NOTIFY_LEASE_SECONDS)
    with transaction.atomic():
        due = (
            Delivery.objects.filter(_claimable(now) & _healthy_sink(now))
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)
        )
        ids = list(_lock(due)[:limit]) + _probes(now)
        Delivery.objects.filter(_claimable(now), pk__in=ids).update(
            claim_token=token, claimed_until=lease
        )
    rows = list(
        Delivery.objects.filter(claim_token=token, status=DeliveryStatus.PENDING)
        .select_related("message", "sink", "user", "customer")
        .order_by("pk")
    )
    return token, rows


@dataclass
class Attempt:
    delivery: Delivery
    outcome: Outcome
    duration_ms: int


def _envelope(delivery: Delivery) -> Envelope:
    message = delivery.message
    data = {
        "id": delivery.idempotency_key,
        "message": str(message.uuid),
        "topic": message.topic,
        "key": message.key,
        "state": message.state,
        "severity": message.severity,
        "title": message.title,
        "payload": message.payload,
        "device_id": message.device_id,
        "location_id": message.location_id,
        "customer": delivery.customer_id,
    }
    common = {"key": delivery.idempotency_key, "event_type": f"{message.topic}.{message.state}"}
    if delivery.sink is None:  # a user's mailbox
        assert delivery.user is not None
        return Envelope(kind="email", data=data, recipients=(delivery.user.email,), **common)
    sink = delivery.sink
    return Envelope(
        kind=sink.kind,
        data=data,
        url=sink.url,
        secret=sink.reveal_secret() if sink.kind != "email" else "",
        recipients=tuple(sink.recipients),
        **common,
    )


class Renderer:
    """Per batch: looks each (customer, topic, channel) wording up once and renders each
    (message, wording) once — channels sharing the default wording share one render."""

    def __init__(self) -> None:
        self.sources: dict[tuple[int, str, str], tuple[str, str]] = {}
        self.done: dict[tuple[int, str, str], templates.Rendered] = {}

    def __call__(self, delivery: Delivery) -> templates.Rendered:
        message = delivery.message
        where = (delivery.customer_id, message.topic, delivery.channel)
        if where not in self.sources:
            self.sources[where] = templates.wording(*where)
        subject, body = self.sources[where]
        key = (delivery.message_id, subject, body)
        if key not in self.done:
            context = templates.context_of(message, delivery.customer.name)
            self.done[key] = templates.render(subject, body, context)
        return self.done[key]


def _send_one(delivery: Delivery, rendered: templates.Rendered) -> Attempt:
    started = time.monotonic()
    try:
        outcome = transports.send(_envelope(delivery), rendered)
    except Exception as exc:  # a transport bug is this delivery's failure, never the batch's
        logger.exception("delivery %s: transport failed", delivery.pk)
        outcome = Outcome(False, None, f"{type(exc).__name__}: {exc}"[:500])
    return Attempt(delivery, outcome, int((time.monotonic() - started) * 1000))


_pool: ThreadPoolExecutor | None = None


def _senders() -> ThreadPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(
            max_workers=settings.WEBNET_NOTIFY_CONCURRENCY, thread_name_prefix="webnet-notify"
        )
    return _pool


def _attempts(rows: list[Delivery]) -> Iterator[list[Attempt]]:
    """Send (or store, for the inbox) every claimed row, yielding outcomes as they are known
    (the stored inbox rows together), so they are recorded at once: a worker killed mid-batch
    loses only its sends in flight."""
    render = Renderer()
    outbound: list[tuple[Delivery, templates.Rendered]] = []
    boxed: list[tuple[Delivery, templates.Rendered]] = []
    for delivery in rows:
        try:
            rendered = render(delivery)
        except templates.TemplateRenderError as exc:
            failed = Outcome(False, None, f"template: {exc}", permanent=True)
            yield [Attempt(delivery, failed, 0)]
            continue
        (boxed if delivery.channel == Channel.INBOX else outbound).append((delivery, rendered))
    futures = [_senders().submit(_send_one, delivery, rendered) for delivery, rendered in outbound]
    if boxed:
        inbox.store(boxed)
        yield [Attempt(delivery, Outcome(True), 0) for delivery, _ in boxed]
    pending = set(futures)
    while pending:  # whatever finished meanwhile is recorded together
        done, pending = wait(pending, return_when=FIRST_COMPLETED)
        yield [future.result() for future in done]


def _record_all(attempts: list[Attempt], now: datetime) -> None:
    """The delivery log rows, then each delivery's new state: successes in one update."""
    DeliveryAttempt.objects.bulk_create(
        DeliveryAttempt(
            customer_id=a.delivery.customer_id,
            delivery=a.delivery,
            ok=a.outcome.ok,
            status_code=a.outcome.status_code,
            error=a.outcome.error[:500],
            duration_ms=a.duration_ms,
        )
        for a in attempts
    )
    delivered = [a.delivery for a in attempts if a.outcome.ok]
    Delivery.objects.filter(pk__in=[d.pk for d in delivered], status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.DELIVERED, delivered_at=now, last_error="", **_released()
    )
    healthy = {d.sink_id for d in delivered if d.sink_id is not None}
    if healthy:
        Sink.objects.filter(pk__in=healthy).update(consecutive_failures=0, circuit_open_until=None)
    for attempt in attempts:
        if not attempt.outcome.ok:
            _record_failure(attempt, now)


def _released() -> dict[str, Any]:
    return {"claim_token": None, "claimed_until": None, "attempts": F("attempts") + 1}


def _record_failure(attempt: Attempt, now: datetime) -> None:
    delivery, outcome = attempt.delivery, attempt.outcome
    rows = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING)
    released = _released()
    if outcome.permanent or now >= delivery.dead_at_after:
        rows.update(status=DeliveryStatus.DEAD, last_error=outcome.error[:500], **released)
        return
    delay = outcome.retry_after
    if delay is None:
        delay = backoff(delivery.attempts + 1)
    rows.update(
        next_attempt_at=now + timedelta(seconds=delay), last_error=outcome.error[:500], **released
    )
    if delivery.sink_id is None:
        return
    sinks = Sink.objects.filter(pk=delivery.sink_id)
    if outcome.retry_after is not None:  # rate-limited: the sink is alive, just busy
        pause = now + timedelta(seconds=delay)
        sinks.update(consecutive_failures=0, circuit_open_until=pause)  # (ends a probe's lease)
        return
    sinks.update(consecutive_failures=F("consecutive_failures") + 1)
    cooldown = now + timedelta(seconds=settings.WEBNET_NOTIFY_CIRCUIT_SECONDS)
    sinks.filter(consecutive_failures__gte=F("failure_threshold")).update(
        circuit_open_until=cooldown
    )


def expire(now: datetime) -> int:
    """Dead-letter pending rows past their time that were tried, or whose sink is shut."""
    unclaimed = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    stuck = Q(attempts__gt=0) | Q(sink__circuit_open_until__gt=now)
    ids = list(
        Delivery.objects.filter(unclaimed & stuck, status=DeliveryStatus.PENDING)
        .filter(dead_at_after__lt=now)
        .values_list("pk", flat=True)
    )
    return Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.DEAD, last_error="not delivered in time (dead letter)"
    )


def deliver_batch(limit: int | None = None) -> int:
    """Claim, send and record one batch; the number of rows it handled."""
    _, rows = claim(limit or settings.WEBNET_NOTIFY_BATCH)
    if not rows:
        return 0
    for attempts in _attempts(rows):
        with transaction.atomic():
            _record_all(attempts, timezone.now())
    return len(rows)


def drain(seconds: float | None = None) -> int:
    """Batches until nothing is due (or `seconds` passed); then the dead-letter sweep."""
    deadline = time.monotonic() + (seconds if seconds is not None else float("inf"))
    handled = 0
    while time.monotonic() < deadline:
        count = deliver_batch()
        handled += count
        if not count:
            break
    expire(timezone.now())
    return handled

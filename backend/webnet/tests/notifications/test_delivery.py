"""The worker against real receivers: SMTP (aiosmtpd), a signed webhook endpoint, the inbox."""

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from webnet.notifications import outbox, worker
from webnet.notifications.models import (
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    InboxItem,
    NotificationTemplate,
    Sink,
)
from webnet.notifications.signing import new_secret
from webnet.tests import factories as f
from webnet.tests.conftest import World
from webnet.tests.notifications.peers import Script, SMTPPeer, WebhookPeer

FAST = {"WEBNET_NOTIFY_BACKOFF_BASE": 10.0, "WEBNET_NOTIFY_CIRCUIT_SECONDS": 60.0}


def fire(
    world: World, key: str = "alarm-1", state: str = "firing", **kwargs: Any
) -> list[Delivery]:
    with transaction.atomic():
        return outbox.enqueue(
            customer=world.a,
            topic="alarm",
            key=key,
            state=state,
            severity="major",
            title=f"{key} {state}",
            payload={"ifName": "ge-0/0/1"},
            **kwargs,
        )


def later(seconds: float) -> Any:
    return time_machine.travel(timezone.now() + timedelta(seconds=seconds), tick=True)


def hook_sink(world: World, webhook: WebhookPeer, script: Script, **kwargs: Any) -> Sink:
    script.secret = new_secret()
    return f.SinkFactory(
        customer=world.a, kind="webhook", url=webhook.url, secret=script.secret, **kwargs
    )


def test_every_sink_gets_it_once_and_never_again(
    world: World, smtp: SMTPPeer, webhook: WebhookPeer, script: Script
) -> None:
    mail = f.SinkFactory(customer=world.a, recipients=["noc@example.net"])
    hook = hook_sink(world, webhook, script)
    f.RoutingRuleFactory(customer=world.a, sinks=[mail, hook], users=[world.viewer])
    deliveries = fire(world)
    # when the worker drains twice
    assert worker.drain() == 3
    assert worker.drain() == 0
    # then each receiver saw its idempotency key exactly once, signed and templated
    keys = {d.channel: d.idempotency_key for d in deliveries}
    assert smtp.keys() == {keys["email"]: 1}
    [mail_msg] = smtp.messages
    assert mail_msg["Subject"] == "[MAJOR] firing: alarm-1 firing"
    assert mail_msg["Message-ID"] == f"<{keys['email']}@webnet>"
    assert "ifName: ge-0/0/1" in mail_msg.get_payload()
    assert script.seen == {keys["webhook"]: 1} and not script.duplicates
    assert script.bad_signatures == 0
    assert script.bodies[0]["type"] == "alarm.firing"
    assert script.bodies[0]["data"]["payload"] == {"ifName": "ge-0/0/1"}
    item = InboxItem.objects.get(user=world.viewer)
    assert item.key == keys["inbox"] and item.read_at is None
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}
    assert DeliveryAttempt.objects.filter(ok=True).count() == 3


@override_settings(**FAST)
def test_failures_back_off_then_the_circuit_opens_and_one_probe_closes_it(
    world: World, webhook: WebhookPeer, script: Script
) -> None:
    hook = hook_sink(world, webhook, script, failure_threshold=2)
    f.RoutingRuleFactory(customer=world.a, sinks=[hook])
    script.fail_first = 3
    first = fire(world, "a")[0]
    worker.drain()
    first.refresh_from_db()
    assert first.status == DeliveryStatus.PENDING and first.attempts == 1
    wait = (first.next_attempt_at - timezone.now()).total_seconds()
    assert 4 <= wait <= 10  # base 10 s, half of it jittered
    with later(11):
        worker.drain()  # second failure: the circuit opens
        hook.refresh_from_db()
        assert hook.consecutive_failures == 2 and hook.circuit_open_until > timezone.now()
        fire(world, "b")  # a new message waits behind the open circuit
        assert worker.drain() == 0
    with later(72):  # opened at +11 for 60 s
        # half-open: exactly one probe goes out; it fails (third 500) and re-opens the circuit
        assert worker.drain() == 1
    assert script.requests == 3
    with later(133):
        assert worker.drain() == 2  # the probe succeeds, closes the circuit, the rest follows
    hook.refresh_from_db()
    assert hook.consecutive_failures == 0 and hook.circuit_open_until is None
    assert sum(script.seen.values()) == 2


def test_429_retry_after_pauses_the_whole_sink(
    world: World, webhook: WebhookPeer, script: Script
) -> None:
    hook = hook_sink(world, webhook, script)
    f.RoutingRuleFactory(customer=world.a, sinks=[hook])
    script.rate_limit_next, script.retry_after = 1, "30"
    [first] = fire(world, "a")
    worker.deliver_batch(limit=1)
    first.refresh_from_db()
    assert abs((first.next_attempt_at - timezone.now()).total_seconds() - 30) < 2
    hook.refresh_from_db()
    assert hook.consecutive_failures == 0  # being busy is not being broken
    fire(world, "b")
    assert worker.drain() == 0  # paused for the receiver's 30 s
    with later(31):
        assert worker.drain() == 2
    assert script.answered == {429: 1, 200: 2}


@override_settings(**FAST)
def test_a_429_answering_the_probe_closes_the_circuit_and_pauses_the_sink(
    world: World, webhook: WebhookPeer, script: Script
) -> None:
    hook = hook_sink(world, webhook, script, failure_threshold=1)
    f.RoutingRuleFactory(customer=world.a, sinks=[hook])
    script.fail_first, script.rate_limit_next, script.retry_after = 1, 1, "5"
    fire(world, "a")
    fire(world, "b")
    worker.deliver_batch(limit=1)  # 500: the circuit opens
    with later(61):
        assert worker.drain() == 1  # the probe is rate-limited: alive, so closed but paused
        hook.refresh_from_db()
        assert hook.consecutive_failures == 0
    with later(67):
        assert worker.drain() == 2  # both go at once, no probing one by one
    assert len(script.seen) == 2


def test_a_dead_letter_waits_for_a_retry(
    world: World, webhook: WebhookPeer, script: Script, api: Any
) -> None:
    hook = hook_sink(world, webhook, script, dead_letter_seconds=5, failure_threshold=100)
    f.RoutingRuleFactory(customer=world.a, sinks=[hook])
    script.fail_first = 2
    [delivery] = fire(world)
    worker.drain()
    with later(60):
        worker.drain()  # failed after its dead-letter time
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.DEAD and "500" in delivery.last_error
        assert worker.drain() == 0
        # the viewer may not retry; the operator may
        assert api("viewer").post(f"/api/v1/deliveries/{delivery.pk}/retry/").status_code == 403
        response = api("operator").post(f"/api/v1/deliveries/{delivery.pk}/retry/")
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "pending"
        assert worker.drain() == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 3
    assert list(delivery.log.order_by("id").values_list("ok", flat=True)) == [False, False, True]
    assert api("operator").post(f"/api/v1/deliveries/{delivery.pk}/retry/").status_code == 400


def test_resolved_goes_only_after_firing_was_delivered(
    world: World, webhook: WebhookPeer, script: Script
) -> None:
    hook = hook_sink(world, webhook, script)
    f.RoutingRuleFactory(customer=world.a, sinks=[hook])
    script.fail_first = 1
    fire(world)
    fire(world, state="resolved")
    worker.drain()  # firing fails; resolved must not overtake it
    assert script.seen == {}
    with later(60):
        worker.drain()
        worker.drain()
    assert [body["type"] for body in script.bodies] == ["alarm.firing", "alarm.resolved"]


def test_a_template_error_is_a_dead_letter_with_the_reason(world: World, smtp: SMTPPeer) -> None:
    f.RoutingRuleFactory(customer=world.a, sinks=[f.SinkFactory(customer=world.a)])
    NotificationTemplate.objects.create(
        customer=world.a, topic="alarm", channel="email", body="{{ payload.nope }}"
    )
    [delivery] = fire(world)
    worker.drain()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DEAD and "undefined" in delivery.last_error
    assert smtp.messages == []


@pytest.mark.parametrize("kind", ["slack", "mattermost", "teams"])
def test_chat_incoming_webhooks_get_their_format(
    world: World, webhook: WebhookPeer, script: Script, kind: str
) -> None:
    sink = f.SinkFactory(customer=world.a, kind=kind, secret=webhook.url)
    f.RoutingRuleFactory(customer=world.a, sinks=[sink])
    [delivery] = fire(world)
    worker.drain()
    [body] = script.bodies
    assert script.seen == {delivery.idempotency_key: 1}
    if kind == "teams":
        card = body["attachments"][0]
        assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
        assert card["content"]["body"][0]["text"] == "[MAJOR] firing: alarm-1 firing"
    else:
        assert body["text"] == "*[MAJOR] firing*: alarm-1 firing"
        assert ("username" in body) == (kind == "mattermost")


def test_claims_are_exclusive_and_a_lost_workers_rows_come_back(world: World) -> None:
    f.RoutingRuleFactory(customer=world.a, users=[world.viewer, world.operator, world.admin])
    fire(world)
    _, mine = worker.claim(limit=2)
    _, theirs = worker.claim(limit=10)
    assert len(mine) == 2 and len(theirs) == 1
    assert not {d.pk for d in mine} & {d.pk for d in theirs}
    assert worker.claim(limit=10)[1] == []
    # the claimers die; after the lease every row is due again
    with later(121):
        _, again = worker.claim(limit=10)
    assert len(again) == 3

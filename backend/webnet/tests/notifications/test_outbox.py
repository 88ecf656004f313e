"""The outbox: rows share the caller's transaction; routing and preferences pick destinations."""

from datetime import UTC, datetime, time

import pytest
import time_machine
from django.db import transaction

from webnet.notifications import outbox
from webnet.notifications.models import (
    Delivery,
    DeliveryStatus,
    NotificationPreference,
    OutboxMessage,
)
from webnet.tests import factories as f
from webnet.tests.conftest import World


def enqueue(world: World, **kwargs: object) -> list[Delivery]:
    base = {
        "customer": world.a,
        "topic": "alarm",
        "key": "alarm-1",
        "state": "firing",
        "severity": "major",
        "title": "core-1 down",
        "payload": {"device": "core-1"},
    }
    with transaction.atomic():
        return outbox.enqueue(**{**base, **kwargs})


def test_enqueue_refuses_outside_a_transaction(world: World, transactional_db: None) -> None:
    with pytest.raises(outbox.OutsideTransaction):
        outbox.enqueue(
            customer=world.a,
            topic="alarm",
            key="k",
            state="firing",
            severity="major",
            title="t",
            payload={},
        )
    assert not OutboxMessage.objects.exists()


def test_a_rolled_back_caller_leaves_no_rows(world: World, transactional_db: None) -> None:
    f.RoutingRuleFactory(customer=world.a, sinks=[f.SinkFactory(customer=world.a)])

    class CallerFailed(Exception):
        pass

    with pytest.raises(CallerFailed), transaction.atomic():
        deliveries = outbox.enqueue(
            customer=world.a,
            topic="alarm",
            key="k",
            state="firing",
            severity="major",
            title="t",
            payload={},
        )
        assert len(deliveries) == 1
        raise CallerFailed
    assert not OutboxMessage.objects.exists()
    assert not Delivery.objects.exists()


def test_one_delivery_per_destination_with_a_stable_key(world: World) -> None:
    mail, hook = f.SinkFactory(customer=world.a), f.SinkFactory(customer=world.a, kind="webhook")
    f.RoutingRuleFactory(customer=world.a, sinks=[mail, hook], users=[world.viewer])
    f.RoutingRuleFactory(customer=world.a, sinks=[mail])  # a second match adds nothing twice
    deliveries = enqueue(world)
    got = {(d.sink_id, d.user_id, d.channel) for d in deliveries}
    assert got == {
        (mail.pk, None, "email"),
        (hook.pk, None, "webhook"),
        (None, world.viewer.pk, "inbox"),
    }
    message = OutboxMessage.objects.get()
    keys = {d.idempotency_key for d in deliveries}
    assert len(keys) == 3 and all(k.startswith(f"msg_{message.uuid.hex}.") for k in keys)
    assert outbox.idempotency_key(message, (mail.pk, None, "email")) in keys


def test_another_customers_rules_and_non_members_get_nothing(world: World) -> None:
    f.RoutingRuleFactory(customer=world.b, sinks=[f.SinkFactory(customer=world.b)])
    f.RoutingRuleFactory(customer=world.a, users=[world.outsider])  # not a member of A
    assert enqueue(world) == []


def test_rules_filter_and_stop(world: World) -> None:
    pager, chat = f.SinkFactory(customer=world.a), f.SinkFactory(customer=world.a)
    f.RoutingRuleFactory(
        customer=world.a, position=1, min_severity="critical", sinks=[pager], stop=True
    )
    f.RoutingRuleFactory(customer=world.a, position=2, sinks=[chat])
    assert {d.sink_id for d in enqueue(world, severity="major")} == {chat.pk}
    assert {d.sink_id for d in enqueue(world, severity="critical", key="k2")} == {pager.pk}


def test_device_tag_and_group_rules(world: World) -> None:
    tag = f.TagFactory(customer=world.a)
    device = f.DeviceFactory(customer=world.a)
    device.tags.add(tag)
    group = f.DeviceGroupFactory(customer=world.a)
    group.devices.add(device)
    tagged, grouped = f.SinkFactory(customer=world.a), f.SinkFactory(customer=world.a)
    f.RoutingRuleFactory(customer=world.a, tag=tag, sinks=[tagged])
    f.RoutingRuleFactory(customer=world.a, device_group=group, sinks=[grouped])
    assert {d.sink_id for d in enqueue(world, device_id=device.pk)} == {tagged.pk, grouped.pk}
    other = f.DeviceFactory(customer=world.a)
    assert enqueue(world, device_id=other.pk, key="k2") == []


def test_location_subtree_uses_the_callers_ancestor_path(world: World) -> None:
    sink = f.SinkFactory(customer=world.a)
    f.RoutingRuleFactory(customer=world.a, location_ids=[5], sinks=[sink])
    assert len(enqueue(world, location_id=9, location_path=[7, 5])) == 1
    assert enqueue(world, location_id=9, location_path=[7], key="k2") == []


def test_acknowledged_and_resolved_wait_for_firing_or_are_skipped(world: World) -> None:
    sink = f.SinkFactory(customer=world.a)
    f.RoutingRuleFactory(customer=world.a, sinks=[sink])
    [orphan] = enqueue(world, key="never-fired", state="resolved")
    assert orphan.status == DeliveryStatus.SKIPPED
    [firing] = enqueue(world)
    [resolved] = enqueue(world, state="resolved")
    assert resolved.status == DeliveryStatus.PENDING and resolved.after_id == firing.pk


def test_preferences_severity_email_and_quiet_hours(world: World) -> None:
    f.RoutingRuleFactory(customer=world.a, users=[world.viewer, world.operator])
    NotificationPreference.objects.create(
        customer=world.a, user=world.operator, min_severity="critical"
    )
    NotificationPreference.objects.create(
        customer=world.a,
        user=world.viewer,
        email=True,
        quiet_start=time(22),
        quiet_end=time(7),
        time_zone="Europe/Berlin",
    )
    with time_machine.travel(datetime(2026, 12, 1, 12, 0, tzinfo=UTC), tick=False):
        day = {(d.user_id, d.channel) for d in enqueue(world, key="day")}
    assert day == {(world.viewer.pk, "inbox"), (world.viewer.pk, "email")}
    with time_machine.travel(datetime(2026, 12, 1, 23, 0, tzinfo=UTC), tick=False):
        night = {(d.user_id, d.channel) for d in enqueue(world, key="night")}
        critical = {(d.user_id, d.channel) for d in enqueue(world, key="c", severity="critical")}
    assert night == {(world.viewer.pk, "inbox")}  # quiet: no mail, the inbox still gets it
    assert critical == {
        (world.viewer.pk, "inbox"),
        (world.viewer.pk, "email"),
        (world.operator.pk, "inbox"),
    }


def test_bad_state_or_severity_is_refused(world: World) -> None:
    with pytest.raises(ValueError, match="state"):
        enqueue(world, state="exploded")
    with pytest.raises(ValueError, match="severity"):
        enqueue(world, severity="apocalyptic")


def _item(world: World, key: str, state: str) -> outbox.Outgoing:
    return outbox.Outgoing(
        customer=world.a,
        topic="alarm",
        key=key,
        state=state,
        severity="major",
        title=f"{key} {state}",
        payload={},
    )


def test_a_batch_costs_the_same_queries_as_one_and_orders_follow_ups(
    world: World, django_assert_max_num_queries
) -> None:
    sink = f.SinkFactory(customer=world.a, kind="webhook")
    f.RoutingRuleFactory(customer=world.a, sinks=[sink], users=[world.viewer])
    enqueue(world, key="old")  # fired before the batch
    items = [_item(world, "old", "resolved")]
    for n in range(50):  # raised and cleared within the batch, as a trap storm does
        items += [_item(world, f"k{n}", "firing"), _item(world, f"k{n}", "resolved")]
    with django_assert_max_num_queries(15), transaction.atomic():
        batches = outbox.enqueue_many(items)
    old = Delivery.objects.get(message__key="old", message__state="firing", sink=sink)
    assert [d.after_id for d in batches[0] if d.sink_id == sink.pk] == [old.pk]
    for firing, resolved in zip(batches[1::2], batches[2::2], strict=True):
        assert {d.after_id for d in resolved} == {d.pk for d in firing}
        assert {d.status for d in resolved} == {DeliveryStatus.PENDING}
    assert Delivery.objects.count() == 2 * (1 + len(items))

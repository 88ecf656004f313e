"""Embedded mode: the delivery loop on the server's event loop, woken by an outbox commit."""

import asyncio
import contextlib

import pytest
from channels.db import database_sync_to_async
from django.db import transaction
from django.test import override_settings

from webnet.notifications import embedded, outbox
from webnet.notifications.models import Delivery, DeliveryStatus
from webnet.tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


def _fire() -> None:
    customer = f.CustomerFactory()
    viewer = f.MembershipFactory(customer=customer, role="viewer").user
    f.RoutingRuleFactory(customer=customer, users=[viewer])
    with transaction.atomic():
        outbox.enqueue(
            customer=customer, topic="alarm", key="a", state="firing", severity="minor",
            title="fan failed", payload={},
        )  # fmt: skip


def _statuses() -> list[str]:
    return list(Delivery.objects.values_list("status", flat=True))


@override_settings(WEBNET_EXECUTOR="local", WEBNET_NOTIFY_INTERVAL=60.0)
async def test_a_commit_wakes_the_loop_long_before_its_interval() -> None:
    embedded.start(asyncio.get_running_loop())
    try:
        await asyncio.sleep(0.5)  # the first drain (nothing due) is done; the loop now waits 60 s
        await database_sync_to_async(_fire)()
        for _ in range(100):
            if await database_sync_to_async(_statuses)() == [DeliveryStatus.DELIVERED]:
                break
            await asyncio.sleep(0.1)
        assert await database_sync_to_async(_statuses)() == [DeliveryStatus.DELIVERED]
    finally:
        assert embedded._timer is not None
        embedded._timer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await embedded._timer

"""Embedded mode: the delivery loop on the server's event loop, woken by an outbox commit."""

import asyncio
import contextlib

import pytest
from channels.db import database_sync_to_async
from django.db import transaction
from django.test import override_settings

from webnet.core import background
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


@override_settings(WEBNET_NOTIFY_INTERVAL=60.0)
async def test_a_commit_wakes_the_loop_long_before_its_interval() -> None:
    service = asyncio.create_task(embedded.run_embedded())
    try:
        await asyncio.sleep(0.5)  # the first drain (nothing due) is done; the loop now waits 60 s
        await database_sync_to_async(_fire)()
        for _ in range(100):
            if await database_sync_to_async(_statuses)() == [DeliveryStatus.DELIVERED]:
                break
            await asyncio.sleep(0.1)
        assert await database_sync_to_async(_statuses)() == [DeliveryStatus.DELIVERED]
    finally:
        service.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await service


def test_the_delivery_loop_is_a_background_service_of_the_embedded_worker() -> None:
    assert background.registered()["notifications.deliveries"] is embedded.run_embedded

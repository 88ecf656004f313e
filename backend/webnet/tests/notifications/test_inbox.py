"""The inbox over the real ASGI stack: a delivery reaches the user's /ws/updates/ socket live."""

import pytest
from channels.db import database_sync_to_async
from django.db import transaction

from webnet.notifications import outbox, services, worker
from webnet.notifications.models import InboxItem
from webnet.tests import factories as f
from webnet.tests.api.test_consumers import _connect

pytestmark = pytest.mark.django_db(transaction=True)


def _setup():  # type: ignore[no-untyped-def]
    customer = f.CustomerFactory()
    viewer = f.MembershipFactory(customer=customer, role="viewer").user
    other = f.MembershipFactory(customer=customer, role="viewer").user
    f.RoutingRuleFactory(customer=customer, users=[viewer])
    return customer, viewer, other


def _fire(customer):  # type: ignore[no-untyped-def]
    with transaction.atomic():
        outbox.enqueue(
            customer=customer,
            topic="alarm",
            key="a1",
            state="firing",
            severity="critical",
            title="core-1 down",
            payload={},
        )
    worker.drain()


async def test_a_new_item_and_the_unread_count_arrive_live_for_that_user_only() -> None:
    customer, viewer, other = await database_sync_to_async(_setup)()
    mine, connected, _ = await _connect("/ws/updates/", viewer)
    theirs, also, _ = await _connect("/ws/updates/", other)
    assert connected and also
    await database_sync_to_async(_fire)(customer)
    got = await mine.receive_json_from(timeout=5)
    assert got["type"] == "inbox" and got["unread"] == 1
    assert [item["title"] for item in got["items"]] == ["[CRITICAL] firing: core-1 down"]
    assert await theirs.receive_nothing(timeout=0.5)
    # marking read is pushed too (the badge of every open tab follows)
    item = await database_sync_to_async(InboxItem.objects.get)()
    await database_sync_to_async(
        lambda: services.mark_read(viewer, InboxItem.objects.filter(pk=item.pk))
    )()
    assert (await mine.receive_json_from(timeout=5))["unread"] == 0
    await mine.disconnect()
    await theirs.disconnect()

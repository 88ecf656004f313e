"""The inbox over the real ASGI stack: a delivery reaches the user's /ws/updates/ socket live."""

import pytest
from channels.db import database_sync_to_async
from channels.layers import DEFAULT_CHANNEL_LAYER, InMemoryChannelLayer, channel_layers
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


def _fire_in_the_worker(customer, keys):  # type: ignore[no-untyped-def]
    """What `manage.py serve` does: the embedded delivery loop runs in the job worker process,
    whose in-memory channel layer (its own, like any process's) no socket of the web server
    joined — its push reaches nobody."""
    ours = channel_layers.backends.get(DEFAULT_CHANNEL_LAYER)
    channel_layers.backends[DEFAULT_CHANNEL_LAYER] = InMemoryChannelLayer()
    try:
        for key in keys:
            with transaction.atomic():
                outbox.enqueue(
                    customer=customer,
                    topic="alarm",
                    key=key,
                    state="firing",
                    severity="major",
                    title=f"interface.down {key}",
                    payload={},
                )
        worker.drain()
    finally:
        channel_layers.backends[DEFAULT_CHANNEL_LAYER] = ours


async def test_items_stored_by_another_process_reach_the_badge(settings) -> None:
    settings.WEBNET_WS_POLL_SECONDS = 0.2
    customer, viewer, other = await database_sync_to_async(_setup)()
    mine, connected, _ = await _connect("/ws/updates/", viewer)
    theirs, also, _ = await _connect("/ws/updates/", other)
    assert connected and also
    await database_sync_to_async(_fire_in_the_worker)(customer, ["a1", "a2"])
    unread, titles = 0, []
    while unread < 2:  # read from the database by the socket's poll (a timeout fails the test)
        got = await mine.receive_json_from(timeout=5)
        if got["type"] == "inbox":
            unread = got["unread"]
            titles += [item["title"] for item in got["items"]]
    assert sorted(titles) == [
        "[MAJOR] firing: interface.down a1",
        "[MAJOR] firing: interface.down a2",
    ]
    assert await mine.receive_nothing(timeout=0.6)  # sent once, not again by the next polls
    while not await theirs.receive_nothing(timeout=0.6):
        assert (await theirs.receive_json_from())["type"] != "inbox"
    await mine.disconnect()
    await theirs.disconnect()

"""The alarms topic of /ws/updates/: a recorded event's alarm change reaches the sockets of the
customer's users after commit, and no one else's."""

import pytest
from channels.db import database_sync_to_async

from webnet.alarms import conditions, ingest
from webnet.alarms.ingest import EventIn
from webnet.tests import factories as f
from webnet.tests.api.test_consumers import _connect

pytestmark = pytest.mark.django_db(transaction=True)


def _setup():  # type: ignore[no-untyped-def]
    viewer = f.MembershipFactory(role="viewer")
    outsider = f.MembershipFactory(role="admin").user
    device = f.DeviceFactory(customer=viewer.customer)
    return device, viewer.user, outsider


def _link_down(device) -> None:  # type: ignore[no-untyped-def]
    varbinds = {f"{conditions.IF_INDEX}.9": "9"}
    ingest.record_event(
        EventIn(
            device.customer_id,
            "trap",
            device_id=device.pk,
            data={"trap_oid": conditions.LINK_DOWN, "varbinds": varbinds},
        )
    )


async def test_alarm_changes_stream_to_the_customers_users_only() -> None:
    device, viewer, outsider = await database_sync_to_async(_setup)()
    mine, connected, _ = await _connect("/ws/updates/", viewer)
    theirs, _, _ = await _connect("/ws/updates/", outsider)
    assert connected
    await database_sync_to_async(_link_down)(device)
    message = await mine.receive_json_from(timeout=5)
    assert message["type"] == "alarm" and message["change"] == "raised"
    assert message["alarm"]["device"] == device.pk and message["alarm"]["if_index"] == 9
    assert await theirs.receive_nothing(timeout=0.3)
    await mine.disconnect()
    await theirs.disconnect()

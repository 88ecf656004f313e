"""WebSockets over the real ASGI stack: session auth, the gate, replay and resume by seq."""

import pytest
from channels.testing import WebsocketCommunicator
from django.test import Client

from webnet.asgi import application
from webnet.core import broadcasts
from webnet.jobs import lifecycle
from webnet.jobs.lifecycle import LogEntry
from webnet.jobs.services import JobService
from webnet.tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


def _cookie(user) -> list[tuple[bytes, bytes]]:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    session = client.cookies["sessionid"].value
    return [(b"cookie", f"sessionid={session}".encode()), (b"origin", b"http://127.0.0.1")]


def _setup():  # type: ignore[no-untyped-def]
    customer, other = f.CustomerFactory(), f.CustomerFactory()
    viewer = f.MembershipFactory(customer=customer, role="viewer").user
    operator = f.MembershipFactory(customer=customer, role="operator").user
    outsider = f.MembershipFactory(customer=other, role="admin").user
    f.DeviceFactory(customer=customer)
    job = JobService.create_job(
        operator, customer, "config.backup", {"all": True}, {}, submit=False
    )
    lifecycle.append_log(job, [LogEntry(f"stored {i}") for i in range(1, 4)])
    return job, viewer, outsider


async def _connect(path: str, user=None):  # type: ignore[no-untyped-def]
    headers = await _headers(user) if user else [(b"origin", b"http://127.0.0.1")]
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, code = await communicator.connect()
    return communicator, connected, code


async def _headers(user):  # type: ignore[no-untyped-def]
    from channels.db import database_sync_to_async

    return await database_sync_to_async(_cookie)(user)


async def test_replay_then_live_lines_in_order() -> None:
    from channels.db import database_sync_to_async

    job, viewer, _ = await database_sync_to_async(_setup)()
    ws, connected, _ = await _connect(f"/ws/jobs/{job.pk}/?after_seq=1", viewer)
    assert connected
    replay = await ws.receive_json_from()
    assert [line["seq"] for line in replay["lines"]] == [2, 3]
    assert (await ws.receive_json_from())["type"] == "status"
    await database_sync_to_async(JobService.append_log)(job, [LogEntry("live 4")])
    live = await ws.receive_json_from()
    assert [(line["seq"], line["message"]) for line in live["lines"]] == [(4, "live 4")]
    await ws.disconnect()


async def test_missed_broadcast_is_filled_from_the_database() -> None:
    from channels.db import database_sync_to_async

    job, viewer, _ = await database_sync_to_async(_setup)()
    ws, _, _ = await _connect(f"/ws/jobs/{job.pk}/?after_seq=3", viewer)
    assert (await ws.receive_json_from())["type"] == "status"
    # Lines 4 and 5 are stored but their broadcast is lost; line 6 arrives live.
    await database_sync_to_async(lifecycle.append_log)(job, [LogEntry("four"), LogEntry("five")])
    rows = await database_sync_to_async(lifecycle.append_log)(job, [LogEntry("six")])
    await broadcasts.send(
        broadcasts.job_group(job.pk), broadcasts.job_log_message([lifecycle.log_line(rows[0])])
    )
    got = await ws.receive_json_from()
    assert [line["seq"] for line in got["lines"]] == [4, 5, 6]
    await ws.disconnect()


@pytest.mark.parametrize("who", ["outsider", "anonymous"])
async def test_other_customers_and_anonymous_are_refused(who: str) -> None:
    from channels.db import database_sync_to_async

    job, _, outsider = await database_sync_to_async(_setup)()
    _, connected, code = await _connect(
        f"/ws/jobs/{job.pk}/", outsider if who == "outsider" else None
    )
    assert not connected and code == (4404 if who == "outsider" else 4401)


async def test_updates_stream_only_visible_customers() -> None:
    from channels.db import database_sync_to_async

    job, viewer, outsider = await database_sync_to_async(_setup)()
    mine, connected, _ = await _connect("/ws/updates/", viewer)
    theirs, _, _ = await _connect("/ws/updates/", outsider)
    assert connected
    await broadcasts.send(
        broadcasts.customer_group(job.customer_id), broadcasts.job_status_message(job)
    )
    assert (await mine.receive_json_from())["job"]["id"] == job.pk
    assert await theirs.receive_nothing(timeout=0.3)
    await mine.disconnect()
    await theirs.disconnect()

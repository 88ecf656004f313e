"""WebSockets over the real ASGI stack: session auth, the gate, replay and resume by seq."""

import asyncio

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


async def _until(ws, wanted, timeout: float = 5.0) -> list[dict]:  # type: ignore[no-untyped-def]
    """Messages received until one satisfies `wanted` (that one included)."""
    got = []
    while not got or not wanted(got[-1]):
        got.append(await ws.receive_json_from(timeout=timeout))
    return got


def _store_elsewhere(job, messages: list[str]) -> None:  # type: ignore[no-untyped-def]
    """What the embedded worker process does: stored, but broadcast in another process."""
    lifecycle.append_log(job, [LogEntry(message) for message in messages])


async def test_lines_another_process_stores_reach_the_socket_in_order_once(settings) -> None:  # type: ignore[no-untyped-def]
    from channels.db import database_sync_to_async as db

    settings.WEBNET_WS_POLL_SECONDS = 0.05
    job, viewer, _ = await db(_setup)()
    await db(lifecycle.set_status)(job, "running")
    ws, _, _ = await _connect(f"/ws/jobs/{job.pk}/?after_seq=1", viewer)
    got = await _until(ws, lambda m: m["type"] == "status")
    for batch in range(5):
        await db(_store_elsewhere)(job, [f"line {batch}.{i}" for i in range(7)])
        await asyncio.sleep(0.03)
    # A broadcast of a line the poll already delivered is not sent again.
    rows = await db(lambda: list(job.logs.order_by("seq")))()
    await broadcasts.send(
        broadcasts.job_group(job.pk), broadcasts.job_log_message([lifecycle.log_line(rows[5])])
    )
    await db(_store_elsewhere)(job, ["last"])
    await db(lifecycle.set_status)(job, "success", succeeded=1)
    got += await _until(ws, lambda m: m["type"] == "status" and m["job"]["status"] == "success")
    seqs = [line["seq"] for m in got if m["type"] == "lines" for line in m["lines"]]
    assert seqs == list(range(2, 3 + 5 * 7 + 2))
    assert got[-1]["job"]["succeeded"] == 1
    assert await ws.receive_nothing(timeout=0.2)  # a finished job is no longer polled
    await ws.disconnect()


async def test_updates_follow_a_job_another_process_runs(settings) -> None:  # type: ignore[no-untyped-def]
    from channels.db import database_sync_to_async as db

    from webnet.devices.models import Device
    from webnet.jobs.models import JobDeviceResult

    settings.WEBNET_WS_POLL_SECONDS = 0.05
    job, viewer, outsider = await db(_setup)()
    mine, _, _ = await _connect("/ws/updates/", viewer)
    theirs, _, _ = await _connect("/ws/updates/", outsider)
    assert await mine.receive_nothing(timeout=0.2)  # a queued job it already knows is no news
    await db(lifecycle.set_status)(job, "running")
    running = await mine.receive_json_from(timeout=5)
    assert running["type"] == "job" and running["job"]["status"] == "running"

    def device_answers() -> Device:
        device = Device.objects.get(customer_id=job.customer_id)
        Device.objects.filter(pk=device.pk).update(status="reachable")
        JobDeviceResult.objects.create(
            customer_id=job.customer_id,
            job=job,
            device=device,
            hostname=device.hostname,
            status="success",
        )
        lifecycle.set_status(job, "success", succeeded=1)
        return device

    device = await db(device_answers)()
    got = await _until(mine, lambda m: m["type"] == "job")
    devices = [m["device"] for m in got if m["type"] == "device"]
    assert [(d["id"], d["status"]) for d in devices] == [(device.pk, "reachable")]
    assert got[-1]["job"]["status"] == "success"
    assert await mine.receive_nothing(timeout=0.2)
    assert await theirs.receive_nothing(timeout=0.1)
    await mine.disconnect()
    await theirs.disconnect()


async def test_alarms_another_process_raises_reach_the_customers_sockets(settings) -> None:  # type: ignore[no-untyped-def]
    """The receivers and the poller run in the embedded worker: their alarms reach the web
    process's sockets from the database (its events), and only the alarm's customer's."""
    from channels.db import database_sync_to_async as db

    from webnet.alarms.models import Alarm, Event

    settings.WEBNET_WS_POLL_SECONDS = 0.05
    job, viewer, outsider = await db(_setup)()
    mine, _, _ = await _connect("/ws/updates/", viewer)
    theirs, _, _ = await _connect("/ws/updates/", outsider)

    def raised_elsewhere() -> Alarm:  # what record_events stores, without its broadcast
        device = f.DeviceFactory(customer=job.customer)
        alarm = f.AlarmFactory(customer=job.customer, device=device)
        Event.objects.create(customer=job.customer, source="trap", device=alarm.device, alarm=alarm,
                             time=alarm.first_seen, message="linkDown")  # fmt: skip
        return alarm

    alarm = await db(raised_elsewhere)()
    got = await _until(mine, lambda m: m["type"] == "alarm")
    assert got[-1]["alarm"]["id"] == alarm.pk and got[-1]["alarm"]["condition"] == "interface.down"
    assert await theirs.receive_nothing(timeout=0.2)
    await mine.disconnect()
    await theirs.disconnect()

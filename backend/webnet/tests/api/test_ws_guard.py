"""Every socket follows the HTTP session rules on connect, and is closed (or narrowed) when the
session is logged out, a membership or customer rule changes, or the session lapses."""

import asyncio
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.sessions.models import Session
from django.test import Client

from webnet.asgi import application
from webnet.core import broadcasts
from webnet.customers import services as customer_services
from webnet.customers.models import Membership
from webnet.jobs.services import JobService
from webnet.tests import factories as f
from webnet.users import services as user_services

pytestmark = pytest.mark.django_db(transaction=True)
db = database_sync_to_async
ORIGIN = (b"origin", b"http://127.0.0.1")


def _signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)  # a password-only session (no second factor passed)
    return client


def _headers(client: Client) -> list[tuple[bytes, bytes]]:
    return [(b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()), ORIGIN]


def _world() -> dict[str, Any]:
    a, b = f.CustomerFactory(), f.CustomerFactory()
    operator = f.MembershipFactory(customer=a, role="operator").user
    admin = f.MembershipFactory(customer=a, role="admin").user
    b_admin = f.MembershipFactory(customer=b, role="admin").user
    credential_a = f.CredentialFactory(customer=a)
    credential_b = f.CredentialFactory(customer=b)
    a_device = f.DeviceFactory(customer=a, credential=credential_a)
    b_device = f.DeviceFactory(customer=b, credential=credential_b)
    job = JobService.create_job(operator, a, "config.backup", {"all": True}, {}, submit=False)
    return {
        "a": a,
        "b": b,
        "operator": operator,
        "admin": admin,
        "b_admin": b_admin,
        "job": job,
        "a_device": a_device,
        "b_device": b_device,
    }


async def _connect(path: str, client: Client) -> tuple[WebsocketCommunicator, bool, Any]:
    ws = WebsocketCommunicator(application, path, headers=await db(_headers)(client))
    connected, code = await ws.connect(timeout=5)
    return ws, connected, code


async def _closed_with(ws: WebsocketCommunicator, timeout: float = 5) -> int:
    """Skip data frames until the server closes the socket; its close code."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        message = await ws.receive_output(max(deadline - loop.time(), 0.01))
        if message["type"] == "websocket.close":
            return message.get("code")


async def test_a_password_only_session_of_an_enrolled_user_is_refused_on_every_socket() -> None:
    world = await db(_world)()
    client = await db(_signed_in)(world["operator"])
    await db(f.enrol_totp)(world["operator"])  # enrolled since: this session never passed it
    for path in (
        "/ws/updates/",
        f"/ws/jobs/{world['job'].pk}/",
        f"/ws/devices/{world['a_device'].pk}/ssh/",
    ):
        ws, connected, code = await _connect(path, client)
        assert (connected, code) == (False, 4401), path
        await ws.disconnect()


async def test_a_customer_rule_withholds_that_customer_on_sockets_too() -> None:
    """B's admin grants A's admin a role in B, then makes B require TOTP: A's admin keeps A's
    live updates, gets none of B's, and cannot open a terminal on B's device."""
    world = await db(_world)()
    client = await db(_signed_in)(world["admin"])
    await db(customer_services.grant_role)(world["b_admin"], world["admin"], world["b"], "admin")
    await db(customer_services.update_customer)(
        world["b_admin"], world["b"], {"require_admin_totp": True}
    )
    terminal, connected, code = await _connect(f"/ws/devices/{world['b_device'].pk}/ssh/", client)
    assert (connected, code) == (False, 4404)
    await terminal.disconnect()
    updates, connected, _ = await _connect("/ws/updates/", client)
    assert connected
    for customer in (world["b"], world["a"]):
        device = {"id": 1, "customer": customer.pk, "hostname": "x", "status": "up"}
        await broadcasts.send(
            broadcasts.customer_group(customer.pk), {"type": "device.status", "device": device}
        )
    assert (await updates.receive_json_from(timeout=2))["device"]["customer"] == world["a"].pk
    assert await updates.receive_nothing(timeout=0.2)
    await updates.disconnect()


async def test_logging_out_closes_the_sessions_sockets() -> None:
    world = await db(_world)()
    client = await db(_signed_in)(world["operator"])
    other = await db(_signed_in)(world["operator"])  # the same user's other session stays
    updates, _, _ = await _connect("/ws/updates/", client)
    log, _, _ = await _connect(f"/ws/jobs/{world['job'].pk}/", client)
    elsewhere, _, _ = await _connect("/ws/updates/", other)
    await db(client.post)("/logout/")
    assert await _closed_with(updates) == 4401
    assert await _closed_with(log) == 4401
    assert await elsewhere.receive_nothing(timeout=0.3)
    for ws in (updates, log, elsewhere):
        await ws.disconnect()


async def test_removing_a_membership_closes_or_narrows_the_users_sockets() -> None:
    world = await db(_world)()
    await db(customer_services.grant_role)(None, world["operator"], world["b"], "viewer")
    client = await db(_signed_in)(world["operator"])
    log, _, _ = await _connect(f"/ws/jobs/{world['job'].pk}/", client)
    updates, _, _ = await _connect("/ws/updates/", client)
    in_a = await db(Membership.objects.get)(user=world["operator"], customer=world["a"])
    await db(customer_services.revoke_membership)(world["admin"], in_a)
    assert await _closed_with(log) == 4404
    # The updates socket stays, following the customers the user still sees (B only).
    await asyncio.sleep(0.2)
    for customer in (world["a"], world["b"]):
        device = {"id": 1, "customer": customer.pk, "hostname": "x", "status": "up"}
        await broadcasts.send(
            broadcasts.customer_group(customer.pk), {"type": "device.status", "device": device}
        )
    assert (await updates.receive_json_from(timeout=2))["device"]["customer"] == world["b"].pk
    assert await updates.receive_nothing(timeout=0.2)
    for ws in (log, updates):
        await ws.disconnect()


async def test_a_lapsed_session_is_noticed_without_any_broadcast(settings) -> None:  # type: ignore[no-untyped-def]
    settings.WEBNET_WS_RECHECK_SECONDS = 0.2
    world = await db(_world)()
    client = await db(_signed_in)(world["operator"])
    updates, connected, _ = await _connect("/ws/updates/", client)
    assert connected
    key = client.cookies["sessionid"].value
    await db(lambda: Session.objects.filter(session_key=key).delete())()  # expired, cleared
    assert await _closed_with(updates, timeout=3) == 4401
    await updates.disconnect()


async def test_a_new_password_or_an_enrolment_elsewhere_closes_open_sockets() -> None:
    world = await db(_world)()
    password_only = await db(_signed_in)(world["operator"])
    updates, _, _ = await _connect("/ws/updates/", password_only)
    await db(f.enrol_totp)(world["operator"])  # this session never passed the second factor
    assert await _closed_with(updates) == 4401
    await updates.disconnect()
    client = await db(_signed_in)(world["admin"])
    log, _, _ = await _connect(f"/ws/jobs/{world['job'].pk}/", client)
    await db(user_services.set_password)(world["admin"], world["admin"], "n3w-Passw0rd-long")
    assert await _closed_with(log) == 4401
    await log.disconnect()


async def test_an_api_token_is_no_way_into_a_socket() -> None:
    world = await db(_world)()
    _, raw = await db(user_services.create_token)(None, user=world["operator"], name="ci")
    ws = WebsocketCommunicator(
        application, "/ws/updates/", headers=[(b"authorization", f"Bearer {raw}".encode()), ORIGIN]
    )
    assert await ws.connect(timeout=5) == (False, 4401)
    await ws.disconnect()

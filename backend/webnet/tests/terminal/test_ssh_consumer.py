"""The browser terminal over a real WebSocket (ASGI app, session cookie) to lab devices."""

import asyncio

import pytest
from channels.db import database_sync_to_async

from webnet.core import crypto
from webnet.core.models import AuditEvent
from webnet.customers import services as customer_services
from webnet.customers.models import Membership
from webnet.devices.models import SSHHostKey
from webnet.terminal.models import TerminalSession
from webnet.tests import factories as f
from webnet.tests.terminal.conftest import open_terminal

LOGIN_PASSWORD = "login-pw-7731"
ENABLE_SECRET = "en-secret-5521"
OTHER_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"

db = database_sync_to_async


def _set_enable_secret(world, secret: str) -> None:  # type: ignore[no-untyped-def]
    world.credential.enable_secret_encrypted = crypto.encrypt(secret)
    world.credential.save()


def _session(**lookup):  # type: ignore[no-untyped-def]
    return TerminalSession.objects.get(**lookup)


async def _ios_lab(start_lab, secret: str = ENABLE_SECRET):  # type: ignore[no-untyped-def]
    world = await start_lab(
        platforms="cisco_ios", count=2, password=LOGIN_PASSWORD, enable_secret=ENABLE_SECRET
    )
    await db(_set_enable_secret)(world, secret)
    return world


async def test_operator_works_as_in_a_native_client(start_lab) -> None:
    # given an operator and an IOS router of the lab
    world = await _ios_lab(start_lab)
    device = world.devices["R1"]
    term, connected, _ = await open_terminal(device.pk, world.operator, "?cols=100&rows=30")
    assert connected
    # when they log in and work
    await term.expect(r"R1>")
    await term.send("show version\r")
    await term.expect(r"Cisco IOS Software")
    await term.expect(r"--More--")  # longer than a page: the pager stops it
    await term.send(" ")  # next page
    await term.expect(r"R1>")
    await term.send("show ver\x03")  # Ctrl-C abandons the line
    await term.expect(r"R1>")
    await term.send("enable\r")  # the stored enable secret answers the prompt
    await term.expect(r"R1#")
    await term.send("show running-config\r")
    await term.expect(r"--More--")
    await term.send("\r")  # one more line
    await term.expect(r"--More--")
    await term.send("q")
    await term.expect(r"R1#")
    await term.resize(132, 40)
    await term.send("show terminal\r")
    await term.expect(r"Width: 132 columns")
    await term.send("show privx\x7filege\r")  # typo corrected with backspace
    await term.expect(r"privilege level is 15")
    assert len(world.lab.runtime("R1").sessions) == 1
    await term.ws.disconnect()
    # then closing the tab closed the device's session
    for _ in range(50):
        if not world.lab.runtime("R1").sessions:
            break
        await asyncio.sleep(0.05)
    assert not world.lab.runtime("R1").sessions
    # and the session is audited with what was typed, and never a secret
    session = await db(_session)(device=device)
    assert session.ended_at is not None and session.end_reason == "client"
    assert session.bytes_in > 0 and session.bytes_out > session.bytes_in
    typed = [entry["line"] for entry in session.transcript if "line" in entry]
    assert typed[:5] == [
        "show version",
        "^C",
        "enable",
        "(stored enable secret sent)",
        "show running-config",
    ]
    assert "show terminal" in typed and "show privilege" in typed
    assert any(entry.get("masked") for entry in session.transcript)
    output = "".join(entry.get("out", "") for entry in session.transcript)
    assert "Cisco IOS" in output and "privilege level is 15" in output  # the device's side too
    everything = str(session.transcript) + str(
        await db(lambda: list(AuditEvent.objects.values_list("changes", "object_repr")))()
    )
    assert LOGIN_PASSWORD not in everything and ENABLE_SECRET not in everything
    actions = await db(
        lambda: list(AuditEvent.objects.filter(object_id=str(session.pk)).values_list("action"))
    )()
    assert sorted(a for (a,) in actions) == ["terminal_close", "terminal_open"]


async def test_a_secret_typed_at_a_password_prompt_is_masked(start_lab) -> None:
    # given a credential without an enable secret: the user types it
    world = await _ios_lab(start_lab, secret="")
    device = world.devices["R1"]
    term, _, _ = await open_terminal(device.pk, world.operator)
    await term.expect(r"R1>")
    await term.send("enable\r")
    await term.expect(r"Password:")
    await term.send(ENABLE_SECRET + "\r")
    await term.expect(r"R1#")
    await term.send("show clock\r")
    await term.expect(r"R1#")
    await term.ws.disconnect()
    session = await db(_session)(device=device)
    assert [e["line"] for e in session.transcript if "line" in e] == [
        "enable",
        "********",
        "show clock",
    ]
    assert ENABLE_SECRET not in str(session.transcript)


@pytest.mark.parametrize(("who", "code"), [("viewer", 4403), ("outsider", 4404), (None, 4401)])
async def test_viewer_other_customer_and_anonymous_are_refused(start_lab, who, code) -> None:
    world = await _ios_lab(start_lab)
    users = {
        "viewer": lambda: f.MembershipFactory(customer=world.customer, role="viewer").user,
        "outsider": lambda: f.MembershipFactory(role="admin").user,
    }
    user = await db(users[who])() if who else None
    _, connected, closed = await open_terminal(world.devices["R1"].pk, user)
    assert not connected and closed == code
    assert await db(TerminalSession.objects.count)() == 0


async def test_idle_sessions_are_closed_with_a_message(start_lab, settings) -> None:
    settings.WEBNET_TERMINAL_IDLE_SECONDS = 0.6
    world = await _ios_lab(start_lab)
    term, _, _ = await open_terminal(world.devices["R1"].pk, world.operator)
    await term.expect(r"R1>")
    assert await term.until_closed() == 4408
    assert "without input" in term.statuses[-1]["message"]
    session = await db(_session)(device=world.devices["R1"])
    assert session.end_reason == "idle"


async def test_the_device_going_away_closes_the_browser_session(start_lab) -> None:
    world = await _ios_lab(start_lab)
    term, _, _ = await open_terminal(world.devices["R2"].pk, world.operator)
    await term.expect(r"R2>")
    await world.lab.stop()
    assert await term.until_closed() == 4000
    assert term.statuses[-1]["message"] == "The device closed the session."


async def test_sessions_per_user_are_limited(start_lab, settings) -> None:
    settings.WEBNET_TERMINAL_MAX_SESSIONS = 1
    world = await _ios_lab(start_lab)
    first, _, _ = await open_terminal(world.devices["R1"].pk, world.operator)
    await first.expect(r"R1>")
    second, connected, _ = await open_terminal(world.devices["R2"].pk, world.operator)
    assert connected
    assert await second.until_closed() == 4429
    assert "already have 1 terminal session" in second.statuses[-1]["message"]
    await first.ws.disconnect()


async def test_host_key_policy_like_jobs(start_lab) -> None:
    # given TOFU: the first session learns the key
    world = await _ios_lab(start_lab)
    device = world.devices["R1"]
    term, _, _ = await open_terminal(device.pk, world.operator)
    await term.expect(r"R1>")
    await term.ws.disconnect()
    assert await db(SSHHostKey.objects.filter(device=device).count)() == 1

    # when the key on record differs, the session is refused before any credential is sent
    def pin_other_key() -> None:
        SSHHostKey.objects.filter(device=device).update(public_key=OTHER_KEY)

    await db(pin_other_key)()
    term, connected, _ = await open_terminal(device.pk, world.operator)
    assert connected
    assert await term.until_closed() == 4502
    assert "host key mismatch" in term.statuses[-1]["message"]
    # and under a strict policy an unknown device is refused too
    other = world.devices["R2"]

    def strict() -> None:
        world.customer.host_key_policy = "strict"
        world.customer.save()

    await db(strict)()
    term, _, _ = await open_terminal(other.pk, world.operator)
    assert await term.until_closed() == 4502
    assert "no known host key" in term.statuses[-1]["message"]


async def test_an_open_terminal_ends_when_the_role_is_removed(start_lab) -> None:
    # given an operator working on a router
    world = await _ios_lab(start_lab)
    device = world.devices["R1"]
    term, connected, _ = await open_terminal(device.pk, world.operator)
    assert connected
    await term.expect(r"R1>")
    # when an admin removes their membership
    membership = await db(Membership.objects.get)(user=world.operator, customer=world.customer)
    await db(customer_services.revoke_membership)(None, membership)
    # then the terminal closes at once, says why, and the device session ends, audited
    assert await term.until_closed() == 4404
    assert term.statuses[-1]["reason"] == "revoked"
    for _ in range(50):
        if not world.lab.runtime("R1").sessions:
            break
        await asyncio.sleep(0.05)
    assert not world.lab.runtime("R1").sessions
    session = await db(_session)(device=device)
    assert session.ended_at is not None and session.end_reason == "revoked"

"""Each lab fault mode and network failure maps to one stable error code; timeouts per stage."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator

import asyncssh
import pytest

from webnet.drivers import DriverError, Timeouts, open_session

from .labkit import params_for


async def open_error(params) -> DriverError:  # type: ignore[no-untyped-def]
    with pytest.raises(DriverError) as caught:
        async with open_session(params) as session:
            await session.get_running_config()
    return caught.value


async def test_auth_failure(lab):
    err = await open_error(params_for(lab, "R7"))
    assert err.code == "auth_failed"
    assert err.host == lab.device("R7").host


async def test_hang_at_banner_is_a_connect_timeout(lab):
    # given a device that accepts TCP but never sends the SSH banner
    params = params_for(lab, "R8", timeouts=Timeouts(connect=0.3, auth=5, command=5))
    started = time.monotonic()
    err = await open_error(params)
    # then the connect budget, not the auth one, ran out
    assert err.code == "timeout"
    assert err.stage == "connect"
    assert time.monotonic() - started < 2


async def test_hang_after_command_is_a_command_timeout_and_kills_the_session(lab):
    params = params_for(lab, "R9", timeouts=Timeouts(connect=5, auth=5, command=5))
    async with open_session(params) as session:
        with pytest.raises(DriverError) as caught:
            await session.send_command("show version", timeout=0.3)
        assert caught.value.code == "timeout"
        assert caught.value.stage == "command"
        # the stream can no longer be trusted, so the session refuses further commands
        with pytest.raises(DriverError) as again:
            await session.send_command("show clock")
        assert again.value.code == "connection_lost"


async def test_disconnect_mid_output(lab):
    err = await open_error(params_for(lab, "R10"))
    assert err.code == "connection_lost"


async def test_garbage_output_is_a_protocol_error(lab):
    err = await open_error(params_for(lab, "R11"))
    assert err.code == "protocol_error"
    assert err.output  # what came back is kept for diagnosis


async def test_huge_output_is_read_whole(lab):
    async with open_session(params_for(lab, "R12")) as session:
        started = time.process_time()
        config = await session.get_running_config()
        cpu = time.process_time() - started
    assert config.count("\n") > 20000
    assert "\r" not in config
    assert cpu < 5  # includes the in-process lab rendering it


async def test_latency_fits_the_command_budget_or_times_out(lab):
    params = params_for(lab, "R15", timeouts=Timeouts(connect=5, auth=5, command=2))
    async with open_session(params) as session:
        result = await session.send_command("show version")
        assert result.elapsed >= 0.3
        with pytest.raises(DriverError) as caught:
            await session.send_command("show version", timeout=0.1)
    assert caught.value.code == "timeout" and caught.value.stage == "command"


async def test_cancelled_command_retires_the_session(lab):
    # given a slow device and a runner that cancels a command half-way (job cancel)
    async with open_session(params_for(lab, "R15")) as session:
        task = asyncio.create_task(session.send_command("show version"))
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        # then the session refuses further commands instead of reading stale output
        with pytest.raises(DriverError) as caught:
            await session.send_command("show version")
        assert caught.value.code == "connection_lost"


async def test_slow_output_is_read_until_the_prompt(lab):
    async with open_session(params_for(lab, "R16")) as session:
        config = await session.get_running_config()
    assert config.rstrip().endswith("end")


@pytest.mark.filterwarnings("ignore::cryptography.utils.CryptographyDeprecationWarning")
async def test_legacy_algorithms_switch(lab):
    # given a device that only speaks SHA-1 key exchange and ssh-rsa host keys
    # when the modern algorithm set is used, negotiation fails with a hint (if the server's
    # disconnect overtakes its KEXINIT, the client only sees the handshake cut short)
    err = await open_error(params_for(lab, "R13"))
    assert err.code in ("negotiation_failed", "connection_lost")
    assert "legacy_algorithms" in err.message
    # when legacy algorithms are enabled, the same device works
    async with open_session(params_for(lab, "R13", legacy_algorithms=True)) as session:
        assert session.host_key is not None and session.host_key.algorithm == "ssh-rsa"
        assert "hostname R13" in await session.get_running_config()


async def test_connection_refused():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    params = _params("127.0.0.1", port)
    err = await open_error(params)
    assert err.code == "connection_refused"


async def test_unresolvable_host_is_unreachable():
    err = await open_error(_params("no-such-device.invalid", 22))
    assert err.code in ("unreachable", "timeout")
    if err.code == "timeout":  # a resolver that never answers still fails in the connect stage
        assert err.stage == "connect"


async def test_wrong_platform_is_a_protocol_error(lab):
    # given a Junos device opened as IOS: its prompt is not an IOS prompt
    params = params_for(
        lab, "R5", platform="cisco_ios", timeouts=Timeouts(connect=5, auth=0.5, command=5)
    )
    err = await open_error(params)
    assert err.code == "protocol_error"
    assert "@R5>" in err.message  # (the lab password is "admin": redacted)


class _StallingServer(asyncssh.SSHServer):
    """Accepts the key exchange, then never answers the password."""

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return True

    async def validate_password(self, username: str, password: str) -> bool:
        await asyncio.sleep(30)
        return False


@pytest.fixture
async def stalling_server() -> AsyncIterator[int]:
    key = asyncssh.generate_private_key("ssh-ed25519")
    server = await asyncssh.create_server(
        _StallingServer, "127.0.0.1", 0, server_host_keys=[key], login_timeout=60
    )
    yield server.get_port()
    server.close()


async def test_auth_stage_has_its_own_timeout(stalling_server):
    # given a server that completes the key exchange and then stalls authentication
    params = _params("127.0.0.1", stalling_server, Timeouts(connect=5, auth=0.3, command=5))
    started = time.monotonic()
    err = await open_error(params)
    # then the auth budget (not the longer connect one) ran out
    assert err.code == "timeout"
    assert err.stage == "auth"
    assert time.monotonic() - started < 2


def _params(host: str, port: int, timeouts: Timeouts | None = None):  # type: ignore[no-untyped-def]
    from webnet.drivers import ConnectParams

    return ConnectParams(
        host=host,
        port=port,
        platform="cisco_ios",
        username="admin",
        password="admin",
        timeouts=timeouts or Timeouts(connect=2, auth=2, command=2),
    )

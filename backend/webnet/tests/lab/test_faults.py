"""Fault modes the job engine's tests need, observed from a real SSH client (asyncssh)."""

from __future__ import annotations

import asyncio
import time

import asyncssh
import pytest

from webnet.lab import Fleet, LabServer, parse_fault

from .shell import PROMPT, Shell


def fleet_with(*faults: str, count: int = 1, platforms: str = "cisco_nxos") -> Fleet:
    return Fleet.generate(count=count, platforms=platforms, seed=9, faults=list(faults))


async def test_parse_fault_specs():
    f = parse_fault("latency:50+hang_after_command:show run+huge_output:10")
    assert (f.latency_ms, f.hang_after_command, f.huge_output_lines) == (50, "show run", 10)
    assert parse_fault("prompt:root+config_refused").prompt == "root"
    assert parse_fault("config_refused").config_refused == "Command authorization failed."
    with pytest.raises(ValueError):
        parse_fault("melt_down")
    with pytest.raises(ValueError):
        parse_fault("prompt:fancy")


async def test_auth_failure_is_permission_denied():
    async with LabServer(fleet_with("R1=auth_failure")) as lab:
        dev = lab.devices[0]
        with pytest.raises(asyncssh.PermissionDenied):
            await asyncssh.connect(
                dev.host, dev.port, username="admin", password="admin", known_hosts=None
            )


async def test_wrong_password_is_refused():
    async with LabServer(fleet_with()) as lab:
        dev = lab.devices[0]
        with pytest.raises(asyncssh.PermissionDenied):
            await asyncssh.connect(
                dev.host, dev.port, username="admin", password="nope", known_hosts=None
            )


async def test_hang_at_banner_times_out_the_handshake():
    async with LabServer(fleet_with("R1=hang_at_banner")) as lab:
        dev = lab.devices[0]
        with pytest.raises((asyncio.TimeoutError, asyncssh.Error, OSError)):
            await asyncio.wait_for(
                asyncssh.connect(
                    dev.host, dev.port, username="admin", password="admin", known_hosts=None
                ),
                0.5,
            )


async def test_hang_after_command_stops_answering():
    async with LabServer(fleet_with("R1=hang_after_command:show version")) as lab:
        sh = await Shell.open(lab.devices[0])
        assert "Lo0" in await sh.send("show ip interface brief")
        with pytest.raises(asyncio.TimeoutError):
            await sh.send("show version", timeout=0.5)
        await sh.close()


async def test_disconnect_mid_output_drops_the_connection():
    async with LabServer(fleet_with("*=disconnect_mid_output:show interface")) as lab:
        sh = await Shell.open(lab.devices[0])
        await sh.send("terminal length 0")
        with pytest.raises((EOFError, asyncssh.ConnectionLost)):
            await sh.send("show interface")
        partial = sh.buffer
        assert "Ethernet1/1 is" in partial and "Tx pause" not in partial.splitlines()[-1]


async def test_garbage_output_mixes_in_junk():
    async with LabServer(fleet_with("R1=garbage_output")) as lab:
        sh = await Shell.open(lab.devices[0])
        await sh.send("terminal length 0")
        out = await sh.send("show version")
        assert "\x1b[" in out or "\ufffd" in out or "\x00" in out
        await sh.close()


async def test_latency_and_slow_output_take_time():
    async with LabServer(fleet_with("R1=latency:200+slow_output:20000")) as lab:
        sh = await Shell.open(lab.devices[0])
        start = time.monotonic()
        await sh.send("show clock")
        assert time.monotonic() - start >= 0.2
        await sh.send("terminal length 0")
        start = time.monotonic()
        out = await sh.send("show interface", timeout=10)
        assert time.monotonic() - start >= len(out) / 20000 * 0.8
        await sh.close()


async def test_fleet_wide_latency_option():
    async with LabServer(fleet_with(), latency_ms=100) as lab:
        sh = await Shell.open(lab.devices[0])
        start = time.monotonic()
        await sh.send("show clock")
        assert time.monotonic() - start >= 0.1
        await sh.close()


async def test_huge_output_pads_running_config():
    async with LabServer(fleet_with("R1=huge_output:20000")) as lab:
        sh = await Shell.open(lab.devices[0])
        await sh.send("terminal length 0")
        out = await sh.send("show running-config", timeout=20)
        assert out.count("ip host pad-") == 20000
        await sh.close()


async def test_host_key_changes_on_restart_but_fleet_key_is_stable(tmp_path):
    fleet = Fleet.generate(count=2, platforms="cisco_ios", seed=1, faults=["R2=host_key_change"])

    async def keys() -> list[str]:
        async with LabServer(fleet, key_dir=tmp_path) as lab:
            out = []
            for dev in lab.devices:
                conn = await asyncssh.connect(
                    dev.host, dev.port, username="admin", password="admin", known_hosts=None
                )
                out.append(conn.get_server_host_key().export_public_key().decode())
                conn.close()
            return out

    first, second = await keys(), await keys()
    assert first[0] == second[0]  # the fleet key persisted in key_dir
    assert first[1] != second[1]  # host_key_change


@pytest.mark.filterwarnings("ignore::cryptography.utils.CryptographyDeprecationWarning")
async def test_legacy_kex_only_offers_old_algorithms():
    async with LabServer(fleet_with("R1=legacy_kex")) as lab:
        dev = lab.devices[0]
        # a modern-only client cannot agree on key exchange
        with pytest.raises((asyncssh.KeyExchangeFailed, asyncssh.Error)):
            await asyncssh.connect(
                dev.host,
                dev.port,
                username="admin",
                password="admin",
                known_hosts=None,
                kex_algs=["curve25519-sha256"],
            )
        # a client that allows the legacy algorithms gets in
        conn = await asyncssh.connect(
            dev.host,
            dev.port,
            username="admin",
            password="admin",
            known_hosts=None,
            kex_algs=["diffie-hellman-group14-sha1"],
            server_host_key_algs=["ssh-rsa"],
        )
        assert conn.get_extra_info("send_cipher")
        conn.close()


async def test_public_key_auth(tmp_path):
    key = asyncssh.generate_private_key("ssh-ed25519")
    async with LabServer(fleet_with(), authorized_keys=[key.export_public_key().decode()]) as lab:
        dev = lab.devices[0]
        conn = await asyncssh.connect(
            dev.host, dev.port, username="admin", client_keys=[key], known_hosts=None, password=None
        )
        result = await conn.run("show clock", check=True)
        assert "UTC" in result.stdout
        conn.close()


async def test_exec_and_prompt_work_without_pty():
    async with LabServer(fleet_with(platforms="cisco_iosxr")) as lab:
        dev = lab.devices[0]
        sh = await Shell.open(dev, term_type=None)
        out = await sh.send("show version")
        assert "Cisco IOS XR Software" in out and PROMPT.search(out)
        await sh.close()

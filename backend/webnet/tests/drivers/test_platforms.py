"""Every platform against the lab over real SSH: open (with enable), show, backup, configure,
read back, save, rejected lines."""

from __future__ import annotations

import asyncio

import pytest

from webnet.drivers import CommandRejected, open_session

from .labkit import PLATFORMS, params_for

CLEAN = {platform: f"R{i + 1}" for i, platform in enumerate(PLATFORMS)}
VERSION_MARKER = {
    "cisco_ios": "Cisco IOS Software",
    "cisco_iosxe": "Cisco IOS XE Software",
    "cisco_nxos": "Cisco Nexus Operating System",
    "arista_eos": "Arista",
    "juniper_junos": "Junos:",
    "cisco_iosxr": "Cisco IOS XR Software",
}
PROMPTS = {
    "cisco_ios": "R1#",
    "cisco_iosxe": "R2#",
    "cisco_nxos": "R3#",
    "arista_eos": "R4#",
    "juniper_junos": "admin@R5>",
    "cisco_iosxr": "RP/0/RP0/CPU0:R6#",
}


def change_for(platform: str, word: str) -> tuple[list[str], str]:
    """Config lines to push and the line the backup must then contain."""
    if platform == "juniper_junos":
        return [f'set system location building "{word}"'], f'building "{word}"'
    return [f"snmp-server location {word}"], f"snmp-server location {word}"


@pytest.mark.parametrize("platform", PLATFORMS)
async def test_open_show_backup_configure_save(lab, platform):
    # given a clean device of this platform
    params = params_for(lab, CLEAN[platform])
    async with open_session(params) as session:
        # then the session logged in, enabled where needed and learned the prompt
        assert session.prompt == PROMPTS[platform]
        # when it runs show version
        version = await session.send_command("show version")
        # then the output has neither the echo nor the prompt
        assert VERSION_MARKER[platform] in version.output
        assert "show version" not in version.output.splitlines()[0]
        assert PROMPTS[platform] not in version.output
        assert "\r" not in version.output
        assert version.elapsed > 0 and not version.rejected
        # when it backs up, changes, reads back and saves
        before = await session.get_running_config()
        lines, expected = change_for(platform, f"drv-{platform}")
        await session.send_config(lines)
        after = await session.get_running_config()
        saved = await session.save_config()
        # then the backup changed in exactly the way pushed
        assert expected not in before
        assert expected in after
        assert isinstance(saved, str)
        # and the session is back at the exec prompt
        assert session.prompt == PROMPTS[platform]
    if platform in ("cisco_ios", "cisco_iosxe", "cisco_nxos", "arista_eos"):
        startup = lab.server.runtime(CLEAN[platform]).startup.lines()
        assert any(expected in line for line in startup)


@pytest.mark.parametrize("platform", PLATFORMS)
async def test_rejected_config_line_raises_and_leaves_config_mode(lab, platform):
    # given a session on a clean device
    async with open_session(params_for(lab, CLEAN[platform])) as session:
        good, expected = change_for(platform, f"rej-{platform}")
        # when a change has a line the device rejects
        with pytest.raises(CommandRejected) as caught:
            await session.send_config([*good, "bogus-keyword here"])
        # then the error names the line and carries the device's words
        assert caught.value.code == "command_rejected"
        assert caught.value.command == "bogus-keyword here"
        assert caught.value.output
        # and the session is usable again, out of configuration mode
        assert session.prompt == PROMPTS[platform]
        config = await session.get_running_config()
    # and platforms with a candidate configuration discarded the whole change
    if platform in ("juniper_junos", "cisco_iosxr"):
        assert expected not in config
    else:
        assert expected in config


@pytest.mark.parametrize("platform", PLATFORMS)
async def test_rejected_show_command(lab, platform):
    async with open_session(params_for(lab, CLEAN[platform])) as session:
        # when a show command is not understood
        with pytest.raises(CommandRejected):
            await session.send_command("show no-such-thing")
        # then check=False returns it flagged instead
        result = await session.send_command("show no-such-thing", check=False)
        assert result.rejected
        # and the session goes on
        results = await session.send_commands(["show version", "show version"])
        assert [r.rejected for r in results] == [False, False]


async def test_public_key_login(lab, client_key, auth_log):
    # given only a private key (no password)
    private = client_key.export_private_key("openssh").decode()
    params = params_for(lab, "R17", password=None, private_key=private)
    # when the session opens
    async with open_session(params) as session:
        result = await session.send_command("show version")
    # then it authenticated by public key
    assert "Junos" in result.output or "Cisco" in result.output
    assert "publickey" in auth_log.for_host("R17")


async def test_wrong_enable_secret_is_auth_failed_at_enable(lab):
    params = params_for(lab, CLEAN["cisco_ios"], enable_secret="not-the-secret")
    with pytest.raises(Exception) as caught:
        await open_session(params).open()
    assert caught.value.code == "auth_failed"
    assert caught.value.stage == "enable"


async def test_many_sessions_at_once(lab):
    # given every clean device twice over
    hosts = [CLEAN[p] for p in PLATFORMS] * 2

    async def backup(hostname: str) -> str:
        async with open_session(params_for(lab, hostname)) as session:
            return await session.get_running_config()

    # when all back up concurrently on one loop
    configs = await asyncio.gather(*(backup(h) for h in hosts))
    # then each got its own device's configuration
    for hostname, config in zip(hosts, configs, strict=True):
        assert hostname in config


async def test_session_refuses_use_after_close(lab):
    session = await open_session(params_for(lab, CLEAN["arista_eos"])).open()
    await session.close()
    await session.close()  # idempotent
    with pytest.raises(Exception) as caught:
        await session.send_command("show version")
    assert caught.value.code == "connection_lost"


async def test_key_import_error_is_invalid_params(lab):
    params = params_for(lab, "R17", private_key="-----BEGIN NONSENSE-----")
    with pytest.raises(Exception) as caught:
        await open_session(params).open()
    assert caught.value.code == "invalid_params"


def test_every_platform_profile_names_real_templates_and_remediation() -> None:
    """One profile row per platform: its ntc-templates and hier_config names must exist."""
    from hier_config import Platform as HierPlatform
    from ntc_templates.parse import parse_output

    from webnet.devices.platforms import Platform as InventoryPlatform
    from webnet.drivers import PLATFORMS

    assert set(PLATFORMS) == set(InventoryPlatform.values)
    for profile in PLATFORMS.values():
        assert HierPlatform[profile.hier_config_os]
        assert profile.vendor
        assert parse_output(platform=profile.ntc_platform, command="show version", data="") == []

"""Behaviour a network engineer expects: pager, enable, errors, config modes and commits."""

from __future__ import annotations

import asyncio

import pytest

from webnet.lab import Fleet, LabServer

from .shell import PROMPT, Shell


@pytest.fixture
async def small_lab():
    fleet = Fleet.generate(
        count=6,
        platforms="cisco_ios,cisco_nxos,arista_eos,juniper_junos,cisco_iosxr,cisco_iosxe",
        seed=5,
    )
    async with LabServer(fleet, minute_seconds=0.2) as lab:
        yield lab


def dev(lab, platform):
    return next(d for d in lab.devices if d.platform == platform)


async def test_pager_until_terminal_length_0(small_lab):
    # given an enabled IOS session with the default 24-line pager
    sh = await Shell.open(dev(small_lab, "cisco_ios"))
    await sh.enable()
    # when a long output is shown, then it stops at --More--, space pages on, q quits
    first = await sh.send("show interfaces", expect="--More--")
    assert len(first.splitlines()) <= 25
    sh.proc.stdin.write(" ")
    await sh.read_until("--More--")
    sh.proc.stdin.write("q")
    await sh.read_until(PROMPT)
    # when paging is disabled, then the whole output arrives without --More--
    await sh.send("terminal length 0")
    out = await sh.send("show interfaces")
    assert "--More--" not in out and out.count("line protocol") >= 12
    await sh.close()


async def test_junos_pager_and_screen_length(small_lab):
    sh = await Shell.open(dev(small_lab, "juniper_junos"))
    await sh.send("show interfaces", expect=r"---\(more \d+%\)---")
    sh.proc.stdin.write("q")
    await sh.read_until(PROMPT)
    assert "Screen length set to 0" in await sh.send("set cli screen-length 0")
    assert "---(more" not in await sh.send("show interfaces")
    await sh.close()


async def test_enable_needs_the_separate_secret(small_lab):
    sh = await Shell.open(dev(small_lab, "cisco_ios"))
    # when the wrong secret is given, then access stays at user EXEC
    await sh.send("enable", expect="Password:")
    out = await sh.send("wrong")
    assert "% Bad secrets" in out and out.rstrip().endswith(">")
    # and privileged commands are refused with the caret
    out = await sh.send("show running-config")
    assert "% Invalid input detected at '^' marker." in out
    # when the right secret is given, then the prompt becomes #
    assert (await sh.enable()).rstrip().endswith("#")
    await sh.close()


@pytest.mark.parametrize(
    "platform,message",
    [
        ("cisco_ios", "% Invalid input detected at '^' marker."),
        ("cisco_nxos", "% Invalid command at '^' marker."),
        ("arista_eos", "% Invalid input (at token 1: 'bogus')"),
        ("juniper_junos", "syntax error, expecting <command>."),
        ("cisco_iosxr", "% Invalid input detected at '^' marker."),
    ],
)
async def test_unknown_command_gets_the_vendor_error(small_lab, platform, message):
    sh = await Shell.open(dev(small_lab, platform))
    out = await sh.send("show bogus")
    assert message in out
    if "'^'" in message:
        _echo, caret = out.splitlines()[0:2]
        # the caret sits under the first bad character, counting the prompt
        assert caret.index("^") == len(sh_prompt(platform, dev(small_lab, platform))) + 5
    await sh.close()


def sh_prompt(platform, d):
    return {
        "cisco_ios": f"{d.hostname}>",
        "cisco_nxos": f"{d.hostname}#",
        "cisco_iosxr": f"RP/0/RP0/CPU0:{d.hostname}#",
    }[platform]


async def test_ios_config_sections_no_and_write(small_lab):
    d = dev(small_lab, "cisco_ios")
    rt = small_lab.runtime(d.hostname)
    sh = await Shell.open(d)
    await sh.enable()
    await sh.send("terminal length 0")
    assert "(config)#" in await sh.send("conf t")
    assert "(config-if)#" in await sh.send("interface gi0/3")
    await sh.send("description uplink-3")
    await sh.send("no shutdown")
    assert "(config-router)#" in await sh.send("router bgp 65001")
    await sh.send("neighbor 192.0.2.1 remote-as 65002")
    await sh.send("exit")
    await sh.send("no ip domain lookup")
    await sh.send("end")
    out = await sh.send("show running-config | section GigabitEthernet0/3")
    assert " description uplink-3" in out and " shutdown" not in out
    assert "router bgp 65001\n neighbor 192.0.2.1 remote-as 65002" in rt.running.render()
    # when the section is removed with no, then it is gone
    await sh.send("configure terminal")
    await sh.send("no router bgp 65001")
    await sh.send("end")
    assert "router bgp" not in await sh.send("show running-config")
    assert "router bgp" in rt.startup.render() or "router bgp" not in rt.startup.render()
    out = await sh.send("write memory")
    assert "[OK]" in out and rt.startup.render() == rt.running.render()
    await sh.close()


async def test_ios_configure_replace_restores_saved_file(small_lab):
    d = dev(small_lab, "cisco_ios")
    sh = await Shell.open(d)
    await sh.enable()
    await sh.send("copy running-config flash:golden.cfg", expect=r"\?")
    assert "bytes copied" in await sh.send("")
    await sh.send("configure terminal")
    await sh.send("hostname CHANGED")
    await sh.send("end")
    out = await sh.send("configure replace flash:golden.cfg force")
    assert "Rollback Done" in out and out.rstrip().endswith(f"{d.hostname}#")
    await sh.close()


async def test_eos_configure_session_commit_and_abort(small_lab):
    d = dev(small_lab, "arista_eos")
    sh = await Shell.open(d)
    await sh.enable()
    await sh.send("terminal length 0")
    assert "(config-s-s1)#" in await sh.send("configure session s1")
    assert "(config-s-s1-if-Et5)#" in await sh.send("interface Ethernet5")
    await sh.send("description via-session")
    diff = await sh.send("show session-config diffs")
    assert "+   description via-session" in diff
    assert "via-session" not in await sh.send("show running-config")
    await sh.send("commit")
    assert "description via-session" in await sh.send("show running-config")
    await sh.send("configure session s2")
    await sh.send("hostname NOPE")
    await sh.send("abort")
    assert "NOPE" not in await sh.send("show running-config")
    await sh.close()


async def test_iosxr_needs_commit(small_lab):
    d = dev(small_lab, "cisco_iosxr")
    sh = await Shell.open(d)
    await sh.send("terminal length 0")
    await sh.send("configure")
    await sh.send("interface Loopback9")
    await sh.send("description xr-candidate")
    assert "xr-candidate" in await sh.send("show configuration")
    assert "xr-candidate" not in await sh.send("show running-config")
    out = await sh.send("end", expect=r"\[cancel\]:")
    assert "Uncommitted changes found" in out
    await sh.send("no")
    assert "xr-candidate" not in await sh.send("show running-config")
    await sh.send("configure")
    await sh.send("interface Loopback9")
    await sh.send("description xr-committed")
    await sh.send("commit")
    await sh.send("end")
    assert "description xr-committed" in await sh.send("show running-config")
    await sh.close()


async def test_junos_commit_confirmed_rolls_back_unless_confirmed(small_lab):
    # given a Junos device where a "minute" lasts 0.2 s
    d = dev(small_lab, "juniper_junos")
    rt = small_lab.runtime(d.hostname)
    sh = await Shell.open(d)
    await sh.send("configure")
    await sh.send("set system ntp server 198.51.100.1")
    compare = await sh.send("show | compare")
    assert "[edit system ntp]" in compare and "+   server 198.51.100.1;" in compare
    out = await sh.send("commit confirmed 1")
    assert "rolled back in 1 minutes unless confirmed" in out and "commit complete" in out
    assert ("system", "ntp", "server", "198.51.100.1") in rt.running.statements
    # when nobody confirms, then the change is rolled back automatically
    await asyncio.sleep(0.5)
    assert ("system", "ntp", "server", "198.51.100.1") not in rt.running.statements
    # when a confirmed commit is followed by commit, then it stays
    await sh.send("set system ntp server 198.51.100.2")
    await sh.send("commit confirmed 1")
    assert "commit complete" in await sh.send("commit")
    await asyncio.sleep(0.5)
    assert ("system", "ntp", "server", "198.51.100.2") in rt.running.statements
    # and rollback 1 loads the previous configuration into the candidate
    assert "load complete" in await sh.send("rollback 1")
    assert "-   server 198.51.100.2;" in await sh.send("show | compare")
    await sh.send("rollback 0")
    await sh.send("delete system ntp server 198.51.100.2")
    await sh.send("commit")
    assert "198.51.100.2" not in await sh.send("run show configuration system ntp")
    assert "Exiting configuration mode" in await sh.send("exit configuration-mode")
    await sh.close()


async def test_abbreviations_and_pipes(small_lab):
    sh = await Shell.open(dev(small_lab, "cisco_nxos"))
    out = await sh.send("sh ip int br | i Eth")
    assert out.count("Eth") >= 2 and "IP Interface Status" not in out
    out = await sh.send("sh run | count interface")
    assert out.splitlines()[1].strip().isdigit()
    await sh.close()


@pytest.mark.parametrize("platform", ["cisco_iosxr", "cisco_ios"])
async def test_a_negated_line_that_is_no_command_is_rejected(small_lab, platform):
    # given a device in configuration mode, when `no` precedes something that is no command
    # (XR's timestamp turned into a command), then the parser rejects it like a real one
    sh = await Shell.open(dev(small_lab, platform))
    await sh.send("terminal length 0")
    if platform == "cisco_ios":
        await sh.enable()
    await sh.send("configure terminal")
    assert "Invalid input" in await sh.send("no Tue Dec 1 20:16:25.117 UTC")
    await sh.close()


async def test_junos_deleting_a_leaf_keeps_its_named_statement(small_lab):
    # given a community with one leaf
    d = dev(small_lab, "juniper_junos")
    rt = small_lab.runtime(d.hostname)
    sh = await Shell.open(d)
    await sh.send("configure")
    await sh.send("set snmp community public authorization read-only")
    await sh.send("commit")
    # when the leaf is deleted, then the community stays, empty, as on a real device
    await sh.send("delete snmp community public authorization read-only")
    await sh.send("commit")
    assert ("snmp", "community", "public") in rt.running.statements
    # when the statement is deleted, then it is gone
    await sh.send("delete snmp community public")
    await sh.send("commit")
    assert not [s for s in rt.running.statements if s[:2] == ("snmp", "community")]
    await sh.close()

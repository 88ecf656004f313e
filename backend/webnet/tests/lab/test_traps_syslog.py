"""Traps and syslog from the lab: receivers set in the device's CLI (`snmp-server host`,
`logging host`, Junos `trap-group` / `system syslog host`) or lab-wide; linkDown/linkUp when an
interface is shut / unshut, received by Debian's snmptrapd; vendor syslog lines in RFC 3164."""

from __future__ import annotations

import asyncio
import contextlib
import re
from pathlib import Path

import pytest
from pyasn1.codec.ber import decoder
from pysnmp.proto import api

from webnet.lab import Fleet, LabServer
from webnet.lab.configtree import ConfigTree
from webnet.lab.snmp import SnmpOptions
from webnet.lab.snmp.notify import cisco_receivers

from .shell import Shell
from .snmptools import IF_ADMIN, IF_OPER, UDPReceiver, free_udp_port, get, value

LINK_DOWN = ".1.3.6.1.6.3.1.1.5.3"
LINK_UP = ".1.3.6.1.6.3.1.1.5.4"
RFC3164 = re.compile(rb"^<(\d+)>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d (\S+) (.+)$")


@pytest.fixture
async def trapd(tmp_path: Path):
    """Debian's snmptrapd on 127.0.0.1 (any v2c community); yields (port, read_log)."""
    port = free_udp_port()
    conf, log = tmp_path / "snmptrapd.conf", tmp_path / "traps.log"
    conf.write_text("disableAuthorization yes\n")
    args = ["-f", "-C", "-c", str(conf), "-Lf", str(log), "-On", "-m", ""]
    args += [f"--persistentDir={tmp_path}", f"udp:127.0.0.1:{port}"]
    proc = await asyncio.create_subprocess_exec(
        "snmptrapd", *args, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
    )

    def read() -> str:
        return log.read_text() if log.exists() else ""

    async with asyncio.timeout(10):
        while "NET-SNMP version" not in read():
            await asyncio.sleep(0.05)
    yield port, read
    proc.terminate()
    await proc.wait()


async def until(read, pattern: str, timeout: float = 5) -> str:
    async with asyncio.timeout(timeout):
        while pattern not in read():
            await asyncio.sleep(0.05)
    return read()


def decode_trap(data: bytes) -> tuple[str, list[tuple[str, str]]]:
    """An SNMPv2c trap decoded by pysnmp/pyasn1 (a decoder we did not write)."""
    v2c = api.PROTOCOL_MODULES[api.SNMP_VERSION_2C]
    msg, _rest = decoder.decode(data, asn1Spec=v2c.Message())
    pdu = v2c.apiMessage.get_pdu(msg)
    assert pdu.isSameTypeWith(v2c.SNMPv2TrapPDU())
    varbinds = [(str(o), str(v)) for o, v in v2c.apiPDU.get_varbinds(pdu)]
    return str(v2c.apiMessage.get_community(msg)), varbinds


def syslog_fields(line: bytes) -> tuple[int, str, str]:
    m = RFC3164.match(line)
    assert m, line
    return int(m.group(1)), m.group(2).decode(), m.group(3).decode()


@contextlib.asynccontextmanager
async def lab_of(platforms: str, count: int = 2, **snmp):
    fleet = Fleet.generate(count=count, platforms=platforms, seed=3)
    async with LabServer(fleet, snmp=SnmpOptions(**snmp)) as lab:
        yield lab


async def test_ios_cli_receivers_get_link_traps_and_syslog(trapd):
    trap_port, traps = trapd
    syslog, transport, syslog_port = await UDPReceiver.open()
    async with lab_of("cisco_ios") as lab:
        dev = lab.devices[0]
        iface = next(i.name for i in lab.fleet.devices[0].interfaces if i.connected)
        index = lab.agent(dev.hostname).device.ifindex[iface]
        sh = await Shell.open(dev)
        await sh.enable()
        await sh.send("configure terminal")
        await sh.send(f"snmp-server host 127.0.0.1 version 2c labtraps udp-port {trap_port}")
        await sh.send(f"logging host 127.0.0.1 transport udp port {syslog_port}")
        await sh.send(f"interface {iface}")
        await sh.send("shutdown")
        log = await until(traps, LINK_DOWN)
        assert f".1.3.6.1.2.1.2.2.1.1.{index} = INTEGER: {index}" in log
        assert f".1.3.6.1.2.1.2.2.1.7.{index} = INTEGER: 2" in log
        assert f".1.3.6.1.2.1.2.2.1.8.{index} = INTEGER: 2" in log
        lines = await syslog.until(b"LINEPROTO-5-UPDOWN")
        pri, host, msg = syslog_fields(lines[-2])
        assert (pri, host) == (23 * 8 + 5, "R1")
        assert msg == f"%LINK-5-CHANGED: Interface {iface}, changed state to administratively down"
        proto = f"Line protocol on Interface {iface}, changed state to down"
        assert syslog_fields(lines[-1])[2] == f"%LINEPROTO-5-UPDOWN: {proto}"
        await sh.send("no shutdown")
        await sh.send("end")
        lines = await syslog.until(b"SYS-5-CONFIG_I")
        texts = [syslog_fields(line)[2] for line in lines]
        assert f"%LINK-3-UPDOWN: Interface {iface}, changed state to up" in texts
        assert texts[-1] == "%SYS-5-CONFIG_I: Configured from console by admin on vty0 (127.0.0.1)"
        await until(traps, LINK_UP)
        await sh.close()
    transport.close()


async def test_junos_trap_group_and_syslog_host():
    traps, t_transport, trap_port = await UDPReceiver.open()
    syslog, s_transport, syslog_port = await UDPReceiver.open()
    async with lab_of("juniper_junos") as lab:
        dev = lab.devices[0]
        sh = await Shell.open(dev)
        await sh.send("configure")
        for line in (
            "set snmp trap-group noc targets 127.0.0.1",
            f"set snmp trap-group noc destination-port {trap_port}",
            "set system syslog host 127.0.0.1 any any",
            f"set system syslog host 127.0.0.1 port {syslog_port}",
            "set interfaces ge-0/0/0 disable",
        ):
            await sh.send(line)
        await sh.send("commit")
        community, varbinds = decode_trap(await asyncio.wait_for(traps.queue.get(), 5))
        assert community == "noc"
        assert varbinds[1] == ("1.3.6.1.6.3.1.1.4.1.0", "1.3.6.1.6.3.1.1.5.3")
        assert varbinds[2:] == [
            ("1.3.6.1.2.1.2.2.1.1.501", "501"),
            ("1.3.6.1.2.1.2.2.1.7.501", "2"),
            ("1.3.6.1.2.1.2.2.1.8.501", "2"),
        ]
        lines = await syslog.until(b"UI_COMMIT")
        texts = [syslog_fields(line)[2] for line in lines]
        assert texts[0] == (
            "mib2d[1830]: SNMP_TRAP_LINK_DOWN: ifIndex 501, ifAdminStatus down(2), "
            "ifOperStatus down(2), ifName ge-0/0/0"
        )
        assert syslog_fields(lines[0])[0] == 3 * 8 + 4
        assert "UI_COMMIT: User 'admin'" in texts[-1]
        await sh.close()
    t_transport.close()
    s_transport.close()


@pytest.mark.parametrize(
    ("platform", "down_line"),
    [
        (
            "cisco_nxos",
            "%ETHPORT-5-IF_DOWN_ADMIN_DOWN: Interface {} is down (Administratively down)",
        ),
        (
            "arista_eos",
            "Ebra: %LINEPROTO-5-UPDOWN: Line protocol on Interface {}, changed state to down",
        ),
        (
            "cisco_iosxr",
            "ifmgr[257]: %PKT_INFRA-LINK-5-CHANGED : Interface {}, changed state to "
            "Administratively Down",
        ),
    ],
)
async def test_lab_wide_receivers_and_vendor_lines(trapd, platform, down_line):
    trap_port, traps = trapd
    syslog, transport, syslog_port = await UDPReceiver.open()
    receivers = dict(
        trap_receivers=[f"127.0.0.1:{trap_port}"], syslog_receivers=[f"127.0.0.1:{syslog_port}"]
    )
    async with lab_of(platform, **receivers) as lab:
        dev = lab.devices[0]
        iface = next(i.name for i in lab.fleet.devices[0].interfaces if i.connected)
        sh = await Shell.open(dev)
        if platform == "arista_eos":
            await sh.enable()
        await sh.send("configure terminal")
        await sh.send(f"interface {iface}")
        await sh.send("shutdown")
        if platform == "cisco_iosxr":
            await sh.send("commit")
        await until(traps, LINK_DOWN)
        lines = await syslog.until(("R1 " + down_line.format(iface)).encode())
        assert syslog_fields(lines[-1])[1:] == ("R1", down_line.format(iface))
        await sh.close()
        lab.runtime(dev.hostname).reboot()
        lab.agent(dev.hostname).refresh()
        await until(traps, ".1.3.6.1.6.3.1.1.5.1")
    transport.close()


@pytest.mark.parametrize(
    ("platform", "lines", "traps", "syslog"),
    [
        (
            "cisco_ios",
            [
                "snmp-server host 192.0.2.9 traps version 2c s3cret udp-port 1162",
                "logging host 192.0.2.8 transport udp port 5514",
                "logging 192.0.2.7",
            ],
            [("192.0.2.9", 1162, "s3cret")],
            [("192.0.2.8", 5514), ("192.0.2.7", 514)],
        ),
        (
            "arista_eos",
            ["snmp-server host 192.0.2.9 version 2c c1", "logging host 192.0.2.8 5514"],
            [("192.0.2.9", 162, "c1")],
            [("192.0.2.8", 5514)],
        ),
        (
            "cisco_nxos",
            ["logging server 192.0.2.8 5 port 1514 use-vrf management"],
            [],
            [("192.0.2.8", 1514)],
        ),
        (
            "cisco_iosxr",
            ["logging 192.0.2.8 vrf default severity info port 2514"],
            [],
            [("192.0.2.8", 2514)],
        ),
    ],
)
def test_cisco_like_receiver_syntax(platform, lines, traps, syslog):
    tree = ConfigTree.parse("\n".join(["hostname R1", *lines]))
    assert cisco_receivers(tree, platform) == (traps, syslog)


async def test_shutting_one_end_downs_the_far_end_with_its_own_trap_and_syslog():
    syslog, transport, syslog_port = await UDPReceiver.open()
    async with lab_of("cisco_ios", syslog_receivers=[f"127.0.0.1:{syslog_port}"]) as lab:
        (a_host, a_if), (b_host, b_if) = lab.fleet.links[0]
        a, b = lab.device(a_host), lab.device(b_host)
        sh = await Shell.open(a)
        await sh.enable()
        await sh.send("configure terminal")
        await sh.send(f"interface {a_if}")
        await sh.send("shutdown")
        far = f"{b_host} %LINK-3-UPDOWN: Interface {b_if}, changed state to down".encode()
        await syslog.until(far)
        index = lab.agent(b_host).device.ifindex[b_if]
        got = await get(b, f"{IF_OPER}.{index}", f"{IF_ADMIN}.{index}")
        assert (value(got, f"{IF_OPER}.{index}"), value(got, f"{IF_ADMIN}.{index}")) == ("2", "1")
        far_sh = await Shell.open(b)
        await far_sh.send("terminal length 0")
        assert f"{b_if} is down, line protocol is down" in await far_sh.send(
            f"show interfaces {b_if}"
        )
        await sh.send("no shutdown")
        await syslog.until(
            f"{b_host} %LINK-3-UPDOWN: Interface {b_if}, changed state to up".encode()
        )
        await sh.close()
        await far_sh.close()
    transport.close()

"""The lab's SNMP agents seen through Debian's net-snmp tools (v2c and v3 authPriv): values follow
the simulated device, GETBULK keeps the RFC's rules, faults behave as documented."""

from __future__ import annotations

import asyncio
import csv
import io
import time

import pytest
from pysnmp.hlapi.v3arch import asyncio as hl

from webnet.lab import Fleet, LabServer
from webnet.lab.inventory import SNMP_COLUMNS, inventory_csv
from webnet.lab.render.common import lldp_port_id
from webnet.lab.snmp import SnmpOptions

from .conftest import ALL_PLATFORMS
from .snmptools import (
    IF_ADMIN,
    IF_DESCR,
    IF_HC_IN,
    IF_IN_OCTETS,
    IF_NAME,
    IF_OPER,
    SYS_UPTIME,
    V3,
    get,
    run,
    target,
    value,
    walk,
)

ENTERPRISE = {
    "cisco": ".1.3.6.1.4.1.9.",
    "arista": ".1.3.6.1.4.1.30065.",
    "juniper": ".1.3.6.1.4.1.2636.",
}


def lab_with(*faults: str, platforms: str = ",".join(ALL_PLATFORMS), count: int = 6, **opts):
    fleet = Fleet.generate(count=count, platforms=platforms, seed=5, faults=list(faults))
    return LabServer(fleet, snmp=SnmpOptions(**opts))


def first_up(spec) -> str:
    return next(i.name for i in spec.interfaces if i.connected)


async def test_system_group_per_vendor_v2c():
    async with lab_with() as lab:
        for dev in lab.devices:
            got = await get(dev, "1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.2.0", "1.3.6.1.2.1.1.5.0")
            assert value(got, "1.3.6.1.2.1.1.5.0") == f'"{dev.hostname}"'
            assert value(got, "1.3.6.1.2.1.1.2.0").startswith(ENTERPRISE[dev.vendor])
            assert dev.os_version in value(got, "1.3.6.1.2.1.1.1.0")
            uptime = int(value(await get(dev, SYS_UPTIME), SYS_UPTIME))
            assert abs(uptime / 100 - lab.runtime(dev.hostname).uptime_s) < 5


async def test_interface_names_are_the_cli_and_lldp_names():
    async with lab_with() as lab:
        for dev in lab.devices:
            spec = lab.fleet.by_hostname(dev.hostname)
            descr = [v for _t, v in (await walk(dev, IF_DESCR)).values()]
            names = [v for _t, v in (await walk(dev, IF_NAME)).values()]
            for iface in spec.interfaces:
                assert f'"{iface.name}"' in descr
                assert f'"{lldp_port_id(spec, iface.name)}"' in names
            assert f'"{spec.mgmt_if}"' in descr
    assert lldp_port_id(lab.fleet.devices[0], "GigabitEthernet0/1") == "Gi0/1"


async def test_v3_authpriv_get_and_walk_both_hashes():
    async with lab_with(platforms="cisco_ios,juniper_junos", count=2) as lab:
        ios, junos = lab.devices
        got = await get(ios, "1.3.6.1.2.1.1.5.0", version=V3)
        assert value(got, "1.3.6.1.2.1.1.5.0") == '"R1"'
        table = await walk(junos, IF_NAME, version=V3)
        assert '"ge-0/0/0"' in [v for _t, v in table.values()]
        assert all(oid.split(".")[-1].isdigit() and int(oid.split(".")[-1]) > 500 for oid in table)
        wrong = [a if a != "webnet-priv-pass" else "wrong-priv-pass" for a in V3]
        wrong = [a if a != "webnet-auth-pass" else "wrong-auth-pass" for a in wrong]
        code, _out, err = await run("snmpget", *wrong, "-r", "0", target(ios), SYS_UPTIME)
        assert code != 0 and "Authentication failure" in err
    sha256 = dict(auth_protocol="SHA-256")
    async with lab_with(platforms="arista_eos", count=1, **sha256) as lab:
        v3 = [a if a != "SHA" else "SHA-256" for a in V3]
        got = await get(lab.devices[0], "1.3.6.1.2.1.1.5.0", version=v3)
        assert value(got, "1.3.6.1.2.1.1.5.0") == '"R1"'


async def test_getbulk_non_repeaters_repetitions_and_end_of_mib():
    async with lab_with(platforms="cisco_ios", count=1) as lab:
        dev = lab.devices[0]
        args = ["-v2c", "-c", "public", "-On", "-Cn1", "-Cr3", target(dev)]
        code, out, err = await run("snmpbulkget", *args, "1.3.6.1.2.1.1.3", IF_DESCR, IF_NAME)
        lines = out.splitlines()
        assert code == 0, err
        assert lines[0].startswith(".1.3.6.1.2.1.1.3.0 = Timeticks")
        assert [ln.split(" = ")[0] for ln in lines[1:]] == [
            f".{col}.{i}" for i in (1, 2, 3) for col in (IF_DESCR, IF_NAME)
        ]
        code, out, _ = await run(
            "snmpbulkget", *args, "1.3.6.1.2.1.1.3", "1.3.6.1.2.1.31.1.1.1.19.99"
        )
        assert out.splitlines()[1].endswith(
            "No more variables left in this MIB View (It is past the end of the MIB tree)"
        )
        code, out, _ = await run(
            "snmpget", "-v2c", "-c", "public", target(dev), "1.3.6.1.2.1.1.9.0", f"{IF_DESCR}.999"
        )
        assert "No Such Object" in out and "No Such Instance" in out


async def test_inventory_lists_the_agents_after_the_existing_columns():
    async with lab_with(platforms="cisco_ios", count=2) as lab:
        rows = list(csv.reader(io.StringIO(inventory_csv(lab.devices))))
        assert tuple(rows[0][-len(SNMP_COLUMNS) :]) == SNMP_COLUMNS
        assert rows[0][: -len(SNMP_COLUMNS)][:3] == ["hostname", "management_host", "port"]
        assert rows[1][-4:] == ["127.0.0.1", str(lab.devices[0].snmp_port), "public", "webnet"]
    async with LabServer(Fleet.generate(count=1)) as lab:  # no agents: the old header
        assert "snmp_host" not in inventory_csv(lab.devices)


async def test_own_loopback_address_per_device():
    async with lab_with(
        platforms="cisco_ios", count=2, address_base="127.20.0.1", port=16100
    ) as lab:
        a, b = lab.devices
        assert (a.snmp_host, b.snmp_host, a.snmp_port) == ("127.20.0.1", "127.20.0.2", 16100)
        assert value(await get(b, "1.3.6.1.2.1.1.5.0"), "1.3.6.1.2.1.1.5.0") == '"R2"'


async def test_counters_grow_while_up_and_stop_while_shut():
    async with lab_with(platforms="cisco_ios", count=2) as lab:
        dev = lab.devices[0]
        rt = lab.runtime(dev.hostname)
        up = first_up(rt.spec)
        index = lab.agent(dev.hostname).device.ifindex[up]
        oids = [f"{IF_HC_IN}.{index}", f"{IF_IN_OCTETS}.{index}", f"{IF_OPER}.{index}"]
        first = await get(dev, *oids)
        await asyncio.sleep(0.3)
        second = await get(dev, *oids)
        assert int(value(second, oids[0])) > int(value(first, oids[0])) > 0
        assert value(first, oids[2]) == "1"
        rt.running.set_line([f"interface {up}"], "shutdown")
        rt.touch("admin")
        stopped = await get(dev, *oids, f"{IF_ADMIN}.{index}")
        await asyncio.sleep(0.3)
        later = await get(dev, *oids)
        assert value(stopped, oids[2]) == "2" and value(stopped, f"{IF_ADMIN}.{index}") == "2"
        assert value(later, oids[0]) == value(stopped, oids[0])
        assert int(value(stopped, oids[0])) >= int(value(second, oids[0]))


async def test_fault_timeout_slow_and_wrong_community():
    async with lab_with(
        "R1=snmp_timeout", "R2=snmp_slow:600", "R3=snmp_wrong_community", count=3
    ) as lab:
        dead, slow, wrong = lab.devices
        quick = ["-v2c", "-c", "public", "-t", "0.3", "-r", "0"]
        code, _out, err = await run("snmpget", *quick, target(dead), SYS_UPTIME)
        assert code != 0 and "Timeout" in err
        started = time.monotonic()
        await get(slow, SYS_UPTIME)
        assert time.monotonic() - started >= 0.6
        code, _out, err = await run("snmpget", *quick, target(wrong), SYS_UPTIME)
        assert code != 0 and "Timeout" in err
        await get(wrong, SYS_UPTIME, version=["-v2c", "-c", "not-public"])
        code, _out, err = await run("snmpget", *V3, "-r", "0", target(wrong), SYS_UPTIME)
        assert code != 0 and "Authentication failure" in err
        lab.set_faults("R1", "")
        await get(dead, SYS_UPTIME)


async def test_fault_counter_wrap_64_and_32_bit():
    async with lab_with("R1=counter_wrap:1", platforms="cisco_ios", count=2) as lab:
        dev = lab.devices[0]
        rt = lab.runtime(dev.hostname)
        index = lab.agent(dev.hostname).device.ifindex[first_up(rt.spec)]
        oids = [f"{IF_HC_IN}.{index}", f"{IF_IN_OCTETS}.{index}"]
        before = await get(dev, *oids)
        assert int(value(before, oids[0])) > 2**64 - 2**32
        assert int(value(before, oids[1])) > 2**32 - 2**28
        await asyncio.sleep(1.3)
        after = await get(dev, *oids)
        assert int(value(after, oids[0])) < 2**32
        assert int(value(after, oids[1])) < int(value(before, oids[1]))


async def test_fault_reboot_resets_uptime_counters_and_v3_boots():
    async with lab_with(platforms="cisco_ios", count=2) as lab:
        dev = lab.devices[0]
        index = lab.agent(dev.hostname).device.ifindex[first_up(lab.fleet.devices[0])]
        before = await get(dev, SYS_UPTIME, f"{IF_HC_IN}.{index}", version=V3)
        assert int(value(before, SYS_UPTIME)) > 86400 * 100
        lab.set_faults(dev.hostname, "reboot:3600")
        after = await get(dev, SYS_UPTIME, f"{IF_HC_IN}.{index}", version=V3)
        assert int(value(after, SYS_UPTIME)) < 500
        assert int(value(after, f"{IF_HC_IN}.{index}")) < int(value(before, f"{IF_HC_IN}.{index}"))
        assert lab.agent(dev.hostname).device.engine_boots == 2
        assert lab.runtime(dev.hostname).uptime_s < 5


def test_bad_options_are_refused():
    with pytest.raises(ValueError, match="auth protocol"):
        SnmpOptions(auth_protocol="MD5")


async def test_pysnmp_manager_keeps_its_engine_across_a_reboot():
    """A manager that caches the agent's boots/time gets a notInTimeWindows report after the
    reboot, resynchronises and carries on (pysnmp's v3 engine, authPriv SHA/AES)."""
    async with lab_with(platforms="cisco_ios", count=2) as lab:
        dev = lab.devices[0]
        engine = hl.SnmpEngine()
        user = hl.UsmUserData(
            "webnet",
            "webnet-auth-pass",
            "webnet-priv-pass",
            authProtocol=hl.usmHMACSHAAuthProtocol,
            privProtocol=hl.usmAesCfb128Protocol,
        )
        where = await hl.UdpTransportTarget.create((dev.snmp_host, dev.snmp_port), 1, 1)
        uptimes = []
        for _ in range(2):
            err, status, _index, varbinds = await hl.get_cmd(
                engine, user, where, hl.ContextData(), hl.ObjectType(hl.ObjectIdentity(SYS_UPTIME))
            )
            assert err is None and not status
            uptimes.append(int(varbinds[0][1]))
            lab.runtime(dev.hostname).reboot()
        assert uptimes[0] > 86400 * 100 > 500 > uptimes[1]
        assert lab.agent(dev.hostname).usm.stats[2] == 1  # one usmStatsNotInTimeWindows report


async def test_sysname_and_new_interfaces_follow_the_config():
    async with lab_with(platforms="cisco_ios", count=2) as lab:
        dev = lab.devices[0]
        rt = lab.runtime(dev.hostname)
        before = await walk(dev, IF_DESCR)
        rt.running.set_line([], "hostname EDGE-7")
        rt.running.set_line(["interface Loopback99"], "description new")
        rt.touch("admin")
        assert value(await get(dev, "1.3.6.1.2.1.1.5.0"), "1.3.6.1.2.1.1.5.0") == '"EDGE-7"'
        after = await walk(dev, IF_DESCR)
        added = set(after) - set(before)
        assert [after[oid][1] for oid in added] == ['"Loopback99"']
        assert int(next(iter(added)).rsplit(".", 1)[1]) == len(before) + 1

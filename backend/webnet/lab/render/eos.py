"""Show output for Arista EOS, generated from the device's state."""

from __future__ import annotations

import time

from ..devicestate import DeviceRuntime, uptime_text
from ..ifview import IfView, cisco_interfaces
from .common import (
    dotted_mac,
    interface_report,
    ip_only,
    lldp_port_id,
    padding,
    port_description,
    sys_descr,
    traffic,
)


def show_version(rt: DeviceRuntime) -> str:
    s = rt.spec
    mac = dotted_mac(s.base_mac)
    up = uptime_text(rt.uptime_s).rsplit(", ", 1)
    return "\n".join(
        [
            f"Arista {s.model}",
            "Hardware version: 11.02",
            f"Serial number: {s.serial}",
            f"Hardware MAC address: {mac}",
            f"System MAC address: {mac}",
            "",
            f"Software image version: {s.os_version}",
            "Architecture: x86_64",
            f"Internal build version: {s.os_version}-31819749.{s.os_version.replace('.', '')}",
            "Internal build ID: 6aee2b3c-5d9e-4f7a-9b0c-1d2e3f4a5b6c",
            "Image format version: 3.0",
            "Image optimization: Strata-4GB",
            "",
            f"Uptime: {' and '.join(up)}",
            "Total memory: 8099732 kB",
            "Free memory: 6071784 kB",
            "",
        ]
    )


def _state(v: IfView) -> tuple[str, str, str]:
    if not v.admin_up:
        return "administratively down", "down", "disabled"
    if not v.oper_up:
        return "down", "down", "notconnect"
    return "up", "up", "connected"


def _if_block(rt: DeviceRuntime, v: IfView) -> list[str]:
    link, proto, why = _state(v)
    mac = dotted_mac(v.mac)
    loop = v.name.startswith("Loopback")
    lines = [
        f"{v.name} is {link}, line protocol is {proto} ({why})",
        "  Hardware is Loopback"
        if loop
        else f"  Hardware is Ethernet, address is {mac} (bia {mac})",
    ]
    if v.description:
        lines.append(f"  Description: {v.description}")
    if v.ip:
        lines += [f"  Internet address is {v.ip}", "  Broadcast address is 255.255.255.255"]
    else:
        lines.append("  No Internet protocol address assigned")
    if loop:
        return [*lines, "  IP MTU 65535 bytes", f"  Up {uptime_text(rt.uptime_s)}"]
    pin, pout = traffic(rt, v)
    gbps = max(1, v.speed_mbps // 1000)
    return [
        *lines,
        f"  Ethernet MTU 9214 bytes , BW {v.speed_mbps * 1000} kbit",
        f"  Full-duplex, {gbps}Gb/s, auto negotiation: off, uni-link: n/a",
        f"  {'Up' if v.oper_up else 'Down'} {uptime_text(rt.uptime_s)}",
        "  Loopback Mode : None",
        "  2 link status changes since last clear",
        '  Last clearing of "show interface" counters never',
        f"  5 minutes input rate {pin % 997} bps (0.0% with framing overhead), 0 packets/sec",
        f"  5 minutes output rate {pout % 997} bps (0.0% with framing overhead), 0 packets/sec",
        f"     {pin} packets input, {pin * 211} bytes",
        f"     Received {pin // 90} broadcasts, {pin // 40} multicast",
        "     0 runts, 0 giants",
        "     0 input errors, 0 CRC, 0 alignment, 0 symbol, 0 input discards",
        "     0 PAUSE input",
        f"     {pout} packets output, {pout * 197} bytes",
        f"     Sent {pout // 90} broadcasts, {pout // 40} multicast",
        "     0 output errors, 0 collisions",
        "     0 late collision, 0 deferred, 0 output discards",
        "     0 PAUSE output",
    ]


def show_interfaces(rt: DeviceRuntime, only: str | None = None) -> str | None:
    return interface_report(rt, cisco_interfaces(rt), _if_block, only)


def show_ip_int_brief(rt: DeviceRuntime) -> str:
    out = [
        " " * 78 + "Address",
        "Interface         IP Address           Status       Protocol           MTU    Owner  ",
        "----------------- -------------------- ------------ -------------- ---------- -------",
    ]
    for v in cisco_interfaces(rt):
        status = "adminDown" if not v.admin_up else ("up" if v.oper_up else "down")
        proto = "up" if v.oper_up else ("notpresent" if v.admin_up else "down")
        mtu = 65535 if v.name.startswith("Loopback") else v.mtu
        out.append(f"{v.name:<18}{v.ip or 'unassigned':<21}{status:<13}{proto:<15}{mtu:>10}")
    return "\n".join(out) + "\n"


def show_inventory(rt: DeviceRuntime) -> str:
    s = rt.spec
    ports = len(s.interfaces)
    out = [
        "System information",
        "  Model                    Description",
        "  ------------------------ ----------------------------------------------------",
        f"  {s.model:<25}{ports} SFP+ + 4 QSFP100 1RU",
        "",
        "  HW Version  Serial Number  Mfg Date   Epoch",
        "  ----------- -------------- ---------- -----",
        f"  11.02       {s.serial:<15}2021-03-04 01.00",
        "",
        "System has 2 power supply slots",
        "  Slot Model            Serial Number",
        "  ---- ---------------- ----------------",
        f"  1    PWR-500AC-F      EEWT{s.serial[3:]}",
        f"  2    PWR-500AC-F      EEWU{s.serial[3:]}",
        "",
        "System has 2 fan modules",
        "  Module  Number of Fans  Model            Serial Number",
        "  ------- --------------- ---------------- ----------------",
        "  1       1               FAN-7000-F       N/A",
        "  2       1               FAN-7000-F       N/A",
        "",
        f"System has {ports + 1} ports",
        "  Type             Count",
        "  ---------------- ----",
        "  Management       1",
        f"  Switched         {ports}",
        "",
        f"System has {ports} transceiver slots",
        "  Port Manufacturer     Model            Serial Number    Rev",
        "  ---- ---------------- ---------------- ---------------- ----",
    ]
    for n, iface in enumerate(s.interfaces, start=1):
        if iface.connected:
            out.append(f"  {n:<5}Arista Networks  SFP-10G-SR       XCW{s.serial[3:]}{n:02d}  0002")
        else:
            out.append(f"  {n:<5}Not Present")
    return "\n".join(out) + "\n"


def show_clock() -> str:
    st = time.gmtime()
    return (
        f"{time.strftime('%a %b', st)} {st.tm_mday:>2} {time.strftime('%H:%M:%S %Y', st)}\n"
        "Timezone: UTC\nClock source: NTP server (192.0.2.123)\n"
    )


def show_lldp_detail(rt: DeviceRuntime) -> str:
    out: list[str] = []
    by_local = {n.local_if: n for n in rt.spec.neighbors}
    for iface in rt.spec.interfaces:
        n = by_local.get(iface.name)
        out += [f"Interface {iface.name} detected {1 if n else 0} LLDP neighbors:", ""]
        if not n:
            continue
        r = n.device
        chassis = dotted_mac(r.base_mac)
        port = lldp_port_id(r, n.remote_if)
        out += [
            f'  Neighbor {chassis}/"{port}", age 12 seconds',
            "  Discovered 3 days, 1:02:03 ago; Last changed 3 days, 1:02:03 ago",
            "  - Chassis ID type: MAC address (4)",
            f"    Chassis ID     : {chassis}",
            "  - Port ID type: Interface name (5)",
            f'    Port ID     : "{port}"',
            "  - Time To Live: 120 seconds",
            f'  - Port Description: "{port_description(n)}"',
            f'  - System Name: "{r.hostname}"',
            f'  - System Description: "{" ".join(sys_descr(r))}"',
            "  - System Capabilities : Bridge, Router",
            "    Enabled Capabilities: Bridge, Router",
            "  - Management Address Subtype: IPv4",
            f"    Management Address        : {ip_only(r.mgmt_ip)}",
            "    Interface Number Subtype  : ifIndex (2)",
            "    Interface Number          : 999001",
            "    OID String                : ",
            "  - IEEE802.1 Port VLAN ID: 1",
            "  - IEEE802.3 Maximum Frame Size: 9236 bytes",
            "",
        ]
    return "\n".join(out)


def show_lldp(rt: DeviceRuntime) -> str:
    out = [
        "Last table change time   : 3 days, 1:02:03 ago",
        f"Number of table inserts   : {len(rt.spec.neighbors)}",
        "Number of table deletes   : 0",
        "Number of table drops     : 0",
        "Number of table age-outs  : 0",
        "",
        "Port          Neighbor Device ID       Neighbor Port ID    TTL",
        "------------- ------------------------ ------------------- ---",
    ]
    for n in rt.spec.neighbors:
        out.append(
            f"{n.local_if:<14}{n.device.hostname:<25}{lldp_port_id(n.device, n.remote_if):<20}120"
        )
    return "\n".join(out) + "\n"


def running_config(rt: DeviceRuntime, tree=None) -> str:
    tree = tree or rt.running
    s = rt.spec
    head = [
        "! Command: show running-config",
        f"! device: {rt.hostname} ({s.model}, EOS-{s.os_version})",
        "!",
        f"! boot system flash:/EOS-{s.os_version}.swi",
        "!",
    ]
    return "\n".join(head + tree.lines() + padding(s) + ["!", "end"]) + "\n"

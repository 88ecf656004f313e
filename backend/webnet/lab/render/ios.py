"""Show output for Cisco IOS and IOS-XE, generated from the device's state."""

from __future__ import annotations

from ..devicestate import DeviceRuntime, uptime_text
from ..ifview import IfView, cisco_interfaces
from ..platforms import short_ifname
from .common import (
    cdp_platform,
    cisco_change_stamp,
    cisco_clock,
    compiled_stamp,
    dotted_mac,
    ios_version_line,
    ip_only,
    lldp_caps,
    sys_descr,
)


def show_version(rt: DeviceRuntime) -> str:
    s = rt.spec
    xe = s.platform == "cisco_iosxe"
    phys = sum(1 for i in cisco_interfaces(rt) if i.physical)
    lines = []
    if xe:
        lines.append(f"Cisco IOS XE Software, Version {s.os_version}")
    lines += [
        ios_version_line(s),
        "Technical Support: http://www.cisco.com/techsupport",
        "Copyright (c) 1986-2023 by Cisco Systems, Inc.",
        f"Compiled {compiled_stamp(s.os_version)} by prod_rel_team",
        "",
        "",
        "ROM: IOS-XE ROMMON" if xe else "ROM: Bootstrap program is IOSv",
        "",
        f"{rt.hostname} uptime is {uptime_text(rt.uptime_s)}",
    ]
    if xe:
        lines.append(f"Uptime for this control processor is {uptime_text(rt.uptime_s)}")
    image = (
        f"bootflash:isr4400-universalk9.{s.os_version}.SPA.bin"
        if xe
        else "flash0:/vios-adventerprisek9-m"
    )
    lines += [
        "System returned to ROM by reload",
        f'System image file is "{image}"',
        "Last reload reason: Reload Command",
        "",
        "",
        "This product contains cryptographic features and is subject to United",
        "States and local country laws governing import, export, transfer and",
        "use. Delivery of Cisco cryptographic products does not imply",
        "third-party authority to import, export, distribute or use encryption.",
        "",
        f"cisco {s.model} ({'2RU' if xe else 'revision 1.0'}) processor with "
        "1795979K/6147K bytes of memory.",
        f"Processor board ID {s.serial}",
        f"{phys} Gigabit Ethernet interfaces",
        "32768K bytes of non-volatile configuration memory.",
        "8388608K bytes of physical memory.",
        "",
        f"Configuration register is {'0x2102' if xe else '0x0'}",
        "",
    ]
    return "\n".join(lines)


def _if_block(rt: DeviceRuntime, v: IfView) -> list[str]:
    status = "up" if v.oper_up else ("administratively down" if not v.admin_up else "down")
    proto = "up" if v.oper_up else "down"
    mac = dotted_mac(v.mac)
    loop = v.name.startswith("Loopback")
    lines = [f"{v.name} is {status}, line protocol is {proto} "]
    lines.append(
        "  Hardware is Loopback" if loop else f"  Hardware is iGbE, address is {mac} (bia {mac})"
    )
    if v.description:
        lines.append(f"  Description: {v.description}")
    if v.ip:
        lines.append(f"  Internet address is {v.ip}")
    bw = 8000000 if loop else v.speed_mbps * 1000
    lines += [
        f"  MTU {1514 if loop else v.mtu} bytes, BW {bw} Kbit/sec, "
        f"DLY {5000 if loop else 10} usec, ",
        "     reliability 255/255, txload 1/255, rxload 1/255",
        "  Encapsulation LOOPBACK, loopback not set"
        if loop
        else "  Encapsulation ARPA, loopback not set",
        "  Keepalive set (10 sec)",
    ]
    if not loop:
        lines += [
            f"  Full Duplex, {v.speed_mbps}Mbps, link type is auto, media type is RJ45",
            "  output flow-control is unsupported, input flow-control is unsupported",
            "  ARP type: ARPA, ARP Timeout 04:00:00",
        ]
    pin = rt.counter(v.name + "in") if v.oper_up else 0
    pout = rt.counter(v.name + "out") if v.oper_up else 0
    rate = 1000 * (pin % 97) if v.oper_up else 0
    lines += [
        "  Last input 00:00:01, output 00:00:00, output hang never",
        '  Last clearing of "show interface" counters never',
        "  Input queue: 0/75/0/0 (size/max/drops/flushes); Total output drops: 0",
        "  Queueing strategy: fifo",
        "  Output queue: 0/40 (size/max)",
        f"  5 minute input rate {rate} bits/sec, {rate // 800} packets/sec",
        f"  5 minute output rate {rate} bits/sec, {rate // 800} packets/sec",
        f"     {pin} packets input, {pin * 211} bytes, 0 no buffer",
        f"     Received {pin // 50} broadcasts (0 IP multicasts)",
        "     0 runts, 0 giants, 0 throttles ",
        "     0 input errors, 0 CRC, 0 frame, 0 overrun, 0 ignored",
        "     0 watchdog, 0 multicast, 0 pause input",
        f"     {pout} packets output, {pout * 197} bytes, 0 underruns",
        "     0 output errors, 0 collisions, 1 interface resets",
        "     0 unknown protocol drops",
        "     0 babbles, 0 late collision, 0 deferred",
        "     0 lost carrier, 0 no carrier, 0 pause output",
        "     0 output buffer failures, 0 output buffers swapped out",
    ]
    return lines


def show_interfaces(rt: DeviceRuntime, only: str | None = None) -> str | None:
    views = cisco_interfaces(rt)
    if only:
        views = [v for v in views if v.name.lower() == only.lower()]
        if not views:
            return None
    out: list[str] = []
    for v in views:
        out += _if_block(rt, v)
    return "\n".join(out) + "\n"


def show_ip_int_brief(rt: DeviceRuntime) -> str:
    out = [f"{'Interface':<23}{'IP-Address':<16}OK? Method {'Status':<22}Protocol"]
    for v in cisco_interfaces(rt):
        status = "up" if v.oper_up else ("administratively down" if not v.admin_up else "down")
        out.append(
            f"{v.name:<23}{v.address or 'unassigned':<16}YES "
            f"{'NVRAM' if v.ip else 'unset':<7}{status:<22}{'up' if v.oper_up else 'down'}"
        )
    return "\n".join(out) + "\n"


def show_inventory(rt: DeviceRuntime) -> str:
    s = rt.spec
    rows = [
        ("Chassis", f"Cisco {s.model} Chassis", s.model, "V04", s.serial),
        (
            "Power Supply Module 0",
            "250W AC Power Supply",
            "PWR-4450-AC",
            "V02",
            "PST" + s.serial[3:],
        ),
        ("Fan Tray", "Cisco ISR Fan Tray", "ACS-4450-FANASSY", "", ""),
        ("module 0", f"Cisco {s.model} Built-In NIM controller", s.model, "", ""),
        (
            "NIM subslot 0/0",
            "Front Panel 4 ports Gigabitethernet Module",
            "ISR4451-X-4x1GE",
            "V01",
            "JAE" + s.serial[3:],
        ),
    ]
    out = []
    for name, descr, pid, vid, sn in rows:
        out += [f'NAME: "{name}", DESCR: "{descr}"', f"PID: {pid:<18}, VID: {vid:<4}, SN: {sn}", ""]
    return "\n".join(out) + "\n"


def show_clock() -> str:
    return cisco_clock() + "\n"


def show_lldp_detail(rt: DeviceRuntime) -> str:
    out = ["------------------------------------------------"]
    for n in rt.spec.neighbors:
        r = n.device
        rif = r.interface(n.remote_if)
        out += [
            f"Local Intf: {short_ifname(n.local_if, rt.spec.platform)}",
            f"Chassis id: {dotted_mac(r.base_mac)}",
            f"Port id: {short_ifname(n.remote_if, r.platform)}",
            f"Port Description: {rif.description if rif else n.remote_if}",
            f"System Name: {r.hostname}",
            "",
            "System Description: ",
            *sys_descr(r),
            "",
            "Time remaining: 101 seconds",
            "System Capabilities: B,R",
            f"Enabled Capabilities: {lldp_caps(r)}",
            "Management Addresses:",
            f"    IP: {ip_only(r.mgmt_ip)}",
            "Auto Negotiation - not supported",
            "Physical media capabilities - not advertised",
            "Media Attachment Unit type - not advertised",
            "Vlan ID: - not advertised",
            "",
            "------------------------------------------------",
        ]
    out += ["", f"Total entries displayed: {len(rt.spec.neighbors)}", ""]
    return "\n".join(out)


def show_lldp(rt: DeviceRuntime) -> str:
    out = [
        "Capability codes:",
        "    (R) Router, (B) Bridge, (T) Telephone, (C) DOCSIS Cable Device",
        "    (W) WLAN Access Point, (P) Repeater, (S) Station, (O) Other",
        "",
        f"{'Device ID':<21}{'Local Intf':<15}{'Hold-time':<11}{'Capability':<15}Port ID",
    ]
    for n in rt.spec.neighbors:
        out.append(
            f"{n.device.hostname[:20]:<21}"
            f"{short_ifname(n.local_if, rt.spec.platform):<15}{'120':<11}"
            f"{lldp_caps(n.device):<15}{short_ifname(n.remote_if, n.device.platform)}"
        )
    out += ["", f"Total entries displayed: {len(rt.spec.neighbors)}", ""]
    return "\n".join(out)


def cdp_neighbors(rt: DeviceRuntime):
    return [n for n in rt.spec.neighbors if n.device.vendor == "cisco"]


def show_cdp_detail(rt: DeviceRuntime) -> str:
    out: list[str] = []
    for n in cdp_neighbors(rt):
        r = n.device
        platform, caps = cdp_platform(r)
        out += [
            "-------------------------",
            f"Device ID: {r.hostname}",
            "Entry address(es): ",
            f"  IP address: {ip_only(r.mgmt_ip)}",
            f"Platform: {platform},  Capabilities: {caps} ",
            f"Interface: {n.local_if},  Port ID (outgoing port): {n.remote_if}",
            "Holdtime : 137 sec",
            "",
            "Version :",
            *sys_descr(r),
            "",
            "advertisement version: 2",
            "Management address(es): ",
            f"  IP address: {ip_only(r.mgmt_ip)}",
            "",
        ]
    out.append("")
    out.append(f"Total cdp entries displayed : {len(cdp_neighbors(rt))}")
    return "\n".join(out) + "\n"


def show_cdp(rt: DeviceRuntime) -> str:
    out = [
        "Capability Codes: R - Router, T - Trans Bridge, B - Source Route Bridge",
        "                  S - Switch, H - Host, I - IGMP, r - Repeater, P - Phone, ",
        "                  D - Remote, C - CVTA, M - Two-port Mac Relay ",
        "",
        "Device ID        Local Intrfce     Holdtme    Capability  Platform  Port ID",
    ]
    for n in cdp_neighbors(rt):
        out.append(
            f"{n.device.hostname:<17}{short_ifname(n.local_if, rt.spec.platform):<18}"
            f"{'137':<11}{'R B':<12}{n.device.model[:9]:<10}"
            f"{short_ifname(n.remote_if, n.device.platform)}"
        )
    out += ["", f"Total cdp entries displayed : {len(cdp_neighbors(rt))}"]
    return "\n".join(out) + "\n"


def running_config(rt: DeviceRuntime, tree=None, startup: bool = False) -> str:
    tree = tree or rt.running
    body = [
        "!",
        f"! Last configuration change at {cisco_change_stamp(rt.last_change)} by "
        f"{rt.last_change_user}",
        "!",
        *tree.lines(),
        *_padding(rt),
        "!",
        "end",
    ]
    text = "\n".join(body) + "\n"
    if startup:
        return f"Using {len(text)} out of 262144 bytes\n" + text
    return f"Building configuration...\n\nCurrent configuration : {len(text)} bytes\n" + text


def _padding(rt: DeviceRuntime) -> list[str]:
    n = rt.spec.faults.huge_output_lines
    return [f"ip host pad-{i} 198.18.{i // 250 % 250}.{i % 250 + 1}" for i in range(n)]

"""Show output for Cisco IOS and IOS-XE, generated from the device's state."""

from __future__ import annotations

from ..devicestate import DeviceRuntime, uptime_text
from ..ifview import IfView, cisco_interfaces
from ..platforms import short_ifname
from .common import (
    cdp_neighbors,
    cdp_platform,
    cisco_change_stamp,
    cisco_clock,
    compiled_stamp,
    dotted_mac,
    interface_report,
    inventory_text,
    ios_version_line,
    ip_only,
    lldp_caps,
    lldp_total,
    padding,
    port_description,
    sys_descr,
    traffic,
)

INVENTORY_ENTRY = 'NAME: "{0}", DESCR: "{1}"\nPID: {2:<18}, VID: {3:<4}, SN: {4}\n'


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


def _status(v: IfView) -> str:
    return "up" if v.oper_up else ("administratively down" if not v.admin_up else "down")


def _if_block(rt: DeviceRuntime, v: IfView) -> list[str]:
    status = _status(v)
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
    pin, pout = traffic(rt, v)
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
    return interface_report(rt, cisco_interfaces(rt), _if_block, only)


def show_ip_int_brief(rt: DeviceRuntime) -> str:
    out = [f"{'Interface':<23}{'IP-Address':<16}OK? Method {'Status':<22}Protocol"]
    for v in cisco_interfaces(rt):
        out.append(
            f"{v.name:<23}{v.address or 'unassigned':<16}YES "
            f"{'NVRAM' if v.ip else 'unset':<7}{_status(v):<22}{'up' if v.oper_up else 'down'}"
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
    return inventory_text(rows, INVENTORY_ENTRY) + "\n"


def show_clock() -> str:
    return cisco_clock() + "\n"


def show_lldp_detail(rt: DeviceRuntime) -> str:
    out = ["------------------------------------------------"]
    for n in rt.spec.neighbors:
        r = n.device
        out += [
            f"Local Intf: {short_ifname(n.local_if, rt.spec.platform)}",
            f"Chassis id: {dotted_mac(r.base_mac)}",
            f"Port id: {short_ifname(n.remote_if, r.platform)}",
            f"Port Description: {port_description(n)}",
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
    out += lldp_total(rt.spec)
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
    out += lldp_total(rt.spec)
    return "\n".join(out)


def show_cdp_detail(rt: DeviceRuntime) -> str:
    out: list[str] = []
    for n in cdp_neighbors(rt.spec):
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
    out.append(f"Total cdp entries displayed : {len(cdp_neighbors(rt.spec))}")
    return "\n".join(out) + "\n"


def show_cdp(rt: DeviceRuntime) -> str:
    out = [
        "Capability Codes: R - Router, T - Trans Bridge, B - Source Route Bridge",
        "                  S - Switch, H - Host, I - IGMP, r - Repeater, P - Phone, ",
        "                  D - Remote, C - CVTA, M - Two-port Mac Relay ",
        "",
        "Device ID        Local Intrfce     Holdtme    Capability  Platform  Port ID",
    ]
    for n in cdp_neighbors(rt.spec):
        out.append(
            f"{n.device.hostname:<17}{short_ifname(n.local_if, rt.spec.platform):<18}"
            f"{'137':<11}{'R B':<12}{n.device.model[:9]:<10}"
            f"{short_ifname(n.remote_if, n.device.platform)}"
        )
    out += ["", f"Total cdp entries displayed : {len(cdp_neighbors(rt.spec))}"]
    return "\n".join(out) + "\n"


def running_config(rt: DeviceRuntime, tree=None, startup: bool = False) -> str:
    tree = tree or rt.running
    body = [
        "!",
        f"! Last configuration change at {cisco_change_stamp(rt.last_change)} by "
        f"{rt.last_change_user}",
        "!",
        *tree.lines(),
        *padding(rt.spec),
        "!",
        "end",
    ]
    text = "\n".join(body) + "\n"
    if startup:
        return f"Using {len(text)} out of 262144 bytes\n" + text
    return f"Building configuration...\n\nCurrent configuration : {len(text)} bytes\n" + text

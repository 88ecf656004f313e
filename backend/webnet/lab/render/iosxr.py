"""Show output for Cisco IOS-XR, generated from the device's state."""

from __future__ import annotations

import time

from ..devicestate import DeviceRuntime, uptime_text
from ..ifview import IfView, cisco_interfaces
from .common import (
    cdp_neighbors,
    cdp_platform,
    ctime_stamp,
    dotted_mac,
    interface_report,
    inventory_text,
    ip_only,
    lldp_port_id,
    lldp_total,
    padding,
    port_description,
    sys_descr,
    traffic,
)

INVENTORY_ENTRY = 'NAME: "{0}", DESCR: "{1}"\nPID: {2:<18}, VID: {3}, SN: {4}\n'


def stamp() -> str:
    """XR prints the time above every show command's output."""
    t = time.time()
    st = time.gmtime(t)
    return (
        f"{time.strftime('%a %b', st)} {st.tm_mday:>2} {time.strftime('%H:%M:%S', st)}."
        f"{int((t % 1) * 1000):03d} UTC"
    )


def interfaces(rt: DeviceRuntime) -> list[IfView]:
    return cisco_interfaces(rt, addr_key="ipv4 address")


def show_version(rt: DeviceRuntime) -> str:
    s = rt.spec
    return "\n".join(
        [
            f"Cisco IOS XR Software, Version {s.os_version}",
            "Copyright (c) 2013-2023 by Cisco Systems, Inc.",
            "",
            "Build Information:",
            " Built By     : ingunawa",
            " Built On     : Wed Oct 13 20:00:00 PDT 2021",
            " Built Host   : iox-ucs-017",
            f" Workspace    : /auto/srcarchive17/prod/{s.os_version}/asr9k-x64/ws",
            f" Version      : {s.os_version}",
            " Location     : /opt/cisco/XR/packages/",
            f" Label        : {s.os_version}",
            "",
            f"cisco {s.model.replace('-', '')} () processor",
            f"System uptime is {uptime_text(rt.uptime_s).replace(',', '')}",
            "",
        ]
    )


def _if_block(rt: DeviceRuntime, v: IfView) -> list[str]:
    if not v.admin_up:
        head = f"{v.name} is administratively down, line protocol is administratively down "
    else:
        head = (
            f"{v.name} is {'up' if v.oper_up else 'down'}, line protocol is "
            f"{'up' if v.oper_up else 'down'} "
        )
    mac = dotted_mac(v.mac)
    loop = v.name.startswith("Loopback")
    lines = [
        head,
        "  Interface state transitions: 1",
        "  Hardware is Loopback interface(s)"
        if loop
        else f"  Hardware is GigabitEthernet, address is {mac} (bia {mac})",
    ]
    if v.description:
        lines.append(f"  Description: {v.description}")
    lines.append(f"  Internet address is {v.ip or 'Unknown'}")
    if loop:
        return [
            *lines,
            "  MTU 1500 bytes, BW 0 Kbit",
            "     reliability Unknown, txload Unknown, rxload Unknown",
            "  Encapsulation Loopback,  loopback not set,",
            "  Last link flapped 1w2d",
            "  Last input Unknown, output Unknown",
            '  Last clearing of "show interface" counters Unknown',
            "",
        ]
    pin, pout = traffic(rt, v)
    return [
        *lines,
        f"  MTU 1514 bytes, BW {v.speed_mbps * 1000} Kbit (Max: {v.speed_mbps * 1000} Kbit)",
        "     reliability 255/255, txload 0/255, rxload 0/255",
        "  Encapsulation ARPA,",
        f"  Full-duplex, {v.speed_mbps}Mb/s, link type is force-up",
        "  output flow control is off, input flow control is off",
        "  Carrier delay (up) is 10 msec",
        "  loopback not set,",
        "  Last link flapped 1w2d",
        "  ARP type ARPA, ARP timeout 04:00:00",
        "  Last input 00:00:00, output 00:00:00",
        '  Last clearing of "show interface" counters never',
        f"  5 minute input rate {pin % 997} bits/sec, 0 packets/sec",
        f"  5 minute output rate {pout % 997} bits/sec, 0 packets/sec",
        f"     {pin} packets input, {pin * 211} bytes, 0 total input drops",
        "     0 drops for unrecognized upper-level protocol",
        f"     Received {pin // 90} broadcast packets, {pin // 40} multicast packets",
        "              0 runts, 0 giants, 0 throttles, 0 parity",
        "     0 input errors, 0 CRC, 0 frame, 0 overrun, 0 ignored, 0 abort",
        f"     {pout} packets output, {pout * 197} bytes, 0 total output drops",
        f"     Output {pout // 90} broadcast packets, {pout // 40} multicast packets",
        "     0 output errors, 0 underruns, 0 applique, 0 resets",
        "     0 output buffer failures, 0 output buffers swapped out",
        "     1 carrier transitions",
        "",
    ]


def show_interfaces(rt: DeviceRuntime, only: str | None = None) -> str | None:
    return interface_report(rt, interfaces(rt), _if_block, only, tail="")


def show_ip_int_brief(rt: DeviceRuntime) -> str:
    out = ["", f"{'Interface':<31}{'IP-Address':<16}{'Status':<16}{'Protocol':<9}Vrf-Name"]
    for v in interfaces(rt):
        status = "Shutdown" if not v.admin_up else ("Up" if v.oper_up else "Down")
        out.append(
            f"{v.name:<31}{v.address or 'unassigned':<16}{status:<16}"
            f"{'Up' if v.oper_up else 'Down':<9}default "
        )
    return "\n".join(out) + "\n"


def show_inventory(rt: DeviceRuntime) -> str:
    s = rt.spec
    rows = [
        ("Rack 0", f"{s.model} AC Chassis", s.model, "V01", s.serial),
        (
            "0/RSP0/CPU0",
            "Route Switch Processor with 16GB memory",
            "A9K-RSP880-SE",
            "V03",
            "FOC" + s.serial[3:9] + "RSP",
        ),
        ("0/0/CPU0", "Line card 20x10GE", "A9K-20X10GE", "V02", "FOC" + s.serial[3:9] + "LC0"),
        ("0/PT0-PM0", "Power Module", "PWR-2KW-AC-V2", "V02", "POG" + s.serial[3:]),
        ("0/FT0", "Fan Tray", "ASR-9901-FAN", "V01", "FOX" + s.serial[3:]),
    ]
    return inventory_text(rows, INVENTORY_ENTRY)


def show_lldp_detail(rt: DeviceRuntime) -> str:
    out = [
        "Capability codes:",
        "        (R) Router, (B) Bridge, (T) Telephone, (C) DOCSIS Cable Device",
        "        (W) WLAN Access Point, (P) Repeater, (S) Station, (O) Other",
        "",
    ]
    for n in rt.spec.neighbors:
        r = n.device
        out += [
            "------------------------------------------------",
            f"Local Interface: {n.local_if}",
            f"Chassis id: {dotted_mac(r.base_mac)}",
            f"Port id: {lldp_port_id(r, n.remote_if)}",
            f"Port Description: {port_description(n)}",
            f"System Name: {r.hostname}",
            "",
            "System Description: ",
            *sys_descr(r),
            "",
            "Time remaining: 102 seconds",
            "Hold Time: 120 seconds",
            "System Capabilities: R",
            "Enabled Capabilities: R",
            "Management Addresses:",
            f"  IPv4 address: {ip_only(r.mgmt_ip)}",
            "",
        ]
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
            f"SysName : {r.hostname}",
            "Entry address(es): ",
            f"  IPv4 address: {ip_only(r.mgmt_ip)}",
            f"Platform: {platform},  Capabilities: {caps}",
            f"Interface: {n.local_if}",
            f"Port ID (outgoing port): {n.remote_if}",
            "Holdtime : 170 sec",
            "",
            "Version :",
            sys_descr(r)[0],
            "",
            "advertisement version: 2",
            "Duplex: full",
            "",
        ]
    return "\n".join(out)


def running_config(rt: DeviceRuntime, tree=None) -> str:
    tree = tree or rt.running
    head = [
        "Building configuration...",
        f"!! IOS XR Configuration {rt.spec.os_version}",
        f"!! Last configuration change at {ctime_stamp(rt.last_change)} by {rt.last_change_user}",
        "!",
    ]
    pad = padding(rt.spec, "domain ipv4 host")
    return "\n".join(head + tree.lines() + pad + ["end"]) + "\n"

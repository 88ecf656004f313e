"""Show output for Cisco NX-OS, generated from the device's state."""

from __future__ import annotations

from ..devicestate import DeviceRuntime
from ..ifview import IfView, cisco_interfaces
from ..platforms import short_ifname
from .common import (
    cdp_neighbors,
    cdp_platform,
    ctime_stamp,
    days_hms,
    dotted_mac,
    interface_report,
    inventory_text,
    ip_only,
    lldp_port_id,
    lldp_total,
    nxos_clock,
    padding,
    port_description,
    sys_descr,
    traffic,
)

INVENTORY_ENTRY = 'NAME: "{0}",  DESCR: "{1}"\nPID: {2:<20},  VID: {3:<4},  SN: {4}\n'


def _chassis(model: str) -> str:
    family, _, rest = model.partition("-")
    return f"Nexus{family[1]}000 {rest}"


def show_version(rt: DeviceRuntime) -> str:
    s = rt.spec
    boot = ctime_stamp(rt.boot_time)
    image = "nxos." + s.os_version.replace("(", ".").replace(")", "") + ".bin"
    return "\n".join(
        [
            "Cisco Nexus Operating System (NX-OS) Software",
            "TAC support: http://www.cisco.com/tac",
            "Copyright (C) 2002-2023, Cisco and/or its affiliates.",
            "All rights reserved.",
            "The copyrights to certain works contained in this software are",
            "owned by other third parties and used and distributed under their own",
            "licenses, such as open source.",
            "",
            "Software",
            "  BIOS: version 05.45",
            f"  NXOS: version {s.os_version}",
            "  BIOS compile time:  05/17/2021",
            f"  NXOS image file is: bootflash:///{image}",
            "  NXOS compile time:  12/1/2022 12:00:00 [12/13/2022 03:25:06]",
            "",
            "",
            "Hardware",
            f"  cisco {_chassis(s.model)} Chassis",
            "  Intel(R) Xeon(R) CPU D-1528 @ 1.90GHz with 24569356 kB of memory.",
            f"  Processor Board ID {s.serial}",
            "",
            f"  Device name: {rt.hostname}",
            "  bootflash:   53298520 kB",
            f"Kernel uptime is {days_hms(rt.uptime_s)}",
            "",
            f"Last reset at 415263 usecs after {boot}",
            "  Reason: Reset Requested by CLI command reload",
            f"  System version: {s.os_version}",
            "  Service: ",
            "",
            "plugin",
            "  Core Plugin, Ethernet Plugin",
            "",
            "Active Package(s):",
            "",
        ]
    )


def _if_block(rt: DeviceRuntime, v: IfView) -> list[str]:
    mac = dotted_mac(v.mac)
    link = (
        "up"
        if v.oper_up
        else ("down (Administratively down)" if not v.admin_up else "down (Link not connected)")
    )
    admin = "up" if v.admin_up else "down"
    if v.name.startswith("loopback"):
        lines = [
            f"{v.name} is {'up' if v.admin_up else 'down'}",
            f"admin state is {admin},",
            "  Hardware: Loopback",
        ]
        if v.description:
            lines.append(f"  Description: {v.description}")
        if v.ip:
            lines.append(f"  Internet Address is {v.ip}")
        return [
            *lines,
            "  MTU 1500 bytes, BW 8000000 Kbit, DLY 5000 usec",
            "  reliability 255/255, txload 1/255, rxload 1/255",
            "  Encapsulation LOOPBACK, medium is broadcast",
            "  Auto-mdix is turned off",
            "    0 packets input 0 bytes",
            "    0 multicast frames 0 compressed",
            "    0 input errors 0 frame 0 overrun 0 fifo",
            "    0 packets output 0 bytes 0 underruns",
            "    0 output errors 0 collisions 0 fifo",
            "    0 out_carrier_errors",
        ]
    pin, pout = traffic(rt, v)
    gbps = v.speed_mbps // 1000
    lines = [
        f"{v.name} is {link}",
        f"admin state is {admin}, Dedicated Interface",
        f"  Hardware: 100/1000/10000/25000 Ethernet, address: {mac} (bia {mac})",
    ]
    if v.description:
        lines.append(f"  Description: {v.description}")
    if v.ip:
        lines.append(f"  Internet Address is {v.ip}")
    lines += [
        f"  MTU {v.mtu} bytes, BW {v.speed_mbps * 1000} Kbit , DLY 10 usec",
        "  reliability 255/255, txload 1/255, rxload 1/255",
        "  Encapsulation ARPA, medium is broadcast",
        f"  full-duplex, {gbps} Gb/s, media type is {gbps}G",
        "  Beacon is turned off",
        "  Auto-Negotiation is turned on  FEC mode is Auto",
        "  Input flow-control is off, output flow-control is off",
        "  Auto-mdix is turned off",
        "  Rate mode is dedicated",
        "  Switchport monitor is off ",
        "  EtherType is 0x8100 ",
        "  EEE (efficient-ethernet) : n/a",
        f"  Last link flapped {rt.uptime_s // 604800}week(s) {rt.uptime_s // 86400 % 7}day(s)",
        '  Last clearing of "show interface" counters never',
        "  1 interface resets",
        "  Load-Interval #1: 30 seconds",
        f"    30 seconds input rate {pin % 9973} bits/sec, {pin % 7} packets/sec",
        f"    30 seconds output rate {pout % 9973} bits/sec, {pout % 7} packets/sec",
        f"    input rate {pin % 9973} bps, {pin % 7} pps; output rate {pout % 9973} bps, "
        f"{pout % 7} pps",
        "  RX",
        f"    {pin} unicast packets  {pin // 40} multicast packets  {pin // 90} broadcast packets",
        f"    {pin + pin // 40 + pin // 90} input packets  {pin * 211} bytes",
        "    0 jumbo packets  0 storm suppression bytes",
        "    0 runts  0 giants  0 CRC  0 no buffer",
        "    0 input error  0 short frame  0 overrun   0 underrun  0 ignored",
        "    0 watchdog  0 bad etype drop  0 bad proto drop  0 if down drop",
        "    0 input with dribble  0 input discard",
        "    0 Rx pause",
        "  TX",
        f"    {pout} unicast packets  {pout // 40} multicast packets  "
        f"{pout // 90} broadcast packets",
        f"    {pout + pout // 40 + pout // 90} output packets  {pout * 197} bytes",
        "    0 jumbo packets",
        "    0 output error  0 collision  0 deferred  0 late collision",
        "    0 lost carrier  0 no carrier  0 babble  0 output discard",
        "    0 Tx pause",
    ]
    return lines


def _if_para(rt: DeviceRuntime, v: IfView) -> list[str]:
    return [*_if_block(rt, v), ""]


def show_interfaces(rt: DeviceRuntime, only: str | None = None) -> str | None:
    return interface_report(rt, cisco_interfaces(rt), _if_para, only, tail="")


def show_ip_int_brief(rt: DeviceRuntime) -> str:
    out = [
        'IP Interface Status for VRF "default"(1)',
        f"{'Interface':<21}{'IP Address':<16}Interface Status",
    ]
    for v in cisco_interfaces(rt):
        if not v.ip or v.name == rt.spec.mgmt_if:
            continue
        state = (
            f"protocol-{'up' if v.oper_up else 'down'}/link-{'up' if v.oper_up else 'down'}"
            f"/admin-{'up' if v.admin_up else 'down'}"
        )
        out.append(
            f"{short_ifname(v.name, rt.spec.platform).replace('loopback', 'Lo'):<21}"
            f"{v.address:<16}{state}"
        )
    return "\n".join(out) + "\n"


def show_inventory(rt: DeviceRuntime) -> str:
    s = rt.spec
    rows = [
        ("Chassis", f"{_chassis(s.model)} Chassis", s.model, "V03", s.serial),
        ("Slot 1", "48x10/25G + 6x40/100G Ethernet Module", s.model, "V03", s.serial),
        (
            "Power Supply 1",
            "Nexus9000 C93180YC-FX Chassis Power Supply",
            "NXA-PAC-650W-PE",
            "V01",
            "LIT" + s.serial[3:],
        ),
        ("Fan 1", "Nexus9000 C93180YC-FX Chassis Fan Module", "NXA-FAN-30CFM-B", "V01", "N/A"),
    ]
    return inventory_text(rows, INVENTORY_ENTRY)


def show_clock() -> str:
    return "Time source is NTP\n" + nxos_clock() + "\n"


def show_lldp_detail(rt: DeviceRuntime) -> str:
    out = [
        "Capability codes:",
        "  (R) Router, (B) Bridge, (T) Telephone, (C) DOCSIS Cable Device",
        "  (W) WLAN Access Point, (P) Repeater, (S) Station, (O) Other",
        "Device ID            Local Intf      Hold-time  Capability  Port ID  ",
        "",
    ]
    for n in rt.spec.neighbors:
        r = n.device
        out += [
            f"Chassis id: {dotted_mac(r.base_mac)}",
            f"Port id: {lldp_port_id(r, n.remote_if)}",
            f"Local Port id: {short_ifname(n.local_if, rt.spec.platform)}",
            f"Port Description: {port_description(n)}",
            f"System Name: {r.hostname}",
            f"System Description: {sys_descr(r)[0]}",
            "Time remaining: 108 seconds",
            "System Capabilities: B, R",
            "Enabled Capabilities: B, R",
            f"Management Address: {ip_only(r.mgmt_ip)}",
            "Management Address IPV6: not advertised",
            "Vlan ID: not advertised",
            "",
        ]
    out += lldp_total(rt.spec)
    return "\n".join(out)


def show_cdp_detail(rt: DeviceRuntime) -> str:
    out: list[str] = []
    for n in cdp_neighbors(rt.spec):
        r = n.device
        platform, caps = cdp_platform(r)
        rif = r.interface(n.remote_if)
        out += [
            "----------------------------------------",
            f"Device ID:{r.hostname}({r.serial})",
            f"System Name: {r.hostname}",
            "",
            "Interface address(es): 1",
            f"    IPv4 Address: {ip_only(rif.ip) if rif and rif.ip else ip_only(r.mgmt_ip)}",
            f"Platform: {platform}, Capabilities: {caps}",
            f"Interface: {n.local_if}, Port ID (outgoing port): {n.remote_if}",
            "Holdtime: 139 sec",
            "",
            "Version:",
            sys_descr(r)[0],
            "",
            "Advertisement Version: 2",
            "",
            "Native VLAN: 1",
            "Duplex: full",
            "",
            "Mgmt address(es):",
            f"    IPv4 Address: {ip_only(r.mgmt_ip)}",
            "",
        ]
    return "\n".join(out)


def running_config(rt: DeviceRuntime, tree=None, startup: bool = False) -> str:
    tree = tree or rt.running
    stamp = ctime_stamp(rt.last_change)
    head = [
        "",
        f"!Command: show {'startup' if startup else 'running'}-config",
        f"!{'Startup config saved' if startup else 'Running configuration last done'} at: {stamp}",
        f"!Time: {ctime_stamp()}",
        "",
    ]
    return "\n".join(head + tree.lines() + padding(rt.spec)) + "\n\n"

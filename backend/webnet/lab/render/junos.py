"""Show output for Juniper Junos, generated from the device's state."""

from __future__ import annotations

import time
import zlib
from dataclasses import dataclass

from ..devicestate import DeviceRuntime
from .common import lldp_port_id


@dataclass
class JIf:
    name: str
    description: str
    addresses: list[str]
    enabled: bool
    link: bool
    mac: str
    speed_mbps: int


def interfaces(rt: DeviceRuntime) -> list[JIf]:
    cfg = rt.running
    names: list[str] = []
    for s in cfg.statements:
        if s[0] == "interfaces" and len(s) > 1 and s[1] not in names:
            names.append(s[1])
    out = []
    for name in names:
        spec = rt.spec.interface(name)
        addrs = [
            s[1]
            for s in cfg.under("interfaces", name, "unit", "0", "family", "inet")
            if s[0] == "address" and len(s) > 1
        ]
        enabled = ("disable",) not in cfg.under("interfaces", name)
        link = spec.connected and rt.far_end_up(name) if spec else True
        mac = spec.mac if spec else rt.spec.base_mac
        out.append(
            JIf(
                name,
                (cfg.value("interfaces", name, "description") or "").strip('"'),
                addrs,
                enabled,
                link and enabled,
                mac,
                spec.speed_mbps if spec else 1000,
            )
        )
    return out


def _stamp(epoch: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(epoch))


def _ago(seconds: int) -> str:
    weeks, rem = divmod(seconds, 604800)
    days, rem = divmod(rem, 86400)
    return f"{weeks}w{days}d {rem // 3600:02d}:{rem % 3600 // 60:02d}"


def show_version(rt: DeviceRuntime) -> str:
    v = rt.spec.os_version
    build = f"2023{zlib.crc32(v.encode()) % 1231:04d}.ab12cd_builder_stable_12"
    return "\n".join(
        [
            f"Hostname: {rt.hostname}",
            f"Model: {rt.spec.model}",
            f"Junos: {v}",
            f"JUNOS OS Kernel 64-bit  [{build}]",
            f"JUNOS OS libs [{build}]",
            f"JUNOS OS runtime [{build}]",
            f"JUNOS OS time zone information [{build}]",
            f"JUNOS Packet Forwarding Engine Support (MX Common) [{v}]",
            f"JUNOS Online Documentation [{v}]",
            f"JUNOS Routing Software Suite [{v}]",
            f"JUNOS Crypto Software Suite [{v}]",
            "",
        ]
    )


def _physical(rt: DeviceRuntime, i: JIf, index: int) -> list[str]:
    state = "Enabled" if i.enabled else "Disabled"
    lines = [
        f"Physical interface: {i.name}, {state}, Physical link is {'Up' if i.link else 'Down'}",
        f"  Interface index: {index}, SNMP ifIndex: {index + 378}",
    ]
    if i.description:
        lines.append(f"  Description: {i.description}")
    if i.name.startswith("lo"):
        lines += [
            "  Link-level type: Unspecified, MTU: Unlimited",
            "  Device flags   : Present Running Loopback",
            "  Interface flags: SNMP-Traps",
            "  Link flags     : None",
        ]
    else:
        lines += [
            f"  Link-level type: Ethernet, MTU: 1514, MRU: 1522, LAN-PHY mode, Speed: "
            f"{i.speed_mbps}mbps, BPDU Error: None, Loop Detect PDU Error: None, MAC-REWRITE "
            "Error: None, Loopback: Disabled, Source filtering: Disabled, Flow control: Enabled",
            "  Pad to minimum frame size: Disabled",
            "  Device flags   : Present Running" + ("" if i.link else " Down"),
            "  Interface flags: SNMP-Traps Internal: 0x4000",
            "  Link flags     : None",
            "  CoS queues     : 8 supported, 8 maximum usable queues",
            f"  Current address: {i.mac}, Hardware address: {i.mac}",
        ]
    pin = rt.counter(i.name + "in") if i.link else 0
    lines += [
        f"  Last flapped   : {_stamp(rt.boot_time)} ({_ago(rt.uptime_s)} ago)",
        f"  Input rate     : {pin % 997} bps ({pin % 7} pps)",
        f"  Output rate    : {pin % 991} bps ({pin % 5} pps)",
    ]
    if not i.name.startswith("lo"):
        lines += [
            "  Active alarms  : None" if i.link else "  Active alarms  : LINK",
            "  Active defects : None" if i.link else "  Active defects : LINK",
            "  Interface transmit statistics: Disabled",
        ]
    if i.addresses:
        lines += [
            "",
            f"  Logical interface {i.name}.0 (Index {index + 200}) (SNMP ifIndex {index + 500})",
            "    Flags: Up SNMP-Traps 0x4004000 Encapsulation: ENET2",
            f"    Input packets : {pin}",
            f"    Output packets: {pin + pin // 7}",
            "    Protocol inet, MTU: 1500",
            "      Flags: Sendbcast-pkt-to-re",
        ]
        for addr in i.addresses:
            ip, _, _plen = addr.partition("/")
            lines += [
                "      Addresses, Flags: Is-Preferred Is-Primary",
                f"        Destination: {_network(addr)}, Local: {ip}, Broadcast: "
                f"{_broadcast(addr)}",
            ]
    return [*lines, ""]


def _network(cidr: str) -> str:
    import ipaddress

    return str(ipaddress.IPv4Interface(cidr).network)


def _broadcast(cidr: str) -> str:
    import ipaddress

    return str(ipaddress.IPv4Interface(cidr).network.broadcast_address)


def show_interfaces(rt: DeviceRuntime, only: str | None = None) -> str | None:
    views = interfaces(rt)
    if only:
        views = [v for v in views if v.name == only.split(".")[0]]
        if not views:
            return None
    out: list[str] = []
    for n, i in enumerate(views):
        out += _physical(rt, i, 148 + n)
    return "\n".join(out)


def show_interfaces_terse(rt: DeviceRuntime) -> str:
    out = [f"{'Interface':<24}{'Admin':<6}{'Link':<5}{'Proto':<9}{'Local':<22}Remote"]
    for i in interfaces(rt):
        admin, link = ("up" if i.enabled else "down"), ("up" if i.link else "down")
        out.append(f"{i.name:<24}{admin:<6}{link}")
        if i.addresses:
            out.append(f"{i.name + '.0':<24}{admin:<6}{link:<5}{'inet':<9}{i.addresses[0]}")
    return "\n".join(out) + "\n"


def show_chassis_hardware(rt: DeviceRuntime) -> str:
    s = rt.spec
    sn = s.serial[3:]
    out = [
        "Hardware inventory:",
        "Item             Version  Part number  Serial number     Description",
        f"Chassis                                {s.serial:<18}{s.model.upper()}",
        f"Midplane         REV 07   750-021157   ACRB{sn[:4]}          Lower Backplane",
        f"PEM 0            Rev 10   740-029970   QCS{sn[:5]}          PS 1.4-2.52kW; 90-264V AC in",
        f"Routing Engine 0 REV 07   740-031116   9009{sn[:6]}        RE-S-1800x4",
        f"CB 0             REV 10   750-031391   CAAB{sn[:4]}          Enhanced MX SCB",
        f"FPC 0            REV 22   750-045372   CAAD{sn[:4]}          MPCE Type 3 3D",
        f"  CPU            REV 09   711-035209   CAAE{sn[:4]}          HMPC PMB 2G",
        "  PIC 0                   BUILTIN      BUILTIN           10x 1GE(LAN) SFP",
    ]
    for n, iface in enumerate(s.interfaces):
        if iface.connected:
            out.append(f"    Xcvr {n:<7} REV 01   740-011613   PQN{sn[:4]}{n:02d}         SFP-SX")
    out.append(f"Fan Tray 0       REV 04   740-031521   ACAC{sn[:4]}          Enhanced Fan Tray")
    return "\n".join(out) + "\n"


# (title, width) of the padded columns; System Name follows. Junos pads each column to its width
# and always follows it with a space, so a value longer than its column (an IOS-XR
# `GigabitEthernet0/0/0/0` as port info) pushes the rest right instead of running into it.
_LLDP_COLUMNS = (
    ("Local Interface", 18),
    ("Parent Interface", 19),
    ("Chassis Id", 19),
    ("Port info", 18),
)


def _lldp_row(*cells: str) -> str:
    *padded, last = cells
    pairs = zip(padded, _LLDP_COLUMNS, strict=True)
    return "".join(f"{cell:<{width}} " for cell, (_, width) in pairs) + last


def show_lldp_neighbors(rt: DeviceRuntime) -> str:
    out = [_lldp_row(*(title for title, _ in _LLDP_COLUMNS), "System Name")]
    for n in rt.spec.neighbors:
        r = n.device
        out.append(_lldp_row(n.local_if, "-", r.base_mac, lldp_port_id(r, n.remote_if), r.hostname))
    return "\n".join(out) + "\n"


def show_system_uptime(rt: DeviceRuntime) -> str:
    now = time.time()
    days = rt.uptime_s // 86400
    return "\n".join(
        [
            f"Current time: {_stamp(now)}",
            "Time Source:  NTP CLOCK ",
            f"System booted: {_stamp(rt.boot_time)} ({_ago(rt.uptime_s)} ago)",
            f"Protocols started: {_stamp(rt.boot_time + 120)} ({_ago(rt.uptime_s - 120)} ago)",
            f"Last configured: {_stamp(rt.last_change)} ({_ago(int(now - rt.last_change))} ago) by "
            f"{rt.last_change_user}",
            f"{time.strftime('%I:%M%p', time.gmtime(now))}  up {days} days, "
            f"{rt.uptime_s % 86400 // 3600}:{rt.uptime_s % 3600 // 60:02d}, 1 user, "
            "load averages: 0.10, 0.12, 0.09",
            "",
        ]
    )


def configuration(
    rt: DeviceRuntime, cfg=None, display_set: bool = False, prefix: list[str] | None = None
) -> str:
    cfg = cfg if cfg is not None else rt.running
    pad = [
        f"set system static-host-mapping pad-{i} inet 198.18.{i // 250 % 250}.{i % 250 + 1}"
        for i in range(rt.spec.faults.huge_output_lines)
    ]
    if display_set:
        return cfg.render_set(prefix) + ("\n" + "\n".join(pad) if pad else "") + "\n"
    head = [] if prefix else [f"## Last commit: {_stamp(rt.last_change)} by {rt.last_change_user}"]
    body = cfg.render(prefix)
    if pad:
        body += "\n" + "\n".join("    " + p[4:] for p in pad)
    return "\n".join([*head, body]) + "\n"

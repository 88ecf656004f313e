"""Traps and syslog lines a lab device sends: SNMPv2c linkDown/linkUp/coldStart (IF-MIB,
SNMPv2-MIB) and each vendor's RFC 3164 syslog messages, to the receivers its running config
names (`snmp-server host`, `logging host`, Junos `trap-group` / `system syslog host`) plus the
lab-wide defaults."""

from __future__ import annotations

import ipaddress
import itertools
import time

from ..configtree import ConfigTree
from ..junosconfig import JunosConfig
from . import ber
from .device import BootEvent, ConfigEvent, Event, LinkEvent
from .mib import IF_ENTRY, IfRow

SYS_UPTIME_0 = (1, 3, 6, 1, 2, 1, 1, 3, 0)
SNMP_TRAP_OID_0 = (1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0)
COLD_START = (1, 3, 6, 1, 6, 3, 1, 1, 5, 1)
LINK_DOWN = (1, 3, 6, 1, 6, 3, 1, 1, 5, 3)
LINK_UP = (1, 3, 6, 1, 6, 3, 1, 1, 5, 4)
LOCAL7, DAEMON = 23, 3
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_REQUEST_IDS = itertools.count(1000)

Target = tuple[str, int]


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _after(words: list[str], key: str) -> str | None:
    return words[words.index(key) + 1] if key in words[:-1] else None


def _port(text: str | None, default: int) -> int:
    return int(text) if text and text.isdigit() else default


# ---- receivers from the running config ----------------------------------------
def cisco_receivers(
    tree: ConfigTree, platform: str
) -> tuple[list[tuple[str, int, str]], list[Target]]:
    """`snmp-server host H [traps|informs] [version 2c] COMMUNITY [udp-port P]` and
    `logging host H [transport udp port P]` (IOS), `logging host H [P]` (EOS),
    `logging server H [SEV] [port P]` (NX-OS), `logging H [vrf V] [port P]` (IOS-XR)."""
    traps, syslog = [], []
    for node in tree.root.children:
        words = node.text.split()
        if words[:2] == ["snmp-server", "host"] and len(words) > 2:
            rest = [w for w in words[3:] if w not in ("traps", "informs")]
            if rest[:1] == ["version"]:
                rest = rest[2:]
            community = rest[0] if rest and rest[0] != "udp-port" else "public"
            traps.append((words[2], _port(_after(words, "udp-port"), 162), community))
        elif words[:1] == ["logging"] and len(words) > 1:
            args = words[2:] if words[1] in ("host", "server") else words[1:]
            if not args or not _is_ip(args[0]):
                continue
            port = _after(args, "port")
            if port is None and platform == "arista_eos" and len(args) > 1:
                port = args[1]
            syslog.append((args[0], _port(port, 514)))
    return traps, syslog


def junos_receivers(cfg: JunosConfig) -> tuple[list[tuple[str, int, str]], list[Target]]:
    """`set snmp trap-group G targets H` (+ `destination-port P`; G is the community) and
    `set system syslog host H any any` (+ `port P`)."""
    traps, syslog = [], []
    groups = {s[0] for s in cfg.under("snmp", "trap-group")}
    for group in sorted(groups):
        port = _port(cfg.value("snmp", "trap-group", group, "destination-port"), 162)
        for s in cfg.under("snmp", "trap-group", group, "targets"):
            traps.append((s[0], port, group))
    hosts = {s[0] for s in cfg.under("system", "syslog", "host")}
    for host in sorted(hosts):
        syslog.append((host, _port(cfg.value("system", "syslog", "host", host, "port"), 514)))
    return traps, syslog


# ---- traps ----------------------------------------
def trap(community: str, uptime_s: float, trap_oid: tuple[int, ...], varbinds: bytes) -> bytes:
    head = ber.varbind(
        ber.oid(SYS_UPTIME_0), ber.unsigned(int(uptime_s * 100) % (1 << 32), ber.TIMETICKS)
    ) + ber.varbind(ber.oid(SNMP_TRAP_OID_0), ber.oid(trap_oid))
    request_id = next(_REQUEST_IDS) & 0x7FFFFFFF
    pdu = ber.pdu(ber.TRAP, request_id, 0, 0, head + varbinds)
    return ber.tlv(ber.SEQUENCE, ber.integer(1) + ber.octets(community) + pdu)


def link_varbinds(row: IfRow) -> bytes:
    """linkDown/linkUp OBJECTS { ifIndex, ifAdminStatus, ifOperStatus } (RFC 2863)."""
    return b"".join(
        ber.varbind(ber.oid((*IF_ENTRY, col, row.index)), ber.integer(value))
        for col, value in (
            (1, row.index),
            (7, 1 if row.view.admin_up else 2),
            (8, 1 if row.view.oper_up else 2),
        )
    )


def trap_for(event: Event) -> tuple[tuple[int, ...], bytes] | None:
    if isinstance(event, LinkEvent) and event.oper_changed:
        return (LINK_UP if event.row.view.oper_up else LINK_DOWN), link_varbinds(event.row)
    if isinstance(event, BootEvent):
        return COLD_START, b""
    return None


# ---- syslog ----------------------------------------
def rfc3164(facility: int, severity: int, hostname: str, message: str, epoch: float) -> bytes:
    """`<PRI>Mmm dd hh:mm:ss HOSTNAME MSG` (RFC 3164 §4.1)."""
    t = time.gmtime(epoch)
    stamp = f"{MONTHS[t.tm_mon - 1]} {t.tm_mday:2d} {t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}"
    return f"<{facility * 8 + severity}>{stamp} {hostname} {message}".encode()


def _cisco_link(row: IfRow, platform: str) -> list[tuple[int, str]]:
    """(severity, message) per vendor. IOS: shut -> LINK-5-CHANGED (administratively down) and
    LINEPROTO down; no shut -> LINK-3-UPDOWN up and LINEPROTO up, as a real router logs them."""
    name, v = row.view.name, row.view
    state = "up" if v.oper_up else "down"
    if platform == "arista_eos":
        proto = f"Line protocol on Interface {name}, changed state to {state}"
        return [(5, f"Ebra: %LINEPROTO-5-UPDOWN: {proto}")]
    if platform == "cisco_nxos":
        if not v.admin_up:
            why = "Administratively down"
            return [(5, f"%ETHPORT-5-IF_DOWN_ADMIN_DOWN: Interface {name} is down ({why})")]
        if v.oper_up:
            return [(5, f"%ETHPORT-5-IF_UP: Interface {name} is up in mode routed")]
        return [(5, f"%ETHPORT-5-IF_DOWN_LINK_FAILURE: Interface {name} is down (Link failure)")]
    xr = platform == "cisco_iosxr"
    if xr:
        state = state.capitalize()
    facility = "ifmgr[257]: %PKT_INFRA-" if xr else "%"
    sep = " :" if xr else ":"
    if not v.admin_up:
        admin = "Administratively Down" if xr else "administratively down"
        link = (5, f"{facility}LINK-5-CHANGED{sep} Interface {name}, changed state to {admin}")
    else:
        link = (3, f"{facility}LINK-3-UPDOWN{sep} Interface {name}, changed state to {state}")
    proto = f"Line protocol on Interface {name}, changed state to {state}"
    return [link, (5, f"{facility}LINEPROTO-5-UPDOWN{sep} {proto}")]


def _junos_link(row: IfRow) -> tuple[int, int, str]:
    v = row.view
    admin = "up(1)" if v.admin_up else "down(2)"
    oper = "up(1)" if v.oper_up else "down(2)"
    tag = "SNMP_TRAP_LINK_UP" if v.oper_up else "SNMP_TRAP_LINK_DOWN"
    text = (
        f"mib2d[1830]: {tag}: ifIndex {row.index}, ifAdminStatus {admin}, "
        f"ifOperStatus {oper}, ifName {v.name}"
    )
    return DAEMON, 6 if v.oper_up else 4, text


def _config_line(user: str, platform: str) -> tuple[int, int, str]:
    if platform == "juniper_junos":
        return DAEMON, 5, f"mgd[5012]: UI_COMMIT: User '{user}' requested 'commit' operation"
    if platform == "cisco_iosxr":
        text = f"Configuration committed by user '{user}'."
        return LOCAL7, 6, f"config[65739]: %MGBL-CONFIG-6-DB_COMMIT : {text}"
    if platform == "cisco_nxos":
        text = f"Configured from vty by {user} on 127.0.0.1@pts/0"
        return LOCAL7, 5, f"%VSHD-5-VSHD_SYSLOG_CONFIG_I: {text}"
    prefix = "ConfigAgent: " if platform == "arista_eos" else ""
    text = f"Configured from console by {user} on vty0 (127.0.0.1)"
    return LOCAL7, 5, f"{prefix}%SYS-5-CONFIG_I: {text}"


def syslog_for(event: Event, platform: str) -> list[tuple[int, int, str]]:
    """(facility, severity, message) lines the device logs for `event`."""
    junos = platform == "juniper_junos"
    if isinstance(event, LinkEvent):
        if junos:
            return [_junos_link(event.row)]
        return [(LOCAL7, sev, text) for sev, text in _cisco_link(event.row, platform)]
    if isinstance(event, ConfigEvent):
        return [_config_line(event.user, platform)]
    if junos:
        return [(DAEMON, 5, "init: SNMP_TRAP_COLD_START: SNMP trap: cold start")]
    if platform == "cisco_nxos":
        return [(LOCAL7, 5, "%SYSMGR-5-RESTART: System restarted")]
    return [(LOCAL7, 5, "%SYS-5-RESTART: System restarted --")]

"""What a lab device's agent serves: the system group, IF-MIB ifTable/ifXTable, HOST-RESOURCES
CPU and memory, derived from the simulated state (running config, boot time, faults).

The OID layout (sorted OIDs, their encoded bytes, the column that answers each) depends only on
the device's ifIndex set, so devices with the same ports share one layout; a device keeps only its
interface rows. Counters are `accumulated + rate x time up`, folded whenever the oper status
changes, so they stop while a link is down and never jump.
"""

from __future__ import annotations

import math
import zlib
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field

from ..ifview import IfView
from ..render.common import lldp_port_id, sys_descr
from . import ber

SYSTEM = (1, 3, 6, 1, 2, 1, 1)
IF_NUMBER = (1, 3, 6, 1, 2, 1, 2, 1, 0)
IF_ENTRY = (1, 3, 6, 1, 2, 1, 2, 2, 1)
IFX_ENTRY = (1, 3, 6, 1, 2, 1, 31, 1, 1, 1)
HR_STORAGE_ENTRY = (1, 3, 6, 1, 2, 1, 25, 2, 3, 1)
HR_STORAGE_RAM = (1, 3, 6, 1, 2, 1, 25, 2, 1, 2)
HR_PROCESSOR_LOAD = (1, 3, 6, 1, 2, 1, 25, 3, 3, 1, 2)
CPU_INDEX = 1
RAM_INDEX = 1
RAM_KB = 4 * 1024 * 1024

SYS_OBJECT_ID = {
    "cisco_ios": (1, 3, 6, 1, 4, 1, 9, 1, 1041),
    "cisco_iosxe": (1, 3, 6, 1, 4, 1, 9, 1, 1706),
    "cisco_nxos": (1, 3, 6, 1, 4, 1, 9, 12, 3, 1, 3, 1812),
    "cisco_iosxr": (1, 3, 6, 1, 4, 1, 9, 1, 2658),
    "arista_eos": (1, 3, 6, 1, 4, 1, 30065, 1, 3011, 7050, 3741, 48),
    "juniper_junos": (1, 3, 6, 1, 4, 1, 2636, 1, 1, 1, 2, 29),
}

# counter slots, in this order in IfRow.rates / IfRow.acc
IN_OCTETS, IN_UCAST, IN_MCAST, IN_BCAST, IN_DISCARDS, IN_ERRORS = range(6)
OUT_OCTETS, OUT_UCAST, OUT_MCAST, OUT_BCAST, OUT_DISCARDS, OUT_ERRORS = range(6, 12)
SLOTS = 12


@dataclass
class IfRow:
    index: int
    view: IfView
    ifname: str
    if_type: int
    rates: tuple[float, ...]
    acc: list[float] = field(default_factory=lambda: [0.0] * SLOTS)
    offsets: list[int] = field(default_factory=lambda: [0] * SLOTS)  # counter_wrap
    since: float = 0.0  # when acc was last folded
    last_change: float = 0.0  # epoch of the last oper status change

    def counter(self, slot: int, now: float) -> float:
        if self.view.oper_up:
            return self.acc[slot] + self.rates[slot] * (now - self.since)
        return self.acc[slot]

    def fold(self, now: float) -> None:
        for slot in range(SLOTS):
            self.acc[slot] = self.counter(slot, now)
        self.since = now


def if_type(name: str, physical: bool) -> int:
    low = name.lower()
    if low.startswith(("loopback", "lo0", "lo")):
        return 24  # softwareLoopback
    if low.startswith(("vlan", "irb")):
        return 53  # propVirtual
    if low.startswith(("port-channel", "bundle-ether", "ae")):
        return 161  # ieee8023adLag
    if low.startswith("tunnel"):
        return 131
    return 6 if physical or low.startswith(("mgmt", "management", "fxp", "mgmteth")) else 1


def rates(hostname: str, view: IfView) -> tuple[float, ...]:
    """Per-second growth of each counter: a steady, believable load per interface."""
    seed = zlib.crc32(f"{hostname}/{view.name}".encode())
    if not view.physical:
        return (0.0,) * SLOTS
    bps = view.speed_mbps * 1_000_000 / 8
    out: list[float] = []
    for direction in (0, 1):
        octets = bps * ((seed >> (direction * 8)) % 40 + 1) / 1000  # 0.1 % .. 4 % utilisation
        pps = octets / 600
        errors = 0.02 if (seed >> (16 + direction)) % 7 == 0 else 0.0
        discards = 0.05 if (seed >> (20 + direction)) % 5 == 0 else 0.0
        out += [octets, pps, pps / 100, pps / 500, discards, errors]
    return tuple(out)


# ---- column answers: (device, row) -> encoded value TLV ------------------------------------------
Column = Callable[["MibState", "IfRow | None"], bytes]


def _timeticks(seconds: float) -> bytes:
    return ber.unsigned(int(max(seconds, 0.0) * 100) % (1 << 32), ber.TIMETICKS)


def _c64(d: MibState, r: IfRow, slot: int) -> bytes:
    value = (int(r.counter(slot, d.now)) + r.offsets[slot]) & 0xFFFFFFFFFFFFFFFF
    raw = value.to_bytes(value.bit_length() // 8 + 1, "big")
    return b"\x46" + bytes((len(raw),)) + raw


def _c32(d: MibState, r: IfRow, slot: int) -> bytes:
    value = (int(r.counter(slot, d.now)) + r.offsets[slot]) & 0xFFFFFFFF
    raw = value.to_bytes(value.bit_length() // 8 + 1, "big")
    return b"\x41" + bytes((len(raw),)) + raw


def _status(up: bool) -> bytes:
    return ber.integer(1 if up else 2)


def _speed32(r: IfRow) -> bytes:
    return ber.unsigned(min(r.view.speed_mbps * 1_000_000, 0xFFFFFFFF), ber.GAUGE32)


def _mac(r: IfRow) -> bytes:
    if r.if_type == 24:
        return ber.octets(b"")
    return ber.octets(bytes.fromhex(r.view.mac.replace(":", "").replace(".", "")))


def _slot32(slot: int) -> Column:
    return lambda d, r: _c32(d, r, slot)  # type: ignore[arg-type]


def _slot64(slot: int) -> Column:
    return lambda d, r: _c64(d, r, slot)  # type: ignore[arg-type]


def _nucast(inbound: bool) -> Column:
    mcast, bcast = (IN_MCAST, IN_BCAST) if inbound else (OUT_MCAST, OUT_BCAST)
    return lambda d, r: ber.unsigned(
        int(r.counter(mcast, d.now) + r.counter(bcast, d.now)) % (1 << 32),  # type: ignore[union-attr]
        ber.COUNTER32,
    )


SYSTEM_COLUMNS: dict[int, Column] = {
    1: lambda d, _r: ber.octets(d.sys_descr),
    2: lambda d, _r: ber.oid(SYS_OBJECT_ID[d.platform]),
    3: lambda d, _r: _timeticks(d.now - d.boot_time),
    4: lambda d, _r: ber.octets("noc@example.net"),
    5: lambda d, _r: ber.octets(d.hostname),
    6: lambda d, _r: ber.octets(d.location),
    7: lambda d, _r: ber.integer(6),
}

IF_COLUMNS: dict[int, Column] = {
    1: lambda d, r: ber.integer(r.index),  # type: ignore[union-attr]
    2: lambda d, r: ber.octets(r.view.name),  # type: ignore[union-attr]
    3: lambda d, r: ber.integer(r.if_type),  # type: ignore[union-attr]
    4: lambda d, r: ber.integer(r.view.mtu),  # type: ignore[union-attr]
    5: lambda d, r: _speed32(r),  # type: ignore[arg-type]
    6: lambda d, r: _mac(r),  # type: ignore[arg-type]
    7: lambda d, r: _status(r.view.admin_up),  # type: ignore[union-attr]
    8: lambda d, r: _status(r.view.oper_up),  # type: ignore[union-attr]
    9: lambda d, r: _timeticks(r.last_change - d.boot_time),  # type: ignore[union-attr]
    10: _slot32(IN_OCTETS),
    11: _slot32(IN_UCAST),
    12: _nucast(True),
    13: _slot32(IN_DISCARDS),
    14: _slot32(IN_ERRORS),
    15: lambda d, r: ber.unsigned(0, ber.COUNTER32),
    16: _slot32(OUT_OCTETS),
    17: _slot32(OUT_UCAST),
    18: _nucast(False),
    19: _slot32(OUT_DISCARDS),
    20: _slot32(OUT_ERRORS),
    21: lambda d, r: ber.unsigned(0, ber.GAUGE32),
    22: lambda d, r: ber.oid((0, 0)),
}

IFX_COLUMNS: dict[int, Column] = {
    1: lambda d, r: ber.octets(r.ifname),  # type: ignore[union-attr]
    2: _slot32(IN_MCAST),
    3: _slot32(IN_BCAST),
    4: _slot32(OUT_MCAST),
    5: _slot32(OUT_BCAST),
    6: _slot64(IN_OCTETS),
    7: _slot64(IN_UCAST),
    8: _slot64(IN_MCAST),
    9: _slot64(IN_BCAST),
    10: _slot64(OUT_OCTETS),
    11: _slot64(OUT_UCAST),
    12: _slot64(OUT_MCAST),
    13: _slot64(OUT_BCAST),
    14: lambda d, r: ber.integer(1),
    15: lambda d, r: ber.unsigned(r.view.speed_mbps, ber.GAUGE32),  # type: ignore[union-attr]
    16: lambda d, r: ber.integer(2),
    17: lambda d, r: ber.integer(1 if r.view.physical else 2),  # type: ignore[union-attr]
    18: lambda d, r: ber.octets(r.view.description),  # type: ignore[union-attr]
    19: lambda d, r: _timeticks(0),
}


def _cpu(d: MibState) -> int:
    seed = zlib.crc32(d.hostname.encode())
    wave = 8 * math.sin(d.now / 300 + seed % 628 / 100)
    return max(0, min(100, int(5 + seed % 30 + wave)))


def _ram_used(d: MibState) -> int:
    seed = zlib.crc32(d.hostname.encode()) >> 8
    share = 0.3 + (seed % 40) / 100 + 0.02 * math.sin(d.now / 600)
    return int(RAM_KB * share)


STORAGE_COLUMNS: dict[int, Column] = {
    1: lambda d, _r: ber.integer(RAM_INDEX),
    2: lambda d, _r: ber.oid(HR_STORAGE_RAM),
    3: lambda d, _r: ber.octets("Physical memory"),
    4: lambda d, _r: ber.integer(1024),
    5: lambda d, _r: ber.integer(RAM_KB),
    6: lambda d, _r: ber.integer(_ram_used(d)),
}


# ---- layout --------------------------------------------------------------------------------------
@dataclass
class Layout:
    oids: list[tuple[int, ...]]
    encoded: list[bytes]  # each OID's TLV
    columns: list[Column]
    rows: list[int]  # row position in MibState.rows, -1 for scalars
    static: list[bool]  # the value only changes when the state is rebuilt (config, reboot)

    def exact(self, oid: tuple[int, ...]) -> int:
        i = bisect_left(self.oids, oid)
        return i if i < len(self.oids) and self.oids[i] == oid else -1

    def after(self, oid: tuple[int, ...]) -> int:
        """Position of the first OID greater than `oid` (len(oids) = end of the MIB view)."""
        return bisect_right(self.oids, oid)

    def has_object(self, oid: tuple[int, ...]) -> bool:
        """Whether `oid` names an object this agent has (noSuchInstance) or not (noSuchObject)."""
        parent = oid[:-1]
        i = bisect_left(self.oids, parent)
        return i < len(self.oids) and self.oids[i][: len(parent)] == parent


_LAYOUTS: dict[tuple[int, ...], Layout] = {}
# columns whose values follow only the config and boot (cached until the state is rebuilt)
STATIC = {
    SYSTEM: {1, 2, 4, 5, 6, 7},
    IF_ENTRY: {1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 21, 22},
    IFX_ENTRY: {1, 14, 15, 16, 17, 18, 19},
    HR_STORAGE_ENTRY: {1, 2, 3, 4, 5},
}


def _is_static(oid: tuple[int, ...]) -> bool:
    for prefix, columns in STATIC.items():
        if oid[: len(prefix)] == prefix:
            return oid[len(prefix)] in columns
    return oid == IF_NUMBER


def layout_for(indexes: tuple[int, ...]) -> Layout:
    """The shared layout for a device whose interfaces have these ifIndexes (in row order)."""
    found = _LAYOUTS.get(indexes)
    if found is not None:
        return found
    entries: list[tuple[tuple[int, ...], Column, int]] = [
        ((*SYSTEM, col, 0), fn, -1) for col, fn in SYSTEM_COLUMNS.items()
    ]
    entries.append((IF_NUMBER, lambda d, _r: ber.integer(len(d.rows)), -1))
    for prefix, cols in ((IF_ENTRY, IF_COLUMNS), (IFX_ENTRY, IFX_COLUMNS)):
        for col, fn in cols.items():
            entries += [((*prefix, col, idx), fn, pos) for pos, idx in enumerate(indexes)]
    entries += [((*HR_STORAGE_ENTRY, c, RAM_INDEX), fn, -1) for c, fn in STORAGE_COLUMNS.items()]
    entries.append(((*HR_PROCESSOR_LOAD, CPU_INDEX), lambda d, _r: ber.integer(_cpu(d)), -1))
    entries.sort(key=lambda e: e[0])
    found = Layout(
        oids=[e[0] for e in entries],
        encoded=[ber.oid(e[0]) for e in entries],
        columns=[e[1] for e in entries],
        rows=[e[2] for e in entries],
        static=[_is_static(e[0]) for e in entries],
    )
    _LAYOUTS[indexes] = found
    return found


@dataclass
class MibState:
    """A device's values at `now` (set by the agent before answering)."""

    platform: str
    hostname: str
    sys_descr: str
    location: str
    boot_time: float
    rows: list[IfRow]
    layout: Layout
    now: float = 0.0
    cache: dict[int, bytes] = field(default_factory=dict)  # static values by layout position

    def value(self, pos: int) -> bytes:
        found = self.cache.get(pos)
        if found is not None:
            return found
        layout = self.layout
        row = layout.rows[pos]
        encoded = layout.columns[pos](self, self.rows[row] if row >= 0 else None)
        if layout.static[pos]:
            self.cache[pos] = encoded
        return encoded


def descr_of(spec) -> str:
    return "\r\n".join(sys_descr(spec))


def ifname_of(spec, name: str) -> str:
    """ifName is the port name LLDP advertises (IOS: `Gi0/1`; the others: the full name)."""
    return lldp_port_id(spec, name)

"""Async SNMP fan-out with gufo-snmp (Rust BER codec): GETBULK walks of numeric OID columns.

gufo-snmp was chosen by `make bench-poll`: against the same agents it spent ~2.5 ms CPU per
24-port device where pysnmp 7 spent ~75 ms (README, "Monitoring poller"). Its GETBULK walks one
column per request chain, so a device's columns are spread over a few sessions ("lanes") walked
side by side; each session is its own UDP socket, and a retry always opens a fresh one, so a late
answer to a timed-out request can never be taken for the answer to the next request.

Per device: every request has the target's timeout and retries; the whole device has a deadline.
A device that misses it is `timeout` (the agent did not answer), never `down` — reachability is
ICMP's and the persisting side's business.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from gufo.snmp import (
    Aes128Key,
    Aes192Key,
    Aes256Key,
    DesKey,
    Md5Key,
    Sha1Key,
    Sha224Key,
    Sha256Key,
    Sha384Key,
    Sha512Key,
    SnmpAuthError,
    SnmpError,
    User,
)
from gufo.snmp.aio import SnmpSession

from webnet.monitoring.poller import oids
from webnet.monitoring.poller.icmp import icmp_probe
from webnet.monitoring.poller.types import DevicePoll, InterfaceReading, PollTarget

T = TypeVar("T")
Value = str | bytes | int | float | None
MAX_REPETITIONS = 30  # a 24-port column and its end in one answer
WALK_WIDTH = 4  # sessions per device walking columns side by side
SNMP_PARTS = frozenset({"system", "interfaces", "cpu_mem", "custom"})

_AUTH_KEYS = {
    "MD5": Md5Key,
    "SHA": Sha1Key,
    "SHA1": Sha1Key,
    "SHA-224": Sha224Key,
    "SHA-256": Sha256Key,
    "SHA-384": Sha384Key,
    "SHA-512": Sha512Key,
}
_PRIV_KEYS = {
    "DES": DesKey,
    "AES": Aes128Key,
    "AES-128": Aes128Key,
    "AES-192": Aes192Key,
    "AES-256": Aes256Key,
}


def _v3_user(target: PollTarget) -> User:
    auth = target.auth
    return User(
        auth.username,
        auth_key=_AUTH_KEYS[auth.auth_protocol.upper()](auth.auth_key.encode())
        if auth.auth_protocol
        else None,
        priv_key=_PRIV_KEYS[auth.priv_protocol.upper()](auth.priv_key.encode())
        if auth.priv_protocol
        else None,
    )


@dataclass
class _Agent:
    """Opens sessions to one agent; for v3 the engine is discovered once and its id reused."""

    target: PollTarget
    engine_id: bytes | None = None

    async def session(self) -> SnmpSession:
        t = self.target
        v3 = t.auth.version == "v3"
        session = SnmpSession(
            addr=t.address,
            port=t.port,
            timeout=t.timeout_s,
            max_repetitions=MAX_REPETITIONS,
            community=t.auth.community,
            user=_v3_user(t) if v3 else None,
            engine_id=self.engine_id,
        )
        if not v3:
            return session
        await session.refresh()
        self.engine_id = session.get_engine_id()
        return session


@dataclass
class _Lane:
    """One session to the agent that requests go through one after another; a timed-out
    request's retry goes through a new session, whose socket cannot receive the late answer."""

    agent: _Agent
    session: SnmpSession | None = None

    async def run(self, op: Callable[[SnmpSession], Awaitable[T]]) -> T:
        retries = self.agent.target.retries
        for attempt in range(retries + 1):
            if self.session is None:
                self.session = await self.agent.session()
            try:
                return await op(self.session)
            except TimeoutError:
                self.session = None
                if attempt == retries:
                    raise
        raise AssertionError("unreachable")


async def _walk(session: SnmpSession, *, root: str) -> list[tuple[str, Value]]:
    return [item async for item in session.getbulk(root)]


async def _walk_all(agent: _Agent, roots: Sequence[str]) -> dict[str, dict[int, Value]]:
    """Each root's rows by their last sub-identifier (the table index of single-index tables)."""

    async def walk_group(group: Sequence[str]) -> list[tuple[str, list[tuple[str, Value]]]]:
        lane = _Lane(agent)
        return [(root, await lane.run(functools.partial(_walk, root=root))) for root in group]

    groups = [roots[i::WALK_WIDTH] for i in range(min(WALK_WIDTH, len(roots)))]
    columns: dict[str, dict[int, Value]] = {root: {} for root in roots}
    for group in await asyncio.gather(*(walk_group(g) for g in groups)):
        for root, rows in group:
            columns[root] = {int(oid.rsplit(".", 1)[1]): v for oid, v in rows}
    return columns


def text(value: Value) -> str:
    """An agent's value as text: octet strings decoded (invalid UTF-8 replaced), numbers as is."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return "" if value is None else str(value)


def _int(value: Value) -> int | None:
    return value if isinstance(value, int) else None


_COUNTERS = ("in_octets", "out_octets", "in_errors", "out_errors", "in_discards", "out_discards")


def interfaces(columns: dict[str, dict[int, Value]]) -> tuple[InterfaceReading, ...]:
    """One reading per ifIndex seen in any column; speed from ifHighSpeed when it is non-zero."""
    by_field = {name: columns.get(oid, {}) for name, oid in oids.IF_COLUMNS.items()}
    indexes = sorted(set().union(*(col.keys() for col in by_field.values())))
    readings = []
    for i in indexes:
        high, low = _int(by_field["high_speed"].get(i)), _int(by_field["if_speed"].get(i))
        readings.append(
            InterfaceReading(
                if_index=i,
                name=text(by_field["name"].get(i)),
                descr=text(by_field["descr"].get(i)),
                alias=text(by_field["alias"].get(i)),
                admin_status=_int(by_field["admin_status"].get(i)) or 0,
                oper_status=_int(by_field["oper_status"].get(i)) or 0,
                speed_bps=high * 1_000_000 if high else (low or 0),
                **{name: _int(by_field[name].get(i)) for name in _COUNTERS},
            )
        )
    return tuple(readings)


def cpu_pct(columns: dict[str, dict[int, Value]]) -> float | None:
    """Mean hrProcessorLoad over the device's processors."""
    loads = [v for v in columns.get(oids.HR_PROCESSOR_LOAD, {}).values() if isinstance(v, int)]
    return sum(loads) / len(loads) if loads else None


def mem_used_pct(columns: dict[str, dict[int, Value]]) -> float | None:
    """Used share of the hrStorage rows typed hrStorageRam (both counts are in the row's units)."""
    types = columns.get(oids.HR_STORAGE_TYPE, {})
    sizes, used = columns.get(oids.HR_STORAGE_SIZE, {}), columns.get(oids.HR_STORAGE_USED, {})
    ram = [i for i, kind in types.items() if text(kind) == oids.HR_STORAGE_RAM]
    size = sum(_int(sizes.get(i)) or 0 for i in ram)
    return 100.0 * sum(_int(used.get(i)) or 0 for i in ram) / size if size else None


async def _read(target: PollTarget) -> dict:
    """The DevicePoll fields SNMP fills for this target's parts."""
    parts = target.parts
    if not parts & SNMP_PARTS:
        return {}
    agent = _Agent(target)
    scalars = list(oids.SYSTEM) if "system" in parts else []
    if "custom" in parts:
        scalars += target.custom_oids
    roots = [
        *(oids.IF_COLUMNS.values() if "interfaces" in parts else ()),
        *(oids.CPU_MEM_COLUMNS if "cpu_mem" in parts else ()),
    ]
    got, columns = await asyncio.gather(
        _Lane(agent).run(lambda s: s.get_many(scalars)) if scalars else _none(),
        _walk_all(agent, roots),
    )
    got = got or {}
    fields: dict = {"varbinds": len(got) + sum(len(c) for c in columns.values())}
    if "system" in parts:
        fields |= {
            "sys_descr": text(got.get(oids.SYS_DESCR)),
            "sys_object_id": text(got.get(oids.SYS_OBJECT_ID)),
            "sys_name": text(got.get(oids.SYS_NAME)),
            "sys_uptime_ticks": _int(got.get(oids.SYS_UPTIME)),
        }
    if "interfaces" in parts:
        fields["interfaces"] = interfaces(columns)
    if "cpu_mem" in parts:
        fields |= {"cpu_pct": cpu_pct(columns), "mem_used_pct": mem_used_pct(columns)}
    if "custom" in parts:
        fields["custom"] = tuple((oid, text(got[oid])) for oid in target.custom_oids if oid in got)
    return fields


async def _none() -> None:
    return None


def device_deadline(target: PollTarget) -> float:
    """Default budget for one device: twice what one request may take with all its retries."""
    return 2 * target.timeout_s * (target.retries + 1)


async def poll_device(
    target: PollTarget,
    cycle: int,
    *,
    deadline_s: float | None = None,
    clock: Callable[[], float] = time.time,
) -> DevicePoll:
    """One device's SNMP reads within its deadline; never raises for the agent's faults."""
    started = clock()
    deadline = deadline_s if deadline_s is not None else device_deadline(target)
    outcome, error, fields = "ok", "", {}
    try:
        async with asyncio.timeout(deadline):
            fields = await _read(target)
    except TimeoutError:
        outcome, error = "timeout", f"no answer from {target.address}:{target.port} in time"
    except SnmpAuthError as exc:
        outcome, error = "auth_error", str(exc) or "authentication failed"
    except (SnmpError, OSError, ValueError, KeyError) as exc:
        outcome, error = "error", f"{type(exc).__name__}: {exc}"
    return DevicePoll(
        device_id=target.device_id,
        cycle=cycle,
        started_at=started,
        finished_at=clock(),
        outcome=outcome,  # type: ignore[arg-type]
        error=error,
        **fields,
    )


async def poll_devices(
    targets: Iterable[PollTarget],
    cycle: int,
    *,
    concurrency: int = 200,
    deadline_s: float | None = None,
    icmp_count: int = 3,
    icmp_timeout_s: float = 1.0,
    clock: Callable[[], float] = time.time,
) -> list[DevicePoll]:
    """Every target polled once for `cycle`, at most `concurrency` devices at a time (a device's
    deadline starts when its turn comes), ICMP for all of them in one probe alongside; results in
    the targets' order."""
    targets = list(targets)
    sem = asyncio.Semaphore(concurrency)
    icmp_addresses = sorted({t.address for t in targets if "icmp" in t.parts})
    icmp = asyncio.create_task(
        icmp_probe(icmp_addresses, icmp_count, icmp_timeout_s) if icmp_addresses else _empty()
    )

    async def one(target: PollTarget) -> DevicePoll:
        async with sem:
            return await poll_device(target, cycle, deadline_s=deadline_s, clock=clock)

    polls = await asyncio.gather(*(one(t) for t in targets))
    probes = await icmp
    return [
        replace(p, icmp=probes.get(t.address)) if "icmp" in t.parts else p
        for t, p in zip(targets, polls, strict=True)
    ]


async def _empty() -> dict:
    return {}

"""The SNMP fan-out against agents we did not write: snmpsim serving a 24-port switch's walk, and
Debian's snmpd serving this host. webnet's readings are compared with `snmpbulkwalk`'s output
from the same agent; counters are read raw (64-bit, no wrap handling in the core)."""

from __future__ import annotations

import asyncio
import re
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest

from webnet.monitoring.poller import oids
from webnet.monitoring.poller.snmp import poll_devices
from webnet.monitoring.poller.types import PollTarget, SnmpAuth
from webnet.tests.monitoring import agents

V3 = ("webnet", "authkey123", "privkey123")
V3_AUTH = SnmpAuth(
    version="v3", username="webnet", auth_protocol="SHA", auth_key="authkey123",
    priv_protocol="AES", priv_key="privkey123",
)  # fmt: skip
SNMP_PARTS = frozenset({"system", "interfaces", "cpu_mem", "custom"})


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[agents.Agent]:
    ports = agents.free_udp_ports(12)
    with agents.snmpsim(tmp_path_factory.mktemp("snmpsim"), ports, v3=V3) as agent:
        yield agent


@pytest.fixture(scope="module")
def snmpd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[agents.Agent]:
    (port,) = agents.free_udp_ports(1)
    with agents.snmpd(tmp_path_factory.mktemp("snmpd"), port, v3=V3) as agent:
        yield agent


def bulkwalk(agent: agents.Agent, port: int, root: str, *auth: str) -> dict[str, str]:
    """snmpbulkwalk's view of a subtree: {numeric OID: value text as net-snmp prints it}."""
    auth = auth or ("-v2c", "-c", "public")
    done = subprocess.run(
        ["snmpbulkwalk", *auth, "-On", "-Oq", "-Ot", "-Oe", "-OU",
         f"{agent.host}:{port}", root],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    walk = {}
    for line in done.stdout.splitlines():
        oid, _, value = line.partition(" ")
        walk[oid.lstrip(".")] = value.strip().strip('"')
    return walk


def column(walk: dict[str, str], root: str) -> dict[int, str]:
    return {int(oid.rsplit(".", 1)[1]): v for oid, v in walk.items() if oid.startswith(root + ".")}


def peer_int(value: str) -> int:
    return int(re.sub(r"\D", "", value))


def peer_text(value: str) -> str:
    return value  # printable strings, their quotes already stripped


def target(agent: agents.Agent, port: int, device_id: int = 1, **kw) -> PollTarget:
    kw.setdefault("auth", SnmpAuth(community="public"))
    return PollTarget(device_id=device_id, address=agent.host, port=port, **kw)


async def test_snmpsim_readings_match_snmpbulkwalk(sim: agents.Agent) -> None:
    port = sim.ports[0]
    (poll,) = await poll_devices(
        [target(sim, port, parts=SNMP_PARTS, custom_oids=(agents.CUSTOM_OID,))], cycle=7
    )
    assert poll.outcome == "ok", poll.error
    assert (poll.device_id, poll.cycle) == (1, 7)
    assert poll.sys_descr == agents.SYS_DESCR
    assert poll.sys_object_id == agents.SYS_OBJECT_ID
    assert (poll.sys_name, poll.sys_uptime_ticks) == ("sw-test", 123456)
    assert poll.custom == ((agents.CUSTOM_OID, agents.CUSTOM_VALUE),)
    assert poll.cpu_pct == sum(agents.CPU_LOADS) / len(agents.CPU_LOADS)
    assert poll.mem_used_pct == 100 * agents.RAM_USED / agents.RAM_SIZE

    peer = bulkwalk(sim, port, "1.3.6.1.2.1.2.2") | bulkwalk(sim, port, "1.3.6.1.2.1.31.1.1")
    col = {name: column(peer, oid) for name, oid in oids.IF_COLUMNS.items()}
    assert [i.if_index for i in poll.interfaces] == sorted(col["name"]) == list(range(1, 25))
    for i in poll.interfaces:
        n = i.if_index
        assert i.name == peer_text(col["name"][n]) == f"Gi0/{n}"
        assert i.descr == peer_text(col["descr"][n])
        assert i.alias == peer_text(col["alias"][n])
        assert i.admin_status == peer_int(col["admin_status"][n]) == 1
        assert i.oper_status == peer_int(col["oper_status"][n]) == agents.oper_status(n)
        assert i.speed_bps == peer_int(col["high_speed"][n]) * 1_000_000
        # raw 64-bit counters beyond 2^32, exactly as the agent holds them
        assert i.in_octets == peer_int(col["in_octets"][n]) == agents.in_octets(n) > 2**32
        assert i.out_octets == peer_int(col["out_octets"][n]) == agents.out_octets(n)
        for name in ("in_errors", "out_errors", "in_discards", "out_discards"):
            assert getattr(i, name) == peer_int(col[name][n])
    assert poll.interfaces[0].speed_bps == 10_000_000_000  # ifHighSpeed, not ifSpeed's 2^32-1
    assert poll.varbinds == 4 + 1 + 24 * len(oids.IF_COLUMNS) + 2 + 3 * 2


async def test_snmpd_readings_match_snmpbulkwalk(snmpd: agents.Agent) -> None:
    port = snmpd.ports[0]
    (poll,) = await poll_devices([target(snmpd, port, parts=SNMP_PARTS)], cycle=1)
    assert poll.outcome == "ok", poll.error
    peer = bulkwalk(snmpd, port, "1.3.6.1.2.1.2.2") | bulkwalk(snmpd, port, "1.3.6.1.2.1.31.1.1")
    col = {name: column(peer, oid) for name, oid in oids.IF_COLUMNS.items()}
    assert poll.sys_name == "webnet-snmpd"
    assert [i.if_index for i in poll.interfaces] == sorted(col["descr"])
    for i in poll.interfaces:
        n = i.if_index
        assert (i.name, i.descr) == (peer_text(col["name"][n]), peer_text(col["descr"][n]))
        assert i.admin_status == peer_int(col["admin_status"][n])
        assert i.oper_status == peer_int(col["oper_status"][n])
        # live counters only grow between webnet's read and the peer's, later one
        assert 0 <= i.in_octets <= peer_int(col["in_octets"][n])
        assert 0 <= i.out_octets <= peer_int(col["out_octets"][n])
    ram = bulkwalk(snmpd, port, oids.HR_STORAGE_TYPE)
    assert (poll.mem_used_pct is not None) == any("25.2.1.2" in v for v in ram.values())


@pytest.mark.parametrize("source", ["sim", "snmpd"])
async def test_v3_auth_priv(source: str, request: pytest.FixtureRequest) -> None:
    agent: agents.Agent = request.getfixturevalue(source)
    port = agent.ports[-1]
    wrong = SnmpAuth(**{**_fields(V3_AUTH), "auth_key": "not-the-key"})
    ok, bad = await poll_devices(
        [
            target(agent, port, 1, auth=V3_AUTH, parts=frozenset({"system", "interfaces"})),
            target(agent, port, 2, auth=wrong, parts=frozenset({"system"}), retries=0),
        ],
        cycle=1,
    )
    assert ok.outcome == "ok", ok.error
    peer = bulkwalk(
        agent, port, "1.3.6.1.2.1.1", "-v3", "-l", "authPriv", "-u", "webnet", "-a", "SHA",
        "-A", "authkey123", "-x", "AES", "-X", "privkey123",
    )  # fmt: skip
    assert ok.sys_name == peer_text(peer[oids.SYS_NAME])
    assert len(ok.interfaces) >= 1
    assert bad.outcome == "auth_error"
    assert not bad.sys_name


def _fields(auth: SnmpAuth) -> dict:
    return {name: getattr(auth, name) for name in auth.__slots__}


async def test_dead_agent_does_not_delay_the_others(sim: agents.Agent) -> None:
    """Black holes (bound sockets that never answer) time out after their retries; the live
    devices polled alongside finish as fast as they do alone, and `ok`."""
    parts = frozenset({"system", "interfaces"})
    live = [target(sim, port, n, parts=parts) for n, port in enumerate(sim.ports[:3])]
    start = time.monotonic()
    assert {p.outcome for p in await poll_devices(live, cycle=2)} == {"ok"}
    alone = time.monotonic() - start
    holes = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(5)]
    try:
        for hole in holes:
            hole.bind(("127.0.0.1", 0))
        dead = [
            PollTarget(device_id=100 + n, address="127.0.0.1", port=h.getsockname()[1],
                       timeout_s=0.4, retries=1, parts=SNMP_PARTS)
            for n, h in enumerate(holes)
        ]  # fmt: skip
        start = time.monotonic()
        polls = await poll_devices([*dead, *live], cycle=3, deadline_s=10)
        elapsed = time.monotonic() - start
    finally:
        for hole in holes:
            hole.close()
    by_id = {p.device_id: p for p in polls}
    for d in dead:
        p = by_id[d.device_id]
        assert p.outcome == "timeout"
        assert 0.7 <= p.finished_at - p.started_at < 1.3  # 2 tries × 0.4 s, not the deadline
        assert not p.interfaces
    for t in live:
        p = by_id[t.device_id]
        assert p.outcome == "ok", p.error
        assert len(p.interfaces) == 24
    assert elapsed < max(alone, 0.8) + 1.0


def test_agent_writes_its_walk_in_oid_order() -> None:
    keys = [
        tuple(map(int, line.split("|")[0].split("."))) for line in agents.snmprec().splitlines()
    ]
    assert keys == sorted(keys) and len(keys) == len(set(keys))


class _DropFirst(asyncio.DatagramProtocol):
    """A UDP relay to an agent that loses the first `drops` requests it is given."""

    def __init__(self, upstream: tuple[str, int], drops: int) -> None:
        self.upstream, self.drops, self.dropped = upstream, drops, 0
        self.transport: asyncio.DatagramTransport | None = None
        self.links: dict[tuple[str, int], asyncio.DatagramTransport] = {}
        self.pending: set[asyncio.Future] = set()

    def connection_made(self, transport) -> None:  # type: ignore[no-untyped-def]
        self.transport = transport

    def datagram_received(self, data: bytes, client: tuple[str, int]) -> None:
        if self.dropped < self.drops:
            self.dropped += 1
            return
        task = asyncio.ensure_future(self._forward(data, client))
        self.pending.add(task)
        task.add_done_callback(self.pending.discard)

    async def _forward(self, data: bytes, client: tuple[str, int]) -> None:
        if client not in self.links:
            relay = self

            class Back(asyncio.DatagramProtocol):
                def datagram_received(self, reply: bytes, addr: tuple[str, int]) -> None:
                    relay.transport.sendto(reply, client)

            self.links[client], _ = await asyncio.get_running_loop().create_datagram_endpoint(
                Back, remote_addr=self.upstream
            )
        self.links[client].sendto(data)


@pytest.mark.parametrize(("retries", "outcome"), [(1, "ok"), (0, "timeout")])
async def test_a_lost_request_is_retried(sim: agents.Agent, retries: int, outcome: str) -> None:
    loop = asyncio.get_running_loop()
    transport, relay = await loop.create_datagram_endpoint(
        lambda: _DropFirst((sim.host, sim.ports[1]), drops=1), local_addr=("127.0.0.1", 0)
    )
    try:
        port = transport.get_extra_info("sockname")[1]
        (poll,) = await poll_devices(
            [target(sim, port, parts=frozenset({"system"}), timeout_s=0.5, retries=retries)],
            cycle=1,
        )
    finally:
        transport.close()
        for link in relay.links.values():
            link.close()
    assert relay.dropped == 1
    assert poll.outcome == outcome
    assert (poll.sys_name == "sw-test") == (outcome == "ok")

"""The trap and syslog receivers: asyncio servers feeding one batching pipeline into
`record_events` (one transaction per batch), plus the periodic alarm tick.

Datagrams are decoded on the event loop and queued; a single writer drains the queue in batches
(up to BATCH items or LINGER seconds), maps source addresses to devices and stores them. The UDP
sockets get a large receive buffer (WEBNET_RECEIVER_BUFFER) so a burst waits in the kernel rather
than being lost; what is lost anyway is counted: `webnet_events_dropped_total{reason}` (queue
full, undecodable, unknown or ambiguous source, a v1/v2c community the customer does not use
or a customer without one, a v3 message its customer's users do not authenticate) and
`webnet_receiver_kernel_drops` (the kernel's own drop counter of each socket, read from
/proc/net/udp); `webnet_receiver_backlog` is what waits in the queue for the writer.

SNMPv3 messages and inform acknowledgements are handled in the writer's (database) thread,
where the source's customer and its credentials are known: an inform is answered only when its
community or user is the customer's, once its batch has committed.

Before the first batch the pipeline prepares, in a thread of its own (the loop keeps queueing
datagrams, the shared database thread stays free): the v3 users' hashed keys and, when any
customer has v3 users, pysnmp's engine with them installed for our engine id — so the first
v3 trap or inform after a start does not wait for them. Users added later are installed from
the batch that sees the credential change.
"""

import asyncio
import contextlib
import functools
import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connections
from prometheus_client import Counter, Histogram

from webnet.alarms import ingest
from webnet.alarms.models import Event
from webnet.alarms.receivers import snmp, syslog, v3
from webnet.alarms.receivers.sources import SourceIndex
from webnet.core.metrics import set_gauge

logger = logging.getLogger("webnet.alarms.receivers")

BATCH = 2000
LINGER = 0.05
QUEUE = 200_000
TICK_SECONDS = 15.0
GAUGE_SECONDS = 1.0

RECEIVED = Counter("webnet_events_received_total", "Events received", ["source"])
DROPPED = Counter("webnet_events_dropped_total", "Events dropped", ["source", "reason"])
KERNEL_DROPS = set_gauge(
    "webnet_receiver_kernel_drops", "Datagrams the kernel dropped", ("source",)
)
BACKLOG = set_gauge("webnet_receiver_backlog", "Received events waiting for the writer")
INGEST = Histogram(
    "webnet_event_ingest_seconds",
    "Receive to commit",
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10),
)
TRAP_NAMES = {
    "1.3.6.1.6.3.1.1.5.1": "coldStart",
    "1.3.6.1.6.3.1.1.5.2": "warmStart",
    "1.3.6.1.6.3.1.1.5.3": "linkDown",
    "1.3.6.1.6.3.1.1.5.4": "linkUp",
}
SYSLOG_SEVERITY = {0: "critical", 1: "critical", 2: "critical", 3: "major", 4: "warning"}


@dataclass(slots=True)
class Received:
    source: str  # "trap" | "syslog"
    address: str
    at: float  # time.time() when it arrived
    item: snmp.Notification | syslog.SyslogMessage | bytes  # bytes: an SNMPv3 message
    reply: Callable[[bytes], None] | None = None  # sends a datagram back to the sender
    port: int = 0  # the sender's


def _event_in(
    received: Received,
    item: snmp.Notification | syslog.SyslogMessage,
    customer_id: int,
    device_id: int,
) -> ingest.EventIn:
    when = datetime.fromtimestamp(received.at, UTC)
    if isinstance(item, snmp.Notification):
        name = TRAP_NAMES.get(item.trap_oid, item.trap_oid)
        shown = " ".join(f"{k}={v}" for k, v in list(item.varbinds.items())[:6])
        return ingest.EventIn(
            customer_id,
            "trap",
            time=when,
            device_id=device_id,
            source_address=received.address,
            message=f"{name} {shown}"[:2000],
            data={"trap_oid": item.trap_oid, "varbinds": item.varbinds, "version": item.version},
        )
    return ingest.EventIn(
        customer_id,
        "syslog",
        time=when,
        device_id=device_id,
        source_address=received.address,
        severity=SYSLOG_SEVERITY.get(item.severity, ""),
        message=item.text,
        data={
            "facility": item.facility,
            "severity": item.severity,
            "host": item.host,
            "app": item.app,
            "format": item.format,
        },
    )


class Pipeline:
    """Queue → batches → record_events. `committed(events, received)` is told after each batch."""

    def __init__(
        self, committed: Callable[[list[Event], list[Received]], None] | None = None
    ) -> None:
        self.queue: asyncio.Queue[Received] = asyncio.Queue(QUEUE)
        self.sources = SourceIndex()
        self.committed = committed
        self.snmpv3: v3.V3Receiver | None = None  # see _prime_v3
        self.ready = asyncio.Event()  # set once prepared (or preparing failed)

    def put(self, received: Received) -> None:
        RECEIVED.labels(received.source).inc()
        try:
            self.queue.put_nowait(received)
        except asyncio.QueueFull:
            DROPPED.labels(received.source, "queue_full").inc()

    async def prepare(self) -> None:
        """What the first batch would otherwise build, built now (see the module's doc). A
        failure (the database not up yet) is logged and left to the first batch."""
        started = time.perf_counter()
        try:
            await sync_to_async(self._prepare, thread_sensitive=False)()
        except Exception:
            logger.exception("preparing the receivers failed; the first batch will retry")
        else:
            logger.info(
                "receivers prepared in %.2f s: %d v3 users, SNMPv3 engine %s",
                time.perf_counter() - started,
                len(self.sources.v3_users()),
                "built" if self.snmpv3 is not None else "not needed",
            )
        finally:
            self.ready.set()

    def _prepare(self) -> None:
        try:
            self.sources.refresh_credentials()
            self._prime_v3()
        finally:
            connections.close_all()  # this worker thread's own

    def _prime_v3(self) -> None:
        """pysnmp's engine, built once any customer has v3 users, with users it lacks installed
        for our engine id (a v3 message before that builds it on demand, in `_v3_receiver`)."""
        users = self.sources.v3_users()
        if users:
            self._v3_receiver().prime(users)

    def _v3_receiver(self) -> v3.V3Receiver:
        if self.snmpv3 is None:
            self.snmpv3 = v3.V3Receiver()
        return self.snmpv3

    async def run(self) -> None:
        await self.prepare()
        loop = asyncio.get_running_loop()
        while True:
            batch = [await self.queue.get()]
            deadline = loop.time() + LINGER
            while len(batch) < BATCH:
                try:
                    batch.append(self.queue.get_nowait())
                    continue
                except asyncio.QueueEmpty:
                    pass
                remaining = deadline - loop.time()
                if remaining <= 0:
                    break
                with contextlib.suppress(TimeoutError):
                    batch.append(await asyncio.wait_for(self.queue.get(), remaining))
            try:
                await sync_to_async(self.store)(batch)
            except Exception:  # a bad batch must not stop the receiver; it is logged and counted
                logger.exception("storing %d events failed", len(batch))
                for received in batch:
                    DROPPED.labels(received.source, "store_failed").inc()

    def store(self, batch: list[Received]) -> list[Event]:
        if self.sources.refresh_if_stale():
            self._prime_v3()
        items = []
        kept = []
        replies: list[tuple[Callable[[bytes], None], bytes]] = []
        for received in batch:
            owner = self.sources.lookup(received.address)
            if isinstance(owner, str):
                DROPPED.labels(received.source, owner).inc()
                continue
            item = self._accepted(received, owner[0], replies)
            if item is None:
                continue
            items.append(_event_in(received, item, *owner))
            kept.append(received)
        events = ingest.record_events(items) if items else []
        for reply, data in replies:  # acknowledged once stored
            reply(data)
        now = time.time()
        for received in kept:
            INGEST.observe(now - received.at)
        if self.committed is not None:
            self.committed(events, kept)
        return events

    def _accepted(
        self,
        received: Received,
        customer_id: int,
        replies: list[tuple[Callable[[bytes], None], bytes]],
    ) -> snmp.Notification | syslog.SyslogMessage | None:
        """The item, if its customer's community or v3 user vouches for it (counted if not);
        an answer to send back goes to `replies`."""
        item = received.item
        if isinstance(item, bytes):
            try:
                outcome = self._v3_receiver().decode(
                    item, (received.address, received.port), self.sources.v3.get(customer_id, [])
                )
            except snmp.DecodeError:
                DROPPED.labels(received.source, "undecodable").inc()
                return None
            if outcome.reply and received.reply is not None:
                replies.append((received.reply, outcome.reply))
            if outcome.notification is None and not outcome.discovery:
                DROPPED.labels(received.source, "v3_refused").inc()
            return outcome.notification
        if isinstance(item, snmp.Notification):
            refused = self.sources.community_refused(customer_id, item.community)
            if refused is not None:
                DROPPED.labels(received.source, refused).inc()
                return None
            if item.inform_response and received.reply is not None:
                replies.append((received.reply, item.inform_response))
        return item


def _udp_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    size = settings.WEBNET_RECEIVER_BUFFER
    try:  # as root the buffer may exceed net.core.rmem_max
        sock.setsockopt(socket.SOL_SOCKET, getattr(socket, "SO_RCVBUFFORCE", 33), size)
    except OSError:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, size)
    sock.bind((host, port))
    sock.setblocking(False)
    return sock


def kernel_drops(sock: socket.socket) -> int:
    """The kernel's drop count for this UDP socket (the last column of /proc/net/udp)."""
    if sock.fileno() < 0:  # closed
        return 0
    inode = str(os.fstat(sock.fileno()).st_ino)
    for name in ("/proc/net/udp", "/proc/net/udp6"):
        with contextlib.suppress(OSError), open(name) as table:
            for line in table.readlines()[1:]:
                fields = line.split()
                if len(fields) > 12 and fields[9] == inode:
                    return int(fields[-1])
    return 0


class TrapProtocol(asyncio.DatagramProtocol):
    """Decodes v1/v2c on the loop (cheap); v3 goes to the writer whole. Answers (inform
    Responses, v3 reports) come back from the writer's thread through `_reply`."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        self.transport: asyncio.DatagramTransport | None = None
        self.loop = asyncio.get_running_loop()

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def _reply(self, addr: tuple[str, int], data: bytes) -> None:
        if self.transport is not None:
            self.loop.call_soon_threadsafe(self.transport.sendto, data, addr)

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        item: snmp.Notification | bytes
        try:
            item = data if snmp.message_version(data) == 3 else snmp.decode_v2c(data)
        except snmp.DecodeError:
            DROPPED.labels("trap", "undecodable").inc()
            return
        reply = functools.partial(self._reply, addr)
        self.pipeline.put(Received("trap", addr[0], time.time(), item, reply, addr[1]))


class SyslogUDP(asyncio.DatagramProtocol):
    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.pipeline.put(Received("syslog", addr[0], time.time(), syslog.parse(data)))


async def _syslog_tcp(
    pipeline: Pipeline, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    address = writer.get_extra_info("peername")[0]
    framer = syslog.Framer()
    try:
        while chunk := await reader.read(65536):
            for message in framer.feed(chunk):
                await pipeline.queue.put(
                    Received("syslog", address, time.time(), syslog.parse(message))
                )
                RECEIVED.labels("syslog").inc()
    except ValueError:
        DROPPED.labels("syslog", "bad_framing").inc()
    finally:
        writer.close()


@dataclass
class Receivers:
    """Everything started: close() stops it."""

    pipeline: Pipeline
    ports: dict[str, int]  # trap, syslog (UDP and TCP): as bound (port 0 picks free ones)
    tasks: list[asyncio.Task]
    transports: list[asyncio.BaseTransport]
    servers: list[asyncio.base_events.Server]

    def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        for transport in self.transports:
            transport.close()
        for server in self.servers:
            server.close()


async def _tick_forever() -> None:
    while True:
        await asyncio.sleep(TICK_SECONDS)
        try:
            await sync_to_async(ingest.tick)()
        except Exception:  # the timer must survive a failed tick (database restarting)
            logger.exception("alarm tick failed")


async def _gauges_forever(pipeline: Pipeline, sockets: dict[str, socket.socket]) -> None:
    """Backlog and kernel drops written every GAUGE_SECONDS rather than computed on a scrape:
    /metrics is served by another process, which reads what this one last wrote."""
    while True:
        BACKLOG.set(pipeline.queue.qsize())
        for source, sock in sockets.items():
            KERNEL_DROPS.labels(source).set(kernel_drops(sock))
        await asyncio.sleep(GAUGE_SECONDS)


async def _syslog_sockets(
    pipeline: Pipeline, host: str, port: int
) -> tuple[socket.socket, asyncio.base_events.Server]:
    """UDP and TCP on one port number (port 0: one that is free for both)."""
    for _ in range(20):
        udp = _udp_socket(host, port)
        try:
            server = await asyncio.start_server(
                lambda r, w: _syslog_tcp(pipeline, r, w), host, udp.getsockname()[1]
            )
        except OSError:
            udp.close()
            if port:
                raise
            continue
        return udp, server
    raise OSError("no port free for both UDP and TCP syslog")


async def start(
    trap_address: tuple[str, int] | None = None,
    syslog_address: tuple[str, int] | None = None,
    committed: Callable[[list[Event], list[Received]], None] | None = None,
) -> Receivers:
    """Bind the receivers on the running loop (addresses default to the settings)."""
    loop = asyncio.get_running_loop()
    trap_host, trap_port = trap_address or (settings.WEBNET_TRAP_HOST, settings.WEBNET_TRAP_PORT)
    log_host, log_port = syslog_address or (
        settings.WEBNET_SYSLOG_HOST,
        settings.WEBNET_SYSLOG_PORT,
    )
    pipeline = Pipeline(committed)
    trap_sock = _udp_socket(trap_host, trap_port)
    trap_transport, _ = await loop.create_datagram_endpoint(
        lambda: TrapProtocol(pipeline), sock=trap_sock
    )
    log_sock, server = await _syslog_sockets(pipeline, log_host, log_port)
    log_transport, _ = await loop.create_datagram_endpoint(
        lambda: SyslogUDP(pipeline), sock=log_sock
    )
    tasks = [
        loop.create_task(pipeline.run()),
        loop.create_task(_tick_forever()),
        loop.create_task(_gauges_forever(pipeline, {"trap": trap_sock, "syslog": log_sock})),
    ]
    ports = {
        "trap": trap_sock.getsockname()[1],
        "syslog": log_sock.getsockname()[1],
    }
    logger.info("receivers on %s / %s: %s", trap_host, log_host, ports)
    return Receivers(pipeline, ports, tasks, [trap_transport, log_transport], [server])


async def run_embedded() -> None:
    """The receivers as a background service of the embedded worker (core.background); a port
    in use is logged, not fatal: the worker and its jobs stay up (run `manage.py
    receive_events` elsewhere or change the ports)."""
    if not settings.WEBNET_RECEIVERS:
        await asyncio.Event().wait()
        return
    try:
        receivers = await start()
    except OSError:
        logger.exception("trap/syslog receivers not started")
        await asyncio.Event().wait()
        return
    try:
        await asyncio.Event().wait()
    finally:
        receivers.close()

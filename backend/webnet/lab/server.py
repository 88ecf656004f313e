"""SSH listeners for a fleet: one asyncssh server per device, each on its own loopback port.

fleet = Fleet.generate(count=20, platforms="cisco_ios:2,arista_eos:1", seed=7)
async with LabServer(fleet) as lab:
    for dev in lab.devices:
        print(dev.hostname, dev.host, dev.port, dev.platform)
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncssh

from .devicestate import DeviceRuntime, LabOptions
from .faults import Faults, parse_fault
from .fleet import DeviceSpec, Fleet
from .personalities import personality_for
from .snmp import DeviceAgent, SnmpOptions, start_agent
from .terminal import SessionClosed, Terminal

log = logging.getLogger(__name__)

LEGACY_ALGS = {
    "kex_algs": ["diffie-hellman-group14-sha1", "diffie-hellman-group1-sha1"],
    "encryption_algs": ["aes128-ctr", "aes256-ctr", "aes128-cbc", "3des-cbc"],
    "mac_algs": ["hmac-sha1", "hmac-sha2-256"],
}


@dataclass(frozen=True)
class LabDevice:
    """One running device as clients see it (what the inventory CSV lists)."""

    hostname: str
    host: str
    port: int
    platform: str
    vendor: str
    model: str
    serial_number: str
    os_version: str
    role: str
    site: str
    tags: tuple[str, ...]
    username: str
    password: str
    enable_secret: str
    snmp_host: str = ""  # empty when the lab runs no SNMP agents
    snmp_port: int = 0
    snmp_community: str = ""
    snmp_v3_user: str = ""


class _DeviceSSHServer(asyncssh.SSHServer):
    def __init__(self, lab: LabServer, spec: DeviceSpec) -> None:
        self.lab = lab
        self.spec = spec
        self.conn: asyncssh.SSHServerConnection | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        self.lab._connections.add(conn)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.conn is not None:
            self.lab._connections.discard(self.conn)

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        opts = self.lab.options
        if self.spec.faults.auth_failure:
            return False
        return username == opts.username and password == opts.password

    def public_key_auth_supported(self) -> bool:
        return bool(self.lab.options.authorized_keys)

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        if self.spec.faults.auth_failure or username != self.lab.options.username:
            return False
        blob = key.public_data
        return any(k.public_data == blob for k in self.lab.options.authorized_keys)


def _load_or_create_key(directory: Path | None, alg: str, filename: str) -> asyncssh.SSHKey:
    if directory is not None:
        path = directory / filename
        if path.exists():
            return asyncssh.read_private_key(path)
    key = (
        asyncssh.generate_private_key(alg)
        if alg != "ssh-rsa"
        else asyncssh.generate_private_key("ssh-rsa", key_size=2048)
    )
    if directory is not None:
        directory.mkdir(parents=True, exist_ok=True)
        key.write_private_key(directory / filename)
        (directory / filename).chmod(0o600)
    return key


def _read_authorized(keys: Any) -> list[asyncssh.SSHKey]:
    if not keys:
        return []
    if isinstance(keys, (str, Path)):
        return [
            asyncssh.import_public_key(line)
            for line in Path(keys).read_text().splitlines()
            if line.strip() and not line.startswith("#")
        ]
    out = []
    for k in keys:
        if isinstance(k, asyncssh.SSHKey):
            out.append(k)
        else:
            out.append(asyncssh.import_public_key(k))
    return out


class LabServer:
    """Runs a Fleet's SSH servers in the current event loop."""

    def __init__(
        self,
        fleet: Fleet,
        *,
        host: str = "127.0.0.1",
        base_port: int = 0,
        username: str = "admin",
        password: str = "admin",  # noqa: S107 - documented lab default
        enable_secret: str = "enable",  # noqa: S107
        latency_ms: float = 0.0,
        authorized_keys: Any = None,
        key_dir: str | Path | None = None,
        minute_seconds: float = 60.0,
        snmp: SnmpOptions | None = None,
    ) -> None:
        self.fleet = fleet
        self.snmp = snmp
        self.host = host
        self.base_port = base_port
        self.options = LabOptions(
            username=username,
            password=password,
            enable_secret=enable_secret,
            latency_ms=latency_ms,
            minute_seconds=minute_seconds,
            authorized_keys=_read_authorized(authorized_keys),
        )
        self.key_dir = Path(key_dir) if key_dir else None
        self._listeners: list[Any] = []
        self._ports: dict[str, int] = {}
        self._runtimes: dict[str, DeviceRuntime] = {}
        self._connections: set[asyncssh.SSHServerConnection] = set()
        self._raw_writers: set[asyncio.StreamWriter] = set()
        self._keys: dict[str, asyncssh.SSHKey] = {}
        self._agents: dict[str, tuple[DeviceAgent, tuple[str, int]]] = {}

    # ---- lifecycle ------------------------------------------------------------------------------
    async def __aenter__(self) -> LabServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def _fleet_keys(self, legacy: bool) -> list[asyncssh.SSHKey]:
        wanted = (
            [("ssh-rsa", "ssh_host_rsa_key")]
            if legacy
            else [
                ("ssh-ed25519", "ssh_host_ed25519_key"),
                ("ecdsa-sha2-nistp256", "ssh_host_ecdsa_key"),
            ]
        )
        out = []
        for alg, name in wanted:
            if name not in self._keys:
                self._keys[name] = _load_or_create_key(self.key_dir, alg, name)
            out.append(self._keys[name])
        return out

    async def start(self) -> None:
        for spec in self.fleet.devices:
            port = self.base_port + spec.index if self.base_port else 0
            try:
                self._ports[spec.hostname] = await self._listen(spec, port)
                if self.snmp is not None:
                    rt = self.runtime(spec.hostname)
                    self._agents[spec.hostname] = await start_agent(rt, self.snmp)
            except BaseException:
                await self.stop()
                raise

    async def _listen(self, spec: DeviceSpec, port: int) -> int:
        if spec.faults.hang_at_banner:
            server = await asyncio.start_server(self._hang_at_banner, self.host, port)
            self._listeners.append(server)
            return server.sockets[0].getsockname()[1]
        legacy = spec.faults.legacy_kex
        if spec.faults.host_key_change:
            keys = [asyncssh.generate_private_key("ssh-rsa" if legacy else "ssh-ed25519")]
        else:
            keys = self._fleet_keys(legacy)
        extra = LEGACY_ALGS if legacy else {}
        acceptor = await asyncssh.create_server(
            lambda: _DeviceSSHServer(self, spec),
            self.host,
            port,
            server_host_keys=keys,
            process_factory=lambda process: self._session(spec, process),
            line_editor=False,
            encoding="utf-8",
            agent_forwarding=False,
            x11_forwarding=False,
            allow_scp=False,
            keepalive_interval=0,
            login_timeout=60,
            **extra,
        )
        self._listeners.append(acceptor)
        return acceptor.get_port()

    async def stop(self) -> None:
        for listener in self._listeners:
            listener.close()
        for conn in list(self._connections):
            conn.abort()
        for writer in list(self._raw_writers):
            writer.close()
        for agent, _addr in self._agents.values():
            agent.close()
        self._agents.clear()
        for rt in self._runtimes.values():
            rt.cancel_tasks()
        for listener in self._listeners:
            with contextlib.suppress(Exception):
                await listener.wait_closed()
        self._listeners.clear()
        await asyncio.sleep(0)

    async def serve_forever(self) -> None:
        await asyncio.Event().wait()

    # ---- per-connection -------------------------------------------------------------------------
    def runtime(self, hostname: str) -> DeviceRuntime:
        rt = self._runtimes.get(hostname)
        if rt is None:
            spec = self.fleet.by_hostname(hostname)
            rt = DeviceRuntime(spec, self.options, personality_for(spec.platform))
            rt.far_end_up = lambda ifname: self._far_end_up(spec, ifname)
            rt.observers.append(lambda event, user: self._tell_neighbours(spec, event, user))
            self._runtimes[hostname] = rt
        return rt

    def _far_end_up(self, spec: DeviceSpec, ifname: str) -> bool:
        """A link is up only while both ends are enabled: shutting one end downs the other."""
        for n in spec.neighbors:
            if n.local_if == ifname:
                far = self._runtimes.get(n.device.hostname)
                return far is None or far.admin_up(n.remote_if)  # not yet started: as generated
        return True

    def _tell_neighbours(self, spec: DeviceSpec, event: str, _user: str) -> None:
        """A change on one device may change its neighbours' link state (and their traps)."""
        if event != "change":
            return
        for n in spec.neighbors:
            agent = self._agents.get(n.device.hostname)
            if agent is not None:
                agent[0].neighbour_changed()

    async def _session(self, spec: DeviceSpec, process: asyncssh.SSHServerProcess) -> None:
        rt = self.runtime(spec.hostname)
        term = Terminal(process, spec.faults)
        username = process.get_extra_info("username") or self.options.username
        personality = rt.personality_cls(rt, term, username)
        rt.sessions.add(personality)
        try:
            if process.subsystem:
                process.stderr.write(f"subsystem {process.subsystem} not supported\n")
                process.exit(1)
                return
            if process.command:
                await personality.run_exec(process.command)
            else:
                await personality.run_shell()
        except SessionClosed:
            pass
        except (OSError, asyncssh.Error, asyncio.CancelledError):
            pass
        except Exception:  # a simulator bug must not kill the fleet
            log.exception("lab session on %s failed", spec.hostname)
        finally:
            rt.sessions.discard(personality)
            with contextlib.suppress(Exception):
                process.exit(0)

    async def _hang_at_banner(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self._raw_writers.add(writer)
        try:
            while await reader.read(4096):
                pass
        except (OSError, asyncio.CancelledError):
            pass
        finally:
            self._raw_writers.discard(writer)
            writer.close()

    # ---- what clients need -----------------------------------------------------------------------
    def port_of(self, hostname: str) -> int:
        return self._ports[hostname]

    def agent(self, hostname: str) -> DeviceAgent:
        return self._agents[hostname][0]

    def set_faults(self, hostname: str, text: str) -> None:
        """Add faults (`parse_fault` syntax) to a running device; `""` clears them all."""
        spec = self.fleet.by_hostname(hostname)
        spec.faults = spec.faults.merged(parse_fault(text)) if text else Faults()

    def _snmp_fields(self, hostname: str) -> dict[str, Any]:
        if hostname not in self._agents or self.snmp is None:
            return {}
        host, port = self._agents[hostname][1]
        return {
            "snmp_host": host,
            "snmp_port": port,
            "snmp_community": self.snmp.community,
            "snmp_v3_user": self.snmp.v3_user,
        }

    @property
    def devices(self) -> list[LabDevice]:
        o = self.options
        return [
            LabDevice(
                hostname=s.hostname,
                host=self.host,
                port=self._ports[s.hostname],
                platform=s.platform,
                vendor=s.vendor,
                model=s.model,
                serial_number=s.serial,
                os_version=s.os_version,
                role=s.role,
                site=s.site,
                tags=s.tags,
                username=o.username,
                password=o.password,
                enable_secret=o.enable_secret,
                **self._snmp_fields(s.hostname),
            )
            for s in self.fleet.devices
            if s.hostname in self._ports
        ]

    def device(self, hostname: str) -> LabDevice:
        for dev in self.devices:
            if dev.hostname == hostname:
                return dev
        raise KeyError(hostname)

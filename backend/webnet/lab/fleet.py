"""A fleet of simulated devices: generated from a seed or read from a YAML topology.

Every device gets a distinct hostname, serial, version, interfaces and addresses; links are
symmetric, so the LLDP/CDP neighbours each end reports agree with the other end.
"""

from __future__ import annotations

import ipaddress
import itertools
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .faults import FaultPlan, Faults, parse_fault
from .platforms import PLATFORMS, canonical_platform, expand_ifname, port_name

SITES = ("ams1", "fra1", "lon1", "par1", "nyc1", "sjc1", "sin1", "syd1")
ROLES = ("core", "edge", "aggregation", "access")


@dataclass
class Interface:
    name: str
    mac: str
    ip: str | None = None  # "a.b.c.d/len"
    description: str = ""
    connected: bool = False
    speed_mbps: int = 1000
    mtu: int = 1500


@dataclass
class Neighbor:
    local_if: str
    device: DeviceSpec
    remote_if: str


@dataclass
class DeviceSpec:
    index: int
    hostname: str
    platform: str
    model: str
    serial: str
    os_version: str
    role: str = "edge"
    site: str = "ams1"
    tags: tuple[str, ...] = ()
    mgmt_ip: str = "192.0.2.1/24"
    loopback_ip: str = "10.0.0.1/32"
    base_mac: str = "00:00:00:00:00:00"
    interfaces: list[Interface] = field(default_factory=list)
    neighbors: list[Neighbor] = field(default_factory=list)
    faults: Faults = field(default_factory=Faults)
    uptime_s: int = 86400

    @property
    def vendor(self) -> str:
        return PLATFORMS[self.platform].vendor

    @property
    def profile(self):  # -> PlatformProfile
        return PLATFORMS[self.platform]

    @property
    def mgmt_if(self) -> str:
        return PLATFORMS[self.platform].mgmt_if

    def interface(self, name: str) -> Interface | None:
        for iface in self.interfaces:
            if iface.name == name:
                return iface
        return None

    def free_port(self) -> Interface | None:
        for iface in self.interfaces:
            if not iface.connected:
                return iface
        return None

    def __repr__(self) -> str:  # neighbours are cyclic: keep repr short
        return f"DeviceSpec({self.hostname!r}, {self.platform!r})"


def _mac(oui: str, value: int) -> str:
    tail = value.to_bytes(3, "big")
    return oui + ":" + ":".join(f"{b:02x}" for b in tail)


def parse_platform_mix(mix: str | Iterable[str] | dict[str, int] | None, count: int) -> list[str]:
    """`cisco_ios:5,arista_eos:3` (weights), `cisco_ios,junos` (round robin) or a dict."""
    if mix is None or mix == "":
        names = list(PLATFORMS)
        return [names[i % len(names)] for i in range(count)]
    if isinstance(mix, str):
        mix = [p for p in mix.split(",") if p.strip()]
    if isinstance(mix, dict):
        weighted = [(canonical_platform(k), int(v)) for k, v in mix.items()]
    else:
        weighted = []
        for item in mix:
            name, _, weight = item.partition(":")
            weighted.append((canonical_platform(name), int(weight) if weight else 1))
    total = sum(w for _, w in weighted) or 1
    # spread proportionally, then round-robin the remainder, interleaved for variety
    quota = [(name, count * w // total) for name, w in weighted]
    short = count - sum(q for _, q in quota)
    quota = [(n, q + (1 if i < short else 0)) for i, (n, q) in enumerate(quota)]
    out: list[str] = []
    pools = [[n] * q for n, q in quota]
    while any(pools):
        for pool in pools:
            if pool:
                out.append(pool.pop())
    return out


@dataclass
class Fleet:
    devices: list[DeviceSpec]
    links: list[tuple[tuple[str, str], tuple[str, str]]] = field(default_factory=list)

    def __iter__(self):
        return iter(self.devices)

    def __len__(self) -> int:
        return len(self.devices)

    def by_hostname(self, hostname: str) -> DeviceSpec:
        for dev in self.devices:
            if dev.hostname == hostname:
                return dev
        raise KeyError(hostname)

    # ---- construction -------------------------------------------------------------------
    @classmethod
    def generate(
        cls,
        count: int = 10,
        platforms: str | Iterable[str] | dict[str, int] | None = None,
        seed: int = 1,
        hostname_prefix: str = "R",
        faults: FaultPlan | Iterable[str] | None = None,
        extra_links: float = 0.5,
        ports: int | None = None,
    ) -> Fleet:
        """`count` devices, a ring plus random chords (`extra_links` per device), seeded;
        `ports` physical interfaces each (default: the platform's)."""
        rng = random.Random(seed)
        plan = _as_plan(faults)
        kinds = parse_platform_mix(platforms, count)
        devices = [
            _make_device(i, f"{hostname_prefix}{i + 1}", kinds[i], rng, plan, ports)
            for i in range(count)
        ]
        fleet = cls(devices)
        if count > 1:
            for i in range(count if count > 2 else 1):
                fleet.connect(devices[i], devices[(i + 1) % count])
            for _ in range(int(count * extra_links)):
                a, b = rng.sample(devices, 2)
                if a.free_port() and b.free_port() and not _linked(a, b):
                    fleet.connect(a, b)
        return fleet

    @classmethod
    def from_yaml(
        cls, path: str | Path, seed: int = 1, faults: FaultPlan | Iterable[str] | None = None
    ) -> Fleet:
        """Read a topology file (see docs/lab.md)."""
        import yaml

        data = yaml.safe_load(Path(path).read_text()) or {}
        return cls.from_dict(data, seed=seed, faults=faults)

    @classmethod
    def from_dict(
        cls, data: dict, seed: int = 1, faults: FaultPlan | Iterable[str] | None = None
    ) -> Fleet:
        rng = random.Random(data.get("seed", seed))
        plan = _as_plan(faults)
        defaults = data.get("defaults") or {}
        devices: list[DeviceSpec] = []
        for i, entry in enumerate(data.get("devices") or []):
            entry = {**defaults, **(entry if isinstance(entry, dict) else {"hostname": entry})}
            platform = canonical_platform(entry.get("platform", "cisco_ios"))
            dev = _make_device(i, str(entry.get("hostname") or f"R{i + 1}"), platform, rng, plan)
            for key in ("model", "serial", "os_version", "role", "site"):
                if entry.get(key):
                    setattr(dev, key, str(entry[key]))
            if "tags" in entry:
                tags = entry["tags"]
                dev.tags = tuple(tags.split(";") if isinstance(tags, str) else tags)
            if entry.get("faults"):
                spec = entry["faults"]
                if isinstance(spec, dict):
                    spec = "+".join(f"{k}:{v}" if v is not True else k for k, v in spec.items())
                elif isinstance(spec, list):
                    spec = "+".join(spec)
                dev.faults = dev.faults.merged(parse_fault(str(spec)))
            devices.append(dev)
        fleet = cls(devices)
        for link in data.get("links") or []:
            fleet._link_from_yaml(link)
        return fleet

    def _link_from_yaml(self, link) -> None:
        if isinstance(link, str):
            link = [p.strip() for p in link.replace("--", " ").split()]
        if isinstance(link, dict):
            link = [link.get("a"), link.get("b")]
        ends = []
        for end in link:
            host, _, ifname = str(end).partition(":")
            dev = self.by_hostname(host)
            ends.append((dev, expand_ifname(ifname, dev.platform) if ifname else None))
        (a, a_if), (b, b_if) = ends
        self.connect(a, b, a_if, b_if)

    def connect(
        self, a: DeviceSpec, b: DeviceSpec, a_if: str | None = None, b_if: str | None = None
    ) -> None:
        ia = a.interface(a_if) if a_if else a.free_port()
        ib = b.interface(b_if) if b_if else b.free_port()
        if ia is None or ib is None:
            raise ValueError(f"no free interface for link {a.hostname} -- {b.hostname}")
        if ia.connected or ib.connected:
            raise ValueError(f"interface already linked: {a.hostname} {ia.name} / {b.hostname}")
        k = len(self.links)
        net = ipaddress.IPv4Address("10.128.0.0") + 2 * k
        ia.ip, ib.ip = f"{net}/31", f"{net + 1}/31"
        ia.connected = ib.connected = True
        ia.description = f"to {b.hostname} {ib.name}"
        ib.description = f"to {a.hostname} {ia.name}"
        a.neighbors.append(Neighbor(ia.name, b, ib.name))
        b.neighbors.append(Neighbor(ib.name, a, ia.name))
        self.links.append(((a.hostname, ia.name), (b.hostname, ib.name)))


def _linked(a: DeviceSpec, b: DeviceSpec) -> bool:
    return any(n.device is b for n in a.neighbors)


def _as_plan(faults: FaultPlan | Iterable[str] | None) -> FaultPlan:
    if isinstance(faults, FaultPlan):
        return faults
    plan = FaultPlan()
    for spec in faults or ():
        plan.add(spec)
    return plan


_SERIAL_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"


def _serial(prefix: str, index: int, rng: random.Random) -> str:
    tail = "".join(rng.choice(_SERIAL_ALPHABET) for _ in range(4))
    return f"{prefix}{1900 + index % 9000:04d}{tail}"[:11]


def _make_device(
    i: int,
    hostname: str,
    platform: str,
    rng: random.Random,
    plan: FaultPlan,
    ports: int | None = None,
) -> DeviceSpec:
    prof = PLATFORMS[platform]
    oui_base = (i + 1) * 64
    mgmt = ipaddress.IPv4Address("172.16.0.0") + 10 + i
    loop = ipaddress.IPv4Address("10.255.0.0") + 1 + i
    # the management port keeps its name: port numbering skips it (IOS Gi0/15 with 24 ports)
    names = (port_name(platform, n) for n in itertools.count())
    wanted = prof.ports if ports is None else ports
    picked = list(itertools.islice((n for n in names if n != prof.mgmt_if), wanted))
    interfaces = [
        Interface(name, _mac(prof.mac_oui, oui_base + 1 + n), speed_mbps=prof.speed_mbps)
        for n, name in enumerate(picked)
    ]
    role = ROLES[i % len(ROLES)] if i else "core"
    site = SITES[(i // 25) % len(SITES)]
    return DeviceSpec(
        index=i,
        hostname=hostname,
        platform=platform,
        model=prof.models[rng.randrange(len(prof.models))],
        serial=_serial(prof.serial_prefix, i, rng),
        os_version=prof.versions[rng.randrange(len(prof.versions))],
        role=role,
        site=site,
        tags=("lab", prof.vendor, role),
        mgmt_ip=f"{mgmt}/16",
        loopback_ip=f"{loop}/32",
        base_mac=_mac(prof.mac_oui, oui_base),
        interfaces=interfaces,
        faults=plan.for_host(hostname),
        uptime_s=rng.randrange(3 * 86400, 400 * 86400),
    )

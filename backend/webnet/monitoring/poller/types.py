"""What the poller core is asked to read and what it hands back: the one contract between the
pure core (`webnet.monitoring.poller`) and the code that loads targets and stores results.

Raw values only: counters are stored as read; rates, wrap and reboot handling belong to the
persisting side, which knows the previous reading.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

SnmpVersion = Literal["v2c", "v3"]
PollOutcome = Literal["ok", "timeout", "auth_error", "error"]
PollPart = Literal["icmp", "system", "interfaces", "cpu_mem", "custom"]


@dataclass(frozen=True, slots=True)
class SnmpAuth:
    """Decrypted SNMP credentials; never logged, never stored in a result."""

    version: SnmpVersion = "v2c"
    community: str = ""
    username: str = ""
    auth_protocol: str = ""  # "", "MD5", "SHA", "SHA-256", ...
    auth_key: str = ""
    priv_protocol: str = ""  # "", "DES", "AES", "AES-256", ...
    priv_key: str = ""


@dataclass(frozen=True, slots=True)
class PollTarget:
    device_id: int
    address: str
    port: int = 161
    auth: SnmpAuth = field(default_factory=SnmpAuth)
    parts: frozenset[str] = frozenset({"icmp", "system", "interfaces", "cpu_mem"})
    custom_oids: tuple[str, ...] = ()
    timeout_s: float = 2.0
    retries: int = 1
    interval_s: float = 0.0  # its profile's; 0 (or ≤ the cycle's interval): every cycle


@dataclass(frozen=True, slots=True)
class IcmpResult:
    sent: int
    received: int
    rtt_avg_ms: float | None
    rtt_max_ms: float | None
    jitter_ms: float | None

    @property
    def loss_pct(self) -> float:
        return 100.0 if self.sent == 0 else 100.0 * (self.sent - self.received) / self.sent


@dataclass(frozen=True, slots=True)
class InterfaceReading:
    if_index: int
    name: str = ""
    descr: str = ""
    alias: str = ""
    admin_status: int = 0  # IF-MIB: 1 up, 2 down, 3 testing
    oper_status: int = 0  # IF-MIB: 1 up, 2 down, ... 7 lowerLayerDown
    speed_bps: int = 0  # ifHighSpeed × 10^6 when present, else ifSpeed
    in_octets: int | None = None  # ifHCInOctets (64-bit)
    out_octets: int | None = None
    in_errors: int | None = None
    out_errors: int | None = None
    in_discards: int | None = None
    out_discards: int | None = None


@dataclass(frozen=True, slots=True)
class DevicePoll:
    """One device × one cycle. `cycle` is the cycle's start (epoch seconds // interval), the key
    that makes storing a cycle idempotent."""

    device_id: int
    cycle: int
    started_at: float  # epoch seconds
    finished_at: float
    outcome: PollOutcome
    error: str = ""
    icmp: IcmpResult | None = None
    sys_name: str = ""
    sys_descr: str = ""
    sys_object_id: str = ""
    sys_uptime_ticks: int | None = None  # hundredths of a second since the agent restarted
    interfaces: tuple[InterfaceReading, ...] = ()
    cpu_pct: float | None = None
    mem_used_pct: float | None = None
    custom: tuple[tuple[str, str], ...] = ()  # (numeric OID, value as text)
    varbinds: int = 0

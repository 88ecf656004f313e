"""Realism knobs and fault modes, per device or fleet-wide.

Spec syntax (CLI `--fault`, YAML `faults:`): `NAME=fault[:arg][+fault[:arg]...]` where NAME is a
hostname, a glob (`R1*`) or `*` for the whole fleet. Faults:

    latency:MS                per-command latency in milliseconds
    slow_output[:CPS]         output trickles at CPS characters per second (default 2000)
    auth_failure              every authentication attempt is refused
    hang_at_banner            TCP accepted, the SSH identification string never comes
    hang_after_command[:CMD]  the session stops answering after a command starting with CMD
                              (default `show`)
    disconnect_mid_output[:CMD]  half the output of CMD (default `show`), then the TCP drops
    garbage_output[:CMD]      control bytes and junk lines mixed into CMD's output (default `show`)
    syslog_line[:CMD]         a syslog message (`terminal monitor`) lands in the middle of CMD's
                              output (default `show`)
    huge_output[:LINES]       running config padded to LINES extra lines (default 200000)
    host_key_change           a fresh host key every time the lab starts
    legacy_kex                only diffie-hellman-group1/14-sha1 key exchange and ssh-rsa host key
    prompt:STYLE              Junos prompt without `user@`: `hostname` (`R1>`) or `root`
                              (`root>`, a factory-default box with no host name set)
    config_refused[:TEXT]     the running-configuration command answers TEXT alone (default
                              `Command authorization failed.`, an AAA server refusing it)
    snmp_timeout              the SNMP agent never answers
    snmp_slow[:MS]            the SNMP agent answers MS milliseconds late (default 2000)
    snmp_wrong_community[:C]  the agent's community is C (default `not-public`): v2c requests
                              with the lab's community get no answer, v3 ones a wrongDigests report
    counter_wrap[:SECONDS]    interface counters wrap (2^64, and so 2^32) SECONDS after the
                              fault is seen (default 60)
    reboot[:SECONDS]          the device reboots every SECONDS (default 300): sysUpTime and
                              counters restart from 0, a coldStart trap is sent
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field, fields, replace


@dataclass(frozen=True)
class Faults:
    latency_ms: float = 0.0
    slow_output_cps: int = 0
    auth_failure: bool = False
    hang_at_banner: bool = False
    hang_after_command: str | None = None
    disconnect_mid_output: str | None = None
    garbage_output: str | None = None
    syslog_line: str | None = None
    huge_output_lines: int = 0
    host_key_change: bool = False
    legacy_kex: bool = False
    prompt: str | None = None
    config_refused: str | None = None
    snmp_timeout: bool = False
    snmp_delay_ms: float = 0.0
    snmp_wrong_community: str | None = None
    counter_wrap_s: float = 0.0
    reboot_s: float = 0.0

    def merged(self, other: Faults) -> Faults:
        """`other`'s non-default values win."""
        changes = {
            f.name: getattr(other, f.name)
            for f in fields(other)
            if getattr(other, f.name) != f.default
        }
        return replace(self, **changes)

    def active(self) -> list[str]:
        return [f.name for f in fields(self) if getattr(self, f.name) != f.default]


PROMPT_STYLES = ("hostname", "root")

_ALIASES = {
    "latency_ms": "latency",
    "slow": "slow_output",
    "huge": "huge_output",
    "legacy_kex_only": "legacy_kex",
    "garbage": "garbage_output",
    "disconnect": "disconnect_mid_output",
    "hang": "hang_after_command",
    "snmp_delay": "snmp_slow",
}


def parse_fault(text: str) -> Faults:
    """`latency:50+auth_failure` -> Faults(latency_ms=50, auth_failure=True)."""
    out: dict[str, object] = {}
    for part in filter(None, (p.strip() for p in text.replace(",", "+").split("+"))):
        name, _, arg = part.partition(":")
        name = _ALIASES.get(name.strip().lower(), name.strip().lower())
        arg = arg.strip()
        if name == "latency":
            out["latency_ms"] = float(arg or 50)
        elif name == "slow_output":
            out["slow_output_cps"] = int(arg or 2000)
        elif name in (
            "auth_failure",
            "hang_at_banner",
            "host_key_change",
            "legacy_kex",
            "snmp_timeout",
        ):
            out[name] = True
        elif name in (
            "hang_after_command",
            "disconnect_mid_output",
            "garbage_output",
            "syslog_line",
        ):
            out[name] = arg or "show"
        elif name == "prompt":
            if arg not in PROMPT_STYLES:
                raise ValueError(f"prompt style must be one of {', '.join(PROMPT_STYLES)}")
            out["prompt"] = arg
        elif name == "config_refused":
            out["config_refused"] = arg or "Command authorization failed."
        elif name == "snmp_slow":
            out["snmp_delay_ms"] = float(arg or 2000)
        elif name == "snmp_wrong_community":
            out["snmp_wrong_community"] = arg or "not-public"
        elif name == "counter_wrap":
            out["counter_wrap_s"] = float(arg or 60)
        elif name == "reboot":
            out["reboot_s"] = float(arg or 300)
        elif name == "huge_output":
            out["huge_output_lines"] = int(arg or 200_000)
        else:
            raise ValueError(f"unknown fault {name!r}")
    return Faults(**out)  # type: ignore[arg-type]


@dataclass
class FaultPlan:
    """Ordered (pattern, faults) rules; later rules override earlier ones."""

    rules: list[tuple[str, Faults]] = field(default_factory=list)

    def add(self, spec: str) -> None:
        target, sep, fault = spec.partition("=")
        if not sep:
            target, fault = "*", spec
        self.rules.append((target.strip() or "*", parse_fault(fault)))

    def for_host(self, hostname: str, base: Faults | None = None) -> Faults:
        result = base or Faults()
        for pattern, faults in self.rules:
            if fnmatch.fnmatchcase(hostname, pattern):
                result = result.merged(faults)
        return result


def command_matches(pattern: str | None, command: str) -> bool:
    if pattern is None:
        return False
    return pattern in ("*", "any") or command.strip().lower().startswith(pattern.lower())

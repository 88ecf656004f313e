"""Arista EOS: `R1>`/`R1#`, three-space indented config, `configure session` with commit/abort."""

from __future__ import annotations

import difflib

from ..commands import MatchError
from ..fleet import DeviceSpec
from ..platforms import short_ifname
from ..render import eos as r
from .base import command, rendered
from .cisco import CiscoLike, interface_stanzas

SECTIONS_EOS = (
    ("interface", "config-if"),
    ("router", "config-router"),
    ("vlan", "config-vlan"),
    ("ip access-list", "config-acl"),
    ("route-map", "config-route-map"),
    ("management", "config-mgmt"),
    ("vrf instance", "config-vrf"),
    ("daemon", "config-daemon"),
    ("ip prefix-list", None),
    ("mlag configuration", "config-mlag"),
)
SUBSECTIONS_EOS = (("address-family", "config-router-bgp-af"), ("vrf", "config-router-bgp-vrf"))


def eos_initial_lines(spec: DeviceSpec) -> list[str]:
    lines = [
        "no aaa root",
        "username admin privilege 1 role network-operator secret sha512 "
        "$6$lab$ZJ7zq0r3m3E0m3tQ3H2Kc1u8wS0bXr2y1lHq7dF6pN4eW9sT5aR8vB0cU1iO2pL3kJ4hG5fD6sA7",
        "transceiver qsfp default-mode 4x10G",
        "service routing protocols model multi-agent",
        f"hostname {spec.hostname}",
        "ip name-server vrf default 192.0.2.53",
        "spanning-tree mode mstp",
        "lldp run",
    ]
    lines += interface_stanzas(
        spec, "   ", lambda ip: ["no switchport", f"ip address {ip}"], ["shutdown"]
    )
    lines += [
        "interface Loopback0",
        f"   ip address {spec.loopback_ip}",
        f"interface {spec.mgmt_if}",
        f"   ip address {spec.mgmt_ip}",
        "ip routing",
        "ip route 0.0.0.0/0 172.16.0.1",
        "router ospf 1",
        f"   router-id {spec.loopback_ip.split('/')[0]}",
        "   network 10.128.0.0/16 area 0.0.0.0",
        "   max-lsa 12000",
        "management api http-commands",
        "   no shutdown",
    ]
    return lines


class EOS(CiscoLike):
    platform = "arista_eos"
    render = r
    initial_lines = staticmethod(eos_initial_lines)
    vendor_family = "arista"
    show_in_config = True
    sections = SECTIONS_EOS
    subsections = SUBSECTIONS_EOS
    tree_kwargs = {"indent": 3, "separator": "!"}
    config_banner = ""

    def __init__(self, rt, term, username) -> None:
        super().__init__(rt, term, username)
        self.session_name: str | None = None

    def prompt(self) -> str:
        if self.in_config and self.session_name:
            tail = "-" + self.modes[-1][len("config-") :] if self.modes else ""
            return f"{self.hostname}(config-s-{self.session_name[:6]}{tail})#"
        return super().prompt()

    def mode_name(self, line: str, mode: str) -> str:
        words = line.split()
        if words[0] == "interface":
            return f"config-if-{short_ifname(words[1], self.platform)}"
        if words[0] in ("router", "vlan") and len(words) > 1:
            return f"{mode}-{words[1]}"
        if words[0] == "ip" and len(words) > 2:
            return f"config-acl-{words[-1]}"
        return mode

    def format_error(self, err: MatchError, line: str) -> str:
        if err.kind == "ambiguous":
            return "% Ambiguous command\n"
        if err.kind == "incomplete":
            return "% Incomplete command\n"
        return f"% Invalid input (at token {err.token_index}: '{err.token}')\n"

    def format_error_at(self, pos: int, token: str) -> str:
        return f"% Invalid input (at token 0: '{token}')\n"

    def save_output(self) -> str:
        return "Copy completed successfully.\n"

    def render_startup(self) -> str:
        return r.running_config(self.rt, self.rt.startup)

    # ---- configure sessions ------------------------------------------------------------------
    @command("configure session <arg>", priv=15)
    def configure_session(self, name: str) -> None:
        self.session_name = name
        pending = self.rt.pending.get(name)
        self.candidate = pending if pending is not None else self.rt.running.copy()
        self.rt.pending[name] = self.candidate
        self.enter_config()

    def leave_config(self) -> None:
        super().leave_config()
        self.session_name = None
        self.candidate = None  # an uncommitted session stays pending under its name

    async def config_special(self, line: str) -> str | None:
        words = line.split()
        if not self.session_name:
            return None
        if words[0] == "commit":
            self.rt.running = self.candidate  # type: ignore[assignment]
            self.rt.pending.pop(self.session_name, None)
            self.rt.touch(self.username)
            self.leave_config()
            return ""
        if words[0] == "abort":
            self.rt.pending.pop(self.session_name, None)
            self.leave_config()
            return ""
        if words[:2] == ["show", "session-config"]:
            if len(words) > 2 and words[2] == "diffs":
                return self.session_diff()
            return r.running_config(self.rt, self.candidate)
        return None

    def session_diff(self) -> str:
        old = r.running_config(self.rt).splitlines()
        new = r.running_config(self.rt, self.candidate).splitlines()
        diff = difflib.unified_diff(
            old,
            new,
            "system:/running-config",
            f"session:/{self.session_name}-session-config",
            lineterm="",
        )
        return "\n".join(diff) + "\n"

    @command("show configuration sessions")
    def show_sessions(self) -> str:
        out = [
            "Maximum number of completed sessions: 1",
            "Maximum number of pending sessions: 5",
            "",
            "  Name         State         User     Terminal",
            "  ----------   -----------   ---",
        ]
        out += [f"  {name:<13}pending       {self.username}" for name in self.rt.pending]
        return "\n".join(out) + "\n"

    @command("terminal length <arg>", "terminal len <arg>")
    def cmd_term_length(self, n: str) -> str | None:
        err = super().cmd_term_length(n)
        return err or ("Pagination disabled.\n" if n == "0" else f"Pagination set to {n} lines.\n")

    @command("terminal width <arg>")
    def cmd_term_width(self, n: str) -> str | None:
        return super().cmd_term_width(n) or f"Width set to {n} columns.\n"

    # ---- show commands -------------------------------------------------------------------------
    show_lldp = rendered("show_lldp", "show lldp neighbors")

    @command("show hostname")
    def show_hostname(self) -> str:
        return f"Hostname: {self.hostname}\nFQDN:     {self.hostname}\n"

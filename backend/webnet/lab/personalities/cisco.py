"""Cisco-style CLI shared by IOS/IOS-XE, NX-OS, EOS and IOS-XR: privilege, config mode, saves."""

from __future__ import annotations

import time
from typing import ClassVar

from ..commands import tokenize
from ..configtree import SECTIONS_IOS, SUBSECTIONS_IOS, ConfigTree, section_mode
from ..platforms import expand_ifname
from ..terminal import CTRL_C, CTRL_Z
from .base import Personality, command

# first words a config line may start with; anything else is rejected like a real parser would
CONFIG_WORDS = frozenset(
    [
        "aaa",
        "access-list",
        "address-family",
        "alias",
        "archive",
        "arp",
        "authentication",
        "bandwidth",
        "banner",
        "bfd",
        "boot",
        "bridge",
        "cdp",
        "channel-group",
        "class",
        "class-map",
        "clock",
        "control-plane",
        "controller",
        "crypto",
        "default",
        "default-metric",
        "default-information",
        "delay",
        "description",
        "dial-peer",
        "distance",
        "dns",
        "domain",
        "dot1x",
        "duplex",
        "enable",
        "encapsulation",
        "end-policy",
        "errdisable",
        "event",
        "exec-timeout",
        "exit-address-family",
        "feature",
        "flow",
        "hostname",
        "hardware",
        "interface",
        "ip",
        "ipv4",
        "ipv6",
        "isis",
        "key",
        "keepalive",
        "l2vpn",
        "lacp",
        "license",
        "line",
        "link",
        "lldp",
        "load-interval",
        "logging",
        "login",
        "mac",
        "management",
        "match",
        "media-type",
        "mpls",
        "mtu",
        "multilink",
        "name",
        "negotiation",
        "neighbor",
        "network",
        "no",
        "ntp",
        "object-group",
        "passive-interface",
        "password",
        "peer",
        "platform",
        "police",
        "policy-map",
        "port-channel",
        "power",
        "prefix-list",
        "prefix-set",
        "privilege",
        "queue-monitor",
        "radius",
        "redistribute",
        "redundancy",
        "remote-as",
        "route-map",
        "route-policy",
        "router",
        "router-id",
        "rpl",
        "security",
        "service",
        "service-policy",
        "session",
        "set",
        "shutdown",
        "snmp",
        "snmp-server",
        "source",
        "spanning-tree",
        "speed",
        "ssh",
        "standby",
        "storm-control",
        "summary-address",
        "switchport",
        "system",
        "tacacs",
        "tacacs-server",
        "telemetry",
        "template",
        "timers",
        "track",
        "transport",
        "udld",
        "update-source",
        "username",
        "usergroup",
        "version",
        "vlan",
        "vpc",
        "vrf",
        "vrrp",
        "vtp",
        "wred",
        "xconnect",
        "commit-confirmed",
    ]
)


class CiscoLike(Personality):
    sections: ClassVar[tuple] = SECTIONS_IOS
    subsections: ClassVar[tuple] = SUBSECTIONS_IOS
    show_in_config: ClassVar[bool] = False
    login_priv: ClassVar[int] = 1
    tree_kwargs: ClassVar[dict] = {"indent": 1}
    addr_key: ClassVar[str] = "ip address"
    config_banner: ClassVar[str] = "Enter configuration commands, one per line.  End with CNTL/Z."

    def __init__(self, rt, term, username) -> None:
        super().__init__(rt, term, username)
        self.priv = self.login_priv
        self.in_config = False
        self.path: list[str] = []
        self.modes: list[str] = []
        self.candidate: ConfigTree | None = None

    # ---- state ------------------------------------------------------------------------------
    @classmethod
    def hostname_of(cls, tree: ConfigTree) -> str | None:
        for node in tree.root.children:
            if node.text.startswith("hostname "):
                return node.text.split(None, 1)[1]
        return None

    @property
    def tree(self) -> ConfigTree:
        return self.candidate if self.candidate is not None else self.rt.running

    def prompt(self) -> str:
        if self.in_config:
            return f"{self.hostname}({self.modes[-1] if self.modes else 'config'})#"
        return f"{self.hostname}{'#' if self.priv >= 15 else '>'}"

    async def execute(self, line: str) -> str | None:
        if self.in_config:
            return await self.config_line(line)
        return await super().execute(line)

    def on_interrupt(self, key: str) -> None:
        if self.in_config and key in (CTRL_Z, CTRL_C):
            self.leave_config()

    # ---- exec commands ------------------------------------------------------------------------
    @command("enable", "enable <arg>")
    async def cmd_enable(self, level: str = "15") -> str | None:
        if self.priv >= 15:
            return None
        secret = self.rt.options.enable_secret
        if secret:
            assert self.term is not None
            answer = await self.term.ask("Password: ", echo=False)
            if self.term.pty:
                self.term.write("\n")
            if answer != secret:
                return "% Access denied\n" if self.vendor_family == "arista" else "% Bad secrets\n"
        self.priv = 15
        return None

    @command("disable")
    def cmd_disable(self) -> None:
        self.priv = self.login_priv

    @command("terminal length <arg>", "terminal len <arg>")
    def cmd_term_length(self, n: str) -> str | None:
        if not n.isdigit():
            return self.invalid_at(n)
        assert self.term is not None
        self.term.page_length = int(n)
        return None

    @command("terminal width <arg>")
    def cmd_term_width(self, n: str) -> str | None:
        if not n.isdigit():
            return self.invalid_at(n)
        assert self.term is not None
        self.term.width = int(n)
        return None

    @command(
        "terminal monitor",
        "terminal no monitor",
        "terminal exec prompt timestamp",
        "terminal session-timeout <arg>",
        "terminal dont-ask",
    )
    def cmd_term_misc(self, *args: str) -> None:
        return None

    @command("exit", "logout", "quit")
    def cmd_exit(self) -> None:
        self.close()

    @command("configure terminal", "configure", priv=15)
    async def cmd_configure(self) -> str | None:
        self.enter_config()
        return self.config_banner or None

    @command("write memory", "write", "copy running-config startup-config", priv=15)
    async def cmd_write(self) -> str:
        self.rt.startup = self.rt.running.copy()
        self.rt.saved_at = time.time()
        return self.save_output()

    def save_output(self) -> str:
        return "Building configuration...\n[OK]\n"

    @command("show running-config", "show running-config <rest>", priv=15)
    def cmd_show_run(self, rest: str = "") -> str:
        if rest:
            words = rest.split()
            if words[0].lower().startswith("int") and len(words) > 1:
                name = expand_ifname(" ".join(words[1:]), self.platform)
                return self.running_section(f"interface {name}")
            return self.render_running()
        return self.render_running()

    def running_section(self, header: str) -> str:
        node = self.rt.running.section(header)
        if node is None:
            return self.invalid_at(header.split()[-1])
        lines = [header] + [" " * self.tree.indent + c.text for c in node.children]
        return "Building configuration...\n\nCurrent configuration : {} bytes\n!\n{}\nend\n".format(
            sum(len(x) + 1 for x in lines), "\n".join(lines)
        )

    @command("show startup-config", priv=15)
    def cmd_show_start(self) -> str:
        return self.render_startup()

    # ---- config mode --------------------------------------------------------------------------
    def enter_config(self) -> None:
        self.in_config = True
        self.path, self.modes = [], []

    def leave_config(self) -> None:
        self.in_config = False
        self.path, self.modes = [], []

    async def config_line(self, line: str) -> str | None:
        words = line.split()
        first = words[0].lower()
        if first == "end":
            return self.leave_config() or None
        if first == "exit":
            if self.path:
                self.path.pop()
                self.modes.pop()
            else:
                self.leave_config()
            return None
        if first == "do" and len(words) > 1:
            return await self.run_command(line.split(None, 1)[1], self.table(15))
        special = await self.config_special(line)
        if special is not None:
            return special or None
        if self.show_in_config and first in ("sh", "sho", "show"):
            return await self.run_command(line, self.table(15))
        return self.apply_config(line)

    async def config_special(self, line: str) -> str | None:
        """Mode-specific commands (commit, abort, ...); None = not handled."""
        return None

    def normalize(self, line: str) -> str:
        words = line.split()
        if len(words) >= 2 and words[0] == "interface":
            return "interface " + expand_ifname(" ".join(words[1:]), self.platform)
        if len(words) >= 3 and words[:2] == ["no", "interface"]:
            return "no interface " + expand_ifname(" ".join(words[2:]), self.platform)
        return " ".join(words)

    def apply_config(self, line: str) -> str | None:
        line = self.normalize(line)
        words = line.split()
        if words[0].lower() not in CONFIG_WORDS:
            return self.invalid_at(words[0])
        tree = self.tree
        if words[0] == "no" and len(words) > 1:
            target = line[3:]
            if not self.path and section_mode(target, self.sections) is not False:
                tree.remove([], target)
            else:
                tree.remove(self.path, target)
                if (
                    target == self.addr_key
                    and self.path[:1]
                    and self.platform in ("cisco_ios", "cisco_iosxe")
                ):
                    tree.set_line(self.path, "no ip address")
            self.rt.touch(self.username)
            return None
        top = section_mode(line, self.sections)
        if top is not False and (not self.path or not self.nested_ok(line)):
            if top is None:
                tree.set_line([], line)
            else:
                self.path, self.modes = [line], [self.mode_name(line, top)]
                tree.node_at(self.path)
            self.rt.touch(self.username)
            return None
        sub = section_mode(line, self.subsections)
        if self.path and sub:
            self.path.append(line)
            self.modes.append(self.mode_name(line, sub))
            tree.node_at(self.path)
        else:
            tree.set_line(self.path, line)
        self.rt.touch(self.username)
        return None

    def nested_ok(self, line: str) -> bool:
        """Whether a section header may nest in the current section (vrf inside router...)."""
        return bool(section_mode(line, self.subsections))

    def mode_name(self, line: str, mode: str) -> str:
        return mode

    def invalid_at(self, token: str) -> str:
        return self.format_error_at(self.token_offset(self.current_line, token), token)

    def format_error_at(self, pos: int, token: str) -> str:
        caret = " " * (len(self.prompt()) + pos) + "^"
        return f"{caret}\n% Invalid input detected at '^' marker.\n"

    # ---- rendering hooks ------------------------------------------------------------------------
    def render_running(self) -> str:
        raise NotImplementedError

    def render_startup(self) -> str:
        raise NotImplementedError

    @staticmethod
    def token_offset(line: str, token: str) -> int:
        for pos, tok in tokenize(line):
            if tok == token:
                return pos
        return 0

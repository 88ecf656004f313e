"""Cisco-style CLI shared by IOS/IOS-XE, NX-OS, EOS and IOS-XR: privilege, config mode, saves."""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable
from typing import ClassVar

from ..commands import tokenize
from ..configtree import SECTIONS_IOS, SUBSECTIONS_IOS, ConfigTree, section_mode
from ..fleet import DeviceSpec
from ..platforms import expand_ifname
from ..terminal import CTRL_C, CTRL_Z
from .base import Personality, command, rendered
from .configwords import CONFIG_WORDS


def dotted_netmask(cidr: str) -> str:
    """`10.0.0.1/24` -> `10.0.0.1 255.255.255.0` (IOS and IOS-XR address syntax)."""
    address, _, prefixlen = cidr.partition("/")
    return f"{address} {ipaddress.IPv4Network(f'0.0.0.0/{prefixlen}').netmask}"


def interface_stanzas(
    spec: DeviceSpec,
    indent: str,
    addressed: Callable[[str], list[str]],
    unaddressed: list[str],
    always: tuple[str, ...] = (),
) -> list[str]:
    """The initial config's `interface` sections for the device's ports: description, then
    `addressed(its address)` or `unaddressed` lines, then `always`, each indented by `indent`."""
    lines: list[str] = []
    for iface in spec.interfaces:
        body = [f"description {iface.description}"] if iface.description else []
        body += addressed(iface.ip) if iface.ip else unaddressed
        lines += [f"interface {iface.name}", *(indent + line for line in [*body, *always])]
    return lines


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
        self.entered_with: list[str] = []

    # ---- state ------------------------------------------------------------------------------
    @staticmethod
    def initial_lines(spec: DeviceSpec) -> list[str]:
        """A new device's configuration, line by line."""
        raise NotImplementedError

    @classmethod
    def initial_config(cls, spec: DeviceSpec) -> ConfigTree:
        return ConfigTree.parse("\n".join(cls.initial_lines(spec)), **cls.tree_kwargs)

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
        return self.set_terminal("page_length", n)

    @command("terminal width <arg>")
    def cmd_term_width(self, n: str) -> str | None:
        return self.set_terminal("width", n)

    def set_terminal(self, attr: str, n: str) -> str | None:
        """`terminal length|width N`: sets the terminal's `attr`, or an error if N is no number."""
        if not n.isdigit():
            return self.invalid_at(n)
        assert self.term is not None
        setattr(self.term, attr, int(n))
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
        self.entered_with = self.rt.running.lines()

    def leave_config(self) -> None:
        if self.in_config and self.rt.running.lines() != self.entered_with:
            self.rt.notify("config", self.username)
        self.in_config = False
        self.path, self.modes = [], []

    async def config_line(self, line: str) -> str | None:
        words = line.split()
        first = words[0].lower()
        if first == "end":
            self.leave_config()
            return None
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
        for word in words[: 2 if words[0] == "no" else 1]:
            if word.lower() not in CONFIG_WORDS:
                return self.invalid_at(word)
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

    # ---- rendering ------------------------------------------------------------------------------
    def render_running(self) -> str:
        return self.render.running_config(self.rt)

    def render_startup(self) -> str:
        return self.render.running_config(self.rt, self.rt.startup, startup=True)

    show_version = rendered("show_version", "show version")
    show_ip_int_brief = rendered("show_ip_int_brief", "show ip interface brief")
    show_inventory = rendered("show_inventory", "show inventory")
    show_lldp_detail = rendered("show_lldp_detail", "show lldp neighbors detail")

    @command("show clock")
    def show_clock(self) -> str:
        return self.render.show_clock()

    @command("show interfaces", "show interfaces <rest>")
    def show_interfaces(self, name: str = "") -> str:
        if not name:
            return self.render.show_interfaces(self.rt) or ""
        out = self.render.show_interfaces(self.rt, self.interface_name(name))
        return out if out is not None else self.invalid_at(name.split()[0])

    def interface_name(self, name: str) -> str:
        """The full interface name a `show interfaces NAME` argument stands for."""
        return expand_ifname(name, self.platform)

    @staticmethod
    def token_offset(line: str, token: str) -> int:
        for pos, tok in tokenize(line):
            if tok == token:
                return pos
        return 0

"""Juniper Junos: `admin@R1>`, candidate configuration with `set`/`delete`, `show | compare`,
`commit`, `commit confirmed N` (rolled back unless confirmed), `rollback N`."""

from __future__ import annotations

import asyncio

from ..commands import MatchError, split_pipes
from ..fleet import DeviceSpec
from ..junosconfig import JunosConfig, split
from ..render import junos as r
from .base import Personality, command, rendered

SCREEN_WIDTH = 80


def junos_initial_config(spec: DeviceSpec) -> JunosConfig:
    loop = spec.loopback_ip
    lines = [
        f"set version {spec.os_version}",
        f"set system host-name {spec.hostname}",
        'set system root-authentication encrypted-password "$6$lab$Lq2Vt8Zr0pXy3"',
        "set system login user admin uid 2000",
        "set system login user admin class super-user",
        'set system login user admin authentication encrypted-password "$6$lab$Xk9Pq2Lm4Nb7"',
        "set system services ssh",
        "set system services netconf ssh",
        "set system syslog file messages any notice",
        "set system ntp server 192.0.2.123",
    ]
    for iface in spec.interfaces:
        if iface.description:
            lines.append(f'set interfaces {iface.name} description "{iface.description}"')
        if iface.ip:
            lines.append(f"set interfaces {iface.name} unit 0 family inet address {iface.ip}")
        else:
            lines.append(f"set interfaces {iface.name} disable")
    lines += [
        f"set interfaces fxp0 unit 0 family inet address {spec.mgmt_ip}",
        f"set interfaces lo0 unit 0 family inet address {loop}",
        f"set snmp location {spec.site}",
        "set routing-options static route 0.0.0.0/0 next-hop 172.16.0.1",
        f"set routing-options router-id {loop.split('/')[0]}",
    ]
    lines += [
        f"set protocols ospf area 0.0.0.0 interface {i.name}.0" for i in spec.interfaces if i.ip
    ]
    lines += [
        "set protocols ospf area 0.0.0.0 interface lo0.0 passive",
        "set protocols lldp interface all",
    ]
    return JunosConfig.from_set_lines("\n".join(lines))


class Junos(Personality):
    platform = "juniper_junos"
    render = r
    vendor_family = "juniper"
    more_prompt = "---(more {pct}%)---"
    running_config_commands = ("show configuration",)

    def __init__(self, rt, term, username) -> None:
        super().__init__(rt, term, username)
        self.in_config = False
        self.edit: list[str] = []
        self.special_pipes: list[str] = []
        if term is not None:
            term.more_erase = False

    @classmethod
    def initial_config(cls, spec: DeviceSpec) -> JunosConfig:
        return junos_initial_config(spec)

    @classmethod
    def hostname_of(cls, cfg: JunosConfig) -> str | None:
        return cfg.value("system", "host-name")

    @property
    def candidate(self) -> JunosConfig:
        cand = self.rt.pending.get("candidate")
        if cand is None:
            cand = self.rt.running.copy()
            self.rt.pending["candidate"] = cand
        return cand

    def banner(self) -> str:
        return f"--- JUNOS {self.rt.spec.os_version} Kernel 64-bit  JNPR-12.1-20230215.ab12cd\n"

    def prompt(self) -> str:
        who = self.prompt_name()
        if self.in_config:
            where = "[edit" + (" " + " ".join(self.edit) if self.edit else "") + "]"
            return f"\n{where}\n{who}# "
        return f"{who}> "

    def prompt_name(self) -> str:
        """`user@host`, or what the `prompt` knob asks for: `host`, or `root` (factory default)."""
        style = self.rt.spec.faults.prompt
        if style == "hostname":
            return self.hostname
        if style == "root":
            return "root"
        return f"{self.username}@{self.hostname}"

    def format_error(self, err: MatchError, line: str) -> str:
        caret = " " * (len(self.prompt().split("\n")[-1]) + err.position) + "^"
        if err.kind == "ambiguous":
            return f"{caret}\n'{err.token}' is ambiguous.\n"
        if err.kind == "incomplete":
            return f"{caret}\nsyntax error.\n"
        what = "unknown command." if err.token_index == 0 else "syntax error, expecting <command>."
        return f"{caret}\n{what}\n"

    def format_pipe_error(self, pipe: str) -> str:
        return "error: syntax error: " + pipe.split()[0] + "\n"

    async def execute(self, line: str) -> str | None:
        cmd, pipes = split_pipes(line)
        keep, self.special_pipes = [], []
        for p in pipes:
            if p in ("compare", "display set", "no-more") or p.startswith("display"):
                self.special_pipes.append(p)
            else:
                keep.append(p)
        line = " | ".join([cmd, *keep])
        if self.in_config:
            return await self.run_command(line, self.config_table())
        return await super().execute(line)

    @classmethod
    def config_table(cls):
        return cls.table(99, exact=True)

    # ---- operational mode ----------------------------------------------------------------------
    @command("set cli screen-length <arg>")
    def screen_length(self, n: str) -> str:
        assert self.term is not None
        self.term.page_length = int(n) if n.isdigit() else 0
        return f"Screen length set to {n}\n"

    @command("set cli screen-width <arg>")
    def screen_width(self, n: str) -> str:
        assert self.term is not None
        self.term.width = int(n) if n.isdigit() else SCREEN_WIDTH
        return f"Screen width set to {n}\n"

    @command("set cli complete-on-space off", "set cli complete-on-space on")
    def complete_on_space(self) -> str:
        return "Disabling complete-on-space\n"

    @command("set cli <rest>")
    def set_cli(self, rest: str) -> None:
        return None

    @command("exit", "quit")
    def exit(self) -> None:
        self.close()

    @command("configure", "configure private", "configure exclusive")
    def configure(self) -> str:
        self.in_config, self.edit = True, []
        changed = self.candidate != self.rt.running
        return "Entering configuration mode\n" + (
            "The configuration has been changed but not committed\n" if changed else ""
        )

    show_version = rendered("show_version", "show version")

    @command("show interfaces", "show interfaces <arg>")
    def show_interfaces(self, name: str = "") -> str:
        if name == "terse":
            return r.show_interfaces_terse(self.rt)
        out = r.show_interfaces(self.rt, name or None)
        return out if out is not None else f"error: device {name} not found\n"

    show_terse = rendered("show_interfaces_terse", "show interfaces terse")
    show_chassis_hardware = rendered("show_chassis_hardware", "show chassis hardware")
    show_lldp = rendered("show_lldp_neighbors", "show lldp neighbors")
    show_uptime = rendered("show_system_uptime", "show system uptime")

    @command("show configuration", "show configuration <rest>")
    def show_configuration(self, rest: str = "") -> str:
        return r.configuration(
            self.rt, display_set=self.display_set(), prefix=split(rest) if rest else None
        )

    @command("show system commit")
    def show_commit(self) -> str:
        out = []
        for i, (when, user, comment) in enumerate(reversed(self.rt.commits)):
            out.append(f"{i}   {r._stamp(when)} by {user} via cli {comment}".rstrip())
        return "\n".join(out) + "\n" if out else "\n"

    def display_set(self) -> bool:
        return any(p.startswith("display set") for p in self.special_pipes)

    # ---- configuration mode ----------------------------------------------------------------------
    @command("set <rest>", priv=99)
    def c_set(self, rest: str) -> str | None:
        tokens = self.edit + split(rest)
        if len(tokens) < 2:
            return "                    ^\nsyntax error.\n"
        self.candidate.set(tokens)
        return None

    @command("delete <rest>", priv=99)
    def c_delete(self, rest: str) -> str | None:
        if not self.candidate.delete(self.edit + split(rest)):
            return "warning: statement not found\n"
        return None

    @command("edit <rest>", priv=99)
    def c_edit(self, rest: str) -> None:
        self.edit = self.edit + split(rest)

    @command("up", "up <arg>", priv=99)
    def c_up(self, n: str = "1") -> None:
        self.edit = self.edit[: max(0, len(self.edit) - (int(n) if n.isdigit() else 1) * 2)]

    @command("top", priv=99)
    def c_top(self) -> None:
        self.edit = []

    @command("show", "show <rest>", priv=99)
    def c_show(self, rest: str = "") -> str:
        if "compare" in self.special_pipes:
            diff = self.rt.running.compare(self.candidate)
            return diff + "\n" if diff else "\n"
        prefix = self.edit + (split(rest) if rest else [])
        return r.configuration(self.rt, self.candidate, self.display_set(), prefix or None)

    @command("run <rest>", priv=99)
    async def c_run(self, rest: str) -> str | None:
        return await self.run_command(rest, self.table(15))

    @command("exit", "quit", "exit configuration-mode", priv=99)
    async def c_exit(self, *args: str) -> str | None:
        if self.edit and not args and "configuration" not in self.current_line:
            self.edit = []
            return None
        if self.candidate != self.rt.running:
            assert self.term is not None
            answer = await self.term.ask(
                "The configuration has been changed but not committed\n"
                "Exit with uncommitted changes? [yes,no] (yes) "
            )
            if (answer or "yes").strip().lower() not in ("", "y", "yes"):
                return None
        self.in_config, self.edit = False, []
        return "Exiting configuration mode\n"

    @command("rollback", "rollback <arg>", priv=99)
    def c_rollback(self, n: str = "0") -> str:
        k = int(n) if n.isdigit() else -1
        if k == 0:
            self.rt.pending["candidate"] = self.rt.running.copy()
        elif 0 < k <= len(self.rt.history):
            self.rt.pending["candidate"] = self.rt.history[k - 1].copy()
        else:
            return "error: Requested rollback configuration does not exist\n"
        return "load complete\n"

    @command("commit", "commit <rest>", priv=99)
    async def c_commit(self, rest: str = "") -> str:
        words = split(rest)
        if words[:1] == ["check"]:
            return "configuration check succeeds\n"
        rt = self.rt
        timer = rt.pending.pop("confirm_timer", None)
        if timer is not None:
            timer.cancel()
        if self.candidate != rt.running:
            rt.history.insert(0, rt.running)
            del rt.history[50:]
            rt.running = self.candidate.copy()
            rt.touch(self.username)
            rt.notify("config", self.username)
        comment = ""
        if "comment" in words:
            comment = words[words.index("comment") + 1].strip('"') if len(words) > 1 else ""
        rt.commits.append((rt.last_change, self.username, comment))
        out = ""
        if words[:1] == ["confirmed"]:
            minutes = int(words[1]) if len(words) > 1 and words[1].isdigit() else 10
            delay = minutes * rt.options.minute_seconds
            rt.pending["confirm_timer"] = rt.spawn(_rollback_unless_confirmed(rt, delay))
            out = (
                f"commit confirmed will be automatically rolled back in {minutes} minutes "
                "unless confirmed\ncommit complete\n\n# commit confirmed will be rolled back "
                f"in {minutes} minutes\n"
            )
        else:
            out = "commit complete\n"
        if "and-quit" in words:
            self.in_config, self.edit = False, []
            out += "Exiting configuration mode\n"
        return out


async def _rollback_unless_confirmed(rt, delay: float) -> None:
    await asyncio.sleep(delay)
    rt.pending.pop("confirm_timer", None)
    if rt.history:
        previous = rt.history.pop(0)
        rt.history.insert(0, rt.running)
        rt.running = previous.copy()
        rt.pending["candidate"] = previous.copy()
        rt.touch("root")
        rt.commits.append((rt.last_change, "root", "automatic rollback"))

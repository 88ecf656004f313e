"""Cisco IOS-XR: `RP/0/RP0/CPU0:R1#`, a candidate configuration that only `commit` applies."""

from __future__ import annotations

import asyncio
import difflib

from ..fleet import DeviceSpec
from ..render import iosxr as r
from .base import command, rendered
from .cisco import CiscoLike, dotted_netmask, interface_stanzas

SECTIONS_XR = (
    ("interface", "config-if"),
    ("router static", "config-static"),
    ("router ospf", "config-ospf"),
    ("router bgp", "config-bgp"),
    ("router isis", "config-isis"),
    ("router", "config-router"),
    ("vrf", "config-vrf"),
    ("line", "config-line"),
    ("lldp", "config-lldp"),
    ("route-policy", "config-rpl"),
    ("prefix-set", "config-pfx"),
    ("l2vpn", "config-l2vpn"),
    ("ssh", None),
    ("domain", None),
    ("logging", None),
    ("ntp", "config-ntp"),
)
SUBSECTIONS_XR = (
    ("address-family", "config-af"),
    ("neighbor", "config-nbr"),
    ("area", "config-ospf-ar"),
)


def xr_initial_lines(spec: DeviceSpec) -> list[str]:
    loop = spec.loopback_ip.split("/")[0]
    lines = [
        f"hostname {spec.hostname}",
        "clock timezone UTC 0",
        "logging console informational",
        "domain name lab.example.net",
        "username admin",
        " group root-lr",
        " group cisco-support",
        " secret 10 $6$lab$Zq1uJ8yR2mK5nB7vC9xL0wE3tY6uI8oP1aS4dF7gH0jK2lZ5xC8vB1nM4qW7eR0t",
        "interface Loopback0",
        f" ipv4 address {dotted_netmask(spec.loopback_ip)}",
        f"interface {spec.mgmt_if}",
        f" ipv4 address {dotted_netmask(spec.mgmt_ip)}",
    ]
    lines += interface_stanzas(
        spec, " ", lambda ip: [f"ipv4 address {dotted_netmask(ip)}"], ["shutdown"]
    )
    lines += [
        "router static",
        " address-family ipv4 unicast",
        "  0.0.0.0/0 172.16.0.1",
        "router ospf 1",
        f" router-id {loop}",
        " area 0",
        "  interface Loopback0",
        "lldp",
        "ssh server v2",
        "ssh server vrf default",
    ]
    return lines


class IOSXR(CiscoLike):
    platform = "cisco_iosxr"
    render = r
    initial_lines = staticmethod(xr_initial_lines)
    login_priv = 15
    show_in_config = True
    sections = SECTIONS_XR
    subsections = SUBSECTIONS_XR
    tree_kwargs = {"indent": 1, "separator": "!"}
    addr_key = "ipv4 address"
    config_banner = ""

    def prompt(self) -> str:
        return "RP/0/RP0/CPU0:" + super().prompt()

    def enter_config(self) -> None:
        super().enter_config()
        self.candidate = self.rt.running.copy()

    def changed(self) -> bool:
        return self.candidate is not None and self.candidate.lines() != self.rt.running.lines()

    async def run_command(self, line, table):
        out = await super().run_command(line, table)
        if out and line.lstrip().lower().startswith("sh") and not out.lstrip().startswith("^"):
            return r.stamp() + "\n" + out
        return out

    async def config_line(self, line: str) -> str | None:
        words = line.split()
        if words[0] == "end" and self.changed():
            assert self.term is not None
            answer = await self.term.ask(
                "Uncommitted changes found, commit them before exiting(yes/no/cancel)? [cancel]:"
            )
            answer = (answer or "").strip().lower()
            if answer.startswith("y"):
                self.commit()
            elif not answer.startswith("n"):
                return None
            self.leave_config()
            self.candidate = None
            return None
        return await super().config_line(line)

    def leave_config(self) -> None:
        super().leave_config()
        self.candidate = None

    async def config_special(self, line: str) -> str | None:
        words = line.split()
        if words[0] == "commit":
            if len(words) > 1 and words[1] == "confirmed":
                seconds = int(words[2]) if len(words) > 2 and words[2].isdigit() else 600
                return self.commit(confirm_seconds=seconds)
            return self.commit()
        if words[0] == "abort":
            self.leave_config()
            return ""
        if words[:2] == ["show", "configuration"] and len(words) == 2:
            return self.show_candidate()
        return None

    def commit(self, confirm_seconds: int = 0) -> str:
        rt = self.rt
        pending = getattr(rt, "xr_confirm", None)
        if pending is not None and not pending.done():
            pending.cancel()
        if not self.changed():
            return "% No configuration changes to commit.\n" if pending is None else ""
        rt.history.insert(0, rt.running)
        rt.running = self.candidate.copy()  # type: ignore[union-attr]
        rt.touch(self.username)
        commit_id = 1000000001 + len(rt.commits)
        rt.commits.append((rt.last_change, self.username, str(commit_id)))
        if confirm_seconds:
            scale = rt.options.minute_seconds / 60
            rt.xr_confirm = rt.spawn(_auto_rollback(rt, confirm_seconds * scale))  # type: ignore
        return ""

    def show_candidate(self) -> str:
        old = self.rt.running.lines()
        new = self.tree.lines()
        changes = [line[1:] for line in difflib.ndiff(old, new) if line.startswith("+ ")]
        return (
            "Building configuration...\n!! IOS XR Configuration "
            f"{self.rt.spec.os_version}\n" + "\n".join(changes) + "\nend\n"
        )

    def save_output(self) -> str:
        return ""

    def render_startup(self) -> str:
        return r.running_config(self.rt)

    @command("rollback configuration last <arg>", priv=15)
    def rollback_last(self, n: str) -> str:
        k = int(n) if n.isdigit() else 0
        if not 0 < k <= len(self.rt.history):
            return "% Requested rollback point is not available\n"
        self.rt.running = self.rt.history[k - 1].copy()
        self.rt.touch(self.username)
        return (
            "\nLoading Rollback Changes.\nLoaded Rollback Changes in 1 sec \n"
            "Committing.\n1 items committed in 1 sec (0)items/sec\nUpdating.\n"
            "Updated Commit database in 1 sec \nConfiguration successfully rolled back "
            f"{k} commits.\n"
        )

    @command("show configuration commit list")
    def commit_list(self) -> str:
        out = [
            "SNo. Label/ID              User      Line                Client      Time Stamp",
            "~~~~ ~~~~~~~~              ~~~~      ~~~~                ~~~~~~      ~~~~~~~~~~",
        ]
        for i, (_when, user, cid) in enumerate(reversed(self.rt.commits), start=1):
            out.append(f"{i:<5}{cid:<22}{user:<10}vty0:node0_RP0_CPU0 CLI         {r.stamp()}")
        return "\n".join(out) + "\n"

    @command("show clock")
    def show_clock(self) -> str:
        return r.stamp().split(".")[0][4:] + " UTC\n"

    show_ip_int_brief = rendered(
        "show_ip_int_brief", "show ip interface brief", "show ipv4 interface brief"
    )
    show_inventory = rendered("show_inventory", "show inventory", "admin show inventory")
    show_cdp_detail = rendered("show_cdp_detail", "show cdp neighbors detail")


async def _auto_rollback(rt, delay: float) -> None:
    await asyncio.sleep(delay)
    if rt.history:
        rt.running = rt.history.pop(0)
        rt.touch("system")

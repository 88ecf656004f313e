"""Cisco IOS and IOS-XE: `R1>`, `enable`, `R1#`, `R1(config-if)#`, `configure replace`."""

from __future__ import annotations

import time

from ..configtree import ConfigTree
from ..fleet import DeviceSpec
from ..render import ios as r
from .base import command, rendered
from .cisco import CiscoLike, dotted_netmask, interface_stanzas


def ios_initial_lines(spec: DeviceSpec) -> list[str]:
    major = (
        spec.os_version.split("(")[0].rsplit(".", 1)[0]
        if "(" in spec.os_version
        else ".".join(spec.os_version.split(".")[:2])
    )
    lines = [
        f"version {major}",
        "service timestamps debug datetime msec",
        "service timestamps log datetime msec",
        "no service password-encryption",
        f"hostname {spec.hostname}",
        "boot-start-marker",
        "boot-end-marker",
        "enable secret 9 $9$lab$0X1t5bJ0m6Zl9a1d1Wm5c0pXoQ2lq9fHc8eW3vZ.Ru2",
        "no aaa new-model",
        "no ip domain lookup",
        "ip domain name lab.example.net",
        "ip cef",
        "login on-success log",
        "username admin secret 9 $9$lab$8cR5Hf0lq8tUeJpQ9b4h0f3aH8qk3zK8nF1m2J4d6s",
        "lldp run",
        "cdp run",
        "interface Loopback0",
        f" ip address {dotted_netmask(spec.loopback_ip)}",
    ]
    lines += interface_stanzas(
        spec,
        " ",
        lambda ip: [f"ip address {dotted_netmask(ip)}"],
        ["no ip address", "shutdown"],
        always=("negotiation auto",),
    )
    lines += [
        f"interface {spec.mgmt_if}",
        " description management",
        f" ip address {dotted_netmask(spec.mgmt_ip)}",
        " negotiation auto",
        "router ospf 1",
        f" router-id {spec.loopback_ip.split('/')[0]}",
        " network 10.128.0.0 0.0.255.255 area 0",
        f" network {spec.loopback_ip.split('/')[0]} 0.0.0.0 area 0",
        "ip forward-protocol nd",
        "ip route 0.0.0.0 0.0.0.0 172.16.0.1",
        "ip ssh version 2",
        f"snmp-server location {spec.site}",
        "snmp-server contact noc@example.net",
        "ntp server 192.0.2.123",
        "line con 0",
        " exec-timeout 0 0",
        "line vty 0 4",
        " login local",
        " transport input ssh",
    ]
    return lines


class IOS(CiscoLike):
    platform = "cisco_ios"
    render = r
    initial_lines = staticmethod(ios_initial_lines)

    show_lldp = rendered("show_lldp", "show lldp neighbors")
    show_cdp_detail = rendered("show_cdp_detail", "show cdp neighbors detail")
    show_cdp = rendered("show_cdp", "show cdp neighbors")

    @command("show terminal")
    def show_terminal(self) -> str:
        assert self.term is not None
        return (
            f'Line 2, Location: "", Type: "XTERM"\nLength: {self.term.page_length} lines, '
            f"Width: {self.term.width} columns\n"
        )

    @command("show privilege")
    def show_privilege(self) -> str:
        return f"Current privilege level is {self.priv}\n"

    # ---- files and configure replace -----------------------------------------------------------
    @command("copy running-config <arg>", priv=15)
    async def copy_run(self, dest: str) -> str:
        if dest.lower().startswith("start"):
            return await self.cmd_write()
        assert self.term is not None
        name = dest.split(":", 1)[-1].lstrip("/") or "config.txt"
        answer = await self.term.ask(f"Destination filename [{name}]? ")
        name = (answer or "").strip() or name
        text = r.running_config(self.rt)
        self.rt.files[name] = text
        return f"\n{len(text)} bytes copied in 0.012 secs ({len(text) * 83} bytes/sec)\n"

    @command("dir", "dir <arg>", "show flash:", priv=15)
    def dir(self, *args: str) -> str:
        out = ["Directory of flash:/", ""]
        for i, (name, text) in enumerate(sorted(self.rt.files.items()), start=1):
            out.append(f"{i:>5}  -rw-  {len(text):>10}  Jan 1 2024 00:00:00 +00:00  {name}")
        out += ["", "2142715904 bytes total (2140000000 bytes free)"]
        return "\n".join(out) + "\n"

    @command("more <arg>", priv=15)
    def more(self, path: str) -> str:
        name = path.split(":", 1)[-1].lstrip("/")
        if name not in self.rt.files:
            return f"%Error opening {path} (No such file or directory)\n"
        return self.rt.files[name]

    @command(
        "configure replace <arg>",
        "configure replace <arg> force",
        "configure replace <arg> <rest>",
        priv=15,
    )
    async def configure_replace(self, path: str, rest: str = "force") -> str:
        name = path.split(":", 1)[-1].lstrip("/")
        if name not in self.rt.files:
            return f"%Error opening {path} (No such file or directory)\nRollback aborted.\n"
        if "force" not in (rest or self.current_line):
            assert self.term is not None
            answer = await self.term.ask(
                "This will apply all necessary additions and deletions\n"
                "to replace the current running configuration with the\n"
                "contents of the specified configuration file, which is\n"
                "assumed to be a complete configuration, not a partial\n"
                "configuration. Enter Y if you are sure you want to proceed. ? [no]: "
            )
            if (answer or "").strip().lower() not in ("y", "yes"):
                return "% Configuration replace aborted\n"
        self.rt.running = ConfigTree.parse(self.rt.files[name], **self.tree_kwargs)
        self.rt.touch(self.username)
        return "Total number of passes: 1\nRollback Done\n"

    @command("show archive", priv=15)
    def show_archive(self) -> str:
        names = "\n".join(f"   {i}        flash:{n}" for i, n in enumerate(self.rt.files, 1))
        return f"The maximum archive configurations allowed is 14.\n{names}\n"

    @command("reload", priv=15)
    def reload(self) -> str:
        return f"% Reload is disabled in the lab ({time.strftime('%H:%M')})\n"


class IOSXE(IOS):
    platform = "cisco_iosxe"

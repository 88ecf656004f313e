"""Cisco NX-OS: logs straight into `R1#`, show commands work in config mode, `no shutdown`
is written out explicitly, two-space indented running config."""

from __future__ import annotations

from ..commands import MatchError
from ..configtree import ConfigTree
from ..fleet import DeviceSpec
from ..render import nxos as r
from .base import command, rendered
from .cisco import CiscoLike, interface_stanzas

SECTIONS_NXOS = (
    ("interface", "config-if"),
    ("router", "config-router"),
    ("vrf context", "config-vrf"),
    ("vlan", "config-vlan"),
    ("ip access-list", "config-acl"),
    ("route-map", "config-route-map"),
    ("line console", "config-console"),
    ("line vty", "config-line"),
    ("vdc", "config-vdc"),
    ("class-map", "config-cmap-qos"),
    ("policy-map", "config-pmap-qos"),
    ("role", "config-role"),
    ("ip prefix-list", None),
)
SUBSECTIONS_NXOS = (
    ("address-family", "config-router-af"),
    ("neighbor", "config-router-neighbor"),
    ("vrf", "config-router-vrf"),
)


def nxos_initial_lines(spec: DeviceSpec) -> list[str]:
    loop = spec.loopback_ip
    lines = [
        f"version {spec.os_version} Bios:version 05.45",
        f"hostname {spec.hostname}",
        f"vdc {spec.hostname} id 1",
        "  limit-resource vlan minimum 16 maximum 4094",
        "  limit-resource vrf minimum 2 maximum 4096",
        "feature ospf",
        "feature interface-vlan",
        "feature lldp",
        "username admin password 5 $5$LABLAB$Y0Q2o6rJ5b7cGf9pV3nW1xZ8kT4uH6sM2dA0eR9iLq.  "
        "role network-admin",
        "ip domain-lookup",
        "copp profile strict",
        f"snmp-server location {spec.site}",
        "ntp server 192.0.2.123 use-vrf management",
        "vrf context management",
        "  ip route 0.0.0.0/0 172.16.0.1",
    ]
    lines += interface_stanzas(
        spec,
        "  ",
        lambda ip: [
            "no switchport",
            f"ip address {ip}",
            "ip router ospf 1 area 0.0.0.0",
            "no shutdown",
        ],
        ["shutdown"],
    )
    lines += [
        "interface mgmt0",
        "  vrf member management",
        f"  ip address {spec.mgmt_ip}",
        "interface loopback0",
        f"  ip address {loop}",
        "  ip router ospf 1 area 0.0.0.0",
        "line console",
        "line vty",
        "router ospf 1",
        f"  router-id {loop.split('/')[0]}",
    ]
    return lines


class NXOS(CiscoLike):
    platform = "cisco_nxos"
    render = r
    initial_lines = staticmethod(nxos_initial_lines)
    vendor_family = "cisco_nxos"
    login_priv = 15
    show_in_config = True
    sections = SECTIONS_NXOS
    subsections = SUBSECTIONS_NXOS
    tree_kwargs = {"indent": 2, "explicit_no_shutdown": True, "separator": ""}
    config_banner = "Enter configuration commands, one per line. End with CNTL/Z."

    def format_error(self, err: MatchError, line: str) -> str:
        caret = " " * (len(self.prompt()) + err.position) + "^"
        if err.kind == "ambiguous":
            return f"{caret}\n% Ambiguous command at '^' marker.\n"
        if err.kind == "incomplete":
            return "% Incomplete command at '^' marker.\n"
        return f"{caret}\n% Invalid command at '^' marker.\n"

    def format_error_at(self, pos: int, token: str) -> str:
        caret = " " * (len(self.prompt()) + pos) + "^"
        return f"{caret}\n% Invalid command at '^' marker.\n"

    def save_output(self) -> str:
        return (
            "[########################################] 100%\n"
            "Copy complete, now saving to disk (please wait)...\nCopy complete.\n"
        )

    @command("show interface", "show interfaces", "show interface <rest>")
    def show_interfaces(self, name: str = "") -> str:
        return super().show_interfaces(name)

    show_ip_int_brief = rendered(
        "show_ip_int_brief", "show ip interface brief", "show ip interface brief vrf <arg>"
    )
    show_cdp_detail = rendered("show_cdp_detail", "show cdp neighbors detail")

    @command("show hostname")
    def show_hostname(self) -> str:
        return self.hostname + "\n"

    @command("checkpoint <arg>", priv=15)
    def checkpoint(self, name: str) -> str:
        self.rt.files["checkpoint:" + name] = r.running_config(self.rt)
        return "Done\n"

    @command("rollback running-config checkpoint <arg>", priv=15)
    def rollback(self, name: str) -> str:
        text = self.rt.files.get("checkpoint:" + name)
        if text is None:
            return f"Checkpoint {name} does not exist\n"
        self.rt.running = ConfigTree.parse(text, **self.tree_kwargs)
        self.rt.touch(self.username)
        return (
            "Note: Applying config parallelly may fail Rollback verification\n"
            "Collecting Running-Config\n#Generating Rollback Patch\nExecuting Rollback Patch\n"
            "#Generating Running-config for verification\n#Generating Patch for verification\n"
            "Verification is Successful.\n\nRollback completed successfully.\n"
        )

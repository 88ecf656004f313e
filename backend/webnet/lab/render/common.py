"""Formatting helpers every vendor's show output uses."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..fleet import DeviceSpec, Neighbor

if TYPE_CHECKING:
    from ..devicestate import DeviceRuntime
    from ..ifview import IfView


def dotted_mac(mac: str) -> str:
    """`00:1e:7a:00:00:40` -> `001e.7a00.0040` (Cisco style)."""
    h = mac.replace(":", "").lower()
    return f"{h[0:4]}.{h[4:8]}.{h[8:12]}"


def dashed_mac(mac: str) -> str:
    return mac.replace(":", "-").upper()


def now_struct(epoch: float | None = None) -> time.struct_time:
    return time.gmtime(epoch if epoch is not None else time.time())


def cisco_clock(epoch: float | None = None) -> str:
    """`*10:00:00.123 UTC Mon Jan 1 2024`."""
    t = epoch if epoch is not None else time.time()
    st = now_struct(t)
    ms = int((t % 1) * 1000)
    return (
        f"*{time.strftime('%H:%M:%S', st)}.{ms:03d} UTC {time.strftime('%a %b', st)} "
        f"{st.tm_mday} {st.tm_year}"
    )


def cisco_change_stamp(epoch: float) -> str:
    st = now_struct(epoch)
    return (
        f"{time.strftime('%H:%M:%S', st)} UTC {time.strftime('%a %b', st)} {st.tm_mday} "
        f"{st.tm_year}"
    )


def compiled_stamp(version: str) -> str:
    """A stable, believable build date per version."""
    day = sum(map(ord, version)) % 27 + 1
    month = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")[
        len(version) % 12
    ]
    year = 19 + sum(map(ord, version)) % 5
    return f"{day:02d}-{month}-{year:02d} 10:{day + 10:02d}"


def ios_version_line(spec: DeviceSpec) -> str:
    if spec.platform == "cisco_iosxe":
        return (
            f"Cisco IOS Software [Cupertino], ISR Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), "
            f"Version {spec.os_version}, RELEASE SOFTWARE (fc3)"
        )
    return (
        f"Cisco IOS Software, {_ios_family(spec)} Software (VIOS-ADVENTERPRISEK9-M), "
        f"Version {spec.os_version}, RELEASE SOFTWARE (fc3)"
    )


def _ios_family(spec: DeviceSpec) -> str:
    return "IOSv" if spec.model == "IOSv" else "C2900" if "29" in spec.model else "C3900"


def sys_descr(spec: DeviceSpec) -> list[str]:
    """What LLDP/CDP neighbours see as the system description / version."""
    if spec.platform in ("cisco_ios", "cisco_iosxe"):
        return [
            ios_version_line(spec),
            "Technical Support: http://www.cisco.com/techsupport",
            "Copyright (c) 1986-2023 by Cisco Systems, Inc.",
            f"Compiled {compiled_stamp(spec.os_version)} by prod_rel_team",
        ]
    if spec.platform == "cisco_nxos":
        return [
            f"Cisco Nexus Operating System (NX-OS) Software {spec.os_version}",
            "TAC support: http://www.cisco.com/tac",
            "Copyright (c) 2002-2023, Cisco Systems, Inc. All rights reserved.",
        ]
    if spec.platform == "cisco_iosxr":
        return [
            f"Cisco IOS XR Software, Version {spec.os_version}",
            "Copyright (c) 2013-2023 by Cisco Systems, Inc.",
        ]
    if spec.platform == "arista_eos":
        return [
            f"Arista Networks EOS version {spec.os_version} running on an Arista Networks "
            f"{spec.model}"
        ]
    return [
        f"Juniper Networks, Inc. {spec.model} internet router, kernel JUNOS "
        f"{spec.os_version}, Build date: 2023-03-15 10:05:32 UTC Copyright (c) 1996-2023 "
        f"Juniper Networks, Inc."
    ]


def cdp_platform(spec: DeviceSpec) -> tuple[str, str]:
    if spec.platform == "cisco_nxos":
        return spec.model, "Router Switch IGMP Filtering Supports-STP-Dispute"
    if spec.platform == "cisco_iosxr":
        return f"cisco {spec.model}", "Router"
    return f"Cisco {spec.model}", "Router Source-Route-Bridge"


def lldp_caps(spec: DeviceSpec) -> str:
    return "B,R" if spec.platform in ("cisco_nxos", "arista_eos") else "R"


def ip_only(cidr: str) -> str:
    return cidr.split("/")[0]


def table(rows: list[list[str]], widths: list[int]) -> list[str]:
    out = []
    for row in rows:
        cells = [str(c).ljust(w) for c, w in zip(row, widths, strict=False)]
        out.append("".join(cells).rstrip() if len(row) == len(widths) else " ".join(row))
    return out


def lldp_port_id(spec: DeviceSpec, ifname: str) -> str:
    """How a device names its own port in the LLDP Port ID TLV."""
    if spec.platform in ("cisco_ios", "cisco_iosxe"):
        from ..platforms import short_ifname

        return short_ifname(ifname, spec.platform)
    return ifname


def nxos_clock(epoch: float | None = None) -> str:
    t = epoch if epoch is not None else time.time()
    st = now_struct(t)
    return (
        f"{time.strftime('%H:%M:%S', st)}.{int((t % 1) * 1000):03d} UTC "
        f"{time.strftime('%a %b %d %Y', st)}"
    )


def days_hms(seconds: int) -> str:
    days, rem = divmod(seconds, 86400)
    hours, rem = divmod(rem, 3600)
    return f"{days} day(s), {hours} hour(s), {rem // 60} minute(s), {rem % 60} second(s)"


def ctime_stamp(epoch: float | None = None) -> str:
    """`Mon Jan 01 10:00:00 2024` (NX-OS and IOS-XR config headers)."""
    return time.strftime("%a %b %d %H:%M:%S %Y", now_struct(epoch))


def traffic(rt: DeviceRuntime, v: IfView) -> tuple[int, int]:
    """Packets in and out so far: ever-growing while the link is up, 0 while it is down."""
    if not v.oper_up:
        return 0, 0
    return rt.counter(v.name + "in"), rt.counter(v.name + "out")


def interface_report(
    rt: DeviceRuntime,
    views: list[IfView],
    block: Callable[[DeviceRuntime, IfView], list[str]],
    only: str | None = None,
    tail: str = "\n",
) -> str | None:
    """`show interfaces [NAME]`: every view's block (or NAME's alone; None if it has none)."""
    if only:
        views = [v for v in views if v.name.lower() == only.lower()]
        if not views:
            return None
    return "\n".join(line for v in views for line in block(rt, v)) + tail


def port_description(n: Neighbor) -> str:
    """The neighbour's description of its end of the link (its port name if it has none)."""
    rif = n.device.interface(n.remote_if)
    return rif.description if rif else n.remote_if


def lldp_total(spec: DeviceSpec) -> list[str]:
    return ["", f"Total entries displayed: {len(spec.neighbors)}", ""]


def cdp_neighbors(spec: DeviceSpec) -> list[Neighbor]:
    """Only Cisco devices speak CDP."""
    return [n for n in spec.neighbors if n.device.vendor == "cisco"]


def padding(spec: DeviceSpec, prefix: str = "ip host") -> list[str]:
    """Extra host entries that pad the running config (the huge_output fault)."""
    return [
        f"{prefix} pad-{i} 198.18.{i // 250 % 250}.{i % 250 + 1}"
        for i in range(spec.faults.huge_output_lines)
    ]


def inventory_text(rows: list[tuple[str, str, str, str, str]], template: str) -> str:
    """`show inventory` NAME/PID stanzas: `template` formats one (name, descr, pid, vid, sn) row;
    a blank line separates the rows."""
    return "\n".join(template.format(*row) for row in rows)

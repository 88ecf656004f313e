"""Formatting helpers every vendor's show output uses."""

from __future__ import annotations

import time

from ..fleet import DeviceSpec


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

"""Static facts about each simulated platform: vendor, models, versions, interface naming.

Pure data plus tiny helpers; the personalities and renderers read from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from webnet.drivers.ifnames import canonical_ifname


@dataclass(frozen=True)
class PlatformProfile:
    name: str
    vendor: str
    models: tuple[str, ...]
    versions: tuple[str, ...]
    if_template: str  # str.format with {n} (0-based port index) / {n1} (1-based)
    mgmt_if: str
    ports: int
    serial_prefix: str
    mac_oui: str
    speed_mbps: int = 1000


PLATFORMS: dict[str, PlatformProfile] = {
    p.name: p
    for p in (
        PlatformProfile(
            "cisco_ios",
            "cisco",
            ("IOSv", "CISCO2911/K9", "CISCO3945/K9"),
            ("15.9(3)M4", "15.7(3)M8", "15.6(2)T"),
            "GigabitEthernet0/{n}",
            "GigabitEthernet0/15",
            12,
            "FTX",
            "00:1e:7a",
        ),
        PlatformProfile(
            "cisco_iosxe",
            "cisco",
            ("ISR4451-X/K9", "ISR4331/K9", "C8300-1N1S-4T2X"),
            ("17.9.4a", "17.6.5", "17.3.4a"),
            "GigabitEthernet0/0/{n}",
            "GigabitEthernet0",
            12,
            "FDO",
            "00:3a:9c",
        ),
        PlatformProfile(
            "cisco_nxos",
            "cisco",
            ("N9K-C93180YC-FX", "N9K-C9336C-FX2", "N3K-C3172PQ-10GE"),
            ("9.3(10)", "9.3(8)", "10.2(5)"),
            "Ethernet1/{n1}",
            "mgmt0",
            16,
            "FDO",
            "00:5e:b2",
            10000,
        ),
        PlatformProfile(
            "arista_eos",
            "arista",
            ("DCS-7050SX3-48YC8", "DCS-7280SR-48C6", "DCS-7020TR-48"),
            ("4.30.1F", "4.28.3M", "4.31.2F"),
            "Ethernet{n1}",
            "Management1",
            16,
            "JPE",
            "28:99:3a",
            10000,
        ),
        PlatformProfile(
            "juniper_junos",
            "juniper",
            ("mx240", "mx204", "ex4300-48t"),
            ("21.4R3-S3.4", "20.4R3-S4.8", "22.4R2.8"),
            "ge-0/0/{n}",
            "fxp0",
            12,
            "JN1",
            "2c:6b:f5",
        ),
        PlatformProfile(
            "cisco_iosxr",
            "cisco",
            ("ASR-9901", "NCS-5501", "ASR-9006"),
            ("7.3.2", "7.5.2", "7.9.1"),
            "GigabitEthernet0/0/0/{n}",
            "MgmtEth0/RP0/CPU0/0",
            12,
            "FOC",
            "00:8a:96",
        ),
    )
}

# netmiko/ntc-templates name for each platform (cisco_iosxe parses as cisco_ios, XR as cisco_xr)
NTC_PLATFORM = {
    "cisco_ios": "cisco_ios",
    "cisco_iosxe": "cisco_ios",
    "cisco_nxos": "cisco_nxos",
    "arista_eos": "arista_eos",
    "juniper_junos": "juniper_junos",
    "cisco_iosxr": "cisco_xr",
}

ALIASES = {
    "cisco_xe": "cisco_iosxe",
    "cisco_xr": "cisco_iosxr",
    "ios": "cisco_ios",
    "iosxe": "cisco_iosxe",
    "nxos": "cisco_nxos",
    "eos": "arista_eos",
    "junos": "juniper_junos",
    "iosxr": "cisco_iosxr",
}


def canonical_platform(name: str) -> str:
    key = name.strip().lower()
    key = ALIASES.get(key, key)
    if key not in PLATFORMS:
        raise ValueError(f"unknown platform {name!r}; choose from {', '.join(PLATFORMS)}")
    return key


def port_name(platform: str, index: int) -> str:
    return PLATFORMS[platform].if_template.format(n=index, n1=index + 1)


# Long interface-name prefixes, longest first, with their short forms per vendor family.
_LONG_SHORT = (
    ("TenGigabitEthernet", "Te"),
    ("GigabitEthernet", "Gi"),
    ("FastEthernet", "Fa"),
    ("Port-channel", "Po"),
    ("Port-Channel", "Po"),
    ("Ethernet", "Et"),
    ("Loopback", "Lo"),
    ("Management", "Ma"),
    ("Tunnel", "Tu"),
    ("Vlan", "Vl"),
)


def short_ifname(name: str, platform: str) -> str:
    """`GigabitEthernet0/1` -> `Gi0/1`; NX-OS uses `Eth1/1`, Arista `Et1`."""
    if platform == "cisco_nxos" and name.startswith("Ethernet"):
        return "Eth" + name[len("Ethernet") :]
    for long, short in _LONG_SHORT:
        if name.startswith(long):
            return short + name[len(long) :]
    return name


def expand_ifname(text: str, platform: str) -> str:
    """`gi0/1` -> `GigabitEthernet0/1`, `lo 5` -> `Loopback5`: the name the OS stores."""
    return canonical_ifname(platform, text)

"""Sanitizers on real lab configurations of every platform, and secret masking."""

from pathlib import Path

import pytest

from webnet.config_mgmt.sanitize import MASK, mask_secrets, sanitize
from webnet.config_mgmt.snapshots import sanitized_hash

FIXTURES = Path(__file__).parent / "fixtures"
PLATFORMS = [
    "cisco_ios",
    "cisco_iosxe",
    "cisco_nxos",
    "cisco_iosxr",
    "arista_eos",
    "juniper_junos",
]

# Lines a device writes about itself (from the lab and from real devices), per platform.
VOLATILE = {
    "cisco_ios": [
        "Building configuration...",
        "Current configuration : 2008 bytes",
        "! Last configuration change at 09:40:51 UTC Tue Nov 24 2026 by admin",
        "! NVRAM config last updated at 09:41:02 UTC Tue Nov 24 2026 by admin",
        "ntp clock-period 17179861",
    ],
    "cisco_iosxe": [
        "Current configuration : 9999 bytes",
        "! No configuration change since last restart",
    ],
    "cisco_nxos": [
        "!Command: show running-config",
        "!Running configuration last done at: Tue Nov 24 09:40:51 2026",
        "!Time: Tue Nov 24 09:40:51 2026",
    ],
    "cisco_iosxr": [
        "Tue Nov 24 09:40:51.764 UTC",
        "Building configuration...",
        "!! IOS XR Configuration 7.3.2",
        "!! Last configuration change at Tue Nov 24 09:40:51 2026 by admin",
    ],
    "arista_eos": [
        "! Command: show running-config",
        "! device: R5 (DCS-7280SR-48C6, EOS-4.31.2F)",
        "! Time: Tue Nov 24 09:40:51 2026",
    ],
    "juniper_junos": [
        "## Last commit: 2026-11-24 09:40:51 UTC by admin",
        "## Last changed: 2026-11-24 09:40:51 UTC",
    ],
}


def _fixture(platform: str) -> str:
    return (FIXTURES / f"{platform}.txt").read_text()


@pytest.mark.parametrize("platform", PLATFORMS)
def test_real_lab_config_loses_only_volatile_lines(platform: str) -> None:
    raw = _fixture(platform)
    clean = sanitize(platform, raw)
    kept = set(clean.splitlines())
    for line in raw.splitlines():
        if line.strip() in VOLATILE[platform]:
            assert line not in kept
    # every configured line survives: hostname, interfaces, users
    assert ("hostname" in clean) or ("host-name" in clean)
    assert sum(1 for line in clean.splitlines() if "interface" in line) >= 2
    assert len(clean.splitlines()) >= len(raw.splitlines()) - 8


@pytest.mark.parametrize("platform", PLATFORMS)
def test_volatile_lines_do_not_change_the_hash(platform: str) -> None:
    raw = _fixture(platform)
    noisy = "\n".join(VOLATILE[platform]) + "\n" + raw + "\n\n"
    assert sanitized_hash(platform, noisy) == sanitized_hash(platform, raw)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_real_change_changes_the_hash(platform: str) -> None:
    raw = _fixture(platform)
    changed = raw.replace("10.255.0.", "10.254.0.", 1)
    assert changed != raw
    assert sanitized_hash(platform, changed) != sanitized_hash(platform, raw)


def test_volatile_patterns_match_whole_lines_only() -> None:
    text = "hostname R1\ndescription Building configuration... for the lab\nlogging host 10.0.0.1\n"
    assert sanitize("cisco_ios", text) == text


@pytest.mark.parametrize(
    ("platform", "line", "secret"),
    [
        ("cisco_ios", "enable secret 9 $9$lab$0X1t5bJ0m6Zl9", "$9$lab$0X1t5bJ0m6Zl9"),
        ("cisco_ios", "enable password s3cret", "s3cret"),
        ("cisco_ios", "username admin privilege 15 secret 9 $9$abc", "$9$abc"),
        ("cisco_ios", "username bob password 7 0822455D0A16", "0822455D0A16"),
        ("cisco_ios", "snmp-server community Publ1cRO RO", "Publ1cRO"),
        ("cisco_ios", "tacacs-server key 7 1511021F0725", "1511021F0725"),
        ("cisco_ios", " key 7 0822455D0A16", "0822455D0A16"),
        ("cisco_ios", " ip ospf authentication-key 7 070C285F4D06", "070C285F4D06"),
        ("cisco_ios", " ip ospf message-digest-key 1 md5 7 0822455D0A16", "0822455D0A16"),
        ("cisco_ios", " neighbor 10.0.0.1 password 7 045802150C2E", "045802150C2E"),
        ("cisco_ios", "crypto isakmp key Sup3rKey address 0.0.0.0", "Sup3rKey"),
        ("cisco_ios", " key-string 7 110A1016141D", "110A1016141D"),
        (
            "cisco_nxos",
            "username admin password 5 $5$LAB$Y0Q2o  role network-admin",
            "$5$LAB$Y0Q2o",
        ),
        ("cisco_nxos", "snmp-server user admin network-admin auth md5 0xabc priv 0xdef", "0xabc"),
        ("cisco_iosxr", " secret 10 $6$lab$Zq1uJ8yR2mK5nB7v", "$6$lab$Zq1uJ8yR2mK5nB7v"),
        ("arista_eos", "username admin role network-admin secret sha512 $6$lab$ZJ7", "$6$lab$ZJ7"),
        (
            "juniper_junos",
            'set system root-authentication encrypted-password "$6$lab$L"',
            "$6$lab$L",
        ),
        (
            "juniper_junos",
            'set protocols ospf area 0 interface ge-0/0/0.0 authentication md5 1 key "$9$x"',
            "$9$x",
        ),
        ("juniper_junos", 'set protocols bgp group g authentication-key "$9$abc"', "$9$abc"),
        ("juniper_junos", "set snmp community s3cretcomm authorization read-only", "s3cretcomm"),
        ("juniper_junos", '    encrypted-password "$6$hier$x"; ## SECRET-DATA', "$6$hier$x"),
    ],
)
def test_mask_secrets(platform: str, line: str, secret: str) -> None:
    masked = mask_secrets(platform, f"hostname r1\n{line}\ninterface Gi0/1\n")
    assert secret not in masked and MASK in masked
    assert masked.startswith("hostname r1\n") and masked.endswith("interface Gi0/1\n")


@pytest.mark.parametrize("platform", PLATFORMS)
def test_lab_configs_have_no_visible_hashes_once_masked(platform: str) -> None:
    masked = mask_secrets(platform, _fixture(platform))
    assert "$6$" not in masked and "$9$" not in masked and "$5$" not in masked
    assert MASK in masked


def test_masking_keeps_ordinary_lines() -> None:
    text = "key chain OSPF\n key 1\n description secret garden\nsnmp-server location ams1\n"
    assert mask_secrets("cisco_ios", text) == text

"""netmiko (a client we did not write) drives every personality: paging off, show commands
parsed by ntc-templates, a config change pushed and read back."""

from __future__ import annotations

import pytest
from netmiko import ConnectHandler
from ntc_templates.parse import parse_output

NETMIKO_TYPE = {
    "cisco_ios": "cisco_ios",
    "cisco_iosxe": "cisco_xe",
    "cisco_nxos": "cisco_nxos",
    "arista_eos": "arista_eos",
    "juniper_junos": "juniper_junos",
    "cisco_iosxr": "cisco_xr",
}
NTC = {"cisco_iosxe": "cisco_ios", "cisco_iosxr": "cisco_xr"}

SHOW_COMMANDS = {
    "cisco_ios": [
        "show version",
        "show interfaces",
        "show ip interface brief",
        "show inventory",
        "show lldp neighbors detail",
        "show cdp neighbors detail",
        "show clock",
    ],
    "cisco_nxos": [
        "show version",
        "show interface",
        "show ip interface brief",
        "show inventory",
        "show lldp neighbors detail",
        "show cdp neighbors detail",
        "show clock",
    ],
    "arista_eos": [
        "show version",
        "show interfaces",
        "show ip interface brief",
        "show inventory",
        "show lldp neighbors detail",
        "show clock",
    ],
    "juniper_junos": [
        "show version",
        "show interfaces",
        "show chassis hardware",
        "show lldp neighbors",
        "show system uptime",
    ],
    "cisco_iosxr": [
        "show version",
        "show interfaces",
        "show ip interface brief",
        "show inventory",
        "show lldp neighbors detail",
        "show cdp neighbors detail",
    ],
}
SHOW_COMMANDS["cisco_iosxe"] = SHOW_COMMANDS["cisco_ios"]

PLATFORMS = list(NETMIKO_TYPE)


def connect(dev, platform):
    return ConnectHandler(
        device_type=NETMIKO_TYPE[platform],
        host=dev.host,
        port=dev.port,
        username=dev.username,
        password=dev.password,
        secret=dev.enable_secret,
        fast_cli=True,
        conn_timeout=10,
    )


@pytest.mark.parametrize("platform", PLATFORMS)
def test_netmiko_show_commands_parse_with_ntc_templates(lab, platform):
    # given a device of this platform and netmiko logged in, with enable where the OS has it
    dev = lab.by_platform(platform)
    with connect(dev, platform) as conn:
        if platform in ("cisco_ios", "cisco_iosxe", "arista_eos"):
            conn.enable()
        # when each show command runs, then ntc-templates parses it into non-empty records
        for command in SHOW_COMMANDS[platform]:
            output = conn.send_command(command)
            records = parse_output(
                platform=NTC.get(platform, platform), command=command, data=output
            )
            assert records, f"{platform} {command!r} parsed to nothing:\n{output[:500]}"
        # and the running configuration is complete and unpaged
        show_run = "show configuration" if platform == "juniper_junos" else "show running-config"
        config = conn.send_command(show_run)
        assert "--More--" not in config and "more" not in config.splitlines()[-1:]
        assert dev.hostname in config


CONFIG = {
    "cisco_ios": (
        [
            "interface Loopback77",
            "description pushed by netmiko",
            "ip address 10.77.0.1 255.255.255.255",
        ],
        "show running-config",
        ["interface Loopback77", " description pushed by netmiko"],
    ),
    "cisco_nxos": (
        ["interface loopback77", "description pushed by netmiko", "ip address 10.77.0.1/32"],
        "show running-config",
        ["interface loopback77", "  description pushed by netmiko"],
    ),
    "arista_eos": (
        ["interface Loopback77", "description pushed by netmiko", "ip address 10.77.0.1/32"],
        "show running-config",
        ["interface Loopback77", "   description pushed by netmiko"],
    ),
    "juniper_junos": (
        ['set interfaces lo0 description "pushed by netmiko"', "set system ntp server 192.0.2.77"],
        "show configuration",
        ['description "pushed by netmiko";', "server 192.0.2.77;"],
    ),
    "cisco_iosxr": (
        [
            "interface Loopback77",
            "description pushed by netmiko",
            "ipv4 address 10.77.0.1 255.255.255.255",
        ],
        "show running-config",
        ["interface Loopback77", " description pushed by netmiko"],
    ),
}
CONFIG["cisco_iosxe"] = CONFIG["cisco_ios"]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_netmiko_pushes_config_and_reads_it_back(lab, platform):
    dev = lab.by_platform(platform)
    lines, show, expected = CONFIG[platform]
    with connect(dev, platform) as conn:
        if platform in ("cisco_ios", "cisco_iosxe", "arista_eos"):
            conn.enable()
        # when the change is pushed (and committed/saved as the OS requires)
        if platform in ("juniper_junos", "cisco_iosxr"):
            conn.send_config_set(lines, exit_config_mode=False)
            conn.commit()
            conn.exit_config_mode()
        else:
            conn.send_config_set(lines)
            conn.save_config()
        # then a later backup shows exactly what was pushed
        config = conn.send_command(show)
    lines_seen = config.splitlines()
    if platform == "juniper_junos":
        lines_seen = [x.strip() for x in lines_seen]
    for line in expected:
        assert line in lines_seen, f"{line!r} missing from:\n{config}"
    if platform not in ("juniper_junos", "cisco_iosxr"):
        startup = lab.runtime(dev.hostname).startup.render()
        assert "description pushed by netmiko" in startup

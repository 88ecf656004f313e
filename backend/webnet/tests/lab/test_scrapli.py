"""scrapli (the FFI-based 2026 release) drives every personality: prompts, privilege
escalation, paging, show commands, a config change read back."""

from __future__ import annotations

import pytest
from ntc_templates.parse import parse_output
from scrapli import AuthOptions, Cli, LookupKeyValue

DEFINITION = {
    "cisco_ios": "cisco_iosxe",
    "cisco_iosxe": "cisco_iosxe",
    "cisco_nxos": "cisco_nxos",
    "arista_eos": "arista_eos",
    "juniper_junos": "juniper_junos",
    "cisco_iosxr": "cisco_iosxr",
}
NTC = {"cisco_iosxe": "cisco_ios", "cisco_iosxr": "cisco_xr"}
SHOW = {
    "juniper_junos": ("show version", "show configuration"),
    "cisco_nxos": ("show version", "show running-config"),
}
PUSH = {
    "juniper_junos": ['set system location building "lab-2"'],
    "cisco_iosxr": ["snmp-server location scrapli-lab", "commit"],
    "arista_eos": ["snmp-server location scrapli-lab"],
}
EXPECT = {"juniper_junos": 'building "lab-2";'}


def open_cli(dev, platform) -> Cli:
    return Cli(
        host=dev.host,
        port=dev.port,
        definition_file_or_name=DEFINITION[platform],
        auth_options=AuthOptions(
            username=dev.username,
            password=dev.password,
            lookups=[LookupKeyValue(key="enable", value=dev.enable_secret)],
        ),
    )


@pytest.mark.parametrize("platform", list(DEFINITION))
def test_scrapli_show_and_config_roundtrip(lab, platform):
    # given the second device of this platform (netmiko tests use the first)
    dev = lab.by_platform(platform, nth=1)
    version_cmd, backup_cmd = SHOW.get(platform, ("show version", "show running-config"))
    with open_cli(dev, platform) as cli:
        # when scrapli opens (it escalates and disables paging itself) and runs show version
        version = cli.send_input(version_cmd).result
        records = parse_output(
            platform=NTC.get(platform, platform), command=version_cmd, data=version
        )
        assert records, version
        # and pushes a change in configuration mode
        lines = PUSH.get(platform, ["snmp-server location scrapli-lab"])
        for line in lines:
            cli.send_input(line, requested_mode="configuration")
        if platform == "juniper_junos":
            # the candidate differs from the active config until commit
            compare = cli.send_input("show | compare", requested_mode="configuration").result
            assert "+   location building" in compare or 'building "lab-2"' in compare, compare
            commit = cli.send_input("commit", requested_mode="configuration").result
            assert "commit complete" in commit
            backup = cli.send_input(backup_cmd, requested_mode="exec")
        else:
            backup = cli.send_input(backup_cmd, requested_mode="privileged_exec")
    # then the backup shows the change
    assert EXPECT.get(platform, "snmp-server location scrapli-lab") in backup.result

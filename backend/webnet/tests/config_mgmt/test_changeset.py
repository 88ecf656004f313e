"""Changes computed from real-style running configurations (pure: no device, no database)."""

import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from webnet.compliance import configtree
from webnet.compliance.evaluator import RuleSpec, evaluate
from webnet.compliance.remediation import remediate
from webnet.config_mgmt import changeset

FIXTURES = Path(__file__).parents[1] / "compliance" / "fixtures"
INDENTED = ["cisco_ios", "cisco_nxos", "cisco_iosxr", "arista_eos"]
# the times devices print into every reading (XR on top of every show command)
_TIME = re.compile(r"\d\d:\d\d:\d\d(\.\d+)?")


def fixture(platform: str) -> str:
    name = "juniper_junos.conf" if platform == "juniper_junos" else f"{platform}.txt"
    return (FIXTURES / name).read_text()


@pytest.mark.parametrize("platform", [*INDENTED, "juniper_junos"])
def test_volatile_lines_never_reach_a_remediation_or_a_diff(platform: str) -> None:
    earlier = fixture(platform)
    later = _TIME.sub("23:59:59.999", earlier).replace("1894 bytes", "1902 bytes")
    assert later != earlier
    assert changeset.remediation(platform, later, earlier) == []
    assert changeset.to_config(platform, later, earlier).diff == ""
    assert changeset.same_config(platform, later, earlier)


@pytest.mark.parametrize("platform", ["cisco_ios", "cisco_iosxr", "arista_eos"])
def test_the_predicted_diff_shows_the_value_a_line_replaces(platform: str) -> None:
    change = changeset.from_lines(platform, fixture(platform), ["logging buffered 32768"])
    lines = change.diff.splitlines()
    assert "-logging buffered 4096" in lines and "+logging buffered 32768" in lines


def test_the_predicted_junos_diff_shows_the_value_a_line_replaces() -> None:
    change = changeset.from_lines(
        "juniper_junos", fixture("juniper_junos"), ["set snmp location lab"]
    )
    lines = change.diff.splitlines()
    assert "-set snmp location ams1" in lines and "+set snmp location lab" in lines


@pytest.mark.parametrize(
    ("platform", "written", "stored"),
    [
        ("cisco_ios", "interface lo233", "interface Loopback233"),
        ("cisco_ios", "int gi0/3", "interface GigabitEthernet0/3"),
        ("cisco_nxos", "interface lo233", "interface loopback233"),
        ("cisco_nxos", "interface eth1/9", "interface Ethernet1/9"),
        ("arista_eos", "interface po7", "interface Port-Channel7"),
        ("cisco_iosxr", "interface te0/0/0/1", "interface TenGigE0/0/0/1"),
        ("cisco_iosxr", "no interface lo 9", "no interface Loopback9"),
    ],
)
def test_interface_names_are_previewed_and_verified_as_the_device_stores_them(
    platform: str, written: str, stored: str
) -> None:
    change = changeset.from_lines(platform, fixture(platform), [written, " description x"])
    assert change.commands[0] == stored
    if not written.startswith("no "):
        assert f"+{stored}" in change.diff.splitlines()
        after = fixture(platform) + f"\n{stored}\n description x\n"
        assert changeset.missing_after(platform, after, [written, " description x"]) == []


def test_verification_ignores_doubled_spaces_and_exit() -> None:
    after = fixture("cisco_ios") + "\ninterface Loopback7\n description a  b\n"
    commands = ["interface  Loopback7", "  description a b", " exit"]
    assert changeset.missing_after("cisco_ios", after, commands) == []
    assert changeset.missing_after("cisco_ios", after, ["interface Loopback8"]) == [
        "interface Loopback8"
    ]


@pytest.mark.parametrize("platform", INDENTED)
def test_an_acl_with_repeated_remarks_can_be_previewed_and_remediated(platform: str) -> None:
    running = fixture(platform)
    change = changeset.from_lines(platform, running, ["snmp-server location lab"])
    assert "+snmp-server location lab" in change.diff.splitlines()
    assert changeset.remediation(platform, running, running) == []


@pytest.mark.parametrize("platform", ["cisco_ios", "cisco_nxos"])
def test_acl_lines_are_predicted_in_order_as_typed(platform: str) -> None:
    header = (
        "ip access-list extended MGMT-IN" if platform == "cisco_ios" else "ip access-list MGMT-IN"
    )
    change = changeset.from_lines(
        platform, fixture(platform), [header, " remark ---- monitoring ----", " deny ip any any"]
    )
    changed = [line for line in change.diff.splitlines()[2:] if line[:1] in "+-"]
    assert changed == ["+ remark ---- monitoring ----", "+ deny ip any any"]


def test_a_repeat_the_platform_does_not_allow_is_a_clear_error() -> None:
    repeated = "interface Gi0/1\n description a\n description a\n"
    with pytest.raises(changeset.UnparsableConfig, match="repeats a line"):
        changeset.from_lines("cisco_ios", repeated, ["hostname x"])
    rule = RuleSpec("ssh", "must_contain", {"lines": ["ip ssh version 2"]})
    with pytest.raises(ValidationError, match="repeats a line"):
        remediate(repeated, "cisco_ios", [rule])


def test_junos_remediation_deletes_the_statement_not_its_last_leaf() -> None:
    running = fixture("juniper_junos")
    intended = "\n".join(
        line for line in configtree.junos_set_lines(running) if "community" not in line
    )
    assert changeset.remediation("juniper_junos", running, intended) == ["delete snmp community"]
    rule = RuleSpec(
        "no public", "must_not_contain", {"lines": [r"set snmp community public.*"], "regex": True}
    )
    assert remediate(running, "juniper_junos", [rule]) == ["delete snmp community"]


def test_junos_brace_form_keeps_secret_data_lines() -> None:
    brace = fixture("juniper_junos")
    lines = configtree.junos_set_lines(brace)
    assert 'set system root-authentication encrypted-password "$6$lab$Lq2Vt8Zr0pXy3"' in lines
    rule = RuleSpec(
        "root pw",
        "must_contain",
        {"lines": ["set system root-authentication encrypted-password .+"], "regex": True},
    )
    for text in (brace, "\n".join(lines)):
        assert [r.status for r in evaluate(text, "juniper_junos", [rule])] == ["pass"]

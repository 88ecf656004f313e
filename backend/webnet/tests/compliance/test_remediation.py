"""Fix lines from hier_config for each rule kind, on IOS, EOS and Junos."""

from webnet.compliance.evaluator import RuleSpec, evaluate
from webnet.compliance.remediation import remediate

IOS = """\
hostname R1
logging buffered 4096
logging host 10.0.0.9
interface GigabitEthernet0/0
 description uplink
!
interface GigabitEthernet0/1
 shutdown
!
line vty 0 4
 login local
!
"""


def test_ios_fixes_for_every_kind_and_they_make_the_rules_pass() -> None:
    rules = [
        RuleSpec("ssh", "must_contain", {"lines": ["ip ssh version 2"]}),
        RuleSpec("log host", "must_not_contain", {"lines": [r"logging host \S+"], "regex": True}),
        RuleSpec(
            "buffer",
            "regex_compare",
            {
                "regex": r"logging buffered (\d+)",
                "operator": ">=",
                "value": 16384,
                "remediation": ["logging buffered 32768"],
            },
        ),
        RuleSpec("no shut", "must_not_contain", {"lines": ["shutdown"]}, context="^interface "),
        RuleSpec("vty", "hierarchical", {"snippet": "line vty 0 4\n transport input ssh\n"}),
    ]
    lines = remediate(IOS, "cisco_ios", rules)
    assert lines == [  # `logging buffered` holds one value: the new one replaces it, no `no`
        "no logging host 10.0.0.9",
        "interface GigabitEthernet0/1",
        "  no shutdown",
        "line vty 0 4",
        "  transport input ssh",
        "ip ssh version 2",
        "logging buffered 32768",
    ]
    fixed = IOS.replace(
        "logging buffered 4096\nlogging host 10.0.0.9\n", "logging buffered 32768\n"
    )
    fixed = fixed.replace(" shutdown\n", "").replace(
        " login local\n", " login local\n transport input ssh\n"
    )
    fixed += "ip ssh version 2\n"
    assert {r.status for r in evaluate(fixed, "cisco_ios", rules)} == {"pass"}


def test_passing_rules_need_no_fix() -> None:
    assert (
        remediate(IOS, "cisco_ios", [RuleSpec("h", "must_contain", {"lines": ["hostname R1"]})])
        == []
    )


def test_eos_block_fix_and_junos_set_and_delete() -> None:
    eos = "interface Ethernet1\n   description a\n!\ninterface Ethernet2\n   no switchport\n!\n"
    rule = RuleSpec(
        "l3", "must_contain", {"lines": ["no switchport"]}, context=r"^interface Ethernet"
    )
    assert remediate(eos, "arista_eos", [rule]) == ["interface Ethernet1", "  no switchport"]
    junos = (
        "interfaces {\n    ge-0/0/0 {\n        disable;\n    }\n}\nsystem {\n    host-name R3;\n}\n"
    )
    rules = [
        RuleSpec("up", "must_not_contain", {"lines": ["disable"]}, context=r"^set interfaces \S+"),
        RuleSpec(
            "ntp", "hierarchical", {"snippet": "system {\n  ntp {\n    server 192.0.2.1;\n  }\n}\n"}
        ),
    ]
    assert remediate(junos, "juniper_junos", rules) == [
        "delete interfaces ge-0/0/0",  # its only statement goes: the whole statement is deleted
        "set system ntp server 192.0.2.1",
    ]

"""Every rule kind with a passing and a failing configuration; block scoping; waivers; scores."""

import time

import pytest

from webnet.compliance.configtree import junos_set_lines, parse_indented
from webnet.compliance.evaluator import (
    ERROR,
    FAIL,
    PASS,
    WAIVED,
    FixtureSpec,
    RuleSpec,
    apply_waivers,
    compare,
    evaluate,
    run_fixtures,
    score,
    validate_rule,
    weighted_score,
)

IOS = """\
hostname R1
logging buffered 32768
logging host 192.0.2.10
ip ssh version 2
interface GigabitEthernet0/0
 description uplink
 ip address 10.0.0.1 255.255.255.254
 no cdp enable
!
interface GigabitEthernet0/1
 description  customer-a
 shutdown
!
router ospf 1
 router-id 10.255.0.1
 passive-interface default
 no passive-interface GigabitEthernet0/0
!
line vty 0 4
 login local
 transport input ssh
!
end
"""

EOS = """\
hostname R2
interface Ethernet1
   description to R1
   no switchport
!
interface Ethernet2
   shutdown
!
"""

JUNOS_BRACES = """\
## Last commit: 2026-01-01 10:00:00 UTC by admin
version 21.4R3-S3.4;
system {
    host-name R3;
    syslog {
        host 192.0.2.10 {
            any notice;
        }
    }
}
interfaces {
    ge-0/0/0 {
        description "to R1";
        unit 0 {
            family inet {
                address 10.0.0.2/31;
            }
        }
    }
    ge-0/0/1 {
        disable;
    }
}
"""


SYSLOG_SNIPPET = """\
system {
  syslog {
    host 192.0.2.10 {
      any notice;
    }
  }
}
"""


def one(config: str, rule: RuleSpec, platform: str = "cisco_ios"):
    return evaluate(config, platform, [rule])[0]


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (RuleSpec("ssh", "must_contain", {"lines": ["ip ssh version 2"]}), PASS),
        (RuleSpec("ssh", "must_contain", {"lines": ["  ip   ssh  version 2 "]}), PASS),
        (RuleSpec("pwenc", "must_contain", {"lines": ["service password-encryption"]}), FAIL),
        (RuleSpec("log", "must_contain", {"lines": [r"logging host \S+"], "regex": True}), PASS),
        (RuleSpec("ntp", "must_contain", {"lines": [r"ntp server .*"], "regex": True}), FAIL),
        # top level only unless `anywhere`
        (RuleSpec("vty", "must_contain", {"lines": ["transport input ssh"]}), FAIL),
        (
            RuleSpec("vty", "must_contain", {"lines": ["transport input ssh"], "anywhere": True}),
            PASS,
        ),
        (RuleSpec("telnet", "must_not_contain", {"lines": ["transport input telnet"]}), PASS),
        (RuleSpec("host", "must_not_contain", {"lines": ["logging host 192.0.2.10"]}), FAIL),
        (RuleSpec("any", "must_not_contain", {"lines": ["logging host"], "regex": True}), FAIL),
        # a regex is anchored at the line start: "buffered" does not match "logging buffered…"
        (RuleSpec("anch", "must_not_contain", {"lines": ["buffered"], "regex": True}), PASS),
    ],
)
def test_must_contain_and_must_not_contain(rule: RuleSpec, expected: str) -> None:
    assert one(IOS, rule).status == expected


def test_failures_name_the_missing_and_found_lines() -> None:
    missing = one(IOS, RuleSpec("x", "must_contain", {"lines": ["ip ssh version 2", "no ip http"]}))
    assert missing.details == {"missing": ["no ip http"]}
    found = one(IOS, RuleSpec("y", "must_not_contain", {"lines": ["logging"], "regex": True}))
    assert found.details == {"found": ["logging buffered 32768", "logging host 192.0.2.10"]}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"regex": r"logging buffered (\d+)", "operator": ">=", "value": 16384}, PASS),
        ({"regex": r"logging buffered (\d+)", "operator": ">=", "value": 65536}, FAIL),
        ({"regex": r"logging buffered (\d+)", "operator": "==", "value": "32768"}, PASS),
        ({"regex": r"logging buffered (\d+)", "operator": "in", "value": [4096, 32768]}, PASS),
        ({"regex": r"logging buffered (\d+)", "operator": "not_in", "value": [32768]}, FAIL),
        ({"regex": r"hostname (?P<value>\S+)", "operator": "!=", "value": "Router"}, PASS),
        ({"regex": r"hostname (\S+)", "operator": "<", "value": "R0"}, FAIL),  # text compare
        ({"regex": r"snmp-server location (.+)", "operator": "==", "value": "x"}, FAIL),
        (
            {
                "regex": r"snmp-server location (.+)",
                "operator": "==",
                "value": "x",
                "absent_ok": True,
            },
            PASS,
        ),
    ],
)
def test_regex_compare(params: dict, expected: str) -> None:
    result = one(IOS, RuleSpec("cmp", "regex_compare", params))
    assert result.status == expected, result


def test_regex_compare_reports_captured_values() -> None:
    rule = RuleSpec(
        "buf", "regex_compare", {"regex": r"logging buffered (\d+)", "operator": ">", "value": 1e6}
    )
    result = one(IOS, rule)
    assert result.status == FAIL and result.details["failing"] == ["32768"]
    assert "32768" in result.message


def test_compare_is_numeric_only_when_both_sides_are_numbers() -> None:
    assert compare("9", "<", "10") and not compare("9", "<", "1a")
    with pytest.raises(ValueError):
        compare(1, "~", 2)


def test_block_scoping_lists_the_failing_sections() -> None:
    rule = RuleSpec(
        "desc", "must_contain", {"lines": ["no cdp enable"]}, context=r"^interface GigabitEthernet"
    )
    result = one(IOS, rule)
    assert result.status == FAIL
    assert result.details["failed_blocks"] == ["interface GigabitEthernet0/1"]
    assert result.details["blocks"] == 2


def test_block_scoping_with_regex_compare_and_no_matching_section() -> None:
    shut = RuleSpec(
        "noshut", "must_not_contain", {"lines": ["shutdown"]}, context=r"^interface Ethernet"
    )
    assert one(EOS, shut, "arista_eos").details["failed_blocks"] == ["interface Ethernet2"]
    absent = RuleSpec("x", "must_contain", {"lines": ["a"]}, context="^router bgp")
    assert one(IOS, absent).status == PASS
    required = RuleSpec(
        "x", "must_contain", {"lines": ["a"], "require_block": True}, "high", "^router bgp"
    )
    assert one(IOS, required).status == FAIL


def test_hierarchical_unordered_ordered_and_exact() -> None:
    snippet = "router ospf 1\n passive-interface default\n router-id 10.255.0.1\n"
    unordered = RuleSpec("ospf", "hierarchical", {"snippet": snippet})
    assert one(IOS, unordered).status == PASS
    ordered = RuleSpec("ospf", "hierarchical", {"snippet": snippet, "ordered": True})
    assert one(IOS, ordered).status == FAIL
    exact = RuleSpec("ospf", "hierarchical", {"snippet": snippet, "exact": True})
    result = one(IOS, exact)
    assert result.status == FAIL
    assert result.details["missing"] == [
        "router ospf 1: unexpected no passive-interface GigabitEthernet0/0"
    ]
    missing = RuleSpec("vty", "hierarchical", {"snippet": "line vty 0 4\n exec-timeout 5 0\n"})
    assert one(IOS, missing).details["missing"] == ["line vty 0 4 > exec-timeout 5 0"]


def test_hierarchical_inside_blocks_eos() -> None:
    rule = RuleSpec(
        "l3", "hierarchical", {"snippet": "no switchport\n"}, context=r"^interface Ethernet"
    )
    assert one(EOS, rule, "arista_eos").details["failed_blocks"] == ["interface Ethernet2"]


def test_junos_braces_and_set_lines_are_the_same_config() -> None:
    lines = junos_set_lines(JUNOS_BRACES)
    assert 'set interfaces ge-0/0/0 description "to R1"' in lines
    assert "set system syslog host 192.0.2.10 any notice" in lines
    set_form = "\n".join(lines)
    for config in (JUNOS_BRACES, set_form):
        rules = [
            RuleSpec("host", "must_contain", {"lines": ["set system host-name R3"]}),
            RuleSpec(
                "desc",
                "must_contain",
                {"lines": ["description .*"], "regex": True},
                context=r"^set interfaces \S+",
            ),
            RuleSpec(
                "syslog",
                "hierarchical",
                {"snippet": SYSLOG_SNIPPET},
            ),
        ]
        statuses = [(r.rule, r.status) for r in evaluate(config, "juniper_junos", rules)]
        assert statuses == [("host", PASS), ("desc", FAIL), ("syslog", PASS)]
        desc = evaluate(config, "juniper_junos", rules[1:2])[0]
        assert desc.details["failed_blocks"] == ["set interfaces ge-0/0/1"]


def test_bad_rules_are_errors_not_exceptions() -> None:
    bad = [
        RuleSpec("r", "must_contain", {"lines": ["(unclosed"], "regex": True}),
        RuleSpec("r", "must_contain", {}),
        RuleSpec("r", "regex_compare", {"regex": "x"}),
        RuleSpec("r", "hierarchical", {"snippet": ""}),
        RuleSpec("r", "nonsense", {}),
        RuleSpec("r", "must_contain", {"lines": ["x"]}, context="(["),
    ]
    for rule in bad:
        assert one(IOS, rule).status == ERROR, rule
        assert validate_rule(rule)
    assert validate_rule(RuleSpec("r", "must_contain", {"lines": ["x"]}, "bogus"))
    assert validate_rule(RuleSpec("r", "must_contain", {"lines": ["x"], "remediation": "x"}))
    assert validate_rule(RuleSpec("r", "must_contain", {"lines": ["x"]})) is None


def test_waivers_turn_failures_into_waived_and_scores_skip_them() -> None:
    results = evaluate(
        IOS,
        "cisco_ios",
        [
            RuleSpec("a", "must_contain", {"lines": ["ip ssh version 2"]}, "low"),
            RuleSpec("b", "must_contain", {"lines": ["no ip http server"]}, "critical"),
            RuleSpec("c", "must_contain", {"lines": ["service password-encryption"]}, "low"),
        ],
    )
    apply_waivers(results, {"c": "legacy box", "a": "unused"})
    assert [r.status for r in results] == [PASS, FAIL, WAIVED]
    assert results[2].details["waiver"] == "legacy box"
    assert score(r.status for r in results) == 50.0
    assert weighted_score((r.status, r.severity) for r in results) == round(100 / 6, 1)
    assert score([]) is None


def test_fixtures_report_every_disagreement() -> None:
    rules = [RuleSpec("ssh", "must_contain", {"lines": ["ip ssh version 2"]})]
    fixtures = [
        FixtureSpec("good", "cisco_ios", "ip ssh version 2\n", {"ssh": "pass"}),
        FixtureSpec("wrong", "cisco_ios", "hostname x\n", {"ssh": "pass", "ghost": "fail"}),
    ]
    found = run_fixtures(rules, fixtures)
    assert [(d["fixture"], d["rule"], d["got"]) for d in found] == [
        ("wrong", "ssh", "fail"),
        ("wrong", "ghost", "missing"),
    ]


def test_indentation_of_any_width_nests() -> None:
    tree = parse_indented("a\n   b\n      c\n   d\n!\ne\n")
    assert [(n.text, n.child_texts()) for n in tree.children] == [("a", ["b", "d"]), ("e", [])]
    assert tree.children[0].children[0].child_texts() == ["c"]


def test_ordered_reports_order_only_among_lines_that_exist() -> None:
    config = "router ospf 1\n a\n b\n"
    gap = RuleSpec("o", "hierarchical", {"snippet": "router ospf 1\n a\n c\n b\n", "ordered": True})
    assert one(config, gap).details == {"missing": ["router ospf 1 > c"]}
    swapped = RuleSpec("o", "hierarchical", {"snippet": "router ospf 1\n b\n a\n", "ordered": True})
    assert one(config, swapped).details == {"missing": ["router ospf 1: lines out of order"]}


def test_rule_patterns_run_in_linear_time_and_lookaround_is_an_error() -> None:
    config = "a" * 40 + "!\n"
    started = time.perf_counter()
    for rule, status in (
        (RuleSpec("m", "must_contain", {"lines": [r"(a+)+$"], "regex": True}), FAIL),
        (RuleSpec("c", "regex_compare", {"regex": r"((a+)+)$", "value": "x"}), FAIL),
        (RuleSpec("x", "must_contain", {"lines": ["x"]}, context=r"(a|aa)+$"), PASS),  # no block
    ):
        assert one(config, rule).status == status, rule
    assert time.perf_counter() - started < 0.5
    rule = RuleSpec("r", "must_contain", {"lines": [r"logging(?= host)"], "regex": True})
    assert one(IOS, rule).status == ERROR
    assert "lookaround" in (validate_rule(rule) or "")

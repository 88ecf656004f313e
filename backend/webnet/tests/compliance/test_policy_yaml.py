"""Policies as YAML: round trip, and errors that name the YAML path."""

import pytest

from webnet.compliance.evaluator import FixtureSpec, RuleSpec
from webnet.compliance.policy_yaml import PolicyData, PolicyYAMLError, dump, load

POLICY = PolicyData(
    name="core",
    description="core routers",
    platforms=["cisco_ios", "juniper_junos"],
    tags=["core"],
    severity="high",
    rules=[
        RuleSpec("ssh", "must_contain", {"lines": ["ip ssh version 2"]}, "high"),
        RuleSpec(
            "buffer",
            "regex_compare",
            {"regex": r"logging buffered (\d+)", "operator": ">=", "value": 16384},
            "low",
        ),
        RuleSpec(
            "desc",
            "must_contain",
            {"lines": ["description .+"], "regex": True},
            "high",
            "^interface",
        ),
        RuleSpec(
            "vty",
            "hierarchical",
            {"snippet": "line vty 0 4\n transport input ssh\n", "exact": True},
            "high",
        ),
    ],
    fixtures=[
        FixtureSpec(
            "good", "cisco_ios", "ip ssh version 2  \nlogging buffered 32768\n", {"ssh": "pass"}
        ),
    ],
)


def test_round_trip_keeps_everything() -> None:
    text = dump(POLICY)
    assert "snippet: |" in text  # multi-line text stays readable
    assert load(text) == POLICY
    assert load(dump(load(text))) == POLICY


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- a\n- b\n", ": must be a mapping"),
        ("name: x\nbogus: 1\n", "bogus: unknown key"),
        ("description: no name\n", "name: is required"),
        ("name: x\nplatforms: [cisco_ios, vax]\n", "platforms[1]: 'vax' is not one of"),
        ("name: x\nrules: {a: 1}\n", "rules: must be a list"),
        ("name: x\nrules:\n  - name: r\n    kind: must\n", "rules[0].kind: 'must' is not one of"),
        (
            "name: x\nrules:\n"
            "  - {name: r, kind: must_contain, parameters: {lines: ['(x'], regex: true}}\n",
            "rules[0]: regex '(x' is not a valid regular expression",
        ),
        (
            "name: x\nrules:\n  - {name: r, kind: must_contain, parameters: {lines: [a]}}\n"
            "  - {name: r, kind: must_contain, parameters: {lines: [b]}}\n",
            "rules[1].name: duplicate name 'r'",
        ),
        (
            "name: x\nfixtures:\n  - {name: f, config: 'a', expected: {r: maybe}}\n",
            "fixtures[0].expected.r: 'maybe' is not pass or fail",
        ),
        ("name: x\nenabled: perhaps\n", "enabled: must be true or false"),
        ("name: [unclosed\n", "line 2, column 1:"),
    ],
)
def test_errors_name_the_yaml_path(text: str, message: str) -> None:
    with pytest.raises(PolicyYAMLError) as info:
        load(text)
    assert any(message in error for error in info.value.errors), info.value.errors


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(PolicyYAMLError) as info:
        load(
            "name: x\nseverity: huge\nrules:\n  - {name: r, kind: nope}\n  - {kind: must_contain}\n"
        )
    assert len(info.value.errors) >= 3

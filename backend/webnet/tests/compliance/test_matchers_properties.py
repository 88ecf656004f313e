"""Properties of the line, regex and block matchers over generated configurations (hypothesis)."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from webnet.compliance.evaluator import FAIL, PASS, RuleSpec, evaluate

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-/.:", min_size=1, max_size=8)
LINE = st.lists(WORD, min_size=1, max_size=4).map(" ".join)
SPACES = st.text(alphabet=" \t", max_size=3)
FAST = settings(max_examples=60, deadline=None)


def status(config: str, rule: RuleSpec, platform: str = "cisco_ios") -> str:
    return evaluate(config, platform, [rule])[0].status


@FAST
@given(lines=st.lists(LINE, min_size=1, max_size=8), probe=LINE, pad=SPACES)
def test_exact_regex_and_negation_agree(lines: list[str], probe: str, pad: str) -> None:
    config = "\n".join(lines) + "\n"
    present = probe in lines
    exact = status(config, RuleSpec("r", "must_contain", {"lines": [pad + probe + pad]}))
    as_regex = status(
        config,
        RuleSpec("r", "must_contain", {"lines": [re.escape(probe) + "$"], "regex": True}),
    )
    negated = status(config, RuleSpec("r", "must_not_contain", {"lines": [probe]}))
    assert exact == as_regex == (PASS if present else FAIL)
    assert negated == (FAIL if present else PASS)


@FAST
@given(
    lines=st.lists(LINE, min_size=1, max_size=6), spaces=st.lists(SPACES, min_size=6, max_size=6)
)
def test_inner_whitespace_never_changes_a_match(lines: list[str], spaces: list[str]) -> None:
    messy = [line.replace(" ", " " + pad) for line, pad in zip(lines, spaces, strict=False)]
    config = "\n".join(messy) + "\n"
    assert status(config, RuleSpec("r", "must_contain", {"lines": lines})) == PASS


@FAST
@given(value=st.integers(0, 10**7), threshold=st.integers(0, 10**7))
def test_regex_compare_is_numeric(value: int, threshold: int) -> None:
    rule = RuleSpec(
        "b",
        "regex_compare",
        {"regex": r"logging buffered (\d+)", "operator": ">=", "value": threshold},
    )
    expected = PASS if value >= threshold else FAIL
    assert status(f"hostname x\nlogging buffered {value}\n", rule) == expected


INTERFACES = st.dictionaries(
    st.integers(0, 48).map(lambda n: f"Ethernet{n}"),
    st.lists(
        st.sampled_from(["shutdown", "no switchport", "description x", "mtu 9000"]), unique=True
    ),
    min_size=1,
    max_size=8,
)


@FAST
@given(
    interfaces=INTERFACES,
    indent=st.integers(1, 4),
    wanted=st.sampled_from(["shutdown", "mtu 9000"]),
)
def test_block_scoping_fails_exactly_the_blocks_without_the_line(
    interfaces: dict[str, list[str]], indent: int, wanted: str
) -> None:
    config = "hostname sw\n" + "".join(
        f"interface {name}\n" + "".join(" " * indent + child + "\n" for child in children) + "!\n"
        for name, children in interfaces.items()
    )
    rule = RuleSpec("r", "must_contain", {"lines": [wanted]}, context=r"^interface Ethernet\d+$")
    result = evaluate(config, "arista_eos", [rule])[0]
    lacking = [
        f"interface {name}" for name, children in interfaces.items() if wanted not in children
    ]
    assert result.details["blocks"] == len(interfaces)
    assert result.details["failed_blocks"] == lacking
    assert result.status == (FAIL if lacking else PASS)


@FAST
@given(interfaces=INTERFACES, wanted=st.sampled_from(["disable", "mtu 9000"]))
def test_junos_blocks_match_in_brace_and_set_form(
    interfaces: dict[str, list[str]], wanted: str
) -> None:
    names = {name: f"ge-0/0/{name.removeprefix('Ethernet')}" for name in interfaces}
    children = {
        names[n]: ["disable" if c == "shutdown" else c for c in cs] for n, cs in interfaces.items()
    }
    braces = (
        "interfaces {\n"
        + "".join(
            f"    {name} {{\n" + "".join(f"        {c};\n" for c in cs) + "    }\n"
            for name, cs in children.items()
        )
        + "}\n"
    )
    set_form = "".join(f"set interfaces {name} {c}\n" for name, cs in children.items() for c in cs)
    rule = RuleSpec("r", "must_contain", {"lines": [wanted]}, context=r"^set interfaces \S+")
    from_braces = evaluate(braces, "juniper_junos", [rule])[0]
    from_sets = evaluate(set_form, "juniper_junos", [rule])[0]
    # interfaces without any statement have no set line, so the set form cannot see them
    seen = [f"set interfaces {n}" for n, cs in children.items() if cs]
    lacking = [f"set interfaces {n}" for n, cs in children.items() if cs and wanted not in cs]
    assert (
        from_braces.details.get("failed_blocks", [])
        == lacking
        == from_sets.details.get("failed_blocks", [])
    )
    assert from_braces.details.get("blocks", 0) == len(seen)

"""Section-aware diffs: every changed line is shown under the section it belongs to."""

from hypothesis import given, settings
from hypothesis import strategies as st

from webnet.config_mgmt.diff import annotate, diff_configs, unified

IOS_OLD = """hostname r1
interface Gi0/1
 description uplink
 ip address 10.0.0.1 255.255.255.0
!
interface Gi0/2
 shutdown
!
router bgp 65000
 neighbor 10.0.0.2 remote-as 65001
 address-family ipv4
  network 10.0.0.0 mask 255.255.255.0
!
"""


def test_change_inside_an_interface_is_under_its_parent() -> None:
    new = IOS_OLD.replace(" shutdown\n", " no shutdown\n description spare\n")
    (hunk,) = diff_configs(IOS_OLD, new)
    assert hunk.section == "interface Gi0/2" and hunk.parents == ["interface Gi0/2"]
    ops = [(line.op, line.text) for line in hunk.lines]
    assert ("-", " shutdown") in ops and ("+", " no shutdown") in ops
    assert ops[0] == (" ", "interface Gi0/2")


def test_nested_sections_carry_the_full_parent_path() -> None:
    new = IOS_OLD.replace("  network 10.0.0.0", "  network 10.9.0.0")
    (hunk,) = diff_configs(IOS_OLD, new)
    assert hunk.parents == ["router bgp 65000", " address-family ipv4"]


def test_changes_in_two_sections_are_two_hunks_and_global_lines_apart() -> None:
    new = IOS_OLD.replace("hostname r1", "hostname r2").replace("uplink", "core")
    sections = [h.section for h in diff_configs(IOS_OLD, new)]
    assert sections == ["", "interface Gi0/1"]
    assert "@@ interface Gi0/1 @@" in unified(diff_configs(IOS_OLD, new))


def test_identical_configs_have_no_hunks() -> None:
    assert diff_configs(IOS_OLD, IOS_OLD) == []


def test_junos_set_lines_group_by_hierarchy_prefix() -> None:
    old = (
        "set system host-name r1\n"
        "set interfaces ge-0/0/0 description a\n"
        "set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/31\n"
        "set interfaces ge-0/0/1 disable\n"
    )
    new = old.replace("description a", "description b").replace(
        "ge-0/0/1 disable", "ge-0/0/1 mtu 9000"
    )
    hunks = diff_configs(old, new)
    assert [h.section for h in hunks] == ["set interfaces ge-0/0/0", "set interfaces ge-0/0/1"]


def test_junos_hierarchy_braces() -> None:
    old = (
        "interfaces {\n    ge-0/0/0 {\n        description a;\n    }\n}\n"
        "system {\n    host-name r1;\n}\n"
    )
    new = old.replace("description a", "description b")
    (hunk,) = diff_configs(old, new)
    assert hunk.parents == ["interfaces {", "    ge-0/0/0 {"]


names = st.from_regex(r"[A-Za-z][A-Za-z0-9/]{0,8}", fullmatch=True)
children = st.lists(names.map(lambda n: f" {n} x"), min_size=1, max_size=4, unique=True)
sections = st.dictionaries(names.map(lambda n: f"interface {n}"), children, min_size=1, max_size=5)


def _render(config: dict[str, list[str]]) -> str:
    return "".join(
        f"{head}\n" + "".join(f"{c}\n" for c in body) + "!\n" for head, body in config.items()
    )


@settings(max_examples=60, deadline=None)
@given(sections, st.data())
def test_every_changed_line_is_grouped_under_its_own_section(config, data) -> None:
    head = data.draw(st.sampled_from(sorted(config)))
    changed = {**config, head: [*config[head], " added-line y"]}
    removed_from = data.draw(st.sampled_from(sorted(config)))
    changed[removed_from] = changed[removed_from][1:] or [" placeholder z"]
    hunks = diff_configs(_render(config), _render(changed))
    owner: dict[str, set[str]] = {}
    for version in (config, changed):
        for section, body in version.items():
            for line in body:
                owner.setdefault(line, set()).add(section)
    for hunk in hunks:
        for line in hunk.lines:
            if line.op != " " and line.text.startswith(" "):
                assert hunk.section in owner[line.text], (hunk.section, line.text)
    added = [line.text for h in hunks for line in h.lines if line.op == "+"]
    assert " added-line y" in added


@given(sections)
def test_annotate_gives_children_their_header(config) -> None:
    for line in annotate(_render(config)):
        if line.text.startswith(" "):
            assert line.path and line.path[0] in config

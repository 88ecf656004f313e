"""What a change does to a configuration: commands, predicted result, diff, verification.

Pure functions (no ORM, no I/O) over configuration text, vendor-aware through hier_config for the
indented platforms; Junos works on `display set` lines (what the driver reads), where a change is
`set …` / `delete …` statements. Every input is sanitized first: a line the device writes about
itself (XR's timestamp, byte counts) never reaches a diff, a remediation or a rollback.
"""

import difflib
import functools
import re
import shlex
from dataclasses import dataclass
from typing import Any

from hier_config import HConfig, Platform, WorkflowRemediation, get_hconfig
from hier_config.constructors import get_hconfig_driver
from hier_config.exceptions import DuplicateChildError
from hier_config.models import IdempotentCommandsRule, MatchRule, ParentAllowsDuplicateChildRule
from hier_config.platforms.driver_base import HConfigDriverBase

from webnet.compliance import configtree
from webnet.config_mgmt.sanitize import sanitize
from webnet.drivers import PLATFORMS, canonical_ifname

# Settings a section holds once (a new value replaces the old one), as (section, setting)
# prefixes; "" is the top level. hier_config's future() must know them to predict `-old/+new`.
SINGLE_VALUED = (
    ("", "hostname "),
    ("", "logging buffered "),
    ("", "snmp-server location "),
    ("", "snmp-server contact "),
    ("", "ip domain name "),
    ("", "ip domain-name "),
    ("", "domain name "),
    ("", "clock timezone "),
    ("", "banner motd "),
    ("", "enable secret "),
    ("interface ", "description "),
    ("interface ", "mtu "),
    ("interface ", "speed "),
    ("interface ", "duplex "),
    ("interface ", "bandwidth "),
    ("interface ", "encapsulation "),
    ("interface ", "switchport access vlan "),
    ("interface ", "vrf forwarding "),
    ("interface ", "vrf member "),
    ("router ", "router-id "),
)
IOS_ACL_REWRITES = frozenset({"_remove_ipv4_acl_remarks", "_add_acl_sequence_numbers"})
# Sections whose children may repeat (an ACL's remarks).
DUPLICATES_ALLOWED = r"^(ip|ipv4|ipv6|mac) access-list "
JUNOS_MIN_DELETE = 2
# Junos leaves that hold one value (`set system host-name R2` replaces R1).
JUNOS_SINGLE_VALUED = frozenset(
    {
        "host-name",
        "domain-name",
        "description",
        "location",
        "contact",
        "time-zone",
        "router-id",
        "autonomous-system",
        "mtu",
        "vlan-id",
        "peer-as",
        "local-as",
        "encrypted-password",
    }
)
_INTERFACE = re.compile(
    r"^(\s*)(no\s+)?(int|inte|inter|interf|interfa|interfac|interface)\s+(\S.*)$"
)


class UnparsableConfig(ValueError):
    """hier_config could not read a configuration (shown per device, never a crash)."""


@dataclass(frozen=True)
class Change:
    commands: list[str]
    predicted: str
    diff: str


@functools.cache
def _driver(platform: str) -> HConfigDriverBase:
    profile = PLATFORMS.get(platform)
    driver = get_hconfig_driver(Platform[profile.hier_config_os] if profile else Platform.GENERIC)
    if profile is not None and profile.set_form:
        return driver
    rules = driver.rules
    # IOS shows ACL entries without sequence numbers and with their remarks: compare them so,
    # or the preview invents numbers and hides remarks, and verification never matches.
    rules.post_load_callbacks[:] = [
        callback
        for callback in rules.post_load_callbacks
        if callback.__name__ not in IOS_ACL_REWRITES
    ]
    rules.parent_allows_duplicate_child.append(
        ParentAllowsDuplicateChildRule(match_rules=(MatchRule(re_search=DUPLICATES_ALLOWED),))
    )
    for section, setting in SINGLE_VALUED:
        lineage = (MatchRule(startswith=section),) if section else ()
        rules.idempotent_commands.append(
            IdempotentCommandsRule(match_rules=(*lineage, MatchRule(startswith=setting)))
        )
    return driver


def hconfig(platform: str, text: str) -> HConfig:
    """The configuration as hier_config's tree, with this platform's extra rules."""
    try:
        return get_hconfig(_driver(platform), text)
    except DuplicateChildError as exc:
        raise UnparsableConfig(
            f"a section repeats a line the platform does not allow: {exc}"
        ) from exc


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines() if line.strip()]


def unified(before: str, after: str) -> str:
    return "\n".join(
        difflib.unified_diff(_lines(before), _lines(after), "running", "predicted", lineterm="")
    )


def canonical_line(platform: str, line: str) -> str:
    """A command as the device will store it: `interface lo233` → `interface Loopback233`."""
    match = _INTERFACE.match(line)
    if match is None or configtree.is_flat(platform):
        return line
    indent, negation, _keyword, name = match.groups()
    negation = "no " if negation else ""
    return f"{indent}{negation}interface {canonical_ifname(platform, name.strip())}"


def _words(line: str) -> list[str]:
    try:
        return shlex.split(line, posix=False)
    except ValueError:
        return line.split()


def _junos_future(running: str, commands: list[str]) -> str:
    lines = configtree.junos_set_lines(running)
    for command in commands:
        words = configtree.normalise(command)
        if words.startswith("delete "):
            prefix = "set " + words[len("delete ") :]
            lines = [line for line in lines if line != prefix and not line.startswith(prefix + " ")]
        elif words.startswith("set ") and words not in lines:
            setting = _words(words)[:-1]
            if len(setting) > 2 and setting[-1] in JUNOS_SINGLE_VALUED:  # the new value replaces
                lines = [line for line in lines if _words(line)[:-1] != setting]
            lines.append(words)
    return "\n".join(lines)


def _junos_remediation(running: str, intended: str) -> list[str]:
    """Deletes of whole statements, then the missing `set` lines.

    A removed line is deleted at the shortest prefix no intended line shares: dropping the only
    community is `delete snmp community public`, not its leaf `… authorization read-only`
    (which would leave the community configured). Never shorter than two words: a person reads
    `delete interfaces ge-0/0/0`, never `delete interfaces`.
    """
    current, want = configtree.junos_set_lines(running), configtree.junos_set_lines(intended)
    wanted = set(want)
    want_words = [_words(line)[1:] for line in want if line.startswith("set ")]
    deletes: list[str] = []
    for line in current:
        if line in wanted or not line.startswith("set "):
            continue
        words = _words(line)[1:]
        for size in range(min(JUNOS_MIN_DELETE, len(words)), len(words) + 1):
            if not any(other[:size] == words[:size] for other in want_words):
                break
        else:
            continue  # an intended line extends this one: the `set` below replaces it
        statement = "delete " + " ".join(words[:size])
        if not any(statement == d or statement.startswith(d + " ") for d in deletes):
            deletes.append(statement)
    have = set(current)
    return deletes + [line for line in want if line not in have]


def remediation(platform: str, running: str, intended: str) -> list[str]:
    """Vendor-correct commands that turn `running` into `intended` (a full configuration)."""
    running, intended = sanitize(platform, running), sanitize(platform, intended)
    if configtree.is_flat(platform):
        return _junos_remediation(running, intended)
    workflow = WorkflowRemediation(hconfig(platform, running), hconfig(platform, intended))
    return list(workflow.remediation_config.dump_simple())


def from_lines(platform: str, running: str, commands: list[str]) -> Change:
    """A change given as lines: the commands as the device stores them, and what it then holds
    (the lines applied to the running configuration as the platform merges them)."""
    running = sanitize(platform, running)
    commands = [canonical_line(platform, line.rstrip()) for line in commands if line.strip()]
    if configtree.is_flat(platform):
        running = "\n".join(configtree.junos_set_lines(running))
        predicted = _junos_future(running, commands)
    else:
        current, lines = hconfig(platform, running), hconfig(platform, "\n".join(commands))
        future = current.future(lines)
        _append_acl_entries(current, lines, future)
        running = "\n".join(_ordered(current, current))
        predicted = "\n".join(_ordered(future, current))
    return Change(commands, predicted, unified(running, predicted))


def _append_acl_entries(current: HConfig, change: HConfig, future: HConfig) -> None:
    """An ACL takes lines as typed, not merged: a remark is appended every time, an entry once
    (hier_config's future() folds repeated remarks into one)."""
    acl = re.compile(DUPLICATES_ALLOWED)
    for section in change.children:
        target = future.get_child(equals=section.text)
        if not acl.match(section.text) or target is None:
            continue
        before = current.get_child(equals=section.text)
        texts = [child.text for child in before.children] if before is not None else []
        for child in section.children:
            if child.text.startswith("no "):
                texts = [text for text in texts if text != child.text[3:]]
            elif child.text.startswith("remark ") or child.text not in texts:
                texts.append(child.text)
        for child in list(target.children):
            child.delete()
        for text in texts:
            target.add_child(text, check_if_present=False)


def _ordered(node: Any, reference: Any, depth: int = 0) -> list[str]:
    """Dump `node` with its children in `reference`'s order (new ones last), one space per level.

    hier_config's future() regroups sections; keeping the device's order makes the predicted
    diff show only what changes. Repeated lines (an ACL's remarks) are matched one by one, so
    an ACL keeps its order.
    """
    pending: dict[str, list[Any]] = {}
    for child in node.children:
        pending.setdefault(child.text, []).append(child)
    pairs = [(pending[ref.text].pop(0), ref) for ref in reference.children if pending.get(ref.text)]
    matched = {id(child) for child, _ref in pairs}
    pairs += [(child, child) for child in node.children if id(child) not in matched]
    lines: list[str] = []
    for child, ref in pairs:
        lines.append(" " * depth + child.text)
        lines.extend(_ordered(child, ref, depth + 1))
    return lines


def to_config(platform: str, running: str, intended: str) -> Change:
    """A change toward a whole intended configuration (golden template or rollback snapshot)."""
    commands = remediation(platform, running, intended)
    before, after = sanitize(platform, running), sanitize(platform, intended)
    return Change(commands, after, unified(before, after))


def _paths(platform: str, text: str) -> list[tuple[str, ...]]:
    """Every line with its parents (whitespace normalised), in order; Junos: its set lines."""
    if configtree.is_flat(platform):
        return [(line,) for line in configtree.junos_set_lines(text)]
    root = configtree.parse_indented(sanitize(platform, text))
    paths: list[tuple[str, ...]] = []

    def walk(node: configtree.Node, above: tuple[str, ...]) -> None:
        for child in node.children:
            paths.append((*above, child.text))
            walk(child, (*above, child.text))

    walk(root, ())
    return paths


def same_config(platform: str, one: str, other: str) -> bool:
    """Whether two readings hold the same configuration (volatile lines and order aside)."""
    return sorted(_paths(platform, one)) == sorted(_paths(platform, other))


def missing_after(platform: str, after: str, commands: list[str]) -> list[str]:
    """The intended lines the device does not hold after the change (empty: verified)."""
    if configtree.is_flat(platform):
        lines = set(configtree.junos_set_lines(after))
        missing = []
        for command in map(configtree.normalise, commands):
            if command.startswith("set ") and command not in lines:
                missing.append(command)
            elif command.startswith("delete "):
                prefix = "set " + command[len("delete ") :]
                if any(line == prefix or line.startswith(prefix + " ") for line in lines):
                    missing.append(command)
        return missing
    have = set(_paths(platform, after))
    wanted = _paths(platform, "\n".join(canonical_line(platform, c) for c in commands))
    missing = []
    for path in dict.fromkeys(wanted):
        leaf = path[-1]
        if leaf.startswith("no "):
            if (*path[:-1], leaf[3:]) in have:
                missing.append(" > ".join(path))
        elif path not in have:
            missing.append(" > ".join(path))
    return missing

"""What a change does to a configuration: commands, predicted result, diff, verification.

Pure functions (no ORM, no I/O) over configuration text, vendor-aware through hier_config for the
indented platforms; Junos works on `display set` lines (what the driver reads), where a change is
`set …` / `delete …` statements.
"""

import difflib
from dataclasses import dataclass
from typing import Any

from hier_config import Platform, WorkflowRemediation, get_hconfig

HIER_PLATFORM = {
    "cisco_ios": Platform.CISCO_IOS,
    "cisco_iosxe": Platform.CISCO_IOS,
    "cisco_nxos": Platform.CISCO_NXOS,
    "cisco_iosxr": Platform.CISCO_XR,
    "arista_eos": Platform.ARISTA_EOS,
    "juniper_junos": Platform.JUNIPER_JUNOS,  # for compliance remediation; deploy uses set lines
}


@dataclass(frozen=True)
class Change:
    commands: list[str]
    predicted: str
    diff: str


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines() if line.strip()]


def unified(before: str, after: str) -> str:
    return "\n".join(
        difflib.unified_diff(_lines(before), _lines(after), "running", "predicted", lineterm="")
    )


def _junos_future(running: str, commands: list[str]) -> str:
    lines = _lines(running)
    for command in commands:
        words = command.strip()
        if words.startswith("delete "):
            prefix = "set " + words[len("delete ") :]
            lines = [line for line in lines if line != prefix and not line.startswith(prefix + " ")]
        elif words.startswith("set ") and words not in lines:
            lines.append(words)
    return "\n".join(lines)


def _junos_remediation(running: str, intended: str) -> list[str]:
    current, want = _lines(running), _lines(intended)
    have, wanted = set(current), set(want)
    removals = [
        "delete " + line[len("set ") :]
        for line in current
        if line.startswith("set ") and line not in wanted
    ]
    return removals + [line for line in want if line not in have]


def remediation(platform: str, running: str, intended: str) -> list[str]:
    """Vendor-correct commands that turn `running` into `intended` (a full configuration)."""
    if platform == "juniper_junos":
        return _junos_remediation(running, intended)
    hier = HIER_PLATFORM[platform]
    workflow = WorkflowRemediation(get_hconfig(hier, running), get_hconfig(hier, intended))
    return list(workflow.remediation_config.dump_simple())


def from_lines(platform: str, running: str, commands: list[str]) -> Change:
    """A change given as lines: the commands as written, and what the device should then hold."""
    commands = [line.rstrip() for line in commands if line.strip()]
    if platform == "juniper_junos":
        predicted = _junos_future(running, commands)
    else:
        hier = HIER_PLATFORM[platform]
        current = get_hconfig(hier, running)
        future = current.future(get_hconfig(hier, "\n".join(commands)))
        running = "\n".join(_ordered(current, current))
        predicted = "\n".join(_ordered(future, current))
    return Change(commands, predicted, unified(running, predicted))


def _ordered(node: Any, reference: Any, depth: int = 0) -> list[str]:
    """Dump `node` with its children in `reference`'s order (new ones last), one space per level.

    hier_config's future() regroups sections; keeping the device's order makes the predicted
    diff show only what changes.
    """
    order = {child.text: index for index, child in enumerate(reference.children)}
    children = sorted(node.children, key=lambda child: order.get(child.text, len(order)))
    lines: list[str] = []
    for child in children:
        lines.append(" " * depth + child.text)
        match = next((c for c in reference.children if c.text == child.text), None)
        lines.extend(_ordered(child, match if match is not None else child, depth + 1))
    return lines


def to_config(platform: str, running: str, intended: str) -> Change:
    """A change toward a whole intended configuration (golden template or rollback snapshot)."""
    commands = remediation(platform, running, intended)
    return Change(commands, intended, unified(running, intended))


def _paths(text: str) -> set[tuple[str, ...]]:
    """Every line with its parents, by indentation (IOS-style configurations)."""
    paths: set[tuple[str, ...]] = set()
    stack: list[tuple[int, str]] = []
    for raw in text.splitlines():
        if not raw.strip() or raw.strip() in ("!", "end"):
            continue
        indent = len(raw) - len(raw.lstrip())
        while stack and stack[-1][0] >= indent:
            stack.pop()
        stack.append((indent, raw.strip()))
        paths.add(tuple(line for _, line in stack))
    return paths


def missing_after(platform: str, after: str, commands: list[str]) -> list[str]:
    """The intended lines the device does not hold after the change (empty: verified)."""
    if platform == "juniper_junos":
        lines = set(_lines(after))
        missing = [c for c in commands if c.startswith("set ") and c.strip() not in lines]
        missing += [
            c
            for c in commands
            if c.startswith("delete ")
            and any(
                line == "set " + c[7:] or line.startswith("set " + c[7:] + " ") for line in lines
            )
        ]
        return missing
    have = _paths(after)
    wanted = _paths("\n".join(commands))
    missing = []
    for path in sorted(wanted):
        leaf = path[-1]
        if leaf.startswith("no "):
            if (*path[:-1], leaf[3:]) in have:
                missing.append(" > ".join(path))
        elif path not in have:
            missing.append(" > ".join(path))
    return missing

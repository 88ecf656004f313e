"""Configuration text as a tree of lines, per platform (pure: no Django).

IOS-like platforms (IOS, IOS-XE, NX-OS, IOS-XR, EOS) nest by indentation, whatever its width.
Junos is read in either form — curly braces or `display set` — and flattened to `set` lines, so a
policy written in one form matches a configuration stored in the other.
"""

import re
from dataclasses import dataclass, field

FLAT_PLATFORMS = frozenset({"juniper_junos"})
_SPACES = re.compile(r"\s+")
_COMMENT = re.compile(r"^\s*(!|#|/\*)")


@dataclass
class Node:
    text: str
    children: list["Node"] = field(default_factory=list)

    def child_texts(self) -> list[str]:
        return [child.text for child in self.children]

    def find(self, text: str) -> "Node | None":
        return next((child for child in self.children if child.text == text), None)


def normalise(line: str) -> str:
    """One line with surrounding whitespace dropped and inner runs collapsed to one space."""
    return _SPACES.sub(" ", line.strip())


def is_flat(platform: str) -> bool:
    return platform in FLAT_PLATFORMS


def parse_indented(text: str) -> Node:
    """Indentation → tree; comment lines (`!`), blank lines, `exit` and `end` are skipped (they
    leave a mode, which the indentation already says)."""
    root = Node("")
    stack: list[tuple[int, Node]] = [(-1, root)]
    for raw in text.expandtabs().splitlines():
        if not raw.strip() or _COMMENT.match(raw) or raw.strip() in ("exit", "end"):
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        node = Node(normalise(raw))
        while stack[-1][0] >= indent:
            stack.pop()
        stack[-1][1].children.append(node)
        stack.append((indent, node))
    return root


def _strip_brace_comment(line: str) -> str:
    """`encrypted-password "$6$…"; ## SECRET-DATA` → the statement, a `#` inside quotes kept."""
    quoted = False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == "#" and not quoted:
            return line[:index].strip()
    return line.strip()


def junos_set_lines(text: str) -> list[str]:
    """Junos configuration in brace or set form → normalised `set …` lines, in order."""
    lines: list[str] = []
    path: list[str] = []
    for raw in text.splitlines():
        line = normalise(raw)
        if not line or _COMMENT.match(line) or line.startswith("##"):
            continue
        if line.startswith(("set ", "deactivate ", "delete ")):
            lines.append(line)
            continue
        line = _strip_brace_comment(line)
        if line.endswith("{"):
            path.append(line[:-1].strip())
        elif line == "}":
            if path:
                path.pop()
        elif line.endswith(";"):
            statement = line[:-1].strip()
            if statement:
                lines.append(normalise(" ".join(["set", *path, statement])))
    return lines


def parse(text: str, platform: str) -> Node:
    """The configuration's tree: nested for indentation platforms, flat `set` lines for Junos."""
    if is_flat(platform):
        return Node("", [Node(line) for line in junos_set_lines(text)])
    return parse_indented(text)


def snippet_tree(text: str, platform: str) -> Node:
    """A policy snippet in the platform's own form (Junos braces become set lines)."""
    return parse(text, platform)


def walk(node: Node, depth: int = 0) -> list[tuple[int, Node]]:
    """Every node below `node` with its depth, in document order."""
    found: list[tuple[int, Node]] = []
    for child in node.children:
        found.append((depth, child))
        found.extend(walk(child, depth + 1))
    return found

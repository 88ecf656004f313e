"""Section-aware configuration diffs: difflib hunks grouped under the line they belong to.

Why: a bare unified diff of `shutdown` tells nobody *which* interface changed. Every line gets a
section path (the indented parents above it: `interface Gi0/1`, `router bgp 1` › `address-family`;
for Junos `display set` lines the hierarchy prefix such as `set interfaces ge-0/0/1`), and hunks
never straddle two top-level sections, so each hunk is shown under its parent line.
"""

import difflib
from dataclasses import asdict, dataclass, field
from typing import Any

CONTEXT = 3
SET_PREFIX = ("set ", "delete ", "deactivate ", "activate ")


@dataclass(frozen=True)
class Line:
    text: str
    path: tuple[str, ...]  # ancestor lines, outermost first
    is_parent: bool  # a top-level line that opens a section

    @property
    def key(self) -> str:
        if self.path:
            return self.path[0]
        return self.text if self.is_parent else ""


@dataclass
class DiffLine:
    op: str  # " " context, "-" removed, "+" added
    text: str
    old: int | None  # 1-based line numbers
    new: int | None


@dataclass
class Hunk:
    section: str  # the top-level parent line, "" for global lines
    parents: list[str]  # full parent path of the first change
    lines: list[DiffLine] = field(default_factory=list)


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" \t"))


def _set_path(text: str) -> tuple[str, ...]:
    """Junos `set a b c d`: the section is `set a b` (e.g. `set interfaces ge-0/0/1`)."""
    words = text.split()
    return (" ".join(words[:3]),) if len(words) > 3 else ()


def annotate(text: str) -> list[Line]:
    """Each line of `text` with its section path."""
    raw = text.splitlines()
    lines: list[Line] = []
    stack: list[tuple[int, str]] = []
    for index, line in enumerate(raw):
        stripped = line.strip()
        if stripped.startswith(SET_PREFIX):
            lines.append(Line(line, _set_path(stripped), False))
            stack = []
            continue
        depth = _indent(line)
        if not stripped or stripped in ("!", "}", "exit", "end"):
            # separators close nothing by themselves but belong to the open section
            lines.append(Line(line, tuple(s for _, s in stack), False))
            if stripped == "}" and stack:
                stack.pop()
            continue
        while stack and stack[-1][0] >= depth:
            stack.pop()
        following = next((n for n in raw[index + 1 :] if n.strip() not in ("", "!")), "")
        opens = _indent(following) > depth or stripped.endswith("{")
        lines.append(Line(line, tuple(s for _, s in stack), opens and not stack))
        if opens:
            stack.append((depth, line.rstrip()))
    return lines


@dataclass
class _Entry:
    op: str
    line: Line
    old: int | None
    new: int | None


def _entries(old: list[Line], new: list[Line]) -> list[_Entry]:
    matcher = difflib.SequenceMatcher(
        None, [x.text for x in old], [x.text for x in new], autojunk=False
    )
    out: list[_Entry] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out += [_Entry(" ", new[j1 + k], i1 + k + 1, j1 + k + 1) for k in range(i2 - i1)]
            continue
        out += [_Entry("-", old[i], i + 1, None) for i in range(i1, i2)]
        out += [_Entry("+", new[j], None, j + 1) for j in range(j1, j2)]
    return out


def diff_configs(old_text: str, new_text: str, context: int = CONTEXT) -> list[Hunk]:
    """Hunks of changed lines (with same-section context), each under one top-level section."""
    entries = _entries(annotate(old_text), annotate(new_text))
    keep: set[int] = set()
    for index, entry in enumerate(entries):
        if entry.op == " ":
            continue
        keep.add(index)
        for near in range(max(0, index - context), min(len(entries), index + context + 1)):
            if entries[near].line.key == entry.line.key:
                keep.add(near)
    hunks: list[Hunk] = []
    previous = -2
    for index in sorted(keep):
        entry = entries[index]
        current = hunks[-1] if hunks else None
        if current is None or index != previous + 1 or current.section != entry.line.key:
            current = Hunk(section=entry.line.key, parents=[])
            hunks.append(current)
        if not current.parents and entry.op != " ":
            current.parents = list(entry.line.path)
        current.lines.append(DiffLine(entry.op, entry.line.text, entry.old, entry.new))
        previous = index
    return hunks


def summarize(hunks: list[Hunk]) -> dict[str, int]:
    lines = [line for hunk in hunks for line in hunk.lines]
    return {
        "added": sum(1 for line in lines if line.op == "+"),
        "removed": sum(1 for line in lines if line.op == "-"),
        "hunks": len(hunks),
    }


def as_json(hunks: list[Hunk]) -> dict[str, Any]:
    return {"hunks": [asdict(hunk) for hunk in hunks], "stats": summarize(hunks)}


def unified(hunks: list[Hunk]) -> str:
    """Plain unified-style text (for downloads, logs and tests)."""
    out: list[str] = []
    for hunk in hunks:
        out.append(f"@@ {hunk.section or '(global)'} @@")
        out += [f"{line.op}{line.text}" for line in hunk.lines]
    return "\n".join(out) + ("\n" if out else "")

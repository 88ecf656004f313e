"""Command matching with the abbreviations network CLIs accept (`sh ip int br`), and pipes.

Patterns are words; `<arg>` takes one token, `<rest>` takes the remainder of the line (possibly
empty). Matching reports where the input went wrong so personalities can draw the caret.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class _Node:
    words: dict[str, _Node] = field(default_factory=dict)
    arg: _Node | None = None
    rest: _Node | None = None
    handler: Callable | None = None


@dataclass
class Match:
    handler: Callable
    args: list[str]


@dataclass
class MatchError:
    kind: str  # "invalid" | "ambiguous" | "incomplete"
    position: int  # character offset in the command line
    token_index: int
    token: str


def tokenize(line: str) -> list[tuple[int, str]]:
    """Split on whitespace keeping offsets; double quotes keep spaces together."""
    return [(m.start(), m.group(0)) for m in re.finditer(r'"[^"]*"?|\S+', line)]


class CommandTable:
    def __init__(self) -> None:
        self.root = _Node()

    def add(self, pattern: str, handler: Callable) -> None:
        node = self.root
        for word in pattern.split():
            if word == "<arg>":
                node.arg = node.arg or _Node()
                node = node.arg
            elif word == "<rest>":
                node.rest = node.rest or _Node()
                node = node.rest
                break
            else:
                node = node.words.setdefault(word.lower(), _Node())
        node.handler = handler

    def match(self, line: str) -> Match | MatchError:
        tokens = tokenize(line)
        node, args = self.root, []
        for i, (pos, tok) in enumerate(tokens):
            low = tok.lower()
            child = node.words.get(low)
            if child is None:
                cands = [w for w in node.words if w.startswith(low)]
                if len(cands) == 1:
                    child = node.words[cands[0]]
                elif len(cands) > 1 and node.arg is None:
                    return MatchError("ambiguous", pos, i, tok)
            if child is not None:
                node = child
                continue
            if node.arg is not None:
                args.append(tok)
                node = node.arg
                continue
            if node.rest is not None:
                args.append(line[pos:].strip())
                node = node.rest
                break
            return MatchError("invalid", pos, i, tok)
        else:
            if node.handler is None and node.rest is not None:
                args.append("")
                node = node.rest
        if node.handler is None:
            return MatchError("incomplete", len(line), len(tokens), "")
        return Match(node.handler, args)


def split_pipes(line: str) -> tuple[str, list[str]]:
    """`show run | include x | count` -> ("show run", ["include x", "count"])."""
    parts = [p.strip() for p in re.split(r"\s\|\s?|\|\s", " " + line + " ")]
    return parts[0], [p for p in parts[1:] if p]


def _section(lines: list[str], pattern: re.Pattern) -> list[str]:
    out: list[str] = []
    keep = False
    for line in lines:
        if line and not line[0].isspace():
            keep = bool(pattern.search(line))
        elif not line.strip():
            keep = False
        if keep or (line[:1].isspace() and pattern.search(line)):
            out.append(line)
    return out


def apply_pipe(text: str, pipe: str, vendor: str = "cisco") -> str:
    """Filter output like `| include`, `| exclude`, `| begin`, `| section`, `| count`,
    and Junos `| match`, `| except`, `| count`, `| last N`, `| no-more`."""
    verb, _, arg = pipe.partition(" ")
    verb = verb.lower()
    arg = arg.strip().strip('"')
    lines = text.split("\n")
    try:
        rx = re.compile(arg) if arg else re.compile("")
    except re.error:
        rx = re.compile(re.escape(arg))
    if ("include".startswith(verb) and len(verb) >= 1 and verb != "") or verb in ("match", "grep"):
        return "\n".join(line for line in lines if rx.search(line))
    if "exclude".startswith(verb) or verb == "except":
        return "\n".join(line for line in lines if not rx.search(line))
    if "begin".startswith(verb) or verb == "find":
        for i, line in enumerate(lines):
            if rx.search(line):
                return "\n".join(lines[i:])
        return ""
    if "section".startswith(verb) and len(verb) >= 2:
        return "\n".join(_section(lines, rx))
    if "count".startswith(verb) and len(verb) >= 2:
        matching = [line for line in lines if rx.search(line) and line.strip()]
        if vendor == "juniper":
            return f"Count: {len(matching)} lines"
        if vendor == "cisco":
            return f"Number of lines which match regexp = {len(matching)}"
        return str(len(matching))
    if verb == "last":
        n = int(arg or 10)
        return "\n".join(lines[-n:])
    if verb in ("no-more", "nomore"):
        return text
    raise ValueError(pipe)

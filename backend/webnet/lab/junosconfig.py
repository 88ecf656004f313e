"""Junos configuration: a list of `set` statements, shown as the familiar brace hierarchy.

Keywords in VALUE_KEYWORDS take the next token as their name/value (`unit 0`, `host-name R1`),
which is how `set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/31` renders as nested
`interfaces { ge-0/0/0 { unit 0 { family inet { address 10.0.0.1/31; } } } }`.
"""

from __future__ import annotations

from .commands import tokenize

VALUE_KEYWORDS = frozenset(
    [
        "host-name",
        "domain-name",
        "description",
        "unit",
        "family",
        "address",
        "route",
        "next-hop",
        "router-id",
        "area",
        "interface",
        "user",
        "uid",
        "class",
        "encrypted-password",
        "server",
        "file",
        "any",
        "version",
        "name-server",
        "time-zone",
        "group",
        "neighbor",
        "peer-as",
        "local-as",
        "type",
        "local-address",
        "policy-statement",
        "term",
        "community",
        "prefix-list",
        "vlan-id",
        "mtu",
        "members",
        "contact",
        "authentication-key",
        "plain-text-password-value",
        "from",
        "then",
        "export",
        "import",
        "autonomous-system",
        "vlan",
        "filter",
        "rib",
        "instance-type",
        "route-distinguisher",
        "vrf-target",
        "speed",
    ]
)

SINGLE_VALUED = frozenset(
    [
        "host-name",
        "domain-name",
        "description",
        "uid",
        "class",
        "encrypted-password",
        "version",
        "router-id",
        "mtu",
        "vlan-id",
        "peer-as",
        "local-as",
        "type",
        "local-address",
        "time-zone",
        "autonomous-system",
        "contact",
        "location",
        "speed",
    ]
)


def elements(tokens: list[str]) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if (tok in VALUE_KEYWORDS and i + 1 < len(tokens)) or (
            i + 2 == len(tokens) and _value_like(tokens[i + 1])
        ):
            out.append((tok, tokens[i + 1]))
            i += 2
        else:
            out.append((tok,))
            i += 1
    return out


def _value_like(tok: str) -> bool:
    """Names and values (`ams1`, `"x y"`, `10.0.0.1/31`) as opposed to keywords (`ssh`)."""
    return tok[:1] == '"' or any(c.isdigit() or c.isupper() or c in "./:" for c in tok)


class JunosConfig:
    def __init__(self, statements: list[tuple[str, ...]] | None = None) -> None:
        self.statements: list[tuple[str, ...]] = list(statements or [])

    @classmethod
    def from_set_lines(cls, text: str) -> JunosConfig:
        cfg = cls()
        for line in text.splitlines():
            line = line.strip()
            if line.startswith("set "):
                cfg.set(split(line[4:]))
        return cfg

    def copy(self) -> JunosConfig:
        return JunosConfig(self.statements)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, JunosConfig) and self.statements == other.statements

    # ---- editing --------------------------------------------------------------------------------
    def set(self, tokens: list[str]) -> None:
        stmt = tuple(tokens)
        if stmt in self.statements:
            return
        els = elements(list(stmt))
        last = els[-1]
        if last[0] in SINGLE_VALUED and len(last) == 2:
            parent = [t for e in els[:-1] for t in e]
            n = len(parent)
            self.statements = [
                s
                for s in self.statements
                if not (list(s[:n]) == parent and len(s) == n + 2 and s[n] == last[0])
            ]
        self.statements.append(stmt)

    def delete(self, tokens: list[str]) -> bool:
        """Remove `tokens` and all below it; a named object above it (`community public`,
        `family inet`) stays, emptied, as on a real device."""
        n = len(tokens)
        before = len(self.statements)
        self.statements = [s for s in self.statements if list(s[:n]) != tokens]
        if len(self.statements) == before:
            return False
        parent = _named_parent(tokens)
        if parent and not any(s[: len(parent)] == parent for s in self.statements):
            self.statements.append(parent)
        return True

    def value(self, *path: str) -> str | None:
        n = len(path)
        for s in self.statements:
            if s[:n] == path and len(s) == n + 1:
                return s[n]
        return None

    def under(self, *path: str) -> list[tuple[str, ...]]:
        n = len(path)
        return [s[n:] for s in self.statements if s[:n] == path and len(s) > n]

    # ---- rendering ------------------------------------------------------------------------------
    def render(self, prefix: list[str] | None = None) -> str:
        prefix = prefix or []
        n = len(prefix)
        tree: dict = {}
        for stmt in self.statements:
            if list(stmt[:n]) != prefix or len(stmt) == n:
                continue
            node = tree
            els, pos = elements(list(stmt)), 0
            while els and pos + len(els[0]) <= n:  # a leaf named by the prefix keeps its keyword
                pos += len(els.pop(0))
            for el in els:
                node = node.setdefault(" ".join(el), {})
        out: list[str] = []

        def walk(node: dict, depth: int) -> None:
            pad = "    " * depth
            for key, child in node.items():
                if child:
                    out.append(f"{pad}{key} {{")
                    walk(child, depth + 1)
                    out.append(f"{pad}}}")
                else:
                    out.append(f"{pad}{key};")

        walk(tree, 0)
        return "\n".join(out)

    def render_set(self, prefix: list[str] | None = None) -> str:
        prefix = prefix or []
        n = len(prefix)
        return "\n".join("set " + " ".join(s) for s in self.statements if list(s[:n]) == prefix)

    def compare(self, other: JunosConfig) -> str:
        """`show | compare`: what `other` (the candidate) changes relative to self."""
        old, new = set(self.statements), set(other.statements)
        groups: dict[str, list[str]] = {}
        for sign, stmts in (
            ("-", [s for s in self.statements if s not in new]),
            ("+", [s for s in other.statements if s not in old]),
        ):
            for s in stmts:
                els = elements(list(s))
                head = " ".join(" ".join(e) for e in els[:-1])
                groups.setdefault(head, []).append(f"{sign}   {' '.join(els[-1])};")
        out = []
        for head, lines in groups.items():
            out.append(f"[edit {head}]" if head else "[edit]")
            out += lines
        return "\n".join(out)


def _named_parent(tokens: list[str]) -> tuple[str, ...]:
    """The statement up to the innermost named element above the last one (empty: none)."""
    els = elements(tokens)[:-1]
    while els and len(els[-1]) < 2:
        els.pop()
    return tuple(t for e in els for t in e)


def split(text: str) -> list[str]:
    return [tok for _, tok in tokenize(text)]

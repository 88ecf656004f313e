"""Dependency suppression: which down devices are root causes, which are only unreachable.

Pure: the parent map ({device: set(parents)}, from LLDP topology and set by hand) and the set of
devices that do not answer come in as arguments. A device is *available* when it answers and it is
an anchor or one of its parents is available. Anchors are devices without parents, and — so a loop
of devices that only name each other still has a top — every member of a group of devices that
depend on each other (a strongly connected component) that no outside device leads into.
A down device is a *root* when it is an anchor or some parent is available (it failed by itself);
otherwise it is *suppressed*, by the roots found walking up through unavailable parents. With
redundant parents a device stays reachable while any one of them is available.
"""

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

D = TypeVar("D", bound=Hashable)


@dataclass(frozen=True)
class Analysis:
    roots: frozenset
    suppressed: Mapping  # device → frozenset of the roots that explain it
    available: frozenset

    def root_of(self, device: Hashable) -> Hashable | None:
        """The one root an alarm names ("suppressed by …"): the smallest, for a stable answer."""
        roots = self.suppressed.get(device)
        return min(roots, key=repr) if roots else None


def _nodes(parents: Mapping[D, Iterable[D]], down: Iterable[D]) -> set[D]:
    nodes = set(parents) | set(down)
    for ps in parents.values():
        nodes |= set(ps)
    return nodes


def anchors(parents: Mapping[D, Iterable[D]], nodes: set[D]) -> set[D]:
    """Devices without parents, and members of source strongly connected components."""
    components = _components(parents, nodes)
    component_of = {node: i for i, members in enumerate(components) for node in members}
    entered = set()
    for child in nodes:
        for parent in parents.get(child, ()):
            if component_of[parent] != component_of[child]:
                entered.add(component_of[child])
    return {node for node in nodes if component_of[node] not in entered}


def _components(parents: Mapping[D, Iterable[D]], nodes: set[D]) -> list[set[D]]:
    """Tarjan's strongly connected components over parent edges, iteratively (no recursion)."""
    index: dict[D, int] = {}
    low: dict[D, int] = {}
    on_stack: set[D] = set()
    stack: list[D] = []
    result: list[set[D]] = []
    for start in sorted(nodes, key=repr):
        if start in index:
            continue
        work = [(start, iter(sorted(parents.get(start, ()), key=repr)))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            advanced = False
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(parents.get(nxt, ()), key=repr))))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                members = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    members.add(member)
                    if member == node:
                        break
                result.append(members)
    return result


def analyse(parents: Mapping[D, Iterable[D]], down: Iterable[D]) -> Analysis:
    down = set(down)
    nodes = _nodes(parents, down)
    tops = anchors(parents, nodes)
    available: set[D] = set()
    changed = True
    while changed:  # a fixpoint: available = up and (anchor or some parent available)
        changed = False
        for node in nodes:
            if node in available or node in down:
                continue
            if node in tops or any(p in available for p in parents.get(node, ())):
                available.add(node)
                changed = True
    roots = {
        node for node in down if node in tops or any(p in available for p in parents.get(node, ()))
    }
    suppressed = {node: _explaining_roots(node, parents, roots) for node in down - roots}
    return Analysis(frozenset(roots), suppressed, frozenset(available))


def _explaining_roots(node: D, parents: Mapping[D, Iterable[D]], roots: set[D]) -> frozenset:
    found: set[D] = set()
    seen = {node}
    todo = [node]
    while todo:
        for parent in parents.get(todo.pop(), ()):
            if parent in roots:
                found.add(parent)
            elif parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return frozenset(found)


def to_recheck(before: Analysis, after: Analysis) -> set:
    """Devices suppressed before that are no longer explained by a root: once a parent recovers
    they must be polled again before anyone is told they are down (they may be up already)."""
    return {node for node in before.suppressed if node not in after.suppressed}

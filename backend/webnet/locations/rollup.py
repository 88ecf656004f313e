"""The location tree with device counts and a worst-state roll-up per node.

`build_tree` takes plain rows, not querysets: the UI feeds it monitoring's device states
(up/down/unreachable/degraded/flapping/poll_timeout) and their severity order. A node's count
and worst state cover everything at it and below it.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass
class TreeNode:
    kind: str  # region | site | location
    id: int
    name: str
    children: list["TreeNode"] = field(default_factory=list)
    device_count: int = 0
    worst: str | None = None  # the most severe state at or below this node

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


@dataclass(frozen=True)
class Placement:
    """One device's place (site and optional location) and its state."""

    site_id: int | None
    location_id: int | None
    state: str


def build_tree(
    regions: Iterable[tuple[int, str, int | None]],
    sites: Iterable[tuple[int, str, int | None]],
    locations: Iterable[tuple[int, str, int, int | None]],
    placements: Iterable[Placement],
    severity: Mapping[str, int],
) -> list[TreeNode]:
    """Roots of the tree: regions (id, name, parent id), sites (id, name, region id) and
    locations (id, name, site id, parent id), with every placement counted at its deepest
    node and rolled up. A parent missing from the rows (outside the reader's scope) makes its
    child a root. `severity` ranks states; an unranked state ranks lowest."""
    nodes: dict[str, TreeNode] = {}
    parents: dict[str, str | None] = {}
    for pk, name, parent in regions:
        nodes[f"region:{pk}"] = TreeNode("region", pk, name)
        parents[f"region:{pk}"] = f"region:{parent}" if parent else None
    for pk, name, region in sites:
        nodes[f"site:{pk}"] = TreeNode("site", pk, name)
        parents[f"site:{pk}"] = f"region:{region}" if region else None
    for pk, name, site, parent in locations:
        nodes[f"location:{pk}"] = TreeNode("location", pk, name)
        parents[f"location:{pk}"] = f"location:{parent}" if parent else f"site:{site}"
    for placement in placements:
        key = (
            f"location:{placement.location_id}"
            if placement.location_id
            else f"site:{placement.site_id}"
        )
        while key is not None and key in nodes:
            node = nodes[key]
            node.device_count += 1
            if node.worst is None or severity.get(placement.state, -1) > severity.get(
                node.worst, -1
            ):
                node.worst = placement.state
            key = parents[key]  # type: ignore[assignment]
    roots: list[TreeNode] = []
    for key, node in nodes.items():
        holder = nodes.get(parents[key] or "")
        (holder.children if holder is not None else roots).append(node)
    return roots

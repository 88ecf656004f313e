"""`make bench-calendar`: how long does a conflict check take against a busy change calendar?

Usage: python bench/bench_calendar.py --windows 5000 [--checks 500]

Builds a calendar of N occurrences (maintenance windows, changes and freezes over a year, on 2,000
devices in 50 sites with a three-tier parent map), indexes it once (timed: the cost of rebuilding
after a calendar change) and times each candidate's check. The peer in the same run is the full
scan a first implementation would write (every item, every rule). Both must find the same
conflicts. Ends with one machine-readable line:

    RESULT windows=<n> p95_ms=<p> scan_p95_ms=<s> build_ms=<b> checks=<c>
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from webnet.maintenance.conflicts import CalendarItem, ConflictIndex

T0 = datetime(2026, 1, 1, tzinfo=UTC)
DEVICES, SITES = 2000, 50


def calendar(n: int, rng: random.Random) -> list[CalendarItem]:
    items = []
    for k in range(n):
        kind = rng.choices(["maintenance", "change", "freeze"], weights=[60, 38, 2])[0]
        start = T0 + timedelta(minutes=15 * rng.randrange(365 * 96))
        devices = frozenset(rng.randrange(DEVICES) for _ in range(rng.randint(1, 20)))
        sites = frozenset({d % SITES for d in devices}) if kind != "freeze" else frozenset()
        length = timedelta(hours=rng.randint(1, 72 if kind == "freeze" else 8))
        items.append(
            CalendarItem(
                f"{kind}:{k}",
                kind,
                start,
                start + length,
                devices if kind != "freeze" else frozenset(),
                sites,
            )
        )
    return items


def parents() -> dict[int, set[int]]:
    """Three tiers: 10 cores, 190 distribution devices on two cores each, the rest on one."""
    tree = {d: {d % 10, (d + 1) % 10} for d in range(10, 200)}
    tree.update({d: {10 + d % 190} for d in range(200, DEVICES)})
    return tree


def children_of(tree: dict[int, set[int]]) -> dict[int, set[int]]:
    children: dict[int, set[int]] = {}
    for d, ps in tree.items():
        for p in ps:
            children.setdefault(p, set()).add(d)
    return children


def scan(
    candidate: CalendarItem,
    items: list[CalendarItem],
    tree: dict[int, set[int]],
    children: dict[int, set[int]],
) -> set[tuple[str, str]]:
    found = set()
    for item in items:
        if not (item.start < candidate.end and item.end > candidate.start):
            continue
        if item.kind == "freeze" and not item.devices and not item.sites:
            found.add((item.key, "freeze"))
            continue
        for d in candidate.devices:
            if d in item.devices:
                found.add((item.key, "freeze" if item.kind == "freeze" else "same_device"))
            if tree.get(d, set()) & item.devices:
                found.add((item.key, "freeze" if item.kind == "freeze" else "parent_device"))
            if children.get(d, set()) & item.devices:
                found.add((item.key, "freeze" if item.kind == "freeze" else "child_device"))
        if candidate.sites & item.sites:
            found.add((item.key, "freeze" if item.kind == "freeze" else "same_site"))
    return found


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--windows", type=int, default=5000)
    parser.add_argument("--checks", type=int, default=500)
    args = parser.parse_args()
    rng = random.Random(7)
    items, tree = calendar(args.windows, rng), parents()
    candidates = calendar(args.checks, random.Random(11))
    indexed, scanned, conflicts = [], [], 0
    t = time.perf_counter()
    index = ConflictIndex(items, tree)
    build_ms = (time.perf_counter() - t) * 1000
    children = children_of(tree)
    for candidate in candidates:
        t = time.perf_counter()
        found = index.check(candidate)
        indexed.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        expected = scan(candidate, items, tree, children)
        scanned.append((time.perf_counter() - t) * 1000)
        if {(c.item.key, c.reason) for c in found} != expected:
            raise SystemExit(f"index and scan disagree on {candidate.key}")
        conflicts += len(found)
    print(
        f"calendar: {args.windows} occurrences, {DEVICES} devices, {SITES} sites; "
        f"{args.checks} checks, {conflicts} conflicts found"
    )
    print(f"index built in {build_ms:.1f} ms")
    print(f"check:     median {statistics.median(indexed):.1f} ms, p95 {p95(indexed):.1f} ms")
    print(f"full scan:   median {statistics.median(scanned):.1f} ms, p95 {p95(scanned):.1f} ms")
    print(
        f"RESULT windows={args.windows} p95_ms={p95(indexed):.1f} "
        f"scan_p95_ms={p95(scanned):.1f} build_ms={build_ms:.1f} checks={args.checks}"
    )


if __name__ == "__main__":
    main()

"""Alertmanager's grouping and inhibition over label sets (pure), so webnet agrees with it.

Grouping: alerts with equal values of the `group_by` labels form one group (a label an alert lacks
is left out of its group key). Inhibition: a target alert is muted when some *other* firing alert
matches the rule's source matchers and has the same value (absent = "") for every `equal` label;
an alert matching both sides is not muted by sources that match both sides too (Alertmanager's
inhibit.go). Matchers are silences' (anchored RE2 regexes). tests/alarms/test_alertmanager.py
checks both against a real Alertmanager.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from webnet.alarms.matchers import matches

Labels = dict[str, str]


@dataclass(frozen=True)
class InhibitRule:
    source: tuple[dict[str, Any], ...]
    target: tuple[dict[str, Any], ...]
    equal: tuple[str, ...] = ()


def group_key(labels: Labels, group_by: Sequence[str]) -> frozenset[tuple[str, str]]:
    return frozenset((name, labels[name]) for name in group_by if name in labels)


def groups(alerts: Sequence[Labels], group_by: Sequence[str]) -> dict[frozenset, list[int]]:
    """Group key → indexes of the alerts in it."""
    found: dict[frozenset, list[int]] = {}
    for index, labels in enumerate(alerts):
        found.setdefault(group_key(labels, group_by), []).append(index)
    return found


def inhibitors(alerts: Sequence[Labels], rules: Sequence[InhibitRule]) -> dict[int, int]:
    """Index of each muted alert → the index of the first alert that mutes it."""
    muted: dict[int, int] = {}
    for index, labels in enumerate(alerts):
        for rule in rules:
            if not matches(list(rule.target), labels):
                continue
            two_sided = matches(list(rule.source), labels)
            source = next(
                (
                    other
                    for other, source in enumerate(alerts)
                    if other != index
                    and matches(list(rule.source), source)
                    and all(source.get(n, "") == labels.get(n, "") for n in rule.equal)
                    and not (two_sided and matches(list(rule.target), source))
                ),
                None,
            )
            if source is not None:
                muted[index] = source
                break
    return muted


def inhibited(alerts: Sequence[Labels], rules: Sequence[InhibitRule]) -> set[int]:
    """Indexes of the alerts some rule mutes."""
    return set(inhibitors(alerts, rules))

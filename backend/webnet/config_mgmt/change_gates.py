"""Gates a change plan must pass before it is approved, scheduled or committed.

config_mgmt sits below the calendar (maintenance: freeze windows, conflicts with other work), so
the calendar registers its checks here at start-up and the deploy front door asks every gate.
A finding names the item it collides with, so the refusal can say what is in the way.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class GateFinding:
    """One reason a plan should not run in [starts, ends)."""

    gate: str  # "freeze", "conflict", ...
    message: str  # human text naming the conflicting item, e.g. "freeze window 'Xmas' (#4)"
    blocking: bool  # True: refused; False: a warning shown to the user
    overridable: bool = False  # True: an admin may override (the override is audited)
    item: str = ""  # the conflicting item's key, e.g. "freeze:4" (an override names what it passes)


@dataclass(frozen=True)
class Override:
    """An admin's word to pass blocking, overridable findings, checked when it is used (so an
    override given at scheduling is honoured at run time only while `by` is still an admin).
    `items` limits it to the findings the admin saw (empty: any, as when committing by hand)."""

    by: Any
    reason: str
    items: frozenset[str] = frozenset()


Gate = Callable[[Any, datetime, datetime], list[GateFinding]]

_gates: dict[str, Gate] = {}


def register(name: str, gate: Gate) -> None:
    """Add (or replace, on a repeated ready()) the gate called ``name``."""
    _gates[name] = gate


def findings(plan: Any, starts: datetime, ends: datetime) -> list[GateFinding]:
    """Every registered gate's findings for running ``plan`` in [starts, ends)."""
    return [finding for gate in _gates.values() for finding in gate(plan, starts, ends)]

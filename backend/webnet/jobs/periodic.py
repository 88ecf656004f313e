"""Periodic work of apps above the engine, run by the scheduler's one `tick()`.

Apps that sit above jobs in the layers (monitoring's retention and rollups) cannot be imported
here; they register a callable at app ready instead. Each callable must be idempotent: ticks
overlap when scaled out and repeat after a crash.
"""

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

logger = logging.getLogger("webnet.jobs")

Periodic = Callable[[datetime], Any]

_registry: dict[str, Periodic] = {}


def register(name: str, work: Periodic) -> None:
    """Run `work(now)` on every tick under `name` (registering a name again replaces it)."""
    _registry[name] = work


def run_all(now: datetime) -> dict[str, Any]:
    """Call every registered callable; one that fails is logged and does not stop the others."""
    results: dict[str, Any] = {}
    for name, work in list(_registry.items()):
        try:
            results[name] = work(now)
        except Exception:
            logger.exception("periodic %s failed", name)
            results[name] = "failed"
    return results

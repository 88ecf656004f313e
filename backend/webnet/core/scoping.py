"""Location scopes: a membership limited to part of its customer's tree (a region, a site, a
location) narrows every location-bound model the gate reads.

core knows no locations: a model takes part by declaring `location_paths`, and the locations app
registers at start-up the one function that turns (model, scope) into a condition (`within`).
Until something is registered a scope matches no row: a scoped user is never shown more.
"""

from collections.abc import Callable
from typing import Any

from django.db import models
from django.db.models import Q

Scope = tuple[str, int]  # (node kind, node id), e.g. ("region", 3)
WithinQ = Callable[[type[models.Model], Scope], Q]

_within: list[WithinQ] = []


def register(within_q: WithinQ) -> None:
    """Install the locations app's `(model, scope) → Q` (idempotent)."""
    _within[:] = [within_q]


def is_location_bound(model: type[models.Model]) -> bool:
    return bool(getattr(model, "location_paths", None))


def narrowing(model: type[models.Model], customer_path: str, scopes: dict[int, Scope]) -> Q:
    """Rows of unscoped customers as they are; rows of a scoped customer only inside its scope."""
    condition = ~Q(**{f"{customer_path}__in": list(scopes)})
    for customer_id, scope in scopes.items():
        inside = _within[0](model, scope) if _within else Q(pk__in=[])
        condition |= Q(**{customer_path: customer_id}) & inside
    return condition


def scoped_customers(scopes: dict[int, Scope], allowed: Any) -> dict[int, Scope]:
    """The scopes that matter for a read already limited to `allowed` customer ids."""
    return {cid: scope for cid, scope in scopes.items() if cid in allowed}

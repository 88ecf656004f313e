"""`within(node)`: the node and everything below it, for any model bound to a place.

A node is named `<kind>:<id>` — `region:3`, `site:7`, `location:12`, `rack:4` — in API and UI
filters, exports and membership scopes alike. A model takes part by declaring `location_paths`
(kind → lookup); a kind it has no path for matches none of its rows (a region holds no rack
scope; a site scope holds no region). A row bound to several devices (a job and its targets)
also declares `location_every`, the lookup of those devices: it stands inside a node only if
every one of them does, so a scoped member never reads a job that touched a device outside.
"""

from dataclasses import dataclass
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet

from webnet.locations.models import Location, Rack, Region, Site

NODE_MODELS: dict[str, type[models.Model]] = {
    "region": Region,
    "site": Site,
    "location": Location,
    "rack": Rack,
}
NESTED = {"region": Region, "location": Location}
NODE_FORMAT = "<kind>:<id>, kind one of " + ", ".join(NODE_MODELS)


@dataclass(frozen=True)
class Node:
    kind: str
    id: int

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"


def parse_node(text: str) -> Node:
    """`region:3` → Node("region", 3); anything else is a ValueError with the expected form."""
    kind, _, raw_id = text.strip().partition(":")
    if kind not in NODE_MODELS or not raw_id.isdigit() or not 0 < int(raw_id) < 2**63:
        raise ValueError(f"Name a node as {NODE_FORMAT} (e.g. region:3).")
    return Node(kind, int(raw_id))


def node_of(obj: models.Model) -> Node:
    kind = next(kind for kind, model in NODE_MODELS.items() if isinstance(obj, model))
    return Node(kind, obj.pk)


def subtree_ids(node: Node) -> list[int]:
    """The node's id and, for nested kinds, every descendant's (one recursive query)."""
    model = NESTED.get(node.kind)
    if model is None:
        return [node.id]
    manager: Any = model._default_manager
    return list(manager.descendants(node.id, include_self=True).values_list("pk", flat=True))


def within_q(model: type[models.Model], node: Node) -> Q:
    """The condition "row of `model` is at `node` or below it"."""
    path = getattr(model, "location_paths", {}).get(node.kind)
    if path is None:
        return Q(pk__in=[])
    every = getattr(model, "location_every", None)
    if every is not None:
        return _every_inside(model, every, node)
    return Q(**{f"{path}__in": subtree_ids(node)})


def _model_at(model: type[models.Model], lookup: str) -> type[models.Model]:
    for name in lookup.split("__"):
        model = cast(type[models.Model], model._meta.get_field(name).related_model)
    return model


def _every_inside(model: type[models.Model], every: str, node: Node) -> Q:
    """Rows with at least one device at `every` inside `node` and none outside it (a row with
    no device there, a scan of addresses, is of the whole customer)."""
    device_model = _model_at(model, every)
    devices: Any = device_model._default_manager
    inside = devices.filter(within_q(device_model, node)).values("pk")
    outside = devices.exclude(pk__in=inside).values("pk")
    rows: Any = model._default_manager
    touching = rows.filter(**{f"{every}__in": inside}).values("pk")
    leaving = rows.filter(**{f"{every}__in": outside}).values("pk")
    return Q(pk__in=touching) & ~Q(pk__in=leaving)


def within(queryset: QuerySet, node: Node) -> QuerySet:
    return queryset.filter(within_q(queryset.model, node))


SCOPE_KINDS = ("region", "site", "location")  # what a membership may be limited to


def scope_fields(user: Any, customer_id: int, node: Node | None) -> dict[str, Any]:
    """A membership's scope_* values for `node` (None: the whole customer). The node must be a
    region, site or location of the customer that `user` sees; else a `scope` field error."""
    fields: dict[str, Any] = {f"scope_{kind}": None for kind in SCOPE_KINDS}
    if node is None:
        return fields
    if node.kind not in SCOPE_KINDS:
        raise ValidationError({"scope": "A scope is a region, a site or a location."})
    model: Any = NODE_MODELS[node.kind]
    found = model.objects.restrict(user).for_customer(customer_id).filter(pk=node.id).first()
    if found is None:
        raise ValidationError({"scope": f"{node} does not exist."})
    fields[f"scope_{node.kind}"] = found
    return fields

"""The API's side of the one permission gate (see core/access.py and core/querysets.py).

- `CustomerScopedQuerysetMixin` narrows every queryset to the customers the user may view, so
  another customer's object is simply not found (404, never 403).
- `RolePermission` asks whether the user may do the view's action on its resource anywhere.
- `ObjectCustomerPermission` asks whether the user may do it in the object's own customer.
Actions come from the view (list/retrieve → view, create → add, update → change,
destroy → delete, or `permission_actions` for extra routes), never from the HTTP method.
"""

from typing import Any

from django.db.models import Model
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from webnet.core import access
from webnet.core.querysets import customer_path_of, resource_of

DEFAULT_ACTIONS = {
    "list": "view",
    "retrieve": "view",
    "export": "view",
    "create": "add",
    "update": "change",
    "partial_update": "change",
    "destroy": "delete",
    "metadata": "view",
}


def view_action(view: Any) -> str:
    """The permission action for the current DRF action of `view`."""
    name = getattr(view, "action", None) or "metadata"
    explicit = getattr(view, "permission_actions", {})
    if name in explicit:
        return explicit[name]
    if name in DEFAULT_ACTIONS:
        return DEFAULT_ACTIONS[name]
    raise access.UnknownPermission(f"{type(view).__name__}.{name} has no permission action")


def view_resource(view: Any) -> str | None:
    if hasattr(view, "access_resource"):
        return view.access_resource
    queryset = getattr(view, "queryset", None)
    return resource_of(queryset.model) if queryset is not None else None


def object_customer_id(obj: Model, customer_field: str | None = None) -> int | None:
    """Follow `customer_field` (e.g. `policy__customer`) from `obj` to its customer id."""
    path = (customer_field or customer_path_of(type(obj))).split("__")
    if path == ["id"]:
        return obj.pk
    target: Any = obj
    for step in path[:-1]:
        target = getattr(target, step)
    return getattr(target, f"{path[-1]}_id", None)


class CustomerScopedQuerysetMixin:
    """Restrict `get_queryset()` through the gate; `customer_field` overrides the model's path."""

    customer_field: str | None = None

    def get_queryset(self):  # type: ignore[no-untyped-def]
        queryset = super().get_queryset()  # type: ignore[misc]
        user = self.request.user  # type: ignore[attr-defined]
        return queryset.restrict(user, "view", customer_path=self.customer_field)


class RolePermission(BasePermission):
    """May the user do this action on this resource in at least one customer?"""

    message = "Your role does not allow this action."

    def has_permission(self, request: Request, view: Any) -> bool:
        resource = view_resource(view)
        if resource is None:
            return True
        action = view_action(view)
        if action == "view":
            return True  # reads are narrowed by the queryset instead
        return access.can_anywhere(request.user, resource, action)


class ObjectCustomerPermission(BasePermission):
    """May the user do this action in the customer that owns this object?"""

    message = "Your role in this customer does not allow this action."

    def has_object_permission(self, request: Request, view: Any, obj: Model) -> bool:
        resource = view_resource(view)
        action = view_action(view)
        if resource is None or action == "view":
            return True  # the object came through the view-restricted queryset
        customer_id = object_customer_id(obj, getattr(view, "customer_field", None))
        return access.can(request.user, resource, action, customer_id)

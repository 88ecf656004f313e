"""The one tenancy filter: `Model.objects.restrict(user, action)`.

Every tenant-owned model uses `ScopedManager` and names the path to its customer in
`customer_path` (nested paths such as `policy__customer` work) and its permission resource in
`access_resource` (defaults to the model name). Nothing else filters by customer by hand. A
model bound to a place declares `location_paths`; a membership limited to a location subtree
then sees only its rows inside that subtree (core/scoping.py).
"""

from typing import Any

from django.db import models

from webnet.core import access, scoping


def customer_path_of(model: type[models.Model]) -> str:
    return getattr(model, "customer_path", "customer")


def resource_of(model: type[models.Model]) -> str:
    return str(getattr(model, "access_resource", model._meta.model_name))


class ScopedQuerySet(models.QuerySet):
    def restrict(
        self,
        user: Any,
        action: str = "view",
        customer_path: str | None = None,
        resource: str | None = None,
    ):
        """Rows whose customer lets `user` do `action` on this model's resource (or `resource`);
        of a location-bound model, only those inside the user's location scope there."""
        allowed = access.customer_ids(user, resource or resource_of(self.model), action)
        if allowed is access.ALL:
            return self
        path = customer_path or customer_path_of(self.model)
        rows = self.filter(**{f"{path}__in": allowed})
        if not scoping.is_location_bound(self.model):
            return rows
        scopes = scoping.scoped_customers(access.location_scopes(user), allowed)
        return rows.filter(scoping.narrowing(self.model, path, scopes)) if scopes else rows

    def for_customer(self, customer_id: int, customer_path: str | None = None):
        """Rows of one customer, for code that has already passed the gate (jobs, UI scope)."""
        path = customer_path or customer_path_of(self.model)
        return self.filter(**{path: customer_id})


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):  # type: ignore[misc]
    """Manager of every tenant-owned model."""

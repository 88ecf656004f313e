"""Related fields that only accept objects the requesting user may see (through the gate)."""

from typing import Any

from rest_framework import serializers

from webnet.core import access
from webnet.customers.models import Customer


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A primary-key field whose choices are `model.objects.restrict(user, "view")`.

    Another customer's id is "not found" (400), exactly like an id that does not exist.
    """

    def __init__(self, model: Any, **kwargs: Any) -> None:
        self.model = model
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", model.objects.none())
        super().__init__(**kwargs)

    def get_queryset(self):  # type: ignore[no-untyped-def]
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return self.model.objects.restrict(user, "view")


class CustomerField(ScopedRelatedField):
    """The owning customer of a new object. Optional when the user belongs to one customer only."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "Owning customer id (optional if you have only one).")
        super().__init__(Customer, **kwargs)


def default_customer(user: Any) -> Customer | None:
    """The user's only visible customer, so single-tenant users need not name it."""
    visible = list(Customer.objects.restrict(user, "view").filter(is_active=True)[:2])
    return visible[0] if len(visible) == 1 else None


def resolve_customer(
    user: Any, given: Customer | None, resource: str | None = None, action: str = "add"
) -> Customer:
    """The customer a request acts in: the one given, else the user's only one, else 400.

    `given` comes from a CustomerField, so another customer's id has already failed as "does
    not exist". With `resource`, a role that may not `action` it here is refused with 403.
    """
    customer = given or default_customer(user)
    if customer is None:
        raise serializers.ValidationError({"customer": ["This field is required."]})
    if resource is not None:
        access.require(user, resource, action, customer.pk)
    return customer

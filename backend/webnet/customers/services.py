"""Customers and memberships. Membership writes are permission changes: audited like any write."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.text import slugify

from webnet.core import changes
from webnet.customers.models import Customer, Membership, Role


def create_customer(actor: Any, data: dict[str, Any]) -> Customer:
    data = dict(data)
    data.setdefault("slug", slugify(data.get("name", "")))
    if not data["slug"]:
        raise ValidationError({"slug": "A slug is required."})
    return changes.create(actor, Customer, data)


def update_customer(actor: Any, customer: Customer, data: dict[str, Any]) -> Customer:
    return changes.update(actor, customer, data)


def delete_customer(actor: Any, customer: Customer) -> None:
    changes.delete(actor, customer)


def grant_role(actor: Any, user: Any, customer: Customer, role: str) -> Membership:
    """Give `user` `role` in `customer`, creating or changing the membership."""
    role = Role(role)
    existing = Membership.objects.for_customer(customer.pk).filter(user=user).first()
    if existing is None:
        return changes.create(actor, Membership, {"user": user, "customer": customer, "role": role})
    return changes.update(actor, existing, {"role": role})


def update_membership(actor: Any, membership: Membership, data: dict[str, Any]) -> Membership:
    return changes.update(actor, membership, data)


def revoke_membership(actor: Any, membership: Membership) -> None:
    changes.delete(actor, membership)

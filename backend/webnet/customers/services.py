"""Customers and memberships. Membership writes are permission changes: audited like any write,
and the live sockets of the users concerned re-check their access once the change is committed."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.text import slugify

from webnet.core import broadcasts, changes
from webnet.customers.models import Customer, Membership, Role


def _members(customer: Customer) -> list[int]:
    return list(Membership.objects.for_customer(customer.pk).values_list("user_id", flat=True))


def create_customer(actor: Any, data: dict[str, Any]) -> Customer:
    data = dict(data)
    data.setdefault("slug", slugify(data.get("name", "")))
    if not data["slug"]:
        raise ValidationError({"slug": "A slug is required."})
    return changes.create(actor, Customer, data)


def update_customer(actor: Any, customer: Customer, data: dict[str, Any]) -> Customer:
    """Its rules (active, TOTP of admins) decide who gets in: members' sockets re-check."""
    updated = changes.update(actor, customer, data)
    broadcasts.recheck_users_on_commit(*_members(customer))
    return updated


def delete_customer(actor: Any, customer: Customer) -> None:
    members = _members(customer)
    changes.delete(actor, customer)
    broadcasts.recheck_users_on_commit(*members)


def grant_role(actor: Any, user: Any, customer: Customer, role: str) -> Membership:
    """Give `user` `role` in `customer`, creating or changing the membership."""
    role = Role(role)
    existing = Membership.objects.for_customer(customer.pk).filter(user=user).first()
    if existing is None:
        granted = changes.create(
            actor, Membership, {"user": user, "customer": customer, "role": role}
        )
    else:
        granted = changes.update(actor, existing, {"role": role})
    broadcasts.recheck_users_on_commit(user.pk)
    return granted


def update_membership(actor: Any, membership: Membership, data: dict[str, Any]) -> Membership:
    updated = changes.update(actor, membership, data)
    broadcasts.recheck_users_on_commit(membership.user_id)
    return updated


def revoke_membership(actor: Any, membership: Membership) -> None:
    changes.delete(actor, membership)
    broadcasts.recheck_users_on_commit(membership.user_id)

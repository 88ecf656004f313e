"""Customers and memberships. Membership writes are permission changes: audited like any write,
and the live sockets of the users concerned re-check their access once the change is committed."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from webnet.core import broadcasts, changes
from webnet.customers.models import Customer, Membership, Role


def _sockets_recheck(user_ids: list[int]) -> None:
    def send() -> None:
        for user_id in user_ids:
            broadcasts.recheck_user(user_id)

    transaction.on_commit(send)


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
    _sockets_recheck(_members(customer))
    return updated


def delete_customer(actor: Any, customer: Customer) -> None:
    members = _members(customer)
    changes.delete(actor, customer)
    _sockets_recheck(members)


def grant_role(actor: Any, user: Any, customer: Customer, role: str) -> Membership:
    """Give `user` `role` in `customer`, creating or changing the membership."""
    role = Role(role)
    existing = Membership.objects.for_customer(customer.pk).filter(user=user).first()
    _sockets_recheck([user.pk])
    if existing is None:
        return changes.create(actor, Membership, {"user": user, "customer": customer, "role": role})
    return changes.update(actor, existing, {"role": role})


def update_membership(actor: Any, membership: Membership, data: dict[str, Any]) -> Membership:
    _sockets_recheck([membership.user_id])
    return changes.update(actor, membership, data)


def revoke_membership(actor: Any, membership: Membership) -> None:
    _sockets_recheck([membership.user_id])
    changes.delete(actor, membership)

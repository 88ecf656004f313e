"""Writing one subscriber's RADIUS rows: the seam between subscribers' provisioning and FreeRADIUS.

A user's rows are radcheck (e.g. Cleartext-Password), radreply (rate, address, walled garden) and
radusergroup, all inside one customer. `apply_user` replaces them as a whole, so applying the
same plan twice writes nothing the second time; reconcile compares `desired_rows` with
`actual_rows`. These functions take no actor: the caller (a provisioning transition) has
already passed the gate.
"""

from dataclasses import dataclass, field

from django.db import transaction

from webnet.aaa.models import RadCheck, RadReply, RadUserGroup
from webnet.customers.models import Customer

Attribute = tuple[str, str, str]  # (attribute, op, value)


@dataclass(frozen=True)
class UserRows:
    """All the rows FreeRADIUS reads for one user, in a comparable (order-free) form."""

    check: frozenset[Attribute] = field(default_factory=frozenset)
    reply: frozenset[Attribute] = field(default_factory=frozenset)
    groups: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.check or self.reply or self.groups)


def desired_rows(*, check: list[Attribute], reply: list[Attribute], groups: list[str]) -> UserRows:
    """The rows `apply_user` would leave, to compare with `actual_rows`."""
    return UserRows(frozenset(check), frozenset(reply), tuple(groups))


def actual_rows(customer: Customer, username: str) -> UserRows:
    """What the RADIUS tables hold for this user of this customer now."""
    check = RadCheck.objects.for_customer(customer).filter(username=username)
    reply = RadReply.objects.for_customer(customer).filter(username=username)
    groups = RadUserGroup.objects.for_customer(customer).filter(username=username)
    return UserRows(
        frozenset(row.as_tuple() for row in check),
        frozenset(row.as_tuple() for row in reply),
        tuple(groups.values_list("groupname", flat=True)),
    )


def apply_user(
    customer: Customer,
    username: str,
    *,
    check: list[Attribute],
    reply: list[Attribute],
    groups: list[str],
) -> None:
    """Make the user's rows exactly these (groups in priority order); a no-op if they are."""
    wanted = desired_rows(check=check, reply=reply, groups=groups)
    with transaction.atomic():
        if actual_rows(customer, username) == wanted:
            return
        _delete(customer, username)
        RadCheck.objects.bulk_create(
            RadCheck(customer=customer, username=username, attribute=a, op=o, value=v)
            for a, o, v in check
        )
        RadReply.objects.bulk_create(
            RadReply(customer=customer, username=username, attribute=a, op=o, value=v)
            for a, o, v in reply
        )
        RadUserGroup.objects.bulk_create(
            RadUserGroup(customer=customer, username=username, groupname=name, priority=rank)
            for rank, name in enumerate(groups, start=1)
        )


def remove_user(customer: Customer, username: str) -> None:
    """Delete the user's check, reply and group rows (accounting stays)."""
    with transaction.atomic():
        _delete(customer, username)


def _delete(customer: Customer, username: str) -> None:
    for model in (RadCheck, RadReply, RadUserGroup):
        model.objects.for_customer(customer).filter(username=username).delete()

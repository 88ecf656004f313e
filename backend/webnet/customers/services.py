"""Customers, memberships and invitations. Membership writes are permission changes: audited,
and the live sockets of the users concerned re-check their access once the change is committed.

A customer's admin adds an existing user of the platform only by invitation, which that user
accepts or declines; staff may grant roles directly. An invitation answers the same whether or not
the user it names exists, so usernames and emails can't be probed through it.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify

from webnet.core import access, audit, broadcasts, changes
from webnet.customers.models import Customer, Invitation, InvitationStatus, Membership, Role


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


def grant_role(
    actor: Any,
    user: Any,
    customer: Customer,
    role: str,
    invitation: Invitation | None = None,
    scope: dict[str, Any] | None = None,
) -> Membership:
    """Give `user` `role` in `customer`, creating or changing the membership (audited); `scope`
    (the membership's scope_* fields) limits it to a location subtree.

    The actor must be allowed to manage memberships there, or be `user` accepting their pending
    `invitation` to it; None is the system (management commands).
    """
    role = Role(role)
    accepting = (
        invitation is not None
        and invitation.status == InvitationStatus.PENDING
        and invitation.user_id == user.pk == getattr(actor, "pk", None)
        and invitation.customer_id == customer.pk
    )
    allowed = actor is None or accepting or access.can(actor, "membership", "add", customer.pk)
    if not allowed:
        raise PermissionDenied("Your role in this customer does not allow adding members.")
    existing = Membership.objects.for_customer(customer.pk).filter(user=user).first()
    if existing is None:
        granted = changes.create(
            actor, Membership, {"user": user, "customer": customer, "role": role, **(scope or {})}
        )
    else:
        granted = changes.update(actor, existing, {"role": role, **(scope or {})})
    broadcasts.recheck_users_on_commit(user.pk)
    return granted


def update_membership(actor: Any, membership: Membership, data: dict[str, Any]) -> Membership:
    updated = changes.update(actor, membership, data)
    broadcasts.recheck_users_on_commit(membership.user_id)
    return updated


def revoke_membership(actor: Any, membership: Membership) -> None:
    changes.delete(actor, membership)
    broadcasts.recheck_users_on_commit(membership.user_id)


def _find_user(invitee: str) -> Any:
    """The one active user with this username or email, if exactly one."""
    matches = list(
        get_user_model()
        .objects.filter(Q(username__iexact=invitee) | Q(email__iexact=invitee), is_active=True)
        .distinct()[:2]
    )
    return matches[0] if len(matches) == 1 else None


@transaction.atomic
def invite(actor: Any, *, customer: Customer, invitee: str, role: str) -> Invitation:
    """Record an invitation for whoever `invitee` names: the same row and audit event whether or
    not a user by that name or email exists (nor is the resolved user in the audit)."""
    if not access.can(actor, "invitation", "add", customer.pk):
        raise PermissionDenied("Your role in this customer does not allow inviting users.")
    invitee = invitee.strip()
    if not invitee:
        raise ValidationError({"invitee": "Give a username or an email address."})
    user = _find_user(invitee)
    if user is not None and Membership.objects.for_customer(customer.pk).filter(user=user).exists():
        user = None  # already in: nothing to accept, and nothing to tell apart from a stranger
    invitation = Invitation.objects.create(
        customer=customer, invitee=invitee, user=user, role=Role(role), invited_by=actor
    )
    _audit(actor, "create", invitation, before={}, after=_public(invitation))
    return invitation


def _public(invitation: Invitation) -> dict[str, Any]:
    """What the inviting side may know of an invitation (never whom it resolved to)."""
    return {"invitee": invitation.invitee, "role": invitation.role, "status": invitation.status}


def _audit(
    actor: Any, action: str, invitation: Invitation, before: dict[str, Any], after: dict[str, Any]
) -> None:
    audit.record(
        action,
        actor=actor,
        customer_id=invitation.customer_id,
        obj=invitation,
        changes=audit.diff(before, after),
    )


def invitations_for(user: Any) -> QuerySet[Invitation]:
    """Invitations of the customers `user` administers, and those addressed to `user` (through
    a customer-bound API token: only its customer's)."""
    addressed = Invitation.objects.filter(user_id=user.pk)
    bound = getattr(getattr(user, "api_token", None), "customer_id", None)
    if bound is not None:
        addressed = addressed.for_customer(bound)
    return Invitation.objects.restrict(user, "view") | addressed


def pending_invitations_of(user: Any) -> QuerySet[Invitation]:
    """What `user` can still accept or decline (their account page)."""
    return Invitation.objects.filter(user_id=user.pk, status=InvitationStatus.PENDING)


def _check_answerable(actor: Any, invitation: Invitation) -> None:
    if invitation.user_id != actor.pk or invitation.status != InvitationStatus.PENDING:
        raise PermissionDenied("This invitation is not yours to answer.")


def _answer(actor: Any, invitation: Invitation, status: InvitationStatus) -> Invitation:
    _check_answerable(actor, invitation)
    before = _public(invitation)
    invitation.status = status
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "answered_at"])
    _audit(actor, "update", invitation, before=before, after=_public(invitation))
    return invitation


@transaction.atomic
def accept_invitation(actor: Any, invitation: Invitation) -> Membership:
    """The invited user takes the offered role (audited as the membership it creates)."""
    _check_answerable(actor, invitation)
    membership = grant_role(
        actor, actor, invitation.customer, invitation.role, invitation=invitation
    )
    _answer(actor, invitation, InvitationStatus.ACCEPTED)
    return membership


def decline_invitation(actor: Any, invitation: Invitation) -> Invitation:
    return _answer(actor, invitation, InvitationStatus.DECLINED)


def revoke_invitation(actor: Any, invitation: Invitation) -> None:
    """An admin withdraws an invitation (answered or not)."""
    access.require(actor, "invitation", "delete", invitation.customer_id)
    _audit(actor, "delete", invitation, before=_public(invitation), after={})
    invitation.delete()


def create_membership(actor: Any, data: dict[str, Any]) -> Membership:
    """The API's membership create: a direct grant (the user field only offers users the actor
    may already see; staff see everyone)."""
    scope = {name: data[name] for name in Membership.SCOPE_FIELDS.values() if name in data}
    return grant_role(
        actor, data["user"], data["customer"], data.get("role", Role.VIEWER), scope=scope
    )

"""Issuing, revoking and resolving a RevocableToken, whatever it opens (a calendar feed, an
inbound webhook): the raw secret exists only in the creation response."""

import hashlib
import secrets
from typing import Any, TypeVar

from django.db import transaction
from django.utils import timezone

from webnet.core import access, audit
from webnet.core.models import RevocableToken
from webnet.core.querysets import resource_of

T = TypeVar("T", bound=RevocableToken)


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def issue(token_model: type[T], actor: Any, customer: Any, name: str) -> tuple[T, str]:
    """A new token and its raw secret, returned this once and stored only hashed."""
    access.require(actor, resource_of(token_model), "add", customer.pk)
    raw = token_model.TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = token_model.objects.create(
        customer=customer, name=name, prefix=raw[:12], token_hash=digest(raw)
    )
    audit.record("create", actor=actor, customer_id=customer.pk, obj=token)
    return token, raw


@transaction.atomic
def revoke(actor: Any, token: T) -> T:
    """Ends the token at once; revoking twice changes and audits nothing."""
    access.require(actor, resource_of(type(token)), "revoke", token.customer_id)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        action = f"{token._meta.model_name}.revoke"
        audit.record(action, actor=actor, customer_id=token.customer_id, obj=token)
    return token


def live(token_model: type[T], raw: str) -> T | None:
    """The live token with this secret; None for unknown, revoked or a deactivated customer
    (the caller answers as for any wrong secret)."""
    if not raw.startswith(token_model.TOKEN_PREFIX):
        return None
    return (
        token_model.objects.select_related("customer")
        .filter(token_hash=digest(raw), revoked_at__isnull=True, customer__is_active=True)
        .first()
    )


def mark_used(token: RevocableToken) -> None:
    """Stamps `last_used_at` once the token's request was served (not when merely presented)."""
    type(token).objects.filter(pk=token.pk).update(last_used_at=timezone.now())

"""Users, their API tokens, and login auditing."""

import zoneinfo
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from webnet.core import audit, broadcasts, changes
from webnet.customers.models import Customer
from webnet.customers.services import grant_role
from webnet.users.models import APIToken, User


@transaction.atomic
def create_user(
    actor: Any,
    *,
    username: str,
    password: str | None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    customer: Customer | None = None,
    role: str | None = None,
    is_superuser: bool = False,
) -> User:
    """Create a user (audited) and, when given, their first membership (audited separately)."""
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    if password:
        validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit.record(
        "create",
        actor=actor,
        obj=user,
        customer_id=customer.pk if customer else None,
        changes=audit.diff(
            {}, {"username": username, "email": email, "is_superuser": is_superuser}
        ),
    )
    if customer is not None and role:
        grant_role(actor, user, customer, role)
    return user


def update_user(actor: Any, user: User, data: dict[str, Any]) -> User:
    """Deactivating a user ends their sessions: their sockets re-check once committed."""
    updated = changes.update(actor, user, data)
    broadcasts.recheck_users_on_commit(user.pk)
    return updated


def set_password(actor: Any, user: User, password: str) -> None:
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record("password_change", actor=actor, obj=user)
    broadcasts.recheck_users_on_commit(user.pk)  # the old sessions' hash no longer matches


@transaction.atomic
def create_token(
    actor: Any,
    *,
    user: User,
    name: str,
    customer: Customer | None = None,
    read_only: bool = False,
    expires_at: datetime | None = None,
) -> tuple[APIToken, str]:
    """Create a token; return it with the raw value, which is never stored nor shown again."""
    raw, key_id, key_hash = APIToken.generate()
    token = APIToken.objects.create(
        user=user,
        name=name,
        key_id=key_id,
        key_hash=key_hash,
        customer=customer,
        read_only=read_only,
        expires_at=expires_at,
    )
    audit.record(
        "create",
        actor=actor,
        obj=token,
        customer_id=customer.pk if customer else None,
        changes={
            "name": [None, name],
            "user": [None, user.get_username()],
            "read_only": [None, read_only],
            "expires_at": [None, expires_at.isoformat() if expires_at else None],
        },
    )
    return token, raw


def tokens_of(user: Any) -> QuerySet[APIToken]:
    """The user's own tokens. Seen through a customer-bound token: only tokens bound to that
    customer (a token for B must not list or revoke the tokens the same user holds for A)."""
    tokens = APIToken.objects.filter(user_id=user.pk)
    bound = getattr(getattr(user, "api_token", None), "customer_id", None)
    return tokens if bound is None else tokens.for_customer(bound)


def revoke_token(actor: Any, token: APIToken) -> APIToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    audit.record("revoke", actor=actor, obj=token, customer_id=token.customer_id)
    return token


def authenticate_token(raw: str) -> APIToken | None:
    """The active token for a raw value, with its use time refreshed; None if invalid."""
    parts = raw.split("_")
    if len(parts) < 3 or not raw.startswith("wn_"):
        return None
    token = APIToken.objects.select_related("user").filter(key_id=parts[1]).first()
    if token is None or not token.matches(raw) or not token.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        APIToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def record_login(user: User) -> None:
    audit.record("login", actor=user, obj=user)


def record_login_failed(username: str) -> None:
    audit.record(
        "login_failed", actor=AnonymousUser(), object_type="users.user", object_repr=username[:150]
    )


def record_logout(user: Any) -> None:
    audit.record("logout", actor=user, obj=user)


def set_time_zone(actor: Any, zone: str) -> User:
    """The actor's own display zone (an IANA name; "" follows the browser)."""
    if zone and zone not in zoneinfo.available_timezones():
        raise ValidationError({"time_zone": f"Unknown time zone {zone!r}."})
    user = User.objects.get(pk=actor.pk)  # the model itself (a request's user is a lazy proxy)
    return changes.update(actor, user, {"time_zone": zone})

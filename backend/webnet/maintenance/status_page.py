"""A customer's status page: components (sites), notices, history.

Higher layers publish on it through notices (incidents.notices, maintenance.notices: one
announcement per source key, kept in step), so the page never imports them. It is built from one
customer's rows only and cached per customer for a short time, never past the next moment a
notice starts or ends; every write calls `invalidate(customer_id)`.
"""

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from webnet.core import audit, changes
from webnet.customers.models import Customer
from webnet.locations.models import Site
from webnet.maintenance.markdown import render_markdown
from webnet.maintenance.models import Announcement, StatusPage
from webnet.maintenance.models.announcements import shown_q
from webnet.users.models import hash_token

CACHE_SECONDS = 30
HISTORY_DAYS = 30
HISTORY_LIMIT = 20
TOKEN_BYTES = 24


def _key(customer_id: int) -> str:
    return f"status-page:{customer_id}"


def invalidate(customer_id: int) -> None:
    cache.delete(_key(customer_id))


def find_page(slug: str, token: str) -> StatusPage | None:
    """The status page for `slug` the caller may read: public, or the token matches; else None."""
    customer = Customer.objects.filter(slug=slug, is_active=True).first()
    if customer is None:
        return None
    page = StatusPage.objects.for_customer(customer.pk).first()
    if page is None:
        return None
    page.customer = customer
    if page.is_public:
        return page
    if token and page.token_hash and secrets.compare_digest(page.token_hash, hash_token(token)):
        return page
    return None


def rotate_token(actor: Any, page: StatusPage) -> str:
    """A new token (shown once); the old one stops working at once."""
    raw = secrets.token_urlsafe(TOKEN_BYTES)
    StatusPage.objects.filter(pk=page.pk).update(token_hash=hash_token(raw))
    page.token_hash = hash_token(raw)
    audit.record("rotate_token", actor=actor, customer_id=page.customer_id, obj=page)
    return raw


def revoke_token(actor: Any, page: StatusPage) -> None:
    StatusPage.objects.filter(pk=page.pk).update(token_hash="")
    page.token_hash = ""
    audit.record("revoke_token", actor=actor, customer_id=page.customer_id, obj=page)


def _notice(announcement: Announcement) -> dict[str, Any]:
    return {
        "title": announcement.title,
        "body_html": render_markdown(announcement.body),
        "priority": announcement.get_priority_display(),
        "publish_at": announcement.publish_at,
        "expire_at": announcement.expire_at,
        "updates": [
            {"at": u.created_at, "body_html": render_markdown(u.body)}
            for u in announcement.updates.all()
        ],
    }


def _next_boundary(customer_id: int, now: datetime) -> datetime | None:
    """The next publish_at or expire_at after `now`: the cached page must not outlive it."""
    rows = Announcement.objects.for_customer(customer_id).filter(
        on_status_page=True, is_draft=False
    )
    times = [
        rows.filter(publish_at__gt=now)
        .order_by("publish_at")
        .values_list("publish_at", flat=True)
        .first(),
        rows.filter(expire_at__gt=now)
        .order_by("expire_at")
        .values_list("expire_at", flat=True)
        .first(),
    ]
    return min((t for t in times if t is not None), default=None)


def build(customer: Customer, now: datetime) -> dict[str, Any]:
    """The page's content for `customer` at `now`, from that customer's rows only."""
    notices = (
        Announcement.objects.for_customer(customer.pk)
        .filter(shown_q(now), on_status_page=True)
        .prefetch_related("updates")
    )
    history = (
        Announcement.objects.for_customer(customer.pk)
        .filter(on_status_page=True, is_draft=False, expire_at__lte=now)
        .filter(expire_at__gt=now - timedelta(days=HISTORY_DAYS))
        .exclude(shown_q(now))
        .order_by("-expire_at")
        .prefetch_related("updates")[:HISTORY_LIMIT]
    )
    return {
        "customer_name": customer.name,
        "components": list(
            Site.objects.for_customer(customer.pk).order_by("name").values("name", "status")
        ),
        "notices": [_notice(a) for a in notices],
        "history": [_notice(a) for a in history],
        "built_at": now,
    }


def content(customer: Customer) -> dict[str, Any]:
    """`build` through the cache: at most CACHE_SECONDS old, never past the next boundary."""
    cached = cache.get(_key(customer.pk))
    now = timezone.now()
    if cached is not None and now < cached[0]:
        return cached[1]
    data = build(customer, now)
    until = now + timedelta(seconds=CACHE_SECONDS)
    boundary = _next_boundary(customer.pk, now)
    if boundary is not None:
        until = min(until, boundary)
    cache.set(_key(customer.pk), (until, data), CACHE_SECONDS)
    return data


def create_page(actor: Any, data: dict[str, Any]) -> StatusPage:
    page = changes.create(actor, StatusPage, data)
    invalidate(page.customer_id)
    return page


def update_page(actor: Any, page: StatusPage, data: dict[str, Any]) -> StatusPage:
    page = changes.update(actor, page, data)
    invalidate(page.customer_id)
    return page


def delete_page(actor: Any, page: StatusPage) -> None:
    customer_id = page.customer_id
    changes.delete(actor, page)
    invalidate(customer_id)

"""Announcements: who sees which notice when, the idempotent `sync_notice`, and the tick.

Visibility is computed from the times on every read (`shown_q`); the tick only stores the derived
status so lists and filters can use it. Every write invalidates the customer's status page.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from webnet.core import access, audit, changes
from webnet.customers.models import Customer
from webnet.locations.within import NODE_MODELS, Node, within_q
from webnet.maintenance import status_page
from webnet.maintenance.models.announcements import (
    Announcement,
    AnnouncementStatus,
    AnnouncementUpdate,
    shown_q,
)

BANNER_LIMIT = 5


def _audience_node(announcement: Announcement) -> Node | None:
    if announcement.audience_site_id:
        return Node("site", announcement.audience_site_id)
    if announcement.audience_region_id:
        return Node("region", announcement.audience_region_id)
    return None


def _inside(node: Node, subtree: Node) -> bool:
    model: Any = NODE_MODELS[node.kind]
    return model._default_manager.filter(Q(pk=node.id) & within_q(model, subtree)).exists()


def _reaches(announcement: Announcement, user: Any, level: int | None) -> bool:
    roles = announcement.audience_roles
    if roles and not any(access.RANK.get(role) == level for role in roles):
        return False
    audience = _audience_node(announcement)
    scope = access.location_scopes(user).get(announcement.customer_id)
    if audience is None or scope is None:
        return True
    mine = Node(*scope)
    return _inside(mine, audience) or _inside(audience, mine)


def banners_for(user: Any, customer: Customer | None, now: datetime) -> list[Announcement]:
    """The console banners `user` should see now in `customer` (their role and location scope)."""
    if customer is None or not getattr(user, "is_authenticated", False):
        return []
    level, staff = access.effective_roles(user).get(customer.pk), access.is_staff(user)
    if level is None and not staff:
        return []
    found = Announcement.objects.for_customer(customer.pk).filter(shown_q(now), on_banner=True)
    shown = [a for a in found[: BANNER_LIMIT * 4] if staff or _reaches(a, user, level)]
    return shown[:BANNER_LIMIT]


def create_announcement(actor: Any, data: dict[str, Any]) -> Announcement:
    with transaction.atomic():
        announcement = changes.create(actor, Announcement, data)
        _store_status(announcement, timezone.now())
    status_page.invalidate(announcement.customer_id)
    return announcement


def update_announcement(
    actor: Any, announcement: Announcement, data: dict[str, Any]
) -> Announcement:
    with transaction.atomic():
        announcement = changes.update(actor, announcement, data)
        _store_status(announcement, timezone.now())
    status_page.invalidate(announcement.customer_id)
    return announcement


def delete_announcement(actor: Any, announcement: Announcement) -> None:
    customer_id = announcement.customer_id
    changes.delete(actor, announcement)
    status_page.invalidate(customer_id)


def _store_status(announcement: Announcement, now: datetime) -> None:
    derived = announcement.status_at(now)
    if announcement.status != derived:
        Announcement.objects.filter(pk=announcement.pk).update(status=derived)
        announcement.status = derived


@transaction.atomic
def sync_notice(
    customer: Customer,
    *,
    source: str,
    title: str,
    body: str,
    publish_at: datetime,
    expire_at: datetime | None,
    update: str = "",
    updates: Sequence[tuple[str, str]] = (),
    keep_edits: bool = False,
    on_banner: bool = True,
    on_status_page: bool = True,
    priority: int | None = None,
) -> Announcement:
    """One notice per `source` key ("maintenance:12"): created once, then kept in step.

    Later calls move its title, body and times and append `update` (or, when the body changed and
    no `update` is given, the new body) as an AnnouncementUpdate; an identical call writes nothing.
    `updates` are keyed words ((key, body) pairs), each appended once however often it is passed.
    With `keep_edits` an existing notice keeps what an operator may have edited (title, body,
    priority, banner and page flags): only its times move and words are appended.
    """
    if not source or not title:
        raise ValueError("a notice needs a source key and a title")
    existing = (
        Announcement.objects.for_customer(customer.pk)
        .select_for_update()
        .filter(source=source[:120])
        .first()
    )
    edits: dict[str, Any] = {
        "title": title[:200],
        "body": body,
        "on_banner": on_banner,
        "on_status_page": on_status_page,
        **({"priority": priority} if priority is not None else {}),
    }
    fields = {
        **({} if keep_edits and existing is not None else edits),
        "publish_at": publish_at,
        "expire_at": expire_at,
    }
    now = timezone.now()
    if existing is None:
        notice = Announcement.objects.create(
            customer=customer, source=source[:120], is_draft=False, **fields
        )
        _append_words(notice, updates)
        _store_status(notice, now)
        audit.record(
            "create", customer_id=customer.pk, obj=notice, changes={"source": [None, source]}
        )
        transaction.on_commit(lambda: status_page.invalidate(customer.pk))
        return notice
    moved = {name: value for name, value in fields.items() if getattr(existing, name) != value}
    note = update or (body if "body" in moved else "")
    if moved:
        for name, value in moved.items():
            setattr(existing, name, value)
        existing.save()
    if note:
        AnnouncementUpdate.objects.create(customer=customer, announcement=existing, body=note)
    appended = _append_words(existing, updates)
    if not moved and not note and not appended:
        return existing
    _store_status(existing, now)
    audit.record(
        "update",
        customer_id=customer.pk,
        obj=existing,
        changes={name: [None, str(value)] for name, value in moved.items()},
    )
    transaction.on_commit(lambda: status_page.invalidate(customer.pk))
    return existing


def _append_words(notice: Announcement, words: Sequence[tuple[str, str]]) -> int:
    """Append the keyed words `notice` does not have yet (the caller holds its row lock; the
    unique key per notice is the net under that)."""
    have = set(notice.updates.exclude(source="").values_list("source", flat=True))
    count = 0
    for key, body in words:
        if not key:
            raise ValueError("a generated update needs a key")
        if key[:120] in have:
            continue
        AnnouncementUpdate.objects.create(
            customer_id=notice.customer_id, announcement=notice, source=key[:120], body=body
        )
        have.add(key[:120])
        count += 1
    return count


def apply_statuses(now: datetime) -> int:
    """The tick: store each announcement's derived status (idempotent; returns rows changed)."""
    changed = 0
    touched: set[int] = set()
    buckets = {
        AnnouncementStatus.DRAFT: Q(is_draft=True),
        AnnouncementStatus.EXPIRED: Q(is_draft=False, expire_at__lte=now),
        AnnouncementStatus.SCHEDULED: Q(is_draft=False, publish_at__gt=now)
        & (Q(expire_at__isnull=True) | Q(expire_at__gt=now)),
        AnnouncementStatus.PUBLISHED: shown_q(now),
    }
    for status, condition in buckets.items():
        stale = Announcement.objects.filter(condition).exclude(status=status)
        touched |= set(stale.values_list("customer_id", flat=True))
        changed += stale.update(status=status)
    for customer_id in touched:
        status_page.invalidate(customer_id)
    return changed


def notice_publish_at(starts: datetime) -> datetime:
    """When a notice of work starting at `starts` goes up: WEBNET_NOTICE_LEAD_HOURS ahead."""
    return starts - timedelta(hours=settings.WEBNET_NOTICE_LEAD_HOURS)

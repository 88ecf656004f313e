"""Announcements (console banners, status-page notices) and the per-customer status page.

An announcement's status is derived from its times (`status_at`): the same answer on read and in
the tick that stores it, so nothing is shown after `expire_at` even before the tick ran.
"""

from datetime import datetime

from django.conf import settings
from django.db import models

from webnet.core.models import CustomerOwned


def shown_q(now: datetime) -> models.Q:
    """Published at `now`: not a draft, publish_at reached, expire_at not yet."""
    not_expired = models.Q(expire_at__isnull=True) | models.Q(expire_at__gt=now)
    return models.Q(is_draft=False, publish_at__lte=now) & not_expired


class AnnouncementStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SCHEDULED = "scheduled", "Scheduled"
    PUBLISHED = "published", "Published"
    EXPIRED = "expired", "Expired"


class Priority(models.IntegerChoices):
    INFO = 1, "Info"
    WARNING = 2, "Warning"
    CRITICAL = 3, "Critical"


class Announcement(CustomerOwned):
    """A notice for the console banner and/or the status page, shown in [publish_at, expire_at).

    Audience (banner): roles (empty: every role) and optionally a region or site subtree.
    `source` is the idempotency key of generated notices ("maintenance:12", "incident:7").
    """

    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, help_text="Markdown; rendered sanitized")
    audience_roles = models.JSONField(default=list, blank=True)
    audience_region = models.ForeignKey(
        "locations.Region", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    audience_site = models.ForeignKey(
        "locations.Site", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    on_banner = models.BooleanField(default=True, help_text="console banner")
    on_status_page = models.BooleanField(default=False, help_text="customer status page")
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.INFO)
    is_draft = models.BooleanField(default=False)
    publish_at = models.DateTimeField()
    expire_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=10,
        choices=AnnouncementStatus.choices,
        default=AnnouncementStatus.DRAFT,
        help_text="stored by the tick; status_at() is the truth",
    )
    source = models.CharField(max_length=120, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-priority", "-publish_at", "-id"]
        indexes = [models.Index(fields=["customer", "publish_at", "expire_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "source"],
                condition=~models.Q(source=""),
                name="one_announcement_per_source",
            ),
            models.CheckConstraint(
                condition=models.Q(audience_region__isnull=True)
                | models.Q(audience_site__isnull=True),
                name="announcement_one_audience_node",
            ),
        ]

    def status_at(self, now: datetime) -> str:
        if self.is_draft:
            return AnnouncementStatus.DRAFT
        if self.expire_at is not None and now >= self.expire_at:
            return AnnouncementStatus.EXPIRED
        if now < self.publish_at:
            return AnnouncementStatus.SCHEDULED
        return AnnouncementStatus.PUBLISHED

    def __str__(self) -> str:
        return self.title


class AnnouncementUpdate(CustomerOwned):
    """A later word on a notice ("work extended by 30 minutes"), appended, never a second notice.

    `source` keys a generated word ("incident:7:seq:4"), so a repeated sync appends it once."""

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="updates")
    body = models.TextField()
    source = models.CharField(
        max_length=120, blank=True, help_text="idempotency key of a generated update"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["announcement", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["announcement", "source"],
                condition=~models.Q(source=""),
                name="one_announcement_update_per_source",
            )
        ]

    def __str__(self) -> str:
        return f"update of {self.announcement_id}"


class StatusPage(CustomerOwned):
    """A customer's status page: public by a flag, or to holders of a revocable token (hashed)."""

    title = models.CharField(max_length=200, blank=True)
    is_public = models.BooleanField(default=False)
    token_hash = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                name="one_status_page_per_customer",
                violation_error_message="The customer already has a status page.",
            )
        ]

    def __str__(self) -> str:
        return self.title or f"status of {self.customer}"

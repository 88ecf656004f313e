"""Sinks, routing rules, templates, preferences, and the outbox with its deliveries.

The outbox (OutboxMessage) is written in the caller's transaction together with one Delivery per
(message, sink or user); the worker then owns each Delivery: due-ness is `next_attempt_at`, a
claim is `claim_token` + `claimed_until`, every try is a DeliveryAttempt. Delivered is final (a
sink that succeeded is never sent again); dead rows wait for a person's retry.
"""

import uuid

from django.conf import settings
from django.db import models

from webnet.core import crypto
from webnet.core.models import CustomerOwned, NamedCustomerOwned

SEVERITIES = ("info", "warning", "minor", "major", "critical")
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}
STATES = ("firing", "acknowledged", "resolved")


class Severity(models.TextChoices):
    INFO = "info"
    WARNING = "warning"
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"


class SinkKind(models.TextChoices):
    EMAIL = "email"
    WEBHOOK = "webhook"
    SLACK = "slack"
    TEAMS = "teams"
    MATTERMOST = "mattermost"


class Channel(models.TextChoices):
    """What a template is written for: a sink kind, or a user's personal inbox / email."""

    EMAIL = "email"
    WEBHOOK = "webhook"
    SLACK = "slack"
    TEAMS = "teams"
    MATTERMOST = "mattermost"
    INBOX = "inbox"


class Sink(NamedCustomerOwned):
    """A shared destination. `secret_encrypted`: the webhook's `whsec_` signing secret, or the
    chat service's incoming-webhook URL (whoever knows it can post). Circuit state lives here."""

    audit_masked_fields = ("secret_encrypted",)
    encrypted_fields = audit_masked_fields

    kind = models.CharField(max_length=20, choices=SinkKind.choices)
    enabled = models.BooleanField(default=True)
    url = models.URLField(max_length=500, blank=True, help_text="webhook endpoint (not secret)")
    recipients = models.JSONField(default=list, blank=True, help_text="email addresses")
    secret_encrypted = models.TextField(blank=True, editable=False)
    failure_threshold = models.PositiveIntegerField(default=5)
    dead_letter_seconds = models.PositiveIntegerField(default=86_400)
    consecutive_failures = models.PositiveIntegerField(default=0, editable=False)
    circuit_open_until = models.DateTimeField(null=True, blank=True, editable=False)

    @property
    def has_secret(self) -> bool:
        return bool(self.secret_encrypted)

    def reveal_secret(self) -> str:
        """Transport code only."""
        return crypto.decrypt(self.secret_encrypted)

    def __str__(self) -> str:
        return self.name


class RoutingRule(NamedCustomerOwned):
    """Which messages go where. Empty criteria match everything; rules are tried by `position`
    and a matching rule with `stop` ends the walk."""

    enabled = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=100)
    topic = models.CharField(max_length=40, blank=True, help_text="blank: every topic")
    min_severity = models.CharField(max_length=10, choices=Severity.choices, default="info")
    location_ids = models.JSONField(default=list, blank=True, help_text="subtree roots")
    device_group = models.ForeignKey(
        "devices.DeviceGroup", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    tag = models.ForeignKey(
        "devices.Tag", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    weekdays = models.JSONField(default=list, blank=True, help_text="0 = Monday; empty: all")
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    sinks = models.ManyToManyField(Sink, blank=True, related_name="+")
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    stop = models.BooleanField(default=False)

    @property
    def hours(self) -> str:
        """The rule's time-of-day window in its own zone (a wall-clock range, not an instant)."""
        if self.start_time is None or self.end_time is None:
            return ""
        return f"{self.start_time:%H:%M}–{self.end_time:%H:%M} {self.time_zone}"

    class Meta(NamedCustomerOwned.Meta):
        ordering = ["position", "name"]


class NotificationTemplate(CustomerOwned):
    """A customer's own wording for one topic on one channel (defaults live in code)."""

    topic = models.CharField(max_length=40)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    subject = models.CharField(max_length=500, blank=True)
    body = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["topic", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "topic", "channel"], name="unique_notification_template"
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic}/{self.channel}"


class NotificationPreference(CustomerOwned):
    """One user's wishes in one customer: what reaches their inbox and mailbox, and when not."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    min_severity = models.CharField(max_length=10, choices=Severity.choices, default="info")
    email = models.BooleanField(default=False, help_text="also mail me what reaches my inbox")
    quiet_start = models.TimeField(null=True, blank=True)
    quiet_end = models.TimeField(null=True, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "user"], name="unique_notification_pref")
        ]


class OutboxMessage(CustomerOwned):
    """One state change of one notified thing (`topic` + `key`), as it was when it happened."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    topic = models.CharField(max_length=40)
    key = models.CharField(max_length=200)
    state = models.CharField(max_length=20)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    title = models.CharField(max_length=500)
    payload = models.JSONField(default=dict)
    device_id = models.IntegerField(null=True, blank=True)
    location_id = models.IntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["customer", "topic", "key"])]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending"
    DELIVERED = "delivered"
    DEAD = "dead"
    SKIPPED = "skipped"


class Delivery(CustomerOwned):
    """One message to one sink (or one user's inbox or mailbox), until it is delivered or dead.

    `after`: the firing delivery to the same destination that must be delivered first (for
    acknowledged and resolved messages)."""

    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="deliveries")
    sink = models.ForeignKey(
        Sink, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    channel = models.CharField(max_length=20, choices=Channel.choices)
    idempotency_key = models.CharField(max_length=80, unique=True)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    after = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    dead_at_after = models.DateTimeField(help_text="a failure after this dead-letters the row")
    claim_token = models.UUIDField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        verbose_name_plural = "deliveries"


class DeliveryAttempt(CustomerOwned):
    """The delivery log: one row per try, with what the receiver said."""

    access_resource = "delivery"

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="log")
    at = models.DateTimeField(auto_now_add=True)
    ok = models.BooleanField()
    status_code = models.IntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at", "-id"]


class InboxItem(CustomerOwned):
    """An in-app notification of one user; `key` is the delivery's idempotency key."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=80, unique=True)
    topic = models.CharField(max_length=40)
    state = models.CharField(max_length=20)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    title = models.CharField(max_length=500)
    body = models.TextField(blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

"""Maintenance windows, freeze windows and changes scheduled into a window.

A window's times are stored as aware datetimes plus the zone they were written in; its
occurrences and status are derived from them by recurrence.py (DESIGN "clocks are derived").
`status` is the value the tick last stored — the same function on read decides it, so the two
agree; `last_end` (None: recurs forever) lets a calendar filter by time in the database.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models

from webnet.core.models import CustomerOwned, NamedCustomerOwned, RevocableToken
from webnet.locations.models import validate_time_zone
from webnet.maintenance.recurrence import Status, WindowDefinition


class WindowStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class Behaviour(models.TextChoices):
    SUPPRESS = "suppress", "Suppress alarms"
    MUTE = "mute", "Mute notifications, record alarms"
    FLAG = "flag", "Flag alarms only"


class FreezeMode(models.TextChoices):
    REFUSE = "refuse", "Refuse changes"
    OVERRIDE = "override", "Refuse unless an admin overrides"


class Timed(models.Model):
    """The first occurrence [starts_at, ends_at), written in `time_zone`, repeated by `rrule`."""

    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    rrule = models.CharField(
        max_length=500, blank=True, help_text="RFC 5545 RRULE body, e.g. FREQ=WEEKLY;BYDAY=SU"
    )
    last_end = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)

    class Meta:
        abstract = True

    @property
    def is_cancelled(self) -> bool:
        return False

    @property
    def early_end(self) -> datetime | None:
        return None

    def definition(self) -> WindowDefinition:
        zone = ZoneInfo(self.time_zone)
        first = self.starts_at.astimezone(zone).replace(tzinfo=None)
        last = self.ends_at.astimezone(zone).replace(tzinfo=None)
        return WindowDefinition(
            first_start=first,
            duration=last - first if last > first else self.ends_at - self.starts_at,
            zone=self.time_zone,
            rule=self.rrule,
            cancelled=self.is_cancelled,
            ended_at=self.early_end,
        )

    def occurrences(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        return self.definition().occurrences(start, end)

    def current_status(self, now: datetime) -> Status:
        return self.definition().status(now)

    def refresh_last_end(self) -> None:
        """Store the end of the last occurrence (None when the rule never ends)."""
        last = self.definition().last_end()
        self.last_end = (
            last if self.early_end is None or last is None else min(last, self.early_end)
        )


class MaintenanceWindow(Timed, NamedCustomerOwned):
    """Planned work on devices, device groups and location subtrees; alarms on them (and on
    devices only reachable through them) are suppressed, muted or flagged while it is open."""

    description = models.TextField(blank=True)
    devices = models.ManyToManyField("devices.Device", blank=True, related_name="+")
    groups = models.ManyToManyField("devices.DeviceGroup", blank=True, related_name="+")
    regions = models.ManyToManyField("locations.Region", blank=True, related_name="+")
    sites = models.ManyToManyField("locations.Site", blank=True, related_name="+")
    locations = models.ManyToManyField("locations.Location", blank=True, related_name="+")
    behaviour = models.CharField(
        max_length=10, choices=Behaviour.choices, default=Behaviour.SUPPRESS
    )
    announce = models.BooleanField(
        default=False,
        help_text="Publish a notice on the console banner and status page, "
        "WEBNET_NOTICE_LEAD_HOURS before each occurrence, until it ends.",
    )
    cancelled = models.BooleanField(default=False)
    ended_early_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=WindowStatus.choices, default=WindowStatus.SCHEDULED, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta(NamedCustomerOwned.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.name} (#{self.pk})"

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled

    @property
    def early_end(self) -> datetime | None:
        return self.ended_early_at


class FreezeWindow(Timed, NamedCustomerOwned):
    """No changes in the customer (or in one location subtree) while it is open."""

    description = models.TextField(blank=True)
    region = models.ForeignKey(
        "locations.Region", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    site = models.ForeignKey(
        "locations.Site", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    location = models.ForeignKey(
        "locations.Location", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    mode = models.CharField(max_length=10, choices=FreezeMode.choices, default=FreezeMode.REFUSE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta(NamedCustomerOwned.Meta):
        pass

    def __str__(self) -> str:
        return f"freeze window '{self.name}' (#{self.pk})"


class ScheduledStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    STARTED = "started", "Started"
    MISSED = "missed", "Missed (the window closed before it could start)"
    FAILED = "failed", "Failed to start"
    CANCELLED = "cancelled", "Cancelled"


class ScheduledChange(CustomerOwned):
    """A confirmed change plan the tick commits at the start of one occurrence of a window."""

    plan = models.ForeignKey("config_mgmt.ChangePlan", on_delete=models.CASCADE, related_name="+")
    window = models.ForeignKey(MaintenanceWindow, on_delete=models.CASCADE, related_name="changes")
    occurrence_start = models.DateTimeField(db_index=True)
    occurrence_end = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=ScheduledStatus.choices, default=ScheduledStatus.SCHEDULED
    )
    reason = models.TextField(blank=True)
    job = models.ForeignKey(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # an admin's freeze override given when scheduling, honoured by the tick only while that
    # user is still an admin, and only for the items (gate finding keys) they overrode
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    override_reason = models.TextField(blank=True)
    overridden = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["occurrence_start", "id"]

    def __str__(self) -> str:
        return f"change '{self.plan}' in {self.window} at {self.occurrence_start:%Y-%m-%d %H:%M}Z"


class CalendarToken(RevocableToken):
    """A revocable secret in the URL of a customer's iCalendar feed (stored hashed)."""

    TOKEN_PREFIX = "cal_"

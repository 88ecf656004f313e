"""Incidents, their append-only event log, teams, and the rules that open incidents from alarms.

The event log is the record: status, priority, assignment, notes and links are each an
IncidentEvent (with a per-incident `seq`), and the incident row's current values are what the log
last said — written together by incidents/services.py, never apart. SLA clocks read the log.
"""

from typing import ClassVar

from django.conf import settings
from django.db import models

from webnet.core.models import CustomerOwned, NamedCustomerOwned
from webnet.core.querysets import ScopedManager, ScopedQuerySet
from webnet.notifications.models import Severity


class Team(NamedCustomerOwned):
    """People who work incidents together: an incident's team, an escalation target."""

    description = models.TextField(blank=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")

    def __str__(self) -> str:
        return self.name


class Priority(models.TextChoices):
    P1 = "p1", "P1 critical"
    P2 = "p2", "P2 high"
    P3 = "p3", "P3 medium"
    P4 = "p4", "P4 low"


class Status(models.TextChoices):
    TRIGGERED = "triggered", "Triggered"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    WAITING_CUSTOMER = "waiting_customer", "Waiting on customer"
    WAITING_VENDOR = "waiting_vendor", "Waiting on vendor"
    WAITING_PARTS = "waiting_parts", "Waiting on parts"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


PAUSE_STATUSES = (Status.WAITING_CUSTOMER, Status.WAITING_VENDOR, Status.WAITING_PARTS)
ACTIVE_STATUSES = (Status.TRIGGERED, Status.ACKNOWLEDGED, *PAUSE_STATUSES)

# An incident stands where its anchor site/location stands (set from its first linked device or
# location), so a member scoped to a region reads only incidents there.
INCIDENT_PATHS = {"region": "site__region", "site": "site", "location": "location"}


def via_incident(field: str = "incident") -> dict[str, str]:
    """`location_paths` of a row that belongs to an incident."""
    return {kind: f"{field}__{path}" for kind, path in INCIDENT_PATHS.items()}


class Incident(CustomerOwned):
    location_paths = INCIDENT_PATHS

    number = models.PositiveIntegerField(editable=False)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    priority = models.CharField(max_length=2, choices=Priority.choices, default=Priority.P3)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.TRIGGERED, db_index=True
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="incidents"
    )
    watchers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rule = models.ForeignKey(
        "IncidentRule", null=True, blank=True, on_delete=models.SET_NULL, related_name="incidents"
    )
    sla_policy = models.ForeignKey(
        "SlaPolicy", null=True, blank=True, on_delete=models.SET_NULL, related_name="incidents"
    )
    escalation_chain = models.ForeignKey(
        "EscalationChain",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="incidents",
    )
    site = models.ForeignKey(
        "locations.Site", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    location = models.ForeignKey(
        "locations.Location", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    alarms = models.ManyToManyField("alarms.Alarm", blank=True, related_name="incidents")
    devices = models.ManyToManyField("devices.Device", blank=True, related_name="incidents")
    locations = models.ManyToManyField("locations.Location", blank=True, related_name="incidents")
    jobs = models.ManyToManyField("jobs.Job", blank=True, related_name="incidents")
    change_plans = models.ManyToManyField(
        "config_mgmt.ChangePlan", blank=True, related_name="incidents"
    )
    # What the log says, kept on the row for lists and reports (written with each event).
    opened_at = models.DateTimeField(db_index=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    reopen_count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "number"], name="incidents_unique_number_per_customer"
            )
        ]
        indexes = [models.Index(fields=["customer", "status", "priority"])]

    def __str__(self) -> str:
        return f"INC-{self.number} {self.title}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class EventKind(models.TextChoices):
    OPENED = "opened", "Opened"
    STATUS = "status", "Status changed"
    PRIORITY = "priority", "Priority changed"
    ASSIGNED = "assigned", "Assigned"
    TEAM = "team", "Team changed"
    WATCHER = "watcher", "Watcher added"
    NOTE = "note", "Note"
    RESPONSE = "response", "First response"
    LINKED = "linked", "Linked"
    ALARM_CLEARED = "alarm_cleared", "Linked alarm cleared"
    ALARM_RAISED = "alarm_raised", "Linked alarm raised"
    ESCALATION = "escalation", "Escalation"


class ImmutableEventError(Exception):
    """Incident events are append-only."""


class IncidentEventQuerySet(ScopedQuerySet):
    def update(self, **kwargs):  # type: ignore[override]
        raise ImmutableEventError("incident events cannot be changed")

    def delete(self):  # type: ignore[override]
        raise ImmutableEventError("incident events cannot be deleted")


class IncidentEventManager(ScopedManager):
    """The gate's manager over a log that refuses bulk update and delete."""

    def get_queryset(self) -> IncidentEventQuerySet:
        return IncidentEventQuerySet(self.model, using=self._db)


class IncidentEvent(CustomerOwned):
    """One line of an incident's log: `value` is the new status / priority / user id / link
    ("device:4"); `data` holds the rest (a note's text, the old value, an escalation step)."""

    location_paths = via_incident()

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveIntegerField()
    at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    value = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects: ClassVar[IncidentEventManager] = IncidentEventManager()

    class Meta:
        ordering = ["incident", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "seq"], name="incidents_event_unique_seq")
        ]

    def __str__(self) -> str:
        return f"{self.incident_id}#{self.seq} {self.kind} {self.value}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableEventError("incident events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableEventError("incident events cannot be deleted")


class IncidentRule(NamedCustomerOwned):
    """Which alarms open an incident: at least `min_severity`, optionally inside a location
    subtree (`within`, a node such as "region:3") and a device group; first match by `order`."""

    enabled = models.BooleanField(default=True)
    order = models.PositiveIntegerField(default=100)
    min_severity = models.CharField(max_length=8, choices=Severity.choices, default=Severity.MAJOR)
    within = models.CharField(max_length=40, blank=True, help_text="region:3, site:7, location:12")
    device_group = models.ForeignKey(
        "devices.DeviceGroup", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    priority = models.CharField(max_length=2, choices=Priority.choices, default=Priority.P2)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    escalation_chain = models.ForeignKey(
        "EscalationChain", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sla_policy = models.ForeignKey(
        "SlaPolicy", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    auto_resolve = models.BooleanField(
        default=False, help_text="Resolve the incident when all its alarms have cleared"
    )

    class Meta(NamedCustomerOwned.Meta):
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

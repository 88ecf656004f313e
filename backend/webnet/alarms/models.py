"""Events, the rules that turn them into alarms, alarms, silences and inbound-webhook tokens.

An event is what a source said (a trap, a syslog line, a poll's state change, a job outcome, a
webhook); an alarm is the one open problem per customer + resource + condition that events raise
and clear. Events are kept for WEBNET_EVENT_RETENTION_DAYS; alarms are the record.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from webnet.core.models import CustomerOwned, NamedCustomerOwned, RevocableToken
from webnet.devices.models import via_device
from webnet.notifications.models import Severity  # one severity scale, alarm to page


class Source(models.TextChoices):
    POLL = "poll", "Poll"
    TRAP = "trap", "SNMP trap"
    SYSLOG = "syslog", "Syslog"
    JOB = "job", "Job"
    WEBHOOK = "webhook", "Inbound webhook"


class Action(models.TextChoices):
    NONE = "", "Record only"
    RAISE = "raise", "Raise"
    CLEAR = "clear", "Clear"


class Event(CustomerOwned):
    # A member scoped to a region reads its devices' events and alarms (none without a device).
    location_paths = via_device()

    time = models.DateTimeField(db_index=True)
    source = models.CharField(max_length=8, choices=Source.choices)
    device = models.ForeignKey(
        "devices.Device", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    if_index = models.PositiveIntegerField(null=True, blank=True)
    source_address = models.GenericIPAddressField(null=True, blank=True)
    condition = models.CharField(max_length=100, blank=True)
    action = models.CharField(max_length=5, choices=Action.choices, blank=True)
    severity = models.CharField(max_length=8, choices=Severity.choices, default=Severity.INFO)
    resource = models.CharField(max_length=200, blank=True)
    message = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    alarm = models.ForeignKey(
        "Alarm", null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )

    class Meta:
        ordering = ["-time", "-id"]
        indexes = [
            models.Index(fields=["customer", "time"]),
            models.Index(fields=["device", "time"]),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.condition or self.message[:40]}"


class RuleKind(models.TextChoices):
    THRESHOLD = "threshold", "Threshold on a metric"
    STATE = "state", "Poll state change"
    EVENT = "event", "Event match (trap, syslog, webhook, job)"


class AlarmRule(NamedCustomerOwned):
    """One way to raise (or clear) a condition; its parameters (`spec`) are checked by rules.py."""

    kind = models.CharField(max_length=10, choices=RuleKind.choices)
    enabled = models.BooleanField(default=True)
    condition = models.CharField(max_length=100)
    severity = models.CharField(max_length=8, choices=Severity.choices, default=Severity.MAJOR)
    spec = models.JSONField(default=dict, blank=True)
    auto_clear_seconds = models.PositiveIntegerField(null=True, blank=True)
    flap_count = models.PositiveIntegerField(
        default=0,
        help_text="Raises within flap_window_seconds that mark the alarm flapping (0 off)",
    )
    flap_window_seconds = models.PositiveIntegerField(default=600)
    description = models.TextField(blank=True)

    class Meta(NamedCustomerOwned.Meta):
        pass


class AlarmState(models.TextChoices):
    ACTIVE = "active", "Active"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    CLEARED = "cleared", "Cleared"


OPEN_STATES = (AlarmState.ACTIVE, AlarmState.ACKNOWLEDGED)


class Alarm(CustomerOwned):
    """One problem: at most one open alarm per customer and dedup key (resource + condition)."""

    location_paths = via_device()  # an alarm of no device (a webhook's): unscoped members only

    dedup_key = models.CharField(max_length=320)
    resource = models.CharField(max_length=200)
    condition = models.CharField(max_length=100)
    device = models.ForeignKey(
        "devices.Device", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    if_index = models.PositiveIntegerField(null=True, blank=True)
    rule = models.ForeignKey(
        AlarmRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="alarms"
    )
    severity = models.CharField(max_length=8, choices=Severity.choices, default=Severity.MAJOR)
    state = models.CharField(
        max_length=12, choices=AlarmState.choices, default=AlarmState.ACTIVE, db_index=True
    )
    message = models.TextField(blank=True)
    labels = models.JSONField(default=dict, blank=True)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    occurrences = models.PositiveIntegerField(default=1)
    raise_times = models.JSONField(default=list, blank=True)  # recent raises, for flap damping
    flapping = models.BooleanField(default=False)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    ack_comment = models.TextField(blank=True)
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    clear_reason = models.CharField(max_length=20, blank=True)  # event | auto | manual
    shelved_until = models.DateTimeField(null=True, blank=True)
    silenced_by = models.ForeignKey(
        "Silence", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    suppressed_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="suppressing"
    )
    awaiting_recheck = models.BooleanField(default=False)
    maintenance = models.ForeignKey(
        "maintenance.MaintenanceWindow",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    maintenance_behaviour = models.CharField(max_length=10, blank=True)  # suppress | mute | flag
    auto_clear_at = models.DateTimeField(null=True, blank=True)
    inhibited_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="inhibiting"
    )

    class Meta:
        ordering = ["-last_seen", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "dedup_key"],
                condition=~Q(state="cleared"),
                name="alarms_one_open_alarm_per_key",
            )
        ]
        indexes = [models.Index(fields=["customer", "state", "severity"])]

    def __str__(self) -> str:
        return f"{self.condition} on {self.resource}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class Silence(CustomerOwned):
    """Alarms matching every matcher between starts_at and ends_at are kept but not notified."""

    matchers = models.JSONField(default=list)  # [{"name", "value", "regex": bool}]
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    comment = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at", "-id"]

    def __str__(self) -> str:
        return f"silence {self.pk} until {self.ends_at:%Y-%m-%d %H:%M}"


class InhibitRule(NamedCustomerOwned):
    """Alertmanager's inhibit rule: an open alarm matching the target matchers is kept but not
    notified while another open alarm matching the source matchers has the same `equal` labels."""

    enabled = models.BooleanField(default=True)
    source_matchers = models.JSONField(default=list)  # [{"name", "value", "regex": bool}]
    target_matchers = models.JSONField(default=list)
    equal = models.JSONField(default=list, blank=True)  # label names
    description = models.TextField(blank=True)

    class Meta(NamedCustomerOwned.Meta):
        pass


class WebhookToken(RevocableToken):
    """A revocable secret an external system (Alertmanager, a script) posts events with."""

    TOKEN_PREFIX = "whk_"

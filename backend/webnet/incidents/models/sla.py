"""SLA policies, their business-hours calendars, and each incident's stored clock states.

The stored `SlaClockState` rows are what the beat tick last computed from the event log with
sla_clock.evaluate — the same function a page read calls — so they only ever lag, never differ.
"""

from django.db import models

from webnet.core.models import CustomerOwned, NamedCustomerOwned
from webnet.incidents.models.incident import via_incident


class BusinessCalendar(NamedCustomerOwned):
    """When SLA time counts: 24×7, or weekly hours in a zone minus public and extra holidays.

    `weekly_hours`: {"0": [["09:00", "17:00"]], ...} with Monday = "0"; an end of "00:00" is
    midnight at the end of the day."""

    always_open = models.BooleanField(default=False, help_text="24×7: every second counts")
    time_zone = models.CharField(max_length=64, default="UTC")
    weekly_hours = models.JSONField(default=dict, blank=True)
    holiday_country = models.CharField(max_length=3, blank=True, help_text="ISO code, e.g. DE")
    holiday_subdivision = models.CharField(max_length=10, blank=True, help_text="e.g. BY")
    extra_holidays = models.JSONField(default=list, blank=True, help_text="ISO dates")

    def __str__(self) -> str:
        return self.name


class SlaPolicy(NamedCustomerOwned):
    """Targets per priority: {"p1": {"acknowledge": 900, "first_response": 1800,
    "resolve_first": 14400, "resolve_total": 28800}, ...} in seconds of calendar time."""

    calendar = models.ForeignKey(
        BusinessCalendar, null=True, blank=True, on_delete=models.PROTECT, related_name="policies"
    )
    targets = models.JSONField(default=dict)
    at_risk_percent = models.PositiveSmallIntegerField(default=80)
    is_default = models.BooleanField(
        default=False, help_text="Used for incidents whose rule names no policy"
    )

    def __str__(self) -> str:
        return self.name


class SlaClockState(CustomerOwned):
    """One clock of one incident as the tick last stored it."""

    location_paths = via_incident()

    incident = models.ForeignKey("Incident", on_delete=models.CASCADE, related_name="sla_clocks")
    name = models.CharField(max_length=16)  # sla_clock.ClockName
    state = models.CharField(max_length=10)  # sla_clock.ClockState
    elapsed_s = models.FloatField()
    target_s = models.FloatField()
    running = models.BooleanField()
    stopped_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["incident", "name"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "name"], name="incidents_one_clock_row")
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.name} {self.state}"

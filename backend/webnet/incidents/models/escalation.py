"""Escalation chains and their runs: every step of a run is a row with `due_at`, claimed by the
tick (no countdown held in a broker), so a restart neither loses nor repeats a page."""

from django.conf import settings
from django.db import models

from webnet.core.models import CustomerOwned, NamedCustomerOwned
from webnet.incidents.models.incident import via_incident


class EscalationChain(NamedCustomerOwned):
    description = models.TextField(blank=True)
    ack_timeout_seconds = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="An acknowledged incident not resolved this long after is triggered again",
    )

    def __str__(self) -> str:
        return self.name


class TargetKind(models.TextChoices):
    USER = "user", "A user"
    TEAM = "team", "A team"
    SCHEDULE = "schedule", "Whoever is on call"


class EscalationStep(CustomerOwned):
    """After `wait_seconds` from the run's start (cumulative), notify the target."""

    chain = models.ForeignKey(EscalationChain, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    wait_seconds = models.PositiveIntegerField(default=0)
    target_kind = models.CharField(max_length=8, choices=TargetKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    team = models.ForeignKey(
        "Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    schedule = models.ForeignKey(
        "OnCallSchedule", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        ordering = ["chain", "position"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "position"], name="incidents_step_position")
        ]

    def __str__(self) -> str:
        return f"{self.chain_id}#{self.position} {self.target_kind}"


class RunState(models.TextChoices):
    ACTIVE = "active", "Active"
    STOPPED = "stopped", "Stopped (acknowledged or resolved)"
    DONE = "done", "Every step fired"


class EscalationRun(CustomerOwned):
    """One pass of a chain over an incident; a re-trigger starts a new run (`generation`)."""

    location_paths = via_incident()

    incident = models.ForeignKey(
        "Incident", on_delete=models.CASCADE, related_name="escalation_runs"
    )
    chain = models.ForeignKey(EscalationChain, on_delete=models.CASCADE, related_name="+")
    generation = models.PositiveIntegerField(default=1)
    state = models.CharField(max_length=8, choices=RunState.choices, default=RunState.ACTIVE)
    started_at = models.DateTimeField()
    stopped_at = models.DateTimeField(null=True, blank=True)
    stop_reason = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "generation"], name="incidents_run_generation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} run {self.generation} {self.state}"


class RunStepStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    HELD = "held", "Held: nobody to notify"
    FIRED = "fired", "Fired"
    CANCELLED = "cancelled", "Cancelled"


class EscalationRunStep(CustomerOwned):
    """A step of a run: due at `due_at`; a tick claims it (`claim_token`, `claimed_until`) and
    fires it in the transaction that enqueues its notification, so it fires at most once."""

    location_paths = via_incident("run__incident")

    run = models.ForeignKey(EscalationRun, on_delete=models.CASCADE, related_name="steps")
    step = models.ForeignKey(
        EscalationStep, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    position = models.PositiveSmallIntegerField()
    due_at = models.DateTimeField(db_index=True)
    status = models.CharField(
        max_length=10, choices=RunStepStatus.choices, default=RunStepStatus.PENDING
    )
    claim_token = models.UUIDField(null=True, blank=True, default=None)
    claimed_until = models.DateTimeField(null=True, blank=True)
    fired_at = models.DateTimeField(null=True, blank=True)
    held_since = models.DateTimeField(null=True, blank=True)
    held_reason = models.CharField(max_length=200, blank=True)
    notified = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    outbox_key = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["run", "position"]
        constraints = [
            models.UniqueConstraint(fields=["run", "position"], name="incidents_run_step_position")
        ]
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self) -> str:
        return f"{self.run_id}#{self.position} {self.status}"

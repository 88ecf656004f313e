"""Jobs: any work on devices, its ordered log, per-device results, and cron schedules."""

from django.conf import settings
from django.db import models

from webnet.core.models import CustomerOwned, NamedCustomerOwned
from webnet.devices.models import via_device


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCESS = "success", "Success"
    PARTIAL = "partial", "Partial"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


FINISHED = frozenset({JobStatus.SUCCESS, JobStatus.PARTIAL, JobStatus.FAILED, JobStatus.CANCELLED})


class Job(CustomerOwned):
    """One run of a kind over a set of devices.

    `targets` is what the user asked for (ids, tags, groups, filter); `device_ids` is what the
    gate resolved it to when the job was created. `log_seq` is the last log sequence number
    handed out (see lifecycle.append_log); `lease_expires_at` lets the reaper find jobs whose
    worker died. `target_devices` holds `device_ids` as a relation: a location-scoped member
    sees a job only if every target device is inside the scope (locations/within.py).
    """

    location_paths = via_device("target_devices")
    location_every = "target_devices"

    kind = models.CharField(max_length=60, db_index=True)
    status = models.CharField(
        max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED, db_index=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="jobs",
    )
    schedule = models.ForeignKey(
        "jobs.Schedule", null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    rerun_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reruns"
    )
    targets = models.JSONField(default=dict, blank=True)
    device_ids = models.JSONField(default=list, blank=True)
    target_devices = models.ManyToManyField("devices.Device", blank=True, related_name="+")
    # host:port targets of a kind that targets addresses (a scan), as its kind resolved them
    addresses = models.JSONField(default=list, blank=True)
    params = models.JSONField(default=dict, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    total = models.PositiveIntegerField(default=0)
    succeeded = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    cancelled = models.PositiveIntegerField(default=0)
    cancel_requested = models.BooleanField(default=False)
    log_seq = models.PositiveBigIntegerField(default=0)
    worker = models.CharField(max_length=200, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "status"]),
            models.Index(fields=["customer", "kind"]),
        ]

    def __str__(self) -> str:
        return f"job {self.pk} {self.kind}"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED


class LogLevel(models.TextChoices):
    DEBUG = "debug", "Debug"
    INFO = "info", "Info"
    WARNING = "warning", "Warning"
    ERROR = "error", "Error"


class JobLog(CustomerOwned):
    """One stored log line; `seq` is gap-free and increasing within a job (clients resume by it)."""

    location_paths = via_device()  # job-wide lines (no device) are read through their job

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="logs")
    seq = models.PositiveBigIntegerField()
    time = models.DateTimeField()
    level = models.CharField(max_length=8, choices=LogLevel.choices, default=LogLevel.INFO)
    device = models.ForeignKey(
        "devices.Device", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hostname = models.CharField(max_length=100, blank=True)
    message = models.TextField()
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["job", "seq"]
        constraints = [models.UniqueConstraint(fields=["job", "seq"], name="unique_job_log_seq")]

    def __str__(self) -> str:
        return f"{self.job_id}#{self.seq} {self.message[:60]}"


class ResultStatus(models.TextChoices):
    SUCCESS = "success", "Success"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"
    SKIPPED = "skipped", "Skipped"


class JobDeviceResult(CustomerOwned):
    location_paths = via_device()

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="results")
    device = models.ForeignKey(
        "devices.Device",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="job_results",
    )
    hostname = models.CharField(max_length=100)
    status = models.CharField(max_length=10, choices=ResultStatus.choices)
    error_code = models.CharField(max_length=40, blank=True)
    error_message = models.TextField(blank=True)
    output = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["job", "hostname"]
        constraints = [
            models.UniqueConstraint(fields=["job", "device"], name="unique_job_device_result")
        ]

    def __str__(self) -> str:
        return f"{self.job_id} {self.hostname} {self.status}"


class Schedule(NamedCustomerOwned):
    """A cron schedule that starts a job with its owner's permissions."""

    kind = models.CharField(max_length=60)
    targets = models.JSONField(default=dict, blank=True)
    params = models.JSONField(default=dict, blank=True)
    cron = models.CharField(max_length=100, help_text="Cron expression, e.g. '0 2 * * *'")
    enabled = models.BooleanField(default=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="schedules"
    )
    next_run_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_job = models.ForeignKey(
        Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return self.name

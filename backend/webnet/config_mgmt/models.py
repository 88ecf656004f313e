"""Config snapshots (deduplicated by sanitized hash), backup state, drift marks, templates."""

from django.db import models

from webnet.core.models import CustomerOwned, NamedCustomerOwned
from webnet.devices.models import via_device


class ChangeKind(models.TextChoices):
    INITIAL = "initial", "First backup"
    DEPLOY = "deploy", "webnet deploy"
    OUT_OF_BAND = "out_of_band", "Out of band"


class ConfigSnapshot(CustomerOwned):
    """One distinct configuration of a device: stored when the sanitized text changed.

    `text` is what the device said; `sha256` hashes `sanitize(platform, text)`, so timestamps and
    byte counts never make a new snapshot. `last_verified_at` moves on every identical backup.
    """

    location_paths = via_device()  # a member scoped to a region reads only its devices' configs

    device = models.ForeignKey(
        "devices.Device", on_delete=models.CASCADE, related_name="config_snapshots"
    )
    job = models.ForeignKey(
        "jobs.Job",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="config_snapshots",
    )
    text = models.TextField()
    sha256 = models.CharField(max_length=64, db_index=True, help_text="of the sanitized text")
    raw_sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(default=0)
    change_kind = models.CharField(
        max_length=12, choices=ChangeKind.choices, default=ChangeKind.INITIAL, db_index=True
    )
    plan_id = models.CharField(max_length=64, blank=True, help_text="deploy plan that made it")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    last_verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["device", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.device} @ {self.created_at:%Y-%m-%d %H:%M}"


class BackupState(CustomerOwned):
    """Per device: when webnet last tried, last succeeded, why it last failed, last verified."""

    location_paths = via_device()

    device = models.OneToOneField(
        "devices.Device", on_delete=models.CASCADE, related_name="backup_state"
    )
    latest = models.ForeignKey(
        ConfigSnapshot, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    last_error_code = models.CharField(max_length=40, blank=True)
    last_error = models.TextField(blank=True)
    verified_unchanged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["device__hostname"]

    def __str__(self) -> str:
        return f"backup state of {self.device}"


class ExpectedConfig(CustomerOwned):
    """A deploy announced the sanitized hash it is about to produce on a device (drift marks)."""

    location_paths = via_device()

    device = models.ForeignKey(
        "devices.Device", on_delete=models.CASCADE, related_name="expected_configs"
    )
    sha256 = models.CharField(max_length=64)
    plan_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    consumed_at = models.DateTimeField(null=True, blank=True)

    access_resource = "configsnapshot"

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["device", "sha256"])]

    def __str__(self) -> str:
        return f"{self.device} expects {self.sha256[:12]} ({self.plan_id})"


class VariableType(models.TextChoices):
    STRING = "string", "String"
    INT = "int", "Integer"
    BOOL = "bool", "Boolean"
    IP = "ip", "IP address"
    LIST = "list", "List"


class ConfigTemplate(NamedCustomerOwned):
    """A golden configuration in sandboxed Jinja2; `variables` is its typed schema.

    `variables`: [{"name", "type": string|int|bool|ip|list, "required", "default"}].
    """

    description = models.TextField(blank=True)
    platforms = models.JSONField(default=list, blank=True, help_text="empty: every platform")
    body = models.TextField()
    variables = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return self.name


class TemplateVariables(CustomerOwned):
    """Variable values for one device, one group, or (neither set) the whole customer.

    Precedence when a template renders: device > group > customer (then the schema default).
    """

    location_paths = via_device()  # customer- and group-wide rows are for unscoped members

    device = models.OneToOneField(
        "devices.Device",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="template_variables",
    )
    group = models.OneToOneField(
        "devices.DeviceGroup",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="template_variables",
    )
    values = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "template variables"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(device__isnull=True) | models.Q(group__isnull=True),
                name="template_variables_device_or_group",
            ),
            models.UniqueConstraint(
                fields=["customer"],
                condition=models.Q(device__isnull=True, group__isnull=True),
                name="template_variables_one_per_customer",
                violation_error_message="The customer already has values: update them instead.",
            ),
        ]

    def __str__(self) -> str:
        return f"variables of {self.device or self.group or self.customer}"


# Change plans and approvals live in their own modules; importing them registers the models.
from webnet.config_mgmt.approvals import ApprovalPolicy, PlanApproval  # noqa: E402, F401
from webnet.config_mgmt.plans import ChangePlan, PlanDevice  # noqa: E402, F401

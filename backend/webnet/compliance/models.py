"""Compliance policies (rules, fixtures), waivers, and the results of compliance runs."""

from django.conf import settings
from django.db import models

from webnet.core.models import CustomerOwned, NamedCustomerOwned
from webnet.devices.models import via_device


class Severity(models.TextChoices):
    INFO = "info", "Info"
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


class RuleKind(models.TextChoices):
    MUST_CONTAIN = "must_contain", "Must contain"
    MUST_NOT_CONTAIN = "must_not_contain", "Must not contain"
    REGEX_COMPARE = "regex_compare", "Regex compare"
    HIERARCHICAL = "hierarchical", "Hierarchical"


class ResultStatus(models.TextChoices):
    PASS = "pass", "Pass"
    FAIL = "fail", "Fail"
    WAIVED = "waived", "Waived"
    ERROR = "error", "Error"


class CompliancePolicy(NamedCustomerOwned):
    access_resource = "compliancepolicy"

    description = models.TextField(blank=True)
    enabled = models.BooleanField(default=True)
    platforms = models.JSONField(default=list, blank=True, help_text="empty: every platform")
    tags = models.ManyToManyField("devices.Tag", blank=True, related_name="compliance_policies")
    groups = models.ManyToManyField(
        "devices.DeviceGroup", blank=True, related_name="compliance_policies"
    )
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.MEDIUM)

    def __str__(self) -> str:
        return self.name


class ComplianceRule(CustomerOwned):
    access_resource = "compliancepolicy"

    policy = models.ForeignKey(CompliancePolicy, on_delete=models.CASCADE, related_name="rules")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=RuleKind.choices)
    parameters = models.JSONField(default=dict, blank=True)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    context = models.CharField(max_length=300, blank=True, help_text="section regex")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["policy", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["policy", "name"], name="unique_rule_name")]

    def __str__(self) -> str:
        return f"{self.policy.name}: {self.name}"


class PolicyFixture(CustomerOwned):
    access_resource = "compliancepolicy"

    policy = models.ForeignKey(CompliancePolicy, on_delete=models.CASCADE, related_name="fixtures")
    name = models.CharField(max_length=100)
    platform = models.CharField(max_length=20)
    config = models.TextField()
    expected = models.JSONField(default=dict, help_text="rule name → pass | fail")

    class Meta:
        ordering = ["policy", "name"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "name"], name="unique_fixture_name")
        ]

    def __str__(self) -> str:
        return self.name


class ComplianceWaiver(CustomerOwned):
    location_paths = via_device()

    device = models.ForeignKey(
        "devices.Device", on_delete=models.CASCADE, related_name="compliance_waivers"
    )
    rule = models.ForeignKey(ComplianceRule, on_delete=models.CASCADE, related_name="waivers")
    reason = models.TextField()
    expires_at = models.DateTimeField(null=True, blank=True, help_text="empty: never")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"waiver {self.rule} on {self.device}"


class ComplianceRun(CustomerOwned):
    location_paths = via_device("job__target_devices")
    location_every = "job__target_devices"  # its scores cover every device of the job

    job = models.OneToOneField(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="compliance_run"
    )
    started_at = models.DateTimeField(auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)
    weighted_score = models.FloatField(null=True, blank=True)
    device_scores = models.JSONField(default=dict, blank=True, help_text="device id → score")

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"compliance run {self.pk}"


class ComplianceResult(CustomerOwned):
    location_paths = via_device()

    run = models.ForeignKey(ComplianceRun, on_delete=models.CASCADE, related_name="results")
    device = models.ForeignKey(
        "devices.Device", on_delete=models.CASCADE, related_name="compliance_results"
    )
    policy = models.ForeignKey(
        CompliancePolicy, null=True, on_delete=models.SET_NULL, related_name="results"
    )
    rule = models.ForeignKey(
        ComplianceRule, null=True, on_delete=models.SET_NULL, related_name="results"
    )
    rule_name = models.CharField(max_length=100)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    status = models.CharField(max_length=10, choices=ResultStatus.choices, db_index=True)
    message = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["device_id", "rule_name"]
        indexes = [models.Index(fields=["run", "device"])]

    def __str__(self) -> str:
        return f"{self.rule_name} on device {self.device_id}: {self.status}"

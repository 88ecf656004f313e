"""Provisioning plans: what one transition of a service writes, pushes and sends.

Immutable by contract: `body` and `content_hash` are fixed when the plan is built; executing it
records only its outcome (`executed_at`, `change_plan`, `outcome`). The body never holds the
login password: the RADIUS rows name it as a placeholder resolved when they are written.
"""

from django.conf import settings
from django.db import models

from webnet.core.models import CustomerOwned
from webnet.devices.models import via_device


class Transition(models.TextChoices):
    ACTIVATE = "activate", "Activate"
    SUSPEND = "suspend", "Suspend"
    RESTORE = "restore", "Restore"
    CHANGE_PLAN = "change_plan", "Change plan"
    TERMINATE = "terminate", "Terminate"
    REPROVISION = "reprovision", "Reprovision"


class ProvisioningPlan(CustomerOwned):
    location_paths = via_device("service__device")

    service = models.ForeignKey(
        "subscribers.ServiceInstance", on_delete=models.CASCADE, related_name="provisioning_plans"
    )
    transition = models.CharField(max_length=12, choices=Transition.choices)
    status_before = models.CharField(max_length=12)
    status_after = models.CharField(max_length=12)
    body = models.JSONField(default=dict)
    content_hash = models.CharField(max_length=64, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    executed_at = models.DateTimeField(null=True, blank=True)
    change_plan = models.ForeignKey(
        "config_mgmt.ChangePlan", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.transition} of service {self.service_id} ({self.content_hash[:12]})"

"""Four eyes on a change: the customer's approval policy and the approvals a plan collected.

An approval binds to the content hash its approver saw; once the plan's hash moves, every
approval of the old hash is voided (kept, with the reason) and the plan is back in draft.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from webnet.core.models import CustomerOwned
from webnet.customers.roles import Role

MAX_APPROVERS = 5


class ApprovalPolicy(CustomerOwned):
    """How many approvers of which role a customer's changes need, and which changes.

    With neither `min_devices` nor `risky_tag` set every plan needs approval; otherwise a plan
    needs it when it touches more than `min_devices` devices or any device carrying `risky_tag`.
    """

    required_approvers = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(MAX_APPROVERS)]
    )
    approver_role = models.CharField(
        max_length=10,
        choices=[(Role.OPERATOR, Role.OPERATOR.label), (Role.ADMIN, Role.ADMIN.label)],
        default=Role.ADMIN,
        help_text="the least role an approver holds in the customer",
    )
    min_devices = models.PositiveIntegerField(
        null=True, blank=True, help_text="only plans touching more devices than this"
    )
    risky_tag = models.ForeignKey(
        "devices.Tag",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="only plans touching a device with this tag",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "approval policies"
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                name="approval_policy_one_per_customer",
                violation_error_message="The customer already has a policy: change it instead.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.required_approvers} {self.approver_role} approval(s) for {self.customer}"


class Decision(models.TextChoices):
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class PlanApproval(CustomerOwned):
    """One approver's decision on a plan, for the hash they were shown."""

    plan = models.ForeignKey(
        "config_mgmt.ChangePlan", on_delete=models.CASCADE, related_name="approvals"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision = models.CharField(max_length=10, choices=Decision.choices)
    content_hash = models.CharField(max_length=64)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["plan", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "user"],
                condition=models.Q(voided_at__isnull=True),
                name="one_live_decision_per_approver",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.decision} plan {self.plan_id}"

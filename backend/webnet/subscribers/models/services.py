"""Service plans, subscribers and their service instances.

A subscriber stands at a location (its address); a service instance stands where its access
device stands, so a membership scoped to a region sees the services of that region's devices.
The PPPoE/IPoE password is a MultiFernet ciphertext like a device credential's: decrypted only
when RADIUS rows are written, never shown.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from webnet.core import crypto
from webnet.core.models import CustomerOwned, NamedCustomerOwned
from webnet.devices.models import via_device


class SuspendStrategy(models.TextChoices):
    BLOCK = "block", "Block (reject authentication, disconnect)"
    REDIRECT = "redirect", "Redirect to the walled garden"
    THROTTLE = "throttle", "Throttle to a floor rate"


def default_throttle_kbps() -> int:
    """WEBNET_THROTTLE_FLOOR_KBPS (default 256), read when a plan is made, not at migration."""
    return settings.SUBSCRIBERS_THROTTLE_FLOOR_KBPS


class ServicePlan(NamedCustomerOwned):
    """What a subscriber buys: rates, VLAN, pool, session timeout, and how suspension looks.

    `templates`: config templates rendered for the access device (the one whose platforms match
    the device's platform; empty platforms match all). `price_label` is for the billing system,
    webnet does no billing.
    """

    down_kbps = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    up_kbps = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    burst_kbps = models.PositiveIntegerField(null=True, blank=True)
    vlan = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4094)]
    )
    ip_pool = models.CharField(max_length=64, blank=True)
    session_timeout = models.PositiveIntegerField(
        null=True, blank=True, help_text="seconds; empty: no limit"
    )
    price_label = models.CharField(max_length=64, blank=True)
    suspend_strategy = models.CharField(
        max_length=10, choices=SuspendStrategy.choices, default=SuspendStrategy.THROTTLE
    )
    # Never 0: a throttled subscriber still reaches the payment portal.
    throttle_kbps = models.PositiveIntegerField(
        default=default_throttle_kbps, validators=[MinValueValidator(1)]
    )
    walled_garden = models.CharField(
        max_length=64, default="walled-garden", help_text="Filter-Id sent when redirecting"
    )
    templates = models.ManyToManyField(
        "config_mgmt.ConfigTemplate", blank=True, related_name="service_plans"
    )
    external_id = models.CharField(max_length=64, blank=True, db_index=True)

    def __str__(self) -> str:
        return self.name


class Subscriber(CustomerOwned):
    """A customer of the tenant: an account number unique in the tenant, contact and address."""

    location_paths = {
        "region": "location__site__region",
        "site": "location__site",
        "location": "location",
    }

    account_number = models.CharField(max_length=64)
    external_id = models.CharField(max_length=64, blank=True, db_index=True)
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.CharField(max_length=300, blank=True)
    location = models.ForeignKey(
        "locations.Location",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subscribers",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["account_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "account_number"], name="unique_subscriber_account"
            )
        ]

    def __str__(self) -> str:
        return f"{self.account_number} {self.name}"


class ServiceStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    TERMINATED = "terminated", "Terminated"


class ServiceInstance(CustomerOwned):
    """One subscriber's service on one access device (port or ONU) with a plan and a login."""

    location_paths = via_device()
    audit_masked_fields = ("password_encrypted",)
    encrypted_fields = audit_masked_fields

    subscriber = models.ForeignKey(Subscriber, on_delete=models.PROTECT, related_name="services")
    plan = models.ForeignKey(ServicePlan, on_delete=models.PROTECT, related_name="services")
    device = models.ForeignKey(
        "devices.Device", on_delete=models.PROTECT, related_name="services", help_text="access"
    )
    port = models.CharField(max_length=64, blank=True)
    onu_id = models.CharField(max_length=64, blank=True)
    vlan = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(4094)],
        help_text="empty: the plan's VLAN",
    )
    static_address = models.GenericIPAddressField(null=True, blank=True)
    ip_pool = models.CharField(max_length=64, blank=True, help_text="empty: the plan's pool")
    login = models.CharField(max_length=128, blank=True, help_text="PPPoE/IPoE user name")
    password_encrypted = models.TextField(blank=True, editable=False)
    password_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    status = models.CharField(
        max_length=12, choices=ServiceStatus.choices, default=ServiceStatus.PENDING
    )
    external_id = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["subscriber__account_number", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "login"],
                condition=~models.Q(login=""),
                name="unique_service_login",
                violation_error_message="Another service already uses this login.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subscriber.account_number} {self.plan.name} ({self.status})"

    @property
    def has_password(self) -> bool:
        return bool(self.password_encrypted)

    def reveal_password(self) -> str:
        """The plaintext login password: only for writing RADIUS rows."""
        return crypto.decrypt(self.password_encrypted) if self.password_encrypted else ""

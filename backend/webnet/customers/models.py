"""Customers (tenants) and the roles users hold in them."""

from django.conf import settings
from django.db import models

from webnet.core.models import CustomerOwned
from webnet.core.querysets import ScopedManager
from webnet.customers.roles import Role

__all__ = ["Customer", "HostKeyPolicy", "Invitation", "InvitationStatus", "Membership", "Role"]


class HostKeyPolicy(models.TextChoices):
    STRICT = "strict", "Strict (only known keys)"
    TOFU = "tofu", "Trust on first use"
    DISABLED = "disabled", "Disabled (accept any key)"


class Customer(models.Model):
    customer_path = "id"

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    host_key_policy = models.CharField(
        max_length=10, choices=HostKeyPolicy.choices, default=HostKeyPolicy.TOFU
    )
    require_admin_totp = models.BooleanField(
        default=False,
        help_text="Admins of this customer must use a TOTP second factor (UI and API tokens).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def _scope_field(model: str) -> models.ForeignKey:
    # PROTECT: deleting the node must never silently widen the member to the whole customer.
    return models.ForeignKey(
        model,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Limit this member to this part of the customer (and everything below it).",
    )


class Membership(CustomerOwned):
    """A user's role in a customer, optionally limited to one location subtree (its scope)."""

    # node kind → field; at most one is set. The gate (core.access) reads them by these names.
    SCOPE_FIELDS = {"region": "scope_region", "site": "scope_site", "location": "scope_location"}

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    scope_region = _scope_field("locations.Region")
    scope_site = _scope_field("locations.Site")
    scope_location = _scope_field("locations.Location")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["customer__name", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "customer"], name="unique_membership"),
            models.CheckConstraint(
                condition=(
                    models.Q(scope_region__isnull=True, scope_site__isnull=True)
                    | models.Q(scope_region__isnull=True, scope_location__isnull=True)
                    | models.Q(scope_site__isnull=True, scope_location__isnull=True)
                ),
                name="membership_one_scope",
            ),
        ]

    @property
    def scope(self) -> tuple[str, int] | None:
        """(kind, id) of the subtree this membership is limited to, or None (all of it)."""
        for kind, name in self.SCOPE_FIELDS.items():
            node_id = getattr(self, f"{name}_id")
            if node_id is not None:
                return (kind, node_id)
        return None

    def __str__(self) -> str:
        return f"{self.user} — {self.role} in {self.customer}"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class Invitation(CustomerOwned):
    """An admin's offer of a role in their customer to a user named by username or email.

    It is recorded the same way whether or not such a user exists (no existence oracle): `user` is
    whom it resolved to, if anyone, and is never shown to the inviting side; only that user can
    accept (which grants the role) or decline it.
    """

    invitee = models.CharField(max_length=254, help_text="Username or email, as typed.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.invitee} as {self.role} in {self.customer}"

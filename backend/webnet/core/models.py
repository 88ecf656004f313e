"""What every tenant-owned model is made of, and the audit trail.

CustomerOwned: the non-null, indexed customer and the scoped manager (`restrict`, `for_customer`)
that the one gate needs; every tenant-owned model inherits it (a guard test checks). AuditEvent:
immutable events, one per write, login and permission change.
"""

from django.conf import settings
from django.db import models

from webnet.core.querysets import ScopedManager, ScopedQuerySet


class CustomerOwned(models.Model):
    """A row that belongs to exactly one customer and is read through the gate."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="+", db_index=True
    )

    objects = ScopedManager()

    class Meta:
        abstract = True


class RevocableToken(CustomerOwned):
    """A secret an outside system presents (a feed URL, a webhook sender): stored only as its
    SHA-256, shown once at creation, revoked rather than deleted so its audit trail stays.
    Concrete models set `TOKEN_PREFIX`, which tells their secrets apart (core/tokens.py)."""

    TOKEN_PREFIX = ""
    audit_masked_fields = ("token_hash",)

    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class NamedCustomerOwned(CustomerOwned):
    """A tenant-owned object people name: unique name per customer, with timestamps."""

    name = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "name"], name="%(app_label)s_%(class)s_unique_name"
            )
        ]


class ImmutableError(Exception):
    """Audit events are append-only."""


class AuditQuerySet(ScopedQuerySet):
    def update(self, **kwargs):  # type: ignore[override]
        raise ImmutableError("audit events cannot be changed")

    def delete(self):  # type: ignore[override]
        raise ImmutableError("audit events cannot be deleted")


class AuditEvent(models.Model):
    """Who did what to which object, in which customer, from where.

    `customer` is nullable only for platform events (a failed login for an unknown user, staff
    actions outside any customer); customer-scoped reads go through `restrict` like any model.
    """

    time = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_repr = models.CharField(max_length=150, blank=True)
    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=True,
    )
    action = models.CharField(max_length=40, db_index=True)
    object_type = models.CharField(max_length=60, blank=True, db_index=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-time", "-id"]

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M:%S} {self.actor_repr} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableError("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError("audit events cannot be deleted")

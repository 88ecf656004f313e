"""Users (global: one login across customers) and their API tokens."""

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone

from webnet.core.querysets import ScopedManager, ScopedQuerySet

TOKEN_PREFIX = "wn_"


class ScopedUserManager(UserManager.from_queryset(ScopedQuerySet)):  # type: ignore[misc]
    """Django's user manager with the gate's `restrict()`."""


class User(AbstractUser):
    """Custom user model from day one; roles live in customers.Membership."""

    access_resource = "user"
    customer_path = "memberships__customer"

    time_zone = models.CharField(
        max_length=64, blank=True, help_text="IANA time zone for times shown; blank: the browser's"
    )

    objects = ScopedUserManager()  # type: ignore[misc]

    class Meta:
        ordering = ["username"]


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class APIToken(models.Model):
    """A bearer token, stored as a SHA-256 hash; the raw value is shown once at creation.

    A token may be narrowed to one customer and/or to read-only; `last_used_at` is kept so that
    stale tokens can be found and revoked.
    """

    customer_path = "customer"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    key_id = models.CharField(max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        help_text="Limit the token to one customer (empty: all).",
    )
    read_only = models.BooleanField(default=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({TOKEN_PREFIX}{self.key_id}…)"

    @staticmethod
    def generate() -> tuple[str, str, str]:
        """Return (raw token, key id, hash). Format: wn_<key id>_<secret>."""
        key_id = secrets.token_hex(6)
        raw = f"{TOKEN_PREFIX}{key_id}_{secrets.token_urlsafe(32)}"
        return raw, key_id, hash_token(raw)

    @property
    def is_active(self) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()

    def matches(self, raw: str) -> bool:
        return secrets.compare_digest(self.key_hash, hash_token(raw))


class TOTPDevice(models.Model):
    """A user's TOTP second factor (RFC 6238). The secret is encrypted with the key ring.

    Stored once the user proved the authenticator app works; `last_step` rejects a code used
    twice (replay within its 30-second window). Recovery codes are kept as SHA-256 hashes and
    removed when used.
    """

    audit_masked_fields = ("secret_encrypted", "recovery_hashes")
    encrypted_fields = ("secret_encrypted",)

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_device"
    )
    secret_encrypted = models.TextField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_step = models.BigIntegerField(default=0)
    recovery_hashes = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"TOTP of {self.user}"

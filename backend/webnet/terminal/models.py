"""Audit rows of browser terminal sessions: who, which device, when, bytes and typed lines."""

from django.conf import settings
from django.db import models

from webnet.core.models import CustomerOwned
from webnet.devices.models import via_device


class EndReason(models.TextChoices):
    OPEN = "", "Open"
    CLIENT = "client", "Closed by the browser"
    DEVICE = "device", "Closed by the device"
    IDLE = "idle", "Idle timeout"
    ERROR = "error", "Connection failed"
    REVOKED = "revoked", "Access ended (signed out or permission removed)"


class TerminalSession(CustomerOwned):
    """One browser ↔ device SSH session. `transcript` holds the typed lines (secrets masked)."""

    location_paths = via_device()

    device = models.ForeignKey(
        "devices.Device", null=True, on_delete=models.SET_NULL, related_name="terminal_sessions"
    )
    device_hostname = models.CharField(max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(max_length=150)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(auto_now_add=True)
    end_reason = models.CharField(max_length=10, choices=EndReason.choices, blank=True)
    message = models.CharField(max_length=300, blank=True)
    bytes_in = models.BigIntegerField(default=0)  # browser → device
    bytes_out = models.BigIntegerField(default=0)  # device → browser
    transcript = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["user", "ended_at"])]

    def __str__(self) -> str:
        return f"{self.username} → {self.device_hostname} ({self.started_at:%Y-%m-%d %H:%M})"

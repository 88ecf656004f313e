"""Configuration snapshots (the config_mgmt issue adds dedup, diff and drift on top)."""

from django.db import models

from webnet.core.querysets import ScopedManager


class ConfigSnapshot(models.Model):
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="config_snapshots"
    )
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
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["device", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.device} @ {self.created_at:%Y-%m-%d %H:%M}"

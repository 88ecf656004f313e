"""On-call schedules: layers of rotations (first layer with someone on call wins) and overrides.

oncall.py (pure) answers who is on call; these rows are its inputs."""

from django.conf import settings
from django.db import models

from webnet.core.models import CustomerOwned, NamedCustomerOwned


class OnCallSchedule(NamedCustomerOwned):
    description = models.TextField(blank=True)
    time_zone = models.CharField(max_length=64, default="UTC", help_text="for the on-call page")

    def __str__(self) -> str:
        return self.name


class Rotation(CustomerOwned):
    """Hands off every `length_days` (1 daily, 7 weekly) at `handoff_time` wall time in
    `time_zone`, walking `members` by position from `start_date`; `layer` 0 is the primary."""

    schedule = models.ForeignKey(OnCallSchedule, on_delete=models.CASCADE, related_name="rotations")
    name = models.CharField(max_length=100)
    layer = models.PositiveSmallIntegerField(default=0)
    length_days = models.PositiveSmallIntegerField(default=7)
    handoff_time = models.TimeField()
    time_zone = models.CharField(max_length=64, default="UTC")
    start_date = models.DateField()

    class Meta:
        ordering = ["schedule", "layer", "id"]

    def __str__(self) -> str:
        return f"{self.schedule_id} {self.name}"


class RotationMember(CustomerOwned):
    rotation = models.ForeignKey(Rotation, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["rotation", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["rotation", "position"], name="incidents_rotation_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rotation_id}#{self.position} {self.user_id}"


class Override(CustomerOwned):
    """`user` covers the schedule over [start, end); the newest override wins."""

    schedule = models.ForeignKey(OnCallSchedule, on_delete=models.CASCADE, related_name="overrides")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    start = models.DateTimeField()
    end = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["schedule", "start"]

    def __str__(self) -> str:
        return f"{self.schedule_id} {self.user_id} {self.start:%Y-%m-%d %H:%M}"

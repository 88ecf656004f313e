"""Cron expressions (croniter): validation and the next run time."""

from datetime import datetime

from croniter import croniter
from django.core.exceptions import ValidationError


def next_run(cron: str, after: datetime) -> datetime:
    return croniter(cron, after).get_next(datetime)


def validate_cron(cron: str) -> str:
    if not isinstance(cron, str) or not croniter.is_valid(cron):
        raise ValidationError({"cron": f"not a valid cron expression: {cron!r}"})
    return cron

"""Silences: matchers over an alarm's labels, like Alertmanager's (alarms.matchers)."""

from datetime import datetime

from webnet.alarms.matchers import matches
from webnet.alarms.models import Alarm, Silence


def alarm_labels(alarm: Alarm) -> dict[str, str]:
    """The labels matchers see: the alarm's own (webhook alerts) plus its webnet facts."""
    labels = {str(k): str(v) for k, v in (alarm.labels or {}).items()}
    labels.update(
        condition=alarm.condition,
        severity=alarm.severity,
        resource=alarm.resource,
        device=str(alarm.device_id or ""),
        if_index="" if alarm.if_index is None else str(alarm.if_index),
    )
    return labels


def active(customer_id: int, now: datetime) -> list[Silence]:
    return list(
        Silence.objects.for_customer(customer_id).filter(starts_at__lte=now, ends_at__gt=now)
    )


def first_match(silences: list[Silence], alarm: Alarm) -> Silence | None:
    labels = alarm_labels(alarm)
    return next((s for s in silences if matches(s.matchers, labels)), None)

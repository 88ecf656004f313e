"""Job outcomes as signs of life: a device a job session reached was seen then.

Registered on the engine's outcome listeners at app ready. It moves `last_seen_at` forward and
lifts a never-polled device out of `unknown`; it does not override what polling observed (a
device SNMP calls degraded stays degraded even if SSH works).
"""

from datetime import datetime

from django.db.models import Q

from webnet.monitoring.models import DeviceState, State, StateTransition


def mark_seen(customer_id: int, device_ids: list[int], at: datetime) -> None:
    DeviceState.objects.bulk_create(
        [DeviceState(customer_id=customer_id, device_id=pk) for pk in device_ids],
        ignore_conflicts=True,
    )
    rows = DeviceState.objects.for_customer(customer_id).filter(device_id__in=device_ids)
    rows.filter(Q(last_seen_at__isnull=True) | Q(last_seen_at__lt=at)).update(last_seen_at=at)
    unknown = list(rows.filter(state=State.UNKNOWN).values_list("device_id", flat=True))
    if unknown:
        rows.filter(device_id__in=unknown).update(
            state=State.UP, since=at, reason="a job session reached it"
        )
        StateTransition.objects.bulk_create(
            StateTransition(
                customer_id=customer_id,
                device_id=pk,
                state=State.UP,
                at=at,
                reason="a job session reached it",
            )
            for pk in unknown
        )

"""Job outcomes as signs of life: a device a job session reached was seen then.

Registered on the engine's outcome listeners at app ready; runs in the job writer's transaction
in at most three queries per batch, whatever its size. It moves `last_seen_at` forward and lifts
a device out of `unknown` (never polled) to `up`; it does not override what polling observed (a
device SNMP calls degraded stays degraded even if SSH works).
"""

from datetime import datetime

from django.db.models import Case, F, Q, Value, When

from webnet.monitoring.models import DeviceState, State, StateTransition

REASON = "a job session reached it"


def mark_seen(customer_id: int, device_ids: list[int], at: datetime) -> None:
    rows = DeviceState.objects.for_customer(customer_id).filter(device_id__in=device_ids)
    known = dict(rows.values_list("device_id", "state"))
    lifted = [pk for pk in device_ids if known.get(pk, State.UNKNOWN) == State.UNKNOWN]
    if known:
        unknown = Q(state=State.UNKNOWN)
        rows.filter(Q(last_seen_at__isnull=True) | Q(last_seen_at__lt=at) | unknown).update(
            last_seen_at=Case(When(last_seen_at__gt=at, then=F("last_seen_at")), default=Value(at)),
            state=Case(When(unknown, then=Value(State.UP.value)), default=F("state")),
            since=Case(When(unknown, then=Value(at)), default=F("since")),
            reason=Case(When(unknown, then=Value(REASON)), default=F("reason")),
        )
    DeviceState.objects.bulk_create(
        [
            DeviceState(
                customer_id=customer_id,
                device_id=pk,
                state=State.UP,
                observed=State.UNKNOWN,
                since=at,
                last_seen_at=at,
                reason=REASON,
            )
            for pk in device_ids
            if pk not in known
        ],
        ignore_conflicts=True,
    )
    StateTransition.objects.bulk_create(
        StateTransition(customer_id=customer_id, device_id=pk, state=State.UP, at=at, reason=REASON)
        for pk in lifted
    )

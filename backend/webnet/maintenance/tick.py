"""The maintenance app's periodic work: store derived window statuses, then start the changes
whose window occurrence has begun. Idempotent (ticks overlap when scaled out)."""

from datetime import datetime

from webnet.maintenance import notices, scheduling, services


def tick(now: datetime) -> dict[str, int]:
    return {
        **services.store_statuses(now),
        **scheduling.start_due(now),
        **notices.publish(now),
    }

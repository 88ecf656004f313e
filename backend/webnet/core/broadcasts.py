"""Channel-layer groups and messages: the socket is a hint, the database is the truth.

Group names: `job-<id>` (log lines and status of one job), `customer-<id>` (job and device
status changes of one customer), `user-<id>` and `session-<digest>` (every socket of a user or of
one login session: told to re-check its access after a logout or a permission change). Senders
never fail a job because a broadcast failed. `inbox-<id>`: a user's new notifications.
"""

import hashlib
import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger("webnet.broadcasts")


def job_group(job_id: int) -> str:
    return f"job-{job_id}"


def customer_group(customer_id: int) -> str:
    return f"customer-{customer_id}"


def user_group(user_id: int) -> str:
    return f"user-{user_id}"


def inbox_group(user_id: int) -> str:
    """Only the updates socket joins it (other sockets of the user have no inbox handler)."""
    return f"inbox-{user_id}"


def session_group(session_key: str) -> str:
    """Named by a digest: the session key itself never travels through the channel layer."""
    return f"session-{hashlib.sha256(session_key.encode()).hexdigest()[:40]}"


RECHECK = {"type": "session.recheck"}


def recheck_user(user_id: int) -> None:
    send_sync(user_group(user_id), RECHECK)


def recheck_session(session_key: str) -> None:
    send_sync(session_group(session_key), RECHECK)


def recheck_users_on_commit(*user_ids: int) -> None:
    """After a change to who may see what commits, those users' sockets re-check their access."""

    def send_all() -> None:
        for user_id in user_ids:
            recheck_user(user_id)

    transaction.on_commit(send_all)


async def send(group: str, message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        await layer.group_send(group, message)
    except Exception:  # a lost broadcast only delays clients: they resume from the database
        logger.warning("broadcast to %s failed", group, exc_info=True)


def send_sync(group: str, message: dict[str, Any]) -> None:
    async_to_sync(send)(group, message)


def job_log_message(lines: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "job.log", "lines": lines}


def job_status_message(job: Any) -> dict[str, Any]:
    return {
        "type": "job.status",
        "job": {
            "id": job.pk,
            "customer": job.customer_id,
            "kind": job.kind,
            "status": job.status,
            "total": job.total,
            "succeeded": job.succeeded,
            "failed": job.failed,
            "cancelled": job.cancelled,
        },
    }


def device_status_message(device: Any) -> dict[str, Any]:
    return {
        "type": "device.status",
        "device": {
            "id": device.pk,
            "customer": device.customer_id,
            "hostname": device.hostname,
            "status": device.status,
        },
    }

"""Deploy outcomes that need a person, recorded in one place (alarms hook in here).

Why a function of its own: a failed rollback leaves a device in an unknown state; it is audited
as `deploy.rollback_failed` so the alarms work has one call to extend, not a status to poll.
"""

from typing import Any

from webnet.core import audit

ROLLBACK_FAILED = "deploy.rollback_failed"


def record_rollback_failed(job: Any, device: Any, message: str) -> None:
    """A deploy job could not return `device` to its pre-change configuration."""
    audit.record(
        ROLLBACK_FAILED,
        customer_id=device.customer_id,
        obj=device,
        changes={
            "job": [None, job.pk],
            "plan": [None, job.params.get("plan")],
            "error": [None, message],
        },
    )

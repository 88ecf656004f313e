"""Acceptance: 2,000 messages × 3 sinks on the scaled path with a flaky, rate-limiting webhook
and a Celery worker killed with SIGKILL mid-batch → every (message, sink) delivered once.

It brings its own PostgreSQL and Redis (tests/notifications/soak.py), like `make bench-notify`
at a larger size; it lives with the scaled-out suite because it needs them.
"""

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from webnet.tests.notifications.soak import Soak
from webnet.tests.scaled.conftest import MISSING

MESSAGES = int(os.environ.get("WEBNET_NOTIFY_SOAK_MESSAGES", "2000"))


@pytest.fixture
def soak() -> Iterator[Soak]:
    if MISSING:
        pytest.skip(f"not installed: {', '.join(MISSING)} (make test installs them)")
    root = Path(tempfile.mkdtemp(prefix="webnet-notify-"))
    root.chmod(0o755)  # PostgreSQL's owner must reach it
    soak = Soak(root, MESSAGES)
    try:
        soak.start()
        yield soak
    finally:
        soak.stop()
        shutil.rmtree(root, ignore_errors=True)


def test_every_message_reaches_every_sink_once_through_failures_and_a_killed_worker(
    soak: Soak,
) -> None:
    result = soak.run()
    print(result.line())
    # the receiver misbehaved as scripted, and the worker died while work remained
    assert result.answered[500] == 40 and result.answered[429] == 30
    assert MESSAGES // 4 <= result.killed_after < MESSAGES
    # every (message, sink) delivered, none dead
    assert (result.delivered, result.dead) == (3 * MESSAGES, 0)
    # each idempotency key processed exactly once by its receiver, every signature valid
    assert set(soak.script.seen) == soak.keys("webhook")
    assert set(soak.smtp.keys()) == soak.keys("email")
    assert result.inbox_items == MESSAGES and result.bad_signatures == 0
    # re-sends happen only for sends of the batch the worker was in when it died — sent, but
    # their outcome not yet stored (at most one claimed batch); a stored delivery is never sent
    # again, and the receivers see each idempotency key once (counted above)
    batch = 100  # WEBNET_NOTIFY_BATCH's default, the rows one worker claims at a time
    assert result.webhook_resent <= batch and result.smtp_resent <= batch

"""The delivery soak on the scaled path: PostgreSQL, Redis, two Celery workers and beat, real
receivers, and one worker killed with SIGKILL mid-batch. Used by the acceptance test (2,000
messages) and `make bench-notify` (more).

Three sinks per message: a webhook receiver that answers 500 for a while, then 429 with
Retry-After for a while, then 200 (verifying every signature); SMTP (aiosmtpd); the inbox.
Receivers process each idempotency key once and count re-sends separately, as Standard Webhooks
asks of a receiver: a send whose answer was in flight when its worker died is sent again.
"""

import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from webnet.notifications.signing import new_secret
from webnet.tests.celery_stack import CeleryStack
from webnet.tests.notifications.peers import Script, SMTPPeer, WebhookPeer

FAST = {
    "WEBNET_NOTIFY_BACKOFF_BASE": "0.2",
    "WEBNET_NOTIFY_BACKOFF_CAP": "2",
    "WEBNET_NOTIFY_CIRCUIT_SECONDS": "1",
    "WEBNET_NOTIFY_LEASE_SECONDS": "4",
    "WEBNET_NOTIFY_INTERVAL": "1",
    "WEBNET_NOTIFY_BATCH": "50",
    "WEBNET_NOTIFY_CONCURRENCY": "8",
    "WEBNET_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.0/8",  # the soak's receivers are on loopback
    "LOG_LEVEL": "WARNING",
    "LOG_FORMAT": "text",
}


@dataclass
class SoakResult:
    messages: int
    seconds: float
    delivered: int
    dead: int
    webhook_keys: int
    webhook_resent: int
    smtp_keys: int
    smtp_resent: int
    inbox_items: int
    answered: dict[int, int]
    bad_signatures: int
    killed_after: int  # mails received when the worker was killed

    def line(self) -> str:
        return (
            f"RESULT messages={self.messages} sinks=3 delivered={self.delivered} dead={self.dead} "
            f"webhook={self.webhook_keys} smtp={self.smtp_keys} inbox={self.inbox_items} "
            f"resent_webhook={self.webhook_resent} resent_smtp={self.smtp_resent} "
            f"answers={dict(sorted(self.answered.items()))} seconds={self.seconds:.1f}"
        )


def _wait(what: str, check: Callable[[], Any], timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while not (value := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g}s waiting for {what}")
        time.sleep(0.2)
    return value


class Soak(CeleryStack):
    def __init__(self, root: Path, messages: int) -> None:
        super().__init__(root)
        self.messages = messages
        self.script = Script(
            fail_first=40, rate_limit_next=30, retry_after="1", secret=new_secret()
        )
        self.smtp = SMTPPeer()
        self.webhook = WebhookPeer(self.script)

    def _worker(self, index: int) -> None:
        self.celery(f"worker{index}", "worker", "--pool", "solo", "-n", f"n{index}@%h")

    def _count(self, sql: str) -> int:
        return self.query(sql)[0][0]

    def start(self) -> None:  # type: ignore[override]
        self.smtp.start()
        self.webhook.start()
        super().start({**FAST, "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(self.smtp.port)})

    def run(self, timeout: float = 600) -> SoakResult:
        """Enqueue everything first (as a burst of alarms would), then let two workers at it."""
        seed = self.spawn(
            "seed", "-m", "webnet.tests.notifications.seed_soak", "--messages",
            str(self.messages), "--webhook", self.webhook.url, "--secret", self.script.secret,
        )  # fmt: skip
        assert seed.wait(timeout=timeout) == 0, (self.root / "seed.log").read_text()[-3000:]
        started = time.monotonic()
        self._worker(0)
        self._worker(1)
        self.celery("beat", "beat", "-s", str(self.root / "beat-schedule"))
        # Kill a worker while it is busy: a quarter of the mail is out and more keeps coming.
        _wait("a quarter of the mail", lambda: len(self.smtp.keys()) >= self.messages // 4, timeout)
        os.kill(self.processes["worker0"].pid, signal.SIGKILL)
        self.processes["worker0"].wait(timeout=10)
        killed_after = len(self.smtp.keys())
        total = 3 * self.messages
        done = "SELECT count(*) FROM notifications_delivery WHERE status IN ('delivered', 'dead')"
        _wait("every delivery to finish", lambda: self._count(done) >= total, timeout)
        smtp = self.smtp.keys()
        return SoakResult(
            messages=self.messages,
            seconds=time.monotonic() - started,
            delivered=self._count(
                "SELECT count(*) FROM notifications_delivery WHERE status = 'delivered'"
            ),
            dead=self._count("SELECT count(*) FROM notifications_delivery WHERE status = 'dead'"),
            webhook_keys=len(self.script.seen),
            webhook_resent=sum(self.script.duplicates.values()),
            smtp_keys=len(smtp),
            smtp_resent=sum(smtp.values()) - len(smtp),
            inbox_items=self._count("SELECT count(*) FROM notifications_inboxitem"),
            answered=dict(self.script.answered),
            bad_signatures=self.script.bad_signatures,
            killed_after=killed_after,
        )

    def keys(self, channel: str) -> set[str]:
        sql = "SELECT idempotency_key FROM notifications_delivery WHERE channel = %s"
        return {row[0] for row in self.query(sql, (channel,))}

    def stop(self) -> None:
        self.webhook.stop()
        self.smtp.stop()
        super().stop()

"""make bench-escalation: escalation steps survive a killed worker and a restarted beat.

PostgreSQL and Redis (scripts/pg-redis.sh, loopback, a temp dir), one Celery worker and beat
ticking the scheduler (and with it the escalation pass) every `--interval` seconds. N incidents
are opened on chains whose steps fall due over the run (from 30 s to about 115 s out). When the
worker is first seen holding claimed, unfired steps it is killed with SIGKILL and started again
3 s later (as a supervisor would); while the last steps wait, beat is stopped and started again.
Every due step must then fire once: lateness is the page's outbox row minus the step's `due_at`.

    RESULT steps=<fired> late_max_s=<x> duplicates=<d> lost=<l>   (goal: ≤ 30 s, 0, 0)

    python bench/bench_escalation.py [--incidents 100] [--interval 10]
    python bench/bench_escalation.py seed --incidents N     (the producer, run on the stack)
"""

import argparse
import os
import shutil
import signal
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

BACKEND = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BACKEND))

from webnet.tests.celery_stack import CeleryStack  # noqa: E402

WAITS = tuple(range(30, 80, 5))  # first-step waits of the chains (s); each second step +40 s
SECOND = 40


def seed(incidents: int) -> None:
    """One customer, an operator, chains of two steps paging them; N incidents on the chains."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webnet.settings")
    import django

    django.setup()
    from webnet.customers.models import Customer, Membership
    from webnet.incidents import services
    from webnet.incidents.models import EscalationChain, EscalationStep
    from webnet.users.models import User

    customer = Customer.objects.create(name="Escalation bench", slug="escalation-bench")
    user = User.objects.create(username="bench-oncall")  # no address: the inbox only
    Membership.objects.create(customer=customer, user=user, role="operator")
    chains = []
    for wait in WAITS:
        chain = EscalationChain.objects.create(customer=customer, name=f"wait {wait}")
        for position, seconds in ((1, wait), (2, SECOND)):
            EscalationStep.objects.create(
                customer=customer, chain=chain, position=position, wait_seconds=seconds,
                target_kind="user", user=user,
            )  # fmt: skip
        chains.append(chain)
    for n in range(incidents):
        services.open_incident(
            None, customer=customer, title=f"bench {n}", escalation_chain=chains[n % len(chains)]
        )
    print("seeded", incidents)


class Bench(CeleryStack):
    def __init__(self, root: Path, incidents: int, interval: float) -> None:
        super().__init__(root)
        self.incidents, self.interval = incidents, interval

    def _worker(self) -> None:
        self.celery("worker", "worker", "--pool", "solo", "-n", "bench@%h")

    def _beat(self) -> None:
        self.celery("beat", "beat", "-s", str(self.root / "beat-schedule"))

    def _stop(self, name: str, sig: int) -> None:
        process = self.processes[name]
        os.kill(process.pid, sig)
        process.wait(timeout=30)

    def start(self) -> None:  # type: ignore[override]
        super().start(
            {
                "WEBNET_SCHEDULER_INTERVAL": str(self.interval),
                "LOG_LEVEL": "WARNING",
                "LOG_FORMAT": "text",
            }
        )

    def run(self) -> str:
        self._worker()
        self._beat()
        seeder = self.spawn("seed", __file__, "seed", "--incidents", str(self.incidents))
        if seeder.wait(timeout=600) != 0:
            raise RuntimeError((self.root / "seed.log").read_text()[-3000:])
        last_due = self.query("SELECT max(due_at) FROM incidents_escalationrunstep")[0][0]
        claimed = (
            "SELECT count(*) FROM incidents_escalationrunstep"
            " WHERE claim_token IS NOT NULL AND status = 'pending'"
        )
        deadline = time.monotonic() + max(WAITS) + 60
        while self.query(claimed)[0][0] == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        self._stop("worker", signal.SIGKILL)  # mid-fire: its claims stay leased
        print(f"killed the worker holding {self.query(claimed)[0][0]} claimed steps", flush=True)
        time.sleep(3)
        self._worker()
        while self.query("SELECT now()")[0][0] < last_due - timedelta(seconds=SECOND / 2):
            time.sleep(0.5)
        self._stop("beat", signal.SIGTERM)  # mid-wait of the last steps
        time.sleep(2)
        self._beat()
        print("restarted beat", flush=True)
        pending = "SELECT count(*) FROM incidents_escalationrunstep WHERE status <> 'fired'"
        deadline = time.monotonic() + (last_due - self.query("SELECT now()")[0][0]).total_seconds()
        deadline += 90
        while self.query(pending)[0][0] and time.monotonic() < deadline:
            time.sleep(1)
        return self._result()

    def _result(self) -> str:
        steps = self.query(
            "SELECT count(*), count(*) FILTER (WHERE status <> 'fired') "
            "FROM incidents_escalationrunstep"
        )[0]
        late = self.query(
            "SELECT max(late), percentile_cont(0.95) WITHIN GROUP (ORDER BY late) FROM "
            "(SELECT extract(epoch FROM o.created_at - s.due_at) AS late "
            "FROM incidents_escalationrunstep s JOIN notifications_outboxmessage o "
            "ON o.key = s.outbox_key AND o.topic = 'incident') AS pages"
        )[0]
        duplicates = self.query(
            "SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n "
            "FROM notifications_outboxmessage WHERE topic = 'incident' GROUP BY key) AS pages"
        )[0][0]
        fired_events = self.query(
            "SELECT count(*) FROM incidents_incidentevent "
            "WHERE kind = 'escalation' AND value = 'fired'"
        )[0][0]
        total, lost = steps
        return (
            f"RESULT steps={total - lost} late_max_s={float(late[0] or 0):.1f} "
            f"duplicates={int(duplicates) + max(0, fired_events - (total - lost))} lost={lost} "
            f"late_p95_s={float(late[1] or 0):.1f} incidents={self.incidents} "
            f"interval_s={self.interval:g}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", nargs="?", default="bench", choices=["bench", "seed"])
    parser.add_argument("--incidents", type=int, default=100)
    parser.add_argument("--interval", type=float, default=10.0, help="beat's scheduler tick (s)")
    args = parser.parse_args()
    if args.mode == "seed":
        seed(args.incidents)
        return
    root = Path(tempfile.mkdtemp(prefix="webnet-bench-escalation-"))
    root.chmod(0o755)
    bench = Bench(root, args.incidents, args.interval)
    try:
        bench.start()
        print(bench.run())
    finally:
        bench.stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()

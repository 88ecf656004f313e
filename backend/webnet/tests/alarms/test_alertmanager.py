"""Differential test: webnet's grouping and inhibition equal a real Prometheus Alertmanager's.

Debian's prometheus-alertmanager runs on a loopback port with the same group_by and inhibit rules.
Each random alert set carries its own `run` label (in group_by and in every rule's `equal`), so
sets never meet inside the one Alertmanager; its groups and inhibited alerts are read back through
the v2 API once they are stable. The same rules, stored as a customer's InhibitRules, must mute
the same alarms when the alerts arrive through the alarm engine (in two batches).
"""

import json
import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from itertools import count
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from webnet.alarms import ingest
from webnet.alarms.grouping import InhibitRule, group_key, groups, inhibited
from webnet.alarms.ingest import EventIn
from webnet.alarms.models import Alarm
from webnet.alarms.models import InhibitRule as StoredInhibitRule
from webnet.tests import factories as f

AM = shutil.which("prometheus-alertmanager")
pytestmark = pytest.mark.skipif(AM is None, reason="prometheus-alertmanager is not installed")

GROUP_BY = ["run", "cluster", "alertname"]
RULES = [
    InhibitRule(
        source=({"name": "severity", "value": "critical"},),
        target=({"name": "severity", "value": "warning|info", "regex": True},),
        equal=("run", "cluster"),
    ),
    InhibitRule(
        source=({"name": "alertname", "value": "NodeDown"},),
        target=({"name": "alertname", "value": "Link.*|NodeDown", "regex": True},),
        equal=("run", "instance"),
    ),
]
CONFIG = """
route:
  receiver: blackhole
  group_by: [run, cluster, alertname]
  group_wait: 0s
  group_interval: 1h
  repeat_interval: 24h
receivers:
  - name: blackhole
inhibit_rules:
  - source_matchers: ['severity="critical"']
    target_matchers: ['severity=~"warning|info"']
    equal: [run, cluster]
  - source_matchers: ['alertname="NodeDown"']
    target_matchers: ['alertname=~"Link.*|NodeDown"']
    equal: [run, instance]
"""

labels = st.fixed_dictionaries(
    {
        "alertname": st.sampled_from(["NodeDown", "LinkDown", "LinkFlap", "HighCPU"]),
        "severity": st.sampled_from(["critical", "warning", "info"]),
        "instance": st.sampled_from(["r1", "r2", "r3"]),
    },
    optional={"cluster": st.sampled_from(["east", "west"])},
)
alert_sets = st.lists(labels, min_size=1, max_size=10, unique_by=lambda d: tuple(sorted(d.items())))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Alertmanager:
    def __init__(self, tmp: Path) -> None:
        (tmp / "am.yml").write_text(CONFIG)
        self.url = f"http://127.0.0.1:{_free_port()}"
        self.process = subprocess.Popen(
            [
                AM,
                f"--config.file={tmp / 'am.yml'}",
                f"--storage.path={tmp / 'data'}",
                f"--web.listen-address={self.url.removeprefix('http://')}",
                "--cluster.listen-address=",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                self.get("/-/ready")
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("alertmanager did not start")

    def get(self, path: str) -> object:
        with urllib.request.urlopen(self.url + path, timeout=5) as response:
            body = response.read()
        return json.loads(body) if body.strip().startswith((b"[", b"{")) else body

    def post(self, alerts: list[dict[str, str]]) -> None:
        body = json.dumps([{"labels": a} for a in alerts]).encode()
        request = urllib.request.Request(
            self.url + "/api/v2/alerts", body, {"Content-Type": "application/json"}
        )
        urllib.request.urlopen(request, timeout=5).close()

    def state(self, run: str, expected: int) -> tuple[set, set]:
        """(groups as sets of alert label tuples, inhibited label tuples) once stable."""
        query = urllib.parse.quote(f'run="{run}"')
        previous = None
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            alerts = self.get(f"/api/v2/alerts?filter={query}")
            found = self.get(f"/api/v2/alerts/groups?filter={query}")
            grouped = {frozenset(_key(a["labels"]) for a in group["alerts"]) for group in found}
            muted = {_key(a["labels"]) for a in alerts if a["status"]["inhibitedBy"]}
            current = (grouped, muted)
            if len(alerts) == expected and sum(len(g) for g in grouped) == expected:
                if current == previous:
                    return current
                previous = current
            time.sleep(0.15)
        raise AssertionError(f"alertmanager did not settle: {previous}")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


def _key(labels: dict[str, str]) -> tuple:
    return tuple(sorted(labels.items()))


@pytest.fixture(scope="module")
def alertmanager(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    am = Alertmanager(tmp_path_factory.mktemp("alertmanager"))
    yield am
    am.stop()


RUNS = count()


def _engine_muted(alerts: list[dict[str, str]]) -> set[tuple]:
    """The alerts the alarm engine inhibits under RULES stored as a fresh customer's rules."""
    customer = f.CustomerFactory()
    for position, rule in enumerate(RULES):
        StoredInhibitRule.objects.create(
            customer=customer,
            name=f"rule-{position}",
            source_matchers=list(rule.source),
            target_matchers=list(rule.target),
            equal=list(rule.equal),
        )
    items = [
        EventIn(
            customer.pk,
            "webhook",
            condition=alert["alertname"],
            action="raise",
            severity=alert["severity"],
            resource=f"alert:{position}",
            labels=alert,
        )
        for position, alert in enumerate(alerts)
    ]
    half = len(items) // 2
    ingest.record_events(items[:half])
    ingest.record_events(items[half:])
    muted = Alarm.objects.for_customer(customer.pk).filter(inhibited_by__isnull=False)
    return {_key(alerts[int(alarm.resource.split(":")[1])]) for alarm in muted}


@pytest.mark.django_db
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(alert_sets)
def test_grouping_and_inhibition_match_alertmanager(alertmanager: Alertmanager, alerts) -> None:
    run = f"r{next(RUNS)}-{time.monotonic_ns()}"
    alerts = [{**a, "run": run} for a in alerts]
    alertmanager.post(alerts)
    am_groups, am_muted = alertmanager.state(run, len(alerts))

    ours = groups(alerts, GROUP_BY)
    our_groups = {frozenset(_key(alerts[i]) for i in members) for members in ours.values()}
    our_muted = {_key(alerts[i]) for i in inhibited(alerts, RULES)}
    assert our_groups == am_groups
    assert our_muted == am_muted
    assert _engine_muted(alerts) == am_muted


def test_group_key_leaves_out_missing_labels() -> None:
    assert group_key({"alertname": "A"}, GROUP_BY) == frozenset({("alertname", "A")})

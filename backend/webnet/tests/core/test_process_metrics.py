"""/metrics adds the metrics of the processes beside the web server (the job worker's poll loop,
receivers and delivery loop): a real separate process writes them through prometheus_client's
multiprocess files, the web process serves them with its own, each family once."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from webnet.core import metrics

BACKEND = Path(__file__).resolve().parents[3]
WORKER = """
import django
django.setup()
from webnet.alarms.receivers.service import BACKLOG, RECEIVED
from webnet.monitoring.polling import CYCLE_SECONDS
RECEIVED.labels("trap").inc(3)
BACKLOG.set(7)
CYCLE_SECONDS.labels("0").set(1.5)
"""


def _scrape() -> dict[tuple[str, tuple], float]:
    text = Client().get("/metrics").content.decode()
    families = list(text_string_to_metric_families(text))
    names = [family.name for family in families]
    assert len(names) == len(set(names)), "a family appears twice"
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in families
        for sample in family.samples
    }


def test_a_worker_processes_metrics_are_served_with_the_web_processes(
    db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    env = {**os.environ, **metrics.fresh_processes_dir()}
    subprocess.run([sys.executable, "-c", WORKER], cwd=BACKEND, env=env, check=True, timeout=120)
    Client().get("/health/")
    samples = _scrape()
    assert samples[("webnet_events_received_total", (("source", "trap"),))] == 3
    assert samples[("webnet_receiver_backlog", ())] == 7
    assert samples[("webnet_poll_cycle_seconds", (("shard", "0"),))] == 1.5
    assert any(name == "webnet_http_requests_total" for name, _ in samples)


def test_a_new_server_starts_from_empty_files(
    db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    env = {**os.environ, **metrics.fresh_processes_dir()}
    subprocess.run([sys.executable, "-c", WORKER], cwd=BACKEND, env=env, check=True, timeout=120)
    metrics.fresh_processes_dir()  # the next `serve`
    assert ("webnet_events_received_total", (("source", "trap"),)) not in _scrape()

"""Prometheus metrics: request counts and latency per route, served at /metrics together with
the metrics of the processes beside the web server.

The poll loop, the trap and syslog receivers and the delivery loop run in other processes (the
embedded job worker under `manage.py serve`; Celery workers and `manage.py receive_events` when
scaled out). Those processes run with PROMETHEUS_MULTIPROC_DIR set, so prometheus_client keeps
their values in files there; /metrics reads the files and adds the web process's own metrics
(a family found in the files wins, so nothing is counted twice)."""

import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.metrics_core import Metric
from prometheus_client.multiprocess import MultiProcessCollector

REQUESTS = Counter("webnet_http_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram(
    "webnet_http_request_duration_seconds", "HTTP request latency", ["method", "route"]
)


def set_gauge(name: str, documentation: str, labels: tuple[str, ...] = ()) -> Gauge:
    """A gauge that one process sets (never increments): across processes, the value is the most
    recent one written."""
    return Gauge(name, documentation, labels, multiprocess_mode="mostrecent")


def _route(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return match.route if match is not None else "unmatched"


class MetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        response = self.get_response(request)
        route = _route(request)
        LATENCY.labels(request.method, route).observe(time.perf_counter() - start)
        REQUESTS.labels(request.method, route, str(response.status_code)).inc()
        return response


def processes_dir() -> Path:
    """Where the processes beside the web server keep their metrics."""
    return Path(os.environ.get("PROMETHEUS_MULTIPROC_DIR") or settings.STATE_DIR / "metrics")


def fresh_processes_dir() -> dict[str, str]:
    """For a server starting its worker: an emptied directory (a previous run's counters would
    otherwise be added in) and the environment that makes the child write there."""
    path = processes_dir()
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return {"PROMETHEUS_MULTIPROC_DIR": str(path)}


class _WithProcesses:
    """The families in the processes' files, then this process's families not among them."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def collect(self) -> Iterator[Metric]:
        shared = list(MultiProcessCollector(None, path=str(self.path)).collect())
        names = {family.name for family in shared}
        yield from shared
        yield from (family for family in REGISTRY.collect() if family.name not in names)


def metrics_view(request: HttpRequest) -> HttpResponse:
    path = processes_dir()
    if not path.is_dir():
        return HttpResponse(generate_latest(), content_type=CONTENT_TYPE_LATEST)
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_WithProcesses(path))
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)

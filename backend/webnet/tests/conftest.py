"""Suite-wide fixtures: a two-customer world with every role, API clients, and the secret canary.

The canary guard runs around every test: the canary password (the default credential password of
the factories) must never appear in an HTTP response, a log record or an audit event written.
"""

import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from webnet.core.models import AuditEvent
from webnet.customers.models import Customer, Role
from webnet.tests import factories
from webnet.tests.jobs.conftest import start_lab  # noqa: F401  (a lab as inventory, suite-wide)
from webnet.tests.lab.netns import netns  # noqa: F401  (ICMP tests' network namespaces)
from webnet.users.models import User

# Hashing passwords at full strength would dominate the suite's run time.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Jobs a test submits run in the test process (no worker process beside pytest); the served-app
# tests (`manage.py serve` subprocesses) run the embedded worker.
settings.WEBNET_EXECUTOR = "local"
# Webhook receivers in tests listen on loopback, which the SSRF guard refuses otherwise (served
# subprocesses read it from the environment).
os.environ.setdefault("WEBNET_WEBHOOK_ALLOWED_NETWORKS", "127.0.0.0/8")
settings.WEBNET_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"]

CANARY = factories.CANARY


class _CanaryLogHandler(logging.Handler):
    def __init__(self, leaks: list[str]) -> None:
        super().__init__(level=logging.DEBUG)
        self.leaks = leaks

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage() + " " + repr(getattr(record, "args", ""))
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        if CANARY in text:
            self.leaks.append(f"log {record.name}: {text[:200]}")


class CanaryGuard:
    """Watches HTTP responses of the test clients, log records and audit events for CANARY."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.leaks: list[str] = []
        self.handler = _CanaryLogHandler(self.leaks)
        leaks = self.leaks
        original_request, original_save = Client.request, AuditEvent.save

        def checked_request(client: Client, **request: object):  # type: ignore[no-untyped-def]
            response = original_request(client, **request)
            if not getattr(response, "streaming", False) and CANARY.encode() in response.content:
                leaks.append(f"response {request.get('REQUEST_METHOD')} {request.get('PATH_INFO')}")
            return response

        def checked_save(event: AuditEvent, *args: object, **kwargs: object) -> None:
            if CANARY in json.dumps(event.changes) + event.object_repr:
                leaks.append(f"audit event {event.action} {event.object_type}")
            original_save(event, *args, **kwargs)

        monkeypatch.setattr(Client, "request", checked_request)
        monkeypatch.setattr(AuditEvent, "save", checked_save)
        logging.getLogger().addHandler(self.handler)

    def stop(self) -> list[str]:
        logging.getLogger().removeHandler(self.handler)
        return self.leaks


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Login throttles live in the cache: no test may inherit another's failed attempts."""
    cache.clear()


@pytest.fixture(autouse=True)
def canary_guard(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    if request.node.get_closest_marker("no_canary"):
        yield
        return
    guard = CanaryGuard(monkeypatch)
    try:
        yield
    finally:
        leaks = guard.stop()
    assert not leaks, f"canary secret leaked: {leaks}"


@dataclass
class World:
    """Customer A with a user per role; customer B with its own admin (the outsider)."""

    a: Customer
    b: Customer
    viewer: User
    operator: User
    admin: User
    outsider: User
    staff: User

    def user(self, role: str) -> User | None:
        return None if role == "anonymous" else getattr(self, role)


@pytest.fixture
def world(db: None) -> World:
    a = factories.CustomerFactory(name="Alpha Networks", slug="alpha")
    b = factories.CustomerFactory(name="Bravo Telecom", slug="bravo")
    users = {}
    for role in (Role.VIEWER, Role.OPERATOR, Role.ADMIN):
        users[role.value] = factories.MembershipFactory(
            customer=a, role=role, user__username=f"a-{role.value}"
        ).user
    outsider = factories.MembershipFactory(
        customer=b, role=Role.ADMIN, user__username="b-admin"
    ).user
    staff = factories.UserFactory(username="staff", is_superuser=True, is_staff=True)
    return World(a=a, b=b, outsider=outsider, staff=staff, **users)


def client_for(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def api(world: World):  # type: ignore[no-untyped-def]
    """api(role) → an APIClient authenticated as that role of `world` (or anonymous)."""
    return lambda role: client_for(world.user(role))

"""Suite-wide fixtures: a two-customer world with every role, API clients, and the secret canary.

The canary guard runs around every test: the canary password (the default credential password of
the factories) must never appear in an HTTP response, a log record or an audit event.
"""

import logging
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from webnet.customers.models import Customer, Role
from webnet.tests import factories
from webnet.users.models import User

# Hashing passwords at full strength would dominate the suite's run time.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

CANARY = "canary-Pa55w0rd-7f3e9b"
factories.CredentialFactory.password = CANARY
factories.CredentialFactory.enable_secret = CANARY + "-enable"


class _CanaryLogHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.leaks: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage() + " " + repr(getattr(record, "args", ""))
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        if CANARY in text:
            self.leaks.append(text)


@pytest.fixture(autouse=True)
def canary_guard(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    leaks: list[str] = []
    original = Client.request

    def checked_request(self: Client, **request: object):  # type: ignore[no-untyped-def]
        response = original(self, **request)
        if not getattr(response, "streaming", False) and CANARY.encode() in response.content:
            leaks.append(f"{request.get('REQUEST_METHOD')} {request.get('PATH_INFO')}")
        return response

    monkeypatch.setattr(Client, "request", checked_request)
    handler = _CanaryLogHandler()
    logging.getLogger().addHandler(handler)
    try:
        yield
    finally:
        logging.getLogger().removeHandler(handler)
    assert not leaks, f"canary secret in HTTP responses: {leaks}"
    assert not handler.leaks, f"canary secret in logs: {handler.leaks[:3]}"


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

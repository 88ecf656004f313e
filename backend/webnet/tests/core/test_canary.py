"""The canary guard itself must be able to fail: leak the canary on purpose and expect a catch."""

import logging

import pytest

from webnet.api.devices import CredentialSerializer
from webnet.core import audit
from webnet.tests import factories as f
from webnet.tests.conftest import CANARY, CanaryGuard, World

pytestmark = pytest.mark.no_canary


def _leaks(monkeypatch: pytest.MonkeyPatch, action) -> list[str]:  # type: ignore[no-untyped-def]
    guard = CanaryGuard(monkeypatch)
    try:
        action()
    finally:
        leaks = guard.stop()
    return leaks


def test_guard_catches_a_leak_in_a_response(world: World, api, monkeypatch) -> None:
    monkeypatch.setattr(CredentialSerializer, "to_representation", lambda self, obj: {"x": CANARY})
    f.CredentialFactory(customer=world.a)
    leaks = _leaks(monkeypatch, lambda: api("admin").get("/api/v1/credentials/"))
    assert leaks == ["response GET /api/v1/credentials/"]


def test_guard_catches_a_leak_in_logs(monkeypatch) -> None:
    leaks = _leaks(monkeypatch, lambda: logging.getLogger("webnet.x").warning("pw %s", CANARY))
    assert len(leaks) == 1 and leaks[0].startswith("log webnet.x")


def test_guard_catches_a_leak_in_audit(db, monkeypatch) -> None:
    leaks = _leaks(monkeypatch, lambda: audit.record("create", object_repr=f"cred {CANARY}"))
    assert leaks == ["audit event create "]

"""Transitions write the login's RADIUS rows and change its live sessions by CoA/Disconnect."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from webnet.aaa import coa
from webnet.aaa import provisioning as aaa
from webnet.drivers.radius import Answer
from webnet.subscribers import provisioning
from webnet.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def nas(monkeypatch) -> list[dict[str, Any]]:
    """The NAS's CoA port: records what it was sent and ACKs (a NAK for Disconnect)."""
    sent: list[dict[str, Any]] = []

    def answer(host, port, secret, attributes, *, disconnect=False, **_: Any) -> Answer:
        sent.append({"host": host, "disconnect": disconnect, **attributes})
        return Answer("nak", 503, 1) if disconnect else Answer("ack", None, 1)

    monkeypatch.setattr(coa.radius, "send_change", answer)
    return sent


@pytest.fixture
def service(world) -> Any:
    service = f.ServiceInstanceFactory(
        subscriber__customer=world.a, login="alice", password="pw-1", static_address="100.64.0.9"
    )
    provisioning.transition(world.operator, service, "activate")
    f.NasFactory(customer=world.a, nasname="127.0.0.1")
    f.RadAcctFactory(customer=world.a, username="alice", nasipaddress="127.0.0.1")
    return service


def test_activation_writes_the_rows_with_the_real_password(world, service, nas) -> None:
    rows = aaa.actual_rows(world.a, "alice")
    assert ("Cleartext-Password", ":=", "pw-1") in rows.check
    assert ("Mikrotik-Rate-Limit", ":=", "20000k/100000k") in rows.reply
    assert ("Framed-IP-Address", ":=", "100.64.0.9") in rows.reply
    assert nas == []  # activation: no session could exist yet


def test_suspending_throttles_the_live_session_and_records_the_ack(world, service, nas) -> None:
    pplan, created = provisioning.transition(world.operator, service, "suspend")
    assert created and pplan.outcome["radius"] == "written"
    assert [s["outcome"] for s in pplan.outcome["sessions"]] == ["ack"]
    assert nas[0]["Mikrotik-Rate-Limit"] == "256k/256k" and nas[0]["User-Name"] == "alice"
    assert ("Mikrotik-Rate-Limit", ":=", "256k/256k") in aaa.actual_rows(world.a, "alice").reply
    assert "pw-1" not in str(pplan.body)
    provisioning.transition(world.operator, service, "suspend")
    assert len(nas) == 1  # the re-run sent nothing


def test_termination_removes_the_rows_and_records_the_nak(world, service, nas) -> None:
    pplan, _ = provisioning.transition(world.operator, service, "terminate")
    assert aaa.actual_rows(world.a, "alice").empty
    assert pplan.outcome["sessions"][0] | {"session": None} == {
        "session": None,
        "kind": "disconnect",
        "outcome": "nak",
        "error_cause": 503,
        "tries": 1,
    }


def test_a_viewer_cannot_provision(world, service) -> None:
    with pytest.raises(PermissionDenied):
        provisioning.transition(world.viewer, service, "suspend")
